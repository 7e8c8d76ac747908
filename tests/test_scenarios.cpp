// The built-in lessons say things to students ("say" narration, summaries). Each suite
// here runs one scenario in-process and asserts, packet by packet and line by line, the
// facts its narration states. The last suites hold for every scenario: the frames are
// well-formed and tshark finds nothing wrong with its pcap; a run is deterministic.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <unistd.h>

#include "sim/trace/pcap_writer.h"
#include "tests/scenario_runner.h"

using namespace tcplab;
using namespace tcplab::scenario_testing;

// The TCP lessons have their facts tests in tests/test_tcp_scenarios.cpp, which lists them;
// the lessons added for the course have theirs in tests/test_lessons.cpp.
namespace tcplab::scenario_testing {
std::set<std::string> tcp_lessons_with_facts();
std::set<std::string>& lessons_checked_here();

// The lessons whose facts are tested in this file.
std::set<std::string> scenario_lessons_with_facts() {
  return {"subnets-and-broadcast", "arp", "ping-across-routers", "traceroute",
          "routing-longest-prefix", "udp-echo", "udp-port-unreachable"};
}
}

namespace {

const std::string kBroadcastMac = "ff:ff:ff:ff:ff:ff";

std::string eth_dst(const Pkt& p) { return to_string(p.f.eth.dst); }

// The single packet matching `pred` among `pkts`; REQUIREs there is exactly one.
template <class Pred>
Pkt only(const std::vector<Pkt>& pkts, Pred pred, const char* what) {
  std::vector<Pkt> hits;
  for (const Pkt& p : pkts)
    if (pred(p)) hits.push_back(p);
  INFO("looking for exactly one: ", what);
  REQUIRE(hits.size() == 1);
  return hits[0];
}

// Names of the nodes where a packet with this id had an event of this kind.
std::set<std::string> nodes_with(const Run& r, EvKind kind, uint64_t id) {
  std::set<std::string> out;
  for (const Pkt& p : r.packets(kind))
    if (p.id() == id) out.insert(p.node);
  return out;
}

// The client's traceroute output split per run: each block starts with its "$ traceroute" line.
std::vector<std::vector<std::string>> command_blocks(const std::vector<std::string>& lines, std::string_view prompt) {
  std::vector<std::vector<std::string>> out;
  for (const std::string& l : lines) {
    if (l.starts_with(prompt)) out.emplace_back();
    if (!out.empty()) out.back().push_back(l);
  }
  return out;
}

}  // namespace

