// The time-travel benchmark (issue 4 "Performance": a step back anywhere in a 60 s
// simulated run ≤ 50 ms): `tcplab tests/bench/gui-step-back-60s.toml --bench-step-back 50`.
// GL-free (Session only), so it needs no display. Seeks go to random earlier times in
// falling order, so each one is a real step back (restore the nearest snapshot, replay) and
// no forward replay of the whole run sits between them.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <random>

#include "render/app.h"
#include "sim/cli/cli.h"

namespace tcplab::ui {
namespace {

struct Stats {
  double median = 0, max = 0;
};

Stats stats(std::vector<double> v) {
  if (v.empty()) return {};
  std::sort(v.begin(), v.end());
  return {v[v.size() / 2], v.back()};
}

}  // namespace

int bench_step_back(const GuiOptions& opt) {
  auto path = resolve_scenario(opt.scenario);
  std::vector<std::string> errors;
  auto s = path ? Session::open_file(*path, &errors) : std::nullopt;
  if (!s) {
    for (const std::string& e : errors) std::cerr << e << "\n";
    if (!path) std::cerr << "tcplab: no scenario '" << opt.scenario << "'\n";
    return 2;
  }
  using clock = std::chrono::steady_clock;
  auto ms_since = [](clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(clock::now() - t0).count();
  };
  const Time end = opt.at.value_or(s->scenario().duration);
  const auto t0 = clock::now();
  s->seek(end);
  const double run_ms = ms_since(t0);
  std::printf("%s: simulated %s, %zu trace events, %zu packets in flight at the end, run in %.0f ms, %zu snapshots\n",
              opt.scenario.c_str(), format_duration(end).c_str(), s->trace().size(), s->world().in_flight().size(),
              run_ms, s->snapshot_count());

  std::mt19937_64 rng(opt.monkey_seed);
  auto random_times = [&](int n) {
    std::vector<Time> t(static_cast<size_t>(n));
    for (Time& x : t) x = std::uniform_int_distribution<Time>(0, end - 1)(rng);
    std::sort(t.rbegin(), t.rend());
    return t;
  };
  const int n = opt.bench_step_back;

  std::vector<double> seek_ms;
  for (Time t : random_times(n)) {
    const auto a = clock::now();
    s->seek(t);
    seek_ms.push_back(ms_since(a));
  }
  const Stats seek = stats(seek_ms);
  std::printf("seek back to a random earlier time (%d): median %.2f ms  max %.2f ms\n", n, seek.median, seek.max);

  s->seek(end);
  for (auto [unit, name] : {std::pair{StepUnit::Event, "event"}, std::pair{StepUnit::Packet, "packet"},
                            std::pair{StepUnit::StateChange, "state change"}}) {
    std::vector<double> step_ms;
    for (Time t : random_times(n)) {
      s->seek(t);  // not timed: the cursor goes back, nearer to 0 each time
      const auto a = clock::now();
      s->step_back(unit);
      step_ms.push_back(ms_since(a));
    }
    const Stats st = stats(step_ms);
    std::printf("step back one %s from a random time (%d): median %.2f ms  max %.2f ms\n", name, n, st.median, st.max);
  }
  return 0;
}

}  // namespace tcplab::ui
