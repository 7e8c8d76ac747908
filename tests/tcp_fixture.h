// A bench for TCP tests in the smoltcp style: put a socket of host `dut` in a state,
// hand it a crafted segment, and look at exactly what it sends and which state it ends in.
//
// The world: two hosts on one cable (1 ms), `dut` 192.168.1.1 and `peer` 192.168.1.2.
// By default a [[fault]] drops every frame dut sends (the tx event is still traced), so
// peer's own stack never sees dut's segments and never answers them: the test plays the
// peer by writing segments itself (inject) and delivering them to dut's IP layer at the
// current time. ARP is warmed up first so that dut's segments leave at once.
//
// Relative numbers as in packetdrill (TCP-REFERENCE.md §0.2): a segment dut sends is
// printed "S. 0:0(0) ack 1", its seq relative to the ISS of the socket under test and
// its ack relative to that socket's IRS (the crafted peer's ISN, `peer_iss`).
//
//   TcpBench b;
//   b.reach(TcpState::Established);            // connect() + a crafted SYN-ACK
//   const size_t m = b.mark();
//   b.inject(FIN | ACK, b.P(1), b.D(1));        // the peer's FIN
//   b.settle();                                 // 100 ms: delayed ACKs included
//   CHECK(b.sent_rel(m) == lines{". 1:1(0) ack 2"});
//   CHECK(b.transitions(m) == lines{"ESTABLISHED -> CLOSE_WAIT"});
#pragma once
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "sim/proto/tcp.h"
#include "tests/world_fixture.h"

namespace tcplab::testing {

inline constexpr Ipv4 kDutIp = Ipv4::of(192, 168, 1, 1);
inline constexpr Ipv4 kPeerIp = Ipv4::of(192, 168, 1, 2);

using lines = std::vector<std::string>;

// One TCP segment a node sent (a tx event), header fields as on the wire.
struct Seg {
  Time t = 0;
  uint8_t flags = 0;
  uint32_t seq = 0, ack = 0;
  uint16_t window = 0;
  uint32_t len = 0;  // payload bytes
  uint16_t sport = 0, dport = 0;
  std::optional<uint16_t> mss;
  bool retx = false;
  bool has(uint8_t f) const { return (flags & f) == f; }
};

// packetdrill's flag letters: "S", "S.", "F.", "FP.", "R", "R.", "P." (a SYN-ACK with FIN: "SF.").
inline std::string flag_letters(uint8_t flags) {
  using namespace wire::tcpflag;
  std::string s;
  if (flags & SYN) s += 'S';
  if (flags & FIN) s += 'F';
  if (flags & RST) s += 'R';
  if (flags & PSH) s += 'P';
  if (flags & URG) s += 'U';
  if (flags & ACK) s += '.';
  return s.empty() ? "-" : s;
}

// "F. 101:101(0) ack 301": seq relative to `seq_base`, ack relative to `ack_base`.
inline std::string seg_rel(uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len, uint32_t seq_base,
                           uint32_t ack_base) {
  const uint32_t r = seq - seq_base;
  std::string s = flag_letters(flags) + " " + std::to_string(r) + ":" + std::to_string(r + len) + "(" +
                  std::to_string(len) + ")";
  if (flags & wire::tcpflag::ACK) s += " ack " + std::to_string(ack - ack_base);
  return s;
}

// What a test writes to craft a segment from the peer to dut.
struct Craft {
  uint8_t flags = 0;
  uint32_t seq = 0, ack = 0;
  uint32_t len = 0;  // payload bytes ('x')
  uint16_t window = 65535;
  std::optional<uint16_t> mss;
  uint16_t sport = 5000, dport = 80;
};

struct StateChange {
  Time t = 0;
  std::string node, sock, from, to, why;
};

inline bool contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

class TcpBench {
 public:
  static constexpr uint16_t kDutPort = 80;    // dut's port (listener or --sport)
  static constexpr uint16_t kPeerPort = 5000; // the crafted peer's port

