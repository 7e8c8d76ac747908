// The live run on a thread of its own (issue 5 "GUI"): a LiveRun blocks while it waits for
// the kernel (LiveRun::advance), and a GUI frame must never wait, so a background thread
// owns the run — it prepares it (level 3 creates namespaces, which takes a moment),
// advances it in short steps, and puts what it produced into a mutex-protected LiveBatch
// that the UI thread takes between frames (live_session.h feeds it to the model).
//
// The thread ends when the run is over, when stop() is called (leaving live mode, closing
// the app), or on SIGINT/SIGTERM (live::stop_requested(), which LiveRun::advance obeys).
// The run is destroyed on the thread before it says `over`, so that once a batch says
// `over` nothing the run created in the kernel is left.
#pragma once
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sim/live/live_run.h"
#include "sim/session/live_session.h"

namespace tcplab {

class LiveWorker {
 public:
  // Makes the run (on the worker thread): nullptr with `error` when it cannot start.
  using Starter = std::function<std::unique_ptr<live::LiveRun>(std::string& error)>;

  // Starts the thread for a run of `sc` with `o` (LiveRun::start).
  LiveWorker(Scenario sc, live::LiveOptions o);
  // Any run (tests use a scripted LiveRun). `step`: the longest advance() between hand-overs.
  explicit LiveWorker(Starter start, Time step = 20 * kMs);
  ~LiveWorker();
  LiveWorker(const LiveWorker&) = delete;
  LiveWorker& operator=(const LiveWorker&) = delete;

  // Everything handed over since the last call. Holds the lock only to swap the batch.
  LiveBatch take();
  // Asks the thread to end and waits for it (at most one step plus the run's clean-up).
  void stop();
  // True once the thread has handed over its last batch (the batch may not be taken yet).
  bool done() const { return done_.load(); }
  // Level 3: a [[fault]] for the running world (live_drop_like()), applied by the thread
  // before its next step. A refusal comes back as a notice in a batch.
  void add_fault(FaultSpec f);

 private:
  void loop(Starter start, Time step);
  void hand_over(LiveBatch b);

  std::mutex mu_;
  LiveBatch out_;                  // guarded by mu_
  std::vector<FaultSpec> faults_;  // guarded by mu_
  std::atomic<bool> stop_{false};
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace tcplab
