// Routing and ARP as a student meets them: longest-prefix match whatever the table's
// order (RFC 1812 §5.2.4.3), `route -n` as net-tools prints it, `route add`/`route del`
// with their SIOCADDRT/SIOCDELRT errors, ARP before the first packet and never again
// while the entry lives (RFC 826, Linux's 3 tries 1 s apart), `arp -n`, and a learning
// switch that stops flooding once it knows where a MAC lives.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "tests/world_fixture.h"

using namespace tcplab;
using namespace tcplab::testing;

namespace {

// A router with three interfaces; routes are added by each test in the order it wants.
Node router() {
  Node n;
  n.name = "r";
  n.type = NodeType::Router;
  for (auto [name, a] : {std::pair{"eth0", ip(192, 168, 1, 1)}, std::pair{"eth1", ip(172, 16, 1, 1)},
                         std::pair{"eth2", ip(172, 16, 2, 1)}}) {
    Iface f;
    f.name = name;
    f.addr = Prefix{a, 24};
    n.ifaces.push_back(f);
  }
  add_connected_routes(n);
  return n;
}

Route via(std::string_view prefix, Ipv4 gateway, int32_t iface, uint32_t metric = 0) {
  auto p = parse_prefix(prefix);
  REQUIRE(p);
  return Route{Prefix{p->network(), p->len}, gateway, iface, metric, 0};
}

// The gateway a lookup chooses, as a string ("" when there is no route).
std::string next_hop(const Node& n, Ipv4 dst) {
  auto r = route_lookup(n, dst);
  return r ? to_string(r->next_hop) : "";
}

const std::string kRouteHeader =
    "Destination     Gateway         Genmask         Flags Metric Ref    Use Iface";

}  // namespace

