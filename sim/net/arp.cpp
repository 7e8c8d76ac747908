// ARP (RFC 826) with Linux's timing: a request is broadcast, retried 1 s later, three
// tries in all (neigh mcast_solicit = 3, retrans_time = 1 s); packets wait meanwhile.
// When all tries fail the waiting packets are dropped ("noarp"), and the sender learns
// it: a local program gets "Destination Host Unreachable", a router answers the source
// with ICMP host unreachable (RFC 1812 §4.3.3.1). Entries are kept 60 s (gc_stale_time).
#include <algorithm>

#include "sim/net/layers.h"
#include "sim/wire/frame.h"

namespace tcplab {
namespace {

constexpr int kArpTries = 3;
constexpr Time kArpRetrans = kSec;
constexpr Time kArpLifetime = 60 * kSec;

void send_request(World& w, int32_t node, int32_t iface, Ipv4 target) {
  const Iface& f = w.node(node).ifaces[static_cast<size_t>(iface)];
  wire::EthernetHeader eth{Mac::broadcast(), f.mac, wire::kEtherTypeArp};
  wire::ArpPacket a;
  a.op = wire::kArpRequest;
  a.sha = f.mac;
  a.spa = f.addr ? f.addr->addr : Ipv4();
  a.tpa = target;
  send_with_faults(w, node, iface, wire::build_arp_frame(eth, a));
}

// The key of Node::arp_index; a cache holds one row per (address, interface).
uint64_t arp_key(Ipv4 ip, int32_t iface) { return uint64_t(ip.v) << 32 | uint32_t(iface); }

ArpEntry* arp_row(Node& n, int32_t iface, Ipv4 ip) {
  const int32_t row = n.arp_index.find(arp_key(ip, iface));
  return row >= 0 ? &n.arp_cache[size_t(row)] : nullptr;
}

const ArpEntry* lookup(const Node& n, int32_t iface, Ipv4 ip, Time now) {
  const int32_t row = n.arp_index.find(arp_key(ip, iface));
  if (row < 0) return nullptr;
  const ArpEntry& e = n.arp_cache[size_t(row)];
  return e.expires > now ? &e : nullptr;
}

}  // namespace

wire::Bytes make_framed(size_t ip_packet_len) {
  wire::Bytes b;
  b.reserve(std::max(wire::kEthernetHeaderLen + ip_packet_len, wire::kEthernetMinFrame));
  b.resize(wire::kEthernetHeaderLen);
  return b;
}

namespace {

// Turns a framed packet into its frame: the header written into its room, and padding to
// Ethernet's minimum frame.
void frame_it(wire::Bytes& framed, Mac dst, Mac src) {
  wire::emit_over(wire::EthernetHeader{dst, src, wire::kEtherTypeIpv4}, framed);
  if (framed.size() < wire::kEthernetMinFrame) framed.resize(wire::kEthernetMinFrame, 0);
}

}  // namespace

void ip_frame_send(World& w, int32_t node, int32_t iface, Mac dst, wire::Bytes frame, bool origin,
                   bool retx) {
  frame_it(frame, dst, w.node(node).ifaces[static_cast<size_t>(iface)].mac);
  if (origin)
    send_with_faults(w, node, iface, std::move(frame), retx);
  else
    forward_with_faults(w, node, iface, std::move(frame));
}

namespace {

void learn(Node& n, int32_t iface, Ipv4 ip, Mac mac, Time now, bool create) {
  if (ArpEntry* e = arp_row(n, iface, ip)) {
    e->mac = mac;
    e->expires = now + kArpLifetime;
    return;
  }
  if (!create) return;
  n.arp_index.insert(arp_key(ip, iface), static_cast<int32_t>(n.arp_cache.size()));
  n.arp_cache.push_back(ArpEntry{ip, mac, iface, now + kArpLifetime});
}

}  // namespace

void arp_resolve_and_send(World& w, int32_t node, int32_t iface, Ipv4 next_hop,
                          wire::Bytes framed, bool origin, bool retx) {
  Node& n = w.node(node);
  if (const ArpEntry* e = lookup(n, iface, next_hop, w.now())) {
    ip_frame_send(w, node, iface, e->mac, std::move(framed), origin, retx);
    return;
  }
  for (ArpPending& p : n.arp_pending) {
    if (p.ip == next_hop && p.iface == iface) {
      p.waiting.push_back({std::move(framed), origin, retx});
      return;
    }
  }
  ArpPending p;
  p.ip = next_hop;
  p.iface = iface;
  p.tries = 1;
  p.waiting.push_back({std::move(framed), origin, retx});
  p.timer = w.schedule(w.now() + kArpRetrans, EvArpRetry{node, next_hop});
  n.arp_pending.push_back(std::move(p));
  send_request(w, node, iface, next_hop);
}

void arp_retry(World& w, const EvArpRetry& e) {
  Node& n = w.node(e.node);
  for (size_t i = 0; i < n.arp_pending.size(); ++i) {
    ArpPending& p = n.arp_pending[i];
    if (p.ip != e.ip) continue;
    if (p.tries < kArpTries) {
      p.tries++;
      p.timer = w.schedule(w.now() + kArpRetrans, EvArpRetry{e.node, e.ip});
      send_request(w, e.node, p.iface, p.ip);
      return;
    }
    // Resolution failed: every waiting packet is dropped.
    ArpPending failed = std::move(p);
    n.arp_pending.erase(n.arp_pending.begin() + static_cast<long>(i));
    const Iface& f = w.node(e.node).ifaces[static_cast<size_t>(failed.iface)];
    for (auto& waiting : failed.waiting) {
      const size_t ip_len = waiting.framed.size() - wire::kEthernetHeaderLen;
      frame_it(waiting.framed, Mac{}, f.mac);
      const wire::SharedBytes frame(std::move(waiting.framed));
      w.emit_packet(EvKind::Drop, e.node, f.link, w.new_frame_id(), frame, DropWhy::NoArp);
      const wire::ByteView ip_packet(frame.data() + wire::kEthernetHeaderLen, ip_len);
      auto ip = wire::parse_ipv4(ip_packet);
      if (!ip) continue;
      if (waiting.origin) {
        // The local sender hears of it as Linux's ping does ("Destination Host
        // Unreachable" from its own address).
        programs_icmp_error(w, e.node, f.addr ? f.addr->addr : Ipv4(), wire::kIcmpDestUnreachable,
                            wire::kIcmpCodeHostUnreachable, ip_packet);
      } else {
        icmp_send_error(w, e.node, wire::kIcmpDestUnreachable, wire::kIcmpCodeHostUnreachable,
                        ip_packet);
      }
    }
    return;
  }
}

void arp_input(World& w, int32_t node, int32_t iface, const wire::ArpPacket& a) {
  Node& n = w.node(node);
  const Iface& f = n.ifaces[static_cast<size_t>(iface)];
  const bool for_us = f.addr && a.tpa == f.addr->addr;
  // RFC 826 "merge": update an existing entry for the sender; create one only when the
  // packet is for us (Linux does the same for requests targeting one of its addresses).
  learn(n, iface, a.spa, a.sha, w.now(), for_us);
  if (for_us && a.op == wire::kArpRequest) {
    wire::ArpPacket reply;
    reply.op = wire::kArpReply;
    reply.sha = f.mac;
    reply.spa = f.addr->addr;
    reply.tha = a.sha;
    reply.tpa = a.spa;
    send_with_faults(w, node, iface,
                     wire::build_arp_frame(wire::EthernetHeader{a.sha, f.mac, wire::kEtherTypeArp},
                                           reply));
  }
  // Packets waiting for this address can go now.
  for (size_t i = 0; i < n.arp_pending.size(); ++i) {
    if (n.arp_pending[i].ip != a.spa || n.arp_pending[i].iface != iface) continue;
    ArpPending done = std::move(n.arp_pending[i]);
    n.arp_pending.erase(n.arp_pending.begin() + static_cast<long>(i));
    w.cancel(done.timer);
    learn(w.node(node), iface, a.spa, a.sha, w.now(), true);
    for (auto& waiting : done.waiting)
      ip_frame_send(w, node, iface, a.sha, std::move(waiting.framed), waiting.origin, waiting.retx);
    break;
  }
}

}  // namespace tcplab
