// Helpers for tests that drive a whole World and judge it by its trace, as a user would:
// load a scenario (inline TOML or a lesson file), run it, type commands on a node's
// console, and look at what came out (packets on links, lines a node printed).
// Shared by test_world_core, test_routing_arp, test_icmp_udp and test_links_faults.
#pragma once
#include <doctest/doctest.h>

#include <functional>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "sim/net/layers.h"
#include "sim/net/world.h"
#include "sim/scenario/command.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/trace/jsonl.h"
#include "sim/wire/frame.h"

// Failures show lists of lines and numbers in full, not "{?}".
namespace doctest {
template <class T>
struct StringMaker<std::vector<T>> {
  static String convert(const std::vector<T>& v) {
    std::ostringstream os;
    os << "{";
    for (size_t i = 0; i < v.size(); ++i) {
      if (i) os << ", ";
      if constexpr (std::is_same_v<T, std::string>)
        os << "\n  \"" << v[i] << "\"";
      else if constexpr (requires { os << v[i]; })
        os << v[i];
      else
        os << "?";
    }
    os << "}";
    return String(os.str().c_str());
  }
};
template <class T>
struct StringMaker<std::optional<T>> {
  static String convert(const std::optional<T>& v) {
    if (!v) return "nullopt";
    std::ostringstream os;
    if constexpr (requires { os << *v; })
      os << *v;
    else
      os << "(a value)";
    return String(os.str().c_str());
  }
};
}  // namespace doctest

namespace tcplab::testing {

constexpr Ipv4 ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d) { return Ipv4::of(a, b, c, d); }

inline std::string scenario_path(std::string_view file) {
  return std::string(TCPLAB_SOURCE_DIR) + "/scenarios/" + std::string(file);
}

inline Scenario require_loaded(LoadResult r) {
  for (const LoadError& e : r.errors) FAIL_CHECK(e.format());
  REQUIRE(r.scenario.has_value());
  return std::move(*r.scenario);
}

// A scenario written in the test itself.
inline Scenario scenario_from_text(std::string_view toml, const std::vector<std::string>& overrides = {}) {
  return require_loaded(load_scenario_text(toml, "inline.toml", overrides));
}

// A lesson from scenarios/, e.g. "arp.toml".
inline Scenario scenario_from_file(std::string_view file, const std::vector<std::string>& overrides = {}) {
  return require_loaded(load_scenario_file(scenario_path(file), overrides));
}

// The smallest TCP/IP network: two hosts on one cable, `a` and `b`, at the given
// addresses (interface form, "10.0.0.1/24"), with a one-way delay. `extra` is appended
// (faults, [tcp] settings, more steps).
inline std::string two_hosts(std::string_view a, std::string_view a_addr, std::string_view b,
                             std::string_view b_addr, std::string_view delay, std::string_view extra = "") {
  std::string t = "title = \"two hosts\"\nduration = \"10s\"\n";
  for (const auto& [name, addr] : {std::pair{a, a_addr}, std::pair{b, b_addr}})
    t += "[[node]]\nname = \"" + std::string(name) + "\"\ntype = \"host\"\nifaces = { eth0 = \"" +
         std::string(addr) + "\" }\n";
  t += "[[link]]\na = \"" + std::string(a) + "\"\nb = \"" + std::string(b) + "\"\ndelay = \"" +
       std::string(delay) + "\"\n";
  return t + std::string(extra);
}

inline bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// One tx / rx / drop as the user sees it in the trace, with its frame taken apart.
struct Packet {
  Time t = 0;
  EvKind ev = EvKind::Tx;
  std::string node;
  std::string link;
  uint64_t id = 0;
  DropWhy why = DropWhy::Loss;
  size_t len = 0;
  wire::ParsedFrame p;

  bool is_arp() const { return p.arp.has_value(); }
  bool is_icmp() const { return p.icmp.has_value(); }
  bool is_udp() const { return p.udp.has_value(); }
  bool is_icmp(uint8_t type) const { return p.icmp && p.icmp->type == type; }
  bool is_icmp(uint8_t type, uint8_t code) const { return is_icmp(type) && p.icmp->code == code; }
  bool is_echo_request() const { return is_icmp(wire::kIcmpEchoRequest); }
  bool is_echo_reply() const { return is_icmp(wire::kIcmpEchoReply); }
  uint8_t ttl() const { return p.ip ? p.ip->ttl : 0; }
  Ipv4 src() const { return p.ip ? p.ip->src : Ipv4(); }
  Ipv4 dst() const { return p.ip ? p.ip->dst : Ipv4(); }
};

