// The discrete-event queue: events ordered by (time, insertion sequence), so that ties
// break by insertion order (DESIGN.md principle 1). Cancellation is lazy: a cancelled
// event stays in the heap and is skipped when it reaches the top. Moving an event later
// (reschedule) is lazy too: its key stays in the heap and moves when it reaches the top, so a
// TCP retransmission timer re-armed by every ACK (RFC 6298 §5.3) costs no heap work per ACK
// and leaves no cancelled entries behind. The heap is 4-ary: half as deep as a binary heap,
// and a node's four children sit side by side in memory, so popping the earliest event (the
// simulator's hottest loop, issue 6) touches half as many cache lines. Any heap shape pops
// in the same order, since no two keys are equal. The queue is a plain value (a vector heap
// of keys, the payloads and their cancelled flags by slot): copying it is part of a snapshot.
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
  EventId schedule(Time at, Payload payload) { return schedule_as(++seq_ << kSlotBits, at, std::move(payload)); }

  // Takes the place, among events due at one time, of an event that may be scheduled later
  // or never: schedule_reserved(at, reserve(), p) then runs p exactly where schedule(at, p)
  // called at the time of reserve() would have. A link reserves the end of each frame's
  // serialisation and schedules it only when a frame waits behind it (issue 6: most of those
  // events found nothing to do). Each reservation is scheduled at most once.
  EventId reserve() { return ++seq_ << kSlotBits; }
  EventId schedule_reserved(Time at, EventId reserved, Payload payload) {
    return schedule_as(reserved & ~kSlotMask, at, std::move(payload));
  }

 private:
  EventId schedule_as(EventId seq_part, Time at, Payload payload) {
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
      due_.push_back(0);
      key_at_.push_back(0);
    }
    const EventId id = seq_part | slot;
    slot_id_[slot] = id;
    cancelled_[slot] = 0;
    due_[slot] = at;
    key_at_[slot] = at;
    heap_.push_back(Key{at, id});
    sift_up(heap_.size() - 1);
    return id;
  }

 public:

  // The same as cancel(id) then schedule(at, payload), and the events then run in exactly
  // the same order (the new id takes the next sequence number, as schedule() would give
  // it). When `id` is pending and `at` is no earlier than where its key sits in the heap,
  // nothing moves now: the key is moved to `at` when it reaches the top.
  EventId reschedule(EventId id, Time at, Payload payload) {
    const uint64_t slot = id & kSlotMask;
    if (id == 0 || slot >= slot_id_.size() || slot_id_[slot] != id || cancelled_[slot] || at < key_at_[slot]) {
      cancel(id);
      return schedule(at, std::move(payload));
    }
    const EventId moved = (++seq_ << kSlotBits) | slot;
    slot_id_[slot] = moved;
    slots_[slot] = std::move(payload);
    due_[slot] = at;
    return moved;
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
    remove_top();
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
    for (const Key& k : heap_) {  // one key per slot: a moved event's key is its old one
      const uint32_t slot = slot_of(k.id);
      if (!cancelled_[slot]) f(View{due_[slot], slot_id_[slot], slots_[slot]});
    }
  }

 private:
  // An id is (insertion sequence << 24) | slot: ids still grow in insertion order, which
  // breaks ties between events at one time, and cancel() finds the event's slot without a
  // search. The heap holds small keys; the payloads (frames among them) stay in their slots
  // while it is reordered. Each slot in use has exactly one key in the heap: its event's,
  // or, for an event rescheduled later, the key it had before (an older id, an earlier
  // time), which is replaced by the event's own when it reaches the top.
  static constexpr int kSlotBits = 24;
  static constexpr uint64_t kSlotMask = (uint64_t(1) << kSlotBits) - 1;
  static uint32_t slot_of(EventId id) { return static_cast<uint32_t>(id & kSlotMask); }
  struct Key {
    Time at;
    EventId id;
  };
  static constexpr size_t kArity = 4;  // children of i: kArity*i+1 .. kArity*i+kArity
  // (at, id) as one 128-bit number (the sign bit of `at` flipped, so that unsigned order is
  // signed order): one compare without a branch, which the sift loops are mostly made of.
  __extension__ typedef unsigned __int128 Order;  // GCC's and Clang's, on every 64-bit target
  static Order order(const Key& k) {
    return Order(static_cast<uint64_t>(k.at) ^ (uint64_t(1) << 63)) << 64 | k.id;
  }
  static bool earlier(const Key& a, const Key& b) { return order(a) < order(b); }
  // Moves the key at `i` up to its place (a hole moves down instead of swapping).
  void sift_up(size_t i) {
    const Key k = heap_[i];
    while (i > 0) {
      const size_t parent = (i - 1) / kArity;
      if (!earlier(k, heap_[parent])) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = k;
  }
  // Puts `k` at the root, then down to its place.
  void sift_down_from_top(const Key k) {
    const size_t n = heap_.size();
    size_t i = 0;
    while (true) {
      const size_t first = kArity * i + 1;
      if (first >= n) break;
      size_t best = first;
      const size_t last = std::min(first + kArity, n);
      for (size_t c = first + 1; c < last; ++c) best = earlier(heap_[c], heap_[best]) ? c : best;
      if (!earlier(heap_[best], k)) break;
      heap_[i] = heap_[best];
      i = best;
    }
    heap_[i] = k;
  }
  void remove_top() {
    const Key last = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down_from_top(last);
  }
  void release(uint32_t slot) {
    slots_[slot] = Payload{};  // frees what the payload held (a frame's bytes) now
    slot_id_[slot] = 0;
    cancelled_[slot] = 0;
    free_.push_back(slot);
  }
  // Until the top is a live event's own key: drops cancelled events, and moves the old key
  // of a rescheduled event to where the event now is.
  void drop_cancelled() {
    while (!heap_.empty()) {
      const Key top = heap_.front();
      const uint32_t slot = slot_of(top.id);
      if (!cancelled_[slot] && top.id == slot_id_[slot]) return;
      if (cancelled_[slot]) {
        remove_top();
        release(slot);
      } else {
        key_at_[slot] = due_[slot];
        sift_down_from_top(Key{due_[slot], slot_id_[slot]});  // it only moves later
      }
    }
  }

  std::vector<Key> heap_;
  std::vector<Payload> slots_;     // payloads by slot; a free slot holds Payload{}
  std::vector<EventId> slot_id_;   // the id of the event in each slot, 0 when free
  std::vector<uint8_t> cancelled_;  // by slot: cancelled, skipped when it reaches the top
  std::vector<Time> due_;          // by slot: when its event runs
  std::vector<Time> key_at_;       // by slot: the time of its key in the heap (<= due_)
  std::vector<uint32_t> free_;     // free slots, reused last-freed first
  uint64_t seq_ = 0;
};

}  // namespace tcplab
