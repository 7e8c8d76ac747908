// NETLINK_SOCK_DIAG dumps of the kernel's IPv4 TCP and UDP sockets, as iproute2's ss
// asks for them (sock_diag(7); linux/inet_diag.h): one SOCK_DIAG_BY_FAMILY request with
// NLM_F_DUMP and a struct inet_diag_req_v2, answered by one inet_diag_msg per socket,
// each followed by the attributes (rtattr) the request's idiag_ext asked for.
#include "sim/live/sock_diag.h"

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "sim/net/tool_output.h"
#include "sim/proto/tcp_socket.h"

namespace tcplab::live {
namespace {

std::string errno_text(int e) { return std::strerror(e); }

// The kernel state number as the simulator's state, for the names it already spells.
TcpState as_sim_state(uint8_t s) {
  switch (s) {
    case kernel_tcp::established: return TcpState::Established;
    case kernel_tcp::syn_sent: return TcpState::SynSent;
    case kernel_tcp::syn_recv:
    case kernel_tcp::new_syn_recv: return TcpState::SynReceived;
    case kernel_tcp::fin_wait1: return TcpState::FinWait1;
    case kernel_tcp::fin_wait2: return TcpState::FinWait2;
    case kernel_tcp::time_wait: return TcpState::TimeWait;
    case kernel_tcp::close_wait: return TcpState::CloseWait;
    case kernel_tcp::last_ack: return TcpState::LastAck;
    case kernel_tcp::listen: return TcpState::Listen;
    case kernel_tcp::closing: return TcpState::Closing;
    default: return TcpState::Closed;  // TCP_CLOSE, and numbers a newer kernel may add
  }
}

// The fields of struct tcp_info we keep. The kernel sends its own sizeof(struct
// tcp_info), which is shorter on older kernels and longer on newer ones than this
// header's: copy what both know and leave the rest zero (tcp_diag_get_info(),
// net/ipv4/tcp_diag.c, fills the attribute with tcp_get_info()).
KernelTcpInfo tcp_info_from(const void* data, size_t len) {
  struct tcp_info ti;
  std::memset(&ti, 0, sizeof ti);
  std::memcpy(&ti, data, std::min(len, sizeof ti));
  KernelTcpInfo k;
  k.ca_state = ti.tcpi_ca_state;
  k.retransmits = ti.tcpi_retransmits;
  k.backoff = ti.tcpi_backoff;
  k.options = ti.tcpi_options;
  k.snd_wscale = ti.tcpi_snd_wscale;
  k.rcv_wscale = ti.tcpi_rcv_wscale;
  k.rto_us = ti.tcpi_rto;
  k.ato_us = ti.tcpi_ato;
  k.snd_mss = ti.tcpi_snd_mss;
  k.rcv_mss = ti.tcpi_rcv_mss;
  k.unacked = ti.tcpi_unacked;
  k.lost = ti.tcpi_lost;
  k.retrans = ti.tcpi_retrans;
  k.rtt_us = ti.tcpi_rtt;
  k.rttvar_us = ti.tcpi_rttvar;
  k.snd_ssthresh = ti.tcpi_snd_ssthresh;
  k.snd_cwnd = ti.tcpi_snd_cwnd;
  k.total_retrans = ti.tcpi_total_retrans;
  k.bytes_acked = ti.tcpi_bytes_acked;
  k.bytes_received = ti.tcpi_bytes_received;
  return k;
}

// One inet_diag_msg and its attributes -> a KernelSocket.
KernelSocket socket_from(const nlmsghdr* h, bool tcp) {
  const auto* m = static_cast<const inet_diag_msg*>(NLMSG_DATA(h));
  KernelSocket k;
  k.tcp = tcp;
  // For AF_INET the address is the first 32-bit word, in network byte order.
  k.local = Endpoint{Ipv4(ntohl(m->id.idiag_src[0])), ntohs(m->id.idiag_sport)};
  k.remote = Endpoint{Ipv4(ntohl(m->id.idiag_dst[0])), ntohs(m->id.idiag_dport)};
  k.state = m->idiag_state;
  k.inode = m->idiag_inode;
  k.rqueue = m->idiag_rqueue;
  k.wqueue = m->idiag_wqueue;
  k.timer = m->idiag_timer;
  k.timer_expires_ms = m->idiag_expires;

  int len = static_cast<int>(h->nlmsg_len) - static_cast<int>(NLMSG_LENGTH(sizeof(*m)));
  for (auto* a = reinterpret_cast<const rtattr*>(m + 1); len > 0 && RTA_OK(a, len); a = RTA_NEXT(a, len)) {
    const size_t payload = RTA_PAYLOAD(a);
    if (a->rta_type == INET_DIAG_INFO && tcp) {
      k.info = tcp_info_from(RTA_DATA(a), payload);
    } else if (a->rta_type == INET_DIAG_CONG) {
      // A NUL-terminated name ("cubic"); take it up to the NUL or the attribute's end.
      const char* s = static_cast<const char*>(RTA_DATA(a));
      k.cc.assign(s, strnlen(s, payload));
    }
  }
  return k;
}

}  // namespace

const char* kernel_state_name(uint8_t tcp_state) {
  // TCP_CLOSE is netstat's "CLOSE"; the trace says "CLOSED" (DESIGN.md "Trace events").
  return netstat_name(as_sim_state(tcp_state));
}

const char* kernel_state_ss_name(uint8_t tcp_state) { return ss_name(as_sim_state(tcp_state)); }

std::optional<SockDiag> SockDiag::open(std::string& error) {
  const int fd = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) {
    error = "cannot open a NETLINK_SOCK_DIAG socket: " + errno_text(errno);
    return std::nullopt;
  }
  SockDiag d;
  d.fd_ = fd;
  return d;
}

