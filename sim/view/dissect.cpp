// dissect.h: frame bytes → the inspector's field tree. Offsets are those of the RFC
// diagrams (RFC 826, 791, 792, 768, 9293 §3.1), counted from the start of the frame;
// values are what sim/wire's parsers read. The explanations are data, at the end.
#include "sim/view/dissect.h"

#include <algorithm>
#include <cstdio>

#include "sim/trace/summary.h"
#include "sim/wire/checksum.h"
#include "sim/wire/frame.h"

namespace tcplab {
namespace {

using wire::ByteView;

std::string fmt(const char* f, auto... args) {
  char buf[256];
  std::snprintf(buf, sizeof buf, f, args...);
  return buf;
}
std::string num(uint64_t v) { return std::to_string(v); }
std::string hex16(uint16_t v) { return fmt("0x%04x", unsigned(v)); }
uint16_t get16(ByteView b, size_t at) { return uint16_t(b[at] << 8 | b[at + 1]); }
uint32_t get32(ByteView b, size_t at) {
  return uint32_t(b[at]) << 24 | uint32_t(b[at + 1]) << 16 | uint32_t(b[at + 2]) << 8 | b[at + 3];
}

// Appends rows in depth-first order.
struct Tree {
  std::vector<DissectField>& rows;
  DissectField& add(int depth, std::string key, std::string name, std::string value, size_t offset,
                    size_t len) {
    DissectField f;
    f.key = std::move(key);
    f.name = std::move(name);
    f.value = std::move(value);
    f.offset = offset;
    f.len = len;
    f.depth = depth;
    rows.push_back(std::move(f));
    return rows.back();
  }
  // A checksum row: its verdict and, when wrong, the value that would have been right.
  void checksum(int depth, std::string key, std::string name, size_t offset, uint16_t stored, bool ok,
                uint16_t expected) {
    DissectField& f = add(depth, std::move(key), std::move(name), hex16(stored), offset, 2);
    f.check = ok ? ChecksumCheck::Good : ChecksumCheck::Bad;
    if (!ok) {
      f.expected = hex16(expected);
      f.problem = true;
    }
  }
};

std::string mac_text(const Mac& m) {
  std::string s = to_string(m);
  if (m.is_broadcast()) s += " (broadcast)";
  return s;
}

std::string ethertype_text(uint16_t t) {
  if (t == wire::kEtherTypeIpv4) return "IPv4 (0x0800)";
  if (t == wire::kEtherTypeArp) return "ARP (0x0806)";
  return fmt("0x%04x", unsigned(t));
}

std::string ip_proto_text(uint8_t p) {
  switch (p) {
    case wire::kProtoIcmp: return "ICMP (1)";
    case wire::kProtoTcp: return "TCP (6)";
    case wire::kProtoUdp: return "UDP (17)";
  }
  return num(p);
}

// RFC 792 and RFC 1812 names, as Wireshark spells them.
const char* icmp_type_name(uint8_t type) {
  switch (type) {
    case 0: return "Echo (ping) reply";
    case 3: return "Destination unreachable";
    case 4: return "Source quench";
    case 5: return "Redirect";
    case 8: return "Echo (ping) request";
    case 11: return "Time-to-live exceeded";
    case 12: return "Parameter problem";
    case 13: return "Timestamp";
    case 14: return "Timestamp reply";
  }
  return nullptr;
}

const char* icmp_code_name(uint8_t type, uint8_t code) {
  if (type == wire::kIcmpDestUnreachable) {
    switch (code) {
      case 0: return "Network unreachable";
      case 1: return "Host unreachable";
      case 2: return "Protocol unreachable";
      case 3: return "Port unreachable";
      case 4: return "Fragmentation needed";
      case 13: return "Communication administratively prohibited";
    }
  }
  if (type == wire::kIcmpTimeExceeded) {
    if (code == 0) return "Time to live exceeded in transit";
    if (code == 1) return "Fragment reassembly time exceeded";
  }
  return nullptr;
}

std::string named(uint64_t v, const char* name) { return name ? std::string(name) + " (" + num(v) + ")" : num(v); }

// What the bytes look like as text: printable ASCII as is, the rest as '.'.
std::string printable_preview(ByteView b, size_t max_chars) {
  std::string s = "\"";
  for (size_t i = 0; i < b.size() && i < max_chars; ++i) s += (b[i] >= 0x20 && b[i] < 0x7f) ? char(b[i]) : '.';
  s += "\"";
  if (b.size() > max_chars) s += "…";
  return s;
}

void add_data(Tree& t, ByteView frame, size_t offset, size_t len) {
  if (len == 0 || offset + len > frame.size()) return;
  t.add(0, "data", "Data (" + num(len) + (len == 1 ? " byte)" : " bytes)"),
        printable_preview(frame.subspan(offset, len), 48), offset, len);
}

// ---- Ethernet II and ARP -------------------------------------------------------------------

void dissect_ethernet(Tree& t, const wire::EthernetHeader& e) {
  t.add(0, "eth", "Ethernet II, Src: " + to_string(e.src) + ", Dst: " + to_string(e.dst), "", 0,
        wire::kEthernetHeaderLen);
  t.add(1, "eth.dst", "Destination", mac_text(e.dst), 0, 6);
  t.add(1, "eth.src", "Source", mac_text(e.src), 6, 6);
  t.add(1, "eth.type", "Type", ethertype_text(e.ethertype), 12, 2);
}

void dissect_arp(Tree& t, const wire::ArpPacket& a) {
  const size_t b = wire::kEthernetHeaderLen;  // RFC 826 packet format
  const bool request = a.op == wire::kArpRequest;
  t.add(0, "arp", std::string("Address Resolution Protocol (") + (request ? "request)" : "reply)"), "", b,
        wire::kArpLen);
  t.add(1, "arp.hw.type", "Hardware type", "Ethernet (1)", b, 2);
  t.add(1, "arp.proto.type", "Protocol type", "IPv4 (0x0800)", b + 2, 2);
  t.add(1, "arp.hw.size", "Hardware size", "6", b + 4, 1);
  t.add(1, "arp.proto.size", "Protocol size", "4", b + 5, 1);
  t.add(1, "arp.opcode", "Opcode", request ? "request (1)" : "reply (2)", b + 6, 2);
  t.add(1, "arp.src.hw_mac", "Sender MAC address", mac_text(a.sha), b + 8, 6);
  t.add(1, "arp.src.proto_ipv4", "Sender IP address", to_string(a.spa), b + 14, 4);
  t.add(1, "arp.dst.hw_mac", "Target MAC address", mac_text(a.tha), b + 18, 6);
  t.add(1, "arp.dst.proto_ipv4", "Target IP address", to_string(a.tpa), b + 24, 4);
}

// ---- IPv4 (RFC 791 §3.1) ---------------------------------------------------------------------

const char* ecn_name(unsigned ecn) {  // RFC 3168 §5
  static const char* const names[] = {"Not-ECT", "ECT(1)", "ECT(0)", "CE"};
  return names[ecn & 3];
}

void dissect_ipv4(Tree& t, ByteView frame, const wire::ParsedFrame& f) {
  const wire::Ipv4Header& ip = *f.ip;
  const size_t b = wire::kEthernetHeaderLen;
  const size_t hlen = size_t(ip.ihl) * 4;
  const ByteView hdr = frame.subspan(b, hlen);
  t.add(0, "ip", "Internet Protocol Version 4, Src: " + to_string(ip.src) + ", Dst: " + to_string(ip.dst), "",
        b, hlen);
  t.add(1, "ip.version", "Version", "4", b, 1);
  t.add(1, "ip.hdr_len", "Header length", num(hlen) + " bytes (" + num(ip.ihl) + ")", b, 1);
  t.add(1, "ip.dsfield", "Differentiated Services",
        fmt("0x%02x (DSCP %u, ECN %s)", unsigned(ip.dscp_ecn), unsigned(ip.dscp_ecn >> 2), ecn_name(ip.dscp_ecn)),
        b + 1, 1);
  t.add(2, "ip.dsfield.dscp", "DSCP", num(ip.dscp_ecn >> 2), b + 1, 1);
  t.add(2, "ip.dsfield.ecn", "ECN", named(ip.dscp_ecn & 3, ecn_name(ip.dscp_ecn)), b + 1, 1);
  t.add(1, "ip.len", "Total length", num(ip.total_len), b + 2, 2);
  t.add(1, "ip.id", "Identification", hex16(ip.id) + " (" + num(ip.id) + ")", b + 4, 2);
  const unsigned flags = frame[b + 6] >> 5;
  std::string flag_names = ip.df ? "Don't fragment" : "";
  if (ip.mf) flag_names += std::string(flag_names.empty() ? "" : ", ") + "More fragments";
  t.add(1, "ip.flags", "Flags", fmt("0x%x", flags) + (flag_names.empty() ? "" : " (" + flag_names + ")"), b + 6, 1);
  t.add(2, "ip.flags.rb", "Reserved bit", num((flags >> 2) & 1), b + 6, 1);
  t.add(2, "ip.flags.df", "Don't fragment", ip.df ? "1" : "0", b + 6, 1);
  t.add(2, "ip.flags.mf", "More fragments", ip.mf ? "1" : "0", b + 6, 1);
  t.add(1, "ip.frag_offset", "Fragment offset",
        ip.frag_offset == 0 ? "0" : num(ip.frag_offset) + " (" + num(size_t(ip.frag_offset) * 8) + " bytes)", b + 6, 2);
  t.add(1, "ip.ttl", "Time to Live", num(ip.ttl), b + 8, 1);
  t.add(1, "ip.proto", "Protocol", ip_proto_text(ip.protocol), b + 9, 1);
  // The sum over the header with the checksum field left out (RFC 791 §3.1).
  const uint16_t expected = wire::checksum_finish(wire::checksum_add(hdr.subspan(12), wire::checksum_add(hdr.first(10))));
  t.checksum(1, "ip.checksum", "Header checksum", b + 10, ip.checksum, f.ip_checksum_ok, expected);
  t.add(1, "ip.src", "Source address", to_string(ip.src), b + 12, 4);
  t.add(1, "ip.dst", "Destination address", to_string(ip.dst), b + 16, 4);
  if (hlen > wire::kIpv4HeaderLen)
    t.add(1, "ip.options", "Options", num(hlen - wire::kIpv4HeaderLen) + " bytes", b + 20, hlen - wire::kIpv4HeaderLen);
}

// ---- ICMP (RFC 792) ------------------------------------------------------------------------------

// The datagram an ICMP error quotes: its IPv4 header and first 8 bytes (ports).
void dissect_icmp_quote(Tree& t, ByteView frame, const wire::ParsedFrame& f, size_t q, size_t avail) {
  const wire::Ipv4Header& qi = *f.quoted_ip;
  const size_t qh = std::min(size_t(qi.ihl) * 4, avail);
  t.add(1, "icmp.quote", "Quoted IPv4 header",
        to_string(qi.src) + " → " + to_string(qi.dst) + ", " + ip_proto_text(qi.protocol), q, qh);
  t.add(2, "ip.len", "Total length", num(qi.total_len), q + 2, 2);
  t.add(2, "ip.id", "Identification", hex16(qi.id) + " (" + num(qi.id) + ")", q + 4, 2);
  t.add(2, "ip.ttl", "Time to Live", num(qi.ttl), q + 8, 1);
  t.add(2, "ip.proto", "Protocol", ip_proto_text(qi.protocol), q + 9, 1);
  t.add(2, "ip.src", "Source address", to_string(qi.src), q + 12, 4);
  t.add(2, "ip.dst", "Destination address", to_string(qi.dst), q + 16, 4);
  if (!f.quoted_sport || !f.quoted_dport) return;
  const size_t l4 = q + qh;
  const size_t l4_len = std::min<size_t>(8, avail - qh);
  const bool udp = qi.protocol == wire::kProtoUdp;
  t.add(1, "icmp.quote.l4", udp ? "Quoted UDP header" : "Quoted TCP header (first 8 bytes)",
        num(*f.quoted_sport) + " → " + num(*f.quoted_dport), l4, l4_len);
  const std::string p = udp ? "udp." : "tcp.";
  t.add(2, p + "srcport", "Source port", num(*f.quoted_sport), l4, 2);
  t.add(2, p + "dstport", "Destination port", num(*f.quoted_dport), l4 + 2, 2);
  if (udp && f.quoted_udp) {
    t.add(2, "udp.length", "Length", num(f.quoted_udp->length), l4 + 4, 2);
    t.add(2, "udp.checksum", "Checksum", hex16(f.quoted_udp->checksum), l4 + 6, 2);
  } else if (!udp && l4_len >= 8) {
    t.add(2, "tcp.seq_raw", "Sequence number (raw)", num(get32(frame, l4 + 4)), l4 + 4, 4);
  }
}

void dissect_icmp(Tree& t, ByteView frame, const wire::ParsedFrame& f) {
  const wire::IcmpHeader& h = *f.icmp;
  const size_t b = f.l4_offset;
  const size_t len = f.ip->total_len - size_t(f.ip->ihl) * 4;  // the whole ICMP message
  const ByteView m = frame.subspan(b, len);
  t.add(0, "icmp", "Internet Control Message Protocol", "", b, len);
  const char* type = icmp_type_name(h.type);
  t.add(1, "icmp.type", "Type", named(h.type, type), b, 1);
  t.add(1, "icmp.code", "Code", named(h.code, icmp_code_name(h.type, h.code)), b + 1, 1);
  const uint16_t expected = wire::checksum_finish(wire::checksum_add(m.subspan(4), wire::checksum_add(m.first(2))));
  t.checksum(1, "icmp.checksum", "Checksum", b + 2, h.checksum, f.l4_checksum_ok, expected);
  const bool echo = h.type == wire::kIcmpEchoRequest || h.type == wire::kIcmpEchoReply;
  const bool error = h.type == wire::kIcmpDestUnreachable || h.type == wire::kIcmpTimeExceeded;
  if (echo) {
    t.add(1, "icmp.ident", "Identifier", hex16(h.id) + " (" + num(h.id) + ")", b + 4, 2);
    t.add(1, "icmp.seq", "Sequence number", num(h.seq), b + 6, 2);
  } else if (error) {
    t.add(1, "icmp.unused", "Unused", fmt("0x%08x", get32(frame, b + 4)), b + 4, 4);
  } else {
    t.add(1, "icmp.rest", "Rest of header", fmt("0x%08x", get32(frame, b + 4)), b + 4, 4);
  }
  if (error && f.quoted_ip) {
    dissect_icmp_quote(t, frame, f, b + wire::kIcmpHeaderLen, len - wire::kIcmpHeaderLen);
    return;
  }
  add_data(t, frame, f.payload_offset, f.payload_len);
}

// ---- UDP (RFC 768) -------------------------------------------------------------------------------

void dissect_udp(Tree& t, ByteView frame, const wire::ParsedFrame& f) {
  const wire::UdpHeader& h = *f.udp;
  const size_t b = f.l4_offset;
  const ByteView d = frame.subspan(b, h.length);
  t.add(0, "udp", "User Datagram Protocol, Src Port: " + num(h.sport) + ", Dst Port: " + num(h.dport), "", b,
        wire::kUdpHeaderLen);
  t.add(1, "udp.srcport", "Source port", num(h.sport), b, 2);
  t.add(1, "udp.dstport", "Destination port", num(h.dport), b + 2, 2);
  t.add(1, "udp.length", "Length", num(h.length), b + 4, 2);
  if (h.checksum == 0) {
    t.add(1, "udp.checksum", "Checksum", "0x0000 (none)", b + 6, 2);
  } else {
    uint32_t sum = wire::pseudo_header_sum(f.ip->src, f.ip->dst, wire::kProtoUdp, h.length);
    uint16_t expected = wire::checksum_finish(wire::checksum_add(d.subspan(8), wire::checksum_add(d.first(6), sum)));
    if (expected == 0) expected = 0xffff;  // RFC 768: a computed zero is sent as all ones
    t.checksum(1, "udp.checksum", "Checksum", b + 6, h.checksum, f.l4_checksum_ok, expected);
  }
  add_data(t, frame, f.payload_offset, f.payload_len);
}

// ---- TCP (RFC 9293 §3.1) -------------------------------------------------------------------------

// Each option with its bytes (RFC 9293 §3.2; RFC 7323; RFC 2018). The values were read by
// wire::parse_tcp; this walk only says where each one sits.
std::string dissect_tcp_options(Tree& t, ByteView frame, const wire::TcpHeader& h, size_t at, size_t end) {
  std::string summary;
  auto note = [&](const std::string& s) { summary += (summary.empty() ? "" : ", ") + s; };
  size_t i = at;
  while (i < end) {
    const uint8_t kind = frame[i];
    if (kind == 0) {
      t.add(2, "tcp.option.eol", "End of option list", end - i > 1 ? num(end - i - 1) + " bytes of padding" : "",
            i, end - i);
      break;
    }
    if (kind == 1) {
      t.add(2, "tcp.option.nop", "No-Operation (NOP)", "", i, 1);
      ++i;
      continue;
    }
    const size_t len = i + 1 < end ? frame[i + 1] : 0;
    if (len < 2 || i + len > end) break;  // parse_tcp refused such headers already
    switch (kind) {
      case 2:
        t.add(2, "tcp.option.mss", "Maximum segment size", num(h.mss.value_or(0)) + " bytes", i, len);
        note("MSS " + num(h.mss.value_or(0)));
        break;
      case 3: {
        const unsigned shift = h.window_scale.value_or(0);
        t.add(2, "tcp.option.wscale", "Window scale",
              num(shift) + " (multiply by " + num(shift < 32 ? uint64_t(1) << shift : 0) + ")", i, len);
        note("WS " + num(shift));
        break;
      }
      case 4:
        t.add(2, "tcp.option.sack_perm", "SACK permitted", "", i, len);
        note("SACK permitted");
        break;
      case 5:
        t.add(2, "tcp.option.sack", "SACK", num((len - 2) / 8) + " blocks", i, len);
        note("SACK");
        break;
      case 8: {
        const auto ts = h.timestamps.value_or(std::pair<uint32_t, uint32_t>{0, 0});
        t.add(2, "tcp.option.timestamps", "Timestamps", "TSval " + num(ts.first) + ", TSecr " + num(ts.second), i, len);
        note("TS");
        break;
      }
      default:
        t.add(2, "tcp.option.unknown", "Option kind " + num(kind), num(len) + " bytes", i, len);
        note("kind " + num(kind));
    }
    i += len;
  }
  return summary;
}

void dissect_tcp(Tree& t, ByteView frame, const wire::ParsedFrame& f, const TcpRelative::Numbers& rel) {
  const wire::TcpHeader& h = *f.tcp;
  const size_t b = f.l4_offset;
  const size_t hlen = size_t(h.data_offset) * 4;
  const size_t seg_len = f.ip->total_len - size_t(f.ip->ihl) * 4;
  const ByteView seg = frame.subspan(b, seg_len);
  const bool ack = (h.flags & wire::tcpflag::ACK) != 0;
  std::string title = "Transmission Control Protocol, Src Port: " + num(h.sport) + ", Dst Port: " + num(h.dport) +
                      ", Seq: " + num(rel.rseq);
  if (ack) title += ", Ack: " + num(rel.rack);
  title += ", Len: " + num(f.payload_len);
  t.add(0, "tcp", title, "", b, hlen);
  t.add(1, "tcp.srcport", "Source port", num(h.sport), b, 2);
  t.add(1, "tcp.dstport", "Destination port", num(h.dport), b + 2, 2);
  t.add(1, "tcp.seq", "Sequence number", num(rel.rseq) + " (relative)", b + 4, 4);
  t.add(1, "tcp.seq_raw", "Sequence number (raw)", num(h.seq), b + 4, 4);
  t.add(1, "tcp.ack", "Acknowledgment number", ack ? num(rel.rack) + " (relative)" : "0 (ACK flag not set)", b + 8, 4);
  t.add(1, "tcp.ack_raw", "Acknowledgment number (raw)", num(h.ack), b + 8, 4);
  t.add(1, "tcp.hdr_len", "Header length", num(hlen) + " bytes (" + num(h.data_offset) + ")", b + 12, 1);
  // 12 bits: the low nibble of byte 12 is reserved (it once held ECN's NS bit), then byte 13.
  const unsigned reserved = frame[b + 12] & 0x0f;
  std::string names = wire::tcp_flags_string(h.flags);
  std::replace(names.begin(), names.end(), '|', ' ');
  t.add(1, "tcp.flags", "Flags", fmt("0x%03x", (reserved << 8) | h.flags) + (names.empty() ? "" : " (" + names + ")"),
        b + 12, 2);
  t.add(2, "tcp.flags.res", "Reserved", num(reserved), b + 12, 1);
  static constexpr std::pair<uint8_t, const char*> kBits[] = {
      {wire::tcpflag::CWR, "cwr"}, {wire::tcpflag::ECE, "ece"}, {wire::tcpflag::URG, "urg"},
      {wire::tcpflag::ACK, "ack"}, {wire::tcpflag::PSH, "psh"}, {wire::tcpflag::RST, "rst"},
      {wire::tcpflag::SYN, "syn"}, {wire::tcpflag::FIN, "fin"},
  };
  for (const auto& [bit, key] : kBits) {
    std::string name = key;
    std::transform(name.begin(), name.end(), name.begin(), [](char c) { return char(c - 'a' + 'A'); });
    t.add(2, std::string("tcp.flags.") + key, name, (h.flags & bit) ? "1" : "0", b + 13, 1);
  }
  t.add(1, "tcp.window", "Window", num(h.window), b + 14, 2);
  uint32_t sum = wire::pseudo_header_sum(f.ip->src, f.ip->dst, wire::kProtoTcp, uint16_t(seg_len));
  const uint16_t expected = wire::checksum_finish(wire::checksum_add(seg.subspan(18), wire::checksum_add(seg.first(16), sum)));
  t.checksum(1, "tcp.checksum", "Checksum", b + 16, h.checksum, f.l4_checksum_ok, expected);
  t.add(1, "tcp.urgent_pointer", "Urgent pointer", num(h.urgent), b + 18, 2);
  if (hlen > wire::kTcpHeaderLen) {
    const size_t opt_row = t.rows.size();
    t.add(1, "tcp.options", "Options", "", b + 20, hlen - wire::kTcpHeaderLen);
    const std::string summary = dissect_tcp_options(t, frame, h, b + 20, b + hlen);
    t.rows[opt_row].value = num(hlen - wire::kTcpHeaderLen) + " bytes" + (summary.empty() ? "" : ": " + summary);
  }
  add_data(t, frame, f.payload_offset, f.payload_len);
}

// Where the first layer that failed to parse starts.
size_t malformed_at(const wire::ParsedFrame& f, size_t frame_len) {
  if (frame_len < wire::kEthernetHeaderLen) return 0;
  if (!f.ip && !f.arp) return wire::kEthernetHeaderLen;
  if (f.icmp) return f.l4_offset + wire::kIcmpHeaderLen;  // the quote
  if (f.ip) return f.l4_offset;
  return wire::kEthernetHeaderLen;
}

// The 4-tuple of a TCP segment, read straight from the bytes so that a long trace can be
// scanned without parsing (or checksumming) every frame.
struct TcpTuple {
  uint32_t src = 0, dst = 0;
  uint16_t sport = 0, dport = 0;
  bool operator==(const TcpTuple&) const = default;
  TcpTuple reversed() const { return {dst, src, dport, sport}; }
};
std::optional<TcpTuple> tcp_tuple(ByteView fr) {
  const size_t b = wire::kEthernetHeaderLen;
  if (fr.size() < b + wire::kIpv4HeaderLen || get16(fr, 12) != wire::kEtherTypeIpv4) return std::nullopt;
  if ((fr[b] >> 4) != 4 || fr[b + 9] != wire::kProtoTcp) return std::nullopt;
  if ((get16(fr, b + 6) & 0x3fff) != 0) return std::nullopt;  // a fragment: no TCP header to read
  const size_t l4 = b + size_t(fr[b] & 0x0f) * 4;
  if (fr.size() < l4 + 4) return std::nullopt;
  return TcpTuple{get32(fr, b + 12), get32(fr, b + 16), get16(fr, l4), get16(fr, l4 + 2)};
}

}  // namespace

Dissection dissect_frame(wire::ByteView frame, TcpRelative& rel) {
  Dissection d;
  d.frame.assign(frame.begin(), frame.end());
  const wire::ParsedFrame f = wire::parse_frame(frame);
  d.summary = packet_summary(f, rel);
  Tree t{d.fields};
  if (frame.size() >= wire::kEthernetHeaderLen) dissect_ethernet(t, f.eth);
  size_t end = frame.size();  // where the datagram ends and Ethernet padding starts
  if (f.arp) {
    dissect_arp(t, *f.arp);
    end = wire::kEthernetHeaderLen + wire::kArpLen;
  } else if (f.ip) {
    dissect_ipv4(t, frame, f);
    end = wire::kEthernetHeaderLen + f.ip->total_len;
    if (f.tcp) {
      // Observing again what packet_summary observed gives the same numbers (tcp_relative.h).
      d.tcp_relative = rel.observe(f.ip->src, f.ip->dst, *f.tcp);
      dissect_tcp(t, frame, f, *d.tcp_relative);
    } else if (f.udp) {
      dissect_udp(t, frame, f);
    } else if (f.icmp) {
      dissect_icmp(t, frame, f);
    } else if (f.error.empty()) {
      add_data(t, frame, f.payload_offset, f.payload_len);  // a fragment, or another protocol
    }
  } else if (f.error.empty() && frame.size() > wire::kEthernetHeaderLen) {
    add_data(t, frame, wire::kEthernetHeaderLen, frame.size() - wire::kEthernetHeaderLen);
  }
  if (!f.error.empty()) {
    const size_t at = std::min(malformed_at(f, frame.size()), frame.size());
    DissectField& m = t.add(0, "malformed", "Malformed packet", f.error, at, frame.size() - at);
    m.problem = true;
  } else if (end < frame.size()) {
    t.add(0, "eth.padding", "Ethernet padding", num(frame.size() - end) + " bytes", end, frame.size() - end);
  }
  return d;
}

Dissection dissect_frame(wire::ByteView frame) {
  TcpRelative rel;
  return dissect_frame(frame, rel);
}

int field_at(const Dissection& d, size_t byte) {
  int best = -1;
  for (size_t i = 0; i < d.fields.size(); ++i) {
    const DissectField& f = d.fields[i];
    if (f.len == 0 || byte < f.offset || byte >= f.offset + f.len) continue;
    if (best < 0) {
      best = int(i);
      continue;
    }
    const DissectField& b = d.fields[size_t(best)];
    if (f.depth > b.depth || (f.depth == b.depth && f.len < b.len)) best = int(i);
  }
  return best;
}

std::optional<size_t> find_packet_event(TraceView events, size_t count, uint64_t id,
                                        int32_t link) {
  count = std::min(count, events.size());
  std::optional<size_t> any_tx, any;
  for (size_t i = 0; i < count; ++i) {
    const TraceEvent& e = events[i];
    if (e.ev != EvKind::Tx && e.ev != EvKind::Rx && e.ev != EvKind::Drop) continue;
    const PacketEvent& p = e.packet();
    if (p.id != id) continue;
    if (e.ev == EvKind::Tx && p.link == link) return i;
    if (e.ev == EvKind::Tx && !any_tx) any_tx = i;
    if (!any) any = i;
  }
  return any_tx ? any_tx : any;
}

Dissection dissect_trace_event(TraceView events, size_t index) {
  if (index >= events.size() || !std::holds_alternative<PacketEvent>(events[index].data)) return {};
  const wire::Bytes& frame = events[index].packet().frame;
  TcpRelative rel;
  // Directions of one 4-tuple are all TcpRelative ever relates, so feeding it only this
  // connection's segments gives the numbers the trace formatters (which feed it every
  // segment) print.
  if (const auto tuple = tcp_tuple(frame)) {
    for (size_t i = 0; i < index; ++i) {
      if (!std::holds_alternative<PacketEvent>(events[i].data)) continue;
      const wire::Bytes& fr = events[i].packet().frame;
      const auto other = tcp_tuple(fr);
      if (!other || (*other != *tuple && *other != tuple->reversed())) continue;
      const auto ip = wire::parse_ipv4(wire::ByteView(fr).subspan(wire::kEthernetHeaderLen));
      if (!ip) continue;
      const size_t l4 = wire::kEthernetHeaderLen + size_t(ip->ihl) * 4;
      const auto tcp = wire::parse_tcp(wire::ByteView(fr).subspan(l4, ip->total_len - size_t(ip->ihl) * 4));
      if (tcp) rel.observe(ip->src, ip->dst, *tcp);
    }
  }
  return dissect_frame(frame, rel);
}

void PacketInspector::reset(const Key& k) {
  key_ = k;
  read_ = 0;
  tx_on_link_.reset();
  any_tx_.reset();
  any_.reset();
  drops_.clear();
  retx_ = false;
  shown_.reset();
}

const InspectedPacket* PacketInspector::inspect(const Session& s, uint64_t id, int32_t link) {
  TraceView events = s.trace();
  const size_t count = std::min(s.visible(), events.size());
  const Key k{&s, s.interventions().size(), s.source_text().size(), id, link};
  // Stepping back hides events already read; a rewritten trace may differ anywhere.
  if (!(k == key_) || count < read_ ||
      (shown_ && (shown_->event >= events.size() || !std::holds_alternative<PacketEvent>(events[shown_->event].data) ||
                  events[shown_->event].packet().frame != shown_->dissection.frame)))
    reset(k);

  // Read what is new: the same choices as find_packet_event(), the drops and any
  // retransmitted copy of this packet.
  for (; read_ < count; ++read_) {
    const TraceEvent& e = events[read_];
    if (e.ev != EvKind::Tx && e.ev != EvKind::Rx && e.ev != EvKind::Drop) continue;
    const PacketEvent& p = e.packet();
    if (p.id != id) continue;
    if (e.ev == EvKind::Tx && p.link == link && !tx_on_link_) tx_on_link_ = read_;
    if (e.ev == EvKind::Tx && !any_tx_) any_tx_ = read_;
    if (!any_) any_ = read_;
    if (e.ev == EvKind::Tx && p.retx) retx_ = true;
    if (e.ev == EvKind::Drop) drops_.push_back(read_);
  }
  const std::optional<size_t> index = tx_on_link_ ? tx_on_link_ : any_tx_ ? any_tx_ : any_;
  if (!index) {
    shown_.reset();
    return nullptr;
  }
  if (!shown_ || shown_->event != *index) {
    shown_.emplace();
    shown_->event = *index;
    shown_->dissection = dissect_trace_event(events, *index);  // the costly part, done once
  }

  InspectedPacket& out = *shown_;
  const TraceEvent& e = events[*index];
  const PacketEvent& p = e.packet();
  out.id = id;
  out.ev = e.ev;
  out.t = e.t;
  out.link = p.link;
  out.retx = p.retx || retx_;
  // Which end sent it: a tx names the sender, an rx the receiver; a drop names where it
  // was lost (the sender for a full queue or a failed ARP, else the receiving end).
  const auto& links = s.world().links();
  int32_t other = -1;
  if (p.link >= 0 && size_t(p.link) < links.size()) {
    const auto& ends = links[size_t(p.link)].ends;
    other = ends[0].node == e.node ? ends[1].node : ends[0].node;
  }
  const bool node_sent = e.ev == EvKind::Tx ||
                         (e.ev == EvKind::Drop && (p.why == DropWhy::Queue || p.why == DropWhy::NoArp || p.link < 0));
  out.from_node = node_sent ? e.node : other;
  out.to_node = node_sent ? other : e.node;
  // The drop on this very link wins over a drop further on (a frame keeps its id across a
  // switch, so a corrupted frame may be refused a hop later).
  out.dropped.reset();
  for (size_t d : drops_) {
    const TraceEvent& x = events[d];
    if (out.dropped && x.packet().link != p.link) continue;
    out.dropped = x.packet().why;
    out.drop_node = x.node;
    out.drop_t = x.t;
    if (x.packet().link == p.link) break;
  }
  return &out;
}

std::optional<InspectedPacket> inspect_packet(const Session& s, uint64_t id, int32_t link) {
  PacketInspector inspector;
  const InspectedPacket* p = inspector.inspect(s, id, link);
  if (!p) return std::nullopt;
  return *p;
}

// ---- what each field means, in English and Chinese ---------------------------------------------
namespace {

constexpr FieldExplanation kExplanations[] = {
    // Ethernet II (IEEE 802.3)
    {"eth", "Ethernet II: the link-layer header that carries the frame to the next interface on this link (a router replaces it at every hop)",
     "以太网 II：链路层首部，把帧送到这条链路上的下一个接口（每经过一个路由器都会被换掉）"},
    {"eth.dst", "Destination MAC address: the next interface on the way (ff:ff:ff:ff:ff:ff = every host on the LAN)",
     "目的 MAC 地址：这一跳要到达的接口（ff:ff:ff:ff:ff:ff 表示局域网内的所有主机）"},
    {"eth.src", "Source MAC address: the interface that put this frame on this link",
     "源 MAC 地址：把这个帧发到这条链路上的接口"},
    {"eth.type", "EtherType: which protocol the frame carries (0x0800 IPv4, 0x0806 ARP)",
     "以太网类型：帧里装的是哪种协议（0x0800 为 IPv4，0x0806 为 ARP）"},
    {"eth.padding", "Padding: zero bytes that bring a short frame up to Ethernet's 60-byte minimum; not part of the packet",
     "填充：把过短的帧补足到以太网最小长度 60 字节的零字节，不属于数据包本身"},
    // ARP (RFC 826)
    {"arp", "ARP (RFC 826): asks which MAC address has an IPv4 address on this LAN, so that an IP packet can be put in a frame",
     "ARP（RFC 826）：询问本局域网内哪个 MAC 地址拥有某个 IPv4 地址，以便把 IP 数据包装进帧里"},
    {"arp.hw.type", "Hardware type: 1 = Ethernet", "硬件类型：1 表示以太网"},
    {"arp.proto.type", "Protocol type: the address being resolved is an IPv4 address (0x0800)",
     "协议类型：要解析的是 IPv4 地址（0x0800）"},
    {"arp.hw.size", "Hardware address size: 6 bytes for a MAC address", "硬件地址长度：MAC 地址为 6 字节"},
    {"arp.proto.size", "Protocol address size: 4 bytes for an IPv4 address", "协议地址长度：IPv4 地址为 4 字节"},
    {"arp.opcode", "Opcode: 1 = request (who has this IP address?), 2 = reply (I have it, here is my MAC)",
     "操作码：1 为请求（谁拥有这个 IP 地址？），2 为应答（我有，这是我的 MAC）"},
    {"arp.src.hw_mac", "Sender MAC address: the asker's (or answerer's) hardware address; the receiver caches it",
     "发送方 MAC 地址：提问方（或应答方）的硬件地址，接收方会把它记入 ARP 缓存"},
    {"arp.src.proto_ipv4", "Sender IP address: the IPv4 address that goes with the sender MAC address",
     "发送方 IP 地址：与发送方 MAC 地址对应的 IPv4 地址"},
    {"arp.dst.hw_mac", "Target MAC address: unknown in a request (all zeros); the asker's MAC address in a reply",
     "目标 MAC 地址：请求中未知（全零）；应答中是提问方的 MAC 地址"},
    {"arp.dst.proto_ipv4", "Target IP address: the address whose MAC address is wanted",
     "目标 IP 地址：想要知道其 MAC 地址的那个 IP 地址"},
    // IPv4 (RFC 791)
    {"ip", "IPv4 (RFC 791): carries the packet end to end, across routers, from the source address to the destination address",
     "IPv4（RFC 791）：跨越路由器，把数据包从源地址端到端地送到目的地址"},
    {"ip.version", "Version: 4 for IPv4", "版本：IPv4 为 4"},
    {"ip.hdr_len", "Header length (IHL) in 32-bit words: 5 = 20 bytes, no options",
     "首部长度（IHL），以 32 位字为单位：5 即 20 字节，没有选项"},
    {"ip.dsfield", "Differentiated Services byte: DSCP (traffic class) and ECN (congestion marks)",
     "区分服务字节：DSCP（流量类别）和 ECN（拥塞标记）"},
    {"ip.dsfield.dscp", "DSCP: the traffic class routers may prioritise by; 0 = best effort",
     "DSCP：路由器可据此区别对待的流量类别；0 表示尽力而为"},
    {"ip.dsfield.ecn", "ECN (RFC 3168): a router may mark congestion here instead of dropping; 0 = not ECN-capable",
     "ECN（RFC 3168）：路由器可以在这里标记拥塞而不是丢包；0 表示不支持 ECN"},
    {"ip.len", "Total length: header plus payload, in bytes (Ethernet padding not counted)",
     "总长度：首部加载荷的字节数（不含以太网填充）"},
    {"ip.id", "Identification: numbers the datagram so that its fragments can be put back together",
     "标识：给数据报编号，以便把它的各个分片重新组装起来"},
    {"ip.flags", "Flags: whether the datagram may be fragmented, and whether more fragments follow",
     "标志：这个数据报能否分片，以及后面是否还有分片"},
    {"ip.flags.rb", "Reserved bit: always 0", "保留位：总是 0"},
    {"ip.flags.df", "Don't Fragment: a router must drop the packet (and send ICMP) rather than split it; used for path MTU discovery",
     "禁止分片（DF）：路由器宁可丢弃这个包（并发回 ICMP）也不能把它拆开；用于路径 MTU 发现"},
    {"ip.flags.mf", "More Fragments: set on every fragment except the last", "更多分片（MF）：除最后一个分片外，每个分片都置 1"},
    {"ip.frag_offset", "Fragment offset: where this fragment's data starts in the original datagram, in 8-byte units",
     "片偏移：这个分片的数据在原数据报中的起始位置，以 8 字节为单位"},
    {"ip.ttl", "Time to live: hops left before a router discards the packet (and sends ICMP Time Exceeded)",
     "生存时间（TTL）：数据包还能经过的路由器跳数；减到 0 时路由器丢弃它（并发回 ICMP 超时报文）"},
    {"ip.proto", "Protocol: what the payload is (1 ICMP, 6 TCP, 17 UDP)", "协议：载荷是哪种协议（1 为 ICMP，6 为 TCP，17 为 UDP）"},
    {"ip.checksum", "Header checksum: covers the IPv4 header only; every router checks it and recomputes it after lowering the TTL",
     "首部校验和：只覆盖 IPv4 首部；每个路由器都检查它，并在减小 TTL 后重新计算"},
    {"ip.src", "Source address: the original sender; routers do not change it (no NAT here)",
     "源地址：最初的发送方；路由器不会改变它（这里没有 NAT）"},
    {"ip.dst", "Destination address: the final receiver; each router picks the next hop from it (longest prefix match)",
     "目的地址：最终的接收方；每个路由器据此选择下一跳（最长前缀匹配）"},
    {"ip.options", "IPv4 options: rarely used; present when the header length is above 5 words",
     "IPv4 选项：很少使用；首部长度超过 5 个字时才有"},
    // ICMP (RFC 792)
    {"icmp", "ICMP (RFC 792): IP's control messages: echo (ping) and the error reports of routers and hosts",
     "ICMP（RFC 792）：IP 的控制报文：回显（ping）以及路由器和主机发回的差错报告"},
    {"icmp.type", "Type: what kind of message (8 echo request, 0 echo reply, 3 destination unreachable, 11 time exceeded)",
     "类型：报文的种类（8 回显请求，0 回显应答，3 目的不可达，11 超时）"},
    {"icmp.code", "Code: the detail within the type (type 3: 0 network, 1 host, 3 port unreachable)",
     "代码：类型之下的细分（类型 3 中：0 网络不可达，1 主机不可达，3 端口不可达）"},
    {"icmp.checksum", "Checksum: covers the whole ICMP message, header and data", "校验和：覆盖整个 ICMP 报文，包括首部和数据"},
    {"icmp.ident", "Identifier: chosen by ping so that the replies come back to the right program",
     "标识符：由 ping 选定，使应答能回到发出请求的那个程序"},
    {"icmp.seq", "Sequence number: counts the echo requests (icmp_seq in ping's output) so that each reply matches its request",
     "序号：给回显请求计数（即 ping 输出中的 icmp_seq），使每个应答对得上它的请求"},
    {"icmp.unused", "Unused: four zero bytes in this kind of error message", "未使用：这类差错报文中的四个零字节"},
    {"icmp.rest", "Rest of header: its meaning depends on the type", "首部其余部分：含义取决于类型"},
    {"icmp.quote", "Quoted IPv4 header: the start of the packet that caused the error, so that its sender can tell which one it was",
     "引用的 IPv4 首部：引发差错的那个数据包的开头，使它的发送方知道是哪个包出了问题"},
    {"icmp.quote.l4", "Quoted transport header: the first 8 bytes after the quoted IP header, which hold the ports",
     "引用的传输层首部：被引用的 IP 首部之后的前 8 个字节，其中有端口号"},
    // UDP (RFC 768)
    {"udp", "UDP (RFC 768): datagrams between ports, with no connection, no ordering and no retransmission",
     "UDP（RFC 768）：端口之间的数据报，无连接、不保证顺序、不重传"},
    {"udp.srcport", "Source port: the sending socket's port; a reply goes back to it", "源端口：发送方套接字的端口；应答会发回这里"},
    {"udp.dstport", "Destination port: selects the receiving socket; if none is bound there, the host answers ICMP port unreachable",
     "目的端口：决定由哪个套接字接收；如果该端口没有套接字，主机回 ICMP 端口不可达"},
    {"udp.length", "Length: the UDP header (8 bytes) plus the data", "长度：UDP 首部（8 字节）加上数据"},
    {"udp.checksum", "Checksum: covers a pseudo-header (addresses, protocol, length), the UDP header and the data; 0 = none",
     "校验和：覆盖伪首部（地址、协议、长度）、UDP 首部和数据；0 表示没有计算"},
    // TCP (RFC 9293)
    {"tcp", "TCP (RFC 9293): a reliable, ordered byte stream between two ports, with acknowledgements, retransmission, flow and congestion control",
     "TCP（RFC 9293）：两个端口之间可靠、有序的字节流，带确认、重传、流量控制和拥塞控制"},
    {"tcp.srcport", "Source port: the sending socket's port (a client's is an ephemeral port the kernel picked)",
     "源端口：发送方套接字的端口（客户端的端口是内核挑选的临时端口）"},
    {"tcp.dstport", "Destination port: the receiving socket's port (a server listens on a well-known one)",
     "目的端口：接收方套接字的端口（服务器在约定好的端口上监听）"},
    {"tcp.seq", "Sequence number, relative to this side's ISN (as Wireshark shows it): the SYN is 0, the first data byte 1",
     "相对序号：从本方的 ISN 起算（与 Wireshark 的显示相同）：SYN 是 0，第一个数据字节是 1"},
    {"tcp.seq_raw", "Sequence number as sent: the number of this segment's first byte (a SYN carries the random ISN)",
     "实际发送的序号：本报文段第一个字节的编号（SYN 携带的是随机选取的 ISN）"},
    {"tcp.ack", "Acknowledgment number, relative: the next byte this side expects from the peer; every byte before it has arrived",
     "相对确认号：本方期待从对方收到的下一个字节；它之前的字节都已收到"},
    {"tcp.ack_raw", "Acknowledgment number as sent; it means something only when the ACK flag is set",
     "实际发送的确认号；只有 ACK 标志置 1 时才有意义"},
    {"tcp.hdr_len", "Header length (data offset) in 32-bit words: 20 bytes plus the options",
     "首部长度（数据偏移），以 32 位字为单位：20 字节加上选项"},
    {"tcp.flags", "Flags: the control bits (SYN opens, FIN closes, RST aborts, ACK says the acknowledgment number is valid)",
     "标志：控制位（SYN 建立连接，FIN 关闭，RST 中止，ACK 表示确认号有效）"},
    {"tcp.flags.res", "Reserved bits: must be zero", "保留位：必须为 0"},
    {"tcp.flags.cwr", "CWR: the sender has reduced its congestion window after an ECN echo (RFC 3168)",
     "CWR：发送方收到 ECN 回显后已经减小了拥塞窗口（RFC 3168）"},
    {"tcp.flags.ece", "ECE: ECN echo; tells the sender that a router marked congestion (RFC 3168)",
     "ECE：ECN 回显；告诉发送方有路由器标记了拥塞（RFC 3168）"},
    {"tcp.flags.urg", "URG: the urgent pointer is valid (almost never used)", "URG：紧急指针有效（几乎不用）"},
    {"tcp.flags.ack", "ACK: the acknowledgment number is valid; set on every segment after the first SYN",
     "ACK：确认号有效；除第一个 SYN 外，每个报文段都置 1"},
    {"tcp.flags.psh", "PSH: push; hand the data to the application now (set on the last segment of a write)",
     "PSH：推送；立即把数据交给应用程序（一次写操作的最后一个报文段置 1）"},
    {"tcp.flags.rst", "RST: reset; abort the connection at once (or refuse a connection to a port nobody listens on)",
     "RST：复位；立即中止连接（或拒绝发往无人监听端口的连接）"},
    {"tcp.flags.syn", "SYN: synchronise sequence numbers; opens a connection and takes one sequence number",
     "SYN：同步序号；用于建立连接，本身占用一个序号"},
    {"tcp.flags.fin", "FIN: the sender has no more data; closes its direction and takes one sequence number",
     "FIN：发送方没有更多数据了；关闭它这一方向，本身占用一个序号"},
    {"tcp.window", "Window: how many more bytes the sender of this segment can take now (flow control); 0 stops the peer",
     "窗口：本报文段的发送方现在还能接收多少字节（流量控制）；为 0 时对方必须停止发送"},
    {"tcp.checksum", "Checksum: covers a pseudo-header (addresses, protocol, length), the TCP header and the data; a receiver drops a segment that fails it",
     "校验和：覆盖伪首部（地址、协议、长度）、TCP 首部和数据；校验失败的报文段被接收方丢弃"},
    {"tcp.urgent_pointer", "Urgent pointer: where urgent data ends when URG is set; otherwise 0",
     "紧急指针：URG 置 1 时表示紧急数据在哪里结束；否则为 0"},
    {"tcp.options", "Options: extra header fields, mostly agreed on in the SYN and the SYN-ACK",
     "选项：额外的首部字段，大多在 SYN 和 SYN-ACK 中协商"},
    {"tcp.option.mss", "Maximum segment size: the largest payload this side wants in one segment (MTU 1500 − 40 = 1460)",
     "最大报文段长度（MSS）：本方希望一个报文段携带的最大载荷（MTU 1500 − 40 = 1460）"},
    {"tcp.option.wscale", "Window scale (RFC 7323): the window field is shifted left by this count, for windows above 64 KiB",
     "窗口扩大因子（RFC 7323）：窗口字段要左移这么多位，用于超过 64 KiB 的窗口"},
    {"tcp.option.sack_perm", "SACK permitted (RFC 2018): this side understands selective acknowledgements",
     "允许 SACK（RFC 2018）：本方能够理解选择性确认"},
    {"tcp.option.sack", "SACK blocks (RFC 2018): byte ranges received beyond the acknowledgment number",
     "SACK 块（RFC 2018）：确认号之后已经收到的字节范围"},
    {"tcp.option.timestamps", "Timestamps (RFC 7323): for measuring the round-trip time and rejecting old wrapped sequence numbers",
     "时间戳（RFC 7323）：用于测量往返时间，并识别回绕后的旧序号"},
    {"tcp.option.nop", "No-operation: one byte of padding that aligns the next option", "无操作（NOP）：一个字节的填充，用来对齐下一个选项"},
    {"tcp.option.eol", "End of option list: the rest of the header is padding", "选项列表结束：首部剩下的部分是填充"},
    {"tcp.option.unknown", "An option this inspector does not know; it is skipped by its length byte",
     "本检查器不认识的选项；按它的长度字节跳过"},
    // What follows the headers
    {"data", "Data: the application's bytes carried by this packet (the payload)", "数据：这个数据包携带的应用程序字节（载荷）"},
    {"malformed", "Malformed: this layer could not be parsed; the value says why", "格式错误：这一层无法解析；值里写着原因"},
};

}  // namespace

const FieldExplanation* explain_field(std::string_view key) {
  for (const FieldExplanation& e : kExplanations)
    if (key == e.key) return &e;
  return nullptr;
}

std::span<const FieldExplanation> field_explanations() { return kExplanations; }

}  // namespace tcplab
