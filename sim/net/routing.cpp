// The routing table and its lookup. RFC 1812 §5.2.4.3: among the routes that match,
// the longest prefix wins; the order of the table does not matter (TCP-REFERENCE.md §7
// M1 — course notes that say "top to bottom" are wrong). Ties between equally long
// prefixes go to the lowest metric, then to the earlier entry.
#include "sim/net/layers.h"

namespace tcplab {

std::optional<RouteChoice> route_lookup(const Node& n, Ipv4 dst) {
  // One pass, comparing (length, metric) with the best so far; a router with a hundred
  // interfaces looks up every packet it forwards, so the match is one XOR and a mask.
  int32_t best = -1;
  int best_len = -1;
  uint32_t best_metric = 0;
  for (size_t i = 0; i < n.routes.size(); ++i) {
    const Route& r = n.routes[i];
    if (((dst.v ^ r.dst.addr.v) & mask_of(r.dst.len)) != 0) continue;  // Prefix::contains
    if (best < 0 || r.dst.len > best_len || (r.dst.len == best_len && r.metric < best_metric)) {
      best = static_cast<int32_t>(i);
      best_len = r.dst.len;
      best_metric = r.metric;
    }
  }
  if (best < 0) return std::nullopt;
  const Route& r = n.routes[static_cast<size_t>(best)];
  return RouteChoice{best, r.iface, r.gateway ? *r.gateway : dst};
}

void add_connected_routes(Node& n) {
  for (size_t i = 0; i < n.ifaces.size(); ++i) {
    const Iface& f = n.ifaces[i];
    if (!f.addr) continue;
    Route r;
    r.dst = Prefix{f.addr->network(), f.addr->len};
    r.iface = static_cast<int32_t>(i);
    n.routes.push_back(r);
  }
}

}  // namespace tcplab
