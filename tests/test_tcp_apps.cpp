// The built-in TCP programs (`app …`) and hping3, run between two hosts and judged as a
// student would judge them: by what they print, by the bytes that cross the wire, and by
// the handshakes and closes in the trace — a download gets exactly the file's bytes and
// its server closes first (TIME_WAIT on the server), `requests --reuse` opens one
// connection where the short-connection version opens one per request, hping3 -S gets
// SA from an open port and RA from a closed one.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "tests/world_fixture.h"

using namespace tcplab;
using namespace tcplab::testing;

namespace {

namespace tf = wire::tcpflag;

// Two hosts on one cable, 1 ms each way, 100 Mbit/s: a = 10.0.0.1, b = 10.0.0.2.
constexpr std::string_view kPair = R"(
title = "pair"
seed = 7
duration = "200s"

[[node]]
name = "a"
type = "host"
ifaces = { eth0 = "10.0.0.1/24" }

[[node]]
name = "b"
type = "host"
ifaces = { eth0 = "10.0.0.2/24" }

[[link]]
a = "a"
b = "b"
delay = "1ms"
rate = "100Mbps"
queue = 1000
)";

PacketPred tcp_flags(uint8_t all_of, uint8_t none_of = 0) {
  return [=](const Packet& k) { return k.p.tcp && (k.p.tcp->flags & all_of) == all_of && !(k.p.tcp->flags & none_of); };
}
PacketPred syn_only() { return tcp_flags(tf::SYN, tf::ACK); }
PacketPred to_port(uint16_t port) {
  return [=](const Packet& k) { return k.p.tcp && k.p.tcp->dport == port; };
}

// The TCP byte stream `node` sent from `sport` (each sequence number once, so that a
// retransmission is not counted twice), concatenated per connection in order of its
// first packet.
std::string stream_sent(const Sim& sim, std::string_view node, uint16_t sport) {
  std::map<std::pair<uint16_t, uint32_t>, std::string> by_seq;  // (dport, seq) -> payload
  std::vector<uint16_t> conns;
  for (const TraceEvent& e : sim.events) {
    if (e.ev != EvKind::Tx || sim.node_name(e.node) != node) continue;
    const auto& frame = e.packet().frame;
    const wire::ParsedFrame p = wire::parse_frame(frame);
    if (!p.tcp || p.tcp->sport != sport) continue;
    if (std::find(conns.begin(), conns.end(), p.tcp->dport) == conns.end()) conns.push_back(p.tcp->dport);
    if (p.payload_len == 0) continue;
    by_seq[{p.tcp->dport, p.tcp->seq}] =
        std::string(frame.begin() + static_cast<long>(p.payload_offset),
                    frame.begin() + static_cast<long>(p.payload_offset + p.payload_len));
  }
  // Sequence numbers start at a random ISN per connection and may wrap; sort within a
  // connection by distance from its lowest first-seen sequence number.
  std::string out;
  for (uint16_t c : conns) {
    std::vector<std::pair<uint32_t, std::string>> segs;
    for (auto& [key, data] : by_seq)
      if (key.first == c) segs.emplace_back(key.second, data);
    if (segs.empty()) continue;
    uint32_t base = segs.front().first;
    for (auto& s : segs)
      if (static_cast<int32_t>(s.first - base) < 0) base = s.first;
    std::sort(segs.begin(), segs.end(),
              [&](const auto& x, const auto& y) { return x.first - base < y.first - base; });
    uint32_t next = base;
    for (auto& [seq, data] : segs) {
      if (static_cast<int32_t>(seq + data.size() - next) <= 0) continue;  // a repeat
      const size_t skip = static_cast<int32_t>(next - seq) > 0 ? next - seq : 0;
      out += data.substr(skip);
      next = seq + static_cast<uint32_t>(data.size());
    }
  }
  return out;
}

// The state changes of `node`'s sockets, as "s2 ESTABLISHED->CLOSE_WAIT".
std::vector<std::string> states(const Sim& sim, std::string_view node) {
  std::vector<std::string> out;
  for (const TraceEvent& e : sim.events)
    if (e.ev == EvKind::State && sim.node_name(e.node) == node) {
      const auto& s = e.state();
      out.push_back(s.sock + " " + s.from + "->" + s.to);
    }
  return out;
}
bool reached(const Sim& sim, std::string_view node, std::string_view state) {
  for (const std::string& s : states(sim, node))
    if (s.size() >= state.size() && s.compare(s.size() - state.size(), state.size(), state) == 0) return true;
  return false;
}

