// Socket options as a lesson switches them with `tcp setsockopt`, judged on the wire:
// TCP_NODELAY lets a small segment go while data is unacknowledged (Nagle off, RFC 9293
// §3.7.4), turning delayed ACKs off ACKs each segment at once (§3.8.6.3), SO_LINGER
// {1, 0} makes close() reset (§3.10.5), SO_RCVBUF bounds the advertised window, and
// SO_SNDBUF stops Linux's send-buffer auto-tuning.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sim/proto/tcp.h"
#include "tests/world_fixture.h"

using namespace tcplab;
using namespace tcplab::testing;

namespace {

namespace tf = wire::tcpflag;

// a = 10.0.0.1, b = 10.0.0.2, 10 ms each way; b listens on 80 and a is connected to it
// (the connection is "c" on a and "srv.1" on b) once the returned Sim has run to 100 ms.
Sim connected_pair() {
  Sim sim = Sim::text(two_hosts("a", "10.0.0.1/24", "b", "10.0.0.2/24", "10ms"));
  sim.cmd("b", "tcp listen 80 --as srv");
  sim.cmd("a", "tcp connect 10.0.0.2:80 --as c");
  sim.run_until(100 * kMs);
  return sim;
}

bool data(const Packet& k) { return k.p.tcp && k.p.payload_len > 0; }

}  // namespace

