// IPv4 (RFC 791, RFC 1122 for hosts, RFC 1812 for routers): sending what a node
// originates, receiving frames, delivering locally, forwarding with TTL, and ICMP errors.
#include <algorithm>

#include "sim/net/layers.h"
#include "sim/proto/tcp.h"

namespace tcplab {
namespace {

// The header of a packet this node originates, with the next IP id.
wire::Ipv4Header ip_header_for(Node& n, Ipv4 src, Ipv4 dst, uint8_t protocol, size_t l4_len,
                               uint8_t ttl, bool df) {
  wire::Ipv4Header h;
  h.src = src;
  h.dst = dst;
  h.protocol = protocol;
  h.ttl = ttl;
  h.df = df;
  h.id = n.next_ip_id++;
  h.total_len = static_cast<uint16_t>(wire::kIpv4HeaderLen + l4_len);
  return h;
}

// True when `dst` is the broadcast address of one of the node's subnets.
bool is_directed_broadcast(const Node& n, Ipv4 dst, int32_t* iface = nullptr) {
  for (size_t i = 0; i < n.ifaces.size(); ++i) {
    const auto& a = n.ifaces[i].addr;
    if (a && a->is_broadcast(dst)) {
      if (iface) *iface = static_cast<int32_t>(i);
      return true;
    }
  }
  return false;
}

bool l4_checksum_ok(const wire::Ipv4Header& ip, wire::ByteView l4) {
  switch (ip.protocol) {
    case wire::kProtoIcmp: return wire::icmp_checksum_ok(l4);
    case wire::kProtoUdp: return wire::udp_checksum_ok(ip.src, ip.dst, l4);
    case wire::kProtoTcp: return wire::tcp_checksum_ok(ip.src, ip.dst, l4);
    default: return true;
  }
}

void forward(World& w, int32_t node, int32_t in_iface, uint64_t id, const wire::Ipv4Header& ip,
             wire::ByteView ip_packet, const wire::SharedBytes& frame) {
  Node& n = w.node(node);
  const int32_t in_link = n.ifaces[static_cast<size_t>(in_iface)].link;
  // Linux routes the packet first (ip_route_input) and checks the TTL after (ip_forward),
  // so a packet with no route draws Net Unreachable even when its TTL is also spent.
  auto route = route_lookup(n, ip.dst);
  if (!route) {
    w.emit_packet(EvKind::Drop, node, in_link, id, frame, DropWhy::NoRoute);
    icmp_send_error(w, node, wire::kIcmpDestUnreachable, wire::kIcmpCodeNetUnreachable, ip_packet);
    return;
  }
  // RFC 1812 §5.3.1: a packet whose TTL would reach zero is discarded, with Time Exceeded.
  if (ip.ttl <= 1) {
    w.emit_packet(EvKind::Drop, node, in_link, id, frame, DropWhy::Ttl);
    const auto& in_addr = n.ifaces[static_cast<size_t>(in_iface)].addr;
    icmp_send_error(w, node, wire::kIcmpTimeExceeded, wire::kIcmpCodeTtlExceeded, ip_packet,
                    in_addr ? std::optional<Ipv4>(in_addr->addr) : std::nullopt);
    return;
  }
  // Decrement the TTL and rewrite the header checksum (RFC 1812 §5.3.1, §4.2.2.5).
  wire::Ipv4Header out = ip;
  out.ttl = static_cast<uint8_t>(ip.ttl - 1);
  out.ihl = 5;
  const size_t old_hlen = ip.ihl * 4u;
  wire::Bytes pkt = make_framed(wire::kIpv4HeaderLen + ip_packet.size() - old_hlen);
  wire::emit(out, pkt);
  pkt.insert(pkt.end(), ip_packet.begin() + static_cast<long>(old_hlen), ip_packet.end());
  // A directed broadcast to a connected subnet leaves as a link-layer broadcast.
  const Iface& out_if = n.ifaces[static_cast<size_t>(route->iface)];
  if (out_if.addr && out_if.addr->is_broadcast(ip.dst)) {
    ip_frame_send(w, node, route->iface, Mac::broadcast(), std::move(pkt), false);
    return;
  }
  arp_resolve_and_send(w, node, route->iface, route->next_hop, std::move(pkt), false);
}

}  // namespace

std::optional<Ipv4> ip_source_for(const Node& n, Ipv4 dst) {
  if (classify(dst) == AddressKind::Loopback) return dst;
  if (n.owns(dst)) return dst;
  auto route = route_lookup(n, dst);
  if (!route) return std::nullopt;
  const auto& a = n.ifaces[static_cast<size_t>(route->iface)].addr;
  if (!a) return std::nullopt;
  return a->addr;
}

wire::Bytes make_l4_framed(size_t l4_len) {
  wire::Bytes b = make_framed(wire::kIpv4HeaderLen + l4_len);
  b.resize(kL4Room);
  return b;
}

SendError ip_send(World& w, int32_t node, Ipv4 dst, uint8_t protocol, const wire::Bytes& l4,
                  const IpSendOptions& opt) {
  wire::Bytes framed = make_l4_framed(l4.size());
  framed.insert(framed.end(), l4.begin(), l4.end());
  return ip_send_framed(w, node, dst, protocol, std::move(framed), opt);
}

SendError ip_send_framed(World& w, int32_t node, Ipv4 dst, uint8_t protocol, wire::Bytes framed,
                         const IpSendOptions& opt) {
  Node& n = w.node(node);
  const wire::ByteView l4 = wire::ByteView(framed).subspan(kL4Room);
  // To ourselves, or to 127/8: the packet never leaves the host (RFC 1122 §3.2.1.3).
  if (n.owns(dst)) {
    Ipv4 src = opt.src ? *opt.src : dst;
    wire::Bytes pkt;
    pkt.reserve(wire::kIpv4HeaderLen + l4.size());
    wire::emit(ip_header_for(n, src, dst, protocol, l4.size(), opt.ttl, opt.df), pkt);
    pkt.insert(pkt.end(), l4.begin(), l4.end());
    // It goes through `lo`: counted once as sent and once as received, as Linux does.
    n.loopback.tx_packets++;
    n.loopback.tx_bytes += pkt.size();
    n.loopback.rx_packets++;
    n.loopback.rx_bytes += pkt.size();
    w.schedule(w.now(), EvLocalDeliver{node, std::move(pkt)});
    return SendError::None;
  }
  auto route = route_lookup(n, dst);
  if (!route) return SendError::NetUnreachable;
  const Iface& out = n.ifaces[static_cast<size_t>(route->iface)];
  if (!out.addr) return SendError::NoSourceAddress;
  const Ipv4 src = opt.src ? *opt.src : out.addr->addr;
  wire::emit_over(ip_header_for(n, src, dst, protocol, l4.size(), opt.ttl, opt.df),
                  std::span<uint8_t>(framed).subspan(wire::kEthernetHeaderLen));
  wire::Bytes pkt = std::move(framed);
  const bool on_link = !n.routes[static_cast<size_t>(route->route)].gateway;
  const bool broadcast = dst.v == 0xffffffffu ||
                         (on_link && out.addr->is_broadcast(dst));
  if (broadcast) {
    ip_frame_send(w, node, route->iface, Mac::broadcast(), std::move(pkt), true, opt.retx);
    return SendError::None;
  }
  arp_resolve_and_send(w, node, route->iface, route->next_hop, std::move(pkt), true, opt.retx);
  return SendError::None;
}

void node_receive(World& w, int32_t node, int32_t iface, uint64_t id, const wire::SharedBytes& frame) {
  Node& n = w.node(node);
  Iface& f = n.ifaces[static_cast<size_t>(iface)];
  auto eth = wire::parse_ethernet(frame);
  if (!eth) return;
  // The NIC keeps only frames for its own MAC and broadcasts.
  if (eth->dst != f.mac && !eth->dst.is_broadcast()) {
    f.counters.rx_dropped++;
    w.emit_packet(EvKind::Drop, node, f.link, id, frame, DropWhy::OtherHost);
    return;
  }
  wire::ByteView payload(frame.data() + wire::kEthernetHeaderLen,
                         frame.size() - wire::kEthernetHeaderLen);
  if (eth->ethertype == wire::kEtherTypeArp) {
    if (auto a = wire::parse_arp(payload)) arp_input(w, node, iface, *a);
    return;
  }
  if (eth->ethertype != wire::kEtherTypeIpv4) return;
  auto ip = wire::parse_ipv4(payload);
  if (!ip || !wire::ipv4_checksum_ok(payload)) {
    f.counters.rx_dropped++;
    w.emit_packet(EvKind::Drop, node, f.link, id, frame, DropWhy::Checksum);
    return;
  }
  // Ethernet padding after the IP packet is not part of it. The packet is read where it
  // lies in the frame (parse_ipv4 checked that total_len fits).
  const wire::ByteView ip_packet = payload.first(ip->total_len);
  // A broadcast for the subnet it arrived on is for us. A directed broadcast for another of
  // a router's subnets is forwarded there as a link-layer broadcast (RFC 1812 §5.3.5.2;
  // Linux does this with net.ipv4.conf.*.bc_forwarding = 1 — tcplab models a router
  // that forwards them, so the lesson can show one reaching a whole subnet).
  const bool arrived_subnet_broadcast = f.addr && f.addr->is_broadcast(ip->dst);
  const bool for_us = n.owns(ip->dst) || ip->dst.v == 0xffffffffu || arrived_subnet_broadcast ||
                      (!n.forwards() && is_directed_broadcast(n, ip->dst));
  if (for_us) {
    wire::ByteView l4(ip_packet.data() + ip->ihl * 4u, ip_packet.size() - ip->ihl * 4u);
    if (!l4_checksum_ok(*ip, l4)) {
      f.counters.rx_dropped++;
      w.emit_packet(EvKind::Drop, node, f.link, id, frame, DropWhy::Checksum);
      return;
    }
    ip_local_deliver(w, node, ip_packet, RxContext{id, f.link, std::addressof(frame)});
    return;
  }
  if (!n.forwards()) {
    // A host does not forward (ip_forward = 0): the packet is silently discarded.
    f.counters.rx_dropped++;
    w.emit_packet(EvKind::Drop, node, f.link, id, frame, DropWhy::OtherHost);
    return;
  }
  forward(w, node, iface, id, *ip, ip_packet, frame);
}

void drop_received(World& w, int32_t node, const RxContext& rx, wire::ByteView ip_packet,
                   DropWhy why) {
  if (rx.frame) {
    w.emit_packet(EvKind::Drop, node, rx.link, rx.id, *rx.frame, why);
    return;
  }
  wire::Bytes frame;
  wire::emit(wire::EthernetHeader{Mac{}, Mac{}, wire::kEtherTypeIpv4}, frame);
  frame.insert(frame.end(), ip_packet.begin(), ip_packet.end());
  w.emit_packet(EvKind::Drop, node, -1, w.new_frame_id(), frame, why);
}

void ip_local_deliver(World& w, int32_t node, wire::ByteView ip_packet, const RxContext& rx) {
  auto ip = wire::parse_ipv4(ip_packet);
  if (!ip) return;
  const size_t off = ip->ihl * 4u;
  const bool broadcast = !w.node(node).owns(ip->dst);
  switch (ip->protocol) {
    case wire::kProtoIcmp: icmp_input(w, node, *ip, ip_packet, off, broadcast, rx); break;
    case wire::kProtoUdp: udp_input(w, node, *ip, ip_packet, off, broadcast, rx); break;
    case wire::kProtoTcp: tcp_input(w, node, *ip, ip_packet, off, broadcast, rx); break;
    default:
      // No transport for this protocol: RFC 1122 §3.2.2.1 says a host answers protocol
      // unreachable.
      drop_received(w, node, rx, ip_packet, DropWhy::Closed);
      if (!broadcast)
        icmp_send_error(w, node, wire::kIcmpDestUnreachable, wire::kIcmpCodeProtoUnreachable,
                        ip_packet);
      break;
  }
}

void icmp_send_error(World& w, int32_t node, uint8_t type, uint8_t code,
                     wire::ByteView offending, std::optional<Ipv4> from) {
  auto ip = wire::parse_ipv4(offending);
  if (!ip) return;
  // RFC 1812 §4.3.2.7: never about an ICMP error, a broadcast or multicast, a
  // non-initial fragment, or a packet whose source is not a unicast host.
  if (ip->frag_offset != 0) return;
  const AddressKind src_kind = classify(ip->src);
  if (src_kind == AddressKind::Unspecified || src_kind == AddressKind::LimitedBroadcast ||
      src_kind == AddressKind::Multicast || src_kind == AddressKind::Reserved)
    return;
  Node& n = w.node(node);
  if (ip->dst.v == 0xffffffffu || classify(ip->dst) == AddressKind::Multicast ||
      is_directed_broadcast(n, ip->dst))
    return;
  if (ip->protocol == wire::kProtoIcmp && offending.size() >= ip->ihl * 4u + 1) {
    const uint8_t t = offending[ip->ihl * 4u];
    if (t != wire::kIcmpEchoRequest && t != wire::kIcmpEchoReply) return;
  }
  // Linux quotes as much of the original as fits in 576 bytes (RFC 1812 §4.3.2.3).
  const size_t quoted = std::min<size_t>(offending.size(), 576 - 20 - 8);
  wire::Bytes body(offending.begin(), offending.begin() + static_cast<long>(quoted));
  wire::Bytes msg;
  wire::emit_icmp(wire::IcmpHeader{type, code, 0, 0, 0}, body, msg);
  IpSendOptions opt;
  opt.df = false;
  opt.src = from ? from : ip_source_for(n, ip->src);
  if (!opt.src) return;
  ip_send(w, node, ip->src, wire::kProtoIcmp, msg, opt);
}

}  // namespace tcplab
