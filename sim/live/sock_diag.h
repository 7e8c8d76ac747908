// The kernel's TCP and UDP sockets, as `ss` reads them: NETLINK_SOCK_DIAG dumps
// (inet_diag_req_v2, linux/inet_diag.h) with struct tcp_info (INET_DIAG_INFO,
// linux/tcp.h). Needs no privilege for sockets of this user; the netlink socket answers
// for the namespace it was opened in (open it inside an EnterNamespace to see another).
// TIME-WAIT sockets (which outlive their fd) and SYN-RECV request sockets are included.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/time.h"
#include "sim/scenario/command.h"
#include "sim/wire/address.h"

namespace tcplab::live {

// The kernel's TCP state numbers (include/net/tcp_states.h) and their netstat spelling,
// which is also the trace's (DESIGN.md "Trace events"): "ESTABLISHED", "SYN_SENT", …
// NEW_SYN_RECV (a request socket) is "SYN_RECV", as ss and netstat show it.
namespace kernel_tcp {
inline constexpr uint8_t established = 1, syn_sent = 2, syn_recv = 3, fin_wait1 = 4, fin_wait2 = 5,
                         time_wait = 6, closed = 7, close_wait = 8, last_ack = 9, listen = 10,
                         closing = 11, new_syn_recv = 12;
}  // namespace kernel_tcp
const char* kernel_state_name(uint8_t tcp_state);
// The same state in iproute2 ss's spelling (sstate_name[]): "ESTAB", "SYN-SENT", "UNCONN".
const char* kernel_state_ss_name(uint8_t tcp_state);

// The fields of struct tcp_info that the views use (TCP-REFERENCE.md §4.2).
struct KernelTcpInfo {
  uint8_t ca_state = 0;        // tcpi_ca_state: 0 open, 1 disorder, 2 cwr, 3 recovery, 4 loss
  uint8_t retransmits = 0;     // tcpi_retransmits: current consecutive RTO count
  uint8_t backoff = 0;
  uint8_t options = 0;         // TCPI_OPT_TIMESTAMPS 1, SACK 2, WSCALE 4, ECN 8
  uint8_t snd_wscale = 0, rcv_wscale = 0;
  uint32_t rto_us = 0, ato_us = 0, snd_mss = 0, rcv_mss = 0;
  uint32_t unacked = 0, lost = 0, retrans = 0;
  uint32_t rtt_us = 0, rttvar_us = 0;
  uint32_t snd_ssthresh = 0, snd_cwnd = 0;   // ssthresh 0x7fffffff = "infinite"
  uint32_t total_retrans = 0;
  uint64_t bytes_acked = 0, bytes_received = 0;
};

struct KernelSocket {
  bool tcp = true;             // false: UDP
  Endpoint local, remote;      // remote 0.0.0.0:0 for a listener / unconnected UDP
  uint8_t state = 0;           // kernel TCP state number (TCP_ESTABLISHED = 1 …)
  uint32_t inode = 0;          // 0 for TIME-WAIT and request sockets
  uint32_t rqueue = 0, wqueue = 0;  // Recv-Q / Send-Q as ss shows them
  uint8_t timer = 0;           // idiag_timer: 0 none, 1 retransmit, 2 keepalive, 3 TIME_WAIT, 4 zero-window probe
  uint32_t timer_expires_ms = 0;
  std::optional<KernelTcpInfo> info;  // TCP sockets with a full socket (not TIME-WAIT/request)
  std::string cc;              // congestion control algorithm (INET_DIAG_CONG), "" if not given
};

// An open NETLINK_SOCK_DIAG socket. Movable.
class SockDiag {
 public:
  // Opens the socket in the calling thread's current namespace; nullopt with `error`.
  static std::optional<SockDiag> open(std::string& error);
  SockDiag(SockDiag&&) noexcept;
  SockDiag& operator=(SockDiag&&) noexcept;
  SockDiag(const SockDiag&) = delete;
  SockDiag& operator=(const SockDiag&) = delete;
  ~SockDiag();

  // Every IPv4 TCP socket in every state (listeners, request sockets and TIME-WAIT
  // included), with tcp_info and the cc name. False with `error` on a netlink failure.
  bool dump_tcp(std::vector<KernelSocket>& out, std::string& error);
  // Every IPv4 UDP socket.
  bool dump_udp(std::vector<KernelSocket>& out, std::string& error);

 private:
  SockDiag() = default;
  int fd_ = -1;
  uint32_t seq_ = 0;
};

// `ss -tan`-like and `netstat -an`-like listings of kernel sockets, restricted by the
// caller to the sockets of interest, in the spellings the simulator's own tools use
// (sim/net/tool_output), so a student sees the same table from both.
std::string format_ss(const std::vector<KernelSocket>& socks, bool tcp, bool udp);
// `netstat -an`'s layout of the same rows (`which` picks the header).
std::string format_netstat(const std::vector<KernelSocket>& socks, const CmdSockets& which);

}  // namespace tcplab::live