TEST_SUITE("route lookup") {
  TEST_CASE("the longest matching prefix wins, whichever order the routes were added in") {
    for (bool short_first : {true, false}) {
      CAPTURE(short_first);
      Node n = router();
      const Route wide = via("10.0.0.0/8", ip(172, 16, 1, 2), 1);
      const Route narrow = via("10.1.0.0/16", ip(172, 16, 2, 2), 2);
      n.routes.push_back(short_first ? wide : narrow);
      n.routes.push_back(short_first ? narrow : wide);
      CHECK(next_hop(n, ip(10, 1, 2, 3)) == "172.16.2.2");
      CHECK(next_hop(n, ip(10, 2, 0, 10)) == "172.16.1.2");
      CHECK(next_hop(n, ip(10, 1, 255, 255)) == "172.16.2.2");
      CHECK(next_hop(n, ip(10, 0, 255, 255)) == "172.16.1.2");
      auto r = route_lookup(n, ip(10, 1, 2, 3));
      REQUIRE(r);
      CHECK(r->iface == 2);
      CHECK(n.routes[static_cast<size_t>(r->route)].dst.len == 16);
    }
  }

  TEST_CASE("a /32 host route beats the /24 it sits in") {
    for (bool host_first : {true, false}) {
      CAPTURE(host_first);
      Node n = router();
      const Route net = via("10.9.9.0/24", ip(172, 16, 1, 2), 1);
      const Route host = via("10.9.9.9/32", ip(172, 16, 2, 2), 2);
      n.routes.push_back(host_first ? host : net);
      n.routes.push_back(host_first ? net : host);
      CHECK(next_hop(n, ip(10, 9, 9, 9)) == "172.16.2.2");
      CHECK(next_hop(n, ip(10, 9, 9, 8)) == "172.16.1.2");
    }
  }

  TEST_CASE("between equally long prefixes the lowest metric wins, whatever the order") {
    for (bool cheap_first : {true, false}) {
      CAPTURE(cheap_first);
      Node n = router();
      const Route cheap = via("10.0.0.0/16", ip(172, 16, 2, 2), 2, 5);
      const Route dear = via("10.0.0.0/16", ip(172, 16, 1, 2), 1, 10);
      n.routes.push_back(cheap_first ? cheap : dear);
      n.routes.push_back(cheap_first ? dear : cheap);
      CHECK(next_hop(n, ip(10, 0, 3, 4)) == "172.16.2.2");
    }
  }

  TEST_CASE("a default route loses to any match and catches everything else") {
    for (bool default_first : {true, false}) {
      CAPTURE(default_first);
      Node n;
      Iface f;
      f.name = "eth0";
      f.addr = Prefix{ip(192, 168, 1, 10), 24};
      n.ifaces.push_back(f);
      const Route def = via("0.0.0.0/0", ip(192, 168, 1, 1), 0);
      if (default_first) n.routes.push_back(def);
      add_connected_routes(n);
      n.routes.push_back(via("10.0.0.0/8", ip(192, 168, 1, 2), 0));
      if (!default_first) n.routes.push_back(def);
      // On the connected subnet the next hop is the destination itself.
      CHECK(next_hop(n, ip(192, 168, 1, 20)) == "192.168.1.20");
      CHECK(next_hop(n, ip(10, 200, 0, 1)) == "192.168.1.2");
      CHECK(next_hop(n, ip(8, 8, 8, 8)) == "192.168.1.1");
      CHECK(next_hop(n, ip(255, 255, 255, 255)) == "192.168.1.1");
    }
  }

  TEST_CASE("with no matching route the lookup finds nothing") {
    Node n = router();
    CHECK_FALSE(route_lookup(n, ip(8, 8, 8, 8)).has_value());
    CHECK_FALSE(route_lookup(n, ip(172, 16, 3, 1)).has_value());
    Node empty;
    CHECK_FALSE(route_lookup(empty, ip(10, 0, 0, 1)).has_value());
  }

  TEST_CASE("traffic to 10.1.2.3 takes the /16 listed after the /8 (routing-longest-prefix.toml)") {
    Sim sim = Sim::file("routing-longest-prefix.toml");
    sim.run_until(2 * kSec);
    const std::vector<std::string> table = sim.output("r1");
    REQUIRE(table.size() == 7);
    CHECK_MESSAGE(starts_with(table[2], "10.0.0.0        172.16.1.2      255.0.0.0 "), table[2]);
    CHECK_MESSAGE(starts_with(table[3], "10.1.0.0        172.16.2.2      255.255.0.0 "), table[3]);
    CHECK(sim.line_starting("client", " 2 ") == " 2  172.16.2.2 (172.16.2.2)  22.000 ms  12.000 ms  12.000 ms");
    CHECK(sim.line_starting("client", " 2 ", 500 * kMs) ==
          " 2  172.16.1.2 (172.16.1.2)  22.000 ms  12.000 ms  12.000 ms");
    // The probes to 10.1.2.3 cross rb only; those to 10.2.0.10 cross ra only.
    const auto to_server = [](const Packet& k) { return k.p.udp && k.dst() == ip(10, 1, 2, 3); };
    const auto to_other = [](const Packet& k) { return k.p.udp && k.dst() == ip(10, 2, 0, 10); };
    CHECK(sim.rx("rb", to_server).size() == 6);
    CHECK(sim.rx("ra", to_server).empty());
    CHECK(sim.rx("ra", to_other).size() == 6);
    CHECK(sim.rx("rb", to_other).empty());
  }
}

