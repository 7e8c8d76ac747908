// tcplab's headless command line: run a scenario and print its trace, check scenario
// files, list the built-in scenarios. See DESIGN.md "Command line" for the contract.
#include "sim/cli/cli.h"
#include "sim/cli/gui_options.h"
#include "sim/cli/live_cli.h"
#include "sim/core/edit_distance.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "sim/net/world.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/trace/jsonl.h"
#include "sim/trace/ladder.h"
#include "sim/trace/pcap_writer.h"
#include "sim/trace/table.h"
#include "sim/view/course_catalog.h"

namespace tcplab {
namespace fs = std::filesystem;
namespace {

struct RunOptions {
  std::string scenario;
  std::optional<Time> until;
  std::string format = "ladder";
  std::optional<std::string> out_path, pcap_path;
  std::vector<std::string> sets;
  bool stats = false;
};

long peak_rss_kib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;  // KiB on Linux
}

int run(const RunOptions& o, std::ostream& out, std::ostream& err) {
  auto path = resolve_scenario(o.scenario);
  if (!path) {
    err << "tcplab run: no scenario '" << o.scenario << "' (not a file, nor a name from `tcplab list`)\n";
    return 2;
  }
  LoadResult lr = load_scenario_file(*path, o.sets);
  if (!lr.scenario) {
    for (const LoadError& e : lr.errors) err << e.format() << "\n";
    return 2;
  }
  const Scenario& sc = *lr.scenario;
  const Time until = o.until.value_or(sc.duration);

  std::ofstream file_out;
  std::ostream* sink = &out;
  if (o.out_path) {
    file_out.open(*o.out_path, std::ios::binary);
    if (!file_out) {
      err << "tcplab run: cannot write " << *o.out_path << "\n";
      return 1;
    }
    sink = &file_out;
  }
  std::optional<PcapFileWriter> pcap;
  if (o.pcap_path) {
    std::string error;
    pcap.emplace();
    if (!pcap->open(*o.pcap_path, error)) {
      err << "tcplab run: " << error << "\n";
      return 1;
    }
  }

  const auto wall_start = std::chrono::steady_clock::now();
  World world = World::from_scenario(sc);
  // Nothing to print and no pcap: the world need not record its trace at all (the
  // simulation alone, as the benchmarks against ns-3 measure it).
  if (o.format == "none" && !pcap) world.set_tracing(false);
  const TraceContext ctx = world.trace_context();
  std::unique_ptr<JsonlWriter> jsonl;
  std::unique_ptr<TableWriter> table;
  if (o.format == "jsonl") jsonl = std::make_unique<JsonlWriter>(*sink, ctx);
  if (o.format == "table") table = std::make_unique<TableWriter>(*sink, ctx);
  std::vector<TraceEvent> all;  // the ladder is drawn from the whole run
  std::vector<TraceEvent> batch;  // one event's trace; emptied, not freed, after each

  auto drain = [&] {
    world.take_trace_into(batch);
    for (TraceEvent& e : batch) {
      if (pcap) pcap->add(e);
      if (jsonl) jsonl->write(e);
      else if (table) table->write(e);
      else if (o.format == "ladder") all.push_back(std::move(e));
    }
    batch.clear();
  };
  while (true) {
    auto next = world.next_event_time();
    if (!next || *next > until) break;
    world.step();
    drain();
  }
  world.run_until(until);
  drain();
  if (o.format == "ladder") *sink << render_ladder(all, ctx);
  sink->flush();
  if (pcap) {
    std::string error;
    if (!pcap->close(error)) {
      err << "tcplab run: " << error << "\n";
      return 1;
    }
  }

  if (o.stats) {
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "events executed: %llu\nsimulated time:  %s\nwall time:       %.3f s\n"
                  "events/s:        %.0f\npeak memory:     %.1f MiB\n",
                  (unsigned long long)world.events_executed(), format_duration(world.now()).c_str(),
                  wall, wall > 0 ? world.events_executed() / wall : 0.0, peak_rss_kib() / 1024.0);
    err << buf;
  }
  if (o.out_path && !file_out) {
    err << "tcplab run: writing " << *o.out_path << " failed\n";
    return 1;
  }
  return 0;
}

int parse_run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  RunOptions o;
  const std::vector<std::string> flags = {"--until", "--seed", "--format", "--out", "--pcap", "--set", "--stats"};
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string& v) {
      if (i + 1 >= args.size()) {
        err << "tcplab run: option " << a << " needs a value\n";
        return false;
      }
      v = args[++i];
      return true;
    };
    std::string v;
    if (a == "--until") {
      if (!value(v)) return 2;
      std::string e;
      o.until = parse_duration(v, &e);
      if (!o.until) {
        err << "tcplab run: --until: " << e << "\n";
        return 2;
      }
    } else if (a == "--seed") {
      if (!value(v)) return 2;
      if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos || v.size() > 19) {
        err << "tcplab run: --seed needs a non-negative integer, not '" << v << "'\n";
        return 2;
      }
      o.sets.push_back("seed=" + v);
    } else if (a == "--format") {
      if (!value(v)) return 2;
      if (v != "ladder" && v != "table" && v != "jsonl" && v != "none") {
        err << "tcplab run: unknown format '" << v << "' (expected ladder, table, jsonl or none)\n";
        return 2;
      }
      o.format = v;
    } else if (a == "--out") {
      if (!value(v)) return 2;
      o.out_path = v;
    } else if (a == "--pcap") {
      if (!value(v)) return 2;
      o.pcap_path = v;
    } else if (a == "--set") {
      if (!value(v)) return 2;
      if (v.find('=') == std::string::npos) {
        err << "tcplab run: --set needs KEY=VALUE, e.g. --set link.loss=0.2\n";
        return 2;
      }
      o.sets.push_back(v);
    } else if (a == "--stats") {
      o.stats = true;
    } else if (a.size() > 1 && a[0] == '-') {
      err << "tcplab run: unknown option '" << a << "'" << did_you_mean(a, flags) << "\n";
      return 2;
    } else if (o.scenario.empty()) {
      o.scenario = a;
    } else {
      err << "tcplab run: one scenario at a time ('" << o.scenario << "' and '" << a << "')\n";
      return 2;
    }
  }
  if (o.scenario.empty()) {
    err << "tcplab run: which scenario? usage: tcplab run SCENARIO [options]\n";
    return 2;
  }
  return run(o, out, err);
}

