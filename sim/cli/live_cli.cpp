// `tcplab live run|compare` here; `connect|listen|udp` in sim/live/talk.cpp.
#include "sim/cli/live_cli.h"

#include <unistd.h>

#include <fstream>
#include <optional>
#include <sstream>

#include "sim/cli/cli.h"
#include "sim/core/edit_distance.h"
#include "sim/live/compare.h"
#include "sim/live/live_run.h"
#include "sim/live/netns.h"
#include "sim/live/talk.h"
#include "sim/net/world.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/trace/jsonl.h"
#include "sim/trace/ladder.h"
#include "sim/trace/pcap_writer.h"
#include "sim/trace/table.h"

namespace tcplab {
namespace {

struct LiveRunArgs {
  std::string scenario;
  live::LiveOptions live;
  std::string format = "ladder";
  std::optional<std::string> out_path, pcap_path;
  std::vector<std::string> sets;
};

std::string self_path() {
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, size_t(n)) : "tcplab";
}

// Parses `live run|compare SCENARIO [options]`; returns 0 to go on, else an exit code.
int parse_args(const std::vector<std::string>& args, bool compare, LiveRunArgs& a, std::ostream& err) {
  const std::string cmd = "tcplab live " + args[1];
  std::vector<std::string> flags = {"--level", "--until", "--kernel", "--set"};
  if (!compare) flags.insert(flags.end(), {"--format", "--out", "--pcap"});
  for (size_t i = 2; i < args.size(); ++i) {
    const std::string& o = args[i];
    auto value = [&](std::string& v) {
      if (i + 1 >= args.size()) {
        err << cmd << ": option " << o << " needs a value\n";
        return false;
      }
      v = args[++i];
      return true;
    };
    std::string v;
    if (o == "--level") {
      if (!value(v)) return 2;
      if (v != "1" && v != "2" && v != "3") {
        err << cmd << ": --level is 1, 2 or 3, not '" << v << "'\n";
        return 2;
      }
      a.live.level = v[0] - '0';
    } else if (o == "--until") {
      if (!value(v)) return 2;
      std::string e;
      a.live.until = parse_duration(v, &e);
      if (!a.live.until) {
        err << cmd << ": --until: " << e << "\n";
        return 2;
      }
    } else if (o == "--kernel") {
      if (!value(v)) return 2;
      a.live.kernel_nodes.push_back(v);
    } else if (o == "--set") {
      if (!value(v)) return 2;
      if (v.find('=') == std::string::npos) {
        err << cmd << ": --set needs KEY=VALUE, e.g. --set link.loss=0.2\n";
        return 2;
      }
      a.sets.push_back(v);
    } else if (!compare && o == "--format") {
      if (!value(v)) return 2;
      if (v != "ladder" && v != "table" && v != "jsonl") {
        err << cmd << ": unknown format '" << v << "' (expected ladder, table or jsonl)\n";
        return 2;
      }
      a.format = v;
    } else if (!compare && o == "--out") {
      if (!value(v)) return 2;
      a.out_path = v;
    } else if (!compare && o == "--pcap") {
      if (!value(v)) return 2;
      a.pcap_path = v;
    } else if (o.size() > 1 && o[0] == '-') {
      err << cmd << ": unknown option '" << o << "'" << did_you_mean(o, flags) << "\n";
      return 2;
    } else if (a.scenario.empty()) {
      a.scenario = o;
    } else {
      err << cmd << ": one scenario at a time ('" << a.scenario << "' and '" << o << "')\n";
      return 2;
    }
  }
  if (a.scenario.empty()) {
    err << cmd << ": which scenario? usage: " << cmd << " SCENARIO [options]\n";
    return 2;
  }
  a.live.binary = self_path();
  return 0;
}

std::optional<Scenario> load(const LiveRunArgs& a, const std::string& cmd, std::ostream& err) {
  auto path = resolve_scenario(a.scenario);
  if (!path) {
    err << cmd << ": no scenario '" << a.scenario << "' (not a file, nor a name from `tcplab list`)\n";
    return std::nullopt;
  }
  LoadResult lr = load_scenario_file(*path, a.sets);
  if (!lr.scenario) {
    for (const LoadError& e : lr.errors) err << e.format() << "\n";
    return std::nullopt;
  }
  return std::move(*lr.scenario);
}

void print_info(const live::LiveInfo& info, std::ostream& err) {
  err << "live: " << info.level_why << "\n";
  for (const std::string& n : info.notices) err << "live: " << n << "\n";
}

int stopped_code() {
  const int sig = live::stop_signal();
  return sig ? 128 + sig : 0;
}

std::string format_events(const std::vector<TraceEvent>& events, const TraceContext& ctx, const std::string& format) {
  if (format == "ladder") return render_ladder(events, ctx);
  std::ostringstream s;
  if (format == "jsonl") {
    JsonlWriter w(s, ctx);
    for (const TraceEvent& e : events) w.write(e);
  } else {
    TableWriter w(s, ctx);
    for (const TraceEvent& e : events) w.write(e);
  }
  return s.str();
}

int live_run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  LiveRunArgs a;
  if (int rc = parse_args(args, false, a, err)) return rc;
  auto sc = load(a, "tcplab live run", err);
  if (!sc) return 2;
  std::optional<std::ofstream> file;
  if (a.out_path) {
    file.emplace(*a.out_path, std::ios::binary);
    if (!*file) {
      err << "tcplab live run: cannot write " << *a.out_path << "\n";
      return 1;
    }
  }
  live::install_cleanup_handlers();
  std::string error;
  auto trace = live::run_live(*sc, a.live, error);
  if (!trace) {
    err << "tcplab live run: " << error << "\n";
    return 1;
  }
  std::ostream& sink = file ? *file : out;
  sink << format_events(trace->events, trace->ctx, a.format);
  sink.flush();
  if (a.pcap_path && !write_pcap_file(*a.pcap_path, trace->events, error)) {
    err << "tcplab live run: " << error << "\n";
    return 1;
  }
  print_info(trace->info, err);
  if (int rc = stopped_code()) return rc;
  return 0;
}

