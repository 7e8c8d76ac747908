// NewReno: RFC 5681 (slow start, congestion avoidance, fast retransmit / fast recovery)
// with RFC 6582's partial-ACK rule and RFC 3042 Limited Transmit (TCP-REFERENCE.md §3).
// Every quantity is in bytes. The socket judges what an ACK is (new data, duplicate per
// RFC 5681 §2 (a)–(e), or neither) and does the sending; this file only decides cwnd,
// ssthresh and what must be (re)sent.
#include "sim/proto/tcp_cc.h"

#include <algorithm>

namespace tcplab {

namespace {

// cwnd only grows by small steps, but a long transfer in congestion avoidance must not
// wrap it around: stop at the "infinite" value Linux uses for ssthresh.
uint32_t grow(uint32_t v, uint64_t by) {
  return static_cast<uint32_t>(std::min<uint64_t>(uint64_t(v) + by, kInfiniteSsthresh));
}

// RFC 5681 §3.1: IW = initial_cwnd segments (RFC 6928 allows 10, D6), or eq. (1) when 0:
// 2 segments above 2190 B, 3 above 1095 B, else 4.
uint32_t initial_window(uint32_t smss, int initial_cwnd) {
  if (initial_cwnd > 0) return static_cast<uint32_t>(initial_cwnd) * smss;
  if (smss > 2190) return 2 * smss;
  if (smss > 1095) return 3 * smss;
  return 4 * smss;
}

// RFC 5681 eq. (4): ssthresh = max(FlightSize / 2, 2·SMSS).
uint32_t half_flight(uint32_t flight, uint32_t smss) { return std::max(flight / 2, 2 * smss); }

// ---- NewReno --------------------------------------------------------------------------

CcAction on_dupack(NewReno& s, const CcAck& a) {
  CcAction act;
  ++s.dupacks;
  if (s.in_recovery) {
    // RFC 5681 §3.2 step 4: each further dupACK means a segment has left the network;
    // inflate cwnd by SMSS so that new data can go out (step 5, done by the sender).
    s.cwnd = grow(s.cwnd, s.smss);
    return act;
  }
  if (s.dupacks < 3) {
    // RFC 3042 §2 (RFC 5681 §3.2 step 1): on the first and second dupACK send one new
    // segment, cwnd unchanged, provided the outstanding data stays within cwnd + 2·SMSS.
    // The rwnd check and "is there new data" are the sender's.
    if (s.limited_transmit && uint64_t(a.flight) + s.smss <= uint64_t(s.cwnd) + 2ull * s.smss)
      act.limited_transmit = s.smss;
    return act;
  }
  if (s.dupacks == 3) {
    // RFC 6582 §3.2 step 2: enter fast retransmit only if the ACK covers more than
    // `recover`; otherwise these dupACKs belong to a recovery (or an RTO) already dealt
    // with, and ssthresh must not be cut again.
    if (!((a.ack - 1u) > s.recover)) return act;
    s.recover = a.snd_nxt - 1u;  // the highest sequence number sent so far
    // RFC 5681 §3.2 step 2, eq. (4): "data sent in limited transmit MUST NOT be included
    // in this calculation", so FlightSize leaves those segments out.
    const uint32_t flight = a.flight > s.limited_sent ? a.flight - s.limited_sent : 0;
    s.ssthresh = half_flight(flight, s.smss);
    // Step 3: retransmit SND.UNA's segment; cwnd = ssthresh + 3·SMSS, the three segments
    // the dupACKs say have left the network.
    s.cwnd = s.ssthresh + 3 * s.smss;
    s.in_recovery = true;
    s.first_partial_done = false;
    act.retransmit_head = true;
  }
  // dupACKs beyond the third outside recovery (fast retransmit refused above): nothing.
  return act;
}

CcAction on_new_ack(NewReno& s, const CcAck& a) {
  CcAction act;
  if (s.in_recovery) {
    if ((a.ack - 1u) >= s.recover) {
      // RFC 6582 §3.2 step 3, full ACK (everything up to and including `recover`):
      // option 2, cwnd = ssthresh ("deflate", RFC 5681 §3.2 step 6), and leave recovery.
      s.cwnd = s.ssthresh;
      s.in_recovery = false;
      s.first_partial_done = false;
      s.dupacks = 0;
      s.limited_sent = 0;
      return act;
    }
    // RFC 6582 §3.2 step 3, partial ACK: the next hole is known to be lost; retransmit
    // it at once. Deflate by the bytes acked, add back SMSS if at least SMSS was acked
    // (so about ssthresh stays in flight when recovery ends). Floor at 1 SMSS so that a
    // pathological ACK cannot leave the sender with no window at all.
    const uint32_t deflated = s.cwnd > a.acked ? s.cwnd - a.acked : 0;
    s.cwnd = std::max(grow(deflated, a.acked >= s.smss ? s.smss : 0), s.smss);
    act.retransmit_head = true;
    // RFC 6582 §3.2 step 3: only the first partial ACK resets the retransmission timer
    // (RFC 3782's "Impatient" variant), so a long recovery can still end in an RTO.
    if (!s.first_partial_done) {
      act.restart_rto = true;
      s.first_partial_done = true;
    }
    return act;
  }
  // A new ACK outside recovery ends any run of dupACKs (RFC 5681 §3.2: they were
  // reordering, not loss), and with it the Limited Transmit allowance.
  s.dupacks = 0;
  s.limited_sent = 0;
  if (s.cwnd < s.ssthresh) {
    // RFC 5681 §3.1 eq. (2): slow start, at most SMSS per ACK however much it covers
    // (D7: the RFC, not Linux's per-packet count of §3.6).
    s.cwnd = grow(s.cwnd, std::min(a.acked, s.smss));
  } else {
    // RFC 5681 §3.1 eq. (3): congestion avoidance, cwnd += SMSS·SMSS/cwnd per ACK in
    // integer bytes, at least 1. At cwnd == ssthresh either may be used; like Linux we
    // slow-start only below ssthresh (TCP-REFERENCE.md §3.5).
    const uint64_t inc = s.cwnd ? uint64_t(s.smss) * s.smss / s.cwnd : s.smss;
    s.cwnd = grow(s.cwnd, std::max<uint64_t>(inc, 1));
  }
  return act;
}

CcAction on_ack(NewReno& s, const CcAck& a) {
  if (a.duplicate) return on_dupack(s, a);
  if (a.acked > 0) return on_new_ack(s, a);
  return {};  // neither new data nor a dupACK (e.g. a window update): no signal
}

void on_rto(NewReno& s, uint32_t flight, SeqNum snd_nxt, bool first) {
  // RFC 5681 §3.1: on the first RTO for a segment, eq. (4); a repeated RTO of the same
  // segment keeps ssthresh (halving an already collapsed flight would be meaningless).
  if (first) s.ssthresh = half_flight(flight, s.smss);
  s.cwnd = s.smss;  // loss window LW = 1 SMSS, whatever IW was
  // RFC 6582 §3.2 step 4: recover = highest sequence sent, and leave fast recovery, so
  // dupACKs caused by the go-back-N retransmissions cannot start a second reduction.
  s.recover = snd_nxt - 1u;
  s.in_recovery = false;
  s.first_partial_done = false;
  s.dupacks = 0;
  s.limited_sent = 0;
}

void on_idle(NewReno& s, int initial_cwnd) {
  // RFC 5681 §4.1: after an idle period longer than an RTO, restart with
  // RW = min(IW, cwnd); ssthresh is kept.
  s.cwnd = std::min(initial_window(s.smss, initial_cwnd), s.cwnd);
}

}  // namespace

CongestionControl cc_new(const CcInit& init) {
  NewReno s;
  s.smss = init.smss;
  // RFC 5681 §3.1: if the SYN or SYN-ACK was lost, IW MUST be one segment (D8: the RFC
  // rule, not Linux's "more than one retransmission").
  s.cwnd = init.syn_lost ? init.smss : initial_window(init.smss, init.initial_cwnd);
  s.ssthresh = kInfiniteSsthresh;  // §3.1: "arbitrarily high"
  s.recover = init.iss;            // RFC 6582 §3.2 step 1
  s.limited_transmit = init.limited_transmit;
  return s;
}

CcAction cc_on_ack(CongestionControl& cc, const CcAck& a) {
  return std::visit([&](auto& s) { return on_ack(s, a); }, cc);
}

void cc_on_rto(CongestionControl& cc, uint32_t flight, SeqNum snd_nxt, bool first) {
  std::visit([&](auto& s) { on_rto(s, flight, snd_nxt, first); }, cc);
}

void cc_on_idle(CongestionControl& cc, int initial_cwnd) {
  std::visit([&](auto& s) { on_idle(s, initial_cwnd); }, cc);
}

void cc_on_limited_sent(CongestionControl& cc, uint32_t bytes) {
  // RFC 3042 §2: remembered so that the third dupACK's FlightSize can leave them out.
  std::visit([&](auto& s) { s.limited_sent = grow(s.limited_sent, bytes); }, cc);
}

uint32_t cc_cwnd(const CongestionControl& cc) {
  return std::visit([](const auto& s) { return s.cwnd; }, cc);
}

uint32_t cc_ssthresh(const CongestionControl& cc) {
  return std::visit([](const auto& s) { return s.ssthresh; }, cc);
}

bool cc_in_recovery(const CongestionControl& cc) {
  return std::visit([](const auto& s) { return s.in_recovery; }, cc);
}

const char* cc_name(const CongestionControl& cc) {
  struct Name {
    const char* operator()(const NewReno&) const { return "newreno"; }
  };
  return std::visit(Name{}, cc);
}

}  // namespace tcplab
