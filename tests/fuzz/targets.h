// The bodies of the libFuzzer targets (issue 7 "Fuzzing"), one function per target, shared
// by tests/fuzz/fuzz_<name>.cpp (built with clang and -DTCPLAB_FUZZ=ON) and by the replay
// of tests/fuzz/regressions/<name>/ in the normal suite (tests/test_fuzz_regressions.cpp).
//
// Each body feeds the bytes to a parser of outside input and then checks what a caller
// relies on (error offsets inside the text, byte ranges inside the frame, a checksum that
// verifies after it was filled in, headers that survive emit + parse). A failed check
// calls TCPLAB_FUZZ_FAIL: abort() under libFuzzer (a crash it reports and saves), an
// exception in the doctest replay (define it before including this file).
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "sim/cli/gui_options.h"
#include "sim/cli/gui_script.h"
#include "sim/net/world.h"
#include "sim/scenario/command.h"
#include "sim/scenario/filter.h"
#include "sim/scenario/packet_fields.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/trace/jsonl.h"
#include "sim/trace/ladder.h"
#include "sim/trace/summary.h"
#include "tests/fuzz/world_from_bytes.h"
#include "sim/trace/table.h"
#include "sim/trace/tcp_relative.h"
#include "sim/view/dissect.h"
#include "sim/wire/checksum.h"
#include "sim/wire/frame.h"
#include "sim/wire/headers.h"

#ifndef TCPLAB_FUZZ_FAIL
#define TCPLAB_FUZZ_FAIL(what)                                                        \
  (std::fprintf(stderr, "fuzz check failed: %s (%s:%d)\n", what, __FILE__, __LINE__), \
   std::abort())
