// ICMP and UDP as the tools show them: TTL taken one per router (RFC 1812 §5.3.1), Time
// Exceeded and Net Unreachable from routers, traceroute's UDP probes and its lines, UDP
// sockets with Linux's semantics (EADDRINUSE, ephemeral range, MSG_TRUNC), port
// unreachable but never for a broadcast (RFC 1122 §4.1.3.1), directed broadcast, ping's
// refusal of a broadcast address, loopback, and ping's statistics block.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "tests/world_fixture.h"

using namespace tcplab;
using namespace tcplab::testing;

namespace {

constexpr uint8_t kTimeExceeded = wire::kIcmpTimeExceeded;
constexpr uint8_t kUnreachable = wire::kIcmpDestUnreachable;

// Two hosts on a switch, 1 ms per link; no steps.
constexpr std::string_view kLan = R"(
title = "lan"
duration = "5s"

[[node]]
name = "a"
type = "host"
ifaces = { eth0 = "192.168.1.10/24" }

[[node]]
name = "b"
type = "host"
ifaces = { eth0 = "192.168.1.20/24" }

[[node]]
name = "sw"
type = "switch"

[[link]]
a = "a"
b = "sw"
delay = "1ms"

[[link]]
a = "b"
b = "sw"
delay = "1ms"
)";

}  // namespace

TEST_SUITE("TTL") {
  TEST_CASE("each of three routers takes one from the TTL: 61 at the server, 61 back at the client") {
    Sim sim = Sim::file("ping-across-routers.toml");
    sim.run_until(4 * kSec);
    const auto at_server = sim.rx("server", echo_request());
    const auto at_client = sim.rx("client", echo_reply());
    REQUIRE(at_server.size() == 3);
    REQUIRE(at_client.size() == 3);
    for (const Packet& k : sim.tx("client", echo_request())) CHECK(k.ttl() == 64);
    for (const Packet& k : at_server) CHECK(k.ttl() == 61);
    for (const Packet& k : sim.tx("server", echo_reply())) CHECK(k.ttl() == 64);
    for (const Packet& k : at_client) CHECK(k.ttl() == 61);
    // On the way: 63 after r1, 62 after r2.
    CHECK(sim.rx("r2", echo_request())[0].ttl() == 63);
    CHECK(sim.rx("r3", echo_request())[0].ttl() == 62);
    // A router sends a new frame (new id); the IP header checksum is rewritten and valid.
    CHECK(at_server[0].id != sim.tx("client", echo_request())[0].id);
    for (const Packet& k : sim.rx("")) {
      CAPTURE(k);
      CHECK(k.p.ip_checksum_ok);
      CHECK(k.p.l4_checksum_ok);
    }
  }

  TEST_CASE("ping prints ttl=61 and the round trip of every reply") {
    Sim sim = Sim::file("ping-across-routers.toml");
    sim.run_until(4 * kSec);
    const auto out = sim.output("client", 10 * kMs);
    REQUIRE(out.size() >= 4);
    CHECK(out[0] == "PING 10.0.3.10 (10.0.3.10) 56(84) bytes of data.");
    // The first crosses four ARP exchanges (4 + 10 + 10 + 4 ms) on top of 2 x 14 ms.
    CHECK(out[1] == "64 bytes from 10.0.3.10: icmp_seq=1 ttl=61 time=56.0 ms");
    CHECK(out[2] == "64 bytes from 10.0.3.10: icmp_seq=2 ttl=61 time=28.0 ms");
    CHECK(out[3] == "64 bytes from 10.0.3.10: icmp_seq=3 ttl=61 time=28.0 ms");
  }

  TEST_CASE("a TTL that runs out at a router: drop 'ttl' there and ICMP Time Exceeded back") {
    Sim sim = Sim::file("ping-across-routers.toml", {}, false);
    sim.cmd("client", "ping -c 1 -t 2 10.0.3.10");
    sim.run_until(15 * kSec);
    const auto dropped = sim.drops("r2", why(DropWhy::Ttl));
    REQUIRE(dropped.size() == 1);
    CHECK(dropped[0].is_echo_request());
    CHECK(dropped[0].ttl() == 1);
    CHECK(sim.drops().size() == 1);
    CHECK(sim.rx("r3").empty());
    CHECK(sim.rx("server").empty());

    const auto errors = sim.tx("r2", icmp(kTimeExceeded, 0));
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].src() == ip(10, 0, 12, 2));
    CHECK(errors[0].dst() == ip(10, 0, 1, 10));
    REQUIRE(errors[0].p.quoted_ip);
    CHECK(errors[0].p.quoted_ip->dst == ip(10, 0, 3, 10));
    CHECK(errors[0].p.quoted_ip->ttl == 1);  // quoted as it arrived
    CHECK(sim.rx("client", icmp(kTimeExceeded, 0)).size() == 1);
    CHECK(sim.line_starting("client", "From ") == "From 10.0.12.2 icmp_seq=1 Time to live exceeded");
  }

  TEST_CASE("no route at a router: drop 'noroute' and ICMP Net Unreachable from that router") {
    Sim sim = Sim::file("ping-across-routers.toml", {}, false);
    sim.cmd("client", "ping -c 1 192.0.2.1");
    sim.run_until(15 * kSec);
    const auto dropped = sim.drops("r1", why(DropWhy::NoRoute));
    REQUIRE(dropped.size() == 1);
    CHECK(dropped[0].dst() == ip(192, 0, 2, 1));
    CHECK(sim.rx("r2").empty());
    const auto errors = sim.tx("r1", icmp(kUnreachable, wire::kIcmpCodeNetUnreachable));
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].src() == ip(10, 0, 1, 1));
    CHECK(errors[0].dst() == ip(10, 0, 1, 10));
    CHECK(sim.line_starting("client", "From ") == "From 10.0.1.1 icmp_seq=1 Destination Net Unreachable");
  }

  TEST_CASE("no route on the sending node: ping refuses at connect and nothing is sent") {
    Sim sim = Sim::file("ping-across-routers.toml", {}, false);
    sim.cmd("r1", "ping -c 1 192.0.2.1");
    sim.run_until(15 * kSec);
    CHECK(sim.output("r1") == std::vector<std::string>{"ping: connect: Network is unreachable"});
    CHECK(sim.packets().empty());
  }
}

