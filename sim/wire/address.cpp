// Address parsing, printing and classification (see address.h).
#include "sim/wire/address.h"

#include <charconv>
#include <cstdio>

namespace tcplab {

std::string to_string(const Mac& m) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", m.b[0], m.b[1], m.b[2], m.b[3],
                m.b[4], m.b[5]);
  return buf;
}

namespace {
// Writes `a` as a dotted quad at `p` (at most 15 characters) and returns its end. By hand,
// not with snprintf: every state event of the trace prints two endpoints, and parsing
// "%u.%u.%u.%u" each time was a tenth of a traced 10,000-connection storm.
char* put_ipv4(char* p, Ipv4 a) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    p = std::to_chars(p, p + 3, (a.v >> shift) & 255).ptr;
    if (shift > 0) *p++ = '.';
  }
  return p;
}
}  // namespace

std::string to_string(Ipv4 a) {
  char buf[15];
  return std::string(buf, put_ipv4(buf, a));
}

std::string to_string(const Endpoint& e) {
  char buf[21];  // "255.255.255.255:65535"
  char* p = put_ipv4(buf, e.addr);
  *p++ = ':';
  p = std::to_chars(p, buf + sizeof buf, e.port).ptr;
  return std::string(buf, p);
}

std::optional<Ipv4> parse_ipv4(std::string_view text) {
  uint32_t value = 0;
  int parts = 0;
  size_t i = 0;
  while (parts < 4) {
    if (i >= text.size() || text[i] < '0' || text[i] > '9') return std::nullopt;
    uint32_t octet = 0;
    int digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      octet = octet * 10 + uint32_t(text[i] - '0');
      if (++digits > 3 || octet > 255) return std::nullopt;
      ++i;
    }
    value = (value << 8) | octet;
    ++parts;
    if (parts < 4) {
      if (i >= text.size() || text[i] != '.') return std::nullopt;
      ++i;
    }
  }
  if (i != text.size()) return std::nullopt;
  return Ipv4(value);
}

std::string to_string(const Prefix& p) { return to_string(p.addr) + "/" + std::to_string(p.len); }

std::optional<Prefix> parse_prefix(std::string_view text, std::optional<int> default_len) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    if (!default_len) return std::nullopt;
    auto a = parse_ipv4(text);
    if (!a) return std::nullopt;
    return Prefix{*a, *default_len};
  }
  auto a = parse_ipv4(text.substr(0, slash));
  std::string_view len_text = text.substr(slash + 1);
  if (!a || len_text.empty() || len_text.size() > 2) return std::nullopt;
  int len = 0;
  for (char c : len_text) {
    if (c < '0' || c > '9') return std::nullopt;
    len = len * 10 + (c - '0');
  }
  if (len > 32) return std::nullopt;
  return Prefix{*a, len};
}

std::optional<int> netmask_length(Ipv4 mask) {
  for (int len = 0; len <= 32; ++len)
    if (mask_of(len) == mask.v) return len;
  return std::nullopt;
}

AddressKind classify(Ipv4 a) {
  auto in = [&](uint32_t net, int len) { return (a.v & mask_of(len)) == net; };
  if (a.v == 0) return AddressKind::Unspecified;
  if (a.v == 0xffffffffu) return AddressKind::LimitedBroadcast;
  if (in(0x7f000000u, 8)) return AddressKind::Loopback;
  if (in(0x0a000000u, 8) || in(0xac100000u, 12) || in(0xc0a80000u, 16)) return AddressKind::Private;
  if (in(0xa9fe0000u, 16)) return AddressKind::LinkLocal;
  if (in(0xe0000000u, 4)) return AddressKind::Multicast;
  if (in(0xf0000000u, 4)) return AddressKind::Reserved;
  return AddressKind::Public;
}

const char* to_string(AddressKind k) {
  switch (k) {
    case AddressKind::Unspecified: return "unspecified";
    case AddressKind::Loopback: return "loopback";
    case AddressKind::Private: return "private (RFC 1918)";
    case AddressKind::LinkLocal: return "link-local";
    case AddressKind::Multicast: return "multicast";
    case AddressKind::LimitedBroadcast: return "limited broadcast";
    case AddressKind::Reserved: return "reserved";
    case AddressKind::Public: return "public";
  }
  return "?";
}

}  // namespace tcplab
