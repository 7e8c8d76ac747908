// Scripted faults ([[fault]] in a scenario, DESIGN.md principle 3: interventions are
// data). A rule is checked once per packet, where the packet is born: at the node that
// originates it, as it goes onto its first link (a router's forwarded copy is not checked
// again, so `nth = 1` means "the first such packet", not "its first hop"). The first rule
// that fires decides the packet's fate. A rule that names a node (`node = "sw1"`) also
// sees the frames that node forwards: that is how a click on a packet on its second hop
// drops it there (the GUI's interventions, sim/session).
#include "sim/net/layers.h"
#include "sim/scenario/packet_fields.h"
#include "sim/wire/frame.h"

namespace tcplab {
namespace {

// Flips every bit of the last byte of the IPv4 packet, so the receiver's transport
// checksum (or the header checksum when there is no payload) no longer matches.
void corrupt(wire::Bytes& frame, const wire::ParsedFrame& p) {
  if (p.ip) {
    size_t end = wire::kEthernetHeaderLen + p.ip->total_len;
    if (end > frame.size() || end == 0) end = frame.size();
    frame[end - 1] ^= 0xff;
  } else if (p.arp) {
    // ARP has no checksum: a corrupted request asks for a different address.
    frame[wire::kEthernetHeaderLen + 27] ^= 0xff;
  }
}

// tcp.seq and tcp.ack in a filter are relative, as Wireshark shows them: the sending
// socket knows both ISNs. A segment no socket sent (an RST for a closed port, hping3)
// keeps its absolute numbers.
void relative_tcp_numbers(const Node& n, const wire::ParsedFrame& p, PacketFields& f) {
  if (!p.ip || !p.tcp) return;
  const auto it = n.tcp_conns.find(Node::tcp_conn_key(p.ip->dst, p.tcp->dport, p.ip->src, p.tcp->sport));
  if (it == n.tcp_conns.end()) return;
  const TcpSocket& s = n.tcp[static_cast<size_t>(it->second)];
  if (f.tcp_seq) f.tcp_seq = p.tcp->seq - s.iss.v;
  if (f.tcp_ack) f.tcp_ack = (p.tcp->flags & wire::tcpflag::ACK) ? p.tcp->ack - s.irs.v : 0;
}

}  // namespace

namespace {

// Applies the first rule that fires. `forwarded`: a frame a switch or router passes on,
// which only rules naming that node (`node = "…"`) look at; `id` keeps a switch's frame id.
void apply_faults(World& w, int32_t node, int32_t iface, wire::SharedBytes frame, bool retx, bool forwarded,
                  uint64_t id) {
  auto& faults = w.faults();
  if (!faults.empty()) {
    const wire::ParsedFrame parsed = wire::parse_frame(frame);
    PacketFields fields = packet_fields(parsed, frame.size());
    if (!forwarded) relative_tcp_numbers(w.node(node), parsed, fields);
    for (FaultState& f : faults) {
      if (f.spec.node >= 0 && f.spec.node != node) continue;
      if (forwarded && f.spec.node < 0) continue;
      if (!matches(f.spec.match, fields)) continue;
      f.matched++;
      if (!f.spec.every && f.matched != f.spec.nth) continue;
      f.applied++;
      switch (f.spec.action) {
        case FaultAction::Drop:
          link_send(w, node, iface, std::move(frame), /*fault_drop=*/true, id, retx);
          return;
        case FaultAction::Delay:
          w.schedule(w.now() + f.spec.delay, EvDelayedSend{node, iface, std::move(frame), retx});
          return;
        case FaultAction::Duplicate:
          link_send(w, node, iface, frame, false, id, retx);
          link_send(w, node, iface, std::move(frame), false, id, retx);
          return;
        case FaultAction::Corrupt: {
          wire::Bytes changed = frame.bytes();  // shared frames are immutable: a changed copy
          corrupt(changed, parsed);
          link_send(w, node, iface, std::move(changed), false, id, retx);
          return;
        }
      }
    }
  }
  link_send(w, node, iface, std::move(frame), false, id, retx);
}

}  // namespace

void send_with_faults(World& w, int32_t node, int32_t iface, wire::Bytes frame, bool retx) {
  apply_faults(w, node, iface, wire::SharedBytes(std::move(frame)), retx, /*forwarded=*/false, 0);
}

void forward_with_faults(World& w, int32_t node, int32_t iface, wire::SharedBytes frame, uint64_t id) {
  apply_faults(w, node, iface, std::move(frame), /*retx=*/false, /*forwarded=*/true, id);
}

}  // namespace tcplab
