// The world's invariants (sim/net/world_invariants.h) as properties: every built-in
// scenario, and seeded random small worlds (tests/fuzz/world_from_bytes.h: 2–5 hosts,
// switches and routers, random links, [tcp] knobs, faults and console commands), checked
// after every event — explicitly, so that this runs in Release builds too, where World::step
// does not check. A world copied at a random point and run on gives the same trace, byte for
// byte, as the original. The checker itself is tested on worlds broken on purpose.
//
// Test suite "long" holds 100,000 seeded runs (TCPLAB_WORLD_RUNS overrides the count;
// TCPLAB_WORLD_SEED=N runs one seed and prints its scenario); see test_tcp_property.cpp for
// how the `long` label is made.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/rng.h"
#include "tests/fuzz/world_from_bytes.h"
#include "tests/world_fixture.h"

using namespace tcplab;
using namespace tcplab::testing;
using tcplab::fuzz::WorldPlan;
using tcplab::fuzz::WorldRun;

namespace {

std::optional<uint64_t> env_u64(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return std::nullopt;
  return std::strtoull(v, nullptr, 10);
}

std::vector<uint8_t> seed_bytes(uint64_t seed, size_t n = 160) {
  Rng rng(seed);
  std::vector<uint8_t> b(n);
  for (uint8_t& x : b) x = static_cast<uint8_t>(rng.next_u32());
  return b;
}

WorldPlan plan_for_seed(uint64_t seed) {
  const std::vector<uint8_t> b = seed_bytes(seed);
  return fuzz::plan_from_bytes(b.data(), b.size());
}

struct SeedResult {
  std::vector<std::string> violations;
  bool copy_differs = false;
  uint64_t copied_at = 0;
};

// Runs a plan with checks after every event; at a random point (from the seed) copies the
// run, runs both to the end, and compares their traces.
SeedResult run_seed(uint64_t seed, const WorldPlan& plan) {
  SeedResult res;
  std::string error;
  std::optional<WorldRun> run = WorldRun::start(plan, &error);
  if (!run) {
    res.violations.push_back("the decoded scenario does not load: " + error);
    return res;
  }
  Rng pick(seed ^ 0x5eedc0deULL);
  const uint64_t copy_at = pick.uniform(0, 600);
  std::optional<WorldRun> copy;
  uint64_t steps = 0;
  while (run->advance(plan) && run->violations.empty()) {
    if (++steps == copy_at) copy = *run;
  }
  if (run->violations.empty()) run->finish();
  for (const auto& v : run->violations) res.violations.push_back(v.format());
  if (copy && res.violations.empty()) {
    while (copy->advance(plan)) {
    }
    copy->finish();
    res.copied_at = copy_at;
    res.copy_differs = copy->trace_text() != run->trace_text() || !copy->violations.empty();
  }
  return res;
}

void run_seeds(uint64_t first, uint64_t count) {
  uint64_t failures = 0;
  for (uint64_t seed = first; seed < first + count; ++seed) {
    const WorldPlan plan = plan_for_seed(seed);
    const SeedResult r = run_seed(seed, plan);
    if (r.violations.empty() && !r.copy_differs) continue;
    if (++failures > 3) continue;  // the first few in full
    std::string msg = "seed " + std::to_string(seed) + ":\n";
    for (const std::string& v : r.violations) msg += "  " + v + "\n";
    if (r.copy_differs) msg += "  a copy made after " + std::to_string(r.copied_at) + " steps ran differently\n";
    msg += "---- replay with `tcplab run FILE`:\n" + plan.replay_toml();
    FAIL_CHECK(msg);
  }
  CHECK(failures == 0);
}

// A built-in scenario run to its duration with the checks after every event; then the same
// scenario copied halfway gives the same trace.
void check_scenario(const std::string& file) {
  INFO("scenario: " << file);
  Scenario sc = scenario_from_file(file);
  WorldPlan plan;  // no commands: the scenario's own steps
  plan.end = sc.duration;
  plan.max_events = 2'000'000;
  WorldRun run{World::from_scenario(sc), {}, {}, {}, 0, 0};
  while (run.advance(plan) && run.violations.empty()) {
  }
  if (run.violations.empty()) run.finish();
  for (const auto& v : run.violations) FAIL_CHECK(v.format());
  CHECK(run.events > 0);

  WorldRun again{World::from_scenario(sc), {}, {}, {}, 0, 0};
  std::optional<WorldRun> copy;
  while (again.advance(plan))
    if (!copy && again.events == run.events / 2) copy = again;
  REQUIRE(copy.has_value());
  while (copy->advance(plan)) {
  }
  CHECK(copy->trace_text() == run.trace_text());
  CHECK(again.trace_text() == run.trace_text());
}

// A Sim checked after every event: run(until) steps it one event at a time.
struct CheckedSim {
  Sim& sim;
  InvariantChecker chk;
  size_t fed = 0;