TEST_SUITE("route lookup index") {
  TEST_CASE("the indexed lookup chooses what a scan of every row chooses, as rows come and go") {
    // The rule of RFC 1812 §5.2.4.3 as the table scan applied it before the index
    // (route_table.h): longest prefix, then lowest metric, then the earliest row.
    auto scan = [](const RouteTable& t, Ipv4 dst) {
      int32_t best = -1;
      for (size_t i = 0; i < t.size(); ++i) {
        const Route& r = t[i];
        if (((dst.v ^ r.dst.addr.v) & mask_of(r.dst.len)) != 0) continue;
        if (best < 0 || r.dst.len > t[size_t(best)].dst.len ||
            (r.dst.len == t[size_t(best)].dst.len && r.metric < t[size_t(best)].metric))
          best = static_cast<int32_t>(i);
      }
      return best;
    };
    uint64_t x = 88172645463325252ull;  // xorshift64: a fixed sequence of tables and lookups
    auto next = [&] {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      return x;
    };
    // Few distinct networks, so that prefixes nest, tie and repeat.
    auto addr = [&] { return Ipv4(0x0a000000u | uint32_t(next() % 4) << 16 | uint32_t(next() % 4) << 8 | uint32_t(next() % 4)); };
    RouteTable t;
    int lookups = 0;
    for (int step = 0; step < 3000; ++step) {
      if (t.empty() || next() % 3 != 0) {
        static constexpr int kLens[] = {0, 8, 16, 24, 30, 32};
        const int len = kLens[next() % 6];
        t.push_back(Route{Prefix{Ipv4(addr().v & mask_of(len)), len}, std::nullopt, 0, uint32_t(next() % 3), 0});
      } else {
        t.erase(t.begin() + static_cast<long>(next() % t.size()));
      }
      for (int k = 0; k < 8; ++k, ++lookups) {
        const Ipv4 dst = addr();
        REQUIRE(t.lookup(dst) == scan(t, dst));
      }
    }
    CHECK(lookups == 24000);
  }

  TEST_CASE("a node owns its addresses and loopback, indexed or not") {
    Node n = router();
    CHECK(n.owns(ip(172, 16, 2, 1)));
    CHECK_FALSE(n.owns(ip(172, 16, 2, 2)));
    n.index_own_addresses();
    CHECK(n.owns(ip(192, 168, 1, 1)));
    CHECK(n.owns(ip(172, 16, 1, 1)));
    CHECK(n.owns(ip(127, 0, 0, 1)));
    CHECK_FALSE(n.owns(ip(172, 16, 2, 2)));
    CHECK_FALSE(n.owns(ip(10, 0, 0, 1)));
  }
}

TEST_SUITE("route -n") {
  TEST_CASE("a host's table: the default route first, then its subnet, in net-tools' columns") {
    Sim sim = Sim::file("ping-across-routers.toml", {}, false);
    sim.cmd("client", "route -n");
    CHECK(sim.lines("client") == std::vector<std::string>{
                                     "$ route -n",
                                     "Kernel IP routing table",
                                     kRouteHeader,
                                     "0.0.0.0         10.0.1.1        0.0.0.0         UG    0      0        0 eth0",
                                     "10.0.1.0        0.0.0.0         255.255.255.0   U     0      0        0 eth0",
                                 });
  }

  TEST_CASE("a router's table lists connected (U) and static (UG) routes by destination") {
    Sim sim = Sim::file("ping-across-routers.toml", {}, false);
    sim.cmd("r1", "route -n");
    CHECK(sim.output("r1") == std::vector<std::string>{
                                  "Kernel IP routing table",
                                  kRouteHeader,
                                  "10.0.1.0        0.0.0.0         255.255.255.0   U     0      0        0 eth0",
                                  "10.0.3.0        10.0.12.2       255.255.255.0   UG    0      0        0 eth1",
                                  "10.0.12.0       0.0.0.0         255.255.255.0   U     0      0        0 eth1",
                                  "10.0.23.0       10.0.12.2       255.255.255.0   UG    0      0        0 eth1",
                              });
  }

  TEST_CASE("a host route through a gateway has flags UGH and mask 255.255.255.255") {
    Sim sim = Sim::file("ping-across-routers.toml", {}, false);
    sim.cmd("r1", "route add -host 192.168.9.9 gw 10.0.12.2");
    sim.cmd("r1", "route add -net 172.20.0.0/16 gw 10.0.12.2 metric 7");
    sim.cmd("r1", "route -n");
    const auto out = sim.output("r1");
    REQUIRE(out.size() == 8);
    CHECK(out[6] == "172.20.0.0      10.0.12.2       255.255.0.0     UG    7      0        0 eth1");
    CHECK(out[7] == "192.168.9.9     10.0.12.2       255.255.255.255 UGH   0      0        0 eth1");
  }
}