// =======================================================================================
TEST_SUITE("lesson: subnets-and-broadcast") {
  TEST_CASE("ifconfig shows a1's address, netmask and broadcast like net-tools") {
    const Run r = run_builtin("subnets-and-broadcast");
    const auto lines = r.app_lines_between("a1", 0, 0);
    CAPTURE(show(lines));
    REQUIRE(!lines.empty());
    CHECK(lines[0] == "$ ifconfig");
    CHECK(std::count(lines.begin(), lines.end(),
                     "        inet 192.168.1.10  netmask 255.255.255.0  broadcast 192.168.1.255") == 1);
    CHECK(std::count(lines.begin(), lines.end(),
                     "        ether " + r.mac_of("a1") + "  txqueuelen 1000  (Ethernet)") == 1);
  }

  TEST_CASE("a datagram to 192.168.1.255 is an Ethernet broadcast heard by a2 and r1 - r1 sends no ICMP") {
    const Run r = run_builtin("subnets-and-broadcast");
    const Pkt bc = only(r.packets_at(EvKind::Tx, "a1"),
                        [](const Pkt& p) { return p.is_udp() && p.ip_dst() == "192.168.1.255"; },
                        "a1's UDP to 192.168.1.255");
    CHECK(eth_dst(bc) == kBroadcastMac);
    CHECK(bc.f.udp->dport == 5000);
    CHECK(bc.payload() == "hello-subnet-A");
    // The switch floods it: both a2 and r1 receive the same frame.
    const auto rx = nodes_with(r, EvKind::Rx, bc.id());
    CHECK(rx.count("a2") == 1);
    CHECK(rx.count("r1") == 1);
    // a2 has a socket on 5000 and gets it.
    const auto a2 = r.app_lines("a2");
    CAPTURE(show(a2));
    CHECK(std::count(a2.begin(), a2.end(),
                     "recvfrom(65536) on s1: 14 bytes \"hello-subnet-A\" from 192.168.1.10:" +
                         std::to_string(bc.f.udp->sport)) == 1);
    // r1 has none: it drops it as closed ...
    const Pkt drop = only(r.packets(EvKind::Drop), [&](const Pkt& p) { return p.id() == bc.id(); }, "the drop of the broadcast");
    CHECK(drop.node == "r1");
    CHECK(drop.e->packet().why == DropWhy::Closed);
    // ... quietly: no ICMP about a broadcast (RFC 1122 §3.2.2), from r1 or anyone.
    for (const Pkt& p : r.packets(EvKind::Tx)) {
      CAPTURE(p.node);
      CHECK_FALSE(p.is_icmp());
    }
    // and a limited-to-the-subnet broadcast is not forwarded onto subnet B.
    for (const Pkt& p : r.packets_at(EvKind::Tx, "r1")) CHECK(p.ip_dst() != "192.168.1.255");
    CHECK(nodes_with(r, EvKind::Rx, bc.id()).count("b1") == 0);
  }

  TEST_CASE("the directed broadcast 203.0.113.255 goes to the gateway, crosses r1, and reaches b1 and b2") {
    const Run r = run_builtin("subnets-and-broadcast");
    const Pkt out = only(r.packets_at(EvKind::Tx, "a1"),
                         [](const Pkt& p) { return p.is_udp() && p.ip_dst() == "203.0.113.255"; },
                         "a1's UDP to 203.0.113.255");
    CHECK(eth_dst(out) == r.mac_of("r1", 0));  // unicast to the gateway, like any remote address
    CHECK(out.f.ip->ttl == 64);
    const Pkt fwd = only(r.packets_at(EvKind::Tx, "r1"),
                         [](const Pkt& p) { return p.is_udp() && p.ip_dst() == "203.0.113.255"; },
                         "r1's forwarded copy");
    CHECK(eth_dst(fwd) == kBroadcastMac);  // an Ethernet broadcast on subnet B
    CHECK(to_string(fwd.f.eth.src) == r.mac_of("r1", 1));
    CHECK(fwd.f.ip->ttl == 63);
    CHECK(fwd.payload() == "hello-subnet-B");
    const auto rx = nodes_with(r, EvKind::Rx, fwd.id());
    CHECK(rx.count("b1") == 1);
    CHECK(rx.count("b2") == 1);
    const std::string line = "recvfrom(65536) on s1: 14 bytes \"hello-subnet-B\" from 192.168.1.10:" +
                             std::to_string(out.f.udp->sport);
    for (const char* host : {"b1", "b2"}) {
      const auto lines = r.app_lines(host);
      CAPTURE(host);
      CAPTURE(show(lines));
      CHECK(std::count(lines.begin(), lines.end(), line) == 1);
    }
  }
}