  std::vector<std::string> check() {
    std::vector<std::string> out;
    sim.collect();
    for (; fed < sim.events.size(); ++fed) chk.feed(sim.world, sim.events[fed]);
    for (const auto& v : chk.after_event(sim.world)) out.push_back(v.format());
    return out;
  }
  std::vector<std::string> run(Time until) {
    std::vector<std::string> out = check();
    while (out.empty()) {
      const auto next = sim.world.next_event_time();
      if (!next || *next > until) break;
      sim.world.step();
      out = check();
    }
    if (out.empty())
      for (const auto& v : chk.at_end(sim.world)) out.push_back(v.format());
    return out;
  }
};

}  // namespace

TEST_SUITE("world invariants") {
  TEST_CASE("every built-in scenario keeps the invariants after every event and a copy made halfway runs the same") {
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(scenario_path("")))
      if (e.path().extension() == ".toml") files.push_back(e.path().filename().string());
    std::sort(files.begin(), files.end());
    REQUIRE(files.size() >= 20);
    for (const std::string& f : files) check_scenario(f);
  }

  TEST_CASE("a socket broken on purpose is reported with the invariant and the time and the node and the socket") {
    Sim sim = Sim::text(two_hosts("a", "10.0.0.1/24", "b", "10.0.0.2/24", "1ms"));
    sim.cmd("b", "tcp listen 80");
    sim.cmd("a", "tcp connect 10.0.0.2:80 --as web");
    sim.run_until(50 * kMs);
    REQUIRE(check_invariants(sim.world).empty());
    TcpSocket& s = sim.world.node(sim.index("a")).tcp[0];
    REQUIRE(s.state == TcpState::Established);
    s.snd_una = s.snd_nxt + 5;  // acknowledged more than was sent
    const auto v = check_invariants(sim.world);
    REQUIRE(v.size() >= 1);
    CHECK(v[0].invariant == "tcp-seq");
    CHECK(v[0].t == 50 * kMs);
    CHECK(v[0].format().find("invariant tcp-seq violated at t=") == 0);
    CHECK(v[0].where == "node a sock s1 (web) in ESTABLISHED");
    s.snd_una = s.snd_nxt;
    s.state = TcpState::TimeWait;  // TIME_WAIT with no 2MSL timer
    const auto w = check_invariants(sim.world);
    REQUIRE(w.size() == 1);
    CHECK(w[0].invariant == "tcp-state");
    CHECK(w[0].detail == "no 2MSL timer");
  }

  TEST_CASE("the count of open sockets per port follows listen, connect, the children and close, and a wrong one is reported") {
    Sim sim = Sim::text(two_hosts("a", "10.0.0.1/24", "b", "10.0.0.2/24", "1ms"));
    sim.cmd("b", "tcp listen 80 --as srv");
    sim.cmd("a", "tcp connect 10.0.0.2:80 --as web");
    sim.run_until(50 * kMs);
    Node& a = sim.world.node(sim.index("a"));
    Node& b = sim.world.node(sim.index("b"));
    CHECK(b.tcp_ports == std::unordered_map<uint16_t, uint32_t>{{80, 2}});  // the listener and its child
    REQUIRE(a.tcp_ports.size() == 1);
    CHECK(a.tcp_ports.begin()->first == a.tcp[0].local_port);
    REQUIRE(check_invariants(sim.world).empty());
    sim.cmd("a", "tcp close web");
    sim.run_until(100 * kMs);
    sim.cmd("b", "tcp close srv.1");
    sim.cmd("b", "tcp close srv");
    sim.run_until(10 * kSec);  // b's LAST_ACK is over; a is in TIME_WAIT
    CHECK(b.tcp_ports.empty());
    REQUIRE(a.tcp[0].state == TcpState::TimeWait);
    CHECK(a.tcp_ports.size() == 1);
    sim.run_until(100 * kSec);  // TIME_WAIT over
    CHECK(a.tcp_ports.empty());
    REQUIRE(check_invariants(sim.world).empty());
    a.tcp_ports[81] = 1;
    const auto v = check_invariants(sim.world);
    REQUIRE(v.size() == 1);
    CHECK(v[0].invariant == "tcp-state");
    CHECK(v[0].detail == "the port table counts 1 open socket(s) on port 81, but none is open there");
  }

  TEST_CASE("the frame ledger finds an rx with no tx and a frame lost without a drop event") {
    Sim sim = Sim::text(two_hosts("a", "10.0.0.1/24", "b", "10.0.0.2/24", "10ms"));
    sim.cmd("a", "ping -c 1 10.0.0.2");
    sim.run_until(5 * kMs);  // the ARP request is on the wire
    InvariantChecker ok;
    for (const TraceEvent& e : sim.events) ok.feed(sim.world, e);
    CHECK(ok.ledger().on_wire() == 1);
    CHECK(ok.at_end(sim.world).empty());

    // Without its tx, the frame on the wire and its later rx are both unaccounted for.
    InvariantChecker missing_tx;
    for (const TraceEvent& e : sim.events)
      if (e.ev != EvKind::Tx) missing_tx.feed(sim.world, e);
    const auto v = missing_tx.at_end(sim.world);
    REQUIRE(!v.empty());
    CHECK(v[0].invariant == "frames");
    sim.run_until(12 * kMs);  // the rx
    for (const TraceEvent& e : sim.events)
      if (e.ev == EvKind::Rx) {
        std::vector<InvariantViolation> out;
        FrameLedger empty;
        empty.feed(sim.world, e, out);
        REQUIRE(out.size() == 1);
        CHECK(out[0].detail.find("rx of a frame that no tx put on this link") == 0);
        CHECK(out[0].where.find("node b, link 0 (a:eth0-b:eth0), frame ") == 0);
      }
  }

  TEST_CASE("the world decoder: any bytes give a world that loads and the same bytes give the same world") {
    std::vector<std::vector<uint8_t>> inputs = {{}, std::vector<uint8_t>(200, 0xff), std::vector<uint8_t>(3, 7)};
    for (uint64_t seed = 1; seed <= 300; ++seed) inputs.push_back(seed_bytes(seed, seed % 130));
    for (const auto& in : inputs) {
      const WorldPlan a = fuzz::plan_from_bytes(in.data(), in.size());
      const WorldPlan b = fuzz::plan_from_bytes(in.data(), in.size());
      CHECK(a.replay_toml() == b.replay_toml());
      INFO(a.toml);
      LoadResult lr = load_scenario_text(a.replay_toml(), "fuzz.toml");
      for (const LoadError& e : lr.errors) FAIL_CHECK(e.format());
      CHECK(!a.commands.empty());
      for (const auto& c : a.commands) CHECK_MESSAGE(parse_command(c.text).ok(), c.text);
    }
    // Switches, routers and faults all appear over the seeds.
    bool sw = false, router = false, fault = false;
    for (uint64_t seed = 1; seed <= 50; ++seed) {
      const WorldPlan p = plan_for_seed(seed);
      sw |= p.toml.find("\"switch\"") != std::string::npos;
      router |= p.toml.find("\"router\"") != std::string::npos;
      fault |= p.toml.find("[[fault]]") != std::string::npos;
    }
    CHECK(sw);
    CHECK(router);
    CHECK(fault);
  }

  // Found by the random worlds (invariant tcp-state): `tcp close s2` on a child in SYN_RECV
  // that nobody accepted left it in its listener's SYN queue in FIN_WAIT1.
  TEST_CASE("a child closed before accept leaves its listener's queues") {
    Sim sim = Sim::text(two_hosts("a", "10.0.0.1/24", "b", "10.0.0.2/24", "10ms"));
    CheckedSim chk{sim, {}, 0};
    sim.cmd("b", "tcp listen 80 --as srv");
    sim.cmd("a", "tcp connect 10.0.0.2:80 --as web");
    CHECK(chk.run(35 * kMs).empty());  // the SYN has reached b: s2 in SYN_RECV
    REQUIRE(sim.node("b").tcp.size() == 2);
    REQUIRE(sim.node("b").tcp[1].state == TcpState::SynReceived);
    sim.cmd("b", "tcp close s2");
    CHECK(sim.node("b").tcp[1].state == TcpState::FinWait1);
    CHECK(sim.node("b").tcp[0].syn_queue.empty());
    CHECK(chk.run(1 * kSec) == std::vector<std::string>{});
    CHECK(sim.node("b").tcp[0].accept_queue.empty());
    sim.cmd("a", "tcp close web");
    CHECK(chk.run(200 * kSec) == std::vector<std::string>{});
    CHECK(sim.node("b").tcp[1].state == TcpState::Closed);
  }

  // Found by the random worlds (invariant tcp-seq, RCV.NXT beyond the advertised right edge):
  // a segment whose data filled the receive window exactly had its FIN, one past the right
  // edge, accepted. It is trimmed now, as §3.10.7.4 says, and the sender repeats it.
  TEST_CASE("a FIN just beyond the receive window is trimmed and accepted when it is repeated") {
    Sim sim = Sim::text(two_hosts("a", "10.0.0.1/24", "b", "10.0.0.2/24", "10ms", "[tcp]\nrmem = 512\n"));
    CheckedSim chk{sim, {}, 0};
    sim.cmd("b", "tcp listen 80 --as srv");
    sim.cmd("a", "tcp connect 10.0.0.2:80 --as web");
    CHECK(chk.run(100 * kMs).empty());
    sim.cmd("a", "tcp send web --bytes 512");
    sim.cmd("a", "tcp close web");
    CHECK(chk.run(5 * kSec) == std::vector<std::string>{});
    sim.cmd("b", "tcp close srv.1");
    CHECK(chk.run(200 * kSec) == std::vector<std::string>{});
    const auto pk = sim.packets();
    const auto full = where(pk, [](const Packet& k) {
      return k.ev == EvKind::Tx && k.node == "a" && k.p.tcp && k.p.payload_len == 512 &&
             (k.p.tcp->flags & wire::tcpflag::FIN);
    });
    REQUIRE(!full.empty());
    // b acknowledges the 512 bytes but not the FIN beyond its window; the FIN comes again.
    const auto fins = where(pk, [](const Packet& k) {
      return k.ev == EvKind::Tx && k.node == "a" && k.p.tcp && (k.p.tcp->flags & wire::tcpflag::FIN);
    });
    CHECK(fins.size() >= 2);
    CHECK(sim.node("a").tcp[0].state == TcpState::Closed);
    CHECK(sim.node("b").tcp[1].state == TcpState::Closed);
  }

  TEST_CASE("500 random small worlds keep every invariant after every event and a copy made mid-run stays identical") {
    run_seeds(1, 500);
  }

  TEST_CASE("replay: the seed in TCPLAB_WORLD_SEED with its scenario printed") {
    const auto seed = env_u64("TCPLAB_WORLD_SEED");
    if (!seed) return;
    const WorldPlan plan = plan_for_seed(*seed);
    MESSAGE(plan.replay_toml());
    run_seeds(*seed, 1);
  }
}

TEST_SUITE("long") {
  TEST_CASE("long: world invariants over 100000 random small worlds") {
    run_seeds(1'000'001, env_u64("TCPLAB_WORLD_RUNS").value_or(100'000));
  }
}