TEST_SUITE("route add and route del") {
  TEST_CASE("an added route changes lookups at once and is gone after route del - both print nothing") {
    Sim sim = Sim::file("ping-across-routers.toml", {}, false);
    CHECK(next_hop(sim.node("r1"), ip(192, 168, 5, 7)) == "");
    sim.cmd("r1", "route add -net 192.168.5.0/24 gw 10.0.12.2");
    auto r = route_lookup(sim.node("r1"), ip(192, 168, 5, 7));
    REQUIRE(r);
    CHECK(to_string(r->next_hop) == "10.0.12.2");
    CHECK(sim.node("r1").ifaces[static_cast<size_t>(r->iface)].name == "eth1");
    sim.cmd("r1", "route del -net 192.168.5.0/24");
    CHECK(next_hop(sim.node("r1"), ip(192, 168, 5, 7)) == "");
    CHECK(sim.output("r1").empty());
  }

  TEST_CASE("route add default gw gives a host a way out - a netmask spelling works too") {
    Sim sim = Sim::file("ping-across-routers.toml", {}, false);
    sim.cmd("r3", "route del default");
    CHECK(next_hop(sim.node("r3"), ip(10, 0, 1, 10)) == "");
    sim.cmd("r3", "route add -net 10.0.1.0 netmask 255.255.255.0 gw 10.0.23.2");
    CHECK(next_hop(sim.node("r3"), ip(10, 0, 1, 10)) == "10.0.23.2");
    CHECK(next_hop(sim.node("r3"), ip(8, 8, 8, 8)) == "");
    sim.cmd("r3", "route add default gw 10.0.23.2");
    CHECK(next_hop(sim.node("r3"), ip(8, 8, 8, 8)) == "10.0.23.2");
    CHECK(sim.output("r3").empty());
  }

  TEST_CASE("a route added with a lower metric takes over an equal prefix") {
    Sim sim = Sim::file("ping-across-routers.toml", {}, false);
    sim.cmd("r1", "route add -net 192.168.5.0/24 gw 10.0.1.10 metric 10");
    CHECK(next_hop(sim.node("r1"), ip(192, 168, 5, 1)) == "10.0.1.10");
    sim.cmd("r1", "route add -net 192.168.5.0/24 gw 10.0.12.2 metric 5");
    CHECK(next_hop(sim.node("r1"), ip(192, 168, 5, 1)) == "10.0.12.2");
    CHECK(sim.output("r1").empty());
  }

  TEST_CASE("a route through the new path carries a ping (the route is used, not only listed)") {
    Sim sim = Sim::file("ping-across-routers.toml", {}, false);
    // r3 forgets its default route: replies to the client have nowhere to go.
    sim.cmd("r3", "route del default");
    sim.cmd("client", "ping -c 1 10.0.3.10");
    sim.run_until(2 * kSec);
    CHECK(sim.rx("server", echo_request()).size() == 1);
    CHECK(sim.drops("r3", why(DropWhy::NoRoute)).size() == 1);
    CHECK(sim.line_starting("client", "64 bytes") == "");
    sim.cmd_at(20 * kSec, "r3", "route add -net 10.0.1.0/24 gw 10.0.23.2");
    sim.cmd("client", "ping -c 1 10.0.3.10");
    sim.run_until(22 * kSec);
    CHECK(sim.line_starting("client", "64 bytes", 20 * kSec) == "64 bytes from 10.0.3.10: icmp_seq=1 ttl=61 time=28.0 ms");
  }

  TEST_CASE("errors are the kernel's: unreachable gateway, duplicate, unknown device, no such route") {
    Sim sim = Sim::file("ping-across-routers.toml", {}, false);
    sim.cmd("r1", "route add -net 192.168.5.0/24 gw 172.31.0.1");
    sim.cmd("r1", "route add -net 10.0.3.0/24 gw 10.0.12.2");
    sim.cmd("r1", "route add -net 192.168.5.0/24 dev eth7");
    sim.cmd("r1", "route del -net 192.168.77.0/24");
    CHECK(sim.output("r1") == std::vector<std::string>{
                                  "SIOCADDRT: Network is unreachable",
                                  "SIOCADDRT: File exists",
                                  "SIOCADDRT: No such device",
                                  "SIOCDELRT: No such process",
                              });
    // Nothing changed.
    CHECK(next_hop(sim.node("r1"), ip(192, 168, 5, 1)) == "");
    CHECK(sim.node("r1").routes.size() == 4);
  }
}

