// Links: drop-tail queue, serialisation at the link rate, propagation delay, random loss.
// Every frame put on a link gives a `tx` event when its first bit leaves and, after
// size*8/rate + delay, an `rx` event at the far end (or a `drop`, why "loss"/"fault").
#include <cassert>

#include "sim/net/layers.h"

namespace tcplab {
namespace {

Time serialisation_time(const Link& l, size_t bytes) {
  if (!l.rate_bps) return 0;
  // Rounded up to a whole nanosecond so that a busy link is never free early. Frames are
  // at most ~64 KiB, so bits * 1e9 stays far below 2^63.
  const uint64_t bits = static_cast<uint64_t>(bytes) * 8;
  const uint64_t ns = (bits * static_cast<uint64_t>(kSec) + *l.rate_bps - 1) / *l.rate_bps;
  return static_cast<Time>(ns);
}

// The frame at the head of the queue goes when the current serialisation ends: at the place
// among events due then that start_transmission reserved, as if scheduled there.
void schedule_link_free(World& w, int32_t li, uint8_t side) {
  LinkDirection& d = w.link(li).dir[side];
  if (d.free_scheduled) return;
  // Frames wait only behind a serialisation that takes time (a link without a rate has
  // none, and never queues), and that serialisation reserved its end.
  assert(d.free_reserved != 0);
  d.free_scheduled = true;
  w.schedule_reserved(d.busy_until, d.free_reserved, EvLinkFree{li, side});
}

// Starts putting `qf` on the wire in direction `side` now.
void start_transmission(World& w, int32_t li, uint8_t side, QueuedFrame qf) {
  Link& l = w.link(li);
  const LinkEnd& from = l.ends[side];
  Iface& f = w.node(from.node).ifaces[static_cast<size_t>(from.iface)];
  f.counters.tx_packets++;
  f.counters.tx_bytes += qf.frame.size();
  l.dir[side].frames++;
  l.dir[side].bytes += qf.frame.size();
  w.emit_packet(EvKind::Tx, from.node, li, qf.id, qf.frame, DropWhy::Loss, qf.retx);
  const Time ser = serialisation_time(l, qf.frame.size());
  l.dir[side].busy_until = w.now() + ser;
  // The loss draw happens at transmission, so the RNG is used in event order.
  const bool lost = qf.fault_drop || w.rng().chance(l.loss);
  w.schedule(w.now() + ser + l.delay, EvFrameArrives{li, side, std::move(qf), lost});
  LinkDirection& d = l.dir[side];
  d.free_reserved = ser > 0 ? w.reserve_event() : 0;
  d.free_scheduled = false;
  if (!d.queue.empty()) schedule_link_free(w, li, side);
}

}  // namespace

void link_send(World& w, int32_t node, int32_t iface, wire::SharedBytes frame, bool fault_drop,
               uint64_t id, bool retx) {
  Iface& f = w.node(node).ifaces[static_cast<size_t>(iface)];
  if (id == 0) id = w.new_frame_id();
  if (f.link < 0) {
    // No cable: Linux counts it as a carrier error; nothing leaves.
    f.counters.tx_dropped++;
    return;
  }
  Link& l = w.link(f.link);
  const uint8_t side = f.link_side;
  LinkDirection& d = l.dir[side];
  // Shared from here on: the tx event, the frame in flight, its rx or drop event.
  QueuedFrame qf{id, std::move(frame), fault_drop, retx};
  if (d.busy_until > w.now() || !d.queue.empty()) {
    if (d.queue.size() >= l.queue_limit) {
      f.counters.tx_dropped++;
      w.emit_packet(EvKind::Drop, node, f.link, qf.id, qf.frame, DropWhy::Queue);
      return;
    }
    d.queue.push_back(std::move(qf));
    schedule_link_free(w, f.link, side);
    return;
  }
  start_transmission(w, f.link, side, std::move(qf));
}

void link_free(World& w, const EvLinkFree& e) {
  LinkDirection& d = w.link(e.link).dir[e.side];
  d.free_scheduled = false;
  if (d.queue.empty()) return;
  // Scheduled at busy_until, and no serialisation starts while a frame waits (the
  // link-queue invariant, sim/net/world_invariants.h).
  assert(d.busy_until == w.now());
  QueuedFrame next = std::move(d.queue.front());
  d.queue.pop_front();
  start_transmission(w, e.link, e.side, std::move(next));
}

void link_frame_arrives(World& w, EvFrameArrives& e) {
  const Link& l = w.link(e.link);
  const LinkEnd& to = l.ends[1 - e.side];
  if (e.lost) {
    w.emit_packet(EvKind::Drop, to.node, e.link, e.frame.id, e.frame.frame,
                  e.frame.fault_drop ? DropWhy::Fault : DropWhy::Loss);
    return;
  }
  Iface& f = w.node(to.node).ifaces[static_cast<size_t>(to.iface)];
  f.counters.rx_packets++;
  f.counters.rx_bytes += e.frame.frame.size();
  w.emit_packet(EvKind::Rx, to.node, e.link, e.frame.id, e.frame.frame);
  if (w.node(to.node).kernel)
    w.hand_frame_to_kernel(to.node, to.iface, e.frame.id, e.frame.frame);
  else if (w.node(to.node).is_switch())
    switch_receive(w, to.node, to.iface, e.frame.id, e.frame.frame);
  else
    node_receive(w, to.node, to.iface, e.frame.id, e.frame.frame);
}

}  // namespace tcplab