int live_compare(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  LiveRunArgs a;
  if (int rc = parse_args(args, true, a, err)) return rc;
  auto sc = load(a, "tcplab live compare", err);
  if (!sc) return 2;
  const Time until = a.live.until.value_or(sc->duration);
  World world = World::from_scenario(*sc);
  world.run_until(until);
  const std::vector<TraceEvent> sim = world.take_trace();
  live::install_cleanup_handlers();
  std::string error;
  auto kernel = live::run_live(*sc, a.live, error);
  if (!kernel) {
    err << "tcplab live compare: " << error << "\n";
    return 1;
  }
  if (int rc = stopped_code()) return rc;
  const live::CompareResult r = live::compare_runs(world.trace_context(), sim, *kernel);
  out << r.report;
  return r.states_agree ? 0 : 1;
}

}  // namespace

std::string live_usage_text() {
  return R"(live mode: the same scenario on the real Linux kernel
  tcplab live run SCENARIO [options]      run the scenario's steps on real sockets; print the trace
      --level 1|2|3    1 sockets on 127.0.0.1 (no privilege), 2 + segments captured on lo
                       (CAP_NET_RAW), 3 each host in a network namespace with tcplab as the wire
                       (CAP_NET_ADMIN); default: the highest this process may use
      --format F       ladder (default) | table | jsonl
      --out FILE       write the trace there;  --pcap FILE  the frames as pcap
      --until DUR      stop time (default: the scenario's duration)
      --kernel NODE    level 3: realise this host (repeatable; default: hosts marked
                       kernel = true, else every host with steps); the others stay simulated
      --set KEY=VALUE  override a scenario value
  tcplab live compare SCENARIO [--level N] [--until DUR]
                                          the simulation and the kernel side by side, and a
                                          diff; exit 0 when the TCP state sequences agree
)" + live::usage_live_talk();
}

int live_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.size() < 2 || args[1] == "--help" || args[1] == "-h") {
    (args.size() < 2 ? err : out) << live_usage_text();
    return args.size() < 2 ? 2 : 0;
  }
  const std::string& sub = args[1];
  if (sub == "run") return live_run(args, out, err);
  if (sub == "compare") return live_compare(args, out, err);
  if (sub == "connect" || sub == "listen" || sub == "udp") {
    live::install_cleanup_handlers();
    const int rc = live::live_talk(std::vector<std::string>(args.begin() + 1, args.end()), out, err);
    if (int s = stopped_code()) return s;
    return rc;
  }
  err << "tcplab live: unknown command '" << sub << "'"
      << did_you_mean(sub, {"run", "compare", "connect", "listen", "udp"}) << "\nTry 'tcplab live --help'.\n";
  return 2;
}

}  // namespace tcplab
