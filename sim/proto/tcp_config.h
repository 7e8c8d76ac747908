// The TCP settings a world runs with: the profile (`linux` or `rfc`, TCP-REFERENCE.md §8)
// resolved, then each [tcp] knob of the scenario applied on top. Every number the TCP
// code uses comes from here, so that a lesson can change it and the trace header can
// say which behaviour is shown.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/time.h"
#include "sim/scenario/scenario.h"

namespace tcplab {

struct TcpConfig {
  std::string profile = "linux";

  // ---- retransmission (RFC 6298; TCP-REFERENCE.md §2) -------------------------------------
  Time initial_rto = kSec;            // (2.1)
  Time fallback_rto = 3 * kSec;       // (5.7): after a handshake that needed retransmission
  Time min_rto = 200 * kMs;           // linux: floor on the variance term; rfc: on the RTO
  bool min_rto_on_variance = true;    // linux true (RTO >= SRTT + 200 ms); rfc false (RTO >= 1 s)
  Time max_rto = 120 * kSec;          // (2.5), D4
  Time granularity = kMs;             // G of (2.2)/(2.3)
  int syn_retries = 6;                // D2; rfc: 7 (255 s, MUST-23)
  int syn_linear_timeouts = 4;        // D1; rfc: 0 (doubling)
  int synack_retries = 5;
  int retries2 = 15;                  // data: give up (ETIMEDOUT) after this many RTOs

  // ---- connection lifetime -----------------------------------------------------------------
  Time time_wait = 60 * kSec;         // D5; rfc: 2MSL = 240 s
  Time fin_timeout = 60 * kSec;       // orphaned FIN-WAIT-2 (linux); rfc: 0 = no limit

  // ---- windows and segments ----------------------------------------------------------------
  int initial_cwnd = 10;              // segments (RFC 6928, D6); 0 = RFC 5681 eq. (1)
  int mss = 0;                        // 0: interface MTU - 40 (1460 on Ethernet)
  uint32_t rmem = 131072;             // receive buffer (tcp_rmem default)
  uint32_t wmem = 16384;              // send buffer (tcp_wmem default): where it starts
  // Linux grows a connection's send buffer to two congestion windows (tcp_sndbuf_expand,
  // tcp_detail::sndbuf_expand); rfc, or a scenario that sets wmem: fixed at wmem.
  bool sndbuf_autotune = true;
  bool limited_transmit = true;       // RFC 3042

  // ---- ACKs and small segments -------------------------------------------------------------
  bool delack = true;                 // delayed ACKs (RFC 9293 §3.8.6.3)
  Time delayed_ack = 40 * kMs;        // linux TCP_DELACK_MIN; rfc: 200 ms
  int quickacks = 16;                 // linux TCP_MAX_QUICKACKS; rfc: 0
  bool nagle = true;                  // RFC 9293 §3.7.4
  bool nagle_minshall = true;         // linux: hold a runt only while a runt is unacked; rfc: classic

  // ---- robustness --------------------------------------------------------------------------
  bool rfc5961 = true;                // challenge ACKs (D10)
  bool abort_on_overflow = false;     // linux tcp_abort_on_overflow
  bool rst_with_ack = true;           // D11: linux sends R. on abort; rfc R
  int somaxconn = 4096;
  // Text in a SYN or SYN-ACK: the RFC queues it (§3.10.7.2, §3.10.7.3 step 6); Linux
  // without TCP Fast Open discards it and lets the sender retransmit.
  bool syn_data = false;
  // Linux (tcp_rcv_synsent_state_process): after answering a bad ACK in SYN-SENT with a
  // reset, send the SYN again almost at once (TCP_TIMEOUT_MIN, 2 ms) if it was not yet
  // retransmitted — "Previous FIN/ACK or RST/ACK might be ignored".
  bool syn_quick_retry = true;

  // Tests only: every new connection's ISS, instead of the seeded RNG's (to start just
  // below 2^32 and cross the wrap).
  std::optional<uint32_t> fixed_isn;
};

// The profile's values with the scenario's knobs on top.
TcpConfig resolve_tcp_config(const TcpSettings& s);

}  // namespace tcplab
