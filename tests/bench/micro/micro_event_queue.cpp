// The event queue (sim/core/event_queue.h) as the world uses it: EventQueue<Event> with
// the world's own event variant, so that the cost of moving an Event is included.
//   EventQueue/Hold/N   the classic "hold" model of a discrete-event simulator: N events
//                       pending, each iteration pops the earliest and schedules one later
//   EventQueue/FillDrain/N  N schedules then N pops (a burst, e.g. time-0 steps)
//   TimerCancel/N       N TCP sockets re-arming their RTO timer (cancel + schedule, the
//                       pattern of every ACK that advances SND.UNA), with the clock moving
//                       so that cancelled entries reach the top and are skipped
#include <benchmark/benchmark.h>

#include <vector>

#include "sim/core/event_queue.h"
#include "sim/core/rng.h"
#include "sim/net/world.h"

namespace tcplab {
namespace {

Event timer_event(int32_t sock) { return EvTcpTimer{0, sock, TcpTimerKind::Rto}; }

void BM_EventQueue_Hold(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  EventQueue<Event> q;
  Rng rng(1);
  for (int i = 0; i < n; ++i) q.schedule(Time(rng.uniform(0, 10 * kMs)), timer_event(i));
  for (auto _ : state) {
    auto e = q.pop();
    benchmark::DoNotOptimize(e);
    q.schedule(e->at + Time(rng.uniform(1, 10 * kMs)), std::move(e->payload));
  }
  state.SetItemsProcessed(state.iterations());  // one pop + one schedule each
}
BENCHMARK(BM_EventQueue_Hold)->Name("EventQueue/Hold")->RangeMultiplier(10)->Range(10, 1'000'000);

void BM_EventQueue_FillDrain(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  Rng rng(1);
  std::vector<Time> times(static_cast<size_t>(n));
  for (Time& t : times) t = Time(rng.uniform(0, kSec));
  for (auto _ : state) {
    EventQueue<Event> q;
    for (int i = 0; i < n; ++i) q.schedule(times[static_cast<size_t>(i)], timer_event(i));
    while (auto e = q.pop()) benchmark::DoNotOptimize(e);
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_EventQueue_FillDrain)->Name("EventQueue/FillDrain")->RangeMultiplier(10)->Range(100, 100'000);

// A frame-carrying event (EvFrameArrives with a full 1514-byte frame): the payload moves
// through the heap, the bytes do not.
void BM_EventQueue_HoldFrames(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  EventQueue<Event> q;
  Rng rng(1);
  for (int i = 0; i < n; ++i) {
    EvFrameArrives a{0, 0, QueuedFrame{uint64_t(i), wire::Bytes(1514, 0x55), false, false}, false};
    q.schedule(Time(rng.uniform(0, 10 * kMs)), std::move(a));
  }
  for (auto _ : state) {
    auto e = q.pop();
    benchmark::DoNotOptimize(e);
    q.schedule(e->at + Time(rng.uniform(1, 10 * kMs)), std::move(e->payload));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EventQueue_HoldFrames)->Name("EventQueue/HoldFrames")->RangeMultiplier(10)->Range(100, 100'000);

void BM_TimerCancel(benchmark::State& state) {
  const int sockets = static_cast<int>(state.range(0));
  constexpr Time kRto = 200 * kMs;
  EventQueue<Event> q;
  std::vector<EventId> armed(static_cast<size_t>(sockets));
  Time now = 0;
  for (int i = 0; i < sockets; ++i) armed[static_cast<size_t>(i)] = q.schedule(now + kRto, timer_event(i));
  // Each socket is ACKed about every 10 ms, so an RTO of 200 ms never fires: every armed
  // timer is cancelled, and the cancelled entries are dropped as time passes them.
  const Time tick = 10 * kMs / sockets > 0 ? 10 * kMs / sockets : 1;
  size_t i = 0;
  for (auto _ : state) {
    now += tick;
    q.cancel(armed[i]);
    armed[i] = q.schedule(now + kRto, timer_event(static_cast<int32_t>(i)));
    if (++i == armed.size()) i = 0;
    while (auto t = q.next_time()) {  // drops the cancelled entries now at the top
      if (*t > now) break;
      benchmark::DoNotOptimize(q.pop());
    }
  }
  state.SetItemsProcessed(state.iterations());  // one cancel + one schedule each
  state.counters["heap"] = static_cast<double>(q.size_including_cancelled());
}
BENCHMARK(BM_TimerCancel)->Name("TimerCancel")->RangeMultiplier(10)->Range(10, 100'000);

}  // namespace
}  // namespace tcplab
