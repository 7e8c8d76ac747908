// Link-layer and IPv4 addresses as plain values, with the arithmetic a student learns:
// netmask, network, broadcast, and the special ranges (RFC 1918 private, 127/8
// loopback, 169.254/16 link-local, 224/4 multicast, 255.255.255.255 limited broadcast).
#pragma once
#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace tcplab {

struct Mac {
  std::array<uint8_t, 6> b{};
  static constexpr Mac broadcast() { return Mac{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}; }
  bool is_broadcast() const { return *this == broadcast(); }
  bool is_multicast() const { return (b[0] & 1) != 0; }
  // Equality as one 48-bit number, not a byte-wise memcmp call: a switch compares each
  // frame's two addresses with every entry of its MAC table.
  uint64_t key() const {
    uint64_t k = 0;
    std::memcpy(&k, b.data(), b.size());
    return k;
  }
  bool operator==(const Mac& o) const { return key() == o.key(); }
  auto operator<=>(const Mac&) const = default;
};
std::string to_string(const Mac& m);  // "02:00:00:00:00:01"

struct Ipv4 {
  uint32_t v = 0;  // host byte order: 192.168.1.10 is 0xC0A8010A
  constexpr Ipv4() = default;
  constexpr explicit Ipv4(uint32_t value) : v(value) {}
  static constexpr Ipv4 of(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
    return Ipv4((uint32_t(a) << 24) | (uint32_t(b) << 16) | (uint32_t(c) << 8) | d);
  }
  auto operator<=>(const Ipv4&) const = default;
};
std::string to_string(Ipv4 a);  // dotted quad
// Strict dotted quad: four decimal octets 0..255, no leading '+', no empty parts.
std::optional<Ipv4> parse_ipv4(std::string_view text);

constexpr uint32_t mask_of(int prefix_len) {
  return prefix_len <= 0 ? 0u : prefix_len >= 32 ? 0xffffffffu : ~((1u << (32 - prefix_len)) - 1);
}

// An address with a prefix length: "192.168.1.10/24". As an interface address it keeps
// its host bits; as a route destination (`network()`) they are cleared.
struct Prefix {
  Ipv4 addr;
  int len = 0;
  Ipv4 netmask() const { return Ipv4(mask_of(len)); }
  Ipv4 network() const { return Ipv4(addr.v & mask_of(len)); }
  // All host bits set; for /31 and /32 there is no broadcast address (RFC 3021).
  Ipv4 broadcast() const { return Ipv4(addr.v | ~mask_of(len)); }
  bool contains(Ipv4 a) const { return (a.v & mask_of(len)) == network().v; }
  // True when `a` is this subnet's broadcast address; /31 and /32 have none (RFC 3021).
  bool is_broadcast(Ipv4 a) const { return len <= 30 && a == broadcast(); }
  bool operator==(const Prefix&) const = default;
};
std::string to_string(const Prefix& p);  // "192.168.1.10/24"
// "a.b.c.d/len" with len 0..32; "a.b.c.d" alone when `default_len` is given.
std::optional<Prefix> parse_prefix(std::string_view text, std::optional<int> default_len = std::nullopt);
// A dotted netmask (255.255.255.0) -> its length, if contiguous.
std::optional<int> netmask_length(Ipv4 mask);

// A transport endpoint: address and port ("10.0.0.2:2000").
struct Endpoint {
  Ipv4 addr;
  uint16_t port = 0;
  bool operator==(const Endpoint&) const = default;
};
std::string to_string(const Endpoint& e);

enum class AddressKind {
  Unspecified,      // 0.0.0.0
  Loopback,         // 127.0.0.0/8: never leaves the host
  Private,          // RFC 1918: 10/8, 172.16/12, 192.168/16
  LinkLocal,        // 169.254/16
  Multicast,        // 224/4
  LimitedBroadcast, // 255.255.255.255
  Reserved,         // 240/4 (but not the limited broadcast)
  Public,
};
AddressKind classify(Ipv4 a);
const char* to_string(AddressKind k);  // "private (RFC 1918)", "loopback", …

}  // namespace tcplab
