// Byte-accurate headers of Ethernet II, ARP, IPv4, ICMP, UDP and TCP as plain values
// (DESIGN.md principle 6). Each has `parse` (bounds-checked, rejects what cannot be on a
// wire, with a reason) and `emit` (appends the exact bytes). No protocol logic here:
// the layers above decide what to send; this file only knows where the bits go.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sim/core/result.h"
#include "sim/wire/address.h"

namespace tcplab::wire {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

// ---- Ethernet II (IEEE 802.3 with an EtherType) --------------------------------------
constexpr uint16_t kEtherTypeIpv4 = 0x0800;
constexpr uint16_t kEtherTypeArp = 0x0806;
constexpr size_t kEthernetHeaderLen = 14;
constexpr size_t kEthernetMinFrame = 60;  // without the FCS, which is not modelled
constexpr size_t kEthernetMtu = 1500;

struct EthernetHeader {
  Mac dst, src;
  uint16_t ethertype = 0;
  bool operator==(const EthernetHeader&) const = default;
};
Result<EthernetHeader> parse_ethernet(ByteView frame);  // needs >= 14 bytes
void emit(const EthernetHeader& h, Bytes& out);
// Writes the header over the first kEthernetHeaderLen bytes of `frame` (which has them).
void emit_over(const EthernetHeader& h, std::span<uint8_t> frame);

// ---- ARP for IPv4 over Ethernet (RFC 826) ----------------------------------------------
constexpr uint16_t kArpRequest = 1;
constexpr uint16_t kArpReply = 2;
constexpr size_t kArpLen = 28;

struct ArpPacket {
  uint16_t op = kArpRequest;
  Mac sha;   // sender hardware address
  Ipv4 spa;  // sender protocol address
  Mac tha;   // target hardware address (zero in a request)
  Ipv4 tpa;  // target protocol address
  bool operator==(const ArpPacket&) const = default;
};
// Rejects htype != 1, ptype != 0x0800, hlen != 6, plen != 4, op not 1 or 2.
Result<ArpPacket> parse_arp(ByteView payload);
void emit(const ArpPacket& a, Bytes& out);

// ---- IPv4 (RFC 791) --------------------------------------------------------------------
constexpr uint8_t kProtoIcmp = 1;
constexpr uint8_t kProtoTcp = 6;
constexpr uint8_t kProtoUdp = 17;
constexpr size_t kIpv4HeaderLen = 20;

struct Ipv4Header {
  uint8_t dscp_ecn = 0;
  uint16_t total_len = 0;  // header + payload; emit() writes what is given
  uint16_t id = 0;
  bool df = false;
  bool mf = false;
  uint16_t frag_offset = 0;  // in 8-byte units
  uint8_t ttl = 64;
  uint8_t protocol = 0;
  uint16_t checksum = 0;  // as read by parse; emit() computes a correct one
  Ipv4 src, dst;
  uint8_t ihl = 5;  // header length in 32-bit words; options (ihl > 5) are skipped on parse
  bool operator==(const Ipv4Header&) const = default;
};
// Rejects version != 4, ihl < 5, total_len < header or > the bytes given. Does not
// reject a bad checksum: use ipv4_checksum_ok() (a receiver drops, an inspector shows).
Result<Ipv4Header> parse_ipv4(ByteView packet);
bool ipv4_checksum_ok(ByteView packet);  // over the ihl*4 header bytes
// The header quoted in an ICMP error (RFC 792): only the header need be present, since
// the quote keeps just 8 bytes of the original payload while total_len still counts all.
Result<Ipv4Header> parse_ipv4_quoted(ByteView quote);
void emit(const Ipv4Header& h, Bytes& out);  // 20 bytes, checksum filled in
void emit_over(const Ipv4Header& h, std::span<uint8_t> at);  // the same over at's first 20 bytes

// ---- ICMP (RFC 792) --------------------------------------------------------------------
constexpr uint8_t kIcmpEchoReply = 0;
constexpr uint8_t kIcmpDestUnreachable = 3;
constexpr uint8_t kIcmpEchoRequest = 8;
constexpr uint8_t kIcmpTimeExceeded = 11;
constexpr uint8_t kIcmpCodeNetUnreachable = 0;
constexpr uint8_t kIcmpCodeHostUnreachable = 1;
constexpr uint8_t kIcmpCodeProtoUnreachable = 2;
constexpr uint8_t kIcmpCodePortUnreachable = 3;
constexpr uint8_t kIcmpCodeTtlExceeded = 0;
constexpr size_t kIcmpHeaderLen = 8;

struct IcmpHeader {
  uint8_t type = 0, code = 0;
  uint16_t checksum = 0;  // as read; emit() computes it over header + body
  uint16_t id = 0;        // echo: identifier; others: first half of the "rest" word
  uint16_t seq = 0;       // echo: sequence;   others: second half
  bool operator==(const IcmpHeader&) const = default;
};
Result<IcmpHeader> parse_icmp(ByteView message);  // needs >= 8 bytes
bool icmp_checksum_ok(ByteView message);           // over the whole message
// Appends header + body with the checksum computed over both.
void emit_icmp(const IcmpHeader& h, ByteView body, Bytes& out);

// ---- UDP (RFC 768) ---------------------------------------------------------------------
constexpr size_t kUdpHeaderLen = 8;

struct UdpHeader {
  uint16_t sport = 0, dport = 0;
  uint16_t length = 0;    // header + payload
  uint16_t checksum = 0;  // as read; 0 = none was sent
  bool operator==(const UdpHeader&) const = default;
};
// Rejects length < 8 or > the bytes given.
Result<UdpHeader> parse_udp(ByteView datagram);
// With the pseudo-header; a zero stored checksum counts as "not computed" = ok.
bool udp_checksum_ok(Ipv4 src, Ipv4 dst, ByteView datagram);
// Appends header + payload, length and checksum computed (0 is sent as 0xffff).
void emit_udp(const UdpHeader& h, Ipv4 src, Ipv4 dst, ByteView payload, Bytes& out);

// ---- TCP (RFC 9293 §3.1) ---------------------------------------------------------------
namespace tcpflag {
constexpr uint8_t FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10, URG = 0x20,
                  ECE = 0x40, CWR = 0x80;
}
constexpr size_t kTcpHeaderLen = 20;
constexpr size_t kTcpMaxHeaderLen = 60;  // data offset 15 words: 40 bytes of options (RFC 9293 §3.1)

struct TcpHeader {
  uint16_t sport = 0, dport = 0;
  uint32_t seq = 0, ack = 0;
  uint8_t flags = 0;
  uint16_t window = 0;
  uint16_t checksum = 0;  // as read; emit computes it
  uint16_t urgent = 0;
  uint8_t data_offset = 5;  // in 32-bit words, as read; emit derives it from the options
  // Options (RFC 9293 §3.2; RFC 7323 window scale and timestamps; RFC 2018 SACK-permitted).
  std::optional<uint16_t> mss;
  std::optional<uint8_t> window_scale;
  bool sack_permitted = false;
  std::optional<std::pair<uint32_t, uint32_t>> timestamps;  // TSval, TSecr
  bool operator==(const TcpHeader&) const = default;
};
// Rejects data offset < 5 or beyond the bytes given, and malformed option lengths.
Result<TcpHeader> parse_tcp(ByteView segment);
bool tcp_checksum_ok(Ipv4 src, Ipv4 dst, ByteView segment);
// Appends header (options padded with NOPs/EOL to a 4-byte multiple) + payload, checksum computed.
void emit_tcp(const TcpHeader& h, Ipv4 src, Ipv4 dst, ByteView payload, Bytes& out);
// "SYN|ACK", "FIN|ACK", "RST", "PSH|ACK", "" for none: the trace's spelling (DESIGN.md).
std::string tcp_flags_string(uint8_t flags);

}  // namespace tcplab::wire