TEST_SUITE("ARP") {
  TEST_CASE("the first ping waits for ARP who-has / is-at - the second goes straight out") {
    Sim sim = Sim::file("arp.toml");
    sim.run_until(2 * kSec);
    const auto requests = sim.tx("client", arp_request());
    const auto replies = sim.tx("server", arp_reply());
    const auto echoes = sim.tx("client", echo_request());
    REQUIRE(requests.size() == 1);
    REQUIRE(replies.size() == 1);
    REQUIRE(echoes.size() == 2);
    CHECK(sim.tx("", arp_request()).size() == 3);  // the client's, flooded by the switch to 2 ports
    CHECK(sim.tx("", arp_reply()).size() == 2);    // the server's, forwarded once

    const wire::ArpPacket& who_has = *requests[0].p.arp;
    CHECK(requests[0].t == 10 * kMs);
    CHECK(requests[0].p.eth.dst == Mac::broadcast());
    CHECK(who_has.spa == ip(192, 168, 1, 10));
    CHECK(who_has.tpa == ip(192, 168, 1, 20));
    CHECK(to_string(who_has.sha) == "02:00:00:00:01:01");
    CHECK(to_string(who_has.tha) == "00:00:00:00:00:00");

    const wire::ArpPacket& is_at = *replies[0].p.arp;
    CHECK(replies[0].t == 12 * kMs);
    CHECK(to_string(replies[0].p.eth.dst) == "02:00:00:00:01:01");
    CHECK(is_at.spa == ip(192, 168, 1, 20));
    CHECK(to_string(is_at.sha) == "02:00:00:00:02:01");
    CHECK(is_at.tpa == ip(192, 168, 1, 10));

    // The first echo leaves the moment the reply lands; the second, 1 s after the ping
    // started, with no ARP anywhere near it.
    CHECK(sim.rx("client", arp_reply())[0].t == 14 * kMs);
    CHECK(echoes[0].t == 14 * kMs);
    CHECK(echoes[1].t == 1010 * kMs);
    CHECK(sim.packets(EvKind::Tx, "", both(after(15 * kMs), [](const Packet& k) { return k.is_arp(); })).empty());
    CHECK(sim.output("client", 0)[1] == "64 bytes from 192.168.1.20: icmp_seq=1 ttl=64 time=8.00 ms");
    CHECK(sim.output("client", 0)[2] == "64 bytes from 192.168.1.20: icmp_seq=2 ttl=64 time=4.00 ms");
  }

  TEST_CASE("arp -n: empty before, the server's MAC after - the server learned the asker") {
    Sim sim = Sim::file("arp.toml");
    sim.run_until(2 * kSec);
    CHECK(sim.output("client", 1500 * kMs) ==
          std::vector<std::string>{
              "Address                  HWtype  HWaddress           Flags Mask            Iface",
              "192.168.1.20             ether   02:00:00:00:02:01   C                     eth0",
          });
    // The step at 0 ms printed nothing but its prompt: an empty cache has no table.
    CHECK(sim.lines("client")[0] == "$ arp -n");
    CHECK(sim.lines("client")[1] == "$ ping -c 2 192.168.1.20");
    sim.cmd("server", "arp -n");
    CHECK(sim.output("server") ==
          std::vector<std::string>{
              "Address                  HWtype  HWaddress           Flags Mask            Iface",
              "192.168.1.10             ether   02:00:00:00:01:01   C                     eth0",
          });
  }

  TEST_CASE("a host that only overheard a request does not cache the asker") {
    Sim sim = Sim::file("arp.toml");
    sim.run_until(2 * kSec);
    CHECK(sim.rx("other", arp_request()).size() == 1);
    sim.cmd("other", "arp -n");
    CHECK(sim.output("other").empty());
    CHECK(sim.node("other").arp_cache.empty());
  }

  TEST_CASE("ARP for a missing host: 3 requests 1 s apart, then noarp and Destination Host Unreachable") {
    Sim sim = Sim::file("arp.toml", {}, false);
    sim.cmd("client", "ping -c 1 192.168.1.99");
    sim.run_until(500 * kMs);
    sim.cmd("client", "arp -n");
    const auto during = sim.output("client", 500 * kMs);
    REQUIRE(during.size() == 2);
    CHECK_MESSAGE(starts_with(during[1], "192.168.1.99 "), during[1]);
    CHECK(during[1].find("(incomplete)") != std::string::npos);
    sim.run_until(10 * kSec);

    const auto requests = sim.tx("client", arp_request());
    CHECK(times(requests) == std::vector<Time>{0, 1 * kSec, 2 * kSec});
    for (const Packet& r : requests) CHECK(r.p.arp->tpa == ip(192, 168, 1, 99));
    CHECK(sim.tx("client", echo_request()).empty());  // never left: no MAC to send it to

    const auto dropped = sim.drops("client", why(DropWhy::NoArp));
    REQUIRE(dropped.size() == 1);
    CHECK(dropped[0].t == 3 * kSec);
    CHECK(dropped[0].is_echo_request());
    CHECK(dropped[0].dst() == ip(192, 168, 1, 99));
    CHECK(sim.drops().size() == 1);

    CHECK(sim.time_of_line("client", "From ") == std::optional<Time>(3 * kSec));
    CHECK(sim.line_starting("client", "From ") == "From 192.168.1.10 icmp_seq=1 Destination Host Unreachable");
  }

  TEST_CASE("ping's summary after an ARP failure counts the error - time spans the sends (0 ms for one)") {
    Sim sim = Sim::file("arp.toml", {}, false);
    sim.cmd("client", "ping -c 1 192.168.1.99");
    sim.run_until(10 * kSec);
    CHECK(sim.line_starting("client", "1 packets") ==
          "1 packets transmitted, 0 received, +1 errors, 100% packet loss, time 0ms");
  }

  TEST_CASE("packets waiting for the same address share one resolution and leave together") {
    Sim sim = Sim::file("arp.toml", {}, false);
    sim.cmd("server", "udp bind 5000");
    sim.cmd("client", "udp sendto 192.168.1.20:5000 one");
    sim.cmd("client", "udp sendto 192.168.1.20:5000 two");
    sim.run_until(1 * kSec);
    CHECK(sim.tx("client", arp_request()).size() == 1);
    const auto sent = sim.tx("client", udp());
    REQUIRE(sent.size() == 2);
    CHECK(times(sent) == std::vector<Time>{4 * kMs, 4 * kMs});
    CHECK(sim.rx("server", udp()).size() == 2);
  }
}

