// The TCP connections of a trace as seen on the wire, one list of segments per direction,
// for `live compare` (compare.h): which flags and how many bytes went each way, and which
// segments were retransmissions. Read from `tx` events of hosts only, so it works the same
// on the simulator's trace and on a kernel trace (level 2 and 3), whose frames carry no
// `retx` flag: retransmissions are recognised from the sequence numbers (RFC 9293 §3.4:
// a segment occupies seq .. seq+SEG.LEN-1, SYN and FIN counting one each).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/trace/trace_event.h"
#include "sim/trace/trace_view.h"
#include "sim/wire/headers.h"

namespace tcplab::live {

struct FlowSegment {
  Time t = 0;
  uint64_t id = 0;          // the frame id in its trace
  wire::TcpHeader tcp;      // with its options
  uint32_t len = 0;         // payload bytes
  uint32_t new_bytes = 0;   // payload bytes never sent before in this direction
  // The segment occupies sequence space that had been sent before in its direction: its
  // first sequence number is below the highest one sent so far.
  bool retx = false;
  bool retx_flag = false;   // the trace's own `retx` flag (the simulator sets it)
  Time first_sent = 0;      // retx: when its first sequence number was first sent
  Time since_last = 0;      // retx: time since the previous segment of this direction
                            // that occupied sequence space (for tail loss probes)
  bool tail = false;        // retx: it ends at the highest sequence number sent so far
                            // (the last segment sent, sent again)

  // "SYN", "ACK", "PSH|ACK(5)", a retransmission marked "*": "SYN*", "PSH|ACK(5)*".
  std::string token() const;
  bool occupies_seq() const;  // payload, SYN or FIN
  bool pure_ack() const;      // no payload, no SYN/FIN/RST
};

struct FlowDirection {
  std::string from_node, to_node;  // sender, receiver ("?" when it cannot be told)
  int32_t from_index = -1;         // the sender's node index in its trace
  std::string from_sock;           // the sender's socket id ("s1"), "" when not known
  // The sockets, "client s1 (client)", from the trace's state events; the node name when
  // none matches the segment's addresses.
  std::string from_label, to_label;
  std::string src, dst;            // "192.168.1.10:46013"
  std::vector<FlowSegment> segments;

  uint64_t bytes() const;          // payload bytes, each counted once
  size_t retransmissions() const;
  // The first segment with SYN set (the SYN or the SYN-ACK), if any.
  const FlowSegment* syn() const;
};

struct TcpFlow {  // one TCP connection
  std::string initiator_node, acceptor_node;  // who sent the SYN, who answered
  size_t ordinal = 1;  // the 1st, 2nd … connection from initiator to acceptor in this trace
  FlowDirection forward;   // initiator -> acceptor
  FlowDirection backward;  // acceptor -> initiator
  // "client → server" (plus " #2" for a second connection between the same two nodes).
  std::string name() const;
};

// Every TCP connection in the trace, in order of its first segment.
std::vector<TcpFlow> tcp_flows(const TraceContext& ctx, TraceView events);

// The round-trip time the trace shows for a connection's handshake: from the initiator's
// SYN to its first segment after the SYN-ACK (nullopt when the handshake is not complete).
std::optional<Time> handshake_rtt(const TcpFlow& flow);

}  // namespace tcplab::live
