// The discrete-event queue: events ordered by (time, insertion sequence), so that ties
// break by insertion order (DESIGN.md principle 1). Cancellation is lazy: a cancelled
// event stays in the heap and is skipped when it reaches the top. The queue is a plain
// value (a vector heap of keys, the payloads and their cancelled flags by slot): copying
// it is part of a snapshot.
#pragma once
#include <algorithm>
#include <cassert>
#include <cstdint>
#include <optional>
#include <stdexcept>
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
  // What for_each shows of a pending event.
  struct View {
    Time at;
    EventId id;
    const Payload& payload;
  };

  // Schedules `payload` at absolute time `at`. Returns an id for cancel().
  EventId schedule(Time at, Payload payload) {
    uint32_t slot;
    if (!free_.empty()) {
      slot = free_.back();
      free_.pop_back();
      slots_[slot] = std::move(payload);
    } else {
      if (slots_.size() > kSlotMask) throw std::length_error("event queue: more than 16,777,215 events pending");
      slot = static_cast<uint32_t>(slots_.size());
      slots_.push_back(std::move(payload));
      slot_id_.push_back(0);
      cancelled_.push_back(0);
    }
    const EventId id = (++seq_ << kSlotBits) | slot;
    slot_id_[slot] = id;
    cancelled_[slot] = 0;
    heap_.push_back(Key{at, id});
    std::push_heap(heap_.begin(), heap_.end(), later);
    return id;
  }

  // Cancels a scheduled event; cancelling one that already ran or was cancelled is a no-op.
  void cancel(EventId id) {
    const uint64_t slot = id & kSlotMask;
    if (id != 0 && slot < slot_id_.size() && slot_id_[slot] == id) cancelled_[slot] = 1;
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
    const Key k = heap_.front();
    std::pop_heap(heap_.begin(), heap_.end(), later);
    heap_.pop_back();
    const uint32_t slot = slot_of(k.id);
    std::optional<Entry> e(std::in_place, Entry{k.at, k.id, std::move(slots_[slot])});
    release(slot);
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

  // Visits every live (not cancelled) entry as a View, in no particular order: for views
  // that show what is pending, such as frames in flight.
  template <class F>
  void for_each(F&& f) const {
    for (const Key& k : heap_) {
      const uint32_t slot = slot_of(k.id);
      if (!cancelled_[slot]) f(View{k.at, k.id, slots_[slot]});
    }
  }

 private:
  // An id is (insertion sequence << 24) | slot: ids still grow in insertion order, which
  // breaks ties between events at one time, and cancel() finds the event's slot without a
  // search. The heap holds small keys; the payloads (frames among them) stay in their slots
  // while it is reordered.
  static constexpr int kSlotBits = 24;
  static constexpr uint64_t kSlotMask = (uint64_t(1) << kSlotBits) - 1;
  static uint32_t slot_of(EventId id) { return static_cast<uint32_t>(id & kSlotMask); }
  struct Key {
    Time at;
    EventId id;
  };
  // std::push_heap builds a max-heap; "later" puts the earliest (time, id) on top.
  static bool later(const Key& a, const Key& b) {
    return a.at != b.at ? a.at > b.at : a.id > b.id;
  }
  void release(uint32_t slot) {
    slots_[slot] = Payload{};  // frees what the payload held (a frame's bytes) now
    slot_id_[slot] = 0;
    cancelled_[slot] = 0;
    free_.push_back(slot);
  }
  void drop_cancelled() {
    while (!heap_.empty()) {
      const uint32_t slot = slot_of(heap_.front().id);
      if (!cancelled_[slot]) return;
      std::pop_heap(heap_.begin(), heap_.end(), later);
      heap_.pop_back();
      release(slot);
    }
  }

  std::vector<Key> heap_;
  std::vector<Payload> slots_;     // payloads by slot; a free slot holds Payload{}
  std::vector<EventId> slot_id_;   // the id of the event in each slot, 0 when free
  std::vector<uint8_t> cancelled_;  // by slot: cancelled, skipped when it reaches the top
  std::vector<uint32_t> free_;     // free slots, reused last-freed first
  uint64_t seq_ = 0;
};

}  // namespace tcplab
