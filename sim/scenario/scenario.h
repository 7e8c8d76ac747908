// A scenario as a plain value: what a scenario file (DESIGN.md "Scenario file") says,
// validated and resolved (node names to indices, strings to addresses, durations to
// nanoseconds, commands and filters parsed). Built by scenario_loader; consumed by
// World::from_scenario. Positions are kept so that later errors can still name a line.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/time.h"
#include "sim/scenario/command.h"
#include "sim/scenario/filter.h"
#include "sim/trace/trace_event.h"
#include "sim/wire/address.h"

namespace tcplab {

struct SourcePos {
  int line = 0, col = 0;  // 1-based; 0 = not from a file (e.g. --set)
};

struct IfaceSpec {
  std::string name;  // "eth0"
  Prefix addr;       // interface form: 192.168.1.10/24
  SourcePos pos;
};

struct RouteSpec {  // "10.0.0.0/8 via 192.168.1.2" or "10.0.0.0/8 dev eth1"
  Prefix dst;       // network form
  std::optional<Ipv4> via;
  std::optional<std::string> dev;
  SourcePos pos;
};

struct NodeSpec {
  std::string name;
  NodeType type = NodeType::Host;
  std::vector<IfaceSpec> ifaces;  // empty for a switch
  std::optional<Ipv4> gateway;
  std::vector<RouteSpec> routes;
  // `kernel = true`: in live level 3 this host is a real Linux network namespace and the
  // rest of the world stays simulated (a simulated TCP talking to Linux's). The simulator
  // (`tcplab run`, the GUI) ignores it.
  bool kernel = false;
  SourcePos pos;
};

struct LinkEndSpec {
  int node = -1;      // index into Scenario::nodes
  std::string iface;  // resolved: the host/router interface, or the switch port ("p1", …)
};

struct LinkSpec {
  LinkEndSpec a, b;
  Time delay = 0;
  std::optional<uint64_t> rate_bps;  // none: unlimited (no serialisation delay)
  uint32_t queue = 64;               // drop-tail, packets, per direction
  double loss = 0.0;                 // per packet, per direction
  SourcePos pos;
};

// Lines of a [[program]]: `line = "NAME:N"` or `"NAME:N-M"` on a step.
struct ProgramLines {
  int program = -1;        // index into Scenario::programs
  int first = 0, last = 0; // 1-based, inclusive; first <= last
};

struct StepSpec {
  Time at = 0;
  int node = -1;
  std::string cmd_text;
  Command cmd;
  std::string say, say_zh;
  bool pause = false;
  std::optional<ProgramLines> line;  // the program lines this step performs
  SourcePos pos;
};

// [[question]]: a question for the class, shown in the Lesson panel with its answer hidden
// until revealed.
struct QuestionSpec {
  std::string ask, ask_zh, answer, answer_zh;
  SourcePos pos;
};

// [[program]]: source code shown beside the narration (the lesson's steps mirror it line by
// line through their `line`).
struct ProgramSpec {
  std::string name;  // unique in the scenario, e.g. "tcp_server.py"
  int node = -1;     // the node that runs it; -1 when not said
  std::string code;  // its first line is the first line of the code
  SourcePos pos;

  // The code split into lines (no trailing newline makes an extra empty line).
  std::vector<std::string> lines() const;
};

enum class FaultAction : uint8_t { Drop, Delay, Duplicate, Corrupt };
const char* to_string(FaultAction a);

struct FaultSpec {
  Filter match;
  FaultAction action = FaultAction::Drop;
  uint32_t nth = 1;        // which match, 1-based (ignored when every)
  bool every = false;
  Time delay = 0;          // action = delay: extra time before it goes on the link
  int node = -1;           // optional `node = "…"`: only packets that node sends; -1 = any
  SourcePos pos;
};

// [tcp]: the profile and single-knob overrides (TCP-REFERENCE.md §8). Unset = profile value.
struct TcpSettings {
  std::string profile = "linux";  // "linux" | "rfc"
  std::optional<Time> time_wait, min_rto, max_rto, initial_rto, delayed_ack, fin_timeout;
  std::optional<int> syn_retries, syn_linear_timeouts, synack_retries, retries2, initial_cwnd;
  std::optional<int> mss;
  std::optional<uint32_t> rmem, wmem;
  std::optional<bool> nagle, delack, abort_on_overflow;
};

struct Scenario {
  std::string path;  // as given; empty for text loaded from memory
  std::string title, title_zh, summary, summary_zh;
  // The course chapter "M.N" (chapter M, N-th lesson in it; sim/view/course_chapters.h);
  // empty for a scenario that is not a lesson. chapter_major/minor are M and N (0 when empty).
  std::string chapter;
  int chapter_major = 0, chapter_minor = 0;
  uint64_t seed = 1;
  Time duration = 10 * kSec;
  TcpSettings tcp;
  std::vector<NodeSpec> nodes;
  std::vector<LinkSpec> links;
  std::vector<StepSpec> steps;  // in file order; the world orders them by `at`
  std::vector<FaultSpec> faults;
  std::vector<QuestionSpec> questions;
  std::vector<ProgramSpec> programs;

  int node_index(std::string_view name) const;     // -1 when absent
  int program_index(std::string_view name) const;  // -1 when absent
};

}  // namespace tcplab
