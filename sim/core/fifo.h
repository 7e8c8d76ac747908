// A first-in, first-out queue: a vector and the index of its front. A plain value whose
// move never throws, for the queues of sockets, which live in vectors that grow: a vector
// moves its elements to its new storage only when their move is noexcept, and copies them
// otherwise. std::deque's move is not noexcept in libstdc++ (it allocates a map for the
// object moved from), so one deque in TcpSocket made a 10,000-connection storm copy every
// socket, buffers and all, each time Node::tcp grew.
#pragma once
#include <cstddef>
#include <utility>
#include <vector>

namespace tcplab {

template <class T>
class Fifo {
 public:
  bool empty() const { return head_ == items_.size(); }
  size_t size() const { return items_.size() - head_; }
  T& front() { return items_[head_]; }
  const T& front() const { return items_[head_]; }
  void push_back(T x) { items_.push_back(std::move(x)); }
  // The slots before the front are reclaimed once they are half the vector, so a queue
  // holds at most twice what is in it and each element is moved O(1) times on average.
  void pop_front() {
    ++head_;
    if (head_ == items_.size()) {
      clear();
    } else if (2 * head_ >= items_.size()) {
      items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }
  void clear() {
    items_.clear();
    head_ = 0;
  }

 private:
  std::vector<T> items_;
  size_t head_ = 0;
};

}  // namespace tcplab
