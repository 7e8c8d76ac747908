// ParsedFrame -> PacketFields (packet_fields.h). Only reads header values; no bytes.
#include "sim/scenario/packet_fields.h"

namespace tcplab {

PacketFields packet_fields(const wire::ParsedFrame& f, size_t frame_len) {
  PacketFields p;
  p.frame_len = uint32_t(frame_len);
  p.is_arp = f.arp.has_value();
  if (f.arp) {
    p.arp_opcode = f.arp->op;
    p.arp_spa = f.arp->spa;
    p.arp_tpa = f.arp->tpa;
  }
  if (f.ip) {
    p.ip_src = f.ip->src;
    p.ip_dst = f.ip->dst;
    p.ip_ttl = f.ip->ttl;
    p.ip_proto = f.ip->protocol;
    p.ip_id = f.ip->id;
  }
  if (f.udp) {
    p.udp_sport = f.udp->sport;
    p.udp_dport = f.udp->dport;
    p.udp_length = f.udp->length;
  }
  if (f.tcp) {
    p.tcp_sport = f.tcp->sport;
    p.tcp_dport = f.tcp->dport;
    p.tcp_flags = f.tcp->flags;
    p.tcp_seq = f.tcp->seq;  // absolute: see packet_fields.h
    p.tcp_ack = f.tcp->ack;
    p.tcp_len = uint32_t(f.payload_len);
  }
  if (f.icmp) {
    p.icmp_type = f.icmp->type;
    p.icmp_code = f.icmp->code;
  }
  return p;
}

}  // namespace tcplab