int check(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.size() < 2) {
    err << "tcplab check: usage: tcplab check FILE...\n";
    return 2;
  }
  int rc = 0;
  for (size_t i = 1; i < args.size(); ++i) {
    LoadResult lr = load_scenario_file(args[i]);
    if (lr.scenario) {
      out << args[i] << ": ok\n";
    } else {
      for (const LoadError& e : lr.errors) err << e.format() << "\n";
      rc = 2;
    }
  }
  return rc;
}

// The built-in scenarios grouped by course chapter (sim/view/course_catalog.h);
// `--lang zh` prints the Chinese headings and titles.
int list(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  Lang lang = Lang::En;
  for (size_t i = 1; i < args.size(); ++i) {
    const bool lang_opt = args[i] == "--lang" && i + 1 < args.size();
    if (lang_opt && (args[i + 1] == "en" || args[i + 1] == "zh")) {
      lang = args[i + 1] == "zh" ? Lang::Zh : Lang::En;
      ++i;
    } else if (lang_opt) {
      err << "tcplab list: --lang must be en or zh, not '" << args[i + 1] << "'\n";
      return 2;
    } else {
      err << "tcplab list: unexpected '" << args[i] << "' (usage: tcplab list [--lang en|zh])\n";
      return 2;
    }
  }
  const std::string dir = scenarios_dir();
  const std::vector<CourseEntry> entries = read_course_catalog(dir);
  if (entries.empty()) {
    err << "tcplab list: no scenarios found in " << dir << "\n";
    return 1;
  }
  out << course_list_text(entries, lang);
  return 0;
}

}  // namespace

std::string scenarios_dir() {
  if (const char* env = std::getenv("TCPLAB_SCENARIOS")) return env;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (const fs::path& candidate : {exe.parent_path() / "scenarios", exe.parent_path().parent_path() / "scenarios"})
      if (fs::is_directory(candidate)) return candidate.string();
  }
  return std::string(TCPLAB_SOURCE_DIR) + "/scenarios";
}

std::optional<std::string> resolve_scenario(const std::string& arg) {
  std::error_code ec;
  if (fs::is_regular_file(arg, ec)) return arg;
  if (arg.find('/') == std::string::npos) {
    fs::path p = fs::path(scenarios_dir()) / (arg + ".toml");
    if (fs::is_regular_file(p, ec)) return p.string();
  }
  return std::nullopt;
}

std::string usage_text() {
  return R"(tcplab — an interactive teaching simulator of TCP/IP

usage:
  tcplab                         GUI on the default scenario (handshake)
  tcplab SCENARIO                GUI on a scenario (a path, or a name from `tcplab list`)
  tcplab run SCENARIO [options]  simulate without a display and print what happened
      --until DUR      stop time (default: the scenario's duration), e.g. 500ms, 3s
      --seed N         override the scenario's seed
      --format F       ladder (default, an ASCII sequence diagram) | table | jsonl
                       | none (print nothing: with --stats, the simulation's speed)
      --out FILE       write the trace there instead of stdout
      --pcap FILE      write every packet on every link as pcap (opens in Wireshark)
      --set KEY=VALUE  override a scenario value, e.g. --set link.loss=0.2
      --stats          print events, simulated and wall time, and peak memory on stderr
  tcplab check FILE...           validate scenario files (errors as FILE:LINE:COL: message)
  tcplab list [--lang en|zh]     built-in scenarios by course chapter, with their titles
  tcplab live …                  the same on the real Linux kernel (tcplab live --help)
  tcplab --help | --version
  (the GUI's own options: see below)

exit codes: 0 success, 1 runtime failure, 2 bad input
)";
}

std::optional<int> cli_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty()) return std::nullopt;
  const std::string& cmd = args[0];
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    out << usage_text() << "\n" << gui_usage_text();
    return 0;
  }
  if (cmd == "--version") {
    out << "tcplab " << TCPLAB_VERSION << "\n";
    return 0;
  }
  if (cmd == "run") return parse_run(args, out, err);
  if (cmd == "check") return check(args, out, err);
  if (cmd == "list") return list(args, out, err);
  if (cmd == "live") return live_main(args, out, err);
  if (is_gui_option(cmd)) return std::nullopt;  // `tcplab --present …`: the GUI parses it
  if (cmd.size() > 1 && cmd[0] == '-') {
    err << "tcplab: unknown option '" << cmd << "'" << did_you_mean(cmd, {"--help", "--version"})
        << "\nTry 'tcplab --help'.\n";
    return 2;
  }
  if (!resolve_scenario(cmd)) {
    err << "tcplab: unknown command or scenario '" << cmd << "'"
        << did_you_mean(cmd, {"run", "check", "list", "live"}) << "\nTry 'tcplab --help'.\n";
    return 2;
  }
  return std::nullopt;  // a scenario for the GUI
}

}  // namespace tcplab
