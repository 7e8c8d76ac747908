// The routing table and its lookup. RFC 1812 §5.2.4.3: among the routes that match,
// the longest prefix wins; the order of the table does not matter (TCP-REFERENCE.md §7
// M1 — course notes that say "top to bottom" are wrong). Ties between equally long
// prefixes go to the lowest metric, then to the earlier entry.
#include "sim/net/layers.h"

namespace tcplab {

std::optional<RouteChoice> route_lookup(const Node& n, Ipv4 dst) {
  // A router with a hundred interfaces looks up every packet it forwards: the table keeps
  // an index by prefix length (route_table.h).
  const int32_t best = n.routes.lookup(dst);
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
