// The GUI's Live mode without graphics (issue 5 "GUI"): what the panels, the side-by-side
// ladder and the badge read while a scenario runs on the real kernel.
//
//  - kernel():     a Session in live mode (session.h): the kernel's trace as the run hands
//                  it over, the scenario's world at time 0 around it. Every view reads it
//                  exactly as it reads a simulation.
//  - simulation(): a normal Session of the same scenario, kept at the kernel's cursor, for
//                  the side-by-side ladder (the simulator's TCP beside Linux's).
//  - status() and info(): the badge ("LIVE · level 2 · CAP_NET_RAW held") and its tooltip.
//
// The run itself lives on another thread (live_worker.h); it hands over LiveBatch values,
// which feed() applies between frames. Tests feed batches directly.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/live/live_trace.h"
#include "sim/session/session.h"

namespace tcplab {

// One hand-over from the live thread to the UI thread.
struct LiveBatch {
  struct Started {
    TraceContext ctx;
    live::LiveInfo info;
    Time end = 0;
  };
  std::optional<Started> started;      // the run is prepared (the first batch of a run)
  std::string error;                   // it could not start: nothing else follows
  std::vector<TraceEvent> events;      // new events, in time order
  std::optional<live::LiveInfo> info;  // the run's facts, when they changed
  std::vector<std::string> notices;    // answers to the UI's requests (a refused drop)
  Time now = 0;                        // the run's clock at the hand-over
  bool over = false;                   // the run ended and what it created in the kernel is gone
};

// Appends `later` to `b` (the worker collects batches until the UI takes them).
void merge_batch(LiveBatch& b, LiveBatch later);

enum class LiveStatus : uint8_t {
  Starting,  // the thread prepares the run (level 3: namespaces and TAP devices)
  Running,
  Finished,  // ran to its end
  Stopped,   // the user stopped it (or SIGINT)
  Failed,    // could not start: error()
};

class LiveSession {
 public:
  // The scenario of `sim` (its file, or its text when it has none), opened twice: as the
  // live session and as the simulation beside it. nullopt with `errors` when it no longer
  // loads. `level` is what the user asked for (0: the highest available).
  static std::optional<LiveSession> open(const Session& sim, int level, std::vector<std::string>* errors);

  // Applies what the run handed over: the start, new events, how far the run got, the end.
  void feed(LiveBatch b);
  // The user asked the run to stop: the end it reports counts as Stopped, not Finished.
  void stop_requested() { stop_requested_ = true; }
  // Moves the simulation to the kernel's cursor (each frame, before drawing).
  void sync_simulation();

  const Session& kernel() const { return *kernel_; }
  Session& kernel() { return *kernel_; }
  const Session& simulation() const { return *sim_; }
  Session& simulation() { return *sim_; }

  LiveStatus status() const { return status_; }
  bool running() const { return status_ == LiveStatus::Starting || status_ == LiveStatus::Running; }
  const live::LiveInfo& info() const { return info_; }
  const std::string& error() const { return error_; }
  int requested_level() const { return requested_level_; }
  // The run's clock as last reported (the badge's "0.42 s of 1 s").
  Time run_now() const { return run_now_; }
  Time run_end() const { return run_end_; }
  // The notices of the run's answers since the last call (for the status bar).
  std::vector<std::string> take_notices();

  // The badge's second part: "CAP_NET_RAW held" from "level 2: CAP_NET_RAW held" (the
  // level is shown on its own); the whole line when it does not start that way.
  std::string level_reason() const;

 private:
  LiveSession() = default;
  std::optional<Session> kernel_, sim_;
  live::LiveInfo info_;
  LiveStatus status_ = LiveStatus::Starting;
  std::string error_;
  std::vector<std::string> notices_;
  int requested_level_ = 0;
  bool stop_requested_ = false;
  Time run_now_ = 0, run_end_ = 0;
};

// How far behind the run's clock the cursor stays while following: the run hands out a
// frame captured on `lo` up to 30 ms late (live_run.cpp's capture slack), and a frame that
// arrives behind the cursor makes every view read the trace anew.
constexpr Time kLiveFollowLag = 50 * kMs;

// Level 3: the [[fault]] that drops the next frame like the one the user clicked (the
// clicked one has already gone by in a live run): from the same sender to the same
// receiver, same protocol and ports, same TCP flags, with or without data like it. The
// rule applies to what `tx`'s node sends (FaultSpec::node). nullopt for a frame that is
// not IPv4.
std::optional<FaultSpec> live_drop_like(const TraceEvent& tx, FaultAction action = FaultAction::Drop);

}  // namespace tcplab