// =======================================================================================
TEST_SUITE("lesson: arp") {
  TEST_CASE("the first arp -n prints only its prompt: the cache is empty") {
    const Run r = run_builtin("arp");
    CHECK(show(r.app_lines_between("client", 0, 0)) == show(std::vector<std::string>{"$ arp -n"}));
  }

  TEST_CASE("the first echo request waits for an ARP request (heard by server and other) and its reply") {
    const Run r = run_builtin("arp");
    const auto client_tx = r.packets_at(EvKind::Tx, "client");
    REQUIRE(!client_tx.empty());
    const Pkt& who = client_tx[0];  // the very first thing the client sends
    REQUIRE(who.is_arp());
    CHECK(who.f.arp->op == wire::kArpRequest);
    CHECK(eth_dst(who) == kBroadcastMac);
    CHECK(to_string(who.f.arp->tpa) == "192.168.1.20");
    CHECK(to_string(who.f.arp->spa) == "192.168.1.10");
    CHECK(who.t() == 10 * kMs);
    const auto heard = nodes_with(r, EvKind::Rx, who.id());
    CHECK(heard.count("server") == 1);
    CHECK(heard.count("other") == 1);  // flooded by the switch

    const Pkt reply = only(r.packets_at(EvKind::Tx, "server"), [](const Pkt& p) { return p.is_arp(); }, "the server's ARP");
    CHECK(reply.f.arp->op == wire::kArpReply);
    CHECK(to_string(reply.f.arp->sha) == r.mac_of("server"));
    CHECK(to_string(reply.f.arp->spa) == "192.168.1.20");
    CHECK(eth_dst(reply) == r.mac_of("client"));  // a reply is unicast
    const Pkt got = only(r.packets_at(EvKind::Rx, "client"), [&](const Pkt& p) { return p.id() == reply.id(); },
                         "the reply reaching the client");

    const Pkt echo1 = only(client_tx, [](const Pkt& p) { return p.is_icmp() && p.f.icmp->type == wire::kIcmpEchoRequest && p.f.icmp->seq == 1; },
                           "echo request 1");
    CHECK(r.index_of(who) < r.index_of(echo1));
    CHECK(r.index_of(got) < r.index_of(echo1));
    // Only the server answers; 'other' stays silent.
    CHECK(r.packets_at(EvKind::Tx, "other").empty());
  }

  TEST_CASE("the server learns the client from the request - 'other', not the target, learns nothing") {
    // RFC 826 "Packet Reception": a new entry is made only when this host is the target
    // (Linux does the same), so the flooded request leaves other's cache empty.
    const Run r = run_builtin("arp");
    const auto& server = r.node_state("server").arp_cache;
    REQUIRE(server.size() == 1);
    CHECK(to_string(server[0].ip) == "192.168.1.10");
    CHECK(to_string(server[0].mac) == r.mac_of("client"));
    CHECK(r.node_state("other").arp_cache.empty());
  }

  TEST_CASE("the second echo request goes at once: no ARP anywhere after the first exchange") {
    const Run r = run_builtin("arp");
    const auto client_tx = r.packets_at(EvKind::Tx, "client");
    const Pkt echo1 = only(client_tx, [](const Pkt& p) { return p.is_icmp() && p.f.icmp->type == wire::kIcmpEchoRequest && p.f.icmp->seq == 1; },
                           "echo request 1");
    const Pkt echo2 = only(client_tx, [](const Pkt& p) { return p.is_icmp() && p.f.icmp->type == wire::kIcmpEchoRequest && p.f.icmp->seq == 2; },
                           "echo request 2");
    for (const Pkt& p : r.packets(EvKind::Tx)) {
      if (r.index_of(p) <= r.index_of(echo1)) continue;
      CAPTURE(p.node);
      CAPTURE(p.t());
      CHECK_FALSE(p.is_arp());
    }
    CHECK(echo2.t() == 1010 * kMs);  // sent on time, one second after the first ping started
    std::set<uint64_t> arp_ids;
    for (const Pkt& p : r.packets(EvKind::Tx))
      if (p.is_arp()) arp_ids.insert(p.id());
    CHECK(arp_ids.size() == 2);  // one request, one reply in the whole run
    const auto lines = r.app_lines("client");
    CAPTURE(show(lines));
    CHECK(lines_starting(lines, "2 packets transmitted, 2 received, 0% packet loss").size() == 1);
  }

  TEST_CASE("the last arp -n lists 192.168.1.20 with the server's MAC") {
    const Run r = run_builtin("arp");
    const auto lines = r.app_lines_between("client", 1500 * kMs, 1500 * kMs);
    CAPTURE(show(lines));
    REQUIRE(lines.size() == 3);
    CHECK(lines[0] == "$ arp -n");
    CHECK(lines[1] == "Address                  HWtype  HWaddress           Flags Mask            Iface");
    CHECK(lines[2] == "192.168.1.20             ether   " + r.mac_of("server") + "   C                     eth0");
  }
}

