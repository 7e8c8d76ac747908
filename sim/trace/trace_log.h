// The recorded trace: every event a Session has taken from the world, in order. It grows
// by whole chunks of events and never moves what it already holds (issue 6: the cost of
// recording the trace). Held in one std::vector, a 100-flow run's 750,000 events were
// moved ~20 times as the vector doubled, and every doubling faulted in a buffer twice the
// size of the last and threw the old one away: 140 MiB of fresh memory for a 48 MiB trace,
// and a pause of tens of milliseconds in the GUI each time. A chunk is allocated when the
// last one is full and only its pages in use are ever touched.
//
// A plain value (DESIGN.md principle 2): a copy is equal to and independent of the
// original. Read it by index or iterator like a vector; views take it as a TraceView.
#pragma once
#include <cstddef>
#include <utility>
#include <vector>

#include "sim/trace/trace_event.h"
#include "sim/trace/trace_index_iterator.h"

namespace tcplab {

class TraceLog {
 public:
  static constexpr size_t kChunkEvents = 4096;  // 256 KiB of 64-byte events

  // Reads the log by index for its iterators.
  struct Reader {
    const TraceLog* log = nullptr;
    const TraceEvent& operator[](size_t i) const { return (*log)[i]; }
  };
  using const_iterator = TraceIndexIterator<Reader>;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const TraceEvent& operator[](size_t i) const { return chunks_[i / kChunkEvents][i % kChunkEvents]; }
  const TraceEvent& front() const { return (*this)[0]; }
  const TraceEvent& back() const { return (*this)[size_ - 1]; }
  const_iterator begin() const { return {Reader{this}, 0}; }
  const_iterator end() const { return {Reader{this}, size_}; }

  void push_back(TraceEvent e) {
    room()->push_back(std::move(e));
    ++size_;
  }
  // Moves every event of `events` onto the end and leaves `events` empty, its capacity
  // kept (the world's pending trace is taken this way after every event).
  void append(std::vector<TraceEvent>& events) {
    for (TraceEvent& e : events) push_back(std::move(e));
    events.clear();
  }
  // Takes the events from index `from` on out of the log (for merging late live events).
  std::vector<TraceEvent> take_from(size_t from);
  void clear() {
    chunks_.clear();
    size_ = 0;
  }

 private:
  // The chunk the next event goes into, started when the last one is full. A copied log's
  // chunks hold only their events; the last one gets its full capacity back here.
  std::vector<TraceEvent>* room() {
    if (chunks_.empty() || chunks_.back().size() == kChunkEvents) {
      chunks_.emplace_back();
      chunks_.back().reserve(kChunkEvents);
    } else if (chunks_.back().capacity() < kChunkEvents) {
      chunks_.back().reserve(kChunkEvents);
    }
    return &chunks_.back();
  }

  std::vector<std::vector<TraceEvent>> chunks_;  // each full but the last
  size_t size_ = 0;
};

}  // namespace tcplab
