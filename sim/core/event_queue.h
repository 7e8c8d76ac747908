// The discrete-event queue: events ordered by (time, insertion sequence), so that ties
// break by insertion order (DESIGN.md principle 1). Cancellation is lazy: a cancelled
// event stays in the heap and is skipped when it reaches the top. The queue is a plain
// value (a vector heap and a set of cancelled ids): copying it is part of a snapshot.
#pragma once
#include <algorithm>
#include <cassert>
#include <cstdint>
#include <optional>
#include <unordered_set>
#include <utility>
#include <vector>

#include "sim/core/time.h"

namespace tcplab {

using EventId = uint64_t;  // the insertion sequence number; 0 is never used

template <class Payload>
class EventQueue {
 public:
  struct Entry {
    Time at;
    EventId id;
    Payload payload;
  };

  // Schedules `payload` at absolute time `at`. Returns an id for cancel().
  EventId schedule(Time at, Payload payload) {
    EventId id = ++last_id_;
    heap_.push_back(Entry{at, id, std::move(payload)});
    std::push_heap(heap_.begin(), heap_.end(), later);
    return id;
  }

  // Cancels a scheduled event; cancelling one that already ran or was cancelled is a no-op.
  void cancel(EventId id) {
    if (id != 0 && id <= last_id_) cancelled_.insert(id);
  }

  // Time of the next live event, if any.
  std::optional<Time> next_time() {
    drop_cancelled();
    if (heap_.empty()) return std::nullopt;
    return heap_.front().at;
  }

  // Removes and returns the next live event.
  std::optional<Entry> pop() {
    drop_cancelled();
    if (heap_.empty()) return std::nullopt;
    std::pop_heap(heap_.begin(), heap_.end(), later);
    Entry e = std::move(heap_.back());
    heap_.pop_back();
    return e;
  }

  bool empty() {
    drop_cancelled();
    return heap_.empty();
  }
  size_t size_including_cancelled() const { return heap_.size(); }
  // The earliest entry, cancelled or not: nothing in the queue is due before it (the
  // invariant checker's "no event in the past", sim/net/world_invariants.h).
  std::optional<Time> earliest_including_cancelled() const {
    if (heap_.empty()) return std::nullopt;
    return heap_.front().at;
  }

  // Visits every live (not cancelled) entry, in no particular order: for views that show
  // what is pending, such as frames in flight.
  template <class F>
  void for_each(F&& f) const {
    for (const Entry& e : heap_)
      if (cancelled_.empty() || !cancelled_.count(e.id)) f(e);
  }

 private:
  // std::push_heap builds a max-heap; "later" puts the earliest (time, id) on top.
  static bool later(const Entry& a, const Entry& b) {
    return a.at != b.at ? a.at > b.at : a.id > b.id;
  }
  void drop_cancelled() {
    while (!heap_.empty() && !cancelled_.empty()) {
      auto it = cancelled_.find(heap_.front().id);
      if (it == cancelled_.end()) return;
      cancelled_.erase(it);
      std::pop_heap(heap_.begin(), heap_.end(), later);
      heap_.pop_back();
    }
  }

  std::vector<Entry> heap_;
  std::unordered_set<EventId> cancelled_;
  EventId last_id_ = 0;
};

}  // namespace tcplab
