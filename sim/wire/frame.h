// A whole Ethernet frame taken apart layer by layer, for everything that looks at
// packets from outside the protocol code: trace formatting, pcap checks, the fault
// filter, the inspector. Never throws; what could not be parsed is said in `error`.
#pragma once
#include <optional>
#include <string>

#include "sim/wire/headers.h"

namespace tcplab::wire {

struct ParsedFrame {
  EthernetHeader eth;
  std::optional<ArpPacket> arp;
  std::optional<Ipv4Header> ip;
  bool ip_checksum_ok = true;
  std::optional<IcmpHeader> icmp;
  std::optional<UdpHeader> udp;
  std::optional<TcpHeader> tcp;
  bool l4_checksum_ok = true;  // ICMP/UDP/TCP checksum (true when there is no L4)
  size_t l4_offset = 0;        // where the ICMP/UDP/TCP header starts in the frame
  size_t payload_offset = 0;   // first byte after the innermost parsed header
  size_t payload_len = 0;      // application bytes (UDP/TCP payload, ICMP body)
  // For ICMP errors (dest unreachable, time exceeded): the quoted original IP header
  // and, when present, its first 8 transport bytes.
  std::optional<Ipv4Header> quoted_ip;
  std::optional<UdpHeader> quoted_udp;
  std::optional<uint16_t> quoted_sport, quoted_dport;
  std::string error;  // empty when every layer present parsed
};

ParsedFrame parse_frame(ByteView frame);

// Builders used by the protocol code: a whole frame, padded to the Ethernet minimum.
// The IPv4 header's total_len and checksum are computed here.
Bytes build_arp_frame(const EthernetHeader& eth, const ArpPacket& arp);
Bytes build_ipv4_frame(const EthernetHeader& eth, Ipv4Header ip, ByteView l4);

}  // namespace tcplab::wire