TEST_SUITE("tcp setsockopt") {
  TEST_CASE("the command parses its options and names a wrong one") {
    auto ok = parse_command("tcp setsockopt c nodelay on");
    REQUIRE(ok.ok());
    const auto& c = std::get<CmdTcpSetsockopt>(ok.value());
    CHECK(c.sock == "c");
    CHECK(c.option == TcpOption::NoDelay);
    CHECK(c.value == 1);
    auto buf = parse_command("tcp setsockopt s2 rcvbuf 4096");
    REQUIRE(buf.ok());
    CHECK(std::get<CmdTcpSetsockopt>(buf.value()).value == 4096);
    auto bad = parse_command("tcp setsockopt c nodelai on");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message.find("did you mean 'nodelay'") != std::string::npos);
    auto badv = parse_command("tcp setsockopt c delack maybe");
    REQUIRE_FALSE(badv.ok());
    CHECK(badv.error().message.find("on or off") != std::string::npos);
  }

  TEST_CASE("Nagle holds the second small write until the first is ACKed - TCP_NODELAY sends it at once") {
    for (const bool nodelay : {false, true}) {
      CAPTURE(nodelay);
      Sim sim = connected_pair();
      sim.cmd("a", "tcp setsockopt c delack off");
      if (nodelay) sim.cmd("a", "tcp setsockopt c nodelay on");
      CHECK(sim.output("a").back().find(nodelay ? "TCP_NODELAY (Nagle off) on" : "delayed ACKs off") !=
            std::string::npos);
      sim.cmd("a", "tcp send c one");
      sim.run_until(101 * kMs);
      sim.cmd("a", "tcp send c two");
      sim.run_until(500 * kMs);
      const auto sent = where(sim.tx("a"), data);
      REQUIRE(sent.size() == 2);
      // The first small segment is in flight for one RTT (20 ms).
      if (nodelay)
        CHECK(sent[1].t - sent[0].t == 1 * kMs);
      else
        CHECK(sent[1].t - sent[0].t >= 20 * kMs);
    }
  }

  TEST_CASE("with delayed ACKs off the receiver ACKs each segment at once") {
    for (const bool delack : {true, false}) {
      CAPTURE(delack);
      Sim sim = connected_pair();
      if (!delack) sim.cmd("b", "tcp setsockopt srv.1 delack off");
      // Past Linux's 16 quick ACKs, so that the delayed-ACK rule is what decides.
      for (int i = 0; i < 20; ++i) {
        sim.cmd("a", "tcp send c x");
        sim.run_until(sim.world.now() + 100 * kMs);
      }
      const auto sent = where(sim.tx("a"), data);
      const auto acks = where(sim.tx("b"), [](const Packet& k) { return k.p.tcp && k.p.payload_len == 0; });
      REQUIRE(sent.size() == 20);
      const Packet& last = sent.back();
      const auto after = where(acks, [&](const Packet& k) { return k.t > last.t; });
      REQUIRE_FALSE(after.empty());
      // One-way delay 10 ms; a delayed ACK waits 40 ms more.
      CHECK(after.front().t - last.t == (delack ? 50 : 10) * kMs);
    }
  }

  TEST_CASE("SO_LINGER {1, 0}: close() sends RST|ACK instead of FIN") {
    Sim sim = connected_pair();
    sim.cmd("a", "tcp setsockopt c linger0 on");
    sim.cmd("a", "tcp close c");
    sim.run_until(200 * kMs);
    const auto sent = where(sim.tx("a"), [](const Packet& k) { return k.p.tcp && (k.p.tcp->flags & (tf::FIN | tf::RST)); });
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].p.tcp->flags == (tf::RST | tf::ACK));
    CHECK(sim.line_starting("b", "s2 (srv.1): recv: Connection reset by peer") != "");
  }

  // The window is set before the connection: TCP never shrinks a window it has offered
  // (RFC 9293 §3.8.6.2.2), so a smaller buffer later would not show at once. The
  // accepted connection inherits the listener's options, as in Linux.
  TEST_CASE("SO_RCVBUF on the listener bounds the window its connections advertise, down to zero") {
    Sim sim = Sim::text(two_hosts("a", "10.0.0.1/24", "b", "10.0.0.2/24", "1ms"));
    sim.cmd("b", "tcp listen 80 --as srv --read manual");
    sim.cmd("b", "tcp setsockopt srv rcvbuf 3000");
    sim.cmd("a", "tcp connect 10.0.0.2:80 --as c");
    sim.run_until(50 * kMs);
    sim.cmd("a", "tcp send c --bytes 10000");
    sim.run_until(2 * kSec);
    const auto acks = where(sim.tx("b"), [](const Packet& k) { return k.p.tcp.has_value(); });
    REQUIRE_FALSE(acks.empty());
    for (const Packet& k : acks) CHECK(k.p.tcp->window <= 3000);
    CHECK(acks.back().p.tcp->window == 0);
  }

  // Linux sizes a connection's send buffer when the handshake completes and grows it with
  // cwnd while it is what limits the sender (tcp_sndbuf_expand: two congestion windows of
  // at least 10 segments), unless SO_SNDBUF fixed it. tcplab counts payload bytes: 2 x 10
  // x 1460 = 29200. A scenario's [tcp] wmem and the rfc profile keep the size given.
  TEST_CASE("the send buffer: auto-tuned to two congestion windows, fixed by SO_SNDBUF, [tcp] wmem or the rfc profile") {
    const auto sndbuf = [](const Sim& sim, std::string_view node, std::string_view sock) {
      const Node& n = sim.node(node);
      const int32_t i = tcp_find_socket(n, sock);
      REQUIRE(i >= 0);
      return n.tcp[static_cast<size_t>(i)].sndbuf;
    };
    const auto blocks = [](const Sim& sim) {
      for (const std::string& l : sim.output("a"))
        if (const auto at = l.find("send blocks: "); at != std::string::npos) return l.substr(at);
      return std::string();
    };
    {
      Sim sim = connected_pair();
      CHECK(sndbuf(sim, "a", "c") == 29200);
      CHECK(sndbuf(sim, "b", "srv.1") == 29200);
      CHECK(sndbuf(sim, "b", "srv") == 16384);  // a listener sends nothing: tcp_wmem[1]
      sim.cmd("a", "tcp send c --bytes 200000");
      CHECK(blocks(sim).starts_with("send blocks: 29200 bytes of 200000"));
      sim.run_until(300 * kMs);
      // Slow start outgrew 10 segments while the buffer held the sender back: it grew.
      CHECK(sndbuf(sim, "a", "c") > 29200);
      CHECK(sndbuf(sim, "a", "c") <= 2 * 65535 + 2 * 1460);
    }
    {
      Sim sim = connected_pair();
      sim.cmd("a", "tcp setsockopt c sndbuf 16384");
      sim.cmd("a", "tcp send c --bytes 200000");
      CHECK(blocks(sim).starts_with("send blocks: 16384 bytes of 200000"));
      sim.run_until(300 * kMs);
      CHECK(sndbuf(sim, "a", "c") == 16384);
    }
    {  // set on the listener before the connection: its connections inherit it, lock and all
      Sim sim = Sim::text(two_hosts("a", "10.0.0.1/24", "b", "10.0.0.2/24", "10ms"));
      sim.cmd("b", "tcp listen 80 --as srv");
      sim.cmd("b", "tcp setsockopt srv sndbuf 8000");
      sim.cmd("a", "tcp connect 10.0.0.2:80 --as c");
      sim.run_until(100 * kMs);
      CHECK(sndbuf(sim, "b", "srv.1") == 8000);
      CHECK(sndbuf(sim, "a", "c") == 29200);
    }
    for (const char* tcp : {"[tcp]\nwmem = 16384\n", "[tcp]\nprofile = \"rfc\"\n"}) {
      CAPTURE(tcp);
      Sim sim = Sim::text(two_hosts("a", "10.0.0.1/24", "b", "10.0.0.2/24", "10ms", tcp));
      sim.cmd("b", "tcp listen 80 --as srv");
      sim.cmd("a", "tcp connect 10.0.0.2:80 --as c");
      sim.run_until(100 * kMs);
      sim.cmd("a", "tcp send c --bytes 200000");
      CHECK(blocks(sim).starts_with("send blocks: 16384 bytes of 200000"));
      sim.run_until(2 * kSec);
      CHECK(sndbuf(sim, "a", "c") == 16384);
    }
  }
}

