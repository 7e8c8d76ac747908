// Whole-stack fuzzing's decoder (issue 7): bytes → a small world and a timed sequence of
// console commands, deterministically, and a runner that checks the world's invariants
// (sim/net/world_invariants.h) after every event. Shared by the libFuzzer target
// tests/fuzz/fuzz_world.cpp and the doctest property suite tests/test_world_invariants.cpp
// (which feeds it bytes drawn from a seeded generator).
//
// A world: 2–5 hosts on one or two subnets (one subnet: a switch, or a cable when there are
// two hosts; two: a router, or two routers with a transit subnet between them), switches
// where a subnet has more than two members, each link with a random delay, rate, drop-tail
// queue and loss, random [tcp] knobs and up to three [[fault]] rules (drop, delay,
// duplicate, corrupt). Commands: tcp listen/connect/send/recv/shutdown/close/abort, udp
// sendto, ping, hping3, route add/del, app echo-server/bulk-sink/bulk-send, on hosts and
// routers, at increasing times. Bytes past the end read as zero, so every input is a world.
#pragma once
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "sim/net/world.h"
#include "sim/net/world_invariants.h"
#include "sim/scenario/command.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/trace/jsonl.h"

namespace tcplab::fuzz {

class ByteReader {
 public:
  ByteReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  // A number in [0, n): one byte when n ≤ 256, else two.
  uint32_t below(uint32_t n) {
    if (n <= 1) return 0;
    uint32_t v = byte();
    if (n > 256) v |= uint32_t(byte()) << 8;
    return v % n;
  }
  bool one_in(uint32_t n) { return below(n) == 0; }
  template <class T, size_t N>
  const T& pick(const T (&a)[N]) { return a[below(N)]; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

struct TimedCommand {
  Time at = 0;
  std::string node;
  std::string text;
};

struct WorldPlan {
  std::string toml;                    // the scenario: network, [tcp], [[fault]]
  std::vector<TimedCommand> commands;  // in time order
  Time end = 60 * kSec;                // nothing runs after this
  uint64_t max_events = 20000;

  // A scenario file that replays the run with `tcplab run` (commands as [[step]]s).
  std::string replay_toml() const {
    std::string t = toml;
    for (const TimedCommand& c : commands)
      t += "\n[[step]]\nat = \"" + std::to_string(c.at / kMs) + "ms\"\non = \"" + c.node + "\"\ncmd = \"" + c.text + "\"\n";
    return t;
  }
};

inline WorldPlan plan_from_bytes(const uint8_t* data, size_t size) {
  ByteReader r(data, size);
  WorldPlan plan;
  std::ostringstream t;
  t << "title = \"fuzzed world\"\nseed = " << (1 + r.byte()) << "\nduration = \"60s\"\n";

  // ---- [tcp]: short timers so that a run ends; sometimes small buffers or MSS.
  t << "[tcp]\nprofile = \"" << (r.one_in(4) ? "rfc" : "linux") << "\"\ntime_wait = \"" << (1 + r.below(3))
    << "s\"\nfin_timeout = \"2s\"\nmax_rto = \"2s\"\nretries2 = " << (1 + r.below(4))
    << "\nsyn_retries = " << (1 + r.below(3)) << "\nsynack_retries = " << r.below(3) << "\n";
  if (r.one_in(3)) t << "rmem = " << (512 + r.below(8) * 1024) << "\n";
  if (r.one_in(3)) t << "wmem = " << (1024 + r.below(8) * 2048) << "\n";
  if (r.one_in(4)) t << "mss = " << (88 + r.below(1400)) << "\n";
  if (r.one_in(4)) t << "nagle = false\n";
  if (r.one_in(4)) t << "delack = false\n";

  // ---- nodes: hosts h0.. on LAN 0 (and LAN 1), routers r0 (and r1).
  const uint32_t hosts = 2 + r.below(4);
  const uint32_t kind = r.below(3);  // 0: one LAN, 1: two LANs and a router, 2: two routers
  const uint32_t lans = kind == 0 ? 1 : 2;
  std::vector<std::vector<std::string>> members(lans);  // "node:iface" on each LAN
  std::vector<std::string> addrs;                        // every host's and router's address
  std::vector<std::string> cmd_nodes;                    // hosts and routers
  for (uint32_t h = 0; h < hosts; ++h) {
    const uint32_t lan = lans == 1 ? 0 : (h < 1 ? 0 : (h == 1 ? 1 : r.below(2)));
    const std::string name = "h" + std::to_string(h);
    const std::string addr = "10.0." + std::to_string(lan) + "." + std::to_string(10 + h);
    t << "[[node]]\nname = \"" << name << "\"\ntype = \"host\"\nifaces = { eth0 = \"" << addr << "/24\" }\n";
    if (lans == 2) t << "gateway = \"10.0." << lan << ".1\"\n";
    members[lan].push_back(name + ":eth0");
    addrs.push_back(addr);
    cmd_nodes.push_back(name);
  }
  if (kind == 1) {
    t << "[[node]]\nname = \"r0\"\ntype = \"router\"\nifaces = { eth0 = \"10.0.0.1/24\", eth1 = \"10.0.1.1/24\" }\n";
    members[0].push_back("r0:eth0");
    members[1].push_back("r0:eth1");
    addrs.push_back("10.0.0.1");
    addrs.push_back("10.0.1.1");
    cmd_nodes.push_back("r0");
  } else if (kind == 2) {
    t << "[[node]]\nname = \"r0\"\ntype = \"router\"\nifaces = { eth0 = \"10.0.0.1/24\", eth1 = \"10.0.9.1/24\" }\n"
         "routes = [\"10.0.1.0/24 via 10.0.9.2\"]\n";
    t << "[[node]]\nname = \"r1\"\ntype = \"router\"\nifaces = { eth0 = \"10.0.9.2/24\", eth1 = \"10.0.1.1/24\" }\n"
         "routes = [\"10.0.0.0/24 via 10.0.9.1\"]\n";
    members[0].push_back("r0:eth0");
    members[1].push_back("r1:eth1");
    addrs.push_back("10.0.0.1");
    addrs.push_back("10.0.1.1");
    cmd_nodes.push_back("r0");
    cmd_nodes.push_back("r1");
  }
  std::vector<std::string> switches;
  auto link = [&](const std::string& a, const std::string& b) {
    t << "[[link]]\na = \"" << a << "\"\nb = \"" << b << "\"\ndelay = \"" << r.below(20) << "ms\"\n";
    static const char* const rates[] = {"64kbps", "1Mbps", "10Mbps", "100Mbps"};
    if (r.one_in(2)) t << "rate = \"" << rates[r.below(4)] << "\"\n";
    t << "queue = " << (1 + r.below(64)) << "\n";
    if (r.one_in(4)) {
      const uint32_t percent = r.below(30);
      t << "loss = 0." << (percent < 10 ? "0" : "") << percent << "\n";
    }
  };
  for (uint32_t lan = 0; lan < lans; ++lan) {
    auto& m = members[lan];
    if (m.size() == 1) continue;  // a LAN of one host and nothing else: no cable
    if (m.size() == 2 && r.one_in(2)) {
      link(m[0], m[1]);
      continue;
    }
    const std::string sw = "sw" + std::to_string(lan);
    t << "[[node]]\nname = \"" << sw << "\"\ntype = \"switch\"\n";
    switches.push_back(sw);
    for (size_t i = 0; i < m.size(); ++i) link(m[i], sw + ":p" + std::to_string(i + 1));
  }
  if (kind == 2) link("r0:eth1", "r1:eth0");

  // ---- faults
  const uint32_t faults = r.below(4);
  for (uint32_t f = 0; f < faults; ++f) {
    static const char* const matches[] = {"tcp",  "tcp.flags.syn == 1", "tcp.len > 0", "tcp.flags.fin == 1",
                                          "udp",  "icmp",               "arp",         "tcp.flags.ack == 1 && tcp.len == 0"};
    static const char* const actions[] = {"drop", "delay", "duplicate", "corrupt"};
    const char* action = actions[r.below(4)];
    t << "[[fault]]\nmatch = \"" << matches[r.below(8)] << "\"\naction = \"" << action << "\"\n";
    if (r.one_in(3)) t << "every = true\n";
    else t << "nth = " << (1 + r.below(5)) << "\n";
    if (std::string(action) == "delay") t << "delay = \"" << (1 + r.below(300)) << "ms\"\n";
    if (!switches.empty() && r.one_in(4)) t << "node = \"" << switches[r.below(uint32_t(switches.size()))] << "\"\n";
    else if (kind != 0 && r.one_in(4)) t << "node = \"r0\"\n";
  }
  plan.toml = t.str();

  // ---- commands: most talk to one server (a host) on one port, so that connections
  // are made, carry data and close; the rest go anywhere, or nowhere.
  static const char* const ports[] = {"80", "5000", "7", "9"};
  const std::string server = cmd_nodes[r.below(hosts)];
  const std::string server_addr = addrs[static_cast<size_t>(server[1] - '0')];
  const std::string main_port = r.pick(ports);
  auto addr = [&]() -> std::string {
    if (r.one_in(16)) return r.one_in(2) ? "10.0.0.99" : "10.0.7.1";  // nobody, or no route
    if (!r.one_in(4)) return server_addr;
    return addrs[r.below(uint32_t(addrs.size()))];
  };
  auto port = [&]() -> std::string { return r.one_in(4) ? std::string(r.pick(ports)) : main_port; };
  auto sock = [&]() -> std::string {
    static const char* const others[] = {"c1", "c2", "s1", "s2", "s3"};
    switch (r.below(4)) {
      case 0: case 1: return "c0";
      case 2: return "l" + main_port + "." + std::to_string(1 + r.below(2));
      default: return r.pick(others);
    }
  };
  auto node = [&]() -> std::string { return cmd_nodes[r.below(uint32_t(cmd_nodes.size()))]; };
  auto client = [&]() -> std::string { return r.one_in(4) ? node() : cmd_nodes[(r.below(hosts))]; };
  Time at = 0;
  auto add = [&](std::string on, std::string text) {
    plan.commands.push_back(TimedCommand{at, std::move(on), std::move(text)});
  };
  // The server starts first (most of the time).
  if (!r.one_in(6)) {
    switch (r.below(4)) {
      case 0: add(server, "app echo-server " + main_port); break;
      case 1: add(server, "app bulk-sink " + main_port); break;
      default:
        add(server, "tcp listen " + main_port + " --as l" + main_port + (r.one_in(3) ? " --read manual" : "") +
                        (r.one_in(4) ? " --backlog 1" : ""));
    }
  }
  const uint32_t count = 2 + r.below(22);
  for (uint32_t i = 0; i < count; ++i) {
    at += Time(r.below(8)) * 50 * kMs;
    switch (r.below(20)) {
      case 0: {
        const std::string p = port();
        add(node(), "tcp listen " + p + " --as l" + p + (r.one_in(3) ? " --read manual" : "") +
                        (r.one_in(4) ? " --backlog 1" : ""));
        break;
      }
      case 1: case 2: case 3: case 4:
        add(client(), "tcp connect " + addr() + ":" + port() + " --as c" + std::to_string(r.one_in(3) ? r.below(3) : 0) +
                          (r.one_in(4) ? " --read manual" : ""));
        break;
      case 5: case 6: case 7: {
        const std::string on = r.one_in(3) ? server : client();
        add(on, "tcp send " + sock() + " --bytes " + std::to_string(1 + r.below(r.one_in(2) ? 2000 : 40000)));
        break;
      }
      case 8: case 9: add(r.one_in(2) ? server : client(), "tcp close " + sock()); break;
      case 10: add(r.one_in(2) ? server : client(), "tcp abort " + sock()); break;
      case 11: add(r.one_in(2) ? server : client(), "tcp shutdown " + sock()); break;
      case 12: add(r.one_in(2) ? server : client(), "tcp recv " + sock() + " " + std::to_string(1 + r.below(5000))); break;
      case 13: add(client(), "udp sendto " + addr() + ":" + port() + " --bytes " + std::to_string(r.below(3000))); break;
      case 14: add(node(), "ping -c 2 -i 0.2 " + addr()); break;
      case 15:
        add(node(), r.one_in(2) ? "route add -net 10.0." + std::to_string(r.below(2)) + ".0/24 gw " + addr()
                                : "route del -net 10.0." + std::to_string(r.below(2)) + ".0/24");
        break;
      case 16: add(client(), "app bulk-send " + addr() + ":" + port() + " --bytes " + std::to_string(1 + r.below(30000))); break;
      case 17: add(client(), "app requests " + addr() + ":" + port() + " --count " + std::to_string(1 + r.below(3)) +
                                  " --size " + std::to_string(1 + r.below(3000)) + (r.one_in(2) ? " --reuse" : ""));
        break;
      case 18: add(node(), "hping3 -S -p " + port() + " -c 1 " + addr()); break;
      default: add(node(), std::string(r.one_in(2) ? "app echo-server " : "app bulk-sink ") + port()); break;
    }
  }
  // Mostly, everyone closes in the end (in a random order, at random times).
  if (!r.one_in(4)) {
    for (const std::string& n : cmd_nodes) {
      at += Time(r.below(8)) * 100 * kMs;
      if (!r.one_in(3)) add(n, "tcp close c0");
    }
    at += Time(r.below(8)) * 100 * kMs;
    add(server, "tcp close l" + main_port + ".1");
  }
  return plan;
}

// One run of a plan, one event (or command) at a time; a plain value, so a copy made
// mid-run goes on by itself.
struct WorldRun {
  World world;
  InvariantChecker checker;
  std::vector<TraceEvent> trace;
  std::vector<InvariantViolation> violations;
  size_t next_command = 0;
  uint64_t events = 0;

  static std::optional<WorldRun> start(const WorldPlan& plan, std::string* error = nullptr) {
    LoadResult lr = load_scenario_text(plan.toml, "fuzz.toml");
    if (!lr.scenario) {
      if (error)
        for (const LoadError& e : lr.errors) *error += e.format() + "\n";
      return std::nullopt;
    }
    return WorldRun{World::from_scenario(*lr.scenario), {}, {}, {}, 0, 0};
  }

  // One event, or the next command when it is due first. False when the run is over.
  bool advance(const WorldPlan& plan) {
    const std::optional<Time> next = world.next_event_time();
    const bool command_due = next_command < plan.commands.size() &&
                             (!next || *next > plan.commands[next_command].at);
    if (command_due) {
      const TimedCommand& c = plan.commands[next_command++];
      world.run_until(c.at);
      const int32_t node = world.node_index(c.node);
      auto cmd = parse_command(c.text);
      if (node >= 0 && cmd.ok()) world.run_command(node, *cmd, c.text);
    } else {
      if (!next || *next > plan.end || events >= plan.max_events) return false;
      world.step();
      ++events;
    }
    for (TraceEvent& e : world.take_trace()) {
      checker.feed(world, e);
      trace.push_back(std::move(e));
    }
    for (InvariantViolation& v : checker.after_event(world)) violations.push_back(std::move(v));
    return true;
  }

  void finish() {
    for (InvariantViolation& v : checker.at_end(world)) violations.push_back(std::move(v));
  }

  // The trace as `tcplab run --format jsonl` prints it, plus each frame's bytes in hex.
  std::string trace_text() const {
    std::ostringstream os;
    JsonlWriter jw(os, world.trace_context());
    static const char* const hex = "0123456789abcdef";
    for (const TraceEvent& e : trace) {
      jw.write(e);
      if (const auto* p = std::get_if<PacketEvent>(&e.data)) {
        for (uint8_t b : p->frame) os << hex[b >> 4] << hex[b & 15];
        os << "\n";
      }
    }
    return os.str();
  }
};

// Runs a plan to its end (or max_events), checking after every event. The violations,
// the first few at most, formatted; empty when every invariant held.
inline std::vector<std::string> run_plan_checked(const WorldPlan& plan, size_t max_reported = 5) {
  std::vector<std::string> out;
  std::string error;
  std::optional<WorldRun> run = WorldRun::start(plan, &error);
  if (!run) return {"the decoded scenario does not load: " + error};
  while (run->advance(plan) && run->violations.size() < max_reported) {
  }
  if (run->violations.empty()) run->finish();
  for (size_t i = 0; i < run->violations.size() && i < max_reported; ++i) out.push_back(run->violations[i].format());
  return out;
}

}  // namespace tcplab::fuzz
