// Live level 2 (sim/live/capture.h): the real segments of a loopback connection captured
// with libpcap, parsed by the project's own wire parser; the BPF filter on the ports;
// and the message a user without CAP_NET_RAW gets.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "sim/live/capture.h"
#include "sim/wire/frame.h"
#include "tests/live_private_netns.h"

using namespace tcplab;
using namespace tcplab::live;

namespace {

sockaddr_in loopback_addr(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  return a;
}

uint16_t local_port(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  return ntohs(a.sin_port);
}

int open_listener() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a = loopback_addr(0);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(::listen(fd, 5) == 0);
  return fd;
}

int connect_to(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a = loopback_addr(port);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  return fd;
}

Time realtime_now() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return Time(ts.tv_sec) * kSec + ts.tv_nsec;
}

// Everything the capture delivers until `want` frames are there (at most 2 s), then
// whatever else arrives within 50 ms: so "exactly these" can be asserted.
std::vector<CapturedFrame> collect(Capture& cap, size_t want) {
  std::vector<CapturedFrame> got;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (got.size() < want && std::chrono::steady_clock::now() < deadline) {
    pollfd p{cap.fd(), POLLIN, 0};
    ::poll(&p, 1, 10);
    for (CapturedFrame& f : cap.read_available()) got.push_back(std::move(f));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  for (CapturedFrame& f : cap.read_available()) got.push_back(std::move(f));
  return got;
}

// Drops CAP_NET_RAW from the calling thread's effective set. Capabilities are per
// thread (capset(2) acts on the caller only), so the rest of the process keeps it.
bool drop_net_raw_in_this_thread() {
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (::syscall(SYS_capget, &hdr, data) != 0) return false;
  data[CAP_TO_INDEX(CAP_NET_RAW)].effective &= ~CAP_TO_MASK(CAP_NET_RAW);
  return ::syscall(SYS_capset, &hdr, data) == 0;
}

}  // namespace

TEST_SUITE("live capture") {
  TEST_CASE("bpf_for_ports names each port once, TCP before UDP") {
    CHECK(bpf_for_ports({2000, 46013}, {53}) == "tcp port 2000 or tcp port 46013 or udp port 53");
    CHECK(bpf_for_ports({46013, 2000, 2000}, {}) == "tcp port 2000 or tcp port 46013");
    CHECK(bpf_for_ports({}, {5353}) == "udp port 5353");
    // No port yet: a filter that matches no real connection, never an empty (match-all) one.
    CHECK(bpf_for_ports({}, {}) == "tcp port 0");
  }

  TEST_CASE("a real handshake on lo: SYN, SYN-ACK, ACK with kernel timestamps, other ports filtered out") {
    if (::geteuid() != 0) {
      MESSAGE("skipped: capturing on lo needs CAP_NET_RAW (CI runs as root)");
      return;
    }
    test::in_private_netns([] {
      const int lfd = open_listener();
      const int other_lfd = open_listener();
      const uint16_t lport = local_port(lfd);
      std::string error;
      auto cap = Capture::open("lo", bpf_for_ports({lport}, {}), error);
      REQUIRE_MESSAGE(cap.has_value(), error);
      CHECK(cap->fd() >= 0);

      // A connection on another port first: the filter keeps it out.
      const int other_c = connect_to(local_port(other_lfd));
      const int other_s = ::accept(other_lfd, nullptr, nullptr);
      const Time before = realtime_now();
      const int cfd = connect_to(lport);
      const int sfd = ::accept(lfd, nullptr, nullptr);
      REQUIRE(sfd >= 0);
      const uint16_t cport = local_port(cfd);

      const std::vector<CapturedFrame> frames = collect(*cap, 3);
      REQUIRE(frames.size() == 3);
      const uint8_t want_flags[3] = {wire::tcpflag::SYN, wire::tcpflag::SYN | wire::tcpflag::ACK, wire::tcpflag::ACK};
      const uint16_t want_sport[3] = {cport, lport, cport};
      for (size_t i = 0; i < 3; ++i) {
        CAPTURE(i);
        const wire::ParsedFrame f = wire::parse_frame(frames[i].frame);
        CHECK(f.error.empty());
        REQUIRE(f.tcp.has_value());
        CHECK(f.tcp->flags == want_flags[i]);
        CHECK(f.tcp->sport == want_sport[i]);
        CHECK(f.tcp->dport == (want_sport[i] == cport ? lport : cport));
        CHECK(f.ip->src == Ipv4::of(127, 0, 0, 1));
        CHECK(f.payload_len == 0);
        if (i < 2) {
          // Linux's SYN options on lo: MSS 65495 (MTU 65536 − 40, capped by IPv4's 65535).
          REQUIRE(f.tcp->mss.has_value());
          CHECK(*f.tcp->mss == 65495);
        }
        // The kernel's stamps: after the connect() started, increasing, close to now.
        CHECK(frames[i].t_realtime >= before);
        CHECK(frames[i].t_realtime <= realtime_now());
        if (i > 0) CHECK(frames[i].t_realtime > frames[i - 1].t_realtime);
      }

      // Widening the filter lets the other connection's segments in.
      REQUIRE_MESSAGE(cap->set_filter(bpf_for_ports({lport, local_port(other_lfd)}, {}), error), error);
      REQUIRE(::send(other_c, "x", 1, 0) == 1);
      const std::vector<CapturedFrame> more = collect(*cap, 1);
      REQUIRE(!more.empty());
      const wire::ParsedFrame data = wire::parse_frame(more[0].frame);
      REQUIRE(data.tcp.has_value());
      CHECK(data.tcp->dport == local_port(other_lfd));
      CHECK(data.payload_len == 1);

      // A filter libpcap cannot compile is refused with its reason.
      CHECK_FALSE(cap->set_filter("tcp prot 80", error));
      CHECK(error.find("bad capture filter \"tcp prot 80\"") == 0);

      for (int fd : {cfd, sfd, lfd, other_c, other_s, other_lfd}) ::close(fd);
    });
  }

  TEST_CASE("without CAP_NET_RAW the error names the capability and how to grant it") {
    if (::geteuid() != 0) {
      // Not root: this process has no CAP_NET_RAW to begin with.
      std::string error;
      auto cap = Capture::open("lo", "tcp port 0", error);
      REQUIRE_FALSE(cap.has_value());
      CHECK(error.find("cannot capture on lo: ") == 0);
      CHECK(error.find("needs CAP_NET_RAW: run with sudo, or: sudo setcap cap_net_raw,cap_net_admin,cap_sys_admin+ep ") !=
            std::string::npos);
      return;
    }
    std::string error;
    bool dropped = false, opened = true;
    std::thread t([&] {
      dropped = drop_net_raw_in_this_thread();
      if (dropped) opened = Capture::open("lo", "tcp port 0", error).has_value();
    });
    t.join();
    REQUIRE(dropped);
    CHECK_FALSE(opened);
    CHECK(error.find("cannot capture on lo: ") == 0);
    CHECK(error.find("(needs CAP_NET_RAW: run with sudo, or: sudo setcap cap_net_raw,cap_net_admin,cap_sys_admin+ep /") !=
          std::string::npos);
  }

  TEST_CASE("an interface that does not exist is named in the error") {
    if (::geteuid() != 0) {
      MESSAGE("skipped: opening an interface for capture needs CAP_NET_RAW (CI runs as root)");
      return;
    }
    std::string error;
    CHECK_FALSE(Capture::open("tcplab-none0", "tcp port 0", error).has_value());
    CHECK(error.find("cannot capture on tcplab-none0: ") == 0);
  }
}