// Lines of `node` that start with `prefix`.
std::vector<std::string> lines_with(const Sim& sim, std::string_view node, std::string_view prefix) {
  std::vector<std::string> out;
  for (const std::string& l : sim.output(node))
    if (starts_with(l, prefix)) out.push_back(l);
  return out;
}

bool contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

}  // namespace

TEST_SUITE("app echo-server") {
  TEST_CASE("echoes every byte back, then closes after the client does") {
    Sim sim = Sim::text(kPair);
    sim.cmd("b", "app echo-server 7");
    CHECK(sim.output("b") == std::vector<std::string>{"echo-server: listening on 0.0.0.0:7"});
    sim.cmd("a", "tcp connect 10.0.0.2:7");
    sim.run_until(100 * kMs);
    sim.cmd("a", "tcp send s1 hello");
    sim.cmd("a", "tcp send s1 --bytes 30000");
    sim.run_until(1 * kSec);
    sim.cmd("a", "tcp close s1");
    sim.run_until(3 * kSec);

    const auto conn = lines_with(sim, "b", "echo-server: connection from 10.0.0.1:");
    REQUIRE(conn.size() == 1);
    CHECK(contains(conn[0], "(s2)"));
    const std::string sent = stream_sent(sim, "a", sim.tx("a", syn_only())[0].p.tcp->sport);
    const std::string echoed = stream_sent(sim, "b", 7);
    CHECK(sent.size() == 30005);
    CHECK(echoed.size() == 30005);
    CHECK(echoed == sent);
    // The client closed first; the server answered with its own FIN from CLOSE_WAIT.
    CHECK(reached(sim, "b", "CLOSE_WAIT->LAST_ACK"));
    CHECK(reached(sim, "a", "FIN_WAIT2->TIME_WAIT"));
  }

  TEST_CASE("a second server on the same port says why it cannot start") {
    Sim sim = Sim::text(kPair);
    sim.cmd("b", "app echo-server 7");
    sim.cmd("b", "app echo-server 7");
    CHECK(sim.output("b").back() == "echo-server: bind: Address already in use");
    CHECK(sim.node("b").programs.size() == 2);
    CHECK(sim.node("b").programs[1].done);
  }
}

TEST_SUITE("app file-server and download") {
  TEST_CASE("a download gets exactly the file's bytes, and the server closes first") {
    Sim sim = Sim::text(kPair);
    sim.cmd("b", "app file-server 80 report.pdf=100000 small.txt=10");
    sim.cmd("a", "app download 10.0.0.2:80 report.pdf");
    sim.run_until(5 * kSec);

    const std::string got = stream_sent(sim, "b", 80);
    CHECK(got.size() == 100000);
    CHECK(got.substr(0, 22) == "report.pdf report.pdf ");
    CHECK(stream_sent(sim, "a", sim.tx("a", syn_only())[0].p.tcp->sport) == "report.pdf\n");
    CHECK(contains(sim.line_starting("b", "file-server: sending"), "report.pdf (100000 bytes) to 10.0.0.1:"));
    const std::string line = sim.line_starting("a", "download: report.pdf: ");
    CAPTURE(sim.output("a"));
    CHECK(starts_with(line, "download: report.pdf: 100000 bytes in "));
    CHECK(contains(line, " ms ("));
    CHECK(contains(line, "Mbit/s)"));
    // The course's short connection: the server's side waits in TIME_WAIT, not the client's.
    CHECK(reached(sim, "b", "->TIME_WAIT"));
    CHECK_FALSE(reached(sim, "a", "->TIME_WAIT"));
    CHECK(reached(sim, "a", "CLOSE_WAIT->LAST_ACK"));
    CHECK(sim.node("a").programs.back().done);
  }

  TEST_CASE("a lossy path still delivers every byte, exactly once") {
    Sim sim = Sim::text(kPair, {"link.loss=0.03"});
    sim.cmd("b", "app file-server 80 big.bin=200000");
    sim.cmd("a", "app download 10.0.0.2:80 big.bin");
    sim.run_until(120 * kSec);
    CAPTURE(sim.output("a"));
    CHECK(starts_with(sim.line_starting("a", "download: big.bin: "), "download: big.bin: 200000 bytes in "));
  }

  TEST_CASE("an unknown file: the server says so and closes at once - the client gets 0 bytes") {
    Sim sim = Sim::text(kPair);
    sim.cmd("b", "app file-server 80 report.pdf=100000");
    sim.cmd("a", "app download 10.0.0.2:80 nope.txt");
    sim.run_until(2 * kSec);
    CHECK(sim.line_starting("b", "file-server: no file") == "file-server: no file 'nope.txt'");
    CHECK(starts_with(sim.line_starting("a", "download: nope.txt: "), "download: nope.txt: 0 bytes in "));
    CHECK(stream_sent(sim, "b", 80).empty());
  }

  TEST_CASE("a request without a newline is taken as it comes (the course's recv(1024))") {
    Sim sim = Sim::text(kPair);
    sim.cmd("b", "app file-server 80 small.txt=10");
    sim.cmd("a", "tcp connect 10.0.0.2:80");
    sim.run_until(100 * kMs);
    sim.cmd("a", "tcp send s1 small.txt");
    sim.run_until(2 * kSec);
    CHECK(stream_sent(sim, "b", 80) == "small.txt ");  // 10 bytes of "NAME " repeated
    CHECK(reached(sim, "b", "->FIN_WAIT1"));
  }

  TEST_CASE("download from a closed port: connection refused") {
    Sim sim = Sim::text(kPair);
    sim.cmd("a", "app download 10.0.0.2:80 report.pdf");
    sim.run_until(1 * kSec);
    CHECK(sim.output("a").back() == "download: connect: Connection refused");
    CHECK(sim.node("a").programs.back().done);
  }
}

