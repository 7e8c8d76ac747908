// The fault filter (sim/scenario/filter.h) and the frame -> fields bridge
// (sim/scenario/packet_fields.h): every field and operator against hand-built packets,
// precedence, Wireshark's absent-field rules, and each error with its offset.
#include <doctest/doctest.h>

#include "sim/scenario/filter.h"
#include "sim/scenario/packet_fields.h"
#include "sim/wire/headers.h"

using namespace tcplab;
namespace tf = wire::tcpflag;

namespace {

constexpr Ipv4 ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d) { return Ipv4::of(a, b, c, d); }

// 10.0.0.1:40000 -> 10.0.0.2:80, SYN|ACK, seq 1000 ack 1, 5 bytes, TTL 64, 64-byte frame.
PacketFields tcp_packet(uint8_t flags = tf::SYN | tf::ACK) {
  PacketFields p;
  p.frame_len = 64;
  p.ip_src = ip(10, 0, 0, 1);
  p.ip_dst = ip(10, 0, 0, 2);
  p.ip_ttl = 64;
  p.ip_proto = 6;
  p.tcp_sport = 40000;
  p.tcp_dport = 80;
  p.tcp_flags = flags;
  p.tcp_seq = 1000;
  p.tcp_ack = 1;
  p.tcp_len = 5;
  return p;
}

// 192.168.1.10:5353 -> 192.168.1.20:53, 12 bytes of payload.
PacketFields udp_packet() {
  PacketFields p;
  p.frame_len = 62;
  p.ip_src = ip(192, 168, 1, 10);
  p.ip_dst = ip(192, 168, 1, 20);
  p.ip_ttl = 1;
  p.ip_proto = 17;
  p.udp_sport = 5353;
  p.udp_dport = 53;
  p.udp_length = 20;
  return p;
}

// Echo request 10.0.0.1 -> 10.0.0.9.
PacketFields icmp_packet() {
  PacketFields p;
  p.frame_len = 98;
  p.ip_src = ip(10, 0, 0, 1);
  p.ip_dst = ip(10, 0, 0, 9);
  p.ip_ttl = 64;
  p.ip_proto = 1;
  p.icmp_type = 8;
  p.icmp_code = 0;
  return p;
}

PacketFields arp_packet() {
  PacketFields p;
  p.frame_len = 60;
  p.is_arp = true;
  return p;
}

// Parses `text` (which must parse) and evaluates it against `p`.
bool eval(std::string_view text, const PacketFields& p) {
  auto f = parse_filter(text);
  std::string error = f.ok() ? "" : f.error().message;
  CAPTURE(text);
  CAPTURE(error);
  REQUIRE(f.ok());
  return matches(*f, p);
}

void check_error(std::string_view text, std::string_view message, size_t offset) {
  auto f = parse_filter(text);
  CAPTURE(text);
  REQUIRE_FALSE(f.ok());
  CHECK(f.error().message == message);
  CHECK(f.error().offset == offset);
}

}  // namespace

