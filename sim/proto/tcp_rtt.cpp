// RFC 6298 arithmetic in integer nanoseconds (TCP-REFERENCE.md §2). The smoothing
// constants are α = 1/8 and β = 1/4 (§2), so each update is written as one integer
// division of a weighted sum: the reference's values are binary fractions of a
// millisecond, and a single division at the end keeps them exact in ns wherever the exact
// value is a whole number of ns (a result that is not, such as 104.5703125 ms, is
// truncated: at most 1 ns off, far inside the 1 µs tolerance of §0.4).
#include "sim/proto/tcp_rtt.h"

#include <algorithm>

namespace tcplab {

namespace {

constexpr Time kAlphaDen = 8;  // α = 1/8 (RFC 6298 §2)
constexpr Time kBetaDen = 4;   // β = 1/4
constexpr Time kK = 4;         // K = 4

// (2.2)/(2.3) with the profile's floor (2.4) and the ceiling (2.5).
Time rto_from(Time srtt, Time rttvar, const TcpConfig& c) {
  const Time variance = kK * rttvar;
  Time rto;
  if (c.min_rto_on_variance) {
    // Linux (§2.6): the minimum acts like G on the variance term, so RTO >= SRTT + min_rto
    // (tcp_rtt_estimator() starts rttvar at max(2R, rto_min)).
    rto = srtt + std::max({c.granularity, c.min_rto, variance});
  } else {
    // RFC 6298 (2.2)/(2.3): SRTT + max(G, K·RTTVAR); then (2.4) rounds the whole RTO up
    // to min_rto (1 s SHOULD).
    rto = std::max(c.min_rto, srtt + std::max(c.granularity, variance));
  }
  return std::min(rto, c.max_rto);  // (2.5)
}

}  // namespace

void RttEstimator::init(const TcpConfig& c) {
  // (2.1): before any sample the RTO is the initial value (1 s); SRTT and RTTVAR are unset.
  has_sample = false;
  srtt = 0;
  rttvar = 0;
  base_rto = std::min(c.initial_rto, c.max_rto);
  backoff = 0;
}

void RttEstimator::sample(Time r, const TcpConfig& c) {
  if (r < 0) r = 0;  // a clock cannot run backwards; treat as an instant answer
  if (!has_sample) {
    // (2.2): SRTT = R, RTTVAR = R/2.
    srtt = r;
    rttvar = r / 2;
    has_sample = true;
  } else {
    // (2.3), in this order: RTTVAR uses the *old* SRTT, then SRTT moves.
    const Time err = srtt > r ? srtt - r : r - srtt;
    rttvar = ((kBetaDen - 1) * rttvar + err) / kBetaDen;
    srtt = ((kAlphaDen - 1) * srtt + r) / kAlphaDen;
  }
  base_rto = rto_from(srtt, rttvar, c);
  // A new sample means the path answers again: the backed-off RTO collapses to the newly
  // computed one (RFC 6298 §5, after (5.7): "collapses" once a sample is taken).
  backoff = 0;
}

Time backed_off(Time base, int n, Time cap) {
  Time r = std::min(base, cap);
  for (int i = 0; i < n && r < cap; ++i) r = r > cap / 2 ? cap : 2 * r;
  return r;
}

Time RttEstimator::rto(const TcpConfig& c) const { return backed_off(base_rto, backoff, c.max_rto); }

void RttEstimator::fallback_after_handshake(const TcpConfig& c) {
  // (5.7): the SYN (or SYN-ACK) timer expired and, by Karn's rule (§3), no sample could be
  // taken from the handshake: start the data phase with RTO = 3 s if the RTO in use is
  // less. Data transmission starts afresh, so the SYN's backoff does not carry over
  // (Linux: tcp_init_metrics() sets icsk_rto = TCP_TIMEOUT_FALLBACK).
  if (has_sample) return;  // a sample was taken after all: (2.2) already governs
  base_rto = std::min(std::max(base_rto, c.fallback_rto), c.max_rto);
  backoff = 0;
}

}  // namespace tcplab
