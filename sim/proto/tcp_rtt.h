// The retransmission timer's arithmetic, RFC 6298 (TCP-REFERENCE.md §2): SRTT and RTTVAR
// from samples, the RTO with the profile's floor and ceiling, and exponential backoff.
// A plain value inside each socket; the timer itself (set, fire, cancel) is tcp_timers.
#pragma once
#include <cstdint>

#include "sim/core/time.h"
#include "sim/proto/tcp_config.h"

namespace tcplab {

// `base` doubled `n` times, never above `cap` (RFC 6298 (5.5) and (2.5)); doubling stops
// at the cap, so a long run of expiries cannot overflow. Also the persist timer's
// backoff (RFC 9293 §3.8.6.1, SHLD-30).
Time backed_off(Time base, int n, Time cap);

struct RttEstimator {
  bool has_sample = false;
  Time srtt = 0;
  Time rttvar = 0;
  Time base_rto = kSec;  // RTO from (2.1)-(2.4), before backoff
  int backoff = 0;       // expiries since the last new sample or new ACK (5.5)

  // (2.1): no sample yet.
  void init(const TcpConfig& c);
  // (2.2) for the first sample, (2.3) after, then the floor (2.4) — on the whole RTO for
  // the rfc profile, on the variance term for linux (§2.6) — and the ceiling (2.5).
  // Resets the backoff (a new sample means the path answers again).
  void sample(Time r, const TcpConfig& c);
  // The RTO in force: base_rto doubled `backoff` times, capped at max_rto (5.5).
  Time rto(const TcpConfig& c) const;
  // (5.5): the timer expired.
  void on_timeout() { ++backoff; }
  // (5.7): the SYN (or SYN-ACK) was retransmitted and no sample was taken: RTO = 3 s
  // when data transmission begins (if it is less).
  void fallback_after_handshake(const TcpConfig& c);
};

}  // namespace tcplab
