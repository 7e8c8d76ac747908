// ICMP input (RFC 792, RFC 1122 §3.2.2): answer echo requests, hand echo replies and
// errors to the programs that are waiting for them (ping, traceroute).
#include "sim/net/layers.h"

namespace tcplab {

void icmp_input(World& w, int32_t node, const wire::Ipv4Header& ip, wire::ByteView ip_packet,
                size_t l4_offset, bool broadcast, const RxContext&) {
  wire::ByteView msg(ip_packet.data() + l4_offset, ip_packet.size() - l4_offset);
  auto icmp = wire::parse_icmp(msg);
  if (!icmp) return;
  switch (icmp->type) {
    case wire::kIcmpEchoRequest: {
      // Linux ignores echo requests sent to a broadcast address
      // (net.ipv4.icmp_echo_ignore_broadcasts = 1), against RFC 1122 §3.2.2.6's MAY.
      if (broadcast) return;
      wire::IcmpHeader reply = *icmp;
      reply.type = wire::kIcmpEchoReply;
      wire::Bytes out;
      wire::emit_icmp(reply, msg.subspan(wire::kIcmpHeaderLen), out);
      IpSendOptions opt;
      opt.df = false;
      opt.src = ip.dst;
      ip_send(w, node, ip.src, wire::kProtoIcmp, out, opt);
      return;
    }
    case wire::kIcmpEchoReply:
      programs_echo_reply(w, node, ip, *icmp, msg.size());
      return;
    case wire::kIcmpDestUnreachable:
    case wire::kIcmpTimeExceeded:
      programs_icmp_error(w, node, ip.src, icmp->type, icmp->code,
                          msg.subspan(wire::kIcmpHeaderLen));
      return;
    default:
      return;
  }
}

}  // namespace tcplab