TEST_SUITE("filter fields") {
  TEST_CASE("bare protocol names say which layers a packet has") {
    CHECK(eval("tcp", tcp_packet()));
    CHECK_FALSE(eval("udp", tcp_packet()));
    CHECK(eval("ip", tcp_packet()));
    CHECK_FALSE(eval("icmp", tcp_packet()));
    CHECK_FALSE(eval("arp", tcp_packet()));
    CHECK(eval("udp", udp_packet()));
    CHECK(eval("icmp", icmp_packet()));
    CHECK(eval("arp", arp_packet()));
    CHECK_FALSE(eval("ip", arp_packet()));
  }
  TEST_CASE("ip.src, ip.dst and ip.addr (either side)") {
    PacketFields p = tcp_packet();
    CHECK(eval("ip.src == 10.0.0.1", p));
    CHECK_FALSE(eval("ip.src == 10.0.0.2", p));
    CHECK(eval("ip.dst == 10.0.0.2", p));
    CHECK(eval("ip.addr == 10.0.0.1", p));
    CHECK(eval("ip.addr == 10.0.0.2", p));
    CHECK_FALSE(eval("ip.addr == 10.0.0.3", p));
    // "!=" on ip.addr: neither side is X.
    CHECK_FALSE(eval("ip.addr != 10.0.0.1", p));
    CHECK(eval("ip.addr != 10.0.0.3", p));
    CHECK(eval("ip.src != 10.0.0.2", p));
    CHECK(eval("ip.dst > 10.0.0.1", p));
    CHECK_FALSE(eval("ip.dst < 10.0.0.2", p));
  }
  TEST_CASE("CIDR values mean 'in the subnet'") {
    PacketFields p = udp_packet();
    CHECK(eval("ip.addr == 192.168.0.0/16", p));
    CHECK(eval("ip.src == 192.168.1.0/24", p));
    CHECK_FALSE(eval("ip.src == 10.0.0.0/8", p));
    CHECK(eval("ip.src != 10.0.0.0/8", p));
    CHECK_FALSE(eval("ip.addr != 192.168.1.0/24", p));
    CHECK(eval("ip.dst == 0.0.0.0/0", p));
    // Host bits in the value are ignored, as Wireshark does.
    CHECK(eval("ip.dst == 192.168.1.99/24", p));
    CHECK_FALSE(eval("ip.dst == 192.168.1.99/32", p));
    auto f = parse_filter("ip.addr == 10.1.2.3/8");
    REQUIRE(f.ok());
    CHECK(f->nodes[size_t(f->root)].prefix_len == 8);
    CHECK(f->nodes[size_t(f->root)].value == ip(10, 0, 0, 0).v);
  }
  TEST_CASE("ip.ttl and ip.proto") {
    CHECK(eval("ip.ttl == 64", tcp_packet()));
    CHECK(eval("ip.ttl < 2", udp_packet()));
    CHECK(eval("ip.proto == 6", tcp_packet()));
    CHECK(eval("ip.proto == 17", udp_packet()));
    CHECK(eval("ip.proto == 0x11", udp_packet()));
  }
  TEST_CASE("ip.id and the ARP fields (what a click on a packet in the GUI records)") {
    PacketFields t = tcp_packet();
    t.ip_id = 4321;
    CHECK(eval("ip.id == 4321", t));
    CHECK_FALSE(eval("ip.id == 4322", t));
    CHECK_FALSE(eval("ip.id == 4321", arp_packet()));  // no IP layer: false, as in Wireshark
    PacketFields a = arp_packet();
    a.arp_opcode = 1;
    a.arp_spa = ip(192, 168, 1, 10);
    a.arp_tpa = ip(192, 168, 1, 20);
    CHECK(eval("arp.opcode == 1 && arp.src.proto_ipv4 == 192.168.1.10 && arp.dst.proto_ipv4 == 192.168.1.20", a));
    CHECK_FALSE(eval("arp.opcode == 2", a));
    CHECK(eval("arp.dst.proto_ipv4 == 192.168.1.0/24", a));
    CHECK_FALSE(eval("arp.opcode == 1", t));
  }
  TEST_CASE("udp ports and length") {
    PacketFields p = udp_packet();
    CHECK(eval("udp.srcport == 5353", p));
    CHECK(eval("udp.dstport == 53", p));
    CHECK(eval("udp.port == 53", p));
    CHECK(eval("udp.port == 5353", p));
    CHECK_FALSE(eval("udp.port == 54", p));
    CHECK_FALSE(eval("udp.port != 53", p));
    CHECK(eval("udp.length == 20", p));
    CHECK(eval("udp.port", p));
    CHECK_FALSE(eval("udp.port", tcp_packet()));
  }
  TEST_CASE("tcp ports, numbers and length") {
    PacketFields p = tcp_packet();
    CHECK(eval("tcp.srcport == 40000", p));
    CHECK(eval("tcp.dstport == 80", p));
    CHECK(eval("tcp.port == 80", p));
    CHECK(eval("tcp.port == 40000", p));
    CHECK_FALSE(eval("tcp.port != 80", p));
    CHECK(eval("tcp.port != 443", p));
    CHECK(eval("tcp.seq == 1000", p));
    CHECK(eval("tcp.ack == 1", p));
    CHECK(eval("tcp.len == 5", p));
    CHECK(eval("tcp.len > 0", p));
    CHECK(eval("tcp.flags == 0x12", p));
  }
  TEST_CASE("tcp flags: alone means set - compare with 1/0/true/false") {
    PacketFields synack = tcp_packet(tf::SYN | tf::ACK);
    CHECK(eval("tcp.flags.syn", synack));
    CHECK(eval("tcp.flags.ack", synack));
    CHECK_FALSE(eval("tcp.flags.fin", synack));
    CHECK(eval("tcp.flags.syn == 1 && tcp.flags.ack == 1", synack));
    CHECK(eval("tcp.flags.syn == true", synack));
    CHECK(eval("tcp.flags.fin == false", synack));
    CHECK(eval("tcp.flags.fin == 0", synack));
    CHECK(eval("tcp.flags.syn == True", synack));
    CHECK(eval("tcp.flags.rst", tcp_packet(tf::RST)));
    CHECK(eval("tcp.flags.reset", tcp_packet(tf::RST)));
    CHECK(eval("tcp.flags.push", tcp_packet(tf::PSH | tf::ACK)));
    CHECK(eval("tcp.flags.fin", tcp_packet(tf::FIN)));
    CHECK(eval("tcp.flags.urg", tcp_packet(tf::URG)));
    CHECK_FALSE(eval("tcp.flags.syn", udp_packet()));
    CHECK_FALSE(eval("tcp.flags.syn == 0", udp_packet()));
  }
  TEST_CASE("icmp type and code") {
    CHECK(eval("icmp.type == 8", icmp_packet()));
    CHECK(eval("icmp.code == 0", icmp_packet()));
    CHECK_FALSE(eval("icmp.type == 0", icmp_packet()));
    CHECK_FALSE(eval("icmp.type == 8", tcp_packet()));
  }
  TEST_CASE("frame.len is always present") {
    CHECK(eval("frame.len == 60", arp_packet()));
    CHECK(eval("frame.len >= 64", tcp_packet()));
    CHECK(eval("frame.len", arp_packet()));
  }
}

