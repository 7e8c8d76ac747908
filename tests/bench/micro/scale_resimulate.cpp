// (d) GUI-facing: re-simulating the default lesson from 0 to a point of its timeline
// (issue 6: <= 10 ms). `tcplab` with no argument opens scenarios/handshake.toml. An
// intervention (a typed command, a dropped packet) makes the Session rebuild the world from
// time 0 and run it back to the cursor (Session::rebuild); clear_interventions() is that
// same rebuild with nothing to add, so it is what is timed here, through the Session the
// GUI uses, at cursors spread over the lesson and a little past its end.
// Every other lesson of scenarios/ is then timed at its end, for information.
#include <dirent.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "sim/session/session.h"
#include "tests/bench/micro/scale_checks.h"

namespace tcplab::bench {
namespace {

std::string scenarios_dir() { return std::string(TCPLAB_SOURCE_DIR) + "/scenarios/"; }

std::optional<Session> open_or_report(const std::string& path) {
  std::vector<std::string> errors;
  auto s = Session::open_file(path, &errors);
  if (!s)
    for (const std::string& e : errors) std::printf("  %s\n", e.c_str());
  return s;
}

// Median ms of a rebuild from 0 to `at`.
double resimulate_ms(Session& s, Time at, int repeats) {
  s.seek(at);
  std::vector<double> ms;
  for (int i = 0; i < repeats; ++i) {
    const double t0 = wall_seconds();
    s.clear_interventions();
    ms.push_back((wall_seconds() - t0) * 1e3);
  }
  return median(ms);
}

std::vector<std::string> lesson_files() {
  std::vector<std::string> out;
  if (DIR* d = opendir(scenarios_dir().c_str())) {
    while (dirent* e = readdir(d)) {
      const std::string n = e->d_name;
      if (n.size() > 5 && n.compare(n.size() - 5, 5, ".toml") == 0) out.push_back(n);
    }
    closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

void check_resimulate(const ScaleOptions& o) {
  const int repeats = 10 * o.rounds;
  auto s = open_or_report(scenarios_dir() + "handshake.toml");
  if (!s) return;
  const Time end = s->end();
  double worst = 0;
  Time worst_at = 0;
  char name[96];
  for (int k = 0; k <= 10; ++k) {
    const Time at = end * k / 10;
    const double ms = resimulate_ms(*s, at, repeats);
    std::snprintf(name, sizeof name, "handshake, 0 -> %s (median ms)", format_duration(at).c_str());
    print_figure(name, ms, "ms", 10.0);
    if (ms > worst) worst = ms, worst_at = at;
  }
  // Past the end: a student who plays on (e.g. to see TIME_WAIT expire after 60 s).
  for (Time at : {5 * kSec, 61 * kSec}) {
    const double ms = resimulate_ms(*s, at, repeats);
    std::snprintf(name, sizeof name, "handshake, 0 -> %s (median ms)", format_duration(at).c_str());
    print_figure(name, ms, "ms", 10.0);
    if (ms > worst) worst = ms, worst_at = at;
  }
  std::snprintf(name, sizeof name, "worst: %.2f ms at %s", worst, format_duration(worst_at).c_str());
  print_info("handshake", name);
  // That the rebuild really simulates: what it recorded up to the lesson's end.
  s->seek(end);
  s->clear_interventions();
  std::snprintf(name, sizeof name, "%zu trace events, %llu world events to %s", s->trace().size(),
                static_cast<unsigned long long>(s->world().events_executed()), format_duration(end).c_str());
  print_info("one re-simulation", name);

  // Every lesson at its end (information: the target names the default lesson).
  std::printf("  every lesson, 0 -> its end (median ms):\n");
  for (const std::string& f : lesson_files()) {
    auto l = open_or_report(scenarios_dir() + f);
    if (!l) continue;
    const Time lend = l->end();
    const double ms = resimulate_ms(*l, lend, std::max(3, o.rounds));
    std::printf("    %-28s %8s  %9.2f ms  %s\n", f.c_str(), format_duration(lend).c_str(), ms,
                ms <= 10.0 ? "" : "(over 10 ms)");
  }
  std::fflush(stdout);
}

}  // namespace tcplab::bench
