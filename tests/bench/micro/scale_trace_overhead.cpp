// (c) What recording the full trace costs (issue 6: <= 30 % over running without it), on
// tests/bench/bulk-100-flows.toml (100 bulk TCP flows, 10 simulated seconds: busy).
//
// The world always builds its trace events (World::emit, emit_packet copy each frame into
// its event); sim/ has no switch to stop that. So the two runs compared here are:
//   dropped   every event's trace is taken from the world and thrown away at once
//   recorded  it is kept, moved onto the end of one vector, as Session::record does
// and the overhead printed is what keeping the trace costs on top of building it. What
// building it costs is not measurable from outside sim/ (see README-section.md: the hook
// that would be needed is a World switch that makes emit a no-op).
// The two runs alternate (A B A B …) so that a slower moment of a shared machine falls on both.
#include <cstdio>
#include <iterator>
#include <string>
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

RunResult run(const Scenario& s, bool keep) {
  RunResult r;
  std::vector<TraceEvent> recorded;
  const double t0 = wall_seconds();
  World w = World::from_scenario(s);
  while (true) {
    const auto next = w.next_event_time();
    if (!next || *next > s.duration) break;
    w.step();
    std::vector<TraceEvent> ev = w.take_trace();
    if (keep) recorded.insert(recorded.end(), std::make_move_iterator(ev.begin()), std::make_move_iterator(ev.end()));
    else r.trace_events += ev.size();
  }
  r.seconds = wall_seconds() - t0;
  r.events = w.events_executed();
  if (keep) {
    r.trace_events = recorded.size();
    r.trace_bytes = recorded.capacity() * sizeof(TraceEvent);
    for (const TraceEvent& e : recorded)
      if (const auto* p = std::get_if<PacketEvent>(&e.data)) r.trace_bytes += p->frame.capacity();
  }
  return r;
}

}  // namespace

void check_trace_overhead(const ScaleOptions& o) {
  const std::string path = std::string(TCPLAB_SOURCE_DIR) + "/tests/bench/bulk-100-flows.toml";
  const Scenario s = load_file_or_die(path);
  std::vector<double> dropped, recorded;
  RunResult last_kept, last_dropped;
  for (int i = 0; i < o.rounds; ++i) {
    last_dropped = run(s, false);
    dropped.push_back(last_dropped.seconds);
    last_kept = run(s, true);
    recorded.push_back(last_kept.seconds);
  }
  const double a = median(dropped), b = median(recorded);
  char buf[200];
  std::snprintf(buf, sizeof buf, "bulk-100-flows, %llu events, %zu trace events (%.0f MiB kept)",
                static_cast<unsigned long long>(last_kept.events), last_kept.trace_events,
                last_kept.trace_bytes / 1048576.0);
  print_info("scenario", buf);
  std::snprintf(buf, sizeof buf, "%.3f s dropped, %.3f s recorded (medians of %d)", a, b, o.rounds);
  print_info("wall time", buf);
  print_figure("keeping the full trace (% over dropping it)", (b - a) / a * 100.0, "%", 30.0);
}

}  // namespace tcplab::bench