TEST_SUITE("filter operators") {
  TEST_CASE("every comparison, symbolic and spelled") {
    PacketFields p = tcp_packet();  // tcp.len == 5
    struct Row {
      const char* text;
      bool want;
    };
    for (Row r : {Row{"tcp.len == 5", true}, Row{"tcp.len eq 5", true}, Row{"tcp.len != 5", false},
                  Row{"tcp.len ne 4", true}, Row{"tcp.len < 5", false}, Row{"tcp.len lt 6", true},
                  Row{"tcp.len > 4", true}, Row{"tcp.len gt 5", false}, Row{"tcp.len <= 5", true},
                  Row{"tcp.len le 4", false}, Row{"tcp.len >= 5", true}, Row{"tcp.len ge 6", false}}) {
      CAPTURE(r.text);
      CHECK(eval(r.text, p) == r.want);
    }
  }
  TEST_CASE("&& binds tighter than ||") {
    PacketFields p = udp_packet();
    // tcp || (udp && udp.port == 53): true. Read left to right it would be false.
    CHECK(eval("tcp || udp && udp.port == 53", p));
    CHECK_FALSE(eval("(tcp || udp) && udp.port == 54", p));
    CHECK(eval("udp.port == 54 && tcp || udp", p));
    CHECK(eval("udp or tcp and icmp", p));
    CHECK_FALSE(eval("(udp or tcp) and icmp", p));
  }
  TEST_CASE("! and not, including on absent fields") {
    PacketFields u = udp_packet();
    CHECK(eval("!tcp", u));
    CHECK(eval("not tcp", u));
    CHECK(eval("!(tcp.port == 80)", u));
    CHECK_FALSE(eval("tcp.port != 80", u));  // a comparison on an absent field is false
    CHECK(eval("!!udp", u));
    CHECK(eval("! tcp && udp", u));  // ! binds tighter than &&
    CHECK_FALSE(eval("!(tcp || udp)", u));
  }
  TEST_CASE("the tree is a plain value that keeps the source text") {
    auto f = parse_filter("tcp.flags.syn == 1 && !udp");
    REQUIRE(f.ok());
    CHECK(f->text == "tcp.flags.syn == 1 && !udp");
    CHECK(f->nodes.size() == 4);
    Filter copy = *f;
    CHECK(matches(copy, tcp_packet(tf::SYN)));
    CHECK_FALSE(matches(copy, tcp_packet(tf::ACK)));
    CHECK_FALSE(matches(Filter{}, tcp_packet()));  // an empty filter matches nothing
  }
}

