// Appending to the trace (DESIGN.md principle 4): what World::emit_packet costs for every
// tx / rx / drop (it copies the frame's bytes into the event), what a state change and a
// line of program output cost, and the Session's recording step (Session::record moves the
// world's new events onto the end of the whole run's trace).
#include <benchmark/benchmark.h>

#include <vector>

#include "tests/bench/micro/bench_worlds.h"

namespace tcplab {
namespace {

constexpr size_t kTakeEvery = 4096;  // keeps the world's pending trace bounded, as a Session does

World small_world() {
  return World::from_scenario(bench::load_file_or_die(std::string(TCPLAB_SOURCE_DIR) + "/scenarios/handshake.toml"));
}

void BM_Trace_EmitPacket(benchmark::State& state) {
  World w = small_world();
  const wire::Bytes frame(static_cast<size_t>(state.range(0)), 0x5a);
  uint64_t id = 0;
  for (auto _ : state) {
    w.emit_packet(EvKind::Tx, 0, 0, ++id, frame);
    if (id % kTakeEvery == 0) benchmark::DoNotOptimize(w.take_trace());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Trace_EmitPacket)->Name("Trace/EmitPacket")->Arg(60)->Arg(1514);

void BM_Trace_EmitState(benchmark::State& state) {
  World w = small_world();
  uint64_t n = 0;
  for (auto _ : state) {
    TraceEvent e;
    e.ev = EvKind::State;
    e.node = 0;
    e.data = StateEvent{"s1", "client", "192.168.1.10:40000", "192.168.1.20:2000", "SYN_SENT", "ESTABLISHED",
                        "SYN-ACK received (RFC 9293 §3.10.7.3)"};
    w.emit(std::move(e));
    if (++n % kTakeEvery == 0) benchmark::DoNotOptimize(w.take_trace());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Trace_EmitState)->Name("Trace/EmitState");

void BM_Trace_Print(benchmark::State& state) {
  World w = small_world();
  uint64_t n = 0;
  for (auto _ : state) {
    w.print(0, "64 bytes from 10.0.200.10: icmp_seq=1 ttl=63 time=4.02 ms");
    if (++n % kTakeEvery == 0) benchmark::DoNotOptimize(w.take_trace());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Trace_Print)->Name("Trace/EmitApp");

// emit_packet of a 1514-byte frame, then recorded the way Session::record keeps it: taken
// after every event (here every 4 emits, about what one event of a bulk transfer emits)
// and moved onto the end of the run's TraceLog, which only grows.
void BM_Trace_Record(benchmark::State& state) {
  World w = small_world();
  const wire::Bytes frame(1514, 0x5a);
  TraceLog recorded;
  uint64_t id = 0;
  for (auto _ : state) {
    w.emit_packet(EvKind::Tx, 0, 0, ++id, frame);
    if (id % 4 == 0) w.take_trace_into(recorded);
    if (recorded.size() >= 200'000) {  // ~300 MB: start a new run's trace
      state.PauseTiming();
      recorded.clear();
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Trace_Record)->Name("Trace/EmitAndRecord1514");

}  // namespace
}  // namespace tcplab
