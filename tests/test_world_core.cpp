// The deterministic core (DESIGN.md principles 1 and 2): the event queue, the world's
// random generator, durations and rates, and the promises built on them — the same
// scenario gives the same trace byte for byte, a copied world is a snapshot that runs on
// to the same bytes, and the seed changes only what is meant to be random.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "sim/core/event_queue.h"
#include "sim/core/rng.h"
#include "sim/core/sorted_row_index.h"
#include "sim/core/time.h"
#include "tests/world_fixture.h"

using namespace tcplab;
using namespace tcplab::testing;

namespace {

std::vector<char> drain(EventQueue<char>& q) {
  std::vector<char> out;
  while (auto e = q.pop()) out.push_back(e->payload);
  return out;
}

// Two hosts and a switch; ping and a UDP datagram from an ephemeral port.
constexpr std::string_view kLan = R"(
title = "two hosts"
seed = 1
duration = "3s"

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

[[step]]
at = "0ms"
on = "b"
cmd = "udp bind 7000"

[[step]]
at = "10ms"
on = "a"
cmd = "ping -c 2 192.168.1.20"

[[step]]
at = "1500ms"
on = "a"
cmd = "udp sendto 192.168.1.20:7000 hello"

[[step]]
at = "1600ms"
on = "b"
cmd = "udp recvfrom s1"
)";

// A lossy link: the outcome depends on the RNG's position.
constexpr std::string_view kLossy = R"(
title = "lossy"
seed = 7
duration = "30s"

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
delay = "5ms"
rate = "1Mbps"
loss = 0.3

[[step]]
at = "0ms"
on = "a"
cmd = "ping -c 40 -i 0.1 10.0.0.2"
)";

std::string run_jsonl(const Scenario& s, Time until) {
  Sim sim(s);
  sim.run_until(until);
  return sim.jsonl();
}

}  // namespace