// =======================================================================================
TEST_SUITE("lesson: ping-across-routers") {
  TEST_CASE("each router takes one off the TTL: the server sees 61") {
    const Run r = run_builtin("ping-across-routers");
    const std::map<std::string, int> ttl_sent = {{"client", 64}, {"r1", 63}, {"r2", 62}, {"r3", 61}};
    for (const auto& [node, ttl] : ttl_sent) {
      size_t n = 0;
      for (const Pkt& p : r.packets_at(EvKind::Tx, node))
        if (p.is_icmp() && p.f.icmp->type == wire::kIcmpEchoRequest) {
          CAPTURE(node);
          CHECK(int(p.f.ip->ttl) == ttl);
          ++n;
        }
      CAPTURE(node);
      CHECK(n == 3);
    }
    size_t at_server = 0;
    for (const Pkt& p : r.packets_at(EvKind::Rx, "server"))
      if (p.is_icmp() && p.f.icmp->type == wire::kIcmpEchoRequest) {
        CHECK(int(p.f.ip->ttl) == 61);
        ++at_server;
      }
    CHECK(at_server == 3);
    size_t replies = 0;
    for (const Pkt& p : r.packets_at(EvKind::Rx, "client"))
      if (p.is_icmp() && p.f.icmp->type == wire::kIcmpEchoReply) {
        CHECK(int(p.f.ip->ttl) == 61);  // the way back crosses the same three routers
        ++replies;
      }
    CHECK(replies == 3);
  }

  TEST_CASE("the first echo waits for ARP on every hop - the next ones do not") {
    const Run r = run_builtin("ping-across-routers");
    // Who asked for whom, in order: each sender resolves its next hop once.
    std::vector<std::string> requests;
    for (const Pkt& p : r.packets(EvKind::Tx))
      if (p.is_arp() && p.f.arp->op == wire::kArpRequest)
        requests.push_back(p.node + " who-has " + to_string(p.f.arp->tpa));
    CHECK(show(requests) == show(std::vector<std::string>{"client who-has 10.0.1.1", "r1 who-has 10.0.12.2",
                                               "r2 who-has 10.0.23.3", "r3 who-has 10.0.3.10"}));
    // Each router's request comes before it forwards echo 1.
    for (const char* router : {"r1", "r2", "r3"}) {
      CAPTURE(router);
      const auto tx = r.packets_at(EvKind::Tx, router);
      const Pkt arp = only(tx, [](const Pkt& p) { return p.is_arp() && p.f.arp->op == wire::kArpRequest; }, "the router's ARP request");
      const Pkt echo = only(tx, [](const Pkt& p) { return p.is_icmp() && p.f.icmp->type == wire::kIcmpEchoRequest && p.f.icmp->seq == 1; },
                            "the router's copy of echo 1");
      CHECK(r.index_of(arp) < r.index_of(echo));
    }
  }

  TEST_CASE("56(84) bytes: the echo request carries 56 bytes of data in an 84-byte IP packet") {
    const Run r = run_builtin("ping-across-routers");
    for (const Pkt& p : r.packets_at(EvKind::Tx, "client"))
      if (p.is_icmp()) {
        CHECK(p.f.ip->total_len == 84);
        CHECK(p.f.payload_len == 56);
      }
  }

  TEST_CASE("ping prints three replies with ttl=61 and no loss") {
    const Run r = run_builtin("ping-across-routers");
    const auto lines = r.app_lines("client");
    CAPTURE(show(lines));
    CHECK(lines_starting(lines, "PING 10.0.3.10 (10.0.3.10) 56(84) bytes of data.").size() == 1);
    const auto replies = lines_starting(lines, "64 bytes from 10.0.3.10: ");
    REQUIRE(replies.size() == 3);
    for (int i = 0; i < 3; ++i)
      CHECK(replies[size_t(i)].starts_with("64 bytes from 10.0.3.10: icmp_seq=" + std::to_string(i + 1) + " ttl=61 time="));
    CHECK(lines_starting(lines, "3 packets transmitted, 3 received, 0% packet loss").size() == 1);
  }
}

