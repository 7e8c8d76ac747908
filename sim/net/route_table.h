// A node's routing table (the rows of `route -n`, in the order they were added) with an
// index for the longest-prefix match, so that a router with a hundred interfaces does not
// test every row for every packet it forwards (issue 6). The index is rebuilt whenever a row
// is added or removed; rows cannot be changed in place, so it is never stale. Both are plain
// values: copying a node copies its table and index (DESIGN.md principle 2).
#pragma once
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "sim/wire/address.h"

namespace tcplab {

// One row of `route -n`. Connected routes are made from interface addresses.
struct Route {
  Prefix dst;                      // network form
  std::optional<Ipv4> gateway;     // none: directly connected (flag U without G)
  int32_t iface = -1;
  uint32_t metric = 0;
  uint64_t use = 0;                // the "Use" column: lookups that chose this route
};

class RouteTable {
 public:
  using const_iterator = std::vector<Route>::const_iterator;

  size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  const Route& operator[](size_t i) const { return rows_[i]; }
  const_iterator begin() const { return rows_.begin(); }
  const_iterator end() const { return rows_.end(); }

  void push_back(const Route& r) {
    rows_.push_back(r);
    reindex();
  }
  const_iterator erase(const_iterator it) {
    const auto at = it - rows_.begin();
    rows_.erase(it);
    reindex();
    return rows_.begin() + at;
  }

  // RFC 1812 §5.2.4.3: the row of the longest prefix that holds `dst`; among equally long
  // ones the lowest metric, then the earliest row. -1 when none matches.
  int32_t lookup(Ipv4 dst) const;

 private:
  // The rows of one prefix length: by network, the row a match there chooses.
  struct Level {
    int len = 0;
    uint32_t mask = 0;
    std::vector<std::pair<uint32_t, int32_t>> nets;  // (network, row), sorted by network
  };
  void reindex();

  std::vector<Route> rows_;
  std::vector<Level> levels_;  // longest prefix first
};

}  // namespace tcplab
