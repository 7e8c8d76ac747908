// Trace formatters: relative TCP numbers, packet summaries, JSON Lines, the table, the
// ladder diagram and pcap export, each fed hand-made events carrying real frames built
// with the wire builders. The last suite hands a pcap to tshark, which must find no
// malformed packet and no bad checksum (and must find the one we broke on purpose).
#include <doctest/doctest.h>

#include "tests/tshark_check.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include <unistd.h>

#include "sim/trace/jsonl.h"
#include "sim/trace/ladder.h"
#include "sim/trace/pcap_writer.h"
#include "sim/trace/summary.h"
#include "sim/trace/table.h"
#include "sim/trace/tcp_relative.h"
#include "sim/wire/frame.h"

using namespace tcplab;
using wire::Bytes;

namespace {

// ---- frames --------------------------------------------------------------------------

Mac mac(uint8_t host, uint8_t net = 1) { return Mac{{0x02, 0, 0, 0, net, host}}; }
Ipv4 ip(const char* dotted) { return *parse_ipv4(dotted); }

Bytes arp_request(Mac from, Ipv4 spa, Ipv4 tpa) {
  wire::EthernetHeader eth{Mac::broadcast(), from, wire::kEtherTypeArp};
  return wire::build_arp_frame(eth, wire::ArpPacket{wire::kArpRequest, from, spa, Mac{}, tpa});
}

Bytes arp_reply(Mac from, Ipv4 spa, Mac to, Ipv4 tpa) {
  wire::EthernetHeader eth{to, from, wire::kEtherTypeArp};
  return wire::build_arp_frame(eth, wire::ArpPacket{wire::kArpReply, from, spa, to, tpa});
}

wire::Ipv4Header ip_header(Ipv4 src, Ipv4 dst, uint8_t protocol, uint8_t ttl = 64, uint16_t id = 1) {
  wire::Ipv4Header h;
  h.src = src;
  h.dst = dst;
  h.protocol = protocol;
  h.ttl = ttl;
  h.id = id;
  h.df = true;
  return h;
}

Bytes icmp_echo(Mac s, Mac d, Ipv4 src, Ipv4 dst, bool request, uint16_t seq, uint8_t ttl = 64) {
  Bytes l4;
  const Bytes body(56, 0x42);
  wire::emit_icmp(wire::IcmpHeader{request ? wire::kIcmpEchoRequest : wire::kIcmpEchoReply, 0, 0, 1, seq}, body, l4);
  return wire::build_ipv4_frame({d, s, 0}, ip_header(src, dst, wire::kProtoIcmp, ttl), l4);
}

Bytes udp_frame(Mac s, Mac d, Ipv4 src, Ipv4 dst, uint16_t sport, uint16_t dport, std::string text,
                uint8_t ttl = 64) {
  Bytes l4;
  const Bytes payload(text.begin(), text.end());
  wire::emit_udp(wire::UdpHeader{sport, dport, 0, 0}, src, dst, payload, l4);
  return wire::build_ipv4_frame({d, s, 0}, ip_header(src, dst, wire::kProtoUdp, ttl), l4);
}

// An ICMP error quoting the IP header + 8 bytes of `original` (a whole frame), RFC 792.
Bytes icmp_error(Mac s, Mac d, Ipv4 src, Ipv4 dst, uint8_t type, uint8_t code, const Bytes& original) {
  const Bytes quote(original.begin() + wire::kEthernetHeaderLen,
                    original.begin() + wire::kEthernetHeaderLen + wire::kIpv4HeaderLen + 8);
  Bytes l4;
  wire::emit_icmp(wire::IcmpHeader{type, code, 0, 0, 0}, quote, l4);
  return wire::build_ipv4_frame({d, s, 0}, ip_header(src, dst, wire::kProtoIcmp, 64), l4);
}

wire::TcpHeader tcp_header(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
                           uint16_t win = 64240) {
  wire::TcpHeader h;
  h.sport = sport;
  h.dport = dport;
  h.seq = seq;
  h.ack = ack;
  h.flags = flags;
  h.window = win;
  return h;
}

Bytes tcp_frame(Mac s, Mac d, Ipv4 src, Ipv4 dst, const wire::TcpHeader& h, std::string text = "") {
  Bytes l4;
  const Bytes payload(text.begin(), text.end());
  wire::emit_tcp(h, src, dst, payload, l4);
  return wire::build_ipv4_frame({d, s, 0}, ip_header(src, dst, wire::kProtoTcp), l4);
}

std::string summary_of(const Bytes& frame, TcpRelative& rel,
                       SummaryStyle style = SummaryStyle::Full) {
  return packet_summary(wire::parse_frame(frame), rel, style);
}
std::string summary_of(const Bytes& frame) {
  TcpRelative rel;
  return summary_of(frame, rel);
}

// ---- events --------------------------------------------------------------------------

TraceEvent packet(EvKind kind, Time t, int node, uint64_t id, int link, Bytes frame,
                  DropWhy why = DropWhy::Loss, bool retx = false) {
  return TraceEvent{t, kind, node, PacketEvent{id, link, std::move(frame), why, retx}};
}
TraceEvent tx(Time t, int node, uint64_t id, int link, Bytes f, bool retx = false) {
  return packet(EvKind::Tx, t, node, id, link, std::move(f), DropWhy::Loss, retx);
}
TraceEvent rx(Time t, int node, uint64_t id, int link, Bytes f) {
  return packet(EvKind::Rx, t, node, id, link, std::move(f));
}
TraceEvent drop(Time t, int node, uint64_t id, int link, Bytes f, DropWhy why) {
  return packet(EvKind::Drop, t, node, id, link, std::move(f), why);
}
TraceEvent app(Time t, int node, std::string text, std::string sock = "") {
  return TraceEvent{t, EvKind::App, node, AppEvent{std::move(text), std::move(sock)}};
}
TraceEvent state(Time t, int node, std::string sock, std::string from, std::string to) {
  return TraceEvent{t, EvKind::State, node,
                    StateEvent{sock, "", "192.168.1.10:40312", "192.168.1.20:2000", from, to, "connect"}};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// Rows of a ladder that contain `needle`.
std::vector<std::string> rows_with(const std::string& ladder, const std::string& needle) {
  std::vector<std::string> out;
  for (const std::string& l : lines_of(ladder))
    if (l.find(needle) != std::string::npos) out.push_back(l);
  return out;
}

// Byte offset -> display column, for checking that rows line up.
size_t column_of(const std::string& line, size_t byte_offset) { return display_width(line.substr(0, byte_offset)); }

// The character shown at a display column of a line.
std::string cell_at(const std::string& line, size_t column) {
  size_t width = 0;
  for (size_t i = 0; i < line.size();) {
    size_t n = 1;
    while (i + n < line.size() && (static_cast<unsigned char>(line[i + n]) & 0xc0) == 0x80) ++n;
    if (width == column) return line.substr(i, n);
    width += display_width(line.substr(i, n));
    i += n;
  }
  return "";
}

// client (0) — sw1 (1, a switch) — server (2), links 0 and 1.
TraceContext lan() {
  TraceContext ctx;
  ctx.node_names = {"client", "sw1", "server"};
  ctx.node_types = {NodeType::Host, NodeType::Switch, NodeType::Host};
  ctx.link_names = {"client:eth0-sw1:p1", "sw1:p2-server:eth0"};
  ctx.title = "Three-way handshake";
  return ctx;
}

const Ipv4 kClient = ip("192.168.1.10"), kServer = ip("192.168.1.20"), kGw = ip("192.168.1.1");
const Mac kClientMac = mac(10), kServerMac = mac(20);

// The handshake of the examples: client ISN 1000, server ISN 5000.
const Bytes kSyn = [] {
  auto h = tcp_header(40312, 2000, 1000, 0, wire::tcpflag::SYN);
  h.mss = 1460;
  return tcp_frame(kClientMac, kServerMac, kClient, kServer, h);
}();
const Bytes kSynAck = [] {
  auto h = tcp_header(2000, 40312, 5000, 1001, wire::tcpflag::SYN | wire::tcpflag::ACK, 65160);
  h.mss = 1460;
  return tcp_frame(kServerMac, kClientMac, kServer, kClient, h);
}();
const Bytes kAck = tcp_frame(kClientMac, kServerMac, kClient, kServer,
                             tcp_header(40312, 2000, 1001, 5001, wire::tcpflag::ACK));
const Bytes kData = tcp_frame(kClientMac, kServerMac, kClient, kServer,
                              tcp_header(40312, 2000, 1001, 5001, wire::tcpflag::PSH | wire::tcpflag::ACK), "hello");

}  // namespace

// =======================================================================================
TEST_SUITE("relative TCP numbers") {
  TEST_CASE("a handshake reads seq=0, seq=0 ack=1, seq=1 ack=1 whatever the ISNs") {
    TcpRelative rel;
    auto n = rel.observe(kClient, kServer, *wire::parse_frame(kSyn).tcp);
    CHECK(n.rseq == 0);
    CHECK(n.rack == 0);
    n = rel.observe(kServer, kClient, *wire::parse_frame(kSynAck).tcp);
    CHECK(n.rseq == 0);
    CHECK(n.rack == 1);
    n = rel.observe(kClient, kServer, *wire::parse_frame(kData).tcp);
    CHECK(n.rseq == 1);
    CHECK(n.rack == 1);
  }

  TEST_CASE("relative numbers wrap around 2^32 like sequence space") {
    TcpRelative rel;
    rel.observe(kClient, kServer, tcp_header(1, 2, 0xfffffff0u, 0, wire::tcpflag::SYN));
    const auto n = rel.observe(kClient, kServer, tcp_header(1, 2, 0x00000010u, 0, wire::tcpflag::ACK));
    CHECK(n.rseq == 0x20);
  }

  TEST_CASE("without a SYN, the first seq seen is the base, and an ack sets the peer's") {
    TcpRelative rel;
    auto n = rel.observe(kClient, kServer, tcp_header(1, 2, 700, 9000, wire::tcpflag::ACK));
    CHECK(n.rseq == 0);
    CHECK(n.rack == 0);
    n = rel.observe(kServer, kClient, tcp_header(2, 1, 9000, 705, wire::tcpflag::ACK));
    CHECK(n.rseq == 0);
    CHECK(n.rack == 5);
  }

  TEST_CASE("the same segment seen twice (tx, then rx) gives the same numbers") {
    TcpRelative rel;
    const auto syn = *wire::parse_frame(kSyn).tcp;
    rel.observe(kClient, kServer, syn);
    CHECK(rel.observe(kClient, kServer, syn).rseq == 0);
    const auto synack = *wire::parse_frame(kSynAck).tcp;
    rel.observe(kServer, kClient, synack);
    CHECK(rel.observe(kServer, kClient, synack).rack == 1);
  }

  TEST_CASE("a new SYN on the same 4-tuple starts a new connection") {
    TcpRelative rel;
    rel.observe(kClient, kServer, tcp_header(1, 2, 1000, 0, wire::tcpflag::SYN));
    rel.observe(kServer, kClient, tcp_header(2, 1, 5000, 1001, wire::tcpflag::SYN | wire::tcpflag::ACK));
    rel.observe(kClient, kServer, tcp_header(1, 2, 77000, 0, wire::tcpflag::SYN));
    const auto n = rel.observe(kServer, kClient, tcp_header(2, 1, 123, 77001, wire::tcpflag::SYN | wire::tcpflag::ACK));
    CHECK(n.rseq == 0);
    CHECK(n.rack == 1);
  }
}

// =======================================================================================
TEST_SUITE("packet summary") {
  TEST_CASE("ARP request and reply") {
    CHECK(summary_of(arp_request(kClientMac, kClient, kGw)) == "ARP who-has 192.168.1.1 tell 192.168.1.10");
    CHECK(summary_of(arp_reply(mac(1, 3), kGw, kClientMac, kClient)) == "ARP reply 192.168.1.1 is-at 02:00:00:00:03:01");
    TcpRelative rel;
    CHECK(summary_of(arp_request(kClientMac, kClient, kGw), rel, SummaryStyle::Compact) == "ARP who-has 192.168.1.1");
  }

  TEST_CASE("ICMP echo and errors") {
    CHECK(summary_of(icmp_echo(kClientMac, mac(1), kClient, ip("10.0.0.2"), true, 1)) ==
          "ICMP echo request id=1 seq=1 ttl=64");
    CHECK(summary_of(icmp_echo(mac(1), kClientMac, ip("10.0.0.2"), kClient, false, 1, 62)) ==
          "ICMP echo reply id=1 seq=1 ttl=62");
    const Bytes probe = udp_frame(kClientMac, mac(1), kClient, ip("10.0.0.1"), 40000, 33434, "probe", 1);
    CHECK(summary_of(icmp_error(mac(1), kClientMac, kGw, kClient, wire::kIcmpTimeExceeded, 0, probe)) ==
          "ICMP time exceeded (TTL) for UDP 10.0.0.1:33434");
    const Bytes probe2 = udp_frame(kClientMac, mac(1), kClient, ip("10.0.0.2"), 40000, 33434, "probe");
    CHECK(summary_of(icmp_error(mac(1), kClientMac, ip("10.0.0.2"), kClient, wire::kIcmpDestUnreachable, 3, probe2)) ==
          "ICMP port unreachable for UDP 10.0.0.2:33434");
  }

  TEST_CASE("UDP") {
    CHECK(summary_of(udp_frame(kClientMac, kServerMac, kClient, kServer, 40312, 2000, "hello\n")) ==
          "UDP 40312 → 2000 len=6");
  }

  TEST_CASE("TCP handshake and data, numbers relative") {
    TcpRelative rel;
    CHECK(summary_of(kSyn, rel) == "TCP 40312 → 2000 [SYN] seq=0 win=64240 mss=1460");
    CHECK(summary_of(kSynAck, rel) == "TCP 2000 → 40312 [SYN|ACK] seq=0 ack=1 win=65160 mss=1460");
    CHECK(summary_of(kAck, rel) == "TCP 40312 → 2000 [ACK] seq=1 ack=1");
    CHECK(summary_of(kData, rel) == "TCP 40312 → 2000 [PSH|ACK] seq=1 ack=1 len=5");
    CHECK(summary_of(kData, rel, SummaryStyle::Compact) == "[PSH|ACK] seq=1 ack=1 len=5");
  }

  TEST_CASE("a zero window is shown - a corrupted segment says so") {
    TcpRelative rel;
    Bytes f = tcp_frame(kServerMac, kClientMac, kServer, kClient, tcp_header(2000, 40312, 5001, 1006, wire::tcpflag::ACK, 0));
    CHECK(summary_of(f, rel) == "TCP 2000 → 40312 [ACK] seq=0 ack=0 win=0");
    f[wire::kEthernetHeaderLen + wire::kIpv4HeaderLen + 14] ^= 0x01;  // the window's low byte
    CHECK(summary_of(f, rel).ends_with("[bad cksum]"));
  }

  TEST_CASE("display width counts code points, CJK as two") {
    CHECK(display_width("a → b") == 5);
    CHECK(display_width("三次握手") == 8);
    CHECK(fit_width("TCP 40312 → 2000 [SYN]", 12) == "TCP 40312 →…");
    CHECK(fit_width("short", 12) == "short");
  }
}

// =======================================================================================
TEST_SUITE("trace events") {
  TEST_CASE("a packet event is small: the rare, big kinds are boxed") {
    // Issue 6: the trace of a busy run is about 99 % packet events; at 248 bytes each,
    // keeping them cost more than running the simulation.
    CHECK(sizeof(TraceEvent) <= 64);
  }

  TEST_CASE("a copy of a trace is equal to and independent of the original") {
    std::vector<TraceEvent> a{state(5, 0, "s1", "CLOSED", "SYN_SENT"), app(6, 0, "hello", "s1"),
                              TraceEvent{7, EvKind::Timer, 0, TimerEvent{"s1", "rto", "set", 1'000'000'007}},
                              TraceEvent{8, EvKind::Cc, 0, CcEvent{"s1", 14600, 65535, 20'000'000, 220'000'000}}};
    std::vector<TraceEvent> b = a;
    CHECK(&b[0].state() == &a[0].state());  // the boxed details are shared, not copied
    // Readers only get const access: to change an event, box a changed copy.
    static_assert(std::is_const_v<std::remove_reference_t<decltype(b[0].state())>>);
    static_assert(std::is_const_v<std::remove_reference_t<decltype(b[1].app())>>);
    StateEvent changed = b[0].state();
    changed.to = "ESTABLISHED";
    b[0].data = std::move(changed);
    b[1].data = AppEvent{"bye", ""};
    CHECK(a[0].state().to == "SYN_SENT");
    CHECK(b[0].state().to == "ESTABLISHED");
    CHECK(a[1].app().text == "hello");
    CHECK(b[1].app().text == "bye");
    CHECK(b[2].timer().at == 1'000'000'007);
    CHECK(b[3].cc().cwnd == 14600);
  }

  TEST_CASE("get_if and visit see through the box") {
    const TraceEvent s = state(5, 0, "s1", "CLOSED", "SYN_SENT");
    const TraceEvent p = tx(6, 0, 1, 0, Bytes(60, 0));
    CHECK(s.get_if<StateEvent>() == &s.state());
    CHECK(s.get_if<PacketEvent>() == nullptr);
    CHECK(s.get_if<AppEvent>() == nullptr);
    CHECK(p.get_if<PacketEvent>() == &p.packet());
    CHECK(p.get_if<StateEvent>() == nullptr);
    CHECK_THROWS_AS(p.state(), std::bad_variant_access);
    auto kind = [](const auto& d) -> std::string {
      using T = std::decay_t<decltype(d)>;
      if constexpr (std::is_same_v<T, PacketEvent>) return "packet " + std::to_string(d.frame.size());
      else if constexpr (std::is_same_v<T, StateEvent>) return "state " + d.to;
      else return "other";
    };
    CHECK(s.visit(kind) == "state SYN_SENT");
    CHECK(p.visit(kind) == "packet 60");
  }
}

TEST_SUITE("jsonl") {
  TEST_CASE("strings are escaped - valid UTF-8 passes, invalid bytes become U+FFFD") {
    CHECK(json_string("a\"b\\c\nd\te\x01") == R"("a\"b\\c\nd\te\u0001")");
    CHECK(json_string("三次握手 ✕") == "\"三次握手 ✕\"");
    CHECK(json_string(std::string("x\xff" "y")) == R"("x\ufffdy")");
    CHECK(json_string(std::string("\xe2\x82")) == R"("\ufffd\ufffd")");  // truncated sequence
  }

  TEST_CASE("packet events carry DESIGN.md's fields in a fixed order") {
    std::ostringstream out;
    JsonlWriter w(out, lan());
    w.write(tx(1'000'000, 0, 7, 0, kSyn));
    w.write(tx(6'000'000, 2, 8, 1, kSynAck));
    w.write(packet(EvKind::Tx, 11'000'000, 0, 9, 0, kData, DropWhy::Loss, true));
    w.write(drop(2'000'000, 1, 10, 1, udp_frame(kClientMac, kServerMac, kClient, kServer, 40312, 2000, "hi"), DropWhy::Queue));
    w.write(rx(3'000'000, 2, 11, 1, arp_request(kClientMac, kClient, kServer)));
    w.write(tx(4'000'000, 0, 12, 0, icmp_echo(kClientMac, kServerMac, kClient, kServer, true, 3)));
    const auto l = lines_of(out.str());
    REQUIRE(l.size() == 6);
    CHECK(l[0] ==
          R"({"t_ns":1000000,"ev":"tx","node":"client","id":7,"link":"client:eth0-sw1:p1","len":60,)"
          R"("src":"192.168.1.10","dst":"192.168.1.20","proto":"tcp","ttl":64,"sport":40312,"dport":2000,)"
          R"("flags":"SYN","seq":1000,"ack":0,"rseq":0,"rack":0,"win":64240,"plen":0,"retx":false})");
    CHECK(l[1] ==
          R"({"t_ns":6000000,"ev":"tx","node":"server","id":8,"link":"sw1:p2-server:eth0","len":60,)"
          R"("src":"192.168.1.20","dst":"192.168.1.10","proto":"tcp","ttl":64,"sport":2000,"dport":40312,)"
          R"("flags":"SYN|ACK","seq":5000,"ack":1001,"rseq":0,"rack":1,"win":65160,"plen":0,"retx":false})");
    CHECK(l[2] ==
          R"({"t_ns":11000000,"ev":"tx","node":"client","id":9,"link":"client:eth0-sw1:p1","len":60,)"
          R"("src":"192.168.1.10","dst":"192.168.1.20","proto":"tcp","ttl":64,"sport":40312,"dport":2000,)"
          R"("flags":"PSH|ACK","seq":1001,"ack":5001,"rseq":1,"rack":1,"win":64240,"plen":5,"retx":true})");
    CHECK(l[3] ==
          R"({"t_ns":2000000,"ev":"drop","node":"sw1","id":10,"link":"sw1:p2-server:eth0","len":60,)"
          R"("src":"192.168.1.10","dst":"192.168.1.20","proto":"udp","ttl":64,"sport":40312,"dport":2000,)"
          R"("plen":2,"why":"queue"})");
    CHECK(l[4] ==
          R"({"t_ns":3000000,"ev":"rx","node":"server","id":11,"link":"sw1:p2-server:eth0","len":60,)"
          R"("src":"192.168.1.10","dst":"192.168.1.20","proto":"arp","op":"request"})");
    CHECK(l[5] ==
          R"({"t_ns":4000000,"ev":"tx","node":"client","id":12,"link":"client:eth0-sw1:p1","len":98,)"
          R"("src":"192.168.1.10","dst":"192.168.1.20","proto":"icmp","ttl":64,"type":8,"code":0})");
  }

  TEST_CASE("state, timer, cc and app events") {
    JsonlWriter w(std::cout, lan());
    CHECK(w.line(state(5, 0, "s1", "CLOSED", "SYN_SENT")) ==
          R"({"t_ns":5,"ev":"state","node":"client","sock":"s1","name":null,"local":"192.168.1.10:40312",)"
          R"("remote":"192.168.1.20:2000","from":"CLOSED","to":"SYN_SENT","why":"connect"})");
    TraceEvent named{6, EvKind::State, 2, StateEvent{"s2", "web", "a:1", "b:2", "LISTEN", "SYN_RECV", "rcvd SYN"}};
    CHECK(w.line(named) ==
          R"({"t_ns":6,"ev":"state","node":"server","sock":"s2","name":"web","local":"a:1","remote":"b:2",)"
          R"("from":"LISTEN","to":"SYN_RECV","why":"rcvd SYN"})");
    CHECK(w.line(TraceEvent{7, EvKind::Timer, 0, TimerEvent{"s1", "rto", "set", 1'000'000'007}}) ==
          R"({"t_ns":7,"ev":"timer","node":"client","sock":"s1","timer":"rto","op":"set","at_ns":1000000007})");
    CHECK(w.line(TraceEvent{8, EvKind::Cc, 0, CcEvent{"s1", 14600, 65535, 20'000'000, 220'000'000}}) ==
          R"({"t_ns":8,"ev":"cc","node":"client","sock":"s1","cwnd":14600,"ssthresh":65535,"srtt_ns":20000000,"rto_ns":220000000})");
    CHECK(w.line(app(9, 0, "connect: Connection refused")) ==
          R"({"t_ns":9,"ev":"app","node":"client","text":"connect: Connection refused"})");
    CHECK(w.line(app(10, 2, "got \"hi\\\"\n", "s3")) ==
          R"({"t_ns":10,"ev":"app","node":"server","text":"got \"hi\\\"\n","sock":"s3"})");
  }
}

// =======================================================================================
TEST_SUITE("table") {
  TEST_CASE("one line per tx and per drop, switch hops and rx left out, app lines in place") {
    const std::vector<TraceEvent> ev = {
        app(0, 0, "PING 192.168.1.20 56(84) bytes of data."),
        tx(1'000'000, 0, 1, 0, kSyn),
        rx(2'000'000, 1, 1, 0, kSyn),
        tx(2'000'000, 1, 1, 1, kSyn),
        rx(3'000'000, 2, 1, 1, kSyn),
        tx(3'500'000, 2, 2, 1, kSynAck),
        drop(4'000'000, 1, 2, 0, kSynAck, DropWhy::Loss),
    };
    const auto l = lines_of(render_table(ev, lan()));
    REQUIRE(l.size() == 5);
    CHECK(l[0] == "   time ms  node    event  src               dst              proto  info");
    CHECK(l[1] == "     0.000  client  app    PING 192.168.1.20 56(84) bytes of data.");
    CHECK(l[2] ==
          "     1.000  client  tx     192.168.1.10    → 192.168.1.20     tcp    TCP 40312 → 2000 [SYN] seq=0 win=64240 mss=1460");
    CHECK(l[3] ==
          "     3.500  server  tx     192.168.1.20    → 192.168.1.10     tcp    TCP 2000 → 40312 [SYN|ACK] seq=0 ack=1 win=65160 mss=1460");
    CHECK(l[4] ==
          "     4.000  sw1     drop   192.168.1.20    → 192.168.1.10     tcp    ✕ loss  TCP 2000 → 40312 [SYN|ACK] seq=0 ack=1 win=65160 mss=1460");
  }

  TEST_CASE("a printed text of several lines keeps the columns") {
    const auto l = lines_of(render_table(std::vector<TraceEvent>{app(0, 0, "\n--- 10.0.0.2 ping statistics ---\n1 packets transmitted")}, lan()));
    REQUIRE(l.size() == 4);
    CHECK(l[1] == "     0.000  client  app");
    CHECK(l[2] == "     0.000  client  app    --- 10.0.0.2 ping statistics ---");
    CHECK(l[3] == "     0.000  client  app    1 packets transmitted");
  }

  TEST_CASE("an empty trace is a header alone") {
    std::ostringstream out;
    CHECK(render_table(std::vector<TraceEvent>{}, lan()) == TableWriter(out, lan()).header() + "\n");
  }
}

// =======================================================================================
TEST_SUITE("ladder") {
  // The handshake through the switch, with the SYN|ACK lost once and retransmitted.
  std::vector<TraceEvent> handshake() {
    return {
        state(0, 2, "s1", "CLOSED", "LISTEN"),
        state(1'000'000, 0, "s1", "CLOSED", "SYN_SENT"),
        tx(1'000'000, 0, 1, 0, kSyn),
        rx(2'000'000, 1, 1, 0, kSyn),
        tx(2'000'000, 1, 1, 1, kSyn),
        rx(3'000'000, 2, 1, 1, kSyn),
        tx(3'000'000, 2, 2, 1, kSynAck),
        drop(3'500'000, 2, 2, 1, kSynAck, DropWhy::Loss),
        packet(EvKind::Tx, 1'003'000'000, 2, 3, 1, kSynAck, DropWhy::Loss, true),
        rx(1'004'000'000, 1, 3, 1, kSynAck),
        tx(1'004'000'000, 1, 3, 0, kSynAck),
        rx(1'005'000'000, 0, 3, 0, kSynAck),
        app(1'005'000'000, 0, "connected to 192.168.1.20:2000"),
    };
  }

  TEST_CASE("one lifeline per host or router - a switch has none") {
    const std::string out = render_ladder(handshake(), lan());
    CAPTURE(out);
    const auto l = lines_of(out);
    REQUIRE(l.size() > 4);
    CHECK(l[0] == "Three-way handshake (seed 1, tcp profile linux)");
    CHECK(l[2] == "   time ms  client                                   server");
    CHECK(out.find("sw1") == std::string::npos);
    // Every row keeps both lifelines at the columns of the names, whatever it holds.
    const size_t client_x = l[2].find("client"), server_x = l[2].find("server");
    for (size_t i = 3; i < l.size(); ++i) {
      CAPTURE(l[i]);
      CHECK(cell_at(l[i], client_x) == "|");
      CHECK(cell_at(l[i], server_x) == "|");
    }
  }

  TEST_CASE("the switch is transparent: one arrow per frame, at its send time, pointing the right way") {
    const std::string out = render_ladder(handshake(), lan());
    CAPTURE(out);
    const auto syn = rows_with(out, "[SYN]");
    REQUIRE(syn.size() == 1);
    CHECK(syn[0] == "     1.000  |-------- [SYN] seq=0 mss=1460 --------->|");
    const auto synack = rows_with(out, "[SYN|ACK]");
    REQUIRE(synack.size() == 2);
    CHECK(synack[0].starts_with("     3.000  |"));
    CHECK(synack[1].starts_with("  1003.000  |<-"));
    CHECK(synack[1].ends_with("-|"));
  }

  TEST_CASE("a lost frame stops short of its target with ✕ and the reason") {
    const std::string out = render_ladder(handshake(), lan());
    CAPTURE(out);
    const auto lost = rows_with(out, "✕");
    REQUIRE(lost.size() == 1);
    CHECK(lost[0].find("loss ✕--") != std::string::npos);
    CHECK(lost[0].find("|<") == std::string::npos);  // no arrow head: it never arrived
    CHECK(lost[0].ends_with("|"));                    // and the server's lifeline is intact
    CHECK(rows_with(out, "retx [SYN|ACK]").size() == 1);
  }

  TEST_CASE("states stand beside their lifeline - app lines right of the diagram") {
    const std::string out = render_ladder(handshake(), lan());
    CAPTURE(out);
    CHECK(rows_with(out, "     0.000  |                                        | LISTEN").size() == 1);
    CHECK(rows_with(out, "| SYN_SENT").size() == 1);
    const auto note = rows_with(out, "client: connected to 192.168.1.20:2000");
    REQUIRE(note.size() == 1);
    CHECK(note[0] == "  1005.000  |                                        |  client: connected to 192.168.1.20:2000");
  }

  TEST_CASE("a broadcast gives one arrow per receiver - a router is a column and marks its drops") {
    TraceContext ctx;
    ctx.node_names = {"a", "sw", "b", "r1", "c"};
    ctx.node_types = {NodeType::Host, NodeType::Switch, NodeType::Host, NodeType::Router, NodeType::Host};
    ctx.link_names = {"a:eth0-sw:p1", "sw:p2-b:eth0", "sw:p3-r1:eth0", "r1:eth1-c:eth0"};
    const Bytes who = arp_request(mac(1), ip("10.0.0.1"), ip("10.0.0.254"));
    const Bytes probe = udp_frame(mac(1), mac(254), ip("10.0.0.1"), ip("10.0.1.3"), 40000, 33434, "x", 1);
    const std::vector<TraceEvent> ev = {
        tx(0, 0, 1, 0, who),
        rx(1000, 1, 1, 0, who),
        tx(1000, 1, 1, 1, who),
        tx(1000, 1, 1, 2, who),
        rx(2000, 2, 1, 1, who),
        rx(2000, 3, 1, 2, who),
        tx(5000, 0, 2, 0, probe),
        tx(6000, 1, 2, 2, probe),
        rx(7000, 3, 2, 2, probe),
        drop(7000, 3, 2, 2, probe, DropWhy::Ttl),
    };
    const std::string out = render_ladder(ev, ctx);
    CAPTURE(out);
    const auto l = lines_of(out);
    CHECK(l[2] == "   time ms  a                           b                           r1                          c");
    const auto arp = rows_with(out, "ARP who-has");
    REQUIRE(arp.size() == 2);
    CHECK(column_of(arp[0], arp[0].find(">|")) + 1 == l[2].find("b"));
    CHECK(column_of(arp[1], arp[1].find(">|")) + 1 == l[2].find("r1"));
    const auto ttl = rows_with(out, "✕ ttl");
    REQUIRE(ttl.size() == 1);
    CHECK(column_of(ttl[0], ttl[0].find("✕")) == l[2].find("r1"));
  }

  TEST_CASE("a frame lost at a switch is aimed at the host owning its destination MAC") {
    std::vector<TraceEvent> ev = {
        tx(0, 2, 1, 1, arp_request(kServerMac, kServer, kClient)),  // teaches who owns kServerMac
        tx(1000, 0, 2, 0, kSyn),
        rx(2000, 1, 2, 0, kSyn),
        drop(2000, 1, 2, 1, kSyn, DropWhy::Queue),
    };
    const std::string out = render_ladder(ev, lan());
    CAPTURE(out);
    const auto lost = rows_with(out, "✕ queue");
    REQUIRE(lost.size() == 1);
    CHECK(lost[0].starts_with("     0.001  |-"));
  }

  TEST_CASE("an empty trace says so") {
    CHECK(render_ladder(std::vector<TraceEvent>{}, lan()).find("(no events)") != std::string::npos);
  }
}

// =======================================================================================
TEST_SUITE("pcap") {
  TEST_CASE("global header and one record per tx, nanosecond timestamps, little-endian") {
    std::ostringstream out;
    PcapWriter w(out);
    const Bytes arp = arp_request(kClientMac, kClient, kGw);
    w.add(tx(1'500'000'123, 0, 1, 0, arp));
    w.add(rx(1'600'000'000, 1, 1, 0, arp));  // not a record
    w.add(app(1'700'000'000, 0, "text"));     // nor this
    CHECK(w.records() == 1);
    const std::string s = out.str();
    REQUIRE(s.size() == 24 + 16 + 60);
    const std::vector<uint8_t> head(s.begin(), s.begin() + 40);
    const std::vector<uint8_t> expected = {
        0x4d, 0x3c, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00,  // magic (ns), version 2.4
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // thiszone, sigfigs
        0x00, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00,  // snaplen 262144, LINKTYPE_ETHERNET
        0x01, 0x00, 0x00, 0x00, 0x7b, 0x65, 0xcd, 0x1d,  // 1 s, 500000123 ns
        0x3c, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x00, 0x00,  // 60 bytes captured of 60
    };
    CHECK(head == expected);
    CHECK(std::vector<uint8_t>(s.begin() + 40, s.end()) == arp);
  }

  TEST_CASE("a file that cannot be created is an error, not a crash") {
    std::string error;
    CHECK_FALSE(write_pcap_file("/nonexistent-dir/x.pcap", std::vector<TraceEvent>{}, error));
    CHECK(error == "cannot write pcap '/nonexistent-dir/x.pcap': No such file or directory");
  }
}

// =======================================================================================
namespace {

bool have_tshark() { return tshark::available(); }
std::string tshark_expert(const std::string& path) { return tshark::run(path); }
std::vector<std::string> complaints(const std::string& expert) { return tshark::complaints(expert); }

std::vector<Bytes> good_frames() {
  const Bytes probe = udp_frame(kClientMac, mac(1), kClient, ip("10.0.0.1"), 40000, 33434, "probe", 1);
  return {
      arp_request(kClientMac, kClient, kGw),
      arp_reply(mac(1), kGw, kClientMac, kClient),
      icmp_echo(kClientMac, mac(1), kClient, ip("10.0.0.2"), true, 1),
      icmp_echo(mac(1), kClientMac, ip("10.0.0.2"), kClient, false, 1, 62),
      probe,
      icmp_error(mac(1), kClientMac, kGw, kClient, wire::kIcmpTimeExceeded, 0, probe),
      icmp_error(mac(1), kClientMac, ip("10.0.0.2"), kClient, wire::kIcmpDestUnreachable, 3, probe),
      udp_frame(kClientMac, kServerMac, kClient, kServer, 40312, 2000, "hello\n"),
      kSyn, kSynAck, kAck, kData,
  };
}

std::string write_temp_pcap(const std::vector<Bytes>& frames, const char* name) {
  std::vector<TraceEvent> ev;
  for (size_t i = 0; i < frames.size(); ++i) ev.push_back(tx(Time(i) * kMs, 0, i + 1, 0, frames[i]));
  const std::string path = std::string("/tmp/tcplab_test_") + name + "_" + std::to_string(::getpid()) + ".pcap";
  std::string error;
  REQUIRE_MESSAGE(write_pcap_file(path, ev, error), error);
  return path;
}

}  // namespace

TEST_SUITE("pcap through tshark") {
  TEST_CASE("tshark reads every frame with no malformed packet and no bad checksum" * doctest::skip(!have_tshark())) {
    const auto frames = good_frames();
    const std::string path = write_temp_pcap(frames, "good");
    const std::string expert = tshark_expert(path);
    CAPTURE(expert);
    CHECK(lines_of(expert).size() == frames.size());
    CHECK(complaints(expert).empty());
    std::remove(path.c_str());
  }

  TEST_CASE("the check can fail: a wrong UDP checksum is flagged" * doctest::skip(!have_tshark())) {
    Bytes bad = udp_frame(kClientMac, kServerMac, kClient, kServer, 40312, 2000, "hello\n");
    bad[wire::kEthernetHeaderLen + wire::kIpv4HeaderLen + 6] ^= 0x5a;  // checksum high byte
    const std::string path = write_temp_pcap({kSyn, bad}, "bad");
    const std::string expert = tshark_expert(path);
    CAPTURE(expert);
    const auto c = complaints(expert);
    REQUIRE(c.size() == 1);
    CHECK(c[0].starts_with("2\t"));
    CHECK(c[0].find("Bad checksum") != std::string::npos);
    std::remove(path.c_str());
  }

  TEST_CASE("the check can fail: a truncated TCP header is malformed" * doctest::skip(!have_tshark())) {
    const Bytes cut(kData.begin(), kData.begin() + wire::kEthernetHeaderLen + wire::kIpv4HeaderLen + 10);
    const std::string path = write_temp_pcap({kAck, cut}, "malformed");
    const std::string expert = tshark_expert(path);
    CAPTURE(expert);
    const auto c = complaints(expert);
    REQUIRE(c.size() == 1);
    CHECK(c[0].starts_with("2\t"));
    std::remove(path.c_str());
  }
}