// Two paths found in review, where a FIN meets loss: the FIN keeps its sequence number
// through an RTO's go-back-N (so its late ACK still counts), and a FIN that arrives
// ahead of missing data is held and draws an immediate duplicate ACK (RFC 5681 §4.2).
TEST_SUITE("FIN under loss") {
  const std::string kFinPair = two_hosts("client", "192.168.1.10/24", "server", "192.168.1.20/24", "10ms");

  TEST_CASE("an RTO rewinds the sending point but not the FIN: its late ACK moves FIN-WAIT-1 on") {
    // The server's ACKs of the data are lost and the one of the FIN comes 500 ms late,
    // after the client's RTO has resent the first segment.
    Sim sim = Sim::text(kFinPair + R"(
[[fault]]
match = "tcp.srcport == 2000 && tcp.ack > 1 && tcp.ack < 3002"
node = "server"
action = "drop"
every = true
[[fault]]
match = "tcp.srcport == 2000 && tcp.ack == 3002"
node = "server"
action = "delay"
delay = "500ms"
every = true
)");
    sim.cmd("server", "tcp listen 2000 --as server");
    sim.cmd("client", "tcp connect 192.168.1.20:2000 --as c");
    sim.run_until(200 * kMs);
    sim.cmd("client", "tcp send c --bytes 3000");
    sim.cmd("client", "tcp shutdown c");
    sim.run_until(3 * kSec);
    const auto fins = sim.tx("client", [](const Packet& k) { return k.p.tcp && (k.p.tcp->flags & wire::tcpflag::FIN); });
    REQUIRE_FALSE(fins.empty());
    for (const Packet& f : fins) CHECK(f.p.tcp->seq == fins[0].p.tcp->seq);  // never a second FIN further on
    const Node& client = sim.world.nodes()[size_t(sim.index("client"))];
    CHECK(client.tcp.back().state == TcpState::FinWait2);
  }

  TEST_CASE("a FIN ahead of missing data is held and answered with a duplicate ACK at once") {
    Sim sim = Sim::text(kFinPair + R"(
[[fault]]
match = "tcp.len == 80"
node = "client"
action = "drop"
nth = 1
)");
    sim.cmd("server", "tcp listen 2000 --as server");
    sim.cmd("client", "tcp connect 192.168.1.20:2000 --as c");
    sim.run_until(200 * kMs);
    sim.cmd("client", "tcp send c --bytes 3000");
    sim.cmd("client", "tcp shutdown c");
    sim.run_until(3 * kSec);
    const auto fin = sim.rx("server", [](const Packet& k) { return k.p.tcp && (k.p.tcp->flags & wire::tcpflag::FIN); });
    REQUIRE_FALSE(fin.empty());
    // All segments arrive at once (no link rate): the data is ACKed, then the FIN draws a
    // duplicate of that ACK — the last two ACKs at that instant carry the same number.
    const auto acks = sim.tx("server", [&](const Packet& k) { return k.p.tcp && k.t == fin[0].t; });
    REQUIRE(acks.size() >= 2);
    CHECK(acks[acks.size() - 1].p.tcp->ack == acks[acks.size() - 2].p.tcp->ack);
    CHECK(acks.back().p.tcp->ack < fin[0].p.tcp->seq);
    CHECK(sim.line_starting("server", "s2 (server.1): the peer closed its side") != "");
    CHECK(sim.line_starting("server", "s2 (server.1): received 3000 bytes") == "");  // read in parts
  }
}

// RFC 9293 §3.10.7 finds a segment's connection by all four numbers of its 4-tuple: a
// host with two addresses can hold two connections that differ only in its own address.
TEST_SUITE("demultiplexing") {
  TEST_CASE("a SYN to the host's other address from the same remote port is a new connection") {
    Sim sim = Sim::text(R"(
title = "two addresses"
duration = "5s"
[[node]]
name = "dut"
type = "router"
ifaces = { eth0 = "10.0.0.1/24", eth1 = "10.0.1.1/24" }
[[node]]
name = "peer"
type = "host"
ifaces = { eth0 = "10.0.0.2/24" }
gateway = "10.0.0.1"
[[link]]
a = "dut:eth0"
b = "peer"
delay = "1ms"
)");
    sim.cmd("dut", "tcp listen 80 --as srv");
    sim.cmd("peer", "tcp connect 10.0.0.1:80 --sport 5000 --as c");
    sim.run_until(100 * kMs);
    // The same remote endpoint 10.0.0.2:5000, now to 10.0.1.1:80 (crafted: a socket could
    // not bind 5000 twice).
    sim.cmd("peer", "hping3 -S -p 80 -s 5000 -c 1 10.0.1.1");
    sim.run_until(2 * kSec);
    const auto answers = sim.tx("dut", [](const Packet& k) {
      return k.p.tcp && k.p.ip && k.p.ip->src == ip(10, 0, 1, 1);
    });
    REQUIRE_FALSE(answers.empty());
    CHECK(answers[0].p.tcp->flags == (wire::tcpflag::SYN | wire::tcpflag::ACK));  // not a challenge ACK
    CHECK(sim.line_starting("peer", "len=46 ip=10.0.1.1") != "");
    const Node& dut = sim.world.nodes()[size_t(sim.index("dut"))];
    CHECK(dut.tcp[1].state == TcpState::Established);  // the first connection is untouched
  }
}