TEST_SUITE("app bulk-send and bulk-sink") {
  TEST_CASE("--bytes N: the sink counts N bytes, then both sides close") {
    Sim sim = Sim::text(kPair);
    sim.cmd("b", "app bulk-sink 5001");
    sim.cmd("a", "app bulk-send 10.0.0.2:5001 --bytes 300000");
    sim.run_until(5 * kSec);
    CAPTURE(sim.output("a"));
    CAPTURE(sim.output("b"));
    CHECK(sim.line_starting("a", "bulk-send: all") == "bulk-send: all 300000 bytes queued, closing");
    const std::string sink = sim.line_starting("b", "bulk-sink: 10.0.0.1:");
    CHECK(contains(sink, ": 300000 bytes in "));
    CHECK(contains(sink, "Mbit/s)"));
    CHECK(stream_sent(sim, "a", sim.tx("a", syn_only())[0].p.tcp->sport).size() == 300000);
    CHECK(reached(sim, "a", "->TIME_WAIT"));
  }

  TEST_CASE("without --bytes it keeps sending until the end of the run") {
    Sim sim = Sim::text(kPair);
    sim.cmd("b", "app bulk-sink 5001");
    sim.cmd("a", "app bulk-send 10.0.0.2:5001");
    sim.run_until(2 * kSec);
    const size_t early = sim.tx("a", both(to_port(5001), tcp_flags(0))).size();
    sim.run_until(3 * kSec);
    const size_t later = sim.tx("a", both(to_port(5001), tcp_flags(0))).size();
    CHECK(early > 100);
    CHECK(later > early + 100);
    CHECK(sim.line_starting("a", "bulk-send: connected to 10.0.0.2:5001") ==
          "bulk-send: connected to 10.0.0.2:5001, sending until the end of the run");
    CHECK(sim.line_starting("a", "bulk-send: all").empty());
    CHECK(lines_with(sim, "b", "bulk-sink: 10.0.0.1:").empty());
  }
}

