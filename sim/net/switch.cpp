// A learning Ethernet switch (IEEE 802.1D transparent bridging): it learns which port
// each source MAC lives behind, forwards a frame to the port of its destination, and
// floods broadcasts and unknown destinations to every other port. The frame is forwarded
// unchanged, so it keeps its id: one frame crossing a switch is one packet in the trace.
#include "sim/net/layers.h"

namespace tcplab {
namespace {
constexpr Time kMacAgeing = 300 * kSec;  // Linux bridge default ageing_time

// The row of `mac` in the switch's table, or nullptr: entries are unique per MAC (learning
// refreshes the row it finds).
MacEntry* find_mac(Node& sw, const Mac& mac) {
  const int32_t row = sw.mac_index.find(mac.key());
  return row >= 0 ? &sw.mac_table[static_cast<size_t>(row)] : nullptr;
}

}  // namespace

void switch_receive(World& w, int32_t node, int32_t port, uint64_t id, const wire::SharedBytes& frame) {
  auto eth = wire::parse_ethernet(frame);
  if (!eth) return;
  Node& sw = w.node(node);
  const Time now = w.now();
  // Learn (or refresh) the source.
  if (!eth->src.is_multicast()) {
    if (MacEntry* m = find_mac(sw, eth->src)) {
      m->port = port;
      m->expires = now + kMacAgeing;
    } else {
      sw.mac_index.insert(eth->src.key(), static_cast<int32_t>(sw.mac_table.size()));
      sw.mac_table.push_back(MacEntry{eth->src, port, now + kMacAgeing});
    }
  }
  int32_t out = -1;
  if (!eth->dst.is_multicast()) {
    const MacEntry* m = find_mac(sw, eth->dst);
    if (m && m->expires > now) out = m->port;
  }
  if (out == port) return;  // the destination is on the port it came from: filter
  for (size_t p = 0; p < sw.ifaces.size(); ++p) {
    const int32_t pi = static_cast<int32_t>(p);
    if (pi == port || (out >= 0 && pi != out)) continue;
    forward_with_faults(w, node, pi, frame, id);
  }
}

}  // namespace tcplab