TEST_SUITE("traceroute") {
  TEST_CASE("probes are UDP to 33434, 33435 … with TTL 1,1,1,2,2,2 …") {
    Sim sim = Sim::file("traceroute.toml");
    sim.run_until(2 * kSec);
    const auto probes = sim.tx("client", udp());
    REQUIRE(probes.size() == 12);
    for (size_t i = 0; i < probes.size(); ++i) {
      CAPTURE(i);
      CHECK(probes[i].p.udp->dport == 33434 + i);
      CHECK(probes[i].ttl() == 1 + i / 3);
      CHECK(probes[i].dst() == ip(10, 0, 3, 10));
      CHECK(probes[i].len == 74);  // 60-byte IP packets
      CHECK(probes[i].p.udp->sport >= 32768);
      CHECK(probes[i].p.udp->sport <= 60999);
    }
    // Routers answer the first nine, the server the last three.
    CHECK(sim.drops("r1", why(DropWhy::Ttl)).size() == 3);
    CHECK(sim.drops("r2", why(DropWhy::Ttl)).size() == 3);
    CHECK(sim.drops("r3", why(DropWhy::Ttl)).size() == 3);
    CHECK(sim.drops("server", why(DropWhy::Closed)).size() == 3);
    // r1's own Time Exceeded messages (it also forwards those of r2 and r3).
    const auto from_r1 = [](const Packet& k) { return k.is_icmp(kTimeExceeded, 0) && k.src() == ip(10, 0, 1, 1); };
    CHECK(sim.tx("r1", from_r1).size() == 3);
    CHECK(sim.tx("r1", icmp(kTimeExceeded, 0)).size() == 9);
    CHECK(sim.tx("server", icmp(kUnreachable, wire::kIcmpCodePortUnreachable)).size() == 3);
  }

  TEST_CASE("one line per hop, the last one the server, and the trace stops there") {
    Sim sim = Sim::file("traceroute.toml");
    sim.run_until(2 * kSec);
    CHECK(sim.output("client") == std::vector<std::string>{
                                      "traceroute to 10.0.3.10 (10.0.3.10), 30 hops max, 60 byte packets",
                                      " 1  10.0.1.1 (10.0.1.1)  8.000 ms  4.000 ms  4.000 ms",
                                      " 2  10.0.12.2 (10.0.12.2)  24.000 ms  14.000 ms  14.000 ms",
                                      " 3  10.0.23.3 (10.0.23.3)  34.000 ms  24.000 ms  24.000 ms",
                                      " 4  10.0.3.10 (10.0.3.10)  32.000 ms  28.000 ms  28.000 ms",
                                  });
    CHECK(sim.time_of_line("client", " 4 ") == std::optional<Time>(238 * kMs));
    // Port unreachable ended it: nothing is left to happen.
    CHECK_FALSE(sim.world.next_event_time().has_value());
    CHECK(sim.packets(EvKind::Tx, "", after(239 * kMs)).empty());
  }

  // Linux routes a packet on input (ip_route_input) before ip_forward looks at the TTL, so
  // a router with no route answers Net Unreachable even to a TTL-1 probe.
  TEST_CASE("a router with no route answers !N even to a TTL-1 probe: the trace ends at hop 1") {
    Sim sim = Sim::file("traceroute.toml", {}, false);
    sim.cmd("client", "traceroute -m 5 -w 1 10.0.99.1");
    sim.run_until(30 * kSec);
    CHECK(sim.output("client") == std::vector<std::string>{
                                      "traceroute to 10.0.99.1 (10.0.99.1), 5 hops max, 60 byte packets",
                                      " 1  10.0.1.1 (10.0.1.1)  8.000 ms !N  4.000 ms !N  4.000 ms !N",
                                  });
    CHECK(sim.drops("r1", why(DropWhy::NoRoute)).size() == 3);
    CHECK(sim.drops("r1", why(DropWhy::Ttl)).empty());
    CHECK(sim.tx("r1", icmp(kUnreachable, wire::kIcmpCodeNetUnreachable)).size() == 3);
    CHECK(sim.tx("client", udp()).size() == 3);
  }
}