// =======================================================================================
TEST_SUITE("lesson: traceroute") {
  TEST_CASE("probes are UDP to consecutive ports from 33434, three per TTL, TTL 1 to 4") {
    const Run r = run_builtin("traceroute");
    std::vector<int> ports, ttls;
    for (const Pkt& p : r.packets_at(EvKind::Tx, "client"))
      if (p.f.ip) {
        CHECK(p.is_udp());  // Linux traceroute: UDP, not ICMP echo
        if (!p.is_udp()) continue;
        ports.push_back(p.f.udp->dport);
        ttls.push_back(p.f.ip->ttl);
      }
    std::vector<int> want_ports;
    for (int i = 0; i < 12; ++i) want_ports.push_back(33434 + i);
    CHECK(show(ports) == show(want_ports));
    CHECK(show(ttls) == show(std::vector<int>{1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4}));
  }

  TEST_CASE("\"60 byte packets\": each probe is a 60-byte IP packet") {
    const Run r = run_builtin("traceroute");
    size_t n = 0;
    for (const Pkt& p : r.packets_at(EvKind::Tx, "client"))
      if (p.is_udp()) {
        CHECK(p.f.ip->total_len == 60);
        ++n;
      }
    CHECK(n == 12);
  }

  TEST_CASE("each router answers Time Exceeded for its TTL - the server answers Port Unreachable") {
    const Run r = run_builtin("traceroute");
    std::map<std::string, std::vector<int>> exceeded;  // by source: quoted dports
    std::vector<int> unreachable;
    for (const Pkt& p : r.packets_at(EvKind::Rx, "client")) {
      if (!p.is_icmp()) continue;
      REQUIRE(p.f.quoted_dport.has_value());
      if (p.f.icmp->type == wire::kIcmpTimeExceeded) {
        CHECK(p.f.icmp->code == 0);
        exceeded[p.ip_src()].push_back(*p.f.quoted_dport);
      } else {
        CHECK(p.f.icmp->type == wire::kIcmpDestUnreachable);
        CHECK(p.f.icmp->code == wire::kIcmpCodePortUnreachable);
        CHECK(p.ip_src() == "10.0.3.10");
        unreachable.push_back(*p.f.quoted_dport);
      }
    }
    CHECK(show(exceeded["10.0.1.1"]) == show(std::vector<int>{33434, 33435, 33436}));
    CHECK(show(exceeded["10.0.12.2"]) == show(std::vector<int>{33437, 33438, 33439}));
    CHECK(show(exceeded["10.0.23.3"]) == show(std::vector<int>{33440, 33441, 33442}));
    CHECK(exceeded.size() == 3);
    CHECK(show(unreachable) == show(std::vector<int>{33443, 33444, 33445}));
    // The server itself sent type 3 code 3 for each closed-port probe it dropped.
    size_t server_unreach = 0;
    for (const Pkt& p : r.packets_at(EvKind::Tx, "server"))
      if (p.is_icmp() && p.f.icmp->type == 3 && p.f.icmp->code == 3) ++server_unreach;
    CHECK(server_unreach == 3);
    size_t closed = 0;
    for (const Pkt& p : r.packets_at(EvKind::Drop, "server")) closed += p.e->packet().why == DropWhy::Closed;
    CHECK(closed == 3);
  }

  TEST_CASE("the output names each hop like Linux traceroute and ends after hop 4") {
    const Run r = run_builtin("traceroute");
    const auto lines = r.app_lines("client");
    CAPTURE(show(lines));
    REQUIRE(lines.size() == 6);
    CHECK(lines[0] == "$ traceroute 10.0.3.10");
    CHECK(lines[1] == "traceroute to 10.0.3.10 (10.0.3.10), 30 hops max, 60 byte packets");
    const char* hops[] = {" 1  10.0.1.1 (10.0.1.1)  ", " 2  10.0.12.2 (10.0.12.2)  ", " 3  10.0.23.3 (10.0.23.3)  ",
                          " 4  10.0.3.10 (10.0.3.10)  "};
    for (size_t i = 0; i < 4; ++i) {
      CHECK(lines[2 + i].starts_with(hops[i]));
      CHECK(count_of(lines[2 + i], " ms") == 3);  // three probes, three times
    }
    // Nothing is sent after the destination answered.
    const Pkt last = r.packets_at(EvKind::Tx, "client").back();
    CHECK(last.f.udp->dport == 33445);
  }
}

