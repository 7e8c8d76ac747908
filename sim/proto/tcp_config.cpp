// Profiles (TCP-REFERENCE.md §8, bold choices) and the [tcp] knobs on top of them.
#include "sim/proto/tcp_config.h"

namespace tcplab {

TcpConfig resolve_tcp_config(const TcpSettings& s) {
  TcpConfig c;  // the linux profile
  c.profile = s.profile;
  if (s.profile == "rfc") {
    c.min_rto = kSec;                 // RFC 6298 (2.4): a floor on the whole RTO
    c.min_rto_on_variance = false;
    c.syn_retries = 7;                // 1+2+…+64 then 128 s: 255 s >= MUST-23's 3 minutes
    c.syn_linear_timeouts = 0;        // (5.5): double every time
    c.time_wait = 240 * kSec;         // 2MSL, MSL = 2 minutes (RFC 9293 §3.4.2)
    c.fin_timeout = 0;                // the RFC has no orphan FIN-WAIT-2 limit
    c.initial_cwnd = 0;               // RFC 5681 eq. (1)
    c.delayed_ack = 200 * kMs;        // < 500 ms (MUST-40); 200 ms is the classic BSD value
    c.quickacks = 0;
    c.rst_with_ack = false;
    c.nagle_minshall = false;
    c.syn_data = true;
    c.syn_quick_retry = false;         // RFC 9293 §3.7.4: any unacknowledged data holds a runt           // <SEQ=SND.NXT><CTL=RST> (§3.10.5)
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
  if (s.wmem) c.wmem = *s.wmem;
  if (s.nagle) c.nagle = *s.nagle;
  if (s.delack) c.delack = *s.delack;
  if (s.abort_on_overflow) c.abort_on_overflow = *s.abort_on_overflow;
  return c;
}

std::string describe(const TcpConfig& c) {
  std::string s = "profile " + c.profile + ": ";
  s += "min_rto " + format_duration(c.min_rto) + (c.min_rto_on_variance ? " (on the variance term)" : "");
  s += ", max_rto " + format_duration(c.max_rto);
  s += ", initial_rto " + format_duration(c.initial_rto);
  s += ", syn_retries " + std::to_string(c.syn_retries);
  s += ", syn_linear_timeouts " + std::to_string(c.syn_linear_timeouts);
  s += ", time_wait " + format_duration(c.time_wait);
  s += ", initial_cwnd " + (c.initial_cwnd ? std::to_string(c.initial_cwnd) : std::string("RFC 5681"));
  s += ", delayed_ack " + (c.delack ? format_duration(c.delayed_ack) : std::string("off"));
  s += std::string(", nagle ") + (c.nagle ? "on" : "off");
  s += ", congestion control newreno";
  return s;
}

}  // namespace tcplab
