// Congestion control behind a small interface, so that CUBIC can follow NewReno: a
// socket holds a `CongestionControl` (a variant of plain values) and calls the on_*
// hooks; the algorithm answers with what the sender must do. NewReno is RFC 5681 with
// RFC 6582's partial-ACK rule (TCP-REFERENCE.md §3). All quantities are bytes.
#pragma once
#include <cstdint>
#include <variant>

#include "sim/proto/tcp_seq.h"

namespace tcplab {

constexpr uint32_t kInfiniteSsthresh = 0x7fffffff;  // Linux TCP_INFINITE_SSTHRESH

// What the sender should do after an ACK.
struct CcAction {
  bool retransmit_head = false;   // fast retransmit (3rd dupACK) or a partial ACK (RFC 6582)
  bool restart_rto = false;       // first partial ACK: reset the retransmission timer
  uint32_t limited_transmit = 0;  // RFC 3042: may send this many new bytes beyond cwnd
};

struct NewReno {
  uint32_t smss = 1460;
  uint32_t cwnd = 0;
  uint32_t ssthresh = kInfiniteSsthresh;
  int dupacks = 0;
  bool in_recovery = false;
  bool first_partial_done = false;
  SeqNum recover;                  // RFC 6582 §3.2 step 1: ISS at init
  uint32_t limited_sent = 0;       // bytes sent by Limited Transmit (excluded from FlightSize)
  bool limited_transmit = true;    // RFC 3042 in use (from CcInit)
};

struct CcInit {
  uint32_t smss = 1460;
  int initial_cwnd = 10;           // segments; 0: RFC 5681 eq. (1)
  bool syn_lost = false;           // RFC 5681 §3.1: IW = 1 segment when the SYN/SYN-ACK was lost
  SeqNum iss;
  bool limited_transmit = true;
};

// An ACK as congestion control sees it. `flight` is SND.NXT − SND.UNA before the ACK;
// `snd_nxt` the highest sequence sent + 1.
struct CcAck {
  SeqNum ack;
  uint32_t acked = 0;              // bytes newly acknowledged (0 for a dupACK)
  uint32_t flight = 0;
  SeqNum snd_nxt;
  bool duplicate = false;          // RFC 5681 §2 definition (a)–(e), judged by the caller
};

using CongestionControl = std::variant<NewReno>;

CongestionControl cc_new(const CcInit& init);
// Both: the ACK of new data (slow start eq. 2, congestion avoidance eq. 3, NewReno
// full/partial ACKs) and duplicate ACKs (Limited Transmit, fast retransmit, inflation).
CcAction cc_on_ack(CongestionControl& cc, const CcAck& a);
// RFC 5681 eq. (4) and cwnd = 1 SMSS; RFC 6582 step 4. `first` is false on repeated
// RTOs of the same segment (ssthresh is then kept).
void cc_on_rto(CongestionControl& cc, uint32_t flight, SeqNum snd_nxt, bool first);
// RFC 5681 §4.1: idle for more than an RTO: cwnd = min(IW, cwnd).
void cc_on_idle(CongestionControl& cc, int initial_cwnd);
// Record bytes sent by Limited Transmit.
void cc_on_limited_sent(CongestionControl& cc, uint32_t bytes);

uint32_t cc_cwnd(const CongestionControl& cc);
uint32_t cc_ssthresh(const CongestionControl& cc);
bool cc_in_recovery(const CongestionControl& cc);
const char* cc_name(const CongestionControl& cc);  // "newreno"

}  // namespace tcplab