TEST_SUITE("filter errors") {
  TEST_CASE("unknown fields suggest the nearest") {
    check_error("tcp.flag.syn == 1", "unknown field 'tcp.flag.syn' (did you mean 'tcp.flags.syn'?)", 0);
    check_error("tcp && ip.sr == 10.0.0.1", "unknown field 'ip.sr' (did you mean 'ip.src'?)", 7);
    check_error("bogus", "unknown field 'bogus'", 0);
    check_error("80 == tcp.port",
                "expected a field name but found the value '80' (write the field first, e.g. tcp.port == 80)", 0);
  }
  TEST_CASE("missing values and operands") {
    check_error("tcp.port ==", "missing value after '=='", 11);
    check_error("tcp.port == && udp", "missing value after '=='", 12);
    check_error("tcp &&", "missing expression after '&&'", 6);
    check_error("tcp || || udp", "expected a field, '(' or '!' but found '||'", 7);
    check_error("!", "missing expression after '!'", 1);
    check_error("", "empty filter", 0);
    check_error("   ", "empty filter", 0);
  }
  TEST_CASE("unbalanced parentheses") {
    check_error("(tcp && udp", "unbalanced parentheses: '(' is never closed", 0);
    check_error("tcp && (udp || (icmp)", "unbalanced parentheses: '(' is never closed", 7);
    check_error("tcp)", "unbalanced parentheses: ')' has no matching '('", 3);
    check_error("()", "expected a field, '(' or '!' but found ')'", 1);
    check_error("(tcp udp)", "expected ')' but found 'udp'", 5);
  }
  TEST_CASE("trailing garbage") {
    check_error("tcp.port 80", "unexpected '80' after a complete expression (missing && or || before it?)", 9);
    check_error("tcp.port == 80 80", "unexpected '80' after a complete expression (missing && or || before it?)", 15);
    check_error("tcp.len == 1 == 2", "unexpected '==' after a complete expression (missing && or || before it?)", 13);
    check_error("tcp ! udp", "unexpected '!' after a complete expression", 4);
  }
  TEST_CASE("values of the wrong type or out of range") {
    check_error("ip.src == 80", "ip.src is an IPv4 address; '80' is not one (expected e.g. 10.0.0.2 or a subnet like 10.0.0.0/8)", 10);
    check_error("ip.addr == 10.0.0.0/33", "ip.addr is an IPv4 address; '10.0.0.0/33' is not one (expected e.g. 10.0.0.2 or a subnet like 10.0.0.0/8)", 11);
    check_error("tcp.port == 70000", "70000 is out of range for tcp.port (0 to 65535)", 12);
    check_error("ip.ttl > 256", "256 is out of range for ip.ttl (0 to 255)", 9);
    check_error("tcp.seq == 0x100000000", "0x100000000 is out of range for tcp.seq (0 to 4294967295)", 11);
    check_error("tcp.seq == 99999999999999999999999", "99999999999999999999999 is out of range for tcp.seq (0 to 4294967295)", 11);
    check_error("tcp.port == 10.0.0.1", "tcp.port is a number; '10.0.0.1' is an address", 12);
    check_error("tcp.port == http", "tcp.port is a number; 'http' is not one (decimal or 0x hex)", 12);
    check_error("tcp.port == 0x", "tcp.port is a number; '0x' is not one (decimal or 0x hex)", 12);
    check_error("tcp.flags.syn == 2", "tcp.flags.syn is a flag; compare it with 1, 0, true or false, not '2'", 17);
    check_error("tcp == 1", "'tcp' is a protocol and has no value to compare; write it alone (e.g. tcp && …)", 4);
    check_error("ip.addr < 10.0.0.0/8", "'<' cannot compare with a subnet; use == or != with 10.0.0.0/8", 8);
  }
  TEST_CASE("characters that are not operators") {
    check_error("tcp.port = 80", "'=' is not an operator (did you mean '=='?)", 9);
    check_error("tcp & udp", "'&' is not an operator (did you mean '&&'?)", 4);
    check_error("tcp | udp", "'|' is not an operator (did you mean '||'?)", 4);
    check_error("tcp.port == 80 @", "unexpected character '@'", 15);
  }
  TEST_CASE("deep nesting is refused rather than overflowing the stack") {
    std::string deep(10000, '(');
    check_error(deep + "tcp", "filter is nested too deeply", 200);
    std::string ok = std::string(50, '(') + "tcp" + std::string(50, ')');
    CHECK(eval(ok, tcp_packet()));
  }
}

