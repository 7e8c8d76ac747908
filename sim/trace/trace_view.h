// A read-only view of a trace, whichever way it is held: the Session's recorded TraceLog,
// or one vector (a live run's events, `tcplab run`'s, a test's). Views and formatters take
// their events as a TraceView, by value, so that they read both without a copy. It is
// valid as long as the trace it views is not changed.
#pragma once
#include <cstddef>
#include <vector>

#include "sim/trace/trace_event.h"
#include "sim/trace/trace_index_iterator.h"
#include "sim/trace/trace_log.h"

namespace tcplab {

class TraceView {
 public:
  TraceView() = default;  // an empty trace
  // An iterator holds a copy of the view: the view is a few words, and the iterator stays
  // valid when the view it came from (often a by-value parameter) is gone.
  using const_iterator = TraceIndexIterator<TraceView>;

  TraceView(const std::vector<TraceEvent>& events)  // NOLINT implicit: views take either
      : flat_(events.data()), n_(events.size()) {}
  TraceView(const TraceLog& log) : log_(&log), n_(log.size()) {}  // NOLINT implicit

  size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  const TraceEvent& operator[](size_t i) const { return flat_ ? flat_[i] : (*log_)[i]; }
  const TraceEvent& front() const { return (*this)[0]; }
  const TraceEvent& back() const { return (*this)[n_ - 1]; }
  const_iterator begin() const { return {*this, 0}; }
  const_iterator end() const { return {*this, n_}; }

 private:
  const TraceEvent* flat_ = nullptr;
  const TraceLog* log_ = nullptr;
  size_t n_ = 0;
};

}  // namespace tcplab
