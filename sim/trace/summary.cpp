// One-line packet summaries and the width arithmetic of UTF-8 text (see summary.h).
#include "sim/trace/summary.h"

#include <cstdint>
#include <cstdio>

namespace tcplab {
namespace {

using wire::ParsedFrame;

const char* ip_proto_name(uint8_t p) {
  switch (p) {
    case wire::kProtoIcmp: return "ICMP";
    case wire::kProtoTcp: return "TCP";
    case wire::kProtoUdp: return "UDP";
  }
  return nullptr;
}

std::string ip_proto_label(uint8_t p) {
  const char* name = ip_proto_name(p);
  return name ? name : "proto " + std::to_string(p);
}

std::string arrow(uint16_t sport, uint16_t dport, SummaryStyle style) {
  if (style == SummaryStyle::Compact) return std::to_string(sport) + "→" + std::to_string(dport);
  return std::to_string(sport) + " → " + std::to_string(dport);
}

std::string arp_summary(const wire::ArpPacket& a, SummaryStyle style) {
  const bool compact = style == SummaryStyle::Compact;
  if (a.op == wire::kArpReply)
    return compact ? "ARP is-at " + to_string(a.sha)
                   : "ARP reply " + to_string(a.spa) + " is-at " + to_string(a.sha);
  // RFC 5227: a probe has sender address 0.0.0.0; an announcement asks for itself.
  if (a.spa.v == 0) return "ARP probe " + to_string(a.tpa);
  if (a.spa == a.tpa) return "ARP announce " + to_string(a.spa);
  return compact ? "ARP who-has " + to_string(a.tpa)
                 : "ARP who-has " + to_string(a.tpa) + " tell " + to_string(a.spa);
}

// "for UDP 10.0.0.1:33434": what the ICMP error is about, from the quoted datagram.
std::string quoted_target(const ParsedFrame& f) {
  if (!f.quoted_ip) return "";
  std::string s = " for " + ip_proto_label(f.quoted_ip->protocol) + " " + to_string(f.quoted_ip->dst);
  if (f.quoted_dport) s += ":" + std::to_string(*f.quoted_dport);
  return s;
}

std::string icmp_summary(const ParsedFrame& f, SummaryStyle style) {
  const wire::IcmpHeader& h = *f.icmp;
  const bool compact = style == SummaryStyle::Compact;
  const std::string ttl = " ttl=" + std::to_string(f.ip->ttl);
  switch (h.type) {
    case wire::kIcmpEchoRequest:
    case wire::kIcmpEchoReply: {
      std::string s = h.type == wire::kIcmpEchoRequest ? "ICMP echo request" : "ICMP echo reply";
      if (!compact) s += " id=" + std::to_string(h.id);
      return s + " seq=" + std::to_string(h.seq) + ttl;
    }
    case wire::kIcmpTimeExceeded: {
      std::string s = h.code == wire::kIcmpCodeTtlExceeded ? "ICMP time exceeded (TTL)"
                      : h.code == 1                       ? "ICMP time exceeded (reassembly)"
                                                          : "ICMP time exceeded (code " + std::to_string(h.code) + ")";
      return compact ? s : s + quoted_target(f);
    }
    case wire::kIcmpDestUnreachable: {
      std::string what;
      switch (h.code) {
        case wire::kIcmpCodeNetUnreachable: what = "net unreachable"; break;
        case wire::kIcmpCodeHostUnreachable: what = "host unreachable"; break;
        case wire::kIcmpCodeProtoUnreachable: what = "protocol unreachable"; break;
        case wire::kIcmpCodePortUnreachable: what = "port unreachable"; break;
        case 4: what = "fragmentation needed"; break;
        case 13: what = "administratively prohibited"; break;
        default: what = "destination unreachable (code " + std::to_string(h.code) + ")";
      }
      return compact ? "ICMP " + what : "ICMP " + what + quoted_target(f);
    }
  }
  return "ICMP type=" + std::to_string(h.type) + " code=" + std::to_string(h.code);
}

std::string tcp_summary(const ParsedFrame& f, TcpRelative& rel, SummaryStyle style) {
  const wire::TcpHeader& h = *f.tcp;
  const TcpRelative::Numbers n = rel.observe(f.ip->src, f.ip->dst, h);
  const bool compact = style == SummaryStyle::Compact;
  const bool syn = (h.flags & wire::tcpflag::SYN) != 0;
  const std::string flags = wire::tcp_flags_string(h.flags);

  std::string s = compact ? "" : "TCP " + arrow(h.sport, h.dport, style) + " ";
  s += "[" + (flags.empty() ? std::string("none") : flags) + "]";
  s += " seq=" + std::to_string(n.rseq);
  if (h.flags & wire::tcpflag::ACK) s += " ack=" + std::to_string(n.rack);
  if (f.payload_len > 0) s += " len=" + std::to_string(f.payload_len);
  // The window matters in a handshake and when it closes (zero-window lessons).
  if ((syn && !compact) || h.window == 0) s += " win=" + std::to_string(h.window);
  if (h.mss) s += " mss=" + std::to_string(*h.mss);
  if (h.window_scale && !compact) s += " ws=" + std::to_string(*h.window_scale);
  return s;
}

std::string ipv4_summary(const ParsedFrame& f, TcpRelative& rel, SummaryStyle style) {
  const wire::Ipv4Header& ip = *f.ip;
  std::string s;
  if (ip.mf || ip.frag_offset != 0) {
    s = "IP fragment of " + ip_proto_label(ip.protocol) + " id=" + std::to_string(ip.id) +
        " off=" + std::to_string(size_t(ip.frag_offset) * 8) + " len=" + std::to_string(f.payload_len) +
        (ip.mf ? " MF" : "");
  } else if (f.icmp) {
    s = icmp_summary(f, style);
  } else if (f.udp) {
    s = "UDP " + arrow(f.udp->sport, f.udp->dport, style) + " len=" + std::to_string(f.payload_len);
  } else if (f.tcp) {
    s = tcp_summary(f, rel, style);
  } else if (!f.error.empty()) {
    return ip_proto_label(ip.protocol) + " malformed: " + f.error;
  } else {
    s = "IP " + ip_proto_label(ip.protocol) + " len=" + std::to_string(f.payload_len);
  }
  if (!f.ip_checksum_ok || !f.l4_checksum_ok) s += " [bad cksum]";
  return s;
}

// Decodes one code point at `i` (advancing it); invalid bytes count as one column each.
uint32_t next_code_point(std::string_view s, size_t& i) {
  const auto b = static_cast<unsigned char>(s[i]);
  const size_t len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
  if (len <= 1 || i + len > s.size()) {
    ++i;
    return b;
  }
  uint32_t cp = b & (0x7f >> len);
  for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
  i += len;
  return cp;
}

size_t code_point_width(uint32_t cp) {
  if ((cp >= 0x0300 && cp <= 0x036f) || cp == 0x200b) return 0;  // combining marks, ZWSP
  const bool wide = (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
                    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
                    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
                    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd);
  return wide ? 2 : 1;
}

}  // namespace

std::string packet_summary(const ParsedFrame& f, TcpRelative& rel, SummaryStyle style) {
  if (f.arp) return arp_summary(*f.arp, style);
  if (f.ip) return ipv4_summary(f, rel, style);
  if (!f.error.empty()) return "malformed frame: " + f.error;
  char type[8];
  std::snprintf(type, sizeof type, "%04x", f.eth.ethertype);
  return std::string("ethertype 0x") + type + " len=" + std::to_string(f.payload_len);
}

size_t display_width(std::string_view utf8) {
  size_t width = 0;
  for (size_t i = 0; i < utf8.size();) width += code_point_width(next_code_point(utf8, i));
  return width;
}

std::string fit_width(std::string_view utf8, size_t width) {
  if (display_width(utf8) <= width) return std::string(utf8);
  if (width == 0) return "";
  std::string out;
  size_t used = 0;
  for (size_t i = 0; i < utf8.size();) {
    const size_t start = i;
    const size_t w = code_point_width(next_code_point(utf8, i));
    if (used + w > width - 1) break;  // keep one column for the ellipsis
    out.append(utf8.substr(start, i - start));
    used += w;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out + "…";
}

std::string pad_right(std::string_view utf8, size_t width) {
  const size_t w = display_width(utf8);
  return std::string(utf8) + std::string(w < width ? width - w : 0, ' ');
}

std::string pad_left(std::string_view utf8, size_t width) {
  const size_t w = display_width(utf8);
  return std::string(w < width ? width - w : 0, ' ') + std::string(utf8);
}

}  // namespace tcplab
