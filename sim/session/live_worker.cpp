// LiveWorker: the live run's thread (live_worker.h).
#include "sim/session/live_worker.h"

#include <utility>

namespace tcplab {

LiveWorker::LiveWorker(Scenario sc, live::LiveOptions o)
    : LiveWorker([sc = std::move(sc), o = std::move(o)](std::string& error) { return live::LiveRun::start(sc, o, error); }) {}

LiveWorker::LiveWorker(Starter start, Time step) {
  thread_ = std::thread([this, start = std::move(start), step]() mutable { loop(std::move(start), step); });
}

LiveWorker::~LiveWorker() { stop(); }

void LiveWorker::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

LiveBatch LiveWorker::take() {
  std::lock_guard<std::mutex> lock(mu_);
  return std::exchange(out_, {});
}

void LiveWorker::add_fault(FaultSpec f) {
  std::lock_guard<std::mutex> lock(mu_);
  faults_.push_back(std::move(f));
}

void LiveWorker::hand_over(LiveBatch b) {
  std::lock_guard<std::mutex> lock(mu_);
  merge_batch(out_, std::move(b));
}

void LiveWorker::loop(Starter start, Time step) {
  std::string error;
  std::unique_ptr<live::LiveRun> run = start(error);
  if (!run) {
    LiveBatch b;
    b.error = error.empty() ? std::string("the live run could not start") : error;
    b.over = true;
    hand_over(std::move(b));
    done_ = true;
    return;
  }
  {
    LiveBatch b;
    b.started = LiveBatch::Started{run->context(), run->info(), run->end_time()};
    hand_over(std::move(b));
  }
  size_t notices_seen = run->info().notices.size();
  bool more = true;
  while (more && !stop_) {
    std::vector<FaultSpec> faults;
    {
      std::lock_guard<std::mutex> lock(mu_);
      faults.swap(faults_);
    }
    LiveBatch b;
    for (const FaultSpec& f : faults) {
      std::string why;
      if (!run->add_fault(f, why)) b.notices.push_back(why);
    }
    more = run->advance(step);
    b.events = run->take_trace();
    b.now = std::min(run->now(), run->end_time());
    // The run may add notices as it goes (a port remapped when a step binds it).
    if (run->info().notices.size() != notices_seen) {
      notices_seen = run->info().notices.size();
      b.info = run->info();
    }
    hand_over(std::move(b));
  }
  LiveBatch last;
  last.events = run->take_trace();
  last.now = std::min(run->now(), run->end_time());
  last.info = run->info();
  run.reset();  // closes the sockets, removes the namespaces: before saying `over`
  last.over = true;
  hand_over(std::move(last));
  done_ = true;
}

}  // namespace tcplab
