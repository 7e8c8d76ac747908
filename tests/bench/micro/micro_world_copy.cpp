// Copying the world (DESIGN.md principle 2: a copy is a snapshot; the Session keeps up to
// 64 of them for stepping back). The 1,000-host world of issue 6 (1,012 nodes: 1,000 hosts
// on 10 switched subnets, a router, a server), at time 0 and after 2 s of every host
// pinging the server (ARP caches, MAC tables, ping programs and their timers filled in).
// The scale check prints the same figure against its target (tcplab_scale_bench).
#include <benchmark/benchmark.h>

#include "tests/bench/micro/bench_worlds.h"

namespace tcplab {
namespace {

void BM_WorldCopy(benchmark::State& state) {
  const World w = bench::many_hosts_world(state.range(0) * kSec);
  for (auto _ : state) {
    World copy = w;
    benchmark::DoNotOptimize(copy);
  }
  state.counters["nodes"] = static_cast<double>(w.nodes().size());
  state.SetLabel(state.range(0) == 0 ? "1,000 hosts at 0 s" : "1,000 hosts after 2 s of pings");
}
BENCHMARK(BM_WorldCopy)->Name("WorldCopy")->Arg(0)->Arg(2)->Unit(benchmark::kMillisecond);

// Copy-assignment into an existing world, as Session::seek restores a snapshot.
void BM_WorldAssign(benchmark::State& state) {
  const World w = bench::many_hosts_world(2 * kSec);
  World target = w;
  for (auto _ : state) {
    target = w;
    benchmark::DoNotOptimize(target);
  }
}
BENCHMARK(BM_WorldAssign)->Name("WorldAssign")->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tcplab