// =======================================================================================
TEST_SUITE("lesson: routing-longest-prefix") {
  TEST_CASE("route -n on r1 lists 10.0.0.0/8 before 10.1.0.0/16") {
    const Run r = run_builtin("routing-longest-prefix");
    const auto lines = r.app_lines_between("r1", 0, 0);
    CAPTURE(show(lines));
    const auto at = [&](const std::string& l) { return std::find(lines.begin(), lines.end(), l) - lines.begin(); };
    const auto wide = at("10.0.0.0        172.16.1.2      255.0.0.0       UG    0      0        0 eth1");
    const auto narrow = at("10.1.0.0        172.16.2.2      255.255.0.0     UG    0      0        0 eth2");
    CHECK(wide < static_cast<long>(lines.size()));
    CHECK(narrow < static_cast<long>(lines.size()));
    CHECK(wide < narrow);
  }

  TEST_CASE("traffic to 10.1.2.3 takes the /16 via rb - to 10.2.0.10 the /8 via ra") {
    const Run r = run_builtin("routing-longest-prefix");
    const auto blocks = command_blocks(r.app_lines("client"), "$ traceroute");
    CAPTURE(show(blocks));
    REQUIRE(blocks.size() == 2);
    REQUIRE(blocks[0].size() == 5);
    CHECK(blocks[0][1] == "traceroute to 10.1.2.3 (10.1.2.3), 30 hops max, 60 byte packets");
    CHECK(blocks[0][2].starts_with(" 1  192.168.1.1 (192.168.1.1)  "));
    CHECK(blocks[0][3].starts_with(" 2  172.16.2.2 (172.16.2.2)  "));
    CHECK(blocks[0][4].starts_with(" 3  10.1.2.3 (10.1.2.3)  "));
    REQUIRE(blocks[1].size() == 5);
    CHECK(blocks[1][1] == "traceroute to 10.2.0.10 (10.2.0.10), 30 hops max, 60 byte packets");
    CHECK(blocks[1][3].starts_with(" 2  172.16.1.2 (172.16.1.2)  "));
    CHECK(blocks[1][4].starts_with(" 3  10.2.0.10 (10.2.0.10)  "));
    // On the wire: what r1 forwards leaves on the link the longest match names.
    size_t to_server = 0, to_other = 0;
    for (const Pkt& p : r.packets_at(EvKind::Tx, "r1")) {
      if (!p.is_udp()) continue;
      const std::string& link = r.ctx.link_names.at(size_t(p.e->packet().link));
      CAPTURE(link);
      if (p.ip_dst() == "10.1.2.3") {
        CHECK(contains(link, "rb:"));
        ++to_server;
      } else if (p.ip_dst() == "10.2.0.10") {
        CHECK(contains(link, "ra:"));
        ++to_other;
      }
    }
    CHECK(to_server == 6);  // the TTL 2 and TTL 3 probes
    CHECK(to_other == 6);
  }
}

