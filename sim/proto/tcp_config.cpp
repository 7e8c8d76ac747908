// Profiles (TCP-REFERENCE.md §8, bold choices) and the [tcp] knobs on top of them.
#include "sim/proto/tcp_config.h"

namespace tcplab {

TcpConfig resolve_tcp_config(const TcpSettings& s) {
  TcpConfig c;  // the linux profile
  c.profile = s.profile;
  if (s.profile == "rfc") {
    c.min_rto = kSec;                 // RFC 6298 (2.4): a floor on the whole RTO
    c.min_rto_on_variance = false;
    c.syn_retries = 7;                // 1, 3, 7 … 127 s, failure at 247 s (the 120 s RTO cap): >= MUST-23's 3 minutes
    c.syn_linear_timeouts = 0;        // (5.5): double every time
    c.time_wait = 240 * kSec;         // 2MSL, MSL = 2 minutes (RFC 9293 §3.4.2)
    c.fin_timeout = 0;                // the RFC has no orphan FIN-WAIT-2 limit
    c.initial_cwnd = 0;               // RFC 5681 eq. (1)
    c.delayed_ack = 200 * kMs;        // < 500 ms (MUST-40); 200 ms is the classic BSD value
    c.quickacks = 0;
    c.rst_with_ack = false;           // <SEQ=SND.NXT><CTL=RST> (§3.10.5)
    c.nagle_minshall = false;         // RFC 9293 §3.7.4: any unacknowledged data holds a runt
    c.syn_data = true;                // §3.10.7.2 / §3.10.7.3: text in a SYN is queued
    c.syn_quick_retry = false;
    c.sndbuf_autotune = false;        // the RFC leaves buffer sizes to the implementation
  }
  if (s.time_wait) c.time_wait = *s.time_wait;
  if (s.min_rto) c.min_rto = *s.min_rto;
  if (s.max_rto) c.max_rto = *s.max_rto;
  if (s.initial_rto) c.initial_rto = *s.initial_rto;
  if (s.delayed_ack) c.delayed_ack = *s.delayed_ack;
  if (s.fin_timeout) c.fin_timeout = *s.fin_timeout;
  if (s.syn_retries) c.syn_retries = *s.syn_retries;
  if (s.syn_linear_timeouts) c.syn_linear_timeouts = *s.syn_linear_timeouts;
  if (s.synack_retries) c.synack_retries = *s.synack_retries;
  if (s.retries2) c.retries2 = *s.retries2;
  if (s.initial_cwnd) c.initial_cwnd = *s.initial_cwnd;
  if (s.mss) c.mss = *s.mss;
  if (s.rmem) c.rmem = *s.rmem;
  if (s.wmem) {  // a scenario that sizes the send buffer gets that size, as SO_SNDBUF would
    c.wmem = *s.wmem;
    c.sndbuf_autotune = false;
  }
  if (s.nagle) c.nagle = *s.nagle;
  if (s.delack) c.delack = *s.delack;
  if (s.abort_on_overflow) c.abort_on_overflow = *s.abort_on_overflow;
  return c;
}

}  // namespace tcplab
