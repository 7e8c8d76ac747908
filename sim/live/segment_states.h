// Kernel TCP states read off the real segments (live levels 2 and 3), the way a capture
// tool follows a conversation: each segment a realised host sends or receives moves its
// socket along RFC 9293 §3.3.2 (a SYN sent: SYN_SENT; a FIN sent from ESTABLISHED:
// FIN_WAIT1; an ACK of our FIN: FIN_WAIT2; the peer's FIN in FIN_WAIT2: TIME_WAIT; …).
// On loopback (no delay) these states last microseconds, far below any sampling; the
// segments prove them. Also marks retransmissions: a segment whose sequence space was
// already sent.
#pragma once
#include <cstdint>
#include <map>
#include <string>

#include "sim/live/kernel_sockets.h"
#include "sim/trace/trace_event.h"

namespace tcplab::live {

class SegmentStates {
 public:
  // A tx or rx event at a realised host. Records state observations in `states` for the
  // socket it concerns (registered on the fly for a listener's new connection) and, for a
  // tx, returns whether it is a retransmission.
  bool on_packet(const TraceEvent& e, SocketRegistry& reg, StateTracker& states);

 private:
  struct Side {
    std::string state;        // as inferred from segments
    bool syn_sent = false;
    bool synack_sent = false;
    uint32_t snd_max = 0;     // highest sequence number sent + 1
    bool fin_sent = false;
    uint32_t fin_seq = 0;     // the FIN's sequence number
    // The receiving side: the next sequence number expected (RCV.NXT), known from the
    // peer's SYN and from this host's own ACKs, which carry its RCV.NXT. A FIN counts only
    // once it is in order (RFC 9293 §3.10.7.4, eighth step); one that came early waits
    // for the ACK that covers it.
    bool rcv_known = false;
    uint32_t rcv_nxt = 0;
    bool peer_fin_pending = false;
    uint32_t peer_fin_seq = 0;
  };
  void peer_fin(size_t sock, Side& s, Time t, bool acks_our_fin, StateTracker& states);
  std::map<size_t, Side> sides_;
  void move(size_t sock, Side& s, Time t, const char* to, const char* why, StateTracker& states);
};

}  // namespace tcplab::live
