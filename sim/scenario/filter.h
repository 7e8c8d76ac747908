// The fault filter: a subset of Wireshark's display-filter language (DESIGN.md
// "[[fault]]"), parsed once into a plain expression tree and evaluated against the
// fields of a packet. Fields: ip.src ip.dst ip.addr ip.ttl ip.proto ip.id udp.port udp.srcport
// udp.dstport udp.length tcp.port tcp.srcport tcp.dstport tcp.flags.syn|ack|fin|rst|push
// tcp.seq tcp.ack tcp.len icmp.type icmp.code arp.opcode arp.src.proto_ipv4
// arp.dst.proto_ipv4 frame.len, and bare protocol names
// (arp ip icmp udp tcp). Operators: == != < > <= >= && || ! and/or/not, parentheses.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/result.h"
#include "sim/wire/address.h"

namespace tcplab {

// What the filter may look at; absent layers are nullopt. Built from a parsed frame
// by the caller (sim/scenario/packet_fields.cpp) so this file stays free of wire code.
struct PacketFields {
  uint32_t frame_len = 0;
  bool is_arp = false;
  std::optional<Ipv4> ip_src, ip_dst;
  std::optional<uint8_t> ip_ttl, ip_proto;
  std::optional<uint16_t> ip_id;  // identification: kept by routers, so it names a packet end to end
  std::optional<uint16_t> arp_opcode;
  std::optional<Ipv4> arp_spa, arp_tpa;
  std::optional<uint16_t> udp_sport, udp_dport, udp_length;
  std::optional<uint16_t> tcp_sport, tcp_dport;
  std::optional<uint8_t> tcp_flags;  // wire::tcpflag bits
  std::optional<uint32_t> tcp_seq, tcp_ack;  // relative, as Wireshark shows them
  std::optional<uint32_t> tcp_len;
  std::optional<uint8_t> icmp_type, icmp_code;
};

// A parsed filter: nodes in a vector, children by index (a plain value, copyable).
struct Filter {
  enum class Op : uint8_t { And, Or, Not, Compare, Exists };
  enum class Cmp : uint8_t { Eq, Ne, Lt, Gt, Le, Ge };
  struct Node {
    Op op = Op::Exists;
    int lhs = -1, rhs = -1;  // children (And/Or: both; Not: lhs)
    std::string field;       // Compare / Exists
    Cmp cmp = Cmp::Eq;
    uint64_t value = 0;      // numbers, booleans (0/1) and IPv4 addresses (host order)
    int prefix_len = 32;     // ip.* compared with a CIDR value (10.0.0.0/8): in-subnet test
  };
  std::vector<Node> nodes;
  int root = -1;
  std::string text;  // the source, for messages and saving
};

// Errors carry the 0-based offset of the offending token in `text`, e.g.
// "unknown field 'tcp.flag.syn' (did you mean 'tcp.flags.syn'?)".
Result<Filter> parse_filter(std::string_view text);

// Wireshark semantics: a comparison on a field the packet does not have is false
// (so `!(tcp.port == 80)` is true for a UDP packet); `ip.addr == X` is true when
// either address is X, `ip.addr != X` when neither is (Wireshark's "!=" is "any !=";
// we follow the newer "all not equal" reading, which is what users mean).
bool matches(const Filter& f, const PacketFields& p);

}  // namespace tcplab