  // `silence`: drop every frame dut sends, so that only crafted segments reach it.
  // `extra_toml`: appended to the scenario (e.g. a [tcp] table).
  explicit TcpBench(bool silence = true, std::string_view extra_toml = "")
      : sim(Sim::text(scenario(silence, extra_toml))) {
    dut = sim.index("dut");
    peer = sim.index("peer");
    // ARP both ways before the test starts (the datagram itself is dropped or refused).
    sim.cmd("dut", "udp sendto 192.168.1.2:9 warm-up");
    sim.run_until(10 * kMs);
  }

  static std::string scenario(bool silence, std::string_view extra) {
    std::string s = R"(
title = "tcp bench"
duration = "5000s"

[[node]]
name = "dut"
type = "host"
ifaces = { eth0 = "192.168.1.1/24" }

[[node]]
name = "peer"
type = "host"
ifaces = { eth0 = "192.168.1.2/24" }

[[link]]
a = "dut"
b = "peer"
delay = "1ms"
)";
    if (silence) s += R"(
[[fault]]
match = "ip.src == 192.168.1.1"
action = "drop"
every = true
)";
    s += std::string(extra);
    return s;
  }

  Sim sim;
  int32_t dut = -1, peer = -1;
  uint32_t peer_iss = 1'000'000;  // the crafted peer's ISN (IRS of dut's socket)
  int32_t sock = -1;              // dut's socket under test (index in Node::tcp)
  int32_t listener = -1;          // dut's listener, when there is one
  std::string sock_name;          // how commands name it: "c" or "srv.1"
  bool passive = false;           // the socket under test came from dut's listener

  // ---- the clock --------------------------------------------------------------------------
  Time now() const { return sim.world.now(); }
  void wait(Time d) { sim.run_until(now() + d); }
  // Long enough for a delayed ACK (40 ms), shorter than any RTO (>= 200 ms).
  void settle() { wait(100 * kMs); }

  // ---- dut's sockets --------------------------------------------------------------------------
  const Node& dut_node() const { return sim.world.nodes()[static_cast<size_t>(dut)]; }
  const TcpSocket& s() const {
    REQUIRE(sock >= 0);
    return dut_node().tcp[static_cast<size_t>(sock)];
  }
  const TcpSocket& sock_at(int32_t i) const { return dut_node().tcp[static_cast<size_t>(i)]; }
  std::string state() const { return netstat_name(s().state); }
  std::string state_of(int32_t i) const { return netstat_name(sock_at(i).state); }
  int32_t find(std::string_view name) const {
    const int32_t i = tcp_find_socket(dut_node(), name);
    INFO("socket: " << name);
    REQUIRE(i >= 0);
    return i;
  }
  // Relative to absolute: P(n) is the peer's sequence number n (IRS + n), D(n) dut's (ISS + n).
  uint32_t P(uint32_t rel) const { return peer_iss + rel; }
  uint32_t D(uint32_t rel) const { return s().iss.v + rel; }
  // RCV.NXT and SND.NXT of the socket under test, relative.
  uint32_t rcv_nxt_rel() const { return s().rcv_nxt.v - s().irs.v; }
  uint32_t snd_nxt_rel() const { return s().snd_nxt.v - s().iss.v; }
  uint32_t snd_una_rel() const { return s().snd_una.v - s().iss.v; }

  void cmd(std::string_view node, const std::string& line) { sim.cmd(node, line); }
  void dut_cmd(const std::string& line) { sim.cmd("dut", line); }
  // "tcp close c" for the socket under test.
  void sock_cmd(const std::string& verb, const std::string& rest = "") {
    dut_cmd("tcp " + verb + " " + sock_name + (rest.empty() ? "" : " " + rest));
  }

  // ---- crafted segments ------------------------------------------------------------------------
  void inject(const Craft& c) {
    using namespace wire;
    TcpHeader h;
    h.sport = c.sport;
    h.dport = c.dport;
    h.seq = c.seq;
    h.ack = c.ack;
    h.flags = c.flags;
    h.window = c.window;
    h.mss = c.mss;
    const Bytes payload(c.len, uint8_t('x'));
    Bytes l4;
    emit_tcp(h, kPeerIp, kDutIp, payload, l4);
    Ipv4Header iph;
    iph.total_len = static_cast<uint16_t>(kIpv4HeaderLen + l4.size());
    iph.id = next_ip_id_++;
    iph.df = true;
    iph.ttl = 64;
    iph.protocol = kProtoTcp;
    iph.src = kPeerIp;
    iph.dst = kDutIp;
    Bytes pkt;
    emit(iph, pkt);
    pkt.insert(pkt.end(), l4.begin(), l4.end());
    sim.collect();
    injected_.push_back(Injected{sim.events.size(), now(), c});
    ip_local_deliver(sim.world, dut, pkt);
    sim.collect();
  }
  void inject(uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len = 0) {
    Craft c;
    c.flags = flags;
    c.seq = seq;
    c.ack = ack;
    c.len = len;
    inject(c);
  }
  // A SYN or SYN-ACK carries the MSS option, as every real one does.
  void inject_syn(uint8_t flags, uint32_t seq, uint32_t ack = 0, uint32_t len = 0) {
    Craft c;
    c.flags = flags;
    c.seq = seq;
    c.ack = ack;
    c.len = len;
    c.mss = 1460;
    inject(c);
  }

  // ---- putting the socket under test in a state ------------------------------------------------
  // Active side: connect() from port 80 to the crafted peer at 192.168.1.2:5000.
  void syn_sent(const std::string& options = "") {
    dut_cmd("tcp connect 192.168.1.2:5000 --sport 80 --as c" + (options.empty() ? "" : " " + options));
    sock = find("c");
    sock_name = "c";
    passive = false;
    wait(1 * kMs);
    REQUIRE(state() == "SYN_SENT");
  }
  // Passive side: dut listens on 80 (--as srv).
  void listen(const std::string& options = "") {
    dut_cmd("tcp listen 80 --as srv" + (options.empty() ? "" : " " + options));
    listener = find("srv");
    wait(1 * kMs);
    REQUIRE(state_of(listener) == "LISTEN");
  }
  // LISTEN + the peer's SYN: the socket under test is the listener's new child.
  void syn_received_passive(const std::string& listen_options = "") {
    listen(listen_options);
    inject_syn(wire::tcpflag::SYN, P(0));
    const TcpSocket& l = sock_at(listener);
    REQUIRE(l.syn_queue.size() == 1);
    sock = l.syn_queue.back();
    sock_name = "srv.1";
    passive = true;
    wait(1 * kMs);
    REQUIRE(state() == "SYN_RECV");
  }
  // SYN-SENT + the peer's SYN without ACK: simultaneous open (Figure 7).
  void syn_received_active(const std::string& options = "") {
    syn_sent(options);
    inject_syn(wire::tcpflag::SYN, P(0));
    wait(1 * kMs);
    REQUIRE(state() == "SYN_RECV");
  }
  void established(bool passive_side = false, const std::string& options = "") {
    using namespace wire::tcpflag;
    if (passive_side) {
      syn_received_passive(options);
      inject(ACK, P(1), D(1));
    } else {
      syn_sent(options);
      inject_syn(SYN | ACK, P(0), D(1));
    }
    wait(1 * kMs);
    REQUIRE(state() == "ESTABLISHED");
  }
  // How the application ends its side: shutdown(SHUT_WR) keeps the socket, close() orphans it.
  enum class End { Shutdown, Close };
  void end_side(End how) { sock_cmd(how == End::Close ? "close" : "shutdown"); }

  // Every state of RFC 9293 Figure 5 that a socket can be put in, by the shortest
  // exchange. The peer's FIN is at rel 1 (the peer sends no data), ours at rel 1 too.
  void reach(TcpState st, End how = End::Shutdown, bool passive_side = false) {
    using namespace wire::tcpflag;
    switch (st) {
      case TcpState::Closed:
        FAIL("reach(CLOSED): nothing to reach");
        break;
      case TcpState::Listen:
        listen();
        sock = listener;
        sock_name = "srv";
        break;
      case TcpState::SynSent: syn_sent(); break;
      case TcpState::SynReceived:
        if (passive_side) syn_received_passive();
        else syn_received_active();
        break;
      case TcpState::Established: established(passive_side); break;
      case TcpState::FinWait1:
        established(passive_side);
        end_side(how);
        wait(1 * kMs);
        break;
      case TcpState::FinWait2:
        reach(TcpState::FinWait1, how, passive_side);
        inject(ACK, P(1), D(2));
        wait(1 * kMs);
        break;
      case TcpState::Closing:
        reach(TcpState::FinWait1, how, passive_side);
        inject(FIN | ACK, P(1), D(1));
        wait(1 * kMs);
        break;
      case TcpState::TimeWait:
        reach(TcpState::FinWait2, how, passive_side);
        inject(FIN | ACK, P(1), D(2));
        wait(1 * kMs);
        break;
      case TcpState::CloseWait:
        established(passive_side);
        inject(FIN | ACK, P(1), D(1));
        wait(50 * kMs);  // the ACK of the FIN may be delayed (40 ms)
        break;
      case TcpState::LastAck:
        reach(TcpState::CloseWait, how, passive_side);
        end_side(how);
        wait(1 * kMs);
        break;
    }
    INFO(trace());
    REQUIRE(state() == netstat_name(st));
  }

  // ---- what dut did ------------------------------------------------------------------------------
  size_t mark() {
    sim.collect();
    return sim.events.size();
  }
  // The TCP segment in a tx event, if it holds one.
  static std::optional<Seg> seg_of(const TraceEvent& e) {
    if (e.ev != EvKind::Tx) return std::nullopt;
    const PacketEvent& pe = e.packet();
    const wire::ParsedFrame p = wire::parse_frame(pe.frame);
    if (!p.tcp) return std::nullopt;
    Seg k;
    k.t = e.t;
    k.flags = p.tcp->flags;
    k.seq = p.tcp->seq;
    k.ack = p.tcp->ack;
    k.window = p.tcp->window;
    k.len = static_cast<uint32_t>(p.payload_len);
    k.sport = p.tcp->sport;
    k.dport = p.tcp->dport;
    k.mss = p.tcp->mss;
    k.retx = pe.retx;
    return k;
  }
  // TCP segments `node` sent (tx events) from event index `from` on.
  std::vector<Seg> sent_by(int32_t node, size_t from = 0) const {
    std::vector<Seg> out;
    for (size_t i = from; i < sim.events.size(); ++i)
      if (sim.events[i].node == node)
        if (auto k = seg_of(sim.events[i])) out.push_back(*k);
    return out;
  }
  std::vector<Seg> sent(size_t from = 0) const { return sent_by(dut, from); }
  // dut's segments relative to the socket under test: "S. 0:0(0) ack 1".
  lines sent_rel(size_t from = 0) const {
    lines out;
    for (const Seg& k : sent(from)) out.push_back(rel(k));
    return out;
  }
  std::string rel(const Seg& k) const {
    const TcpSocket& t = s();
    return seg_rel(k.flags, k.seq, k.ack, k.len, t.iss.v, t.irs.v);
  }
  // Raw flags and numbers, for resets from no connection (§0.2: compare those raw).
  static std::string raw(const Seg& k) {
    std::string s = flag_letters(k.flags) + " seq " + std::to_string(k.seq);
    if (k.flags & wire::tcpflag::ACK) s += " ack " + std::to_string(k.ack);
    return s + " len " + std::to_string(k.len);
  }
  lines sent_raw(size_t from = 0) const {
    lines out;
    for (const Seg& k : sent(from)) out.push_back(raw(k));
    return out;
  }

  // State changes on dut from event index `from` on (all sockets).
  std::vector<StateChange> state_changes(size_t from = 0) const {
    std::vector<StateChange> out;
    for (size_t i = from; i < sim.events.size(); ++i) {
      const TraceEvent& e = sim.events[i];
      if (e.ev != EvKind::State) continue;
      const auto& se = e.state();
      out.push_back(StateChange{e.t, sim.node_name(e.node), se.sock, se.from, se.to, se.why});
    }
    return out;
  }
  // "ESTABLISHED -> CLOSE_WAIT" for socket `i` of dut (default: the socket under test).
  lines transitions(size_t from = 0, int32_t i = -1) const {
    const std::string id = tcp_sock_id(sock_at(i < 0 ? sock : i));
    lines out;
    for (const StateChange& c : state_changes(from))
      if (c.node == "dut" && c.sock == id) out.push_back(c.from + " -> " + c.to);
    return out;
  }
  // The `why` of the first change of socket `i` into state `to` since `from` ("" if none).
  std::string why_into(size_t from, std::string_view to, int32_t i = -1) const {
    const std::string id = tcp_sock_id(sock_at(i < 0 ? sock : i));
    for (const StateChange& c : state_changes(from))
      if (c.node == "dut" && c.sock == id && c.to == to) return c.why;
    return "";
  }
  std::optional<Time> time_into(size_t from, std::string_view to, int32_t i = -1) const {
    const std::string id = tcp_sock_id(sock_at(i < 0 ? sock : i));
    for (const StateChange& c : state_changes(from))
      if (c.node == "dut" && c.sock == id && c.to == to) return c.t;
    return std::nullopt;
  }
  // Lines dut printed from event index `from` on.
  lines printed(size_t from = 0) const {
    lines out;
    for (size_t i = from; i < sim.events.size(); ++i) {
      const TraceEvent& e = sim.events[i];
      if (e.ev == EvKind::App && e.node == dut) out.push_back(e.app().text);
    }
    return out;
  }
  bool printed_containing(size_t from, std::string_view part) const {
    for (const std::string& l : printed(from))
      if (contains(l, part)) return true;
    return false;
  }

  // Everything that happened to dut, for failure messages: crafted segments in, TCP
  // segments out (relative to the socket under test when there is one), state changes,
  // printed lines.
  std::string trace(size_t from = 0) const {
    std::ostringstream os;
    os << "trace of dut (seq/ack relative to the socket under test):\n";
    const bool have_sock = sock >= 0 && static_cast<size_t>(sock) < dut_node().tcp.size();
    const uint32_t iss = have_sock ? sock_at(sock).iss.v : 0;
    const uint32_t irs = have_sock ? sock_at(sock).irs.v : 0;
    auto in_line = [&](const Injected& j) {
      const bool ours = j.c.sport == kPeerPort && j.c.dport == kDutPort;
      os << "  " << fmt_time(j.t) << "  peer > dut  "
         << seg_rel(j.c.flags, j.c.seq, j.c.ack, j.c.len, ours ? peer_iss : 0, ours && have_sock ? iss : 0)
         << " win " << j.c.window << (ours ? "" : "  (raw, port " + std::to_string(j.c.dport) + ")") << "\n";
    };
    size_t next_in = 0;
    for (size_t i = from; i < sim.events.size(); ++i) {
      while (next_in < injected_.size() && injected_[next_in].at <= i) {
        if (injected_[next_in].at >= from) in_line(injected_[next_in]);
        ++next_in;
      }
      const TraceEvent& e = sim.events[i];
      if (e.node != dut) continue;
      if (e.ev == EvKind::Tx) {
        const auto k = seg_of(e);
        if (!k) continue;
        const Seg& g = *k;
        const bool ours = g.sport == kDutPort && g.dport == kPeerPort && have_sock;
        os << "  " << fmt_time(e.t) << "  dut > peer  " << seg_rel(g.flags, g.seq, g.ack, g.len, ours ? iss : 0, ours ? irs : 0)
           << " win " << g.window << (g.retx ? "  (retx)" : "") << (ours ? "" : "  (raw)") << "\n";
      } else if (e.ev == EvKind::State) {
        const auto& se = e.state();
        os << "  " << fmt_time(e.t) << "  state " << se.sock << " " << se.from << " -> " << se.to << "  (" << se.why
           << ")\n";
      } else if (e.ev == EvKind::App) {
        os << "  " << fmt_time(e.t) << "  print \"" << e.app().text << "\"\n";
      }
    }
    while (next_in < injected_.size()) {
      if (injected_[next_in].at >= from) in_line(injected_[next_in]);
      ++next_in;
    }
    return os.str();
  }

  static std::string fmt_time(Time t) {
    std::ostringstream os;
    os << (t / kMs) << "." << ((t % kMs) / kUs / 100) << "ms";
    return os.str();
  }

 private:
  struct Injected {
    size_t at;  // index in sim.events at the moment of injection
    Time t;
    Craft c;
  };
  std::vector<Injected> injected_;
  uint16_t next_ip_id_ = 1;
};

}  // namespace tcplab::testing
