// The kernel's sockets through NETLINK_SOCK_DIAG (sim/live/sock_diag.h): a real
// listener, a real connection followed through its close (FIN_WAIT2 / CLOSE_WAIT, then
// TIME_WAIT outliving the client's fd), a UDP socket, the state names, and the `ss`
// listing of kernel rows laid out exactly like the simulator's own `ss`.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "sim/live/sock_diag.h"
#include "sim/net/node.h"
#include "sim/net/tool_output.h"
#include "sim/proto/tcp_socket.h"
#include "tests/live_private_netns.h"

using namespace tcplab;
using namespace tcplab::live;

namespace {

const Ipv4 kLoopback = Ipv4::of(127, 0, 0, 1);

sockaddr_in loopback_addr(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(kLoopback.v);
  a.sin_port = htons(port);
  return a;
}

uint16_t local_port(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  return ntohs(a.sin_port);
}

// A listener on 127.0.0.1 with a port the kernel picked.
int open_listener(int backlog) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a = loopback_addr(0);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(::listen(fd, backlog) == 0);
  return fd;
}

int connect_to(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a = loopback_addr(port);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  return fd;
}

std::vector<KernelSocket> dump_tcp(SockDiag& d) {
  std::vector<KernelSocket> out;
  std::string error;
  REQUIRE_MESSAGE(d.dump_tcp(out, error), error);
  return out;
}

std::optional<KernelSocket> find(const std::vector<KernelSocket>& socks, Endpoint local, Endpoint remote) {
  for (const KernelSocket& k : socks)
    if (k.local == local && k.remote == remote) return k;
  return std::nullopt;
}

// Dumps until the socket local→remote is in `state` (state changes on loopback take
// microseconds, but the test must not depend on scheduling): at most 2 s.
std::optional<KernelSocket> wait_for_state(SockDiag& d, Endpoint local, Endpoint remote, uint8_t state) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (std::chrono::steady_clock::now() < deadline) {
    auto k = find(dump_tcp(d), local, remote);
    if (k && k->state == state) return k;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return find(dump_tcp(d), local, remote);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The simulator's socket that looks like kernel row `k`, for its own `ss`.
TcpSocket sim_socket_like(const KernelSocket& k, int32_t id) {
  TcpSocket s;
  s.id = id;
  s.state = k.state == kernel_tcp::listen ? TcpState::Listen : TcpState::Established;
  s.local_addr = k.local.addr;
  s.local_port = k.local.port;
  s.remote_addr = k.remote.addr;
  s.remote_port = k.remote.port;
  if (k.state == kernel_tcp::listen) s.backlog = static_cast<int>(k.wqueue);
  return s;
}

}  // namespace

