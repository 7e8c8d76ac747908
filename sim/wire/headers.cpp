// Header parse/emit for Ethernet II, ARP, IPv4, ICMP, UDP and TCP (see headers.h).
// Every multi-byte field is big-endian on the wire (RFC 1700 "network byte order");
// the structs hold host-order values. Field offsets are written beside each access as
// the RFC diagrams number them, so a reader can check them against the RFC.
#include "sim/wire/headers.h"

#include <string_view>

#include "sim/wire/checksum.h"

namespace tcplab::wire {
namespace {

uint16_t get16(ByteView b, size_t at) { return uint16_t(b[at] << 8 | b[at + 1]); }
uint32_t get32(ByteView b, size_t at) {
  return uint32_t(b[at]) << 24 | uint32_t(b[at + 1]) << 16 | uint32_t(b[at + 2]) << 8 | b[at + 3];
}
Mac get_mac(ByteView b, size_t at) {
  Mac m;
  for (size_t i = 0; i < 6; ++i) m.b[i] = b[at + i];
  return m;
}
Ipv4 get_ip(ByteView b, size_t at) { return Ipv4(get32(b, at)); }

// Always inlined: a header is written a field at a time into a vector that already has room,
// and the calls were a twentieth of a bulk transfer's time when GCC kept them out of line.
[[gnu::always_inline]] inline void put8(Bytes& out, uint8_t v) { out.push_back(v); }
[[gnu::always_inline]] inline void put16(Bytes& out, uint16_t v) {
  out.push_back(uint8_t(v >> 8));
  out.push_back(uint8_t(v));
}
[[gnu::always_inline]] inline void put32(Bytes& out, uint32_t v) {
  put16(out, uint16_t(v >> 16));
  put16(out, uint16_t(v));
}
void put_mac(Bytes& out, const Mac& m) { out.insert(out.end(), m.b.begin(), m.b.end()); }
void put_ip(Bytes& out, Ipv4 a) { put32(out, a.v); }
// Overwrites a 16-bit field already appended (checksums are known only at the end).
void set16(std::span<uint8_t> out, size_t at, uint16_t v) {
  out[at] = uint8_t(v >> 8);
  out[at + 1] = uint8_t(v);
}

ParseError fail(std::string_view layer, std::string what, size_t offset) {
  return ParseError{std::string(layer) + ": " + what, offset};
}
std::string n(size_t v) { return std::to_string(v); }

// Checks version and IHL; total_len is checked (or not) by the caller.
Result<Ipv4Header> parse_ipv4_fixed(ByteView p) {
  if (p.size() < kIpv4HeaderLen)
    return fail("ipv4", "truncated: " + n(p.size()) + " bytes, the header needs 20", 0);
  const uint8_t version = p[0] >> 4;
  if (version != 4) return fail("ipv4", "version is " + n(version) + ", not 4", 0);
  Ipv4Header h;
  h.ihl = p[0] & 0x0f;
  if (h.ihl < 5) return fail("ipv4", "IHL " + n(h.ihl) + " is below the minimum of 5 words", 0);
  if (size_t(h.ihl) * 4 > p.size())
    return fail("ipv4",
                "IHL " + n(h.ihl) + " (" + n(h.ihl * 4u) + " bytes) exceeds the " + n(p.size()) +
                    " bytes present",
                0);
  h.dscp_ecn = p[1];
  h.total_len = get16(p, 2);
  h.id = get16(p, 4);
  // RFC 791 §3.1: bit 0 reserved (ignored), bit 1 DF, bit 2 MF, then a 13-bit offset.
  const uint16_t flags_frag = get16(p, 6);
  h.df = (flags_frag & 0x4000) != 0;
  h.mf = (flags_frag & 0x2000) != 0;
  h.frag_offset = flags_frag & 0x1fff;
  h.ttl = p[8];
  h.protocol = p[9];
  h.checksum = get16(p, 10);
  h.src = get_ip(p, 12);
  h.dst = get_ip(p, 16);
  return h;
}

}  // namespace

// ---- Ethernet II -----------------------------------------------------------------------

Result<EthernetHeader> parse_ethernet(ByteView frame) {
  if (frame.size() < kEthernetHeaderLen)
    return fail("ethernet", "truncated: " + n(frame.size()) + " bytes, the header needs 14", 0);
  EthernetHeader h;
  h.dst = get_mac(frame, 0);
  h.src = get_mac(frame, 6);
  h.ethertype = get16(frame, 12);
  return h;
}

void emit(const EthernetHeader& h, Bytes& out) {
  const size_t start = out.size();
  out.resize(start + kEthernetHeaderLen);
  emit_over(h, std::span<uint8_t>(out).subspan(start));
}

void emit_over(const EthernetHeader& h, std::span<uint8_t> frame) {
  std::copy(h.dst.b.begin(), h.dst.b.end(), frame.begin());
  std::copy(h.src.b.begin(), h.src.b.end(), frame.begin() + 6);
  set16(frame, 12, h.ethertype);
}

// ---- ARP (RFC 826) ---------------------------------------------------------------------

Result<ArpPacket> parse_arp(ByteView p) {
  if (p.size() < kArpLen)
    return fail("arp", "truncated: " + n(p.size()) + " bytes, a packet needs 28", 0);
  // Only Ethernet/IPv4 ARP exists in the simulator; anything else cannot be interpreted.
  if (get16(p, 0) != 1)
    return fail("arp", "hardware type " + n(get16(p, 0)) + ", not Ethernet (1)", 0);
  if (get16(p, 2) != kEtherTypeIpv4)
    return fail("arp", "protocol type " + n(get16(p, 2)) + ", not IPv4 (0x0800)", 2);
  if (p[4] != 6) return fail("arp", "hardware length " + n(p[4]) + ", not 6", 4);
  if (p[5] != 4) return fail("arp", "protocol length " + n(p[5]) + ", not 4", 5);
  ArpPacket a;
  a.op = get16(p, 6);
  if (a.op != kArpRequest && a.op != kArpReply)
    return fail("arp", "opcode " + n(a.op) + " is neither request (1) nor reply (2)", 6);
  a.sha = get_mac(p, 8);
  a.spa = get_ip(p, 14);
  a.tha = get_mac(p, 18);
  a.tpa = get_ip(p, 24);
  return a;
}

void emit(const ArpPacket& a, Bytes& out) {
  put16(out, 1);  // htype: Ethernet
  put16(out, kEtherTypeIpv4);
  put8(out, 6);
  put8(out, 4);
  put16(out, a.op);
  put_mac(out, a.sha);
  put_ip(out, a.spa);
  put_mac(out, a.tha);
  put_ip(out, a.tpa);
}

// ---- IPv4 (RFC 791) --------------------------------------------------------------------

Result<Ipv4Header> parse_ipv4(ByteView p) {
  auto r = parse_ipv4_fixed(p);
  if (!r) return r;
  const size_t header = size_t(r->ihl) * 4;
  if (r->total_len < header)
    return fail(
        "ipv4",
        "total length " + n(r->total_len) + " is shorter than the " + n(header) + "-byte header",
        2);
  if (r->total_len > p.size())
    return fail("ipv4",
                "truncated: total length " + n(r->total_len) + " but only " + n(p.size()) +
                    " bytes present",
                2);
  return r;
}

Result<Ipv4Header> parse_ipv4_quoted(ByteView quote) { return parse_ipv4_fixed(quote); }

bool ipv4_checksum_ok(ByteView p) {
  if (p.size() < kIpv4HeaderLen) return false;
  const size_t header = size_t(p[0] & 0x0f) * 4;
  if (header < kIpv4HeaderLen || header > p.size()) return false;
  // RFC 791 §3.1: the sum over the header including the checksum field folds to all ones.
  return checksum_finish(checksum_add(p.first(header))) == 0;
}

void emit(const Ipv4Header& h, Bytes& out) {
  const size_t start = out.size();
  out.resize(start + kIpv4HeaderLen);
  emit_over(h, std::span<uint8_t>(out).subspan(start));
}

void emit_over(const Ipv4Header& h, std::span<uint8_t> at) {
  at[0] = 0x45;  // version 4, IHL 5: this simulator never sends IP options
  at[1] = h.dscp_ecn;
  set16(at, 2, h.total_len);
  set16(at, 4, h.id);
  set16(at, 6, uint16_t((h.df ? 0x4000 : 0) | (h.mf ? 0x2000 : 0) | (h.frag_offset & 0x1fff)));
  at[8] = h.ttl;
  at[9] = h.protocol;
  set16(at, 10, 0);  // checksum, computed below over the header with this field zero
  set16(at, 12, uint16_t(h.src.v >> 16));
  set16(at, 14, uint16_t(h.src.v));
  set16(at, 16, uint16_t(h.dst.v >> 16));
  set16(at, 18, uint16_t(h.dst.v));
  set16(at, 10, checksum_finish(checksum_add(ByteView(at.data(), kIpv4HeaderLen))));
}

// ---- ICMP (RFC 792) --------------------------------------------------------------------

Result<IcmpHeader> parse_icmp(ByteView m) {
  if (m.size() < kIcmpHeaderLen)
    return fail("icmp", "truncated: " + n(m.size()) + " bytes, the header needs 8", 0);
  IcmpHeader h;
  h.type = m[0];
  h.code = m[1];
  h.checksum = get16(m, 2);
  h.id = get16(m, 4);
  h.seq = get16(m, 6);
  return h;
}

bool icmp_checksum_ok(ByteView m) {
  if (m.size() < kIcmpHeaderLen) return false;
  return checksum_finish(checksum_add(m)) == 0;
}

void emit_icmp(const IcmpHeader& h, ByteView body, Bytes& out) {
  const size_t start = out.size();
  put8(out, h.type);
  put8(out, h.code);
  put16(out, 0);
  put16(out, h.id);
  put16(out, h.seq);
  out.insert(out.end(), body.begin(), body.end());
  // RFC 792: the checksum covers the ICMP message, header and data, with the field zero.
  set16(out, start + 2, checksum_finish(checksum_add(ByteView(out).subspan(start))));
}

// ---- UDP (RFC 768) ---------------------------------------------------------------------

Result<UdpHeader> parse_udp(ByteView d) {
  if (d.size() < kUdpHeaderLen)
    return fail("udp", "truncated: " + n(d.size()) + " bytes, the header needs 8", 0);
  UdpHeader h;
  h.sport = get16(d, 0);
  h.dport = get16(d, 2);
  h.length = get16(d, 4);
  h.checksum = get16(d, 6);
  if (h.length < kUdpHeaderLen)
    return fail("udp", "length " + n(h.length) + " is shorter than the 8-byte header", 4);
  if (h.length > d.size())
    return fail("udp",
                "truncated: length " + n(h.length) + " but only " + n(d.size()) + " bytes present",
                4);
  return h;
}

bool udp_checksum_ok(Ipv4 src, Ipv4 dst, ByteView d) {
  auto h = parse_udp(d);
  if (!h) return false;
  // RFC 768: "An all zero transmitted checksum value means that the transmitter
  // generated no checksum", so there is nothing to verify.
  if (h->checksum == 0) return true;
  // The sum covers the UDP length, not trailing bytes the IP layer may carry.
  uint32_t sum = pseudo_header_sum(src, dst, kProtoUdp, h->length);
  return checksum_finish(checksum_add(d.first(h->length), sum)) == 0;
}

void emit_udp(const UdpHeader& h, Ipv4 src, Ipv4 dst, ByteView payload, Bytes& out) {
  const size_t start = out.size();
  const auto length = uint16_t(kUdpHeaderLen + payload.size());
  put16(out, h.sport);
  put16(out, h.dport);
  put16(out, length);
  put16(out, 0);
  out.insert(out.end(), payload.begin(), payload.end());
  uint16_t c = checksum_finish(
      checksum_add(ByteView(out).subspan(start), pseudo_header_sum(src, dst, kProtoUdp, length)));
  // RFC 768: a computed zero is sent as all ones, since zero on the wire means "none".
  if (c == 0) c = 0xffff;
  set16(out, start + 6, c);
}

// ---- TCP (RFC 9293 §3.1) ---------------------------------------------------------------
namespace {

// Option kinds (RFC 9293 §3.2, RFC 7323, RFC 2018).
constexpr uint8_t kOptEol = 0, kOptNop = 1, kOptMss = 2, kOptWscale = 3, kOptSackPerm = 4,
                  kOptTimestamps = 8;

// Walks the options area. Known kinds must have their fixed length; unknown kinds are
// skipped by their length byte, as RFC 9293 §3.2 requires ("must be prepared to handle
// an illegal option length ... without crashing"), rejecting lengths that cannot be.
std::optional<ParseError> parse_tcp_options(ByteView opts, TcpHeader& h) {
  size_t i = 0;
  while (i < opts.size()) {
    const uint8_t kind = opts[i];
    const size_t at = kTcpHeaderLen + i;  // offset within the segment, for the error
    if (kind == kOptEol) break;           // the rest is padding
    if (kind == kOptNop) {
      ++i;
      continue;
    }
    if (i + 1 >= opts.size()) return fail("tcp", "option " + n(kind) + " has no length byte", at);
    const uint8_t len = opts[i + 1];
    if (len < 2)
      return fail("tcp", "option " + n(kind) + " has length " + n(len) + " (minimum 2)", at + 1);
    if (i + len > opts.size())
      return fail("tcp", "option " + n(kind) + " of length " + n(len) + " runs past the header",
                  at + 1);
    auto need = [&](uint8_t want) -> std::optional<ParseError> {
      if (len == want) return std::nullopt;
      return fail("tcp", "option " + n(kind) + " has length " + n(len) + ", expected " + n(want),
                  at + 1);
    };
    const ByteView body = opts.subspan(i + 2, len - 2u);
    switch (kind) {
      case kOptMss:
        if (auto e = need(4)) return e;
        h.mss = get16(body, 0);
        break;
      case kOptWscale:
        if (auto e = need(3)) return e;
        // Kept as sent; clamping a shift above 14 (RFC 7323 §2.3) is the socket's job.
        h.window_scale = body[0];
        break;
      case kOptSackPerm:
        if (auto e = need(2)) return e;
        h.sack_permitted = true;
        break;
      case kOptTimestamps:
        if (auto e = need(10)) return e;
        h.timestamps = std::pair{get32(body, 0), get32(body, 4)};
        break;
      default:
        break;  // unknown (e.g. SACK blocks, MD5): skipped by length
    }
    i += len;
  }
  return std::nullopt;
}

// Lays options out as Linux's tcp_options_write() does, so a capture of the simulator
// looks like one of Linux: MSS; then SACK-permitted folded into the two bytes that would
// otherwise be NOP NOP before timestamps; then NOP + window scale; then, with no
// timestamps, NOP NOP SACK-permitted. Each group is 4-byte aligned, so no tail padding.
void emit_tcp_options(const TcpHeader& h, Bytes& out) {
  if (h.mss) {
    put8(out, kOptMss);
    put8(out, 4);
    put16(out, *h.mss);
  }
  if (h.timestamps) {
    if (h.sack_permitted) {
      put8(out, kOptSackPerm);
      put8(out, 2);
    } else {
      put8(out, kOptNop);
      put8(out, kOptNop);
    }
    put8(out, kOptTimestamps);
    put8(out, 10);
    put32(out, h.timestamps->first);
    put32(out, h.timestamps->second);
  }
  if (h.window_scale) {
    put8(out, kOptNop);
    put8(out, kOptWscale);
    put8(out, 3);
    put8(out, *h.window_scale);
  }
  if (h.sack_permitted && !h.timestamps) {
    put8(out, kOptNop);
    put8(out, kOptNop);
    put8(out, kOptSackPerm);
    put8(out, 2);
  }
}

}  // namespace

Result<TcpHeader> parse_tcp(ByteView s) {
  if (s.size() < kTcpHeaderLen)
    return fail("tcp", "truncated: " + n(s.size()) + " bytes, the header needs 20", 0);
  TcpHeader h;
  h.sport = get16(s, 0);
  h.dport = get16(s, 2);
  h.seq = get32(s, 4);
  h.ack = get32(s, 8);
  h.data_offset = s[12] >> 4;  // the low nibble is reserved (and the old ECN-nonce bit)
  h.flags = s[13];
  h.window = get16(s, 14);
  h.checksum = get16(s, 16);
  h.urgent = get16(s, 18);
  const size_t header = size_t(h.data_offset) * 4;
  if (h.data_offset < 5)
    return fail("tcp", "data offset " + n(h.data_offset) + " is below the minimum of 5 words", 12);
  if (header > s.size())
    return fail("tcp",
                "data offset " + n(h.data_offset) + " (" + n(header) + " bytes) exceeds the " +
                    n(s.size()) + " bytes present",
                12);
  if (auto e = parse_tcp_options(s.subspan(kTcpHeaderLen, header - kTcpHeaderLen), h)) return *e;
  return h;
}

bool tcp_checksum_ok(Ipv4 src, Ipv4 dst, ByteView s) {
  if (s.size() < kTcpHeaderLen || s.size() > 0xffff) return false;
  // RFC 9293 §3.1: TCP has no length field; the pseudo-header's TCP length is the
  // segment as the IP layer delivered it.
  uint32_t sum = pseudo_header_sum(src, dst, kProtoTcp, uint16_t(s.size()));
  return checksum_finish(checksum_add(s, sum)) == 0;
}

void emit_tcp(const TcpHeader& h, Ipv4 src, Ipv4 dst, ByteView payload, Bytes& out) {
  const size_t start = out.size();
  put16(out, h.sport);
  put16(out, h.dport);
  put32(out, h.seq);
  put32(out, h.ack);
  put8(out, 0);  // data offset, known once the options are written
  put8(out, h.flags);
  put16(out, h.window);
  put16(out, 0);  // checksum
  put16(out, h.urgent);
  emit_tcp_options(h, out);
  const size_t header = out.size() - start;
  out[start + 12] = uint8_t((header / 4) << 4);
  out.insert(out.end(), payload.begin(), payload.end());
  const auto length = uint16_t(out.size() - start);
  set16(out, start + 16,
        checksum_finish(checksum_add(ByteView(out).subspan(start),
                                     pseudo_header_sum(src, dst, kProtoTcp, length))));
}

std::string tcp_flags_string(uint8_t flags) {
  // Wireshark's conventional order, so a handshake reads SYN, SYN|ACK, ACK.
  static constexpr std::pair<uint8_t, const char*> kOrder[] = {
      {tcpflag::SYN, "SYN"}, {tcpflag::FIN, "FIN"}, {tcpflag::RST, "RST"}, {tcpflag::PSH, "PSH"},
      {tcpflag::ACK, "ACK"}, {tcpflag::URG, "URG"}, {tcpflag::ECE, "ECE"}, {tcpflag::CWR, "CWR"},
  };
  std::string s;
  for (const auto& [bit, name] : kOrder) {
    if ((flags & bit) == 0) continue;
    if (!s.empty()) s += '|';
    s += name;
  }
  return s;
}

}  // namespace tcplab::wire
