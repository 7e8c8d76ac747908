// Helpers for tests that run whole scenarios: load scenarios/NAME.toml, run its World to
// the end, and look at the trace by node name — app lines, packets parsed layer by layer.
// Used by tests/test_scenarios.cpp (and free for any suite that checks lesson facts).
#pragma once
#include "tests/tshark_check.h"
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "sim/net/world.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/trace/jsonl.h"
#include "sim/trace/trace_event.h"
#include "sim/wire/frame.h"

namespace tcplab::scenario_testing {

inline std::string scenarios_path() { return std::string(TCPLAB_SOURCE_DIR) + "/scenarios"; }
inline std::string scenario_file(const std::string& name) { return scenarios_path() + "/" + name + ".toml"; }

// Names (file stems) of every scenarios/*.toml, sorted.
inline std::vector<std::string> builtin_scenarios() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(scenarios_path()))
    if (e.path().extension() == ".toml") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

inline Scenario load_builtin(const std::string& name, const std::vector<std::string>& overrides = {}) {
  LoadResult lr = load_scenario_file(scenario_file(name), overrides);
  std::string errors;
  for (const LoadError& e : lr.errors) errors += e.format() + "\n";
  INFO("loading ", name, ": ", errors);
  REQUIRE(lr.scenario.has_value());
  return *lr.scenario;
}

// One packet event with its frame parsed and its names resolved.
struct Pkt {
  const TraceEvent* e = nullptr;
  std::string node;  // the node that sent (tx), received (rx) or lost (drop) it
  wire::ParsedFrame f;

  EvKind kind() const { return e->ev; }
  uint64_t id() const { return e->packet().id; }
  Time t() const { return e->t; }
  bool is_arp() const { return f.arp.has_value(); }
  bool is_udp() const { return f.udp.has_value(); }
  bool is_icmp() const { return f.icmp.has_value(); }
  std::string ip_src() const { return f.ip ? to_string(f.ip->src) : ""; }
  std::string ip_dst() const { return f.ip ? to_string(f.ip->dst) : ""; }
  std::string payload() const {
    const auto& b = e->packet().frame;
    return std::string(b.begin() + static_cast<long>(f.payload_offset),
                       b.begin() + static_cast<long>(f.payload_offset + f.payload_len));
  }
};

// A finished run: the whole trace, the context and the world in its final state.
struct Run {
  std::string name;
  World world;
  TraceContext ctx;
  std::vector<TraceEvent> events;

  const std::string& node_name(int32_t i) const { return ctx.node_names.at(static_cast<size_t>(i)); }
  int32_t node(std::string_view name) const {
    const int32_t i = world.node_index(name);
    REQUIRE_MESSAGE(i >= 0, "no node '", std::string(name), "'");
    return i;
  }
  const Node& node_state(std::string_view name) const { return world.nodes().at(static_cast<size_t>(node(name))); }
  std::string mac_of(std::string_view name, size_t iface = 0) const { return to_string(node_state(name).ifaces.at(iface).mac); }

  // Every line node `name` printed (an app text of several lines counts as several), in order.
  std::vector<std::string> app_lines(std::string_view name) const {
    std::vector<std::string> out;
    const int32_t n = node(name);
    for (const TraceEvent& e : events) {
      if (e.ev != EvKind::App || e.node != n) continue;
      std::istringstream in(e.app().text);
      std::string l;
      bool any = false;
      while (std::getline(in, l)) {
        out.push_back(l);
        any = true;
      }
      if (!any) out.push_back("");
    }
    return out;
  }
  // The app lines of `name` printed in [from, to].
  std::vector<std::string> app_lines_between(std::string_view name, Time from, Time to) const {
    std::vector<std::string> out;
    const int32_t n = node(name);
    for (const TraceEvent& e : events) {
      if (e.ev != EvKind::App || e.node != n || e.t < from || e.t > to) continue;
      std::istringstream in(e.app().text);
      for (std::string l; std::getline(in, l);) out.push_back(l);
    }
    return out;
  }

  // Packet events, parsed, in trace order; `kind` filters when given.
  std::vector<Pkt> packets(std::optional<EvKind> kind = std::nullopt) const {
    std::vector<Pkt> out;
    for (const TraceEvent& e : events) {
      if (e.ev != EvKind::Tx && e.ev != EvKind::Rx && e.ev != EvKind::Drop) continue;
      if (kind && e.ev != *kind) continue;
      out.push_back(Pkt{&e, node_name(e.node), wire::parse_frame(e.packet().frame)});
    }
    return out;
  }
  // Packet events of one kind at one node.
  std::vector<Pkt> packets_at(EvKind kind, std::string_view name) const {
    std::vector<Pkt> out;
    for (Pkt& p : packets(kind))
      if (p.node == name) out.push_back(std::move(p));
    return out;
  }
  // Index in `events` of an event (for "before"/"after" questions).
  size_t index_of(const Pkt& p) const { return static_cast<size_t>(p.e - events.data()); }

  std::string jsonl() const {
    std::ostringstream out;
    JsonlWriter w(out, ctx);
    for (const TraceEvent& e : events) w.write(e);
    return out.str();
  }
  size_t count(EvKind kind) const {
    return static_cast<size_t>(std::count_if(events.begin(), events.end(), [&](const TraceEvent& e) { return e.ev == kind; }));
  }
};

// Runs a built-in scenario to `until` (default: its duration), as `tcplab run` does.
inline Run run_builtin(const std::string& name, std::optional<Time> until = std::nullopt,
                       const std::vector<std::string>& overrides = {}) {
  const Scenario sc = load_builtin(name, overrides);
  Run r{name, World::from_scenario(sc), {}, {}};
  r.ctx = r.world.trace_context();
  r.world.run_until(until.value_or(sc.duration));
  r.events = r.world.take_trace();
  return r;
}

// ---- small text helpers ------------------------------------------------------------------
// A printable form for CAPTURE and comparisons, so a failure shows the values rather than
// doctest's "{?}": strings one per line (quoted), numbers comma-separated, nested lists in turn.
inline std::string show(const std::string& s) { return "\"" + s + "\""; }
template <class T>
  requires std::is_arithmetic_v<T>
inline std::string show(T v) { return std::to_string(v); }
template <class T>
inline std::string show(const std::vector<T>& v) {
  std::string out = "{";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += std::is_same_v<T, int> ? ", " : ",\n ";
    out += show(v[i]);
  }
  return out + "}";
}

inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}
inline std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  return out;
}
inline std::string trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}
inline std::string rtrim(std::string_view s) {
  const size_t e = s.find_last_not_of(" \t\r");
  return e == std::string_view::npos ? "" : std::string(s.substr(0, e + 1));
}
inline bool contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }
inline size_t count_of(std::string_view hay, std::string_view needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string_view::npos; p = hay.find(needle, p + needle.size())) ++n;
  return n;
}
// The lines that start with `prefix`.
inline std::vector<std::string> lines_starting(const std::vector<std::string>& lines, std::string_view prefix) {
  std::vector<std::string> out;
  for (const std::string& l : lines)
    if (l.starts_with(prefix)) out.push_back(l);
  return out;
}

// ---- tshark: see tshark_check.h -------------------------------------------------------------
inline bool have_tshark() { return tshark::available(); }
inline std::string tshark_command(const std::string& pcap) { return tshark::command(pcap); }
inline std::vector<std::string> tshark_complaints(const std::string& out) { return tshark::complaints(out); }

}  // namespace tcplab::scenario_testing
