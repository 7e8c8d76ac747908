// Whole-frame dissection and construction (see frame.h). Dissection goes outside in:
// Ethernet -> ARP | IPv4 -> ICMP | UDP | TCP, stopping at the first layer that does not
// parse and saying why in `error`; everything parsed before that stays filled in.
#include "sim/wire/frame.h"

#include "sim/wire/checksum.h"

namespace tcplab::wire {
namespace {

uint16_t get16(ByteView b, size_t at) { return uint16_t(b[at] << 8 | b[at + 1]); }

// RFC 792: dest-unreachable and time-exceeded carry the offending datagram's IP header
// plus its first 64 bits of data, which for UDP and TCP hold the ports (and UDP's whole
// header). The original total_len counts bytes that were not quoted.
void parse_icmp_quote(ByteView quote, ParsedFrame& f) {
  auto ip = parse_ipv4_quoted(quote);
  if (!ip) {
    f.error = "icmp quote: " + ip.error().message;
    return;
  }
  f.quoted_ip = *ip;
  // A non-first fragment carries no transport header to quote.
  if (ip->frag_offset != 0) return;
  const ByteView l4 = quote.subspan(size_t(ip->ihl) * 4);
  if (ip->protocol != kProtoUdp && ip->protocol != kProtoTcp) return;
  if (l4.size() < 4) return;  // RFC 1812 routers quote more; RFC 792 hosts at least 8
  f.quoted_sport = get16(l4, 0);
  f.quoted_dport = get16(l4, 2);
  if (ip->protocol == kProtoUdp && l4.size() >= kUdpHeaderLen)
    f.quoted_udp = UdpHeader{get16(l4, 0), get16(l4, 2), get16(l4, 4), get16(l4, 6)};
}

void parse_l4(ByteView l4, ParsedFrame& f) {
  const Ipv4Header& ip = *f.ip;
  switch (ip.protocol) {
    case kProtoIcmp: {
      auto h = parse_icmp(l4);
      if (!h) {
        f.error = h.error().message;
        return;
      }
      f.icmp = *h;
      f.l4_checksum_ok = icmp_checksum_ok(l4);
      f.payload_offset = f.l4_offset + kIcmpHeaderLen;
      f.payload_len = l4.size() - kIcmpHeaderLen;
      if (h->type == kIcmpDestUnreachable || h->type == kIcmpTimeExceeded)
        parse_icmp_quote(l4.subspan(kIcmpHeaderLen), f);
      return;
    }
    case kProtoUdp: {
      auto h = parse_udp(l4);
      if (!h) {
        f.error = h.error().message;
        return;
      }
      f.udp = *h;
      f.l4_checksum_ok = udp_checksum_ok(ip.src, ip.dst, l4);
      f.payload_offset = f.l4_offset + kUdpHeaderLen;
      f.payload_len = h->length - kUdpHeaderLen;
      return;
    }
    case kProtoTcp: {
      auto h = parse_tcp(l4);
      if (!h) {
        f.error = h.error().message;
        return;
      }
      f.tcp = *h;
      f.l4_checksum_ok = tcp_checksum_ok(ip.src, ip.dst, l4);
      const size_t header = size_t(h->data_offset) * 4;
      f.payload_offset = f.l4_offset + header;
      f.payload_len = l4.size() - header;
      return;
    }
    default:
      return;  // another protocol: its bytes are the payload
  }
}

void pad_to_minimum(Bytes& frame) {
  // IEEE 802.3 §3.2.8: a frame shorter than the minimum is padded; receivers find the
  // real end of an IPv4 packet from its total_len.
  if (frame.size() < kEthernetMinFrame) frame.resize(kEthernetMinFrame, 0);
}

}  // namespace

ParsedFrame parse_frame(ByteView frame) {
  ParsedFrame f;
  auto eth = parse_ethernet(frame);
  if (!eth) {
    f.error = eth.error().message;
    return f;
  }
  f.eth = *eth;
  const ByteView body = frame.subspan(kEthernetHeaderLen);
  f.payload_offset = kEthernetHeaderLen;
  f.payload_len = body.size();

  if (f.eth.ethertype == kEtherTypeArp) {
    auto arp = parse_arp(body);
    if (!arp) {
      f.error = arp.error().message;
      return f;
    }
    f.arp = *arp;
    f.payload_offset = kEthernetHeaderLen + kArpLen;
    f.payload_len = 0;  // what follows the 28 bytes is Ethernet padding
    return f;
  }
  if (f.eth.ethertype != kEtherTypeIpv4) return f;

  auto ip = parse_ipv4(body);
  if (!ip) {
    f.error = ip.error().message;
    return f;
  }
  f.ip = *ip;
  f.ip_checksum_ok = ipv4_checksum_ok(body);
  const size_t header = size_t(ip->ihl) * 4;
  f.l4_offset = kEthernetHeaderLen + header;
  // Bytes past total_len are Ethernet padding, not part of the datagram.
  const ByteView l4 = body.subspan(header, ip->total_len - header);
  f.payload_offset = f.l4_offset;
  f.payload_len = l4.size();
  // A fragment holds only part of the transport message: a later one has no transport
  // header, and no fragment alone can be checksummed. Like Wireshark without
  // reassembly, show it as IP payload.
  if (ip->mf || ip->frag_offset != 0) return f;
  parse_l4(l4, f);
  return f;
}

Bytes build_arp_frame(const EthernetHeader& eth, const ArpPacket& arp) {
  Bytes out;
  out.reserve(kEthernetMinFrame);
  EthernetHeader e = eth;
  e.ethertype = kEtherTypeArp;  // the frame carries ARP whatever the caller left here
  emit(e, out);
  emit(arp, out);
  pad_to_minimum(out);
  return out;
}

Bytes build_ipv4_frame(const EthernetHeader& eth, Ipv4Header ip, ByteView l4) {
  Bytes out;
  out.reserve(kEthernetHeaderLen + kIpv4HeaderLen + l4.size());
  EthernetHeader e = eth;
  e.ethertype = kEtherTypeIpv4;
  emit(e, out);
  ip.ihl = 5;  // emit() writes no options
  ip.total_len = uint16_t(kIpv4HeaderLen + l4.size());
  emit(ip, out);
  out.insert(out.end(), l4.begin(), l4.end());
  pad_to_minimum(out);
  return out;
}

}  // namespace tcplab::wire