TEST_SUITE("packet_fields") {
  TEST_CASE("a TCP frame gives IP and TCP fields, seq/ack absolute") {
    wire::ParsedFrame f;
    f.ip = wire::Ipv4Header{};
    f.ip->src = ip(10, 0, 0, 1);
    f.ip->dst = ip(10, 0, 0, 2);
    f.ip->ttl = 63;
    f.ip->protocol = wire::kProtoTcp;
    f.tcp = wire::TcpHeader{};
    f.tcp->sport = 40000;
    f.tcp->dport = 80;
    f.tcp->seq = 123456789;
    f.tcp->ack = 42;
    f.tcp->flags = tf::PSH | tf::ACK;
    f.payload_len = 11;
    PacketFields p = packet_fields(f, 65);
    CHECK(p.frame_len == 65);
    CHECK_FALSE(p.is_arp);
    CHECK(p.ip_src == ip(10, 0, 0, 1));
    CHECK(p.ip_dst == ip(10, 0, 0, 2));
    CHECK(p.ip_ttl == 63);
    CHECK(p.ip_proto == 6);
    CHECK(p.tcp_sport == 40000);
    CHECK(p.tcp_dport == 80);
    CHECK(p.tcp_seq == 123456789u);
    CHECK(p.tcp_ack == 42u);
    CHECK(p.tcp_flags == (tf::PSH | tf::ACK));
    CHECK(p.tcp_len == 11u);
    CHECK_FALSE(p.udp_sport.has_value());
    CHECK_FALSE(p.icmp_type.has_value());
    CHECK(eval("tcp.flags.push && tcp.len == 11 && ip.ttl == 63", p));
  }
  TEST_CASE("a UDP frame, an ICMP frame and an ARP frame") {
    wire::ParsedFrame u;
    u.ip = wire::Ipv4Header{};
    u.ip->protocol = wire::kProtoUdp;
    u.udp = wire::UdpHeader{5353, 53, 20, 0};
    PacketFields pu = packet_fields(u, 62);
    CHECK(pu.udp_sport == 5353);
    CHECK(pu.udp_dport == 53);
    CHECK(pu.udp_length == 20);
    CHECK_FALSE(pu.tcp_sport.has_value());

    wire::ParsedFrame i;
    i.ip = wire::Ipv4Header{};
    i.ip->protocol = wire::kProtoIcmp;
    i.icmp = wire::IcmpHeader{wire::kIcmpDestUnreachable, wire::kIcmpCodePortUnreachable, 0, 0, 0};
    i.quoted_udp = wire::UdpHeader{1, 2, 8, 0};  // not looked into: `udp` means UDP datagrams
    PacketFields pi = packet_fields(i, 70);
    CHECK(pi.icmp_type == 3);
    CHECK(pi.icmp_code == 3);
    CHECK_FALSE(eval("udp", pi));

    wire::ParsedFrame a;
    a.arp = wire::ArpPacket{};
    PacketFields pa = packet_fields(a, 60);
    CHECK(pa.is_arp);
    CHECK_FALSE(pa.ip_src.has_value());
    CHECK(eval("arp && frame.len == 60", pa));
  }
}
