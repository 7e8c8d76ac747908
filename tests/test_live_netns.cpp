// Level 3's namespaces and TAP devices, checked the way a user would: with `ip netns` and
// `ip -n`, by talking to the namespace's kernel through the TAP fd (its ARP requests
// come out, our ARP replies, pings and datagrams go in), by checking that two namespaces
// reach each other only when tcplab forwards, and by killing a run with SIGINT and
// SIGTERM and finding nothing left. Everything a test creates is removed by destructors
// or guards, also when a check fails. The tests need root (CI runs as root) and say so
// when skipped.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "sim/live/netns.h"
#include "sim/wire/frame.h"
#include "sim/wire/headers.h"

using namespace tcplab;
using namespace tcplab::live;
using namespace tcplab::wire;

namespace {

#define NEEDS_ROOT()                                                                                        \
  do {                                                                                                      \
    if (geteuid() != 0) {                                                                                   \
      MESSAGE("skipped: needs root (CAP_SYS_ADMIN for namespaces, CAP_NET_ADMIN for TAP devices); CI runs " \
              "it as root, run the tests with sudo to include it");                                         \
      return;                                                                                               \
    }                                                                                                       \
  } while (0)

struct Shell {
  int status = -1;
  std::string out;  // stdout and stderr
};

Shell sh(const std::string& cmd) {
  Shell r;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// `ip netns list` prints one namespace per line, "NAME" or "NAME (id: N)".
bool netns_listed(const std::string& name) {
  std::istringstream lines(sh("ip netns list").out);
  for (std::string line; std::getline(lines, line);)
    if (line.substr(0, line.find(' ')) == name) return true;
  return false;
}

bool exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

Mac mac(uint8_t last) { return Mac{{0x02, 0x00, 0x00, 0x00, 0x77, last}}; }
Ipv4 ip(uint8_t last) { return Ipv4::of(10, 77, 0, last); }

TapConfig host(const std::string& node, uint8_t last) {
  TapConfig c;
  c.node = node;
  c.mac = mac(last);
  c.addr = Prefix{ip(last), 24};
  return c;
}

struct Fd {
  int fd = -1;
  explicit Fd(int f = -1) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

struct Frame {
  Bytes bytes;
  ParsedFrame p;
  std::string payload() const {
    return std::string(bytes.begin() + long(p.payload_offset), bytes.begin() + long(p.payload_offset + p.payload_len));
  }
};

// The next frame from a TAP fd for which `want` holds, within `ms`; others are skipped.
std::optional<Frame> next_frame(int fd, int ms, const std::function<bool(const Frame&)>& want) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  for (;;) {
    int left = int(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count());
    if (left <= 0) return std::nullopt;
    pollfd pfd{fd, POLLIN, 0};
    if (poll(&pfd, 1, left) <= 0) continue;
    uint8_t buf[65536];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) continue;
    Frame f;
    f.bytes.assign(buf, buf + n);
    f.p = parse_frame(f.bytes);
    if (want(f)) return f;
  }
}

bool any(const Frame&) { return true; }

bool write_frame(int fd, const Bytes& frame) { return write(fd, frame.data(), frame.size()) == ssize_t(frame.size()); }

Bytes arp_reply(Mac from_mac, Ipv4 from_ip, Mac to_mac, Ipv4 to_ip) {
  return build_arp_frame(EthernetHeader{to_mac, from_mac, kEtherTypeArp},
                         ArpPacket{kArpReply, from_mac, from_ip, to_mac, to_ip});
}

Bytes udp_frame(Mac src_mac, Mac dst_mac, Endpoint src, Endpoint dst, const std::string& text) {
  Bytes l4;
  Bytes payload(text.begin(), text.end());
  emit_udp(UdpHeader{src.port, dst.port, 0, 0}, src.addr, dst.addr, payload, l4);
  Ipv4Header iph;
  iph.protocol = kProtoUdp;
  iph.src = src.addr;
  iph.dst = dst.addr;
  return build_ipv4_frame(EthernetHeader{dst_mac, src_mac, kEtherTypeIpv4}, iph, l4);
}

Bytes echo_request(Mac src_mac, Mac dst_mac, Ipv4 src, Ipv4 dst, uint16_t id, uint16_t seq, const std::string& text) {
  Bytes l4;
  Bytes body(text.begin(), text.end());
  emit_icmp(IcmpHeader{kIcmpEchoRequest, 0, 0, id, seq}, body, l4);
  Ipv4Header iph;
  iph.protocol = kProtoIcmp;
  iph.src = src;
  iph.dst = dst;
  return build_ipv4_frame(EthernetHeader{dst_mac, src_mac, kEtherTypeIpv4}, iph, l4);
}

sockaddr_in sin_of(Ipv4 a, uint16_t port) {
  sockaddr_in s{};
  s.sin_family = AF_INET;
  s.sin_addr.s_addr = htonl(a.v);
  s.sin_port = htons(port);
  return s;
}

// A UDP socket made inside `h`'s namespace (where it stays), bound to `a` and a port the
// kernel picks, which is returned in `port`.
int udp_socket_in(const HostNamespace& h, Ipv4 a, uint16_t& port) {
  EnterNamespace in(h.netns_fd());
  REQUIRE_MESSAGE(in.ok(), in.error());
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  REQUIRE(s >= 0);
  sockaddr_in sa = sin_of(a, 0);
  REQUIRE(bind(s, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0);
  socklen_t len = sizeof sa;
  getsockname(s, reinterpret_cast<sockaddr*>(&sa), &len);
  port = ntohs(sa.sin_port);
  return s;
}

bool send_to(int s, Ipv4 a, uint16_t port, const std::string& text) {
  sockaddr_in sa = sin_of(a, port);
  return sendto(s, text.data(), text.size(), 0, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == ssize_t(text.size());
}

std::optional<std::string> recv_within(int s, int ms) {
  pollfd pfd{s, POLLIN, 0};
  if (poll(&pfd, 1, ms) != 1) return std::nullopt;
  char buf[2048];
  ssize_t n = recv(s, buf, sizeof buf, 0);
  if (n < 0) return std::nullopt;
  return std::string(buf, size_t(n));
}

ino_t current_netns_inode() {
  struct stat st {};
  stat("/proc/thread-self/ns/net", &st);
  return st.st_ino;
}

// Takes `caps` out of this thread's effective set (uid stays 0).
bool drop_effective(std::initializer_list<int> caps) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (syscall(SYS_capget, &header, data) != 0) return false;
  for (int c : caps) data[c / 32].effective &= ~(1u << (c % 32));
  return syscall(SYS_capset, &header, data) == 0;
}

// A forked child that talks back through a pipe. Its destructor kills and reaps it if the
// test ends early, then removes whatever its namespaces left (its pid is dead by then).
struct Child {
  pid_t pid = -1;
  int from_child = -1;
  bool reaped = false;
  Child() = default;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (pid > 0 && !reaped) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
    if (pid > 0) remove_stale();  // what a child that failed its cleanup left (a no-op when it did)
    if (from_child >= 0) close(from_child);
  }
  // The first line the child writes, within `ms`.
  std::string line(int ms) {
    std::string out;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (out.find('\n') == std::string::npos) {
      int left = int(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count());
      pollfd pfd{from_child, POLLIN, 0};
      if (left <= 0 || poll(&pfd, 1, left) != 1) break;
      char c;
      if (read(from_child, &c, 1) != 1) break;
      out += c;
    }
    return out.substr(0, out.find('\n'));
  }
  // The exit status once it ended, within `ms`; nullopt if it is still running.
  std::optional<int> wait(int ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    do {
      int status = 0;
      if (waitpid(pid, &status, WNOHANG) == pid) {
        reaped = true;
        return status;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    } while (std::chrono::steady_clock::now() < deadline);
    return std::nullopt;
  }
};

// Runs `body` in a forked child, which never returns into the test runner.
void spawn(Child& c, const std::function<void(int to_parent)>& body) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  c.pid = fork();
  REQUIRE(c.pid >= 0);
  if (c.pid == 0) {
    close(fds[0]);
    try {
      body(fds[1]);
    } catch (...) {  // a failed REQUIRE must not let the child run on as the test runner
      _exit(98);
    }
    _exit(0);
  }
  close(fds[1]);
  c.from_child = fds[0];
}

void say(int fd, const std::string& text) {
  std::string line = text + "\n";
  if (write(fd, line.data(), line.size()) < 0) _exit(99);
}

}  // namespace

