// (b) A snapshot of a 1,000-host world (issue 6: <= 5 ms). A snapshot is a copy of the
// World (DESIGN.md principle 2; Session::maybe_snapshot). The world is issue 6's "many
// hosts" shape (bench_worlds.h), copied at time 0 and after 2 s of every host pinging the
// server, when ARP caches, MAC tables, ping programs and timers are filled in.
#include <cstdio>
#include <vector>

#include "tests/bench/micro/bench_worlds.h"
#include "tests/bench/micro/scale_checks.h"

namespace tcplab::bench {
namespace {

double ms_per_copy(const World& w, int copies) {
  std::vector<double> ms;
  for (int i = 0; i < copies; ++i) {
    const double t0 = wall_seconds();
    World copy = w;
    const double t1 = wall_seconds();
    ms.push_back((t1 - t0) * 1e3);
    if (copy.now() != w.now()) std::printf("  (copy differs)\n");
  }
  return median(ms);
}

}  // namespace

void check_snapshot(const ScaleOptions& o) {
  const int copies = 20 * o.rounds;
  for (Time at : {Time(0), 2 * kSec}) {
    const World w = many_hosts_world(at);
    char name[96];
    std::snprintf(name, sizeof name, "copy, %zu nodes at %s (median ms)", w.nodes().size(),
                  format_duration(at).c_str());
    print_figure(name, ms_per_copy(w, copies), "ms", 5.0);
  }
}

}  // namespace tcplab::bench