TEST_SUITE("UDP sockets") {
  TEST_CASE("binding a port twice: bind: Address already in use") {
    Sim sim = Sim::text(kLan);
    sim.cmd("b", "udp bind 5000");
    sim.cmd("b", "udp bind 5000");
    sim.cmd("b", "udp bind 5001 --as other");
    CHECK(sim.output("b") == std::vector<std::string>{
                                 "s1: UDP socket bound to 0.0.0.0:5000",
                                 "bind: Address already in use",
                                 "s2 (other): UDP socket bound to 0.0.0.0:5001",
                             });
  }

  TEST_CASE("ephemeral ports come from 32768–60999 and are never shared") {
    Sim sim = Sim::text(kLan);
    sim.cmd("b", "udp bind 9");
    std::set<uint16_t> ports;
    for (int i = 0; i < 200; ++i) sim.cmd("a", "udp sendto 192.168.1.20:9 x");
    sim.run_until(1 * kSec);
    const auto sent = sim.tx("a", udp());
    REQUIRE(sent.size() == 200);
    for (const Packet& k : sent) {
      CHECK(k.p.udp->sport >= 32768);
      CHECK(k.p.udp->sport <= 60999);
      ports.insert(k.p.udp->sport);
    }
    CHECK(ports.size() == 200);
    // The command says which port it used.
    const std::string first = sim.output("a")[0];
    CHECK(first == "sendto 192.168.1.20:9 from s1 (port " + std::to_string(sent[0].p.udp->sport) + "): 1 bytes");
  }

  TEST_CASE("recvfrom with a small buffer truncates one datagram - the next read gets the next one") {
    Sim sim = Sim::text(kLan);
    sim.cmd("b", "udp bind 7000");
    sim.cmd("a", "udp bind 4000");
    sim.cmd("a", "udp sendto s1 192.168.1.20:7000 abcdef");
    sim.cmd("a", "udp sendto s1 192.168.1.20:7000 second");
    sim.run_until(100 * kMs);
    CHECK(sim.rx("b", udp()).size() == 2);
    sim.cmd("b", "udp recvfrom s1 5");
    sim.cmd("b", "udp recvfrom s1");
    sim.cmd("b", "udp recvfrom s1");
    CHECK(sim.output("b", 100 * kMs) ==
          std::vector<std::string>{
              "recvfrom(5) on s1: 5 bytes \"abcde\" from 192.168.1.10:4000 [truncated: the datagram had "
              "6 bytes; 1 byte was discarded]",
              "recvfrom(65536) on s1: 6 bytes \"second\" from 192.168.1.10:4000",
              "recvfrom(65536) on s1: waiting for a datagram…",
          });
    CHECK(sim.node("b").udp[0].rx_queue.empty());
    CHECK(sim.node("b").udp[0].rx_queue_bytes == 0);
  }

  TEST_CASE("a waiting recvfrom completes when the datagram arrives") {
    Sim sim = Sim::text(kLan);
    sim.cmd("b", "udp bind 7000");
    sim.cmd("b", "udp recvfrom s1");
    sim.cmd("a", "udp bind 4000");
    sim.cmd("a", "udp sendto s1 192.168.1.20:7000 hi");
    sim.run_until(1 * kSec);
    CHECK(sim.time_of_line("b", "recvfrom(65536) on s1: 2 bytes") == std::optional<Time>(6 * kMs));
  }

  TEST_CASE("a datagram to a closed port: drop 'closed' and ICMP port unreachable back") {
    Sim sim = Sim::file("udp-port-unreachable.toml");
    sim.run_until(1 * kSec);
    const auto sent = sim.tx("client", udp());
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].t == 14 * kMs);  // after ARP: 10 ms + 2 x 2 ms
    const auto dropped = sim.drops("server", why(DropWhy::Closed));
    REQUIRE(dropped.size() == 1);
    CHECK(dropped[0].id == sent[0].id);
    CHECK(dropped[0].t == 16 * kMs);
    const auto errors = sim.tx("server", icmp(kUnreachable, wire::kIcmpCodePortUnreachable));
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].t == 16 * kMs);
    CHECK(errors[0].src() == ip(192, 168, 1, 20));
    CHECK(errors[0].dst() == ip(192, 168, 1, 10));
    REQUIRE(errors[0].p.quoted_dport);
    CHECK(*errors[0].p.quoted_dport == 9999);
    CHECK(*errors[0].p.quoted_sport == sent[0].p.udp->sport);
    CHECK(sim.rx("client", icmp(kUnreachable, 3)).size() == 1);
    // An unconnected socket is not told (Linux reports it only to connected sockets).
    CHECK(sim.output("client", 10 * kMs).size() == 1);
  }

  TEST_CASE("a broadcast to a closed port is dropped quietly: no ICMP about a broadcast") {
    Sim sim = Sim::file("subnets-and-broadcast.toml");
    sim.run_until(1 * kSec);
    const auto dropped = sim.drops("r1", why(DropWhy::Closed));
    REQUIRE(dropped.size() == 1);
    CHECK(dropped[0].dst() == ip(192, 168, 1, 255));
    CHECK(sim.tx("", [](const Packet& k) { return k.is_icmp(); }).empty());
  }

  TEST_CASE("a limited broadcast (255.255.255.255) to a closed port draws no ICMP either") {
    Sim sim = Sim::file("subnets-and-broadcast.toml", {}, false);
    sim.cmd("a1", "udp sendto 255.255.255.255:6000 anyone");
    sim.run_until(1 * kSec);
    const auto sent = sim.tx("a1", udp());
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].p.eth.dst == Mac::broadcast());
    CHECK(sim.tx("a1", arp_request()).empty());
    CHECK(sim.drops("a2", why(DropWhy::Closed)).size() == 1);
    CHECK(sim.drops("r1", why(DropWhy::Closed)).size() == 1);
    CHECK(sim.rx("b1").empty());  // a limited broadcast is never forwarded
    CHECK(sim.tx("", [](const Packet& k) { return k.is_icmp(); }).empty());
  }

  TEST_CASE("with no default route, sendto 255.255.255.255 fails as on Linux: Network is unreachable") {
    Sim sim = Sim::text(kLan);
    sim.cmd("a", "udp sendto 255.255.255.255:6000 anyone");
    CHECK(sim.output("a") == std::vector<std::string>{"sendto: Network is unreachable"});
    CHECK(sim.packets().empty());
  }

  TEST_CASE("a broadcast on the local subnet reaches every host there") {
    Sim sim = Sim::file("subnets-and-broadcast.toml");
    sim.run_until(1 * kSec);
    const auto sent = sim.tx("a1", udp_to(5000));
    REQUIRE(sent.size() == 2);
    CHECK(sent[0].p.eth.dst == Mac::broadcast());
    CHECK(sim.tx("a1", arp_request()).size() == 1);  // only for the gateway, later
    const std::string from = "192.168.1.10:" + std::to_string(sent[0].p.udp->sport);
    CHECK(sim.line_starting("a2", "recvfrom(65536) on s1: 14") ==
          "recvfrom(65536) on s1: 14 bytes \"hello-subnet-A\" from " + from);
    CHECK(sim.rx("b1", udp()).size() == 1);  // only the directed broadcast below
  }

  TEST_CASE("a directed broadcast from another subnet reaches every host of that subnet") {
    Sim sim = Sim::file("subnets-and-broadcast.toml");
    sim.run_until(1 * kSec);
    const auto sent = sim.tx("a1", both(udp_to(5000), [](const Packet& k) { return k.dst() == ip(203, 0, 113, 255); }));
    REQUIRE(sent.size() == 1);
    // To the gateway's MAC on the sender's side, like any remote address…
    CHECK(to_string(sent[0].p.eth.dst) == "02:00:00:00:03:01");
    // …and an Ethernet broadcast on the far subnet, one TTL lower.
    const auto forwarded = sim.tx("r1", udp());
    REQUIRE(forwarded.size() == 1);
    CHECK(forwarded[0].p.eth.dst == Mac::broadcast());
    CHECK(forwarded[0].ttl() == 63);
    CHECK(forwarded[0].link == "r1:eth1-swb:p1");
    const std::string from = "192.168.1.10:" + std::to_string(sent[0].p.udp->sport);
    for (const char* host : {"b1", "b2"}) {
      CAPTURE(host);
      CHECK(sim.line_starting(host, "recvfrom") == "recvfrom(65536) on s1: 14 bytes \"hello-subnet-B\" from " + from);
    }
    CHECK(sim.rx("a2", both(udp(), [](const Packet& k) { return k.dst() == ip(203, 0, 113, 255); })).empty());
  }
}

