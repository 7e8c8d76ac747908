// Longest-prefix route lookup (route_lookup, sim/net/routing.cpp; RFC 1812 §5.2.4.3) on
// tables of the sizes tcplab's scenarios have (a host: connected route + default; the
// many-hosts router: 11 connected routes) and larger ones (100 and 1,000 routes of mixed
// lengths, as a student's hand-written table never reaches but a generated one may).
#include <benchmark/benchmark.h>

#include <vector>

#include "sim/core/rng.h"
#include "sim/net/layers.h"

namespace tcplab {
namespace {

Node node_with_routes(int n, Rng& rng) {
  Node node;
  node.type = NodeType::Router;
  Iface f;
  f.name = "eth0";
  f.addr = Prefix{Ipv4::of(10, 0, 0, 1), 24};
  node.ifaces.push_back(f);
  add_connected_routes(node);
  Route def;
  def.dst = Prefix{Ipv4(0), 0};
  def.gateway = Ipv4::of(10, 0, 0, 254);
  def.iface = 0;
  node.routes.push_back(def);
  while (static_cast<int>(node.routes.size()) < n) {
    Route r;
    const int len = static_cast<int>(rng.uniform(8, 30));
    const Ipv4 a(static_cast<uint32_t>(rng.next_u32()));
    r.dst = Prefix{Ipv4(a.v & mask_of(len)), len};
    r.gateway = Ipv4::of(10, 0, 0, static_cast<uint8_t>(2 + rng.uniform(0, 200)));
    r.iface = 0;
    node.routes.push_back(r);
  }
  return node;
}

void BM_RouteLookup(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  Rng rng(7);
  const Node node = node_with_routes(n, rng);
  // Destinations: half inside a random route's prefix (a specific match), half anywhere
  // (mostly the default route).
  std::vector<Ipv4> dsts(4096);
  for (size_t i = 0; i < dsts.size(); ++i) {
    if (i % 2 == 0) {
      const Route& r = node.routes[rng.uniform(0, node.routes.size() - 1)];
      dsts[i] = Ipv4(r.dst.network().v | (rng.next_u32() & ~mask_of(r.dst.len)));
    } else {
      dsts[i] = Ipv4(rng.next_u32());
    }
  }
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(route_lookup(node, dsts[i]));
    i = (i + 1) & (dsts.size() - 1);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RouteLookup)->Name("RouteLookup")->Arg(2)->Arg(11)->Arg(100)->Arg(1000);

}  // namespace
}  // namespace tcplab
