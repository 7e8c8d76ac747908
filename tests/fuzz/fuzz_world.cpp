// Whole-stack fuzzing (issue 7): the input bytes become a small world and a timed sequence
// of console commands and [[fault]] interventions (tests/fuzz/world_from_bytes.h); the run
// is bounded in events and simulated time, and the world's invariants
// (sim/net/world_invariants.h) are checked after every event. A violation prints the
// invariant, the time, the node and socket, and a scenario that replays the run, then aborts.
#include <cstdio>
#include <cstdlib>

#include "tests/fuzz/world_from_bytes.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tcplab::fuzz::WorldPlan plan = tcplab::fuzz::plan_from_bytes(data, size);
  plan.max_events = 5000;
  plan.end = 30 * tcplab::kSec;
  const std::vector<std::string> violations = tcplab::fuzz::run_plan_checked(plan);
  if (violations.empty()) return 0;
  for (const std::string& v : violations) std::fprintf(stderr, "tcplab: %s\n", v.c_str());
  std::fprintf(stderr, "---- a scenario that replays it (tcplab run FILE):\n%s\n", plan.replay_toml().c_str());
  std::abort();
}