TEST_SUITE("app requests") {
  TEST_CASE("--reuse: one connection carries every request") {
    Sim sim = Sim::text(kPair);
    sim.cmd("b", "app echo-server 7");
    sim.cmd("a", "app requests 10.0.0.2:7 --count 10 --size 100 --reuse");
    sim.run_until(5 * kSec);
    CAPTURE(sim.output("a"));
    CHECK(sim.tx("a", syn_only()).size() == 1);
    const std::string done = sim.line_starting("a", "requests: 10 requests");
    CHECK(starts_with(done, "requests: 10 requests of 100 bytes over 1 connection: "));
    CHECK(lines_with(sim, "a", "requests: request ").empty());  // N > 5: the summary only
    CHECK(lines_with(sim, "a", "requests: ").size() == 1);
    CHECK(stream_sent(sim, "b", 7).size() == 1000);
  }

  TEST_CASE("without --reuse: a connection per request, and it takes longer") {
    Sim reuse = Sim::text(kPair);
    reuse.cmd("b", "app echo-server 7");
    reuse.cmd("a", "app requests 10.0.0.2:7 --count 10 --size 100 --reuse");
    reuse.run_until(5 * kSec);
    Sim shortc = Sim::text(kPair);
    shortc.cmd("b", "app echo-server 7");
    shortc.cmd("a", "app requests 10.0.0.2:7 --count 10 --size 100");
    shortc.run_until(5 * kSec);
    CAPTURE(shortc.output("a"));
    CHECK(shortc.tx("a", syn_only()).size() == 10);
    CHECK(starts_with(shortc.line_starting("a", "requests: 10 requests"),
                      "requests: 10 requests of 100 bytes over 10 connections: "));
    CHECK(lines_with(shortc, "b", "echo-server: connection from").size() == 10);
    // Each short connection is closed by the client, so the client keeps the TIME_WAITs.
    size_t time_waits = 0;
    for (const std::string& s : states(shortc, "a")) time_waits += contains(s, "->TIME_WAIT");
    CHECK(time_waits == 10);
    const auto t_reuse = reuse.time_of_line("a", "requests: 10 requests");
    const auto t_short = shortc.time_of_line("a", "requests: 10 requests");
    REQUIRE(t_reuse);
    REQUIRE(t_short);
    CHECK(*t_short > *t_reuse);
  }

  TEST_CASE("a few requests get a line each - the bytes come back unchanged") {
    Sim sim = Sim::text(kPair);
    sim.cmd("b", "app echo-server 7");
    sim.cmd("a", "app requests 10.0.0.2:7 --count 3 --size 5000");
    sim.run_until(5 * kSec);
    const auto each = lines_with(sim, "a", "requests: request ");
    REQUIRE(each.size() == 3);
    CHECK(starts_with(each[0], "requests: request 1: 5000 bytes echoed in "));
    CHECK(starts_with(each[2], "requests: request 3: 5000 bytes echoed in "));
    CHECK(lines_with(sim, "a", "requests: ").size() == 4);  // no "differ" line
  }

  TEST_CASE("a request larger than the send buffer still completes") {
    Sim sim = Sim::text(kPair);
    sim.cmd("b", "app echo-server 7");
    sim.cmd("a", "app requests 10.0.0.2:7 --count 2 --size 200000 --reuse");
    sim.run_until(20 * kSec);
    CAPTURE(sim.output("a"));
    CHECK(starts_with(sim.line_starting("a", "requests: 2 requests"),
                      "requests: 2 requests of 200000 bytes over 1 connection: "));
    CHECK(lines_with(sim, "a", "requests: ").size() == 3);
  }
}

TEST_SUITE("TCP programs on a lossy link") {
  TEST_CASE("5% loss each way: every program still finishes with exact byte counts") {
    Sim sim = Sim::text(kPair, {"link.loss=0.05"});
    sim.cmd("b", "app bulk-sink 5001");
    sim.cmd("b", "app echo-server 7");
    sim.cmd("b", "app file-server 80 f=500000");
    sim.cmd("a", "app bulk-send 10.0.0.2:5001 --bytes 2000000");
    sim.cmd("a", "app requests 10.0.0.2:7 --count 20 --size 3000");
    sim.cmd("a", "app download 10.0.0.2:80 f");
    sim.run_until(150 * kSec);
    CAPTURE(sim.output("a"));
    CAPTURE(sim.output("b"));
    CHECK(!sim.drops("", why(DropWhy::Loss)).empty());  // the loss did happen
    CHECK(starts_with(sim.line_starting("a", "download: f: "), "download: f: 500000 bytes in "));
    CHECK(starts_with(sim.line_starting("a", "requests: 20 requests"),
                      "requests: 20 requests of 3000 bytes over 20 connections: "));
    CHECK(sim.line_starting("a", "requests: ").find("differ") == std::string::npos);
    CHECK(lines_with(sim, "a", "requests: ").size() == 1);
    CHECK(sim.line_starting("a", "bulk-send: all") == "bulk-send: all 2000000 bytes queued, closing");
    CHECK(contains(sim.line_starting("b", "bulk-sink: 10.0.0.1:"), ": 2000000 bytes in "));
  }
}

