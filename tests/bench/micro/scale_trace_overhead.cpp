// (c) What recording the full trace costs (issue 6: <= 30 % over running without it), on
// three busy scenarios, since the cost depends on what the trace holds:
//   bulk-100-flows   tests/bench/bulk-100-flows.toml: 100 bulk TCP flows, 10 simulated
//                    seconds; mostly full-size frames (their payload is most of the trace)
//   storm            tests/bench/short-10k-connections.toml: 10,000 short connections;
//                    handshakes, small segments, state and timer events
//   many-hosts       1,000 hosts pinging a server for 10 s (bench_worlds.h): small frames,
//                    ARP floods and app lines
//
// Three runs of the same world:
//   off       World::set_tracing(false): no trace event is built (tcplab run --format none)
//   dropped   every event's trace is built, taken from the world and thrown away at once
//   recorded  it is kept, moved onto the end of a TraceLog, as Session::record does
//             (World::take_trace_into; the dropped run reuses one vector, so that neither
//             allocates per step)
// The figure against the target is recorded over off; dropped shows how much of that is
// building the events and how much keeping them.
// The runs alternate (A B C A B C …) so that a slower moment of a shared machine falls on all.
// Each timed run is a process of its own (forked after the scenario is loaded), as a
// `tcplab run` or a GUI session is: run one after another in one process, a later run
// reused the memory an earlier one had already faulted in and freed, which hid most of
// what keeping the trace costs (bulk-100-flows: 58 % in one process, 85 % fresh).
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <type_traits>
#include <unordered_set>
#include <vector>

#include "tests/bench/micro/bench_worlds.h"
#include "tests/bench/micro/scale_checks.h"

namespace tcplab::bench {
namespace {

struct RunResult {
  double seconds = 0;
  uint64_t events = 0;
  size_t trace_events = 0;
  size_t trace_bytes = 0;  // the events and the frames they hold
};

enum class Tracing { Off, Dropped, Recorded };

RunResult run(const Scenario& s, Tracing mode) {
  RunResult r;
  const bool keep = mode == Tracing::Recorded;
  TraceLog recorded;
  std::vector<TraceEvent> dropped;  // emptied after every step: keeps its capacity
  const double t0 = wall_seconds();
  World w = World::from_scenario(s);
  if (mode == Tracing::Off) w.set_tracing(false);
  while (true) {
    const auto next = w.next_event_time();
    if (!next || *next > s.duration) break;
    w.step();
    if (keep) {
      w.take_trace_into(recorded);
    } else {
      w.take_trace_into(dropped);
      r.trace_events += dropped.size();
      dropped.clear();
    }
  }
  r.seconds = wall_seconds() - t0;
  r.events = w.events_executed();
  if (keep) {
    r.trace_events = recorded.size();
    const size_t chunks = (recorded.size() + TraceLog::kChunkEvents - 1) / TraceLog::kChunkEvents;
    r.trace_bytes = chunks * TraceLog::kChunkEvents * sizeof(TraceEvent);
    // A frame's bytes count once however many events share them (its tx, rx, drops).
    std::unordered_set<const uint8_t*> frames;
    for (const TraceEvent& e : recorded)
      if (const auto* p = e.get_if<PacketEvent>(); p && frames.insert(p->frame.data()).second)
        r.trace_bytes += p->frame.bytes().capacity();
  }
  return r;
}

// run() in a child process; its RunResult comes back through a pipe, byte for byte.
static_assert(std::is_trivially_copyable_v<RunResult>);
RunResult run_fresh(const Scenario& s, Tracing mode) {
  int fds[2];
  if (pipe(fds) != 0) {
    std::perror("pipe");
    std::exit(1);
  }
  const pid_t pid = fork();
  if (pid < 0) {
    std::perror("fork");
    std::exit(1);
  }
  if (pid == 0) {
    close(fds[0]);
    const RunResult r = run(s, mode);
    const bool sent = write(fds[1], &r, sizeof r) == static_cast<ssize_t>(sizeof r);
    _exit(sent ? 0 : 1);  // no destructors: the kept trace is the kernel's to free
  }
  close(fds[1]);
  RunResult r;
  const bool got = read(fds[0], &r, sizeof r) == static_cast<ssize_t>(sizeof r);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!got || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "a timed run of the trace check failed\n");
    std::exit(1);
  }
  return r;
}

}  // namespace

void check_trace_overhead(const ScaleOptions& o) {
  struct Workload {
    const char* name;
    Scenario scenario;
  };
  const std::string dir = std::string(TCPLAB_SOURCE_DIR) + "/tests/bench/";
  const Workload workloads[] = {
      {"bulk-100-flows", load_file_or_die(dir + "bulk-100-flows.toml")},
      {"storm", load_file_or_die(dir + "short-10k-connections.toml")},
      {"many-hosts", load_or_die(many_hosts_toml(1000, 10, 10 * kSec), "many-hosts")},
  };
  for (const Workload& wl : workloads) {
    std::vector<double> off, dropped, recorded;
    RunResult last_kept;
    for (int i = 0; i < o.rounds; ++i) {
      off.push_back(run_fresh(wl.scenario, Tracing::Off).seconds);
      dropped.push_back(run_fresh(wl.scenario, Tracing::Dropped).seconds);
      last_kept = run_fresh(wl.scenario, Tracing::Recorded);
      recorded.push_back(last_kept.seconds);
    }
    const double a = median(off), d = median(dropped), b = median(recorded);
    char buf[200];
    std::snprintf(buf, sizeof buf, "%s, %llu events, %zu trace events (%.0f MiB kept)", wl.name,
                  static_cast<unsigned long long>(last_kept.events), last_kept.trace_events,
                  last_kept.trace_bytes / 1048576.0);
    print_info("scenario", buf);
    std::snprintf(buf, sizeof buf, "%.3f s off, %.3f s built and dropped, %.3f s recorded (medians of %d)", a,
                  d, b, o.rounds);
    print_info("wall time", buf);
    print_figure(std::string(wl.name) + ": recorded, % over off", (b - a) / a * 100.0, "%", 30.0);
  }
}

}  // namespace tcplab::bench
