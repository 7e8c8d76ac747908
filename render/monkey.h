// The monkey (`tcplab SCENARIO --monkey DUR [--monkey-seed N]`, issue 4 "Tests"): random
// clicks, drags, right-clicks, wheel turns, keys and typing fed to ImGui for DUR of wall
// time, plus now and then an intent a student could cause (seek, step back, drop a packet in
// flight, a console command, another lesson, language, presentation, scale). A student may
// click anything at any time: the run must end with exit 0 and no ImGui assertion.
// Deterministic in its choices for a seed (what it hits still depends on frame timing).
#pragma once
#include <cstdint>
#include <random>
#include <string>

#include "render/dialogs.h"
#include "render/script_input.h"

namespace tcplab::ui {

class Monkey {
 public:
  Monkey(uint64_t seed, double seconds) : rng_(seed), seconds_(seconds) {}
  // Before ImGui::NewFrame(); `wall` is seconds since the app started.
  void before_frame(ImGuiIO& io, const Session& s, const UiState& ui, const ScenarioCatalog& catalog, double wall,
                    FrameRequests& req);
  std::string summary() const;  // what it did, for stdout

 private:
  double uniform(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng_); }
  size_t pick(size_t n) { return n == 0 ? 0 : std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  bool chance(double p) { return uniform(0, 1) < p; }
  void random_point(const ImGuiIO& io, float& x, float& y);
  void press_key(ImGuiIO& io);
  bool random_intent(const Session& s, const ScenarioCatalog& catalog, Intent& out);

  std::mt19937_64 rng_;
  double seconds_;
  double start_ = -1;
  SyntheticInput in_;
  // A gesture in progress: frames left, and where a drag goes.
  int gesture_frames_ = 0;
  int gesture_button_ = 0;
  float drag_dx_ = 0, drag_dy_ = 0;
  struct Counts {
    long frames = 0, moves = 0, clicks = 0, right_clicks = 0, drags = 0, wheels = 0, keys = 0, typed = 0,
         intents = 0;
  } n_;
};

}  // namespace tcplab::ui