TEST_SUITE("live netns") {
  TEST_CASE("names carry the pid: tcplab-PID-NODE and tlPID-K fit IFNAMSIZ") {
    CHECK(netns_name(42, "client") == "tcplab-42-client");
    CHECK(tap_name(42, 0) == "tl42-0");
    CHECK(tap_name(4194304, 99) == "tl4194304-99");
    CHECK(tap_name(4194304, 99).size() <= 15);
  }

  TEST_CASE("bad node names and TAP numbers and addresses are refused with the reason") {
    std::string err;
    TapConfig c = host("Client A", 1);
    CHECK_FALSE(HostNamespace::create(4242, 0, c, err));
    CHECK(err == "cannot create a namespace for node 'Client A': a node name may only use a-z, 0-9, '_' and '-'");

    c.node = "";
    CHECK_FALSE(HostNamespace::create(4242, 0, c, err));
    CHECK(has(err, "and cannot be empty"));

    c.node = "../etc";
    CHECK_FALSE(HostNamespace::create(4242, 0, c, err));
    CHECK(has(err, "a node name may only use"));

    c.node = std::string(300, 'n');
    CHECK_FALSE(HostNamespace::create(4242, 0, c, err));
    CHECK(has(err, "(300 characters): its name tcplab-<pid>-<node> would have 312 characters, more than the 255 a "
                   "file name in /run/netns may have"));

    c.node = "client";
    CHECK_FALSE(HostNamespace::create(4194304, 100000, c, err));
    CHECK(err == "cannot create TAP device tl4194304-100000: an interface name has at most 15 characters (IFNAMSIZ) "
                 "and its number must not be negative");

    c.addr = Prefix{Ipv4(0), 24};
    CHECK_FALSE(HostNamespace::create(4242, 0, c, err));
    CHECK(err == "cannot create namespace tcplab-4242-client: 0.0.0.0/24 is not an interface address");
    CHECK_FALSE(exists("/run/netns/tcplab-4242-client"));
  }

  TEST_CASE("the stop flag can be requested and read and cleared") {
    clear_stop_for_tests();
    CHECK_FALSE(stop_requested());
    CHECK(stop_signal() == 0);
    request_stop_for_tests(SIGTERM);
    CHECK(stop_requested());
    CHECK(stop_signal() == SIGTERM);
    clear_stop_for_tests();
    CHECK_FALSE(stop_requested());
  }

  TEST_CASE("ip netns and ip -n show each namespace with its address and MAC and MTU and routes - deletion removes them") {
    NEEDS_ROOT();
    const int pid = getpid();
    std::string err;
    TapConfig ca = host("show-a", 1);
    ca.mtu = 1400;
    ca.gateway = ip(254);
    ca.routes.push_back({Prefix{Ipv4::of(172, 16, 0, 0), 16}, ip(253)});
    auto a = HostNamespace::create(pid, 0, ca, err);
    REQUIRE_MESSAGE(a, err);
    auto b = HostNamespace::create(pid, 1, host("show-b", 2), err);
    REQUIRE_MESSAGE(b, err);
    const std::string na = a->name(), nb = b->name(), ta = a->tap(), tb = b->tap();
    CHECK(na == "tcplab-" + std::to_string(pid) + "-show-a");
    CHECK(ta == "tl" + std::to_string(pid) + "-0");
    CHECK(tb == "tl" + std::to_string(pid) + "-1");
    CHECK(a->tap_fd() >= 0);
    CHECK(a->netns_fd() >= 0);

    CHECK(netns_listed(na));
    CHECK(netns_listed(nb));
    Shell addr = sh("ip -n " + na + " addr show dev " + ta);
    CHECK_MESSAGE(addr.status == 0, addr.out);
    CHECK_MESSAGE(has(addr.out, "inet 10.77.0.1/24 brd 10.77.0.255 scope global " + ta), addr.out);
    CHECK_MESSAGE(has(addr.out, "link/ether 02:00:00:00:77:01 brd ff:ff:ff:ff:ff:ff"), addr.out);
    CHECK_MESSAGE(has(addr.out, "mtu 1400"), addr.out);
    CHECK_MESSAGE(has(addr.out, ",UP,LOWER_UP>"), addr.out);  // up, with carrier: our fd is attached
    CHECK_MESSAGE(!has(addr.out, "inet6"), addr.out);          // IPv6 off: nothing but IPv4 on the wire
    Shell lo = sh("ip -n " + na + " link show lo");
    CHECK_MESSAGE(has(lo.out, ",UP,LOWER_UP>"), lo.out);
    Shell routes = sh("ip -n " + na + " route");
    CHECK_MESSAGE(has(routes.out, "default via 10.77.0.254 dev " + ta), routes.out);
    CHECK_MESSAGE(has(routes.out, "10.77.0.0/24 dev " + ta + " proto kernel scope link src 10.77.0.1"), routes.out);
    CHECK_MESSAGE(has(routes.out, "172.16.0.0/16 via 10.77.0.253 dev " + ta), routes.out);
    CHECK_MESSAGE(!has(routes.out, "10.0.0.0/8"), routes.out);  // SIOCSIFADDR's classful mask did not stay
    Shell addr_b = sh("ip -n " + nb + " addr show dev " + tb);
    CHECK_MESSAGE(has(addr_b.out, "inet 10.77.0.2/24"), addr_b.out);
    CHECK_MESSAGE(has(addr_b.out, "link/ether 02:00:00:00:77:02"), addr_b.out);
    CHECK_MESSAGE(has(addr_b.out, "mtu 1500"), addr_b.out);
    // The host's own namespace has no such device and no new route.
    CHECK(sh("ip link show " + ta).status != 0);
    CHECK_FALSE(has(sh("ip route").out, ta));

    // A move hands the namespace over; the moved-from object deletes nothing.
    std::optional<HostNamespace> moved(std::move(*a));
    a.reset();
    CHECK(netns_listed(na));
    CHECK(moved->name() == na);
    moved.reset();
    b.reset();
    CHECK_FALSE(netns_listed(na));
    CHECK_FALSE(netns_listed(nb));
    CHECK_FALSE(exists("/run/netns/" + na));
    CHECK_FALSE(exists("/run/netns/" + nb));
  }

  TEST_CASE("the TAP fd carries frames both ways between tcplab and the namespace's kernel") {
    NEEDS_ROOT();
    std::string err;
    auto a = HostNamespace::create(getpid(), 0, host("wire", 1), err);
    REQUIRE_MESSAGE(a, err);
    const int fd = a->tap_fd();
    const Mac peer_mac = mac(0x99);
    const Ipv4 peer = ip(2);

    // Left alone the kernel says nothing on the wire: no IPv6 router solicitation, DAD or MLD.
    std::optional<Frame> unasked = next_frame(fd, 300, any);
    CHECK_MESSAGE(!unasked, "unexpected frame from the namespace: ethertype " << (unasked ? unasked->p.eth.ethertype : 0));

    // The kernel's own frames come out: a datagram to 10.77.0.2 first needs its MAC.
    uint16_t tx_port = 0;
    Fd tx(udp_socket_in(*a, ip(1), tx_port));
    REQUIRE(send_to(tx.fd, peer, 9999, "hello"));
    std::optional<Frame> req = next_frame(fd, 2000, [](const Frame& f) { return f.p.arp && f.p.arp->op == kArpRequest; });
    REQUIRE_MESSAGE(req, "no ARP request came out of the TAP");
    CHECK(req->p.eth.dst == Mac::broadcast());
    CHECK(req->p.eth.src == mac(1));
    CHECK(req->p.arp->sha == mac(1));
    CHECK(req->p.arp->spa == ip(1));
    CHECK(req->p.arp->tpa == peer);

    // Our answer goes in, and the kernel sends the datagram it held to the MAC we gave.
    REQUIRE(write_frame(fd, arp_reply(peer_mac, peer, mac(1), ip(1))));
    std::optional<Frame> dgram = next_frame(fd, 2000, [](const Frame& f) { return f.p.udp && f.p.udp->dport == 9999; });
    REQUIRE_MESSAGE(dgram, "the datagram did not follow the ARP reply");
    CHECK(dgram->p.eth.dst == peer_mac);
    CHECK(dgram->p.eth.src == mac(1));
    CHECK(dgram->p.ip->src == ip(1));
    CHECK(dgram->p.ip->dst == peer);
    CHECK(dgram->p.udp->sport == tx_port);
    CHECK(dgram->p.l4_checksum_ok);
    CHECK(dgram->payload() == "hello");

    // A ping written to the fd is answered by the kernel.
    REQUIRE(write_frame(fd, echo_request(peer_mac, mac(1), peer, ip(1), 0x4242, 7, "tcplab was here")));
    std::optional<Frame> pong = next_frame(fd, 2000, [](const Frame& f) { return f.p.icmp && f.p.icmp->type == kIcmpEchoReply; });
    REQUIRE_MESSAGE(pong, "no echo reply to the ping written to the TAP");
    CHECK(pong->p.eth.dst == peer_mac);
    CHECK(pong->p.ip->src == ip(1));
    CHECK(pong->p.ip->dst == peer);
    CHECK(pong->p.icmp->id == 0x4242);
    CHECK(pong->p.icmp->seq == 7);
    CHECK(pong->p.ip_checksum_ok);
    CHECK(pong->p.l4_checksum_ok);
    CHECK(pong->payload() == "tcplab was here");

    // A datagram written to the fd reaches a socket in the namespace.
    uint16_t rx_port = 0;
    Fd rx(udp_socket_in(*a, ip(1), rx_port));
    REQUIRE(write_frame(fd, udp_frame(peer_mac, mac(1), Endpoint{peer, 5555}, Endpoint{ip(1), rx_port}, "from the wire")));
    std::optional<std::string> got = recv_within(rx.fd, 2000);
    REQUIRE_MESSAGE(got, "the socket in the namespace received nothing");
    CHECK(*got == "from the wire");
  }

  TEST_CASE("two namespaces reach each other only when tcplab forwards their frames") {
    NEEDS_ROOT();
    std::string err;
    auto a = HostNamespace::create(getpid(), 0, host("iso-a", 1), err);
    REQUIRE_MESSAGE(a, err);
    auto b = HostNamespace::create(getpid(), 1, host("iso-b", 2), err);
    REQUIRE_MESSAGE(b, err);
    uint16_t port_b = 0, port_a = 0;
    Fd rx_b(udp_socket_in(*b, ip(2), port_b));
    Fd tx_a(udp_socket_in(*a, ip(1), port_a));

    // A frame for B written into A's TAP arrives at A's kernel, which drops it (not its
    // MAC); nothing crosses to B.
    REQUIRE(write_frame(a->tap_fd(), udp_frame(mac(1), mac(2), Endpoint{ip(1), port_a}, Endpoint{ip(2), port_b}, "leak?")));
    CHECK_FALSE(next_frame(b->tap_fd(), 300, any));
    CHECK_FALSE(recv_within(rx_b.fd, 0));

    // A's kernel sends to B: its ARP request comes out of A's TAP only.
    REQUIRE(send_to(tx_a.fd, ip(2), port_b, "over the wire"));
    std::optional<Frame> req = next_frame(a->tap_fd(), 2000, [](const Frame& f) { return bool(f.p.arp); });
    REQUIRE(req);
    CHECK_FALSE(next_frame(b->tap_fd(), 300, any));
    CHECK_FALSE(recv_within(rx_b.fd, 0));

    // tcplab as the wire: every frame read from one TAP is written to the other.
    REQUIRE(write_frame(b->tap_fd(), req->bytes));
    std::optional<std::string> got;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (!got && std::chrono::steady_clock::now() < deadline) {
      pollfd pfds[2] = {{a->tap_fd(), POLLIN, 0}, {b->tap_fd(), POLLIN, 0}};
      poll(pfds, 2, 20);
      for (int i = 0; i < 2; ++i) {
        uint8_t buf[65536];
        ssize_t n = read(pfds[i].fd, buf, sizeof buf);
        if (n > 0) CHECK(write(pfds[1 - i].fd, buf, size_t(n)) == n);
      }
      got = recv_within(rx_b.fd, 0);
    }
    REQUIRE_MESSAGE(got, "B received nothing although tcplab forwarded every frame");
    CHECK(*got == "over the wire");
  }

  TEST_CASE("creating leaves the caller's thread where it was - EnterNamespace goes in and comes back") {
    NEEDS_ROOT();
    const ino_t home = current_netns_inode();
    std::string err;
    auto a = HostNamespace::create(getpid(), 0, host("enter", 1), err);
    REQUIRE_MESSAGE(a, err);
    CHECK(current_netns_inode() == home);
    struct stat st {};
    REQUIRE(fstat(a->netns_fd(), &st) == 0);
    CHECK(st.st_ino != home);
    {
      EnterNamespace in(a->netns_fd());
      REQUIRE_MESSAGE(in.ok(), in.error());
      CHECK(current_netns_inode() == st.st_ino);
    }
    CHECK(current_netns_inode() == home);

    EnterNamespace bad(-1);
    CHECK_FALSE(bad.ok());
    CHECK(bad.error() == "cannot enter a network namespace: setns: Bad file descriptor");
    CHECK(current_netns_inode() == home);
  }

  TEST_CASE("a failing step says what failed and leaves nothing behind") {
    NEEDS_ROOT();
    const int pid = getpid();
    std::string err;

    TapConfig far = host("badroute", 1);
    far.routes.push_back({Prefix{Ipv4::of(192, 168, 9, 0), 24}, Ipv4::of(10, 99, 0, 1)});
    CHECK_FALSE(HostNamespace::create(pid, 0, far, err));
    CHECK(err == "cannot add the route to 192.168.9.0/24 via 10.99.0.1: Network is unreachable (the gateway must be "
                 "an address on the TAP's own subnet) (in tcplab-" + std::to_string(pid) + "-badroute)");
    CHECK_FALSE(netns_listed(netns_name(pid, "badroute")));

    TapConfig tiny = host("badmtu", 1);
    tiny.mtu = 20;
    CHECK_FALSE(HostNamespace::create(pid, 0, tiny, err));
    CHECK(err == "cannot set MTU 20 on tl" + std::to_string(pid) + "-0 in tcplab-" + std::to_string(pid) +
                     "-badmtu: Invalid argument");
    CHECK_FALSE(netns_listed(netns_name(pid, "badmtu")));

    auto first = HostNamespace::create(pid, 0, host("twice", 1), err);
    REQUIRE_MESSAGE(first, err);
    CHECK_FALSE(HostNamespace::create(pid, 1, host("twice", 2), err));
    CHECK(err == "cannot create namespace tcplab-" + std::to_string(pid) +
                     "-twice: this run already has a namespace for node 'twice'");
    CHECK(netns_listed(first->name()));  // the first one is untouched
  }

  TEST_CASE("without CAP_SYS_ADMIN or CAP_NET_ADMIN the error names the capability and nothing is left") {
    NEEDS_ROOT();
    struct Case {
      int cap;
      const char* expect;
    };
    for (Case k : {Case{CAP_SYS_ADMIN, "Operation not permitted (needs CAP_SYS_ADMIN)"},
                   Case{CAP_NET_ADMIN, "Operation not permitted (needs CAP_NET_ADMIN)"}}) {
      CAPTURE(k.expect);
      Child c;
      spawn(c, [&](int to_parent) {
        if (!drop_effective({k.cap})) say(to_parent, "capset failed");
        std::string e;
        auto h = HostNamespace::create(getpid(), 0, host("nocap", 1), e);
        say(to_parent, h ? "created " + h->name() : e);
      });
      std::string err = c.line(10000);
      CHECK(c.wait(10000) == 0);
      CHECK_MESSAGE(has(err, k.expect), err);
      if (k.cap == CAP_NET_ADMIN)
        CHECK(err == "cannot create TAP device tl" + std::to_string(c.pid) + "-0 in tcplab-" + std::to_string(c.pid) +
                         "-nocap: Operation not permitted (needs CAP_NET_ADMIN)");
      CHECK_FALSE(netns_listed(netns_name(c.pid, "nocap")));
      CHECK_FALSE(exists("/run/netns/" + netns_name(c.pid, "nocap")));
    }
  }

  TEST_CASE("where /run/netns cannot be written the namespace works unnamed and says why") {
    NEEDS_ROOT();
    Child c;
    spawn(c, [](int to_parent) {
      // A private mount namespace with a read-only /run/netns: what a non-root user given
      // the capabilities with setcap meets (no CAP_DAC_OVERRIDE to write there). Private
      // first, so that nothing of this reaches the host's mounts.
      if (unshare(CLONE_NEWNS) != 0 || mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
          mount("tcplab-test", "/run/netns", "tmpfs", MS_RDONLY, nullptr) != 0) {
        say(to_parent, std::string("setup failed: ") + std::strerror(errno));
        return;
      }
      std::string e;
      auto h = HostNamespace::create(getpid(), 0, host("anon", 1), e);
      if (!h) return say(to_parent, "error: " + e);
      uint16_t port = 0;
      Fd tx(udp_socket_in(*h, ip(1), port));
      send_to(tx.fd, ip(2), 9, "x");
      bool arp = bool(next_frame(h->tap_fd(), 2000, [](const Frame& f) { return bool(f.p.arp); }));
      say(to_parent, std::string(h->named() ? "named" : "unnamed") + (arp ? " arp " : " silent ") + h->why_unnamed());
    });
    std::string out = c.line(10000);
    CHECK(c.wait(10000) == 0);
    CHECK(out == "unnamed arp cannot create /run/netns/" + netns_name(c.pid, "anon") + ": Read-only file system");
    CHECK_FALSE(netns_listed(netns_name(c.pid, "anon")));
    CHECK_FALSE(exists("/run/netns/" + netns_name(c.pid, "anon")));
  }

  TEST_CASE("remove_stale removes what a dead run left and keeps the rest") {
    NEEDS_ROOT();
    pid_t dead = fork();
    if (dead == 0) _exit(0);
    REQUIRE(dead > 0);
    waitpid(dead, nullptr, 0);
    REQUIRE((kill(dead, 0) == -1 && errno == ESRCH));
    const int me = getpid();
    const std::string stale_ns = netns_name(dead, "x");
    const std::string old_own = netns_name(me, "old");  // an earlier process that had our pid
    const std::string alive_ns = netns_name(1, "keep");  // pid 1 always runs
    const std::string stale_tap = tap_name(dead, 0);
    const std::string not_a_tap = tap_name(dead, 1);
    struct Guard {  // whatever the checks say, nothing stays
      std::vector<std::string> ns, links;
      ~Guard() {
        for (auto& n : ns) sh("ip netns del " + n);
        for (auto& l : links) sh("ip link del " + l);
      }
    } guard{{stale_ns, old_own, alive_ns}, {stale_tap, not_a_tap}};
    for (const std::string& n : guard.ns) REQUIRE(sh("ip netns add " + n).status == 0);
    // A persistent TAP in the host namespace, as a crash with TUNSETPERSIST would leave.
    Shell tuntap = sh("ip tuntap add dev " + stale_tap + " mode tap");
    REQUIRE_MESSAGE(tuntap.status == 0, tuntap.out);
    // A device with a TAP-like name that is not a tun/tap device is never touched.
    bool have_dummy = sh("ip link add " + not_a_tap + " type dummy").status == 0;
    std::string err;
    auto mine = HostNamespace::create(me, 0, host("mine", 1), err);
    REQUIRE_MESSAGE(mine, err);

    std::vector<std::string> removed = remove_stale();
    auto listed = [&](const std::string& n) { return std::find(removed.begin(), removed.end(), n) != removed.end(); };
    CHECK_FALSE(netns_listed(stale_ns));  // (a parallel test's remove_stale may have been first)
    CHECK_FALSE(netns_listed(old_own));
    CHECK(listed(old_own));  // only this process can judge its own pid
    CHECK_FALSE(exists("/run/netns/" + old_own));
    CHECK(netns_listed(alive_ns));
    CHECK_FALSE(listed(alive_ns));
    CHECK(netns_listed(mine->name()));
    CHECK_FALSE(listed(mine->name()));
    CHECK_FALSE(exists("/sys/class/net/" + stale_tap));
    if (have_dummy) {
      CHECK(exists("/sys/class/net/" + not_a_tap));
      CHECK_FALSE(listed(not_a_tap));
    }
  }

  TEST_CASE("SIGINT and SIGTERM: the run stops and cleans up and exits 130 or 143") {
    NEEDS_ROOT();
    for (int sig : {SIGINT, SIGTERM}) {
      CAPTURE(sig);
      Child c;
      spawn(c, [](int to_parent) {
        int code = 0;
        {
          std::string e;
          auto h = HostNamespace::create(getpid(), 0, host("sig", 1), e);
          if (!h) {
            say(to_parent, "error: " + e);
            _exit(1);
          }
          install_cleanup_handlers();
          say(to_parent, "ready " + h->name());
          while (!stop_requested()) usleep(5000);  // a live loop polls the flag
          code = 128 + stop_signal();
        }  // the destructor deletes the namespace
        _exit(code);
      });
      std::string ready = c.line(10000);
      REQUIRE_MESSAGE(ready.rfind("ready ", 0) == 0, ready);
      const std::string name = ready.substr(6);
      CHECK(netns_listed(name));
      kill(c.pid, sig);
      std::optional<int> status = c.wait(10000);
      REQUIRE_MESSAGE(status, "the child did not stop");
      CHECK(WIFEXITED(*status));
      CHECK(WEXITSTATUS(*status) == 128 + sig);
      CHECK_FALSE(netns_listed(name));
      CHECK_FALSE(exists("/run/netns/" + name));
      CHECK_FALSE(exists("/sys/class/net/" + tap_name(c.pid, 0)));
    }
  }

  TEST_CASE("a second SIGINT removes the namespaces at once when the run does not stop") {
    NEEDS_ROOT();
    Child c;
    spawn(c, [](int to_parent) {
      std::string e;
      auto h = HostNamespace::create(getpid(), 0, host("stuck-a", 1), e);
      auto h2 = HostNamespace::create(getpid(), 1, host("stuck-b", 2), e);
      if (!h || !h2) {
        say(to_parent, "error: " + e);
        _exit(1);
      }
      install_cleanup_handlers();
      say(to_parent, "ready " + h->name() + " " + h2->name());
      for (;;) pause();  // a run stuck somewhere that never looks at the flag
    });
    std::string ready = c.line(10000);
    REQUIRE_MESSAGE(ready.rfind("ready ", 0) == 0, ready);
    std::istringstream names(ready.substr(6));
    std::string na, nb;
    names >> na >> nb;
    kill(c.pid, SIGINT);
    CHECK_FALSE(c.wait(200));  // the first signal only asks
    CHECK(netns_listed(na));
    kill(c.pid, SIGINT);
    std::optional<int> status = c.wait(10000);
    REQUIRE_MESSAGE(status, "the child did not exit on the second SIGINT");
    CHECK(WIFEXITED(*status));
    CHECK(WEXITSTATUS(*status) == 130);
    CHECK_FALSE(netns_listed(na));
    CHECK_FALSE(netns_listed(nb));
    CHECK_FALSE(exists("/run/netns/" + na));
    CHECK_FALSE(exists("/run/netns/" + nb));
  }
}