inline std::ostream& operator<<(std::ostream& os, const Packet& k) {
  os << "t=" << k.t << " " << to_string(k.ev) << " " << k.node << " id=" << k.id << " len=" << k.len;
  if (k.ev == EvKind::Drop) os << " why=" << to_string(k.why);
  if (k.p.arp) os << " arp op=" << k.p.arp->op << " " << to_string(k.p.arp->spa) << "->" << to_string(k.p.arp->tpa);
  if (k.p.ip) os << " " << to_string(k.p.ip->src) << "->" << to_string(k.p.ip->dst) << " ttl=" << int(k.p.ip->ttl);
  if (k.p.icmp) os << " icmp " << int(k.p.icmp->type) << "/" << int(k.p.icmp->code);
  if (k.p.udp) os << " udp " << k.p.udp->sport << "->" << k.p.udp->dport;
  return os;
}

using PacketPred = std::function<bool(const Packet&)>;

inline std::vector<Packet> where(const std::vector<Packet>& v, const PacketPred& pred) {
  std::vector<Packet> out;
  for (const Packet& k : v)
    if (pred(k)) out.push_back(k);
  return out;
}

// A running world plus everything it has traced so far.
class Sim {
 public:
  explicit Sim(const Scenario& s) : world(World::from_scenario(s)), ctx(world.trace_context()) {}
  static Sim text(std::string_view toml, const std::vector<std::string>& overrides = {}) {
    return Sim(scenario_from_text(toml, overrides));
  }
  // A lesson file; `with_steps = false` keeps its network but not its timed commands.
  static Sim file(std::string_view name, const std::vector<std::string>& overrides = {},
                  bool with_steps = true) {
    Scenario s = scenario_from_file(name, overrides);
    if (!with_steps) s.steps.clear();
    return Sim(s);
  }

  World world;
  TraceContext ctx;
  std::vector<TraceEvent> events;  // every event taken from the world, in order

  void collect() {
    for (TraceEvent& e : world.take_trace()) events.push_back(std::move(e));
  }
  void run_until(Time t) {
    world.run_until(t);
    collect();
  }
  // Runs until nothing is left to do (bounded, so a runaway timer fails instead of hanging).
  void run_to_end(uint64_t max_events = 1'000'000) {
    for (uint64_t i = 0; i < max_events && world.step(); ++i) {
    }
    collect();
    CHECK_FALSE(world.next_event_time().has_value());
  }
  // Types `line` on `node`'s console at the current time.
  void cmd(std::string_view node, const std::string& line) {
    auto c = parse_command(line);
    INFO("command: " << line);
    REQUIRE_MESSAGE(c.ok(), (c.ok() ? std::string() : c.error().message));
    world.run_command(index(node), *c, line);
    collect();
  }
  // Runs to `t`, then types `line` on `node`.
  void cmd_at(Time t, std::string_view node, const std::string& line) {
    run_until(t);
    cmd(node, line);
  }

  int32_t index(std::string_view node) const {
    const int32_t i = world.node_index(node);
    INFO("node: " << node);
    REQUIRE(i >= 0);
    return i;
  }
  const Node& node(std::string_view name) const { return world.nodes()[static_cast<size_t>(index(name))]; }
  std::string node_name(int32_t i) const {
    return i >= 0 && static_cast<size_t>(i) < ctx.node_names.size() ? ctx.node_names[static_cast<size_t>(i)] : "?";
  }
  std::string link_name(int32_t i) const {
    return i >= 0 && static_cast<size_t>(i) < ctx.link_names.size() ? ctx.link_names[static_cast<size_t>(i)] : "";
  }

  // Every line `node` printed (prompt lines "$ CMD" included), from time `from` on.
  std::vector<std::string> lines(std::string_view node, Time from = 0) const {
    std::vector<std::string> out;
    for (const TraceEvent& e : events)
      if (e.ev == EvKind::App && e.t >= from && node_name(e.node) == node) out.push_back(e.app().text);
    return out;
  }
  // What programs printed, without the prompt lines.
  std::vector<std::string> output(std::string_view node, Time from = 0) const {
    std::vector<std::string> out;
    for (std::string& l : lines(node, from))
      if (l.rfind("$ ", 0) != 0) out.push_back(std::move(l));
    return out;
  }
  // The first printed line that starts with `prefix`, or "" (so a CHECK shows what was there).
  std::string line_starting(std::string_view node, std::string_view prefix, Time from = 0) const {
    for (const std::string& l : lines(node, from))
      if (l.rfind(prefix, 0) == 0) return l;
    return "";
  }
  // The time at which `node` first printed a line starting with `prefix`.
  std::optional<Time> time_of_line(std::string_view node, std::string_view prefix) const {
    for (const TraceEvent& e : events)
      if (e.ev == EvKind::App && node_name(e.node) == node && e.app().text.rfind(prefix, 0) == 0) return e.t;
    return std::nullopt;
  }

