// A learning Ethernet switch (IEEE 802.1D transparent bridging): it learns which port
// each source MAC lives behind, forwards a frame to the port of its destination, and
// floods broadcasts and unknown destinations to every other port. The frame is forwarded
// unchanged, so it keeps its id: one frame crossing a switch is one packet in the trace.
#include "sim/net/layers.h"

#include <algorithm>
#include <climits>

namespace tcplab {
namespace {
constexpr Time kMacAgeing = 300 * kSec;  // Linux bridge default ageing_time

// The row of `mac` in the switch's table, or nullptr: entries are unique per MAC (learning
// refreshes the row it finds).
MacEntry* find_mac(Node& sw, const Mac& mac) {
  const uint64_t key = mac.key();
  auto it = std::lower_bound(sw.mac_index.begin(), sw.mac_index.end(), std::pair<uint64_t, int32_t>{key, INT32_MIN});
  return it != sw.mac_index.end() && it->first == key ? &sw.mac_table[static_cast<size_t>(it->second)] : nullptr;
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
      const std::pair<uint64_t, int32_t> row{eth->src.key(), static_cast<int32_t>(sw.mac_table.size())};
      sw.mac_index.insert(std::upper_bound(sw.mac_index.begin(), sw.mac_index.end(), row), row);
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
