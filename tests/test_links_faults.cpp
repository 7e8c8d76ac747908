// Links and scripted faults as the trace shows them: a frame takes size*8/rate to put on
// the wire and `delay` to cross it; a drop-tail queue of N holds N frames behind the one
// being sent; random loss follows the seed; and [[fault]] rules (DESIGN.md principle 3)
// drop, delay, duplicate or corrupt exactly the packets they name.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/world_fixture.h"

using namespace tcplab;
using namespace tcplab::testing;

namespace {

// Two hosts on one cable: 1 Mbps, 2 ms, a queue of 2. b listens on UDP port 9.
constexpr std::string_view kSlow = R"(
title = "slow link"
duration = "20s"

[[node]]
name = "a"
type = "host"
ifaces = { eth0 = "10.0.0.1/24" }

[[node]]
name = "b"
type = "host"
ifaces = { eth0 = "10.0.0.2/24" }

[[link]]
a = "a"
b = "b"
delay = "2ms"
rate = "1Mbps"
queue = 2

[[step]]
at = "0ms"
on = "b"
cmd = "udp bind 9"
)";

// Two hosts on one fast cable (1 ms), a pinging b three times from t = 0. Faults are
// appended by each test.
constexpr std::string_view kPair = R"(
title = "pair"
duration = "15s"

[[node]]
name = "a"
type = "host"
ifaces = { eth0 = "10.0.0.1/24" }

[[node]]
name = "b"
type = "host"
ifaces = { eth0 = "10.0.0.2/24" }

[[link]]
a = "a"
b = "b"
delay = "1ms"

[[step]]
at = "0ms"
on = "a"
cmd = "ping -c 3 10.0.0.2"
)";

Sim pair_with(std::string_view faults) {
  Sim sim = Sim::text(std::string(kPair) + std::string(faults));
  sim.run_until(15 * kSec);
  return sim;
}

// Sends one datagram so that ARP is done before the measurement starts at 100 ms.
Sim slow_link_warmed_up(const std::vector<std::string>& overrides = {}) {
  Sim sim = Sim::text(kSlow, overrides);
  sim.cmd_at(1 * kMs, "a", "udp sendto 10.0.0.2:9 warm-up");
  sim.run_until(100 * kMs);
  REQUIRE(sim.rx("b", udp()).size() == 1);
  return sim;
}

std::vector<uint16_t> echo_seqs(const std::vector<Packet>& v) {
  std::vector<uint16_t> out;
  for (const Packet& k : v) out.push_back(k.p.icmp->seq);
  return out;
}

}  // namespace

TEST_SUITE("link timing") {
  TEST_CASE("a 1000-byte frame on a 1 Mbps link arrives 8 ms + delay after its tx") {
    Sim sim = slow_link_warmed_up();
    sim.cmd("a", "udp sendto 10.0.0.2:9 --bytes 958");  // 14 + 20 + 8 + 958 = 1000 bytes
    sim.run_until(1 * kSec);
    const auto sent = sim.tx("a", both(udp(), after(100 * kMs)));
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].len == 1000);
    CHECK(sent[0].t == 100'000'000);
    const auto got = sim.rx("b", with_id(sent[0].id));
    REQUIRE(got.size() == 1);
    CHECK(got[0].t == 110'000'000);
  }

  TEST_CASE("the ARP exchange pays serialisation too: 60 bytes take 480 us at 1 Mbps") {
    Sim sim = Sim::text(kSlow);
    sim.cmd_at(1 * kMs, "a", "udp sendto 10.0.0.2:9 x");
    sim.run_until(1 * kSec);
    const auto req = sim.tx("a", arp_request());
    REQUIRE(req.size() == 1);
    CHECK(req[0].t == 1'000'000);
    CHECK(sim.rx("b", arp_request())[0].t == 3'480'000);
    CHECK(sim.tx("b", arp_reply())[0].t == 3'480'000);
    CHECK(sim.rx("a", arp_reply())[0].t == 5'960'000);
    CHECK(sim.tx("a", udp())[0].t == 5'960'000);
    CHECK(sim.rx("b", udp())[0].t == 8'440'000);
  }

  TEST_CASE("frames sent back to back leave one serialisation time apart") {
    Sim sim = slow_link_warmed_up();
    sim.cmd("a", "udp sendto 10.0.0.2:9 --bytes 100");  // 142-byte frame: 1136 us
    sim.cmd("a", "udp sendto 10.0.0.2:9 --bytes 101");  // 143: 1144 us
    sim.run_until(1 * kSec);
    const auto sent = sim.tx("a", both(udp(), after(100 * kMs)));
    REQUIRE(sent.size() == 2);
    CHECK(times(sent) == std::vector<Time>{100'000'000, 101'136'000});
    CHECK(times(sim.rx("b", both(udp(), after(100 * kMs)))) == std::vector<Time>{103'136'000, 104'280'000});
  }

  TEST_CASE("a link without a rate has no serialisation: only the delay") {
    Sim sim = pair_with("");
    const auto req = sim.tx("a", arp_request());
    REQUIRE(req.size() == 1);
    CHECK(sim.rx("b", arp_request())[0].t == req[0].t + 1 * kMs);
    const auto echo = sim.tx("a", echo_request());
    REQUIRE(echo.size() == 3);
    CHECK(sim.rx("b", with_id(echo[0].id))[0].t == echo[0].t + 1 * kMs);
  }
}