TEST_SUITE("hping3") {
  TEST_CASE("-S to a listening port: SA answers, our own stack resets them") {
    Sim sim = Sim::text(kPair);
    sim.cmd("b", "app echo-server 80");
    sim.cmd("a", "hping3 -S -p 80 -c 3 10.0.0.2");
    sim.run_until(5 * kSec);
    const auto out = sim.output("a");
    CAPTURE(out);
    REQUIRE(out.size() == 8);
    CHECK(out[0] == "HPING 10.0.0.2 (eth0 10.0.0.2): S set, 40 headers + 0 data bytes");
    for (int k = 0; k < 3; ++k) {
      const std::string& l = out[static_cast<size_t>(k + 1)];
      CHECK(starts_with(l, "len=46 ip=10.0.0.2 ttl=64 "));
      CHECK(contains(l, " sport=80 flags=SA seq=" + std::to_string(k) + " win="));
      // 1 ms each way; the first probe also waited for ARP (another round trip).
      CHECK(contains(l, k == 0 ? " rtt=4." : " rtt=2."));
    }
    CHECK(out[4] == "");
    CHECK(out[5] == "--- 10.0.0.2 hping statistic ---");
    CHECK(out[6] == "3 packets transmitted, 3 packets received, 0% packet loss");
    CHECK(starts_with(out[7], "round-trip min/avg/max = 2."));
    // The probes: SYN only, window 64, consecutive source ports, valid checksums.
    const auto probes = sim.tx("a", syn_only());
    REQUIRE(probes.size() == 3);
    for (size_t i = 0; i < 3; ++i) {
      CHECK(probes[i].p.tcp->window == 64);
      CHECK(probes[i].p.tcp->dport == 80);
      CHECK(probes[i].p.tcp->sport == probes[0].p.tcp->sport + i);
    }
    for (const Packet& k : sim.rx("")) {
      CAPTURE(k);
      CHECK(k.p.l4_checksum_ok);
    }
    // a's kernel knows no connection for the SYN-ACK and answers each with a RST.
    CHECK(sim.tx("a", tcp_flags(tf::RST)).size() == 3);
    // No connection is left half-open on the server.
    CHECK_FALSE(reached(sim, "b", "->ESTABLISHED"));
  }

  TEST_CASE("-S to a closed port: RA") {
    Sim sim = Sim::text(kPair);
    sim.cmd("a", "hping3 -S -p 81 -c 2 10.0.0.2");
    sim.run_until(5 * kSec);
    const auto out = sim.output("a");
    CAPTURE(out);
    REQUIRE(out.size() == 7);
    CHECK(contains(out[1], " sport=81 flags=RA seq=0 win=0 rtt="));
    CHECK(contains(out[2], " sport=81 flags=RA seq=1 win=0 rtt="));
    CHECK(out[5] == "2 packets transmitted, 2 packets received, 0% packet loss");
  }

  TEST_CASE("-A with a chosen sequence number to an open port: a bare RST with that sequence") {
    Sim sim = Sim::text(kPair);
    sim.cmd("b", "app echo-server 80");
    sim.cmd("a", "hping3 -A -p 80 -L 12345 -c 1 10.0.0.2");
    sim.run_until(3 * kSec);
    const auto out = sim.output("a");
    CAPTURE(out);
    CHECK(out[0] == "HPING 10.0.0.2 (eth0 10.0.0.2): A set, 40 headers + 0 data bytes");
    CHECK(contains(out[1], " sport=80 flags=R seq=0 win=0 rtt="));
    const auto rst = sim.tx("b", tcp_flags(tf::RST));
    REQUIRE(rst.size() == 1);
    CHECK(rst[0].p.tcp->seq == 12345);  // RFC 9293 §3.10.7.1: <SEQ=SEG.ACK><CTL=RST>
  }

  TEST_CASE("no answer: 100% loss after 1 s past the last probe") {
    Sim sim = Sim::text(kPair);
    sim.cmd("a", "hping3 -S -p 80 -c 2 10.0.0.9");
    sim.run_until(10 * kSec);
    const auto out = sim.output("a");
    CAPTURE(out);
    REQUIRE(out.size() == 5);
    CHECK(out[2] == "--- 10.0.0.9 hping statistic ---");
    CHECK(out[3] == "2 packets transmitted, 0 packets received, 100% packet loss");
    CHECK(out[4] == "round-trip min/avg/max = 0.0/0.0/0.0 ms");
    CHECK(sim.time_of_line("a", "--- 10.0.0.9") == std::optional<Time>(2 * kSec));
  }

  TEST_CASE("-d adds data bytes - no flags at all is spelt as hping3 does") {
    Sim sim = Sim::text(kPair);
    sim.cmd("a", "hping3 -p 80 -d 10 -c 1 10.0.0.2");
    sim.run_until(3 * kSec);
    CHECK(sim.output("a")[0] == "HPING 10.0.0.2 (eth0 10.0.0.2): NO FLAGS are set, 40 headers + 10 data bytes");
    const auto probes = sim.tx("a", to_port(80));
    REQUIRE(probes.size() == 1);
    CHECK(probes[0].p.payload_len == 10);
    CHECK(probes[0].p.tcp->flags == 0);
  }
}