// =======================================================================================
TEST_SUITE("lesson: udp-echo") {
  TEST_CASE("6 bytes on the wire, recvfrom(5) gets \"howar\" and says it truncated") {
    const Run r = run_builtin("udp-echo");
    const Pkt d = only(r.packets_at(EvKind::Tx, "client"), [](const Pkt& p) { return p.is_udp(); }, "the client's datagram");
    CHECK(d.f.udp->dport == 2000);
    CHECK(d.f.payload_len == 6);
    CHECK(d.f.udp->length == 8 + 6);
    CHECK(d.payload() == "howare");
    // "The first datagram waits for ARP": the client's first frame is the ARP request.
    const auto client_tx = r.packets_at(EvKind::Tx, "client");
    REQUIRE(client_tx.size() == 2);
    CHECK(client_tx[0].is_arp());
    CHECK(r.index_of(client_tx[0]) < r.index_of(d));
    const int port = d.f.udp->sport;
    CHECK(port >= 32768);  // Linux's ephemeral range
    CHECK(port <= 60999);
    CHECK(nodes_with(r, EvKind::Rx, d.id()).count("server") == 1);
    const auto server = r.app_lines("server");
    CAPTURE(show(server));
    CHECK(lines_starting(server, "recvfrom(5) on s1 (server): 5 bytes \"howar\" from 192.168.1.10:" + std::to_string(port) +
                                     " [truncated")
              .size() == 1);
    // The client's socket was bound on the port the datagram left from.
    const auto client = r.app_lines("client");
    CAPTURE(show(client));
    CHECK(std::count(client.begin(), client.end(),
                     "s1 (client): UDP socket bound to 0.0.0.0:" + std::to_string(port)) == 1);
  }

  TEST_CASE("the server's reply goes to the client's address and the client reads \"howar\"") {
    const Run r = run_builtin("udp-echo");
    const Pkt d = only(r.packets_at(EvKind::Tx, "client"), [](const Pkt& p) { return p.is_udp(); }, "the client's datagram");
    const Pkt reply = only(r.packets_at(EvKind::Tx, "server"), [](const Pkt& p) { return p.is_udp(); }, "the server's reply");
    CHECK(reply.ip_dst() == "192.168.1.10");
    CHECK(reply.f.udp->sport == 2000);
    CHECK(reply.f.udp->dport == d.f.udp->sport);
    CHECK(reply.payload() == "howar");
    CHECK(nodes_with(r, EvKind::Rx, reply.id()).count("client") == 1);
    const auto client = r.app_lines("client");
    CAPTURE(show(client));
    CHECK(std::count(client.begin(), client.end(), "recvfrom(100) on s1 (client): 5 bytes \"howar\" from 192.168.1.20:2000") == 1);
    CHECK(r.packets(EvKind::Drop).empty());
  }

  TEST_CASE("netstat shows the server's socket on 0.0.0.0:2000") {
    const Run r = run_builtin("udp-echo");
    const auto lines = r.app_lines_between("server", 40 * kMs, 40 * kMs);
    CAPTURE(show(lines));
    REQUIRE(lines.size() == 4);
    CHECK(lines[0] == "$ netstat -anu");
    CHECK(rtrim(lines[3]) == "udp        0      0 0.0.0.0:2000            0.0.0.0:*");
  }
}

// =======================================================================================
TEST_SUITE("lesson: udp-port-unreachable") {
  TEST_CASE("nothing listens: netstat lists no UDP socket") {
    const Run r = run_builtin("udp-port-unreachable");
    const auto lines = r.app_lines_between("server", 0, 0);
    CAPTURE(show(lines));
    CHECK(lines_starting(lines, "udp").empty());
    CHECK(lines.size() == 3);  // prompt and the two header lines
  }

  TEST_CASE("the datagram is dropped as closed and ICMP type 3 code 3 quotes port 9999") {
    const Run r = run_builtin("udp-port-unreachable");
    const Pkt d = only(r.packets_at(EvKind::Tx, "client"), [](const Pkt& p) { return p.is_udp(); }, "the datagram");
    CHECK(d.f.udp->dport == 9999);
    CHECK(d.payload() == "hello");
    const Pkt drop = only(r.packets(EvKind::Drop), [](const Pkt&) { return true; }, "the drop");
    CHECK(drop.id() == d.id());
    CHECK(drop.node == "server");
    CHECK(drop.e->packet().why == DropWhy::Closed);
    const Pkt icmp = only(r.packets_at(EvKind::Tx, "server"), [](const Pkt& p) { return p.is_icmp(); }, "the ICMP answer");
    CHECK(int(icmp.f.icmp->type) == 3);
    CHECK(int(icmp.f.icmp->code) == 3);
    CHECK(icmp.ip_src() == "192.168.1.20");
    CHECK(icmp.ip_dst() == "192.168.1.10");
    REQUIRE(icmp.f.quoted_ip.has_value());
    CHECK(to_string(icmp.f.quoted_ip->src) == "192.168.1.10");
    CHECK(to_string(icmp.f.quoted_ip->dst) == "192.168.1.20");
    CHECK(icmp.f.quoted_dport == std::optional<uint16_t>(9999));
    CHECK(icmp.f.quoted_sport == std::optional<uint16_t>(d.f.udp->sport));
    CHECK(r.index_of(drop) < r.index_of(icmp));
    CHECK(nodes_with(r, EvKind::Rx, icmp.id()).count("client") == 1);
  }
}