TEST_SUITE("live sock_diag") {
  TEST_CASE("kernel state numbers get the trace's netstat spellings and ss's") {
    CHECK(std::string(kernel_state_name(1)) == "ESTABLISHED");
    CHECK(std::string(kernel_state_name(2)) == "SYN_SENT");
    CHECK(std::string(kernel_state_name(3)) == "SYN_RECV");
    CHECK(std::string(kernel_state_name(4)) == "FIN_WAIT1");
    CHECK(std::string(kernel_state_name(5)) == "FIN_WAIT2");
    CHECK(std::string(kernel_state_name(6)) == "TIME_WAIT");
    CHECK(std::string(kernel_state_name(7)) == "CLOSED");
    CHECK(std::string(kernel_state_name(8)) == "CLOSE_WAIT");
    CHECK(std::string(kernel_state_name(9)) == "LAST_ACK");
    CHECK(std::string(kernel_state_name(10)) == "LISTEN");
    CHECK(std::string(kernel_state_name(11)) == "CLOSING");
    CHECK(std::string(kernel_state_name(kernel_tcp::new_syn_recv)) == "SYN_RECV");
    CHECK(std::string(kernel_state_ss_name(kernel_tcp::established)) == "ESTAB");
    CHECK(std::string(kernel_state_ss_name(kernel_tcp::time_wait)) == "TIME-WAIT");
    CHECK(std::string(kernel_state_ss_name(kernel_tcp::closed)) == "UNCONN");
  }

  TEST_CASE("a real connection: LISTEN, ESTABLISHED both ways with tcp_info, then the close") {
    test::in_private_netns([] {
      std::string error;
      auto diag = SockDiag::open(error);
      REQUIRE_MESSAGE(diag.has_value(), error);

      const int lfd = open_listener(5);
      const uint16_t lport = local_port(lfd);
      const int cfd = connect_to(lport);
      const int sfd = ::accept(lfd, nullptr, nullptr);
      REQUIRE(sfd >= 0);
      const Endpoint server{kLoopback, lport};
      const Endpoint client{kLoopback, local_port(cfd)};

      const std::vector<KernelSocket> socks = dump_tcp(*diag);
      auto listener = find(socks, server, Endpoint{Ipv4(0), 0});
      REQUIRE(listener.has_value());
      CHECK(std::string(kernel_state_name(listener->state)) == "LISTEN");
      CHECK(listener->wqueue == 5);  // ss's Send-Q of a listener: the backlog in effect
      CHECK(listener->rqueue == 0);  // nothing waits in the accept queue any more
      CHECK(listener->inode != 0);

      for (auto [local, remote] : {std::pair{client, server}, std::pair{server, client}}) {
        CAPTURE(to_string(local));
        auto k = find(socks, local, remote);
        REQUIRE(k.has_value());
        CHECK(std::string(kernel_state_name(k->state)) == "ESTABLISHED");
        CHECK(k->tcp);
        CHECK(k->inode != 0);
        REQUIRE(k->info.has_value());
        CHECK(k->info->snd_cwnd == 10);        // TCP_INIT_CWND (RFC 6928)
        CHECK(k->info->rto_us >= 200000);     // TCP_RTO_MIN
        CHECK(k->info->snd_mss > 0);
        CHECK(k->info->snd_ssthresh >= 0x7fffffffu - 1);  // "infinite" before any loss
        CHECK_FALSE(k->cc.empty());           // the congestion control's name (cubic, bbr, …)
      }

      // The client closes first: its FIN is ACKed at once, so it waits in FIN_WAIT2 and
      // the server, having read the FIN, in CLOSE_WAIT until it closes too.
      ::close(cfd);
      auto fw2 = wait_for_state(*diag, client, server, kernel_tcp::fin_wait2);
      REQUIRE(fw2.has_value());
      CHECK(std::string(kernel_state_name(fw2->state)) == "FIN_WAIT2");
      auto cw = wait_for_state(*diag, server, client, kernel_tcp::close_wait);
      REQUIRE(cw.has_value());
      CHECK(std::string(kernel_state_name(cw->state)) == "CLOSE_WAIT");

      // The server closes: LAST_ACK, the client ACKs its FIN and enters TIME_WAIT, a
      // socket with no fd (inode 0), no tcp_info, and the TIME-WAIT timer running.
      ::close(sfd);
      auto tw = wait_for_state(*diag, client, server, kernel_tcp::time_wait);
      REQUIRE(tw.has_value());
      CHECK(std::string(kernel_state_name(tw->state)) == "TIME_WAIT");
      CHECK(tw->inode == 0);
      CHECK_FALSE(tw->info.has_value());
      CHECK(tw->timer == 3);
      CHECK(tw->timer_expires_ms > 0);
      CHECK(tw->timer_expires_ms <= 60000);
      ::close(lfd);
    });
  }

  TEST_CASE("a UDP socket in the UDP dump") {
    test::in_private_netns([] {
      std::string error;
      auto diag = SockDiag::open(error);
      REQUIRE_MESSAGE(diag.has_value(), error);
      const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      REQUIRE(fd >= 0);
      sockaddr_in a = loopback_addr(0);
      REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
      const Endpoint local{kLoopback, local_port(fd)};

      std::vector<KernelSocket> udp;
      REQUIRE_MESSAGE(diag->dump_udp(udp, error), error);
      auto k = find(udp, local, Endpoint{Ipv4(0), 0});
      REQUIRE(k.has_value());
      CHECK_FALSE(k->tcp);
      CHECK(k->state == kernel_tcp::closed);  // an unconnected UDP socket: ss's UNCONN
      CHECK(k->inode != 0);
      CHECK_FALSE(k->info.has_value());
      // …and not in the TCP dump.
      CHECK_FALSE(find(dump_tcp(*diag), local, Endpoint{Ipv4(0), 0}).has_value());
      ::close(fd);
    });
  }

  TEST_CASE("format_ss lays kernel rows out exactly as the simulator's ss does") {
    test::in_private_netns([] {
      std::string error;
      auto diag = SockDiag::open(error);
      REQUIRE_MESSAGE(diag.has_value(), error);
      const int lfd = open_listener(7);
      const uint16_t lport = local_port(lfd);
      const int cfd = connect_to(lport);
      const int sfd = ::accept(lfd, nullptr, nullptr);
      REQUIRE(sfd >= 0);
      const int ufd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      sockaddr_in a = loopback_addr(0);
      REQUIRE(::bind(ufd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);

      // The rows of interest, in the kernel's order; and a simulated node holding the
      // same sockets, in the same order, for the simulator's own `ss`.
      std::vector<KernelSocket> rows;
      Node node;
      int32_t id = 1;
      for (const KernelSocket& k : dump_tcp(*diag)) {
        if (k.local.port != lport && k.remote.port != lport) continue;
        rows.push_back(k);
        node.tcp.push_back(sim_socket_like(k, id++));
      }
      std::vector<KernelSocket> udp;
      REQUIRE_MESSAGE(diag->dump_udp(udp, error), error);
      for (const KernelSocket& k : udp) {
        if (k.local.port != local_port(ufd)) continue;
        rows.push_back(k);
        UdpSocket u;
        u.id = id++;
        u.local_addr = k.local.addr;
        u.port = k.local.port;
        node.udp.push_back(u);
      }
      REQUIRE(node.tcp.size() == 3);
      REQUIRE(node.udp.size() == 1);

      CmdSockets tcp_only;  // ss -tan
      tcp_only.ss = true;
      tcp_only.udp = false;
      const std::vector<std::string> sim_tcp = format_ss(node, tcp_only);
      const std::vector<std::string> live_tcp = lines_of(live::format_ss(rows, true, false));
      REQUIRE(live_tcp.size() == sim_tcp.size());
      for (size_t i = 0; i < sim_tcp.size(); ++i) CHECK(live_tcp[i] == sim_tcp[i]);
      CHECK(live_tcp[0].rfind("State   Recv-Q  Send-Q", 0) == 0);
      CHECK(live_tcp[1].rfind("LISTEN  0       7", 0) == 0);
      CHECK(live_tcp[1].find(" 0.0.0.0:*") != std::string::npos);

      CmdSockets both;  // ss -tuan: the Netid column appears
      both.ss = true;
      const std::vector<std::string> sim_both = format_ss(node, both);
      const std::vector<std::string> live_both = lines_of(live::format_ss(rows, true, true));
      REQUIRE(live_both.size() == sim_both.size());
      for (size_t i = 0; i < sim_both.size(); ++i) CHECK(live_both[i] == sim_both[i]);
      CHECK(live_both.back().rfind("udp   UNCONN", 0) == 0);

      ::close(cfd);
      ::close(sfd);
      ::close(lfd);
      ::close(ufd);
    });
  }
}