TEST_SUITE("learning switch") {
  TEST_CASE("after ARP, unicast frames go only to their destination's port") {
    Sim sim = Sim::file("arp.toml");
    sim.run_until(2 * kSec);
    // 'other' hears the broadcast request, and nothing else.
    const auto at_other = where(sim.packets(), [](const Packet& k) { return k.node == "other"; });
    REQUIRE(at_other.size() == 1);
    CHECK(at_other[0].ev == EvKind::Rx);
    CHECK(at_other[0].is_arp());
    CHECK(at_other[0].p.arp->op == wire::kArpRequest);
    // The switch forwards every unicast frame once, onto the right link.
    for (const Packet& k : sim.tx("sw1")) {
      CAPTURE(k);
      if (k.p.eth.dst.is_broadcast()) continue;
      CHECK(sim.tx("sw1", with_id(k.id)).size() == 1);
      const std::string to = to_string(k.p.eth.dst) == "02:00:00:00:02:01" ? "server:eth0-sw1:p2"
                                                                            : "client:eth0-sw1:p1";
      CHECK(k.link == to);
    }
    CHECK(sim.tx("sw1", echo_request()).size() == 2);
    CHECK(sim.tx("sw1", echo_reply()).size() == 2);
    CHECK(sim.tx("sw1", arp_reply()).size() == 1);
  }

  TEST_CASE("the switch learned each sender's port") {
    Sim sim = Sim::file("arp.toml");
    sim.run_until(2 * kSec);
    const Node& sw = sim.node("sw1");
    auto port_of = [&](std::string_view mac) -> std::string {
      for (const MacEntry& m : sw.mac_table)
        if (to_string(m.mac) == mac) return sw.ifaces[static_cast<size_t>(m.port)].name;
      return "";
    };
    CHECK(port_of("02:00:00:00:01:01") == "p1");
    CHECK(port_of("02:00:00:00:02:01") == "p2");
    CHECK(port_of("02:00:00:00:03:01") == "");  // 'other' never sent anything
  }

  TEST_CASE("a switch with many hosts: one row per MAC and its index names that row") {
    // 40 hosts on one switch, each pinging the next: every host's MAC is learned once, in
    // the order first heard, and the sorted index finds each row.
    std::string text = "title = \"many\"\n[[node]]\nname = \"sw\"\ntype = \"switch\"\n";
    for (int i = 1; i <= 40; ++i)
      text += "[[node]]\nname = \"h" + std::to_string(i) + "\"\ntype = \"host\"\nifaces = { eth0 = \"10.0.0." +
              std::to_string(i) + "/24\" }\n[[link]]\na = \"h" + std::to_string(i) + "\"\nb = \"sw\"\ndelay = \"1ms\"\n";
    for (int i = 40; i >= 1; --i)
      text += "[[step]]\nat = \"" + std::to_string(41 - i) + "ms\"\non = \"h" + std::to_string(i) +
              "\"\ncmd = \"ping -c 2 10.0.0." + std::to_string(i % 40 + 1) + "\"\n";
    Sim sim = Sim::text(text);
    sim.run_until(3 * kSec);
    const Node& sw = sim.node("sw");
    REQUIRE(sw.mac_table.size() == 40);
    REQUIRE(sw.mac_index.size() == 40);
    CHECK(std::is_sorted(sw.mac_index.entries().begin(), sw.mac_index.entries().end()));
    std::set<std::string> macs;
    for (size_t r = 0; r < sw.mac_table.size(); ++r) {
      const MacEntry& m = sw.mac_table[r];
      CAPTURE(to_string(m.mac));
      CHECK(macs.insert(to_string(m.mac)).second);
      CHECK(sw.mac_index.find(m.mac.key()) == static_cast<int32_t>(r));
    }
    for (int i = 1; i <= 40; ++i) {
      const std::string h = "h" + std::to_string(i);
      CAPTURE(h);
      // Host i is linked to port p<i>, and that is where the switch learned its MAC.
      const Mac mac = sim.node(h).ifaces.at(0).mac;
      const auto row = std::find_if(sw.mac_table.begin(), sw.mac_table.end(), [&](const MacEntry& m) { return m.mac == mac; });
      REQUIRE(row != sw.mac_table.end());
      CHECK(sw.ifaces[static_cast<size_t>(row->port)].name == "p" + std::to_string(i));
      // Every echo was answered: forwarding found each destination's port.
      bool answered = false;
      for (const std::string& line : sim.output(h)) answered |= line.find("2 packets transmitted, 2 received") != std::string::npos;
      CHECK(answered);
    }
  }
}
