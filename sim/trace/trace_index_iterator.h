// The random-access iterator of TraceLog and TraceView: an index into a trace read through
// `Reader`, a small copyable handle whose operator[](size_t) gives the event at an index.
// Iterators of the same trace compare by index.
#pragma once
#include <cstddef>
#include <iterator>

#include "sim/trace/trace_event.h"

namespace tcplab {

template <class Reader>
class TraceIndexIterator {
 public:
  using iterator_category = std::random_access_iterator_tag;
  using value_type = TraceEvent;
  using difference_type = std::ptrdiff_t;
  using pointer = const TraceEvent*;
  using reference = const TraceEvent&;

  TraceIndexIterator() = default;
  TraceIndexIterator(Reader r, size_t i) : r_(r), i_(i) {}
  reference operator*() const { return r_[i_]; }
  pointer operator->() const { return &r_[i_]; }
  reference operator[](difference_type n) const { return r_[size_t(difference_type(i_) + n)]; }
  TraceIndexIterator& operator++() { ++i_; return *this; }
  TraceIndexIterator operator++(int) { auto t = *this; ++i_; return t; }
  TraceIndexIterator& operator--() { --i_; return *this; }
  TraceIndexIterator operator--(int) { auto t = *this; --i_; return t; }
  TraceIndexIterator& operator+=(difference_type n) { i_ = size_t(difference_type(i_) + n); return *this; }
  TraceIndexIterator& operator-=(difference_type n) { i_ = size_t(difference_type(i_) - n); return *this; }
  friend TraceIndexIterator operator+(TraceIndexIterator a, difference_type n) { return a += n; }
  friend TraceIndexIterator operator+(difference_type n, TraceIndexIterator a) { return a += n; }
  friend TraceIndexIterator operator-(TraceIndexIterator a, difference_type n) { return a -= n; }
  friend difference_type operator-(const TraceIndexIterator& a, const TraceIndexIterator& b) {
    return difference_type(a.i_) - difference_type(b.i_);
  }
  friend bool operator==(const TraceIndexIterator& a, const TraceIndexIterator& b) { return a.i_ == b.i_; }
  friend auto operator<=>(const TraceIndexIterator& a, const TraceIndexIterator& b) { return a.i_ <=> b.i_; }

 private:
  Reader r_{};
  size_t i_ = 0;
};

}  // namespace tcplab