  std::vector<Packet> packets() const {
    std::vector<Packet> out;
    for (const TraceEvent& e : events) {
      if (e.ev != EvKind::Tx && e.ev != EvKind::Rx && e.ev != EvKind::Drop) continue;
      const PacketEvent& pe = e.packet();
      Packet k;
      k.t = e.t;
      k.ev = e.ev;
      k.node = node_name(e.node);
      k.link = link_name(pe.link);
      k.id = pe.id;
      k.why = pe.why;
      k.len = pe.frame.size();
      k.p = wire::parse_frame(pe.frame);
      out.push_back(std::move(k));
    }
    return out;
  }
  // Packets of one kind (tx/rx/drop), at one node ("" = any), that satisfy `pred`.
  std::vector<Packet> packets(EvKind ev, std::string_view node = "", const PacketPred& pred = {}) const {
    return where(packets(), [&](const Packet& k) {
      return k.ev == ev && (node.empty() || k.node == node) && (!pred || pred(k));
    });
  }
  std::vector<Packet> tx(std::string_view node = "", const PacketPred& pred = {}) const {
    return packets(EvKind::Tx, node, pred);
  }
  std::vector<Packet> rx(std::string_view node = "", const PacketPred& pred = {}) const {
    return packets(EvKind::Rx, node, pred);
  }
  std::vector<Packet> drops(std::string_view node = "", const PacketPred& pred = {}) const {
    return packets(EvKind::Drop, node, pred);
  }

  // The trace so far as `tcplab run --format jsonl` writes it.
  std::string jsonl() const { return to_jsonl(events, ctx); }
  static std::string to_jsonl(const std::vector<TraceEvent>& evs, const TraceContext& c) {
    std::ostringstream out;
    JsonlWriter w(out, c);
    for (const TraceEvent& e : evs) w.write(e);
    return out.str();
  }
};

// Predicates for Sim::tx/rx/drops.
inline PacketPred arp_request() {
  return [](const Packet& k) { return k.p.arp && k.p.arp->op == wire::kArpRequest; };
}
inline PacketPred arp_reply() {
  return [](const Packet& k) { return k.p.arp && k.p.arp->op == wire::kArpReply; };
}
inline PacketPred icmp(uint8_t type) {
  return [type](const Packet& k) { return k.is_icmp(type); };
}
inline PacketPred icmp(uint8_t type, uint8_t code) {
  return [type, code](const Packet& k) { return k.is_icmp(type, code); };
}
inline PacketPred echo_request() { return icmp(wire::kIcmpEchoRequest); }
inline PacketPred echo_reply() { return icmp(wire::kIcmpEchoReply); }
inline PacketPred udp() {
  return [](const Packet& k) { return k.is_udp(); };
}
inline PacketPred udp_to(uint16_t port) {
  return [port](const Packet& k) { return k.p.udp && k.p.udp->dport == port; };
}
inline PacketPred with_id(uint64_t id) {
  return [id](const Packet& k) { return k.id == id; };
}
inline PacketPred why(DropWhy w) {
  return [w](const Packet& k) { return k.ev == EvKind::Drop && k.why == w; };
}
inline PacketPred after(Time t) {
  return [t](const Packet& k) { return k.t >= t; };
}
inline PacketPred both(PacketPred a, PacketPred b) {
  return [a = std::move(a), b = std::move(b)](const Packet& k) { return a(k) && b(k); };
}

inline std::vector<uint64_t> ids(const std::vector<Packet>& v) {
  std::vector<uint64_t> out;
  for (const Packet& k : v) out.push_back(k.id);
  return out;
}
inline std::vector<Time> times(const std::vector<Packet>& v) {
  std::vector<Time> out;
  for (const Packet& k : v) out.push_back(k.t);
  return out;
}

}  // namespace tcplab::testing