TEST_SUITE("event queue") {
  TEST_CASE("events come out in time order") {
    EventQueue<char> q;
    q.schedule(30, 'c');
    q.schedule(10, 'a');
    q.schedule(20, 'b');
    CHECK(drain(q) == std::vector<char>{'a', 'b', 'c'});
  }

  TEST_CASE("events at the same time come out in insertion order") {
    EventQueue<char> q;
    q.schedule(5, 'x');
    for (char c : std::string("abcdefgh")) q.schedule(10, c);
    q.schedule(1, 'w');
    CHECK(drain(q) == std::vector<char>{'w', 'x', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'});
  }

  TEST_CASE("pop gives the time and the id schedule returned") {
    EventQueue<char> q;
    const EventId first = q.schedule(42, 'a');
    const EventId second = q.schedule(42, 'b');
    CHECK(first != 0);
    CHECK(second > first);
    auto e = q.pop();
    REQUIRE(e);
    CHECK(e->at == 42);
    CHECK(e->id == first);
  }

  TEST_CASE("a cancelled event never runs and next_time skips it") {
    EventQueue<char> q;
    const EventId a = q.schedule(10, 'a');
    q.schedule(20, 'b');
    const EventId c = q.schedule(30, 'c');
    q.schedule(40, 'd');
    q.cancel(a);
    q.cancel(c);
    CHECK(q.next_time() == std::optional<Time>(20));
    CHECK(drain(q) == std::vector<char>{'b', 'd'});
    CHECK(q.empty());
    CHECK(q.next_time() == std::nullopt);
  }

  TEST_CASE("cancelling an event that already ran, twice, or id 0 changes nothing") {
    EventQueue<char> q;
    const EventId a = q.schedule(10, 'a');
    q.schedule(20, 'b');
    REQUIRE(q.pop()->payload == 'a');
    q.cancel(a);
    q.cancel(a);
    q.cancel(0);
    q.cancel(999);  // never handed out
    const EventId c = q.schedule(30, 'c');
    CHECK(c != 999);
    CHECK(drain(q) == std::vector<char>{'b', 'c'});
  }

  TEST_CASE("an empty queue has no next time and pops nothing") {
    EventQueue<char> q;
    CHECK(q.empty());
    CHECK_FALSE(q.next_time().has_value());
    CHECK_FALSE(q.pop().has_value());
  }

  TEST_CASE("a copied queue is a snapshot: both drain the same, independently") {
    EventQueue<char> q;
    q.schedule(3, 'c');
    const EventId b = q.schedule(2, 'b');
    q.schedule(1, 'a');
    q.cancel(b);
    EventQueue<char> copy = q;
    q.schedule(0, 'z');  // after the copy: only in q
    CHECK(drain(copy) == std::vector<char>{'a', 'c'});
    CHECK(drain(q) == std::vector<char>{'z', 'a', 'c'});
  }

  TEST_CASE("a rescheduled event runs once, at its new time, in the order cancel and schedule give") {
    EventQueue<char> q;
    const EventId a = q.schedule(10, 'a');
    q.schedule(30, 'b');
    const EventId a2 = q.reschedule(a, 30, 'A');  // later, tied with b: after it
    CHECK(a2 > a);
    q.cancel(a);  // the old id is dead
    q.schedule(20, 'c');
    CHECK(q.next_time() == std::optional<Time>(20));
    auto e = q.pop();
    REQUIRE(e);
    CHECK(e->payload == 'c');
    CHECK(q.next_time() == std::optional<Time>(30));
    CHECK(drain(q) == std::vector<char>{'b', 'A'});
  }

  TEST_CASE("reschedule earlier, of a cancelled or finished event, or of id 0 schedules anew") {
    EventQueue<char> q;
    const EventId a = q.schedule(50, 'a');
    const EventId a2 = q.reschedule(a, 5, 'e');  // earlier
    q.cancel(a);
    const EventId b = q.schedule(7, 'b');
    q.cancel(b);
    q.reschedule(b, 8, 'B');  // cancelled: a new event
    q.reschedule(0, 9, 'z');
    CHECK(drain(q) == std::vector<char>{'e', 'B', 'z'});
    q.reschedule(a2, 1, 'x');  // already ran
    CHECK(drain(q) == std::vector<char>{'x'});
  }

  TEST_CASE("reschedule gives the same run as cancel then schedule, over random operations") {
    // Two queues driven alike: `lazy` moves events with reschedule, `plain` cancels and
    // schedules. Every pop must give the same time, payload and sequence number (the id's
    // slot part may differ: reschedule keeps the slot).
    EventQueue<int> lazy, plain;
    std::vector<std::pair<EventId, EventId>> live;  // (lazy id, plain id) of pending events
    Rng rng(7);
    Time now = 0;
    int next_payload = 0, compared = 0;
    for (int step = 0; step < 20000; ++step) {
      const uint64_t r = rng.next_u64() % 10;
      if (r < 3 || live.empty()) {
        const Time at = now + Time(rng.next_u64() % 50);
        live.emplace_back(lazy.schedule(at, next_payload), plain.schedule(at, next_payload));
        ++next_payload;
      } else if (r < 7) {
        auto& [l, p] = live[rng.next_u64() % live.size()];
        const Time at = now + Time(rng.next_u64() % 60);
        plain.cancel(p);
        p = plain.schedule(at, next_payload);
        l = lazy.reschedule(l, at, next_payload);
        ++next_payload;
      } else if (r < 8) {
        const size_t i = rng.next_u64() % live.size();
        lazy.cancel(live[i].first);
        plain.cancel(live[i].second);
        live.erase(live.begin() + static_cast<long>(i));
      } else {
        REQUIRE(lazy.next_time() == plain.next_time());
        auto x = lazy.pop();
        auto y = plain.pop();
        REQUIRE(x.has_value() == y.has_value());
        if (!x) continue;
        REQUIRE(x->at == y->at);
        REQUIRE(x->payload == y->payload);
        REQUIRE((x->id >> 24) == (y->id >> 24));
        now = x->at;
        std::erase_if(live, [&](const auto& ids) { return ids.first == x->id; });
        ++compared;
      }
    }
    while (auto x = lazy.pop()) {
      auto y = plain.pop();
      REQUIRE(y);
      REQUIRE(x->at == y->at);
      REQUIRE(x->payload == y->payload);
      ++compared;
    }
    CHECK_FALSE(plain.pop().has_value());
    CHECK(compared > 1000);
  }

  TEST_CASE("thousands of pending events pop in (time, insertion) order, against a sorted model") {
    // The heap is 4-ary and compares (time, id) as one number: a model that keeps every
    // pending event sorted must agree on each pop, with many ties and deep heaps.
    EventQueue<int> q;
    std::set<std::pair<Time, int>> model;  // (time, payload); payloads grow with insertion
    std::vector<std::pair<EventId, std::pair<Time, int>>> live;
    Rng rng(11);
    Time now = 0;
    int next = 0, popped = 0;
    for (int step = 0; step < 60000; ++step) {
      const uint64_t r = rng.next_u64() % 10;
      if (r < 5 || live.empty()) {
        const Time at = now + Time(rng.next_u64() % 200);  // many events share a time
        live.emplace_back(q.schedule(at, next), std::pair{at, next});
        model.insert({at, next++});
      } else if (r < 6) {
        const size_t i = rng.next_u64() % live.size();
        q.cancel(live[i].first);
        model.erase(live[i].second);
        live.erase(live.begin() + static_cast<long>(i));
      } else {
        auto e = q.pop();
        REQUIRE(e.has_value() == !model.empty());
        if (!e) continue;
        REQUIRE(std::pair{e->at, e->payload} == *model.begin());
        model.erase(model.begin());
        std::erase_if(live, [&](const auto& x) { return x.first == e->id; });
        now = e->at;
        ++popped;
      }
    }
    CHECK(popped > 10000);
    while (auto e = q.pop()) {
      REQUIRE(std::pair{e->at, e->payload} == *model.begin());
      model.erase(model.begin());
    }
    CHECK(model.empty());
  }

  TEST_CASE("a reserved event runs where it would have run if scheduled when reserved") {
    EventQueue<char> q;
    q.schedule(10, 'a');
    const EventId r = q.reserve();  // after a, before b and c among events at time 10
    q.schedule(10, 'b');
    q.schedule(5, 'w');
    q.schedule(10, 'c');
    const EventId id = q.schedule_reserved(10, r, 'R');
    CHECK(id != 0);
    CHECK((id >> 24) == (r >> 24));
    const EventId unused = q.reserve();  // never scheduled: it takes no place and runs nothing
    CHECK(unused > r);
    CHECK(drain(q) == std::vector<char>{'w', 'a', 'R', 'b', 'c'});
  }

  TEST_CASE("a reserved event can be cancelled like any other") {
    EventQueue<char> q;
    const EventId r = q.reserve();
    q.schedule(1, 'a');
    const EventId id = q.schedule_reserved(1, r, 'R');
    q.cancel(id);
    CHECK(drain(q) == std::vector<char>{'a'});
  }
}

TEST_SUITE("sorted row index") {
  TEST_CASE("finds every row by its key, whatever the order of insertion, and -1 for others") {
    // The ARP cache and the MAC table: rows in the order learned, keys in any order.
    SortedRowIndex idx;
    Rng rng(5);
    std::vector<uint64_t> keys;
    for (int32_t row = 0; row < 500; ++row) {
      uint64_t k;
      do k = rng.next_u64() % 100000; while (idx.find(k) >= 0);
      idx.insert(k, row);
      keys.push_back(k);
    }
    REQUIRE(idx.size() == 500);
    CHECK(std::is_sorted(idx.entries().begin(), idx.entries().end()));
    for (size_t row = 0; row < keys.size(); ++row) CHECK(idx.find(keys[row]) == static_cast<int32_t>(row));
    int misses = 0;
    for (uint64_t k = 0; k < 100000; k += 97)
      if (std::find(keys.begin(), keys.end(), k) == keys.end()) {
        CHECK(idx.find(k) == -1);
        ++misses;
      }
    CHECK(misses > 900);
    const SortedRowIndex copy = idx;  // a plain value: the copy answers alike, independently
    idx.insert(100001, 500);
    CHECK(copy.find(100001) == -1);
    CHECK(idx.find(100001) == 500);
  }
}

TEST_SUITE("rng") {
  TEST_CASE("the same seed gives the same sequence") {
    Rng a(42), b(42);
    for (int i = 0; i < 1000; ++i) REQUIRE(a.next_u64() == b.next_u64());
  }

  TEST_CASE("different seeds give different sequences") {
    Rng a(1), b(2);
    int same = 0;
    for (int i = 0; i < 100; ++i) same += a.next_u64() == b.next_u64();
    CHECK(same == 0);
  }

  TEST_CASE("a copied generator continues from the same position") {
    Rng a(9);
    for (int i = 0; i < 17; ++i) a.next_u64();
    Rng copy = a;
    CHECK(copy == a);
    for (int i = 0; i < 100; ++i) REQUIRE(copy.next_u32() == a.next_u32());
    a.next_u64();
    CHECK_FALSE(copy == a);
  }

  TEST_CASE("uniform stays inside its inclusive bounds and reaches both ends") {
    Rng r(3);
    std::set<uint64_t> seen;
    for (int i = 0; i < 2000; ++i) {
      const uint64_t v = r.uniform(5, 9);
      REQUIRE(v >= 5);
      REQUIRE(v <= 9);
      seen.insert(v);
    }
    CHECK(seen == std::set<uint64_t>{5, 6, 7, 8, 9});
    CHECK(r.uniform(7, 7) == 7);
  }

  TEST_CASE("next_unit is at least 0 and below 1 - chance(0) is never and chance(1) is always") {
    Rng r(5);
    for (int i = 0; i < 10000; ++i) {
      const double u = r.next_unit();
      REQUIRE(u >= 0.0);
      REQUIRE(u < 1.0);
      REQUIRE_FALSE(r.chance(0.0));
      REQUIRE(r.chance(1.0));
    }
  }
}

TEST_SUITE("durations and rates") {
  TEST_CASE("durations take ns, us, ms and s, with decimals") {
    CHECK(parse_duration("0ns") == std::optional<Time>(0));
    CHECK(parse_duration("7ns") == std::optional<Time>(7));
    CHECK(parse_duration("10us") == std::optional<Time>(10'000));
    CHECK(parse_duration("250ms") == std::optional<Time>(250'000'000));
    CHECK(parse_duration("1.5s") == std::optional<Time>(1'500'000'000));
    CHECK(parse_duration("60s") == std::optional<Time>(60'000'000'000));
    CHECK(parse_duration("0.001ms") == std::optional<Time>(1'000));
  }

  TEST_CASE("a duration without a unit, with an unknown unit, negative or empty is refused") {
    std::string error;
    CHECK_FALSE(parse_duration("5", &error));
    CHECK(error == "duration '5' needs a unit (ns, us, ms or s)");
    CHECK_FALSE(parse_duration("5m", &error));
    CHECK(error == "unknown duration unit 'm' in '5m' (expected ns, us, ms or s)");
    CHECK_FALSE(parse_duration("-5ms", &error));
    CHECK(error == "duration '-5ms' is negative");
    CHECK_FALSE(parse_duration("ms", &error));
    CHECK(error == "'ms' is not a duration (expected e.g. 5ms, 1.5s, 200us, 10ns)");
    CHECK_FALSE(parse_duration("", &error));
    CHECK_FALSE(parse_duration("5MS"));
    CHECK_FALSE(parse_duration("1.2.3s"));
    CHECK_FALSE(parse_duration("1e3ms"));
  }

  TEST_CASE("rates take bps, kbps, Mbps and Gbps (powers of 1000)") {
    CHECK(parse_rate("9600bps") == std::optional<uint64_t>(9600));
    CHECK(parse_rate("100kbps") == std::optional<uint64_t>(100'000));
    CHECK(parse_rate("10Mbps") == std::optional<uint64_t>(10'000'000));
    CHECK(parse_rate("1.5Gbps") == std::optional<uint64_t>(1'500'000'000));
  }

  TEST_CASE("a rate without a unit, with an unknown unit, or below 1 bps is refused") {
    std::string error;
    CHECK_FALSE(parse_rate("10", &error));
    CHECK(error == "rate '10' needs a unit (bps, kbps, Mbps or Gbps)");
    CHECK_FALSE(parse_rate("10MBps", &error));
    CHECK(error == "unknown rate unit 'MBps' in '10MBps' (expected bps, kbps, Mbps or Gbps)");
    CHECK_FALSE(parse_rate("0bps", &error));
    CHECK(error == "rate '0bps' must be at least 1bps");
    CHECK_FALSE(parse_rate("fast", &error));
    CHECK(error == "'fast' is not a rate (expected e.g. 10Mbps, 1Gbps, 64kbps)");
    CHECK_FALSE(parse_rate("-1Mbps"));
  }

  TEST_CASE("durations print in the largest exact unit - ms with three decimals") {
    CHECK(format_duration(0) == "0s");
    CHECK(format_duration(5'000'000) == "5ms");
    CHECK(format_duration(1'500'000) == "1500us");
    CHECK(format_duration(2 * kSec) == "2s");
    CHECK(format_duration(7) == "7ns");
    CHECK(format_ms(20'123'456) == "20.123");
    CHECK(format_ms(0) == "0.000");
  }
}

TEST_SUITE("determinism") {
  TEST_CASE("the same scenario run twice gives the same JSONL bytes") {
    for (const char* file : {"arp.toml", "ping-across-routers.toml", "traceroute.toml",
                             "subnets-and-broadcast.toml", "udp-port-unreachable.toml",
                             "routing-longest-prefix.toml"}) {
      CAPTURE(file);
      const Scenario s = scenario_from_file(file);
      const std::string first = run_jsonl(s, s.duration);
      const std::string second = run_jsonl(s, s.duration);
      CHECK(first.size() > 1000);
      CHECK(first == second);
    }
    const Scenario lossy = scenario_from_text(kLossy);
    CHECK(run_jsonl(lossy, 30 * kSec) == run_jsonl(lossy, 30 * kSec));
  }

  TEST_CASE("a world copied mid-run is a snapshot: both copies trace the same remainder") {
    // Stop at 13.5 ms on arp.toml: the ARP reply is on the wire, the first echo waits.
    Sim sim = Sim::file("arp.toml");
    sim.run_until(13'500'000);
    REQUIRE(sim.tx("client", echo_request()).empty());
    REQUIRE(sim.tx("server", arp_reply()).size() == 1);
    World copy = sim.world;
    sim.events.clear();

    // Run the copy first: it must not disturb the original.
    std::vector<TraceEvent> copy_events;
    copy.run_until(2 * kSec);
    copy_events = copy.take_trace();
    sim.run_until(2 * kSec);

    const std::string a = sim.jsonl();
    const std::string b = Sim::to_jsonl(copy_events, copy.trace_context());
    CHECK(sim.tx("client", echo_request()).size() == 2);
    CHECK(a.find("\"ev\":\"rx\",\"node\":\"client\",\"id\":2,") != std::string::npos);  // the ARP reply lands
    CHECK(a == b);
  }

  TEST_CASE("drop reasons are spelled as DESIGN.md lists them") {
    CHECK(std::string(to_string(DropWhy::Loss)) == "loss");
    CHECK(std::string(to_string(DropWhy::Fault)) == "fault");
    CHECK(std::string(to_string(DropWhy::Queue)) == "queue");
    CHECK(std::string(to_string(DropWhy::Ttl)) == "ttl");
    CHECK(std::string(to_string(DropWhy::NoRoute)) == "noroute");
    CHECK(std::string(to_string(DropWhy::NoArp)) == "noarp");
    CHECK(std::string(to_string(DropWhy::Closed)) == "closed");
    CHECK(std::string(to_string(DropWhy::Checksum)) == "checksum");
  }

  TEST_CASE("a drop in JSON Lines: DESIGN.md's fields in a fixed order, then why") {
    Sim sim = Sim::file("udp-port-unreachable.toml");
    sim.run_until(1 * kSec);
    const std::string out = sim.jsonl();
    const auto dropped = sim.drops();
    REQUIRE(dropped.size() == 1);
    const std::string sport = std::to_string(dropped[0].p.udp->sport);
    const std::string line =
        "{\"t_ns\":16000000,\"ev\":\"drop\",\"node\":\"server\",\"id\":3,\"link\":\"server:eth0-sw1:p2\","
        "\"len\":60,\"src\":\"192.168.1.10\",\"dst\":\"192.168.1.20\",\"proto\":\"udp\",\"ttl\":64,"
        "\"sport\":" + sport + ",\"dport\":9999,\"plen\":5,\"why\":\"closed\"}\n";
    CHECK(out.find(line) != std::string::npos);
    CHECK(out.find("\"type\":3,\"code\":3}") != std::string::npos);
  }

  TEST_CASE("a copy taken on a lossy link draws the same losses as the original") {
    Sim sim = Sim::text(kLossy);
    sim.run_until(1'234'567'891);
    World copy = sim.world;
    sim.events.clear();
    sim.run_until(30 * kSec);
    copy.run_until(30 * kSec);
    const std::vector<TraceEvent> copy_events = copy.take_trace();
    const size_t losses = sim.drops("", why(DropWhy::Loss)).size();
    CHECK(losses > 0);
    CHECK(sim.jsonl() == Sim::to_jsonl(copy_events, copy.trace_context()));
  }

  TEST_CASE("a world copied with pending output hands the same output to both") {
    Sim sim = Sim::file("arp.toml");
    sim.world.run_until(10 * kMs);  // not collected: the ping's first lines are pending
    World copy = sim.world;
    CHECK(copy.take_trace().size() == sim.world.take_trace().size());
  }

  TEST_CASE("another seed changes ephemeral ports and ping ids, not the shape of the run") {
    Sim one = Sim::text(kLan);
    Sim two = Sim::text(kLan, {"seed=2"});
    one.run_until(3 * kSec);
    two.run_until(3 * kSec);
    const auto p1 = one.packets();
    const auto p2 = two.packets();
    REQUIRE(p1.size() == p2.size());
    REQUIRE(p1.size() > 20);
    for (size_t i = 0; i < p1.size(); ++i) {
      CAPTURE(p1[i]);
      CAPTURE(p2[i]);
      CHECK(p1[i].t == p2[i].t);
      CHECK(p1[i].ev == p2[i].ev);
      CHECK(p1[i].node == p2[i].node);
      CHECK(p1[i].link == p2[i].link);
      CHECK(p1[i].id == p2[i].id);
      CHECK(p1[i].len == p2[i].len);
      CHECK(p1[i].is_arp() == p2[i].is_arp());
      CHECK(p1[i].is_icmp() == p2[i].is_icmp());
      CHECK(p1[i].is_udp() == p2[i].is_udp());
    }
    const auto echo1 = one.tx("a", echo_request());
    const auto echo2 = two.tx("a", echo_request());
    REQUIRE(echo1.size() == 2);
    REQUIRE(echo2.size() == 2);
    CHECK(echo1[0].p.icmp->id == echo1[1].p.icmp->id);  // one ping, one identifier
    CHECK(echo1[0].p.icmp->id != echo2[0].p.icmp->id);
    CHECK(echo1[0].p.icmp->seq == echo2[0].p.icmp->seq);

    const auto dg1 = one.tx("a", udp());
    const auto dg2 = two.tx("a", udp());
    REQUIRE(dg1.size() == 1);
    REQUIRE(dg2.size() == 1);
    CHECK(dg1[0].p.udp->sport != dg2[0].p.udp->sport);
    CHECK(dg1[0].p.udp->dport == 7000);
    CHECK(dg2[0].p.udp->dport == 7000);

    // What ping prints does not show the identifier: identical for both seeds.
    CHECK(one.line_starting("a", "64 bytes") == two.line_starting("a", "64 bytes"));
  }
}
