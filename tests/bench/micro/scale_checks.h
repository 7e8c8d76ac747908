// The scale checks of issue 6, run by tcplab_scale_bench (scale_main.cpp). Each prints its
// figures next to their targets with PASS or MISS; none fails the program: it is a
// benchmark on a shared machine, not a test.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace tcplab::bench {

struct ScaleOptions {
  int connections = 100'000;  // check "connections"
  int clients = 100;          // client hosts the connections come from
  int rounds = 5;             // repetitions of timed runs (medians are printed)
};

// One line: "  NAME   VALUE UNIT   target <= T UNIT   PASS".
void print_figure(const std::string& name, double value, const std::string& unit, double target,
                  bool lower_is_better = true);
// One line of context without a target.
void print_info(const std::string& name, const std::string& text);

double median(std::vector<double> v);
double wall_seconds();  // a monotonic clock
long peak_rss_kib();    // this process's high-water mark (getrusage)

// (a) 100,000 concurrent established TCP connections in one world: peak memory, set-up time.
void check_connections(const ScaleOptions& o);
// (b) copying a 1,000-host world (a Session snapshot): ms per copy.
void check_snapshot(const ScaleOptions& o);
// (c) the cost of recording the full trace on a busy scenario.
void check_trace_overhead(const ScaleOptions& o);
// (d) re-simulating the default lesson from 0 to points of its timeline (the GUI after an
// intervention).
void check_resimulate(const ScaleOptions& o);

}  // namespace tcplab::bench