TEST_SUITE("drop-tail queue") {
  TEST_CASE("a queue of 2 holds two frames behind the one on the wire - the 4th and 5th are dropped") {
    Sim sim = slow_link_warmed_up();
    for (int bytes = 100; bytes <= 104; ++bytes)
      sim.cmd("a", "udp sendto 10.0.0.2:9 --bytes " + std::to_string(bytes));
    sim.run_until(1 * kSec);
    const auto sent = sim.tx("a", both(udp(), after(100 * kMs)));
    REQUIRE(sent.size() == 3);
    CHECK(sent[0].len == 142);
    CHECK(sent[1].len == 143);
    CHECK(sent[2].len == 144);
    CHECK(times(sent) == std::vector<Time>{100'000'000, 101'136'000, 102'280'000});

    const auto dropped = sim.drops("a", why(DropWhy::Queue));
    REQUIRE(dropped.size() == 2);
    CHECK(dropped[0].len == 145);
    CHECK(dropped[1].len == 146);
    CHECK(times(dropped) == std::vector<Time>{100'000'000, 100'000'000});
    CHECK(dropped[0].link == "a:eth0-b:eth0");
    // A dropped frame never reaches the wire.
    for (const Packet& d : dropped) {
      CHECK(sim.tx("", with_id(d.id)).empty());
      CHECK(sim.rx("", with_id(d.id)).empty());
    }
    CHECK(sim.rx("b", both(udp(), after(100 * kMs))).size() == 3);
    CHECK(sim.drops().size() == 2);
  }

  TEST_CASE("once the queue drains, new frames are accepted again") {
    Sim sim = slow_link_warmed_up();
    for (int i = 0; i < 5; ++i) sim.cmd("a", "udp sendto 10.0.0.2:9 --bytes 100");
    sim.cmd_at(200 * kMs, "a", "udp sendto 10.0.0.2:9 --bytes 100");
    sim.run_until(1 * kSec);
    CHECK(sim.drops("a", why(DropWhy::Queue)).size() == 2);
    CHECK(sim.tx("a", both(udp(), after(200 * kMs))).size() == 1);
    CHECK(sim.rx("b", both(udp(), after(100 * kMs))).size() == 4);
  }

  TEST_CASE("a queue of 1 drops the third of three back-to-back frames") {
    Sim sim = slow_link_warmed_up({"link.queue=1"});
    for (int bytes = 100; bytes <= 102; ++bytes)
      sim.cmd("a", "udp sendto 10.0.0.2:9 --bytes " + std::to_string(bytes));
    sim.run_until(1 * kSec);
    CHECK(sim.tx("a", both(udp(), after(100 * kMs))).size() == 2);
    const auto dropped = sim.drops("a", why(DropWhy::Queue));
    REQUIRE(dropped.size() == 1);
    CHECK(dropped[0].len == 144);
  }
}

