// Addresses as a student meets them: dotted quads, prefixes, netmask arithmetic and the
// special ranges (sim/wire/address.h).
#include <doctest/doctest.h>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/rng.h"
#include "sim/wire/address.h"

using namespace tcplab;

namespace {
std::string parsed(std::string_view text) {
  auto a = parse_ipv4(text);
  return a ? to_string(*a) : "invalid";
}
}  // namespace

TEST_SUITE("address") {
  TEST_CASE("a dotted quad parses into host byte order and prints back") {
    auto a = parse_ipv4("192.168.1.10");
    REQUIRE(a);
    CHECK(a->v == 0xC0A8010Au);
    CHECK(*a == Ipv4::of(192, 168, 1, 10));
    CHECK(to_string(*a) == "192.168.1.10");
    CHECK(parsed("0.0.0.0") == "0.0.0.0");
    CHECK(parsed("255.255.255.255") == "255.255.255.255");
  }

  TEST_CASE("addresses and endpoints print as snprintf's \"%u.%u.%u.%u:%u\" would") {
    // to_string writes the digits by hand (it is on the trace's hot path); it must say
    // exactly what the format did, for the extremes, every octet value in every place, and
    // random addresses, with the smallest and largest ports.
    auto reference = [](Ipv4 a, std::optional<uint16_t> port) {
      char buf[32];
      if (port)
        std::snprintf(buf, sizeof buf, "%u.%u.%u.%u:%u", a.v >> 24, (a.v >> 16) & 255, (a.v >> 8) & 255,
                      a.v & 255, unsigned(*port));
      else
        std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", a.v >> 24, (a.v >> 16) & 255, (a.v >> 8) & 255,
                      a.v & 255);
      return std::string(buf);
    };
    std::vector<Ipv4> addrs{Ipv4(0), Ipv4(0xffffffffu), Ipv4::of(10, 0, 0, 1), Ipv4::of(100, 10, 1, 0),
                            Ipv4::of(9, 99, 199, 255)};
    for (uint32_t octet = 0; octet < 256; ++octet)
      for (int shift = 0; shift < 32; shift += 8) {
        addrs.push_back(Ipv4(octet << shift));
        addrs.push_back(Ipv4(~(octet << shift)));
      }
    Rng rng(20240611);
    for (int i = 0; i < 2000; ++i) addrs.push_back(Ipv4(rng.next_u32()));
    for (const Ipv4 a : addrs) {
      CAPTURE(a.v);
      REQUIRE(to_string(a) == reference(a, std::nullopt));
      for (const uint16_t port : {uint16_t(0), uint16_t(9), uint16_t(80), uint16_t(1000), uint16_t(32768),
                                  uint16_t(65535), static_cast<uint16_t>(a.v)}) {
        CAPTURE(port);
        REQUIRE(to_string(Endpoint{a, port}) == reference(a, port));
      }
    }
  }

  TEST_CASE("malformed dotted quads are refused") {
    for (const char* bad : {"256.1.1.1", "1.2.3", "1.2.3.4.5", "1.2.3.", ".1.2.3", "1..2.3", "",
                            "1.2.3.4 ", " 1.2.3.4", "+1.2.3.4", "1.2.3.-4", "a.b.c.d", "1.2.3.4/24",
                            "0001.2.3.4", "1.2.3.1000", "0x7f.0.0.1"}) {
      CAPTURE(bad);
      CHECK_FALSE(parse_ipv4(bad).has_value());
    }
  }

  TEST_CASE("leading zeros are read as decimal, not octal") {
    // A choice: inet_aton(3) reads "010" as octal 8, which surprises students and has
    // caused real security bugs; here every octet of up to three digits is decimal.
    CHECK(parsed("01.2.3.4") == "1.2.3.4");
    CHECK(parsed("010.000.000.001") == "10.0.0.1");
    CHECK(parsed("255.255.255.0255") == "invalid");
  }

  TEST_CASE("MAC addresses print as lowercase colon-separated hex") {
    Mac m{{0x02, 0x00, 0x5e, 0xab, 0xcd, 0xef}};
    CHECK(to_string(m) == "02:00:5e:ab:cd:ef");
    CHECK_FALSE(m.is_broadcast());
    CHECK_FALSE(m.is_multicast());
    CHECK(Mac::broadcast().is_broadcast());
    CHECK(to_string(Mac::broadcast()) == "ff:ff:ff:ff:ff:ff");
    CHECK(Mac{{0x01, 0x00, 0x5e, 0x00, 0x00, 0x01}}.is_multicast());
  }

  TEST_CASE("parse_prefix reads a.b.c.d/len and keeps the host bits") {
    auto p = parse_prefix("192.168.1.10/24");
    REQUIRE(p);
    CHECK(p->addr == Ipv4::of(192, 168, 1, 10));
    CHECK(p->len == 24);
    CHECK(to_string(*p) == "192.168.1.10/24");
    CHECK(parse_prefix("0.0.0.0/0") == Prefix{Ipv4(0), 0});
    CHECK(parse_prefix("10.0.0.1/32") == Prefix{Ipv4::of(10, 0, 0, 1), 32});

    SUBCASE("a bare address needs a default length") {
      CHECK_FALSE(parse_prefix("10.0.0.1").has_value());
      CHECK(parse_prefix("10.0.0.1", 32) == Prefix{Ipv4::of(10, 0, 0, 1), 32});
    }
    SUBCASE("bad lengths and addresses are refused") {
      for (const char* bad :
           {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/100", "10.0.0.0/2a",
            "10.0.0/8", "256.0.0.0/8", "/8", "10.0.0.0/24/1"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_prefix(bad).has_value());
      }
    }
  }

  TEST_CASE("netmask, network and broadcast of common prefixes") {
    struct Row {
      const char* prefix;
      const char* netmask;
      const char* network;
      const char* broadcast;
    };
    const Row rows[] = {
        {"192.168.1.10/24", "255.255.255.0", "192.168.1.0", "192.168.1.255"},
        {"10.1.2.3/8", "255.0.0.0", "10.0.0.0", "10.255.255.255"},
        {"172.16.5.4/20", "255.255.240.0", "172.16.0.0", "172.16.15.255"},
        // RFC 3021: a /31 has two usable hosts and no broadcast; broadcast() still
        // returns the all-ones host part, which for a /31 is the peer's address.
        {"10.0.0.0/31", "255.255.255.254", "10.0.0.0", "10.0.0.1"},
        {"10.0.0.7/32", "255.255.255.255", "10.0.0.7", "10.0.0.7"},
        {"192.168.1.10/0", "0.0.0.0", "0.0.0.0", "255.255.255.255"},
    };
    for (const Row& r : rows) {
      CAPTURE(r.prefix);
      auto p = parse_prefix(r.prefix);
      REQUIRE(p);
      CHECK(to_string(p->netmask()) == r.netmask);
      CHECK(to_string(p->network()) == r.network);
      CHECK(to_string(p->broadcast()) == r.broadcast);
    }
  }

  TEST_CASE("contains() tests membership of the network") {
    Prefix lan{Ipv4::of(192, 168, 1, 10), 24};
    CHECK(lan.contains(Ipv4::of(192, 168, 1, 0)));
    CHECK(lan.contains(Ipv4::of(192, 168, 1, 255)));
    CHECK_FALSE(lan.contains(Ipv4::of(192, 168, 2, 1)));
    Prefix p2p{Ipv4::of(10, 0, 0, 0), 31};
    CHECK(p2p.contains(Ipv4::of(10, 0, 0, 1)));
    CHECK_FALSE(p2p.contains(Ipv4::of(10, 0, 0, 2)));
    CHECK(Prefix{Ipv4(0), 0}.contains(Ipv4::of(8, 8, 8, 8)));
    CHECK(Prefix{Ipv4::of(10, 0, 0, 7), 32}.contains(Ipv4::of(10, 0, 0, 7)));
    CHECK_FALSE(Prefix{Ipv4::of(10, 0, 0, 7), 32}.contains(Ipv4::of(10, 0, 0, 6)));
  }

  TEST_CASE("netmask_length accepts only contiguous masks") {
    CHECK(netmask_length(Ipv4::of(255, 255, 255, 0)) == 24);
    CHECK(netmask_length(Ipv4::of(255, 255, 255, 128)) == 25);
    CHECK(netmask_length(Ipv4::of(255, 255, 255, 254)) == 31);
    CHECK(netmask_length(Ipv4::of(255, 255, 255, 255)) == 32);
    CHECK(netmask_length(Ipv4::of(0, 0, 0, 0)) == 0);
    CHECK(netmask_length(Ipv4::of(128, 0, 0, 0)) == 1);
    CHECK_FALSE(netmask_length(Ipv4::of(255, 0, 255, 0)).has_value());
    CHECK_FALSE(netmask_length(Ipv4::of(0, 255, 255, 255)).has_value());
    CHECK_FALSE(netmask_length(Ipv4::of(255, 255, 255, 253)).has_value());
  }

  TEST_CASE("classify names each special range, at its edges") {
    struct Row {
      const char* addr;
      AddressKind kind;
    };
    const Row rows[] = {
        {"0.0.0.0", AddressKind::Unspecified},
        {"127.0.0.1", AddressKind::Loopback},
        {"127.255.255.254", AddressKind::Loopback},
        {"10.0.0.1", AddressKind::Private},
        {"10.255.255.255", AddressKind::Private},
        {"172.16.0.0", AddressKind::Private},
        {"172.31.255.255", AddressKind::Private},
        {"172.15.255.255", AddressKind::Public},
        {"172.32.0.0", AddressKind::Public},
        {"192.168.0.1", AddressKind::Private},
        {"192.169.0.1", AddressKind::Public},
        {"169.254.10.20", AddressKind::LinkLocal},
        {"169.255.0.1", AddressKind::Public},
        {"224.0.0.1", AddressKind::Multicast},
        {"239.255.255.255", AddressKind::Multicast},
        {"240.0.0.1", AddressKind::Reserved},
        {"255.255.255.254", AddressKind::Reserved},
        {"255.255.255.255", AddressKind::LimitedBroadcast},
        {"8.8.8.8", AddressKind::Public},
        {"223.255.255.255", AddressKind::Public},
    };
    for (const Row& r : rows) {
      CAPTURE(r.addr);
      auto a = parse_ipv4(r.addr);
      REQUIRE(a);
      CHECK(std::string(to_string(classify(*a))) == to_string(r.kind));
    }
    CHECK(std::string(to_string(AddressKind::Private)) == "private (RFC 1918)");
    CHECK(std::string(to_string(AddressKind::Loopback)) == "loopback");
  }

}  // TEST_SUITE
