// The rows of a table found by a 64-bit key, through a vector of (key, row) kept sorted: a
// lookup in log n that leaves the table in its own order (the order the GUI shows, first
// learned first). A plain value, copied with what owns it (DESIGN.md principle 2). Used by a
// node's ARP cache and a switch's MAC table (issue 6: both were scanned per packet).
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace tcplab {

class SortedRowIndex {
 public:
  using Entry = std::pair<uint64_t, int32_t>;  // (key, row)

  // The row with `key`, or -1.
  int32_t find(uint64_t key) const {
    const auto it = lower(key);
    return it != entries_.end() && it->first == key ? it->second : -1;
  }
  // Records that `row` has `key`, a key not in the index yet.
  void insert(uint64_t key, int32_t row) { entries_.insert(lower(key), Entry{key, row}); }

  size_t size() const { return entries_.size(); }
  // In key order.
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::vector<Entry>::const_iterator lower(uint64_t key) const {
    return std::lower_bound(entries_.begin(), entries_.end(), key,
                            [](const Entry& e, uint64_t k) { return e.first < k; });
  }
  std::vector<Entry> entries_;
};

}  // namespace tcplab