// =======================================================================================
TEST_SUITE("every scenario") {
  TEST_CASE("there are built-in scenarios, and each one's lesson is tested above") {
    std::set<std::string> tested = scenario_lessons_with_facts();
    tested.merge(tcp_lessons_with_facts());
    tested.insert(lessons_checked_here().begin(), lessons_checked_here().end());
    for (const std::string& name : builtin_scenarios()) {
      CAPTURE(name);
      CHECK_MESSAGE(tested.count(name) == 1,
                    "a lesson without a facts test in tests/test_scenarios.cpp, test_tcp_scenarios.cpp or test_lessons.cpp");
    }
    CHECK(builtin_scenarios().size() >= tested.size());
  }

  TEST_CASE("every frame parses cleanly with correct IP and L4 checksums") {
    for (const std::string& name : builtin_scenarios()) {
      const Run r = run_builtin(name);
      CAPTURE(name);
      CHECK(r.count(EvKind::Tx) > 0);
      for (const Pkt& p : r.packets()) {
        CAPTURE(p.id());
        CHECK(p.f.error == "");
        CHECK(p.f.ip_checksum_ok);
        CHECK(p.f.l4_checksum_ok);
        CHECK(p.e->packet().frame.size() >= wire::kEthernetMinFrame);
      }
    }
  }

  TEST_CASE("two runs give byte-identical JSON Lines - a copied world replays identically") {
    for (const std::string& name : builtin_scenarios()) {
      CAPTURE(name);
      const std::string a = run_builtin(name).jsonl();
      const std::string b = run_builtin(name).jsonl();
      CHECK(!a.empty());
      CHECK(a == b);

      // Snapshot half-way (DESIGN.md principle 2): the copy and the original go on the same way.
      const Scenario sc = load_builtin(name);
      World w = World::from_scenario(sc);
      w.run_until(sc.duration / 2);
      (void)w.take_trace();
      World copy = w;
      w.run_until(sc.duration);
      copy.run_until(sc.duration);
      const auto ta = w.take_trace(), tb = copy.take_trace();
      std::ostringstream ja, jb;
      JsonlWriter wa(ja, w.trace_context()), wb(jb, copy.trace_context());
      for (const auto& e : ta) wa.write(e);
      for (const auto& e : tb) wb.write(e);
      CHECK(ja.str() == jb.str());
    }
  }

  TEST_CASE("tshark reads each scenario's pcap: one frame per tx, none malformed, no bad checksum") {
    if (!have_tshark()) {
      MESSAGE("skipped: /usr/bin/tshark is not installed");
      return;
    }
    char dir_template[] = "/tmp/tcplab_scen_XXXXXX";
    REQUIRE(::mkdtemp(dir_template) != nullptr);
    const std::string dir = dir_template;
    struct Job {
      std::string name, path;
      size_t tx = 0;
      FILE* pipe = nullptr;
    };
    std::vector<Job> jobs;
    for (const std::string& name : builtin_scenarios()) {
      const Run r = run_builtin(name);
      Job j{name, dir + "/" + name + ".pcap", r.count(EvKind::Tx), nullptr};
      std::string error;
      REQUIRE_MESSAGE(write_pcap_file(j.path, r.events, error), error);
      jobs.push_back(j);
    }
    // All tshark processes at once: each takes a few hundred ms to start.
    for (Job& j : jobs) j.pipe = ::popen(tshark_command(j.path).c_str(), "r");
    for (Job& j : jobs) {
      CAPTURE(j.name);
      REQUIRE(j.pipe != nullptr);
      std::string out;
      std::array<char, 4096> buf;
      while (size_t n = std::fread(buf.data(), 1, buf.size(), j.pipe)) out.append(buf.data(), n);
      const int status = ::pclose(j.pipe);
      CAPTURE(out);
      CHECK(status == 0);
      CHECK(split_lines(out).size() == j.tx);
      CHECK(tshark_complaints(out).empty());
      std::filesystem::remove(j.path);
    }
    std::filesystem::remove(dir);
  }
}
