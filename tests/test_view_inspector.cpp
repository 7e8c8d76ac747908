// The inspector's dissection (sim/view/dissect.h) and the Tables view's rows
// (sim/view/node_tables.h), judged on real sessions the way a student sees them: the
// SYN's fields and where their bytes are, a corrupted segment's bad checksum, ARP and
// ICMP fields, explanations in both languages, and socket tables that agree with netstat.
#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "sim/net/tool_output.h"
#include "sim/session/session.h"
#include "sim/view/dissect.h"
#include "sim/view/node_tables.h"
#include "sim/wire/frame.h"

namespace tcplab {
namespace {

std::string scenario_path(const std::string& name) {
  return std::string(TCPLAB_SOURCE_DIR) + "/scenarios/" + name + ".toml";
}

Session open(const std::string& name) {
  std::vector<std::string> errs;
  auto s = Session::open_file(scenario_path(name), &errs);
  REQUIRE_MESSAGE(s.has_value(), name);
  return std::move(*s);
}

Session open_with(const std::string& name, const std::string& extra) {
  std::ifstream f(scenario_path(name));
  std::stringstream text;
  text << f.rdbuf() << "\n" << extra;
  std::vector<std::string> errs;
  auto s = Session::open_text(text.str(), name + "+", &errs);
  REQUIRE_MESSAGE(s.has_value(), (errs.empty() ? std::string() : errs[0]));
  return std::move(*s);
}

// The first visible tx whose frame satisfies `pred`.
template <class Pred>
const TraceEvent* first_tx(const Session& s, Pred pred) {
  for (size_t i = 0; i < s.visible(); ++i) {
    const TraceEvent& e = s.trace()[i];
    if (e.ev != EvKind::Tx) continue;
    if (pred(wire::parse_frame(e.packet().frame))) return &e;
  }
  return nullptr;
}

bool is_tcp(const wire::ParsedFrame& f, uint8_t flags) { return f.tcp && f.tcp->flags == flags; }

const DissectField* field(const Dissection& d, const std::string& key) {
  for (const DissectField& f : d.fields)
    if (f.key == key) return &f;
  return nullptr;
}

std::string value(const Dissection& d, const std::string& key) {
  const DissectField* f = field(d, key);
  return f ? f->value : "<no " + key + ">";
}

InspectedPacket inspect(const Session& s, const TraceEvent& e) {
  auto p = inspect_packet(s, e.packet().id, e.packet().link);
  REQUIRE(p.has_value());
  return *p;
}

std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

}  // namespace

TEST_SUITE("view: inspector") {
  TEST_CASE("the handshake's SYN: flags, relative seq 0, MSS 1460, bytes where RFC 9293 puts them") {
    Session s = open("handshake");
    s.seek(35 * kMs);
    const TraceEvent* syn = first_tx(s, [](const auto& f) { return is_tcp(f, wire::tcpflag::SYN); });
    REQUIRE(syn != nullptr);
    const InspectedPacket p = inspect(s, *syn);
    const Dissection& d = p.dissection;
    CHECK(p.ev == EvKind::Tx);
    CHECK(s.context().node_names[size_t(p.from_node)] == "client");
    CHECK(s.context().node_names[size_t(p.to_node)] == "sw1");
    CHECK_FALSE(p.retx);
    CHECK_FALSE(p.dropped.has_value());
    CHECK(d.summary.find("[SYN] seq=0") != std::string::npos);

    CHECK(value(d, "tcp.flags.syn") == "1");
    CHECK(value(d, "tcp.flags.ack") == "0");
    CHECK(value(d, "tcp.flags") == "0x002 (SYN)");
    CHECK(value(d, "tcp.seq") == "0 (relative)");
    CHECK(value(d, "tcp.option.mss") == "1460 bytes");
    CHECK(value(d, "tcp.dstport") == "2000");
    CHECK(value(d, "ip.ttl") == "64");
    CHECK(value(d, "ip.proto") == "TCP (6)");
    CHECK(value(d, "eth.type") == "IPv4 (0x0800)");

    // The raw sequence number is the ISN as it is on the wire.
    const auto& fr = d.frame;
    const uint32_t isn = uint32_t(fr[38]) << 24 | uint32_t(fr[39]) << 16 | uint32_t(fr[40]) << 8 | fr[41];
    CHECK(value(d, "tcp.seq_raw") == std::to_string(isn));

    // Every field's bytes lie inside the frame.
    for (const DissectField& f : d.fields) {
      CAPTURE(f.key);
      CHECK(f.len > 0);
      CHECK(f.offset + f.len <= d.frame.size());
    }
    // Ethernet (14) + IPv4 (20) + the TCP header's own offsets (RFC 9293 §3.1).
    const size_t tcp = 14 + 20;
    struct Where { const char* key; size_t offset, len; };
    for (Where w : {Where{"eth.dst", 0, 6}, Where{"eth.type", 12, 2}, Where{"ip.ttl", 14 + 8, 1},
                    Where{"ip.checksum", 14 + 10, 2}, Where{"ip.src", 14 + 12, 4}, Where{"tcp.srcport", tcp, 2},
                    Where{"tcp.dstport", tcp + 2, 2}, Where{"tcp.seq", tcp + 4, 4}, Where{"tcp.ack_raw", tcp + 8, 4},
                    Where{"tcp.flags.syn", tcp + 13, 1}, Where{"tcp.window", tcp + 14, 2},
                    Where{"tcp.checksum", tcp + 16, 2}, Where{"tcp.option.mss", tcp + 20, 4}}) {
      CAPTURE(w.key);
      const DissectField* f = field(d, w.key);
      REQUIRE(f != nullptr);
      CHECK(f->offset == w.offset);
      CHECK(f->len == w.len);
    }
    // Hovering byte 36 of the hex dump lights the destination port.
    const int at = field_at(d, tcp + 2);
    REQUIRE(at >= 0);
    CHECK(d.fields[size_t(at)].key == "tcp.dstport");
    // The SYN is all header: no data row.
    CHECK(field(d, "data") == nullptr);

    const DissectField* ipsum = field(d, "ip.checksum");
    CHECK(ipsum->check == ChecksumCheck::Good);
    CHECK_FALSE(ipsum->problem);
    CHECK(field(d, "tcp.checksum")->check == ChecksumCheck::Good);
  }

  TEST_CASE("the SYN-ACK and the data are numbered from each side's ISN, learned from the trace") {
    Session s = open("handshake");
    s.seek(120 * kMs);
    const TraceEvent* synack = first_tx(s, [](const auto& f) { return is_tcp(f, wire::tcpflag::SYN | wire::tcpflag::ACK); });
    REQUIRE(synack != nullptr);
    const Dissection d = inspect(s, *synack).dissection;
    CHECK(value(d, "tcp.seq") == "0 (relative)");
    CHECK(value(d, "tcp.ack") == "1 (relative)");
    CHECK(value(d, "tcp.flags") == "0x012 (SYN ACK)");

    const TraceEvent* hello = first_tx(s, [](const auto& f) { return f.tcp && f.payload_len == 5; });
    REQUIRE(hello != nullptr);
    const Dissection h = inspect(s, *hello).dissection;
    CHECK(value(h, "tcp.seq") == "1 (relative)");
    CHECK(value(h, "tcp.ack") == "1 (relative)");
    CHECK(value(h, "tcp.flags.psh") == "1");
    CHECK(value(h, "data") == "\"hello\"");
    CHECK(field(h, "data")->name == "Data (5 bytes)");
    CHECK(field(h, "data")->offset == 14 + 20 + 20);
  }

  TEST_CASE("a packet not sent yet at the cursor is not inspected") {
    Session s = open("handshake");
    s.seek(200 * kMs);
    const TraceEvent* syn = first_tx(s, [](const auto& f) { return is_tcp(f, wire::tcpflag::SYN); });
    REQUIRE(syn != nullptr);
    const uint64_t id = syn->packet().id;
    const int32_t link = syn->packet().link;
    s.seek(20 * kMs);
    CHECK_FALSE(inspect_packet(s, id, link).has_value());
    // Another hop of the same frame (the switch forwards it with the same id) is found too.
    s.seek(200 * kMs);
    const auto other = inspect_packet(s, id, -5);
    REQUIRE(other.has_value());
    CHECK(other->ev == EvKind::Tx);
  }

  TEST_CASE("the view's remembering inspector follows the cursor and the student's interventions") {
    Session s = open("handshake");
    s.seek(200 * kMs);
    const TraceEvent* syn = first_tx(s, [](const auto& f) { return is_tcp(f, wire::tcpflag::SYN); });
    REQUIRE(syn != nullptr);
    const uint64_t id = syn->packet().id;
    const int32_t link = syn->packet().link;
    PacketInspector pi;
    s.seek(20 * kMs);
    CHECK(pi.inspect(s, id, link) == nullptr);  // not sent yet
    s.seek(32 * kMs);                           // on the wire between client and switch
    const InspectedPacket* p = pi.inspect(s, id, link);
    REQUIRE(p != nullptr);
    CHECK_FALSE(p->dropped.has_value());
    CHECK(value(p->dissection, "tcp.seq") == "0 (relative)");
    // The student drops it: the trace is rewritten, and the inspector notices.
    CHECK_FALSE(s.intervene_packet(id, link, FaultAction::Drop).has_value());
    s.seek(100 * kMs);
    p = pi.inspect(s, id, link);
    REQUIRE(p != nullptr);
    REQUIRE(p->dropped.has_value());
    CHECK(*p->dropped == DropWhy::Fault);
    // Back before the drop: it is in flight again, as a fresh inspection says too.
    s.seek(32 * kMs);
    p = pi.inspect(s, id, link);
    REQUIRE(p != nullptr);
    CHECK_FALSE(p->dropped.has_value());
    const auto fresh = inspect_packet(s, id, link);
    REQUIRE(fresh.has_value());
    CHECK(fresh->event == p->event);
    CHECK(fresh->dissection.fields.size() == p->dissection.fields.size());
  }

  TEST_CASE("a corrupted SYN shows its TCP checksum incorrect, and the receiver's drop") {
    Session s = open_with("handshake", R"(
[[fault]]
match = "tcp.flags.syn == 1 && tcp.flags.ack == 0"
action = "corrupt"
)");
    s.seek(100 * kMs);
    const TraceEvent* syn = first_tx(s, [](const auto& f) { return is_tcp(f, wire::tcpflag::SYN); });
    REQUIRE(syn != nullptr);
    const InspectedPacket p = inspect(s, *syn);
    const DissectField* sum = field(p.dissection, "tcp.checksum");
    REQUIRE(sum != nullptr);
    CHECK(sum->check == ChecksumCheck::Bad);
    CHECK(sum->problem);
    CHECK(sum->expected.size() == 6);  // "0x1c46"
    CHECK(sum->expected != sum->value);
    CHECK(field(p.dissection, "ip.checksum")->check == ChecksumCheck::Good);
    REQUIRE(p.dropped.has_value());
    CHECK(*p.dropped == DropWhy::Checksum);
    CHECK(s.context().node_names[size_t(p.drop_node)] == "server");
  }

  TEST_CASE("a flipped byte in the IPv4 header makes the header checksum incorrect") {
    Session s = open("handshake");
    s.seek(35 * kMs);
    const TraceEvent* syn = first_tx(s, [](const auto& f) { return is_tcp(f, wire::tcpflag::SYN); });
    REQUIRE(syn != nullptr);
    std::vector<uint8_t> frame = syn->packet().frame;
    const std::string good = value(dissect_frame(frame), "ip.checksum");
    frame[14 + 8] ^= 0x01;  // TTL 64 -> 65
    const Dissection d = dissect_frame(frame);
    CHECK(value(d, "ip.ttl") == "65");
    const DissectField* sum = field(d, "ip.checksum");
    CHECK(sum->check == ChecksumCheck::Bad);
    CHECK(sum->value == good);      // the stored value did not change …
    CHECK(sum->expected != good);   // … but the header it covers did
  }

  TEST_CASE("an ARP request: every field, the broadcast destination and Ethernet padding") {
    Session s = open("handshake");
    s.seek(15 * kMs);
    const TraceEvent* arp = first_tx(s, [](const auto& f) { return f.arp.has_value(); });
    REQUIRE(arp != nullptr);
    const Dissection d = inspect(s, *arp).dissection;
    CHECK(value(d, "eth.dst") == "ff:ff:ff:ff:ff:ff (broadcast)");
    CHECK(value(d, "eth.type") == "ARP (0x0806)");
    CHECK(value(d, "arp.hw.type") == "Ethernet (1)");
    CHECK(value(d, "arp.proto.type") == "IPv4 (0x0800)");
    CHECK(value(d, "arp.hw.size") == "6");
    CHECK(value(d, "arp.proto.size") == "4");
    CHECK(value(d, "arp.opcode") == "request (1)");
    CHECK(value(d, "arp.src.proto_ipv4") == "192.168.1.10");
    CHECK(value(d, "arp.dst.proto_ipv4") == "192.168.1.20");
    CHECK(value(d, "arp.dst.hw_mac") == "00:00:00:00:00:00");
    CHECK(field(d, "arp.opcode")->offset == 14 + 6);
    CHECK(field(d, "arp.dst.proto_ipv4")->offset == 14 + 24);
    const DissectField* pad = field(d, "eth.padding");
    REQUIRE(pad != nullptr);
    CHECK(pad->offset == 14 + 28);
    CHECK(pad->offset + pad->len == 60);
    CHECK(d.summary == "ARP who-has 192.168.1.20 tell 192.168.1.10");
  }

  TEST_CASE("an ICMP echo request from ping: type, identifier, sequence, data") {
    Session s = open("arp");
    s.seek(s.end());
    const TraceEvent* echo = first_tx(s, [](const auto& f) { return f.icmp && f.icmp->type == wire::kIcmpEchoRequest; });
    REQUIRE(echo != nullptr);
    const Dissection d = inspect(s, *echo).dissection;
    CHECK(value(d, "icmp.type") == "Echo (ping) request (8)");
    CHECK(value(d, "icmp.code") == "0");
    CHECK(value(d, "icmp.seq") == "1");
    CHECK(value(d, "ip.proto") == "ICMP (1)");
    CHECK(field(d, "icmp.checksum")->check == ChecksumCheck::Good);
    CHECK(field(d, "icmp.seq")->offset == 14 + 20 + 6);
    const DissectField* data = field(d, "data");
    REQUIRE(data != nullptr);
    CHECK(data->len == 56);  // ping's default payload
  }

  TEST_CASE("an ICMP port unreachable quotes the UDP datagram that caused it") {
    Session s = open("udp-port-unreachable");
    s.seek(s.end());
    const TraceEvent* err = first_tx(s, [](const auto& f) { return f.icmp && f.icmp->type == wire::kIcmpDestUnreachable; });
    REQUIRE(err != nullptr);
    const Dissection d = inspect(s, *err).dissection;
    CHECK(value(d, "icmp.code") == "Port unreachable (3)");
    const DissectField* quote = field(d, "icmp.quote");
    REQUIRE(quote != nullptr);
    CHECK(quote->offset == 14 + 20 + 8);
    CHECK(quote->value.find("UDP (17)") != std::string::npos);
    CHECK(value(d, "udp.dstport") == "9999");
  }

  TEST_CASE("every field of every layer has an explanation in English and Chinese") {
    std::set<std::string> keys_seen;
    for (const char* name : {"handshake", "arp", "udp-echo", "udp-port-unreachable", "traceroute", "time-wait",
                             "connection-refused", "lost-data"}) {
      CAPTURE(name);
      Session s = open(name);
      s.seek(s.end());
      for (size_t i = 0; i < s.visible(); ++i) {
        const TraceEvent& e = s.trace()[i];
        if (e.ev != EvKind::Tx) continue;
        const Dissection d = dissect_trace_event(s.trace(), i);
        CHECK_FALSE(d.fields.empty());
        for (const DissectField& f : d.fields) {
          CAPTURE(f.key);
          keys_seen.insert(f.key);
          const FieldExplanation* x = explain_field(f.key);
          REQUIRE(x != nullptr);
          CHECK(std::string(x->en).size() > 10);
          CHECK(std::string(x->zh).size() > 6);
          CHECK_FALSE(f.name.empty());
        }
      }
    }
    // The layers and the fields a lesson talks about were all met.
    for (const char* k : {"eth", "arp", "ip", "icmp", "udp", "tcp", "data", "ip.ttl", "tcp.option.mss",
                          "icmp.quote", "tcp.flags.fin", "tcp.flags.rst"})
      CHECK_MESSAGE(keys_seen.count(k) == 1, k);
    // The table itself: one entry per key, both languages filled in.
    std::set<std::string> keys;
    for (const FieldExplanation& x : field_explanations()) {
      CAPTURE(x.key);
      CHECK(keys.insert(x.key).second);
      CHECK(std::string(x.en).size() > 10);
      CHECK(std::string(x.zh).size() > 6);
    }
  }

  TEST_CASE("a truncated frame is reported malformed, not crashed on") {
    Session s = open("handshake");
    s.seek(35 * kMs);
    const TraceEvent* syn = first_tx(s, [](const auto& f) { return is_tcp(f, wire::tcpflag::SYN); });
    REQUIRE(syn != nullptr);
    for (size_t len : {size_t(0), size_t(5), size_t(20), size_t(40), size_t(50)}) {
      CAPTURE(len);
      std::vector<uint8_t> cut(syn->packet().frame.begin(), syn->packet().frame.begin() + long(len));
      const Dissection d = dissect_frame(cut);
      for (const DissectField& f : d.fields) CHECK(f.offset + f.len <= cut.size());
      if (len < 54) CHECK(field(d, "malformed") != nullptr);
    }
  }
}

TEST_SUITE("view: inspector tables") {
  TEST_CASE("the server's sockets at the end of the handshake: LISTEN and ESTABLISHED, as netstat -an prints them") {
    Session s = open("handshake");
    s.seek(70 * kMs);
    const int32_t server = s.world().node_index("server");
    const std::vector<SocketRow> rows = socket_rows(s.world(), server, s.trace(), s.visible());
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].state == "LISTEN");
    CHECK(rows[0].sock == "s1");
    CHECK(rows[0].label == "s1 (server)");
    CHECK(rows[0].local == "0.0.0.0:2000");
    CHECK(rows[0].foreign == "0.0.0.0:*");
    CHECK(rows[1].state == "ESTABLISHED");
    CHECK(rows[1].sock == "s2");
    CHECK(rows[1].label == "s2 (server.1)");
    CHECK(rows[1].local == "192.168.1.20:2000");
    // Column by column, the same as the console's netstat -an.
    const auto lines = format_netstat(s.world().nodes()[size_t(server)], CmdSockets{});
    REQUIRE(lines.size() == rows.size() + 2);
    for (size_t i = 0; i < rows.size(); ++i) {
      const SocketRow& r = rows[i];
      CHECK(words(lines[i + 2]) == std::vector<std::string>{r.proto, std::to_string(r.recv_q), std::to_string(r.send_q),
                                                             r.local, r.foreign, r.state});
    }
  }

  TEST_CASE("a SYN_SENT socket shows its retransmission timer counting down") {
    Session s = open("handshake");
    s.seek(20 * kMs);
    const int32_t client = s.world().node_index("client");
    const std::vector<SocketRow> rows = socket_rows(s.world(), client, s.trace(), s.visible());
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].state == "SYN_SENT");
    CHECK(rows[0].send_q == 1);  // the unacknowledged SYN, as netstat counts it
    REQUIRE(rows[0].timers.size() == 1);
    CHECK(rows[0].timers[0].name == "rto");
    // Linux's initial RTO of 1 s (RFC 6298 §2.1), set when connect() ran at 10 ms.
    CHECK(rows[0].timers[0].remaining == 1 * kSec - 10 * kMs);
    CHECK(format_remaining(rows[0].timers[0].remaining) == "990ms");
  }

  TEST_CASE("TIME_WAIT shows its timer - the table follows the cursor back") {
    Session s = open("time-wait");
    const int32_t client = s.world().node_index("client");
    s.seek(500 * kMs);
    const std::vector<SocketRow> rows = socket_rows(s.world(), client, s.trace(), s.visible());
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].state == "TIME_WAIT");
    REQUIRE(rows[0].timers.size() == 1);
    CHECK(rows[0].timers[0].name == "time_wait");
    // 60 s (Linux's TCP_TIMEWAIT_LEN) from 310 ms, seen at 500 ms.
    CHECK(rows[0].timers[0].remaining == 60 * kSec - 190 * kMs);
    CHECK(format_remaining(rows[0].timers[0].remaining) == "59s");
    s.seek(5 * kMs);
    CHECK(socket_rows(s.world(), client, s.trace(), s.visible()).empty());
    s.seek(s.end());  // 70 s: TIME_WAIT is over, the socket is gone from netstat too
    CHECK(socket_rows(s.world(), client, s.trace(), s.visible()).size() ==
          format_netstat(s.world().nodes()[size_t(client)], CmdSockets{}).size() - 2);
  }

  TEST_CASE("interfaces, routes and the ARP cache agree with ifconfig, route -n and arp -n") {
    Session s = open("handshake");
    s.seek(300 * kMs);
    const int32_t client = s.world().node_index("client");
    const Node& n = s.world().nodes()[size_t(client)];

    const auto ifs = interface_rows(n);
    REQUIRE(ifs.size() == 2);
    CHECK(ifs[0].name == "eth0");
    CHECK(ifs[0].address == "192.168.1.10");
    CHECK(ifs[0].netmask == "255.255.255.0");
    CHECK(ifs[0].broadcast == "192.168.1.255");
    CHECK(ifs[0].counters.tx_packets > 0);
    CHECK(ifs[1].name == "lo");
    const auto ifconfig = format_ifconfig(n);
    CHECK(ifconfig[1] == "        inet 192.168.1.10  netmask 255.255.255.0  broadcast 192.168.1.255");
    CHECK(ifconfig[2].find(ifs[0].mac) != std::string::npos);
    CHECK(ifconfig[3].find("RX packets " + std::to_string(ifs[0].counters.rx_packets) + " ") != std::string::npos);
    CHECK(ifconfig[5].find("TX packets " + std::to_string(ifs[0].counters.tx_packets) + " ") != std::string::npos);

    const auto routes = route_rows(n);
    const auto route_n = format_route_n(n);
    REQUIRE(route_n.size() == routes.size() + 2);
    for (size_t i = 0; i < routes.size(); ++i) {
      const RouteRow& r = routes[i];
      CHECK(words(route_n[i + 2]) == std::vector<std::string>{r.destination, r.gateway, r.genmask, r.flags,
                                                              std::to_string(r.metric), "0", std::to_string(r.use),
                                                              r.iface});
    }

    const auto arp = arp_rows(n, s.now());
    const auto arp_n = format_arp_n(n, s.now());
    REQUIRE(arp.size() == 1);
    REQUIRE(arp_n.size() == 2);
    CHECK(words(arp_n[1]) == std::vector<std::string>{arp[0].address, "ether", arp[0].hwaddress, "C", arp[0].iface});
    CHECK(arp[0].address == "192.168.1.20");
    CHECK(arp[0].expires_in > 0);
  }

  TEST_CASE("a switch has a MAC table with both hosts on their ports") {
    Session s = open("handshake");
    s.seek(100 * kMs);
    const Node& sw = s.world().nodes()[size_t(s.world().node_index("sw1"))];
    const auto macs = mac_rows(sw, s.now());
    REQUIRE(macs.size() == 2);
    std::set<std::string> ports;
    for (const MacRow& m : macs) {
      ports.insert(m.port);
      CHECK(m.expires_in > 0);
    }
    CHECK(ports.size() == 2);
    CHECK(interface_rows(sw).empty());
  }
}

}  // namespace tcplab