#endif
#define TCPLAB_FUZZ_CHECK(cond)                    \
  do {                                             \
    if (!(cond)) TCPLAB_FUZZ_FAIL(#cond);          \
  } while (0)

namespace tcplab::fuzz {

// ---- helpers -----------------------------------------------------------------------------
inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Splits at the first NUL: the text before it, the bytes after it (empty when none). The
// targets that take two inputs (a filter and a frame, a scenario and --set overrides) use it.
inline std::pair<std::string_view, std::string_view> split_nul(std::string_view all) {
  const size_t z = all.find('\0');
  if (z == std::string_view::npos) return {all, {}};
  return {all.substr(0, z), all.substr(z + 1)};
}

inline std::vector<std::string> split_lines(std::string_view text, char sep = '\n') {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = text.find(sep, start);
    if (end == std::string_view::npos) {
      out.emplace_back(text.substr(start));
      break;
    }
    out.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

inline wire::ByteView bytes_of(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Well-formed UTF-8 (no overlongs, surrogates or code points above U+10FFFF): what the GUI's
// text widgets and a JSON reader expect of the trace formatters' output.
inline bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    uint32_t cp = 0, min = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      n = 1, cp = c & 0x1fu, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2, cp = c & 0x0fu, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3, cp = c & 0x07u, min = 0x10000;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;
    for (size_t k = 1; k <= n; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n + 1;
  }
  return true;
}

// ---- scenario: the TOML loader and its semantic checks, then building the world --------
// Input: a scenario file; after a NUL, --set overrides one per line.
inline int scenario(const uint8_t* data, size_t size) {
  const auto [text, rest] = split_nul(as_text(data, size));
  std::vector<std::string> overrides;
  if (!rest.empty()) overrides = split_lines(rest);
  const LoadResult r = load_scenario_text(text, "fuzz.toml", overrides);
  TCPLAB_FUZZ_CHECK(r.scenario.has_value() == r.errors.empty());
  for (const LoadError& e : r.errors) {
    TCPLAB_FUZZ_CHECK(!e.message.empty());
    TCPLAB_FUZZ_CHECK(e.line >= 0 && e.col >= 0);
    TCPLAB_FUZZ_CHECK(!e.format().empty());
  }
  // A scenario the loader accepts is one the program can open: the world is built from it.
  if (r.scenario) {
    const World w = World::from_scenario(*r.scenario);
    TCPLAB_FUZZ_CHECK(w.trace_context().node_names.size() == r.scenario->nodes.size());
  }
  return 0;
}

// ---- filter: the display-filter parser, then matching it against a frame ---------------
// Input: the filter text; after a NUL, an Ethernet frame to match it against.
inline int filter(const uint8_t* data, size_t size) {
  const auto [text, frame] = split_nul(as_text(data, size));
  const Result<Filter> f = parse_filter(text);
  if (!f) {
    TCPLAB_FUZZ_CHECK(!f.error().message.empty());
    TCPLAB_FUZZ_CHECK(f.error().offset <= text.size());
    return 0;
  }
  TCPLAB_FUZZ_CHECK(f->root >= 0 && static_cast<size_t>(f->root) < f->nodes.size());
  for (const Filter::Node& n : f->nodes) {
    if (n.op == Filter::Op::And || n.op == Filter::Op::Or || n.op == Filter::Op::Not)
      TCPLAB_FUZZ_CHECK(n.lhs >= 0 && static_cast<size_t>(n.lhs) < f->nodes.size());
    if (n.op == Filter::Op::And || n.op == Filter::Op::Or)
      TCPLAB_FUZZ_CHECK(n.rhs >= 0 && static_cast<size_t>(n.rhs) < f->nodes.size());
  }
  // Saved scenarios write the filter's text back: it must parse again.
  TCPLAB_FUZZ_CHECK(parse_filter(f->text).ok());
  const wire::ByteView bytes = bytes_of(frame);
  (void)matches(*f, packet_fields(wire::parse_frame(bytes), bytes.size()));
  (void)matches(*f, PacketFields{});
  PacketFields all;
  all.frame_len = 1514;
  all.is_arp = true;
  all.ip_src = Ipv4::of(10, 0, 0, 1);
  all.ip_dst = Ipv4::of(10, 0, 0, 2);
  all.ip_ttl = 64;
  all.ip_proto = 6;
  all.ip_id = 1;
  all.arp_opcode = 1;
  all.arp_spa = Ipv4::of(192, 168, 1, 1);
  all.arp_tpa = Ipv4::of(192, 168, 1, 2);
  all.udp_sport = all.udp_dport = all.udp_length = 53;
  all.tcp_sport = all.tcp_dport = 80;
  all.tcp_flags = 0xff;
  all.tcp_seq = all.tcp_ack = all.tcp_len = 0xffffffffu;
  all.icmp_type = all.icmp_code = 255;
  (void)matches(*f, all);
  return 0;
}

// ---- command: the command language (scenario steps, the GUI console) -------------------
// Input: command lines, one per line.
inline int command(const uint8_t* data, size_t size) {
  for (const std::string& line : split_lines(as_text(data, size))) {
    const Result<Command> c = parse_command(line);
    if (!c) {
      TCPLAB_FUZZ_CHECK(!c.error().message.empty());
      TCPLAB_FUZZ_CHECK(c.error().offset <= line.size());
      continue;
    }
    TCPLAB_FUZZ_CHECK(!command_name(*c).empty());
    // The payload of a send, when small enough for a fuzzer's memory limit.
    auto payload = [](const std::string& text, std::optional<uint32_t> bytes) {
      if (bytes && *bytes > (1u << 20)) return;
      const auto p = command_payload(text, bytes);
      TCPLAB_FUZZ_CHECK(p.size() == (bytes ? *bytes : text.size()));
    };
    if (const auto* s = std::get_if<CmdTcpSend>(&*c)) payload(s->text, s->bytes);
    if (const auto* s = std::get_if<CmdUdpSendto>(&*c)) payload(s->text, s->bytes);
    if (const auto* s = std::get_if<CmdUdpReply>(&*c)) payload(s->text, s->bytes);
  }
  return 0;
}

// ---- gui_options: `tcplab [SCENARIO] [options]` ------------------------------------------
// Input: the arguments, separated by NULs or newlines.
inline int gui_options(const uint8_t* data, size_t size) {
  std::string text(as_text(data, size));
  for (char& ch : text)
    if (ch == '\n') ch = '\0';
  std::vector<std::string> args = split_lines(text, '\0');
  if (!args.empty() && args.back().empty()) args.pop_back();
  for (const std::string& a : args) (void)is_gui_option(a);
  std::string error;
  const std::optional<GuiOptions> o = parse_gui_options(args, &error);
  if (!o) TCPLAB_FUZZ_CHECK(!error.empty());
  return 0;
}

// ---- gui_script: `tcplab SCENARIO --script FILE` -------------------------------------------
inline int gui_script(const uint8_t* data, size_t size) {
  const std::string_view text = as_text(data, size);
  std::vector<std::string> errors;
  const auto script = parse_gui_script(text, "fuzz.script", &errors);
  const size_t lines = split_lines(text).size();
  if (!script) {
    TCPLAB_FUZZ_CHECK(!errors.empty());
    return 0;
  }
  for (const ScriptCommand& c : *script)
    TCPLAB_FUZZ_CHECK(c.line >= 1 && static_cast<size_t>(c.line) <= lines);
  return 0;
}

// ---- wire: every header parser on arbitrary bytes, emit + parse, checksums ---------------
// Input: an Ethernet frame (the individual parsers also get it whole and at each layer's
// usual offset).
inline int wire(const uint8_t* data, size_t size) {
  const wire::ByteView all(data, size);
  const Ipv4 src = Ipv4::of(192, 168, 1, 10), dst = Ipv4::of(192, 168, 1, 20);

  const wire::ParsedFrame f = wire::parse_frame(all);
  if (f.icmp || f.udp || f.tcp) {
    TCPLAB_FUZZ_CHECK(f.l4_offset < size);
    TCPLAB_FUZZ_CHECK(f.payload_offset >= f.l4_offset);
  }
  TCPLAB_FUZZ_CHECK(f.payload_offset <= size);
  TCPLAB_FUZZ_CHECK(f.payload_len <= size - f.payload_offset);

  // Each parser on the bytes as they come and where its layer would start.
  for (const size_t at : {size_t(0), wire::kEthernetHeaderLen, wire::kEthernetHeaderLen + 20}) {
    if (at > size) break;
    const wire::ByteView v = all.subspan(at);
    if (auto h = wire::parse_ethernet(v)) {
      wire::Bytes out;
      wire::emit(*h, out);
      auto again = wire::parse_ethernet(out);
      TCPLAB_FUZZ_CHECK(again && *again == *h);
    }
    if (auto h = wire::parse_arp(v)) {
      wire::Bytes out;
      wire::emit(*h, out);
      auto again = wire::parse_arp(out);
      TCPLAB_FUZZ_CHECK(again && *again == *h);
    }
    (void)wire::ipv4_checksum_ok(v);
    (void)wire::parse_ipv4(v);
    if (auto h = wire::parse_ipv4_quoted(v)) {
      wire::Bytes out;
      wire::emit(*h, out);
      TCPLAB_FUZZ_CHECK(wire::ipv4_checksum_ok(out));
      auto again = wire::parse_ipv4_quoted(out);
      TCPLAB_FUZZ_CHECK(again.ok());
      wire::Ipv4Header a = *h, b = *again;
      a.checksum = b.checksum = 0;
      a.ihl = b.ihl = 5;  // emit writes no options
      TCPLAB_FUZZ_CHECK(a == b);
    }
    if (auto h = wire::parse_icmp(v)) {
      wire::Bytes out;
      wire::emit_icmp(*h, v.subspan(wire::kIcmpHeaderLen), out);
      TCPLAB_FUZZ_CHECK(wire::icmp_checksum_ok(out));
      auto again = wire::parse_icmp(out);
      TCPLAB_FUZZ_CHECK(again.ok());
      wire::IcmpHeader a = *h, b = *again;
      a.checksum = b.checksum = 0;
      TCPLAB_FUZZ_CHECK(a == b);
    }
    (void)wire::icmp_checksum_ok(v);
    if (auto h = wire::parse_udp(v)) {
      TCPLAB_FUZZ_CHECK(h->length >= wire::kUdpHeaderLen && h->length <= v.size());
      wire::Bytes out;
      wire::emit_udp(*h, src, dst, v.subspan(wire::kUdpHeaderLen, h->length - wire::kUdpHeaderLen), out);
      TCPLAB_FUZZ_CHECK(wire::udp_checksum_ok(src, dst, out));
      auto again = wire::parse_udp(out);
      TCPLAB_FUZZ_CHECK(again.ok());
      wire::UdpHeader a = *h, b = *again;
      a.checksum = b.checksum = 0;
      TCPLAB_FUZZ_CHECK(a == b);
    }
    (void)wire::udp_checksum_ok(src, dst, v);
    if (auto h = wire::parse_tcp(v)) {
      const size_t header = size_t(h->data_offset) * 4;
      TCPLAB_FUZZ_CHECK(header >= wire::kTcpHeaderLen && header <= v.size());
      (void)wire::tcp_flags_string(h->flags);
      if (v.size() <= 0xffff - 60) {
        wire::Bytes out;
        wire::emit_tcp(*h, src, dst, v.subspan(header), out);
        TCPLAB_FUZZ_CHECK(wire::tcp_checksum_ok(src, dst, out));
        auto again = wire::parse_tcp(out);
        TCPLAB_FUZZ_CHECK(again.ok());
        wire::TcpHeader a = *h, b = *again;
        a.checksum = b.checksum = 0;
        a.data_offset = b.data_offset = 0;  // emit lays the options out its own way
        TCPLAB_FUZZ_CHECK(a == b);
      }
    }
    (void)wire::tcp_checksum_ok(src, dst, v);
  }

  // fill_transport_checksum on a copy: when it says it filled one in, the frame verifies.
  std::vector<uint8_t> copy(all.begin(), all.end());
  if (wire::fill_transport_checksum(copy)) {
    const wire::ParsedFrame g = wire::parse_frame(copy);
    TCPLAB_FUZZ_CHECK(g.ip.has_value());
    if (g.tcp || g.udp) TCPLAB_FUZZ_CHECK(g.l4_checksum_ok);
  }
  return 0;
}

// ---- dissect: what the trace and the inspector show of any frame ---------------------------
// Input: an Ethernet frame, as a tx, an rx and a drop of one packet on one link.
inline int dissect(const uint8_t* data, size_t size) {
  const wire::ByteView all(data, size);
  const wire::ParsedFrame f = wire::parse_frame(all);
  TcpRelative rel;
  const std::string full = packet_summary(f, rel, SummaryStyle::Full);
  const std::string compact = packet_summary(f, rel, SummaryStyle::Compact);
  TCPLAB_FUZZ_CHECK(valid_utf8(full));
  TCPLAB_FUZZ_CHECK(valid_utf8(compact));
  TCPLAB_FUZZ_CHECK(display_width(fit_width(full, 24)) <= 24);
  (void)pad_left(compact, 40);

  const Dissection d = dissect_frame(all);
  TCPLAB_FUZZ_CHECK(d.frame.size() == size);
  for (const DissectField& x : d.fields) {
    TCPLAB_FUZZ_CHECK(x.depth >= 0 && x.depth <= 2);
    TCPLAB_FUZZ_CHECK(x.offset <= size && x.len <= size - x.offset);
    TCPLAB_FUZZ_CHECK(valid_utf8(x.value));
    (void)explain_field(x.key);
  }
  if (!d.fields.empty()) TCPLAB_FUZZ_CHECK(d.fields.front().depth == 0);
  for (size_t b = 0; b <= size; ++b) {
    const int i = field_at(d, b);
    TCPLAB_FUZZ_CHECK(i >= -1 && i < static_cast<int>(d.fields.size()));
  }

  // The trace formatters: a tx on the link, its rx and a drop at the other end.
  TraceContext ctx;
  ctx.node_names = {"client", "server"};
  ctx.node_types = {NodeType::Host, NodeType::Host};
  ctx.link_names = {"client:eth0-server:eth0"};
  ctx.title = "fuzz";
  std::vector<TraceEvent> events;
  const std::vector<uint8_t> bytes(all.begin(), all.end());
  events.push_back(TraceEvent{0, EvKind::Tx, 0, PacketEvent{1, 0, bytes, DropWhy::Loss, false}});
  events.push_back(TraceEvent{1000, EvKind::Rx, 1, PacketEvent{1, 0, bytes, DropWhy::Loss, false}});
  events.push_back(TraceEvent{2000, EvKind::Drop, 1, PacketEvent{1, 0, bytes, DropWhy::Checksum, true}});
  std::ostringstream jsonl;
  JsonlWriter w(jsonl, ctx);
  for (const TraceEvent& e : events) w.write(e);
  TCPLAB_FUZZ_CHECK(valid_utf8(jsonl.str()));
  for (const char ch : jsonl.str()) TCPLAB_FUZZ_CHECK(ch == '\n' || static_cast<unsigned char>(ch) >= 0x20);
  TCPLAB_FUZZ_CHECK(valid_utf8(render_table(events, ctx)));
  TCPLAB_FUZZ_CHECK(valid_utf8(render_ladder(events, ctx)));
  const Dissection t = dissect_trace_event(events, 2);
  TCPLAB_FUZZ_CHECK(t.frame.size() == size);
  return 0;
}

// The whole stack: the bytes become a small world and a timed sequence of commands and
// [[fault]] interventions (world_from_bytes.h), run for at most 5,000 events and 30 s of
// simulated time with the world's invariants (sim/net/world_invariants.h) checked after
// every event. A violation prints the invariant, where, and a scenario that replays it.
inline int world(const uint8_t* data, size_t size) {
  WorldPlan plan = plan_from_bytes(data, size);
  plan.max_events = 5000;
  plan.end = 30 * kSec;
  const std::vector<std::string> violations = run_plan_checked(plan);
  if (violations.empty()) return 0;
  for (const std::string& v : violations) std::fprintf(stderr, "tcplab: %s\n", v.c_str());
  std::fprintf(stderr, "---- a scenario that replays it (tcplab run FILE):\n%s\n", plan.replay_toml().c_str());
  std::abort();
}

// Every target, by the name its files use: tests/fuzz/fuzz_<name>.cpp and the corpora
// tests/fuzz/seeds/<name>/ and tests/fuzz/regressions/<name>/.
struct Target {
  const char* name;
  int (*run)(const uint8_t*, size_t);
};
inline constexpr Target kTargets[] = {
    {"scenario", scenario}, {"filter", filter},     {"command", command}, {"gui_options", gui_options},
    {"gui_script", gui_script}, {"wire", wire},     {"dissect", dissect},         {"world", world},
};

}  // namespace tcplab::fuzz