TEST_SUITE("link loss") {
  TEST_CASE("random loss is the same for the same seed, and different for another") {
    const std::string lossy = std::string(kPair) + R"(
[[step]]
at = "5s"
on = "a"
cmd = "ping -c 60 -i 0.2 10.0.0.2"
)";
    auto lost_ids = [&](const std::vector<std::string>& overrides) {
      Sim sim = Sim::text(lossy, overrides);
      sim.run_until(30 * kSec);
      return ids(sim.drops("", why(DropWhy::Loss)));
    };
    const auto first = lost_ids({"link.loss=0.3"});
    const auto again = lost_ids({"link.loss=0.3"});
    const auto other = lost_ids({"link.loss=0.3", "seed=99"});
    CHECK(first == again);
    CHECK(first != other);
    // Out of some 130 frames, about 30% are lost.
    CHECK(first.size() > 15);
    CHECK(first.size() < 70);
  }

  TEST_CASE("each lost frame was sent, is dropped 'loss' when it would have arrived, and never arrives") {
    Sim sim = Sim::text(std::string(kPair), {"link.loss=0.5", "seed=3"});
    sim.run_until(15 * kSec);
    const auto lost = sim.drops("", why(DropWhy::Loss));
    REQUIRE_FALSE(lost.empty());
    for (const Packet& d : lost) {
      CAPTURE(d);
      const auto sent = sim.tx("", with_id(d.id));
      REQUIRE(sent.size() == 1);
      CHECK(d.t == sent[0].t + 1 * kMs);
      CHECK(d.link == sent[0].link);
      CHECK(sim.rx("", with_id(d.id)).empty());
    }
  }

  TEST_CASE("loss = 1.0 drops everything: three ARP tries, nothing arrives") {
    Sim sim = Sim::text(std::string(kPair), {"link.loss=1.0"});
    sim.run_until(15 * kSec);
    CHECK(sim.rx().empty());
    const auto sent = sim.tx();
    REQUIRE(sent.size() == 3);
    CHECK(times(sent) == std::vector<Time>{0, 1 * kSec, 2 * kSec});
    const auto lost = sim.drops("", why(DropWhy::Loss));
    CHECK(ids(lost) == ids(sent));
    CHECK(sim.line_starting("a", "From ") == "From 10.0.0.1 icmp_seq=1 Destination Host Unreachable");
  }
}

