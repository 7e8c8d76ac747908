// A read-only view of a trace, whichever way it is held: the Session's recorded TraceLog,
// or one vector (a live run's events, `tcplab run`'s, a test's). Views and formatters take
// their events as a TraceView, by value, so that they read both without a copy. It is
// valid as long as the trace it views is not changed.
#pragma once
#include <cstddef>
#include <iterator>
#include <vector>

#include "sim/trace/trace_event.h"
#include "sim/trace/trace_log.h"

namespace tcplab {

class TraceView {
 public:
  class const_iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = TraceEvent;
    using difference_type = std::ptrdiff_t;
    using pointer = const TraceEvent*;
    using reference = const TraceEvent&;

    const_iterator() = default;
    const_iterator(const TraceEvent* flat, const TraceLog* log, size_t i) : flat_(flat), log_(log), i_(i) {}
    reference operator*() const { return at(i_); }
    pointer operator->() const { return &at(i_); }
    reference operator[](difference_type n) const { return at(size_t(difference_type(i_) + n)); }
    const_iterator& operator++() { ++i_; return *this; }
    const_iterator operator++(int) { auto t = *this; ++i_; return t; }
    const_iterator& operator--() { --i_; return *this; }
    const_iterator operator--(int) { auto t = *this; --i_; return t; }
    const_iterator& operator+=(difference_type n) { i_ = size_t(difference_type(i_) + n); return *this; }
    const_iterator& operator-=(difference_type n) { i_ = size_t(difference_type(i_) - n); return *this; }
    friend const_iterator operator+(const_iterator a, difference_type n) { return a += n; }
    friend const_iterator operator+(difference_type n, const_iterator a) { return a += n; }
    friend const_iterator operator-(const_iterator a, difference_type n) { return a -= n; }
    friend difference_type operator-(const const_iterator& a, const const_iterator& b) {
      return difference_type(a.i_) - difference_type(b.i_);
    }
    friend bool operator==(const const_iterator& a, const const_iterator& b) { return a.i_ == b.i_; }
    friend auto operator<=>(const const_iterator& a, const const_iterator& b) { return a.i_ <=> b.i_; }

   private:
    const TraceEvent& at(size_t i) const { return flat_ ? flat_[i] : (*log_)[i]; }
    const TraceEvent* flat_ = nullptr;
    const TraceLog* log_ = nullptr;
    size_t i_ = 0;
  };

  TraceView(const std::vector<TraceEvent>& events)  // NOLINT implicit: views take either
      : flat_(events.data()), n_(events.size()), source_(&events) {}
  TraceView(const TraceLog& log) : log_(&log), n_(log.size()), source_(&log) {}  // NOLINT implicit

  size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  const TraceEvent& operator[](size_t i) const { return flat_ ? flat_[i] : (*log_)[i]; }
  const TraceEvent& front() const { return (*this)[0]; }
  const TraceEvent& back() const { return (*this)[n_ - 1]; }
  const_iterator begin() const { return {flat_, log_, 0}; }
  const_iterator end() const { return {flat_, log_, n_}; }
  // Which trace this views: the same vector or log gives the same value (views that keep
  // what they read of a trace use it to see that they are given another one).
  const void* source() const { return source_; }

 private:
  const TraceEvent* flat_ = nullptr;
  const TraceLog* log_ = nullptr;
  size_t n_ = 0;
  const void* source_ = nullptr;
};

}  // namespace tcplab
