// The longest-prefix index of a routing table: one sorted array of networks per prefix
// length, tried longest first (a router has few distinct lengths, often /24 and /0).
#include "sim/net/route_table.h"

#include <algorithm>

namespace tcplab {

int32_t RouteTable::lookup(Ipv4 dst) const {
  for (const Level& l : levels_) {
    const uint32_t net = dst.v & l.mask;
    const auto it = std::lower_bound(l.nets.begin(), l.nets.end(), net,
                                     [](const std::pair<uint32_t, int32_t>& e, uint32_t n) { return e.first < n; });
    if (it != l.nets.end() && it->first == net) return it->second;
  }
  return -1;
}

void RouteTable::reindex() {
  levels_.clear();
  // (length, network, metric, row): sorted, the first row of each (length, network) is the
  // one a lookup chooses there: lowest metric, then earliest row.
  struct Key {
    int len;
    uint32_t net;
    uint32_t metric;
    int32_t row;
  };
  std::vector<Key> keys;
  keys.reserve(rows_.size());
  for (size_t i = 0; i < rows_.size(); ++i) {
    const Route& r = rows_[i];
    keys.push_back(Key{r.dst.len, r.dst.addr.v & mask_of(r.dst.len), r.metric, static_cast<int32_t>(i)});
  }
  std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
    if (a.len != b.len) return a.len > b.len;
    if (a.net != b.net) return a.net < b.net;
    if (a.metric != b.metric) return a.metric < b.metric;
    return a.row < b.row;
  });
  for (size_t i = 0; i < keys.size(); ++i) {
    const Key& k = keys[i];
    if (levels_.empty() || levels_.back().len != k.len) levels_.push_back(Level{k.len, mask_of(k.len), {}});
    Level& l = levels_.back();
    if (l.nets.empty() || l.nets.back().first != k.net) l.nets.emplace_back(k.net, k.row);
  }
}

}  // namespace tcplab