TEST_SUITE("ping") {
  TEST_CASE("ping to a broadcast address without -b is refused as Linux does") {
    Sim sim = Sim::file("subnets-and-broadcast.toml", {}, false);
    sim.cmd("a1", "ping 192.168.1.255");
    sim.cmd("a1", "ping -c 1 255.255.255.255");
    sim.run_until(5 * kSec);
    CHECK(sim.output("a1") ==
          std::vector<std::string>{
              "ping: Do you want to ping broadcast? Then -b. If not, check your local firewall rules",
              "ping: Do you want to ping broadcast? Then -b. If not, check your local firewall rules",
          });
    CHECK(sim.packets().empty());
  }

  TEST_CASE("with -b the request goes out as a broadcast and Linux hosts ignore it") {
    Sim sim = Sim::file("subnets-and-broadcast.toml", {}, false);
    sim.cmd("a1", "ping -b -c 1 192.168.1.255");
    sim.run_until(15 * kSec);
    const auto out = sim.output("a1");
    REQUIRE(out.size() >= 2);
    CHECK(out[0] == "WARNING: pinging broadcast address");
    CHECK(out[1] == "PING 192.168.1.255 (192.168.1.255) 56(84) bytes of data.");
    const auto sent = sim.tx("a1", echo_request());
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].p.eth.dst == Mac::broadcast());
    CHECK(sim.rx("a2", echo_request()).size() == 1);
    CHECK(sim.tx("", echo_reply()).empty());  // icmp_echo_ignore_broadcasts = 1
  }

  TEST_CASE("ping 127.0.0.1 answers without a single frame on a link") {
    Sim sim = Sim::file("subnets-and-broadcast.toml", {}, false);
    sim.cmd("a1", "ping -c 3 127.0.0.1");
    sim.run_until(15 * kSec);
    CHECK(sim.packets().empty());
    CHECK(sim.output("a1") == std::vector<std::string>{
                                  "PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.",
                                  "64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.000 ms",
                                  "64 bytes from 127.0.0.1: icmp_seq=2 ttl=64 time=0.000 ms",
                                  "64 bytes from 127.0.0.1: icmp_seq=3 ttl=64 time=0.000 ms",
                                  "",
                                  "--- 127.0.0.1 ping statistics ---",
                                  "3 packets transmitted, 3 received, 0% packet loss, time 2000ms",
                                  "rtt min/avg/max/mdev = 0.000/0.000/0.000/0.000 ms",
                              });
  }

  TEST_CASE("ping to one's own address stays inside the host too") {
    Sim sim = Sim::file("subnets-and-broadcast.toml", {}, false);
    sim.cmd("a1", "ping -c 1 192.168.1.10");
    sim.run_until(15 * kSec);
    CHECK(sim.packets().empty());
    CHECK(sim.line_starting("a1", "64 bytes") == "64 bytes from 192.168.1.10: icmp_seq=1 ttl=64 time=0.000 ms");
  }

  TEST_CASE("the statistics block of a lossless run: header and rtt line") {
    Sim sim = Sim::file("ping-across-routers.toml");
    sim.run_until(4 * kSec);
    const auto out = sim.output("client", 10 * kMs);
    REQUIRE(out.size() == 8);
    CHECK(out[4] == "");
    CHECK(out[5] == "--- 10.0.3.10 ping statistics ---");
    CHECK(out[6] == "3 packets transmitted, 3 received, 0% packet loss, time 2000ms");
    // min 28, max 56, avg (56+28+28)/3, mdev sqrt(mean of squares - avg^2).
    CHECK(out[7] == "rtt min/avg/max/mdev = 28.000/37.333/56.000/13.199 ms");
    // It ends with the last reply: nothing is left to happen.
    CHECK(sim.time_of_line("client", "--- ") == std::optional<Time>(2038 * kMs));
    CHECK_FALSE(sim.world.next_event_time().has_value());
  }

  TEST_CASE("ping's 'time' is from the first to the last request sent (iputils), not to the last reply") {
    Sim sim = Sim::file("ping-across-routers.toml");
    sim.run_until(4 * kSec);
    CHECK(sim.line_starting("client", "3 packets") ==
          "3 packets transmitted, 3 received, 0% packet loss, time 2000ms");
    Sim one = Sim::file("arp.toml", {}, false);
    one.cmd("client", "ping -c 1 192.168.1.20");
    one.run_until(15 * kSec);
    CHECK(one.line_starting("client", "1 packets") == "1 packets transmitted, 1 received, 0% packet loss, time 0ms");
  }
}