SockDiag::SockDiag(SockDiag&& o) noexcept : fd_(o.fd_), seq_(o.seq_) { o.fd_ = -1; }

SockDiag& SockDiag::operator=(SockDiag&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    seq_ = o.seq_;
    o.fd_ = -1;
  }
  return *this;
}

SockDiag::~SockDiag() {
  if (fd_ >= 0) ::close(fd_);
}

namespace {

// Sends one dump request and collects every answer up to NLMSG_DONE.
bool dump(int fd, uint32_t seq, uint8_t protocol, std::vector<KernelSocket>& out, std::string& error) {
  const bool tcp = protocol == IPPROTO_TCP;
  const char* what = tcp ? "TCP" : "UDP";
  struct {
    nlmsghdr nlh;
    inet_diag_req_v2 req;
  } msg;
  std::memset(&msg, 0, sizeof msg);
  msg.nlh.nlmsg_len = sizeof msg;
  msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  msg.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  msg.nlh.nlmsg_seq = seq;
  msg.req.sdiag_family = AF_INET;
  msg.req.sdiag_protocol = protocol;
  // Every state. The kernel adds TCPF_NEW_SYN_RECV itself when SYN_RECV is asked for
  // (inet_diag_dump_icsk(), net/ipv4/inet_diag.c), and reports request sockets as
  // SYN_RECV; TIME-WAIT sockets come from the same established hash.
  msg.req.idiag_states = ~0u;
  // idiag_ext is a bit mask of the attributes wanted, bit (type - 1).
  if (tcp) msg.req.idiag_ext = (1u << (INET_DIAG_INFO - 1)) | (1u << (INET_DIAG_CONG - 1));

  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  ssize_t sent;
  do {
    sent = ::sendto(fd, &msg, sizeof msg, 0, reinterpret_cast<const sockaddr*>(&kernel), sizeof kernel);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) {
    error = std::string("sock_diag ") + what + " dump request failed: " + errno_text(errno);
    return false;
  }

  // The kernel fills each datagram up to the reader's buffer or its own page-sized
  // limit; 64 KiB is more than one datagram ever holds, so nothing is truncated.
  alignas(nlmsghdr) static thread_local char buf[65536];
  while (true) {
    ssize_t n;
    do {
      n = ::recv(fd, buf, sizeof buf, 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
      error = std::string("sock_diag ") + what + " dump failed: " + errno_text(errno);
      return false;
    }
    int len = static_cast<int>(n);
    for (auto* h = reinterpret_cast<const nlmsghdr*>(buf); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_seq != seq) continue;  // an answer to an earlier, abandoned request
      if (h->nlmsg_type == NLMSG_DONE) return true;
      if (h->nlmsg_type == NLMSG_ERROR) {
        const auto* e = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
        error = std::string("sock_diag ") + what + " dump refused by the kernel: " + errno_text(-e->error);
        if (-e->error == ENOENT && !tcp) error += " (is the udp_diag module loaded? modprobe udp_diag)";
        return false;
      }
      if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY) continue;
      if (h->nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg))) continue;
      out.push_back(socket_from(h, tcp));
    }
  }
}

}  // namespace

bool SockDiag::dump_tcp(std::vector<KernelSocket>& out, std::string& error) {
  return dump(fd_, ++seq_, IPPROTO_TCP, out, error);
}

bool SockDiag::dump_udp(std::vector<KernelSocket>& out, std::string& error) {
  return dump(fd_, ++seq_, IPPROTO_UDP, out, error);
}

std::string format_ss(const std::vector<KernelSocket>& socks, bool tcp, bool udp) {
  // ss prints TCP before UDP, each in the kernel's dump order (listeners first).
  std::vector<SsRow> rows;
  auto add = [&](const KernelSocket& k) {
    SsRow r;
    r.netid = k.tcp ? "tcp" : "udp";
    r.state = kernel_state_ss_name(k.state);
    r.recv = k.rqueue;
    r.send = k.wqueue;
    r.local = to_string(k.local);
    // ss prints a port of 0 as "*": a listener's or an unconnected UDP socket's peer.
    r.peer = k.remote.port == 0 ? to_string(k.remote.addr) + ":*" : to_string(k.remote);
    rows.push_back(std::move(r));
  };
  if (tcp)
    for (const KernelSocket& k : socks)
      if (k.tcp) add(k);
  if (udp)
    for (const KernelSocket& k : socks)
      if (!k.tcp) add(k);
  std::string text;
  for (const std::string& line : format_ss_rows(rows, tcp && udp)) text += line + "\n";
  return text;
}

std::string format_netstat(const std::vector<KernelSocket>& socks, const CmdSockets& which) {
  std::vector<NetstatRow> rows;
  for (int pass = 0; pass < 2; ++pass) {  // TCP before UDP, as net-tools prints them
    const bool tcp = pass == 0;
    if (tcp ? !which.tcp : !which.udp) continue;
    for (const KernelSocket& k : socks) {
      if (k.tcp != tcp) continue;
      // netstat prints a port of 0 as "*".
      const std::string peer = k.remote.port == 0 ? to_string(k.remote.addr) + ":*" : to_string(k.remote);
      rows.push_back({tcp ? "tcp" : "udp", k.rqueue, k.wqueue, to_string(k.local), peer,
                      tcp ? kernel_state_name(k.state) : ""});
    }
  }
  std::string text;
  for (const std::string& line : format_netstat_rows(rows, which)) text += line + "\n";
  return text;
}

}  // namespace tcplab::live