TEST_SUITE("faults") {
  TEST_CASE("drop nth = 2 drops exactly the second matching packet, why 'fault'") {
    Sim sim = pair_with(R"(
[[fault]]
match = "icmp.type == 8"
action = "drop"
nth = 2
)");
    const auto sent = sim.tx("a", echo_request());
    REQUIRE(sent.size() == 3);
    const auto dropped = sim.drops("", why(DropWhy::Fault));
    REQUIRE(dropped.size() == 1);
    CHECK(dropped[0].id == sent[1].id);
    CHECK(dropped[0].p.icmp->seq == 2);
    CHECK(sim.drops().size() == 1);
    CHECK(echo_seqs(sim.rx("b", echo_request())) == std::vector<uint16_t>{1, 3});
    CHECK(sim.line_starting("a", "64 bytes from 10.0.0.2: icmp_seq=2") == "");
    CHECK(sim.line_starting("a", "64 bytes from 10.0.0.2: icmp_seq=3") != "");
    CHECK(sim.line_starting("a", "3 packets") == "3 packets transmitted, 2 received, 33.3333% packet loss, time 2000ms");
    CHECK(sim.world.faults()[0].matched == 3);
    CHECK(sim.world.faults()[0].applied == 1);
  }

  // A packet lost in flight (link loss or a fault drop) is reported where and when it would
  // have arrived: it did leave its sender (a tx), so the drop belongs to the far end.
  TEST_CASE("a fault drop is reported on its link, at the node it would have reached") {
    Sim sim = pair_with(R"(
[[fault]]
match = "icmp.type == 8"
action = "drop"
nth = 2
)");
    const auto dropped = sim.drops("", why(DropWhy::Fault));
    REQUIRE(dropped.size() == 1);
    CHECK(dropped[0].node == "b");
    CHECK(dropped[0].link == "a:eth0-b:eth0");
  }

  // iputils' schedule_exit(): once some reply has come, ping -c waits max(2 x max rtt,
  // interval) after the last request, not the 10 s linger (used only when nothing came back).
  TEST_CASE("with replies received, ping -c ends one interval after its last request") {
    Sim sim = pair_with(R"(
[[fault]]
match = "icmp.type == 8"
action = "drop"
nth = 2
)");
    CHECK(sim.time_of_line("a", "--- ") == std::optional<Time>(3 * kSec));
  }

  TEST_CASE("nth counts packets where they are born, not hops: the second echo is the one lost") {
    Scenario s = scenario_from_file("ping-across-routers.toml");
    s.faults.push_back(FaultSpec{*parse_filter("icmp.type == 8"), FaultAction::Drop, 2, false, 0, -1, {}});
    Sim sim(s);
    sim.run_until(4 * kSec);
    const auto dropped = sim.drops("", why(DropWhy::Fault));
    REQUIRE(dropped.size() == 1);
    CHECK(dropped[0].p.icmp->seq == 2);
    CHECK(dropped[0].src() == ip(10, 0, 1, 10));
    CHECK(echo_seqs(sim.rx("server", echo_request())) == std::vector<uint16_t>{1, 3});
    // The first echo crossed all three routers untouched.
    CHECK(echo_seqs(sim.tx("r3", echo_request())) == std::vector<uint16_t>{1, 3});
  }

  TEST_CASE("every = true drops every match and nothing else") {
    Sim sim = pair_with(R"(
[[fault]]
match = "icmp.type == 8"
action = "drop"
every = true
)");
    CHECK(sim.tx("a", echo_request()).size() == 3);
    CHECK(sim.drops("", why(DropWhy::Fault)).size() == 3);
    CHECK(sim.rx("b", echo_request()).empty());
    CHECK(sim.rx("b", arp_request()).size() == 1);  // ARP does not match
    CHECK(sim.tx("b", echo_reply()).empty());
    CHECK(sim.line_starting("a", "3 packets") == "3 packets transmitted, 0 received, 100% packet loss, time 2000ms");
  }

  TEST_CASE("a fault limited to one node leaves the other's packets alone") {
    Sim sim = pair_with(R"(
[[fault]]
match = "icmp"
action = "drop"
every = true
node = "b"
)");
    CHECK(sim.rx("b", echo_request()).size() == 3);
    CHECK(sim.drops("", why(DropWhy::Fault)).size() == 3);
    for (const Packet& d : sim.drops("", why(DropWhy::Fault))) CHECK(d.is_echo_reply());
    CHECK(sim.rx("a", echo_reply()).empty());
  }

  TEST_CASE("delay holds the packet back by exactly the delay") {
    Sim plain = pair_with("");
    Sim slowed = pair_with(R"(
[[fault]]
match = "icmp.type == 8"
action = "delay"
delay = "100ms"
)");
    const auto before = plain.tx("a", echo_request());
    const auto after_ = slowed.tx("a", echo_request());
    REQUIRE(before.size() == 3);
    REQUIRE(after_.size() == 3);
    CHECK(before[0].t == 2 * kMs);  // after ARP
    CHECK(after_[0].t == before[0].t + 100 * kMs);
    CHECK(slowed.rx("b", with_id(after_[0].id))[0].t == 103 * kMs);
    CHECK(after_[1].t == before[1].t);  // nth = 1: only the first
    CHECK(slowed.line_starting("a", "64 bytes from 10.0.0.2: icmp_seq=1") ==
          "64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=104 ms");
    CHECK(slowed.drops().empty());
  }

  TEST_CASE("duplicate sends the packet twice, with two ids - ping sees a DUP!") {
    Sim sim = pair_with(R"(
[[fault]]
match = "icmp.type == 8"
action = "duplicate"
)");
    const auto sent = sim.tx("a", echo_request());
    REQUIRE(sent.size() == 4);
    CHECK(sent[0].t == sent[1].t);
    CHECK(sent[0].id != sent[1].id);
    CHECK(echo_seqs(sent) == std::vector<uint16_t>{1, 1, 2, 3});
    CHECK(sim.rx("b", echo_request()).size() == 4);
    CHECK(sim.tx("b", echo_reply()).size() == 4);
    const auto out = sim.output("a");
    REQUIRE(out.size() >= 3);
    CHECK(out[1] == "64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=4.00 ms");
    CHECK(out[2] == "64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=4.00 ms (DUP!)");
  }

  TEST_CASE("ping's summary counts duplicates as iputils does (+1 duplicates)") {
    Sim sim = pair_with(R"(
[[fault]]
match = "icmp.type == 8"
action = "duplicate"
)");
    CHECK(sim.line_starting("a", "3 packets") == "3 packets transmitted, 3 received, +1 duplicates, 0% packet loss, time 2000ms");
  }

  TEST_CASE("corrupt makes the receiver drop the packet, why 'checksum'") {
    Sim sim = pair_with(R"(
[[fault]]
match = "icmp.type == 8"
action = "corrupt"
)");
    const auto sent = sim.tx("a", echo_request());
    REQUIRE(sent.size() == 3);
    CHECK_FALSE(sent[0].p.l4_checksum_ok);
    CHECK(sent[1].p.l4_checksum_ok);
    const auto dropped = sim.drops("b", why(DropWhy::Checksum));
    REQUIRE(dropped.size() == 1);
    CHECK(dropped[0].id == sent[0].id);
    CHECK(dropped[0].t == sent[0].t + 1 * kMs);
    CHECK(echo_seqs(sim.tx("b", echo_reply())) == std::vector<uint16_t>{2, 3});
    CHECK(sim.line_starting("a", "64 bytes from 10.0.0.2: icmp_seq=1") == "");
  }

  TEST_CASE("a corrupted frame still crosses a switch - the host behind it drops it") {
    Scenario s = scenario_from_file("arp.toml");
    s.faults.push_back(FaultSpec{*parse_filter("icmp.type == 8"), FaultAction::Corrupt, 1, false, 0, -1, {}});
    Sim sim(s);
    sim.run_until(2 * kSec);
    const auto sent = sim.tx("client", echo_request());
    REQUIRE(sent.size() == 2);
    CHECK(sim.tx("sw1", with_id(sent[0].id)).size() == 1);
    const auto dropped = sim.drops("server", why(DropWhy::Checksum));
    REQUIRE(dropped.size() == 1);
    CHECK(dropped[0].id == sent[0].id);
  }

  // Filters name TCP numbers as Wireshark shows them: relative to each side's ISN
  // (filter.h), so `tcp.seq == 1` is the first data byte whatever the random ISN was.
  TEST_CASE("tcp.seq and tcp.ack in a fault are relative: tcp.seq == 1 drops the first data segment") {
    Sim sim = Sim::text(std::string(kPair) + R"(
[[fault]]
match = "tcp.seq == 1 && tcp.len > 0"
action = "drop"
nth = 1
)");
    sim.cmd("b", "tcp listen 80 --as srv");
    sim.cmd("a", "tcp connect 10.0.0.2:80 --as c");
    sim.run_until(100 * kMs);
    sim.cmd("a", "tcp send c hello");
    sim.run_until(3 * kSec);
    const auto data = sim.tx("a", [](const Packet& k) { return k.p.tcp && k.p.payload_len > 0; });
    REQUIRE(data.size() >= 2);
    const auto dropped = sim.drops("", why(DropWhy::Fault));
    REQUIRE(dropped.size() == 1);
    CHECK(dropped[0].id == data[0].id);
    CHECK(sim.line_starting("b", "s2 (srv.1): received 5 bytes") != "");
  }
}
