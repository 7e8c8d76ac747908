// The GUI's command line (issue 4 "Headless hooks", "Classroom"): `tcplab [SCENARIO]
// [options]`. Parsed without GL so that bad flags are refused (exit 2) before any window
// opens, and so that tests can check the parser.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "sim/core/time.h"

namespace tcplab {

struct GuiOptions {
  std::string scenario = "handshake";   // a path or a built-in name
  bool present = false;                  // --present
  std::string lang = "en";               // --lang en|zh
  float scale = 0;                       // --scale F (0: from the monitor's DPI)
  std::string screenshot;                // --screenshot PNG: render once, save, exit
  std::optional<Time> at;                // --at DUR: the simulated time to show
  int width = 1600, height = 900;        // --size WxH
  std::vector<std::string> select;       // --select packet:ID | conn:NODE/SOCK | node:NAME
  int bench_frames = 0;                  // --bench-frames N
  std::optional<Time> monkey;            // --monkey DUR: random input for that wall time
  uint64_t monkey_seed = 1;              // --monkey-seed N
  std::string script;                    // --script FILE: scripted clicks and keys
  std::string dump_windows;              // --dump-windows FILE: the ImGui windows, one per line
  std::vector<std::string> hide;         // --hide ID[,ID…]: windows not shown (slides, benchmarks)
  int bench_step_back = 0;               // --bench-step-back N (not in --help): time N random
                                         // seeks back in the scenario, no window (tests/bench)
  bool live = false;                     // --live: run the scenario on the real kernel (issue 5)
  int level = 0;                         // --level 1|2|3 (with --live); 0: the highest available
};

// Parses everything after `tcplab`. On error returns nullopt and sets `error` (a message
// for stderr, without the program name). At most one of the modes that end by themselves
// (--screenshot, --bench-frames, --monkey, --script, --bench-step-back) may be given.
// With --live, --at is the run's time to wait for and show (a screenshot waits for it).
std::optional<GuiOptions> parse_gui_options(const std::vector<std::string>& args, std::string* error);

// True for an argument that only the GUI understands (so `tcplab --present` is the GUI).
bool is_gui_option(const std::string& arg);

std::string gui_usage_text();

// The ImGui ids of the GUI's windows ("topology", "ladder", …, "live_compare" of live
// mode), for --hide and scripts.
const std::vector<std::string>& gui_window_ids();

}  // namespace tcplab
