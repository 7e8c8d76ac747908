// The TCP lessons (scenarios/*.toml that open connections) say things to students: "the
// SYN is sent again exactly 1 s later", "the active closer waits in TIME_WAIT for 60 s",
// "a full accept queue drops the SYN, it does not refuse it". Each suite here runs one
// lesson in-process and checks what its narration claims against the trace: the states
// each socket went through (state events), which segments were retransmitted and when
// (tx with the retx flag), where resets and FINs appear, and what the programs printed.
// tests/test_scenarios.cpp asks every scenario file for a facts test; the names of the
// lessons covered here are in tcp_lessons_with_facts() at the end of this file.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sim/trace/pcap_writer.h"
#include "tests/scenario_runner.h"

using namespace tcplab;
using namespace tcplab::scenario_testing;

namespace {

namespace tf = wire::tcpflag;

// ---- segments --------------------------------------------------------------------------------
bool is_tcp(const Pkt& p) { return p.f.tcp.has_value(); }
uint8_t flags(const Pkt& p) { return p.f.tcp->flags; }
bool has(const Pkt& p, uint8_t all_of) { return is_tcp(p) && (flags(p) & all_of) == all_of; }
bool syn_only(const Pkt& p) { return has(p, tf::SYN) && !(flags(p) & tf::ACK); }
bool syn_ack(const Pkt& p) { return has(p, tf::SYN | tf::ACK); }
bool rst(const Pkt& p) { return has(p, tf::RST); }
bool fin(const Pkt& p) { return has(p, tf::FIN); }
// An ACK with no SYN, FIN or RST and no data.
bool pure_ack(const Pkt& p) {
  return is_tcp(p) && flags(p) == tf::ACK && p.f.payload_len == 0;
}
bool data(const Pkt& p) { return is_tcp(p) && p.f.payload_len > 0; }
bool retx(const Pkt& p) { return p.e->packet().retx; }
uint32_t seq(const Pkt& p) { return p.f.tcp->seq; }
uint32_t ack(const Pkt& p) { return p.f.tcp->ack; }

// The TCP segments `node` sent (tx at the host itself, not the switch's forwarded copies).
std::vector<Pkt> tcp_tx(const Run& r, std::string_view node) {
  std::vector<Pkt> out;
  for (Pkt& p : r.packets_at(EvKind::Tx, node))
    if (is_tcp(p)) out.push_back(std::move(p));
  return out;
}
std::vector<Pkt> tcp_rx(const Run& r, std::string_view node) {
  std::vector<Pkt> out;
  for (Pkt& p : r.packets_at(EvKind::Rx, node))
    if (is_tcp(p)) out.push_back(std::move(p));
  return out;
}
template <class Pred>
std::vector<Pkt> where(const std::vector<Pkt>& pkts, Pred pred) {
  std::vector<Pkt> out;
  for (const Pkt& p : pkts)
    if (pred(p)) out.push_back(p);
  return out;
}
// The drop event of the frame a host sent (a fault drops it on its first link).
std::optional<Pkt> drop_of(const Run& r, const Pkt& sent) {
  for (Pkt& p : r.packets(EvKind::Drop))
    if (p.id() == sent.id()) return p;
  return std::nullopt;
}
size_t drops_why(const Run& r, DropWhy why) {
  size_t n = 0;
  for (const Pkt& p : r.packets(EvKind::Drop)) n += p.e->packet().why == why;
  return n;
}
std::string flag_list(const std::vector<Pkt>& pkts) {
  std::string out;
  for (const Pkt& p : pkts) out += (out.empty() ? "" : " ") + wire::tcp_flags_string(flags(p));
  return out;
}

// ---- states ----------------------------------------------------------------------------------
struct St {
  Time t = 0;
  const StateEvent* e = nullptr;
};
std::vector<St> states_at(const Run& r, std::string_view node) {
  std::vector<St> out;
  const int32_t n = r.node(node);
  for (const TraceEvent& e : r.events)
    if (e.ev == EvKind::State && e.node == n) out.push_back(St{e.t, &e.state()});
  return out;
}
// The socket id ("s3") on `node` named `name`: its --as name, or the name an accepted
// connection gets ("web.1"). A child is named only when accepted, after its handshake, so
// its name is looked up in the listener's "accepted s2 (web.1) from …" line too.
// "" when there is no such socket.
std::string sock_named(const Run& r, std::string_view node, std::string_view name) {
  for (const St& s : states_at(r, node))
    if (s.e->name == name) return s.e->sock;
  const std::string tail = " (" + std::string(name) + ") from ";
  for (const std::string& l : r.app_lines(node)) {
    const size_t at = l.find(": accepted s");
    const size_t end = l.find(tail);
    if (at != std::string::npos && end != std::string::npos && end > at)
      return l.substr(at + 11, end - (at + 11));
  }
  return "";
}
// The socket on `node` connected to `remote` ("192.168.1.13:57430" or just the address).
std::string sock_to(const Run& r, std::string_view node, std::string_view remote) {
  for (const St& s : states_at(r, node))
    if (s.e->remote == remote || s.e->remote.starts_with(std::string(remote) + ":")) return s.e->sock;
  return "";
}
// "CLOSED>SYN_SENT>ESTABLISHED": the first `from`, then every `to`, of socket `sock`.
std::string path(const Run& r, std::string_view node, const std::string& sock) {
  std::string out;
  for (const St& s : states_at(r, node)) {
    if (s.e->sock != sock) continue;
    if (out.empty()) out = s.e->from;
    out += ">" + s.e->to;
  }
  return out;
}
std::string path_named(const Run& r, std::string_view node, std::string_view name) {
  const std::string sock = sock_named(r, node, name);
  INFO("no socket named ", std::string(name), " on ", std::string(node));
  REQUIRE(!sock.empty());
  return path(r, node, sock);
}
// When socket `sock` on `node` entered `state` (the n-th time, 1-based); -1 if never.
Time entered(const Run& r, std::string_view node, const std::string& sock, std::string_view state, int nth = 1) {
  for (const St& s : states_at(r, node))
    if (s.e->sock == sock && s.e->to == state && --nth == 0) return s.t;
  return -1;
}
// Every state any socket on `node` entered.
std::set<std::string> states_entered(const Run& r, std::string_view node) {
  std::set<std::string> out;
  for (const St& s : states_at(r, node)) out.insert(s.e->to);
  return out;
}

// ---- timers ----------------------------------------------------------------------------------
std::vector<Time> timer_fires(const Run& r, std::string_view node, std::string_view timer) {
  std::vector<Time> out;
  const int32_t n = r.node(node);
  for (const TraceEvent& e : r.events)
    if (e.ev == EvKind::Timer && e.node == n) {
      const auto& t = e.timer();
      if (t.timer == timer && t.op == "fire") out.push_back(e.t);
    }
  return out;
}

// The lines a command printed at time `t` on `node` (its prompt first).
std::vector<std::string> output_at(const Run& r, std::string_view node, Time t) { return r.app_lines_between(node, t, t); }
bool any_line_starts(const std::vector<std::string>& lines, std::string_view prefix) {
  return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l.starts_with(prefix); });
}
bool any_line_contains(const std::vector<std::string>& lines, std::string_view part) {
  return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return contains(l, part); });
}

constexpr Time kMsec = kMs;

}  // namespace

// =======================================================================================
TEST_SUITE("lesson: handshake") {
  TEST_CASE("SYN, SYN-ACK, ACK: each ISN is acknowledged as ISN + 1, then bytes are counted") {
    const Run r = run_builtin("handshake");
    const auto c = tcp_tx(r, "client"), s = tcp_tx(r, "server");
    CAPTURE(flag_list(c));
    CAPTURE(flag_list(s));
    REQUIRE(c.size() == 4);  // SYN, ACK, "hello", ACK of "helloworld"
    REQUIRE(s.size() == 3);  // SYN-ACK, ACK of "hello", "helloworld"
    const Pkt &syn = c[0], &synack = s[0], &third = c[1];
    CHECK(syn_only(syn));
    CHECK(syn.t() == 30 * kMsec);  // after ARP (10 ms each way)
    CHECK(syn_ack(synack));
    CHECK(synack.t() == 40 * kMsec);
    CHECK(ack(synack) == seq(syn) + 1);  // the SYN takes one sequence number
    CHECK(pure_ack(third));
    CHECK(third.t() == 50 * kMsec);
    CHECK(seq(third) == seq(syn) + 1);
    CHECK(ack(third) == seq(synack) + 1);
    CHECK(seq(syn) != seq(synack));  // each side its own ISN
    // "hello": relative seq 1, acknowledged with 6 (the next byte expected).
    CHECK(c[2].payload() == "hello");
    CHECK(seq(c[2]) == seq(syn) + 1);
    CHECK(pure_ack(s[1]));
    CHECK(ack(s[1]) == seq(syn) + 6);
    // "helloworld" from the server: relative seq 1 to 10, acknowledged with 11.
    CHECK(s[2].payload() == "helloworld");
    CHECK(seq(s[2]) == seq(synack) + 1);
    CHECK(ack(c[3]) == seq(synack) + 11);
    for (const Pkt& p : c) CHECK_FALSE(retx(p));
    for (const Pkt& p : s) CHECK_FALSE(rst(p));
  }

  TEST_CASE("the client is ESTABLISHED after the SYN-ACK, the server one trip later - the listener stays LISTEN") {
    const Run r = run_builtin("handshake");
    const std::string client = sock_named(r, "client", "client");
    CHECK(path(r, "client", client) == "CLOSED>SYN_SENT>ESTABLISHED");
    CHECK(entered(r, "client", client, "SYN_SENT") == 10 * kMsec);
    CHECK(entered(r, "client", client, "ESTABLISHED") == 50 * kMsec);
    CHECK(path_named(r, "server", "server") == "CLOSED>LISTEN");
    const std::string child = sock_named(r, "server", "server.1");
    CHECK(path(r, "server", child) == "LISTEN>SYN_RECV>ESTABLISHED");
    CHECK(entered(r, "server", child, "SYN_RECV") == 40 * kMsec);
    CHECK(entered(r, "server", child, "ESTABLISHED") == 60 * kMsec);
    // What the ss commands show at the pauses.
    CHECK(any_line_starts(output_at(r, "server", 45 * kMsec), "SYN-RECV"));
    CHECK(any_line_starts(output_at(r, "server", 45 * kMsec), "LISTEN"));
    CHECK(any_line_starts(output_at(r, "client", 55 * kMsec), "ESTAB"));
    CHECK_FALSE(any_line_starts(output_at(r, "server", 70 * kMsec), "SYN-RECV"));
    CHECK(any_line_starts(output_at(r, "server", 70 * kMsec), "ESTAB"));
    CHECK(any_line_contains(r.app_lines("server"), "received 5 bytes \"hello\""));
    CHECK(any_line_contains(r.app_lines("client"), "received 10 bytes \"helloworld\""));
  }
}

// =======================================================================================
TEST_SUITE("lesson: four-way-close") {
  TEST_CASE("FIN, ACK, FIN, ACK: the client closes first and ends in TIME_WAIT, the server in CLOSED") {
    const Run r = run_builtin("four-way-close");
    CHECK(path_named(r, "client", "client") == "CLOSED>SYN_SENT>ESTABLISHED>FIN_WAIT1>FIN_WAIT2>TIME_WAIT");
    const std::string child = sock_named(r, "server", "server.1");
    CHECK(path(r, "server", child) == "LISTEN>SYN_RECV>ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSED");
    CHECK(states_entered(r, "server").count("TIME_WAIT") == 0);

    const auto c = tcp_tx(r, "client"), s = tcp_tx(r, "server");
    const auto cfin = where(c, fin), sfin = where(s, fin);
    REQUIRE(cfin.size() == 1);
    REQUIRE(sfin.size() == 1);
    const Pkt syn = where(c, syn_only).at(0);
    CHECK(cfin[0].t() == 200 * kMsec);
    CHECK(seq(cfin[0]) == seq(syn) + 6);  // after "hello" (1..5): the FIN is number 6
    // The server ACKs the FIN (ack 7) after Linux's 40 ms delayed ACK: CLOSE_WAIT keeps pingpong mode.
    const auto ack_of_fin = where(s, [&](const Pkt& p) { return pure_ack(p) && ack(p) == seq(cfin[0]) + 1; });
    REQUIRE(ack_of_fin.size() == 1);
    CHECK(ack_of_fin[0].t() == 250 * kMsec);
    CHECK(sfin[0].t() == 400 * kMsec);  // only when the program closes
    const auto last = where(c, [&](const Pkt& p) { return pure_ack(p) && ack(p) == seq(sfin[0]) + 1; });
    REQUIRE(last.size() == 1);
    CHECK(last[0].t() == 410 * kMsec);
    for (const Pkt& p : c) CHECK_FALSE(rst(p));
    for (const Pkt& p : s) CHECK_FALSE(rst(p));
    // netstat at the pauses: TIME_WAIT on the client; only the listener on the server.
    CHECK(any_line_contains(output_at(r, "client", 425 * kMsec), "TIME_WAIT"));
    const auto srv = output_at(r, "server", 450 * kMsec);
    CAPTURE(show(srv));
    CHECK(any_line_contains(srv, "LISTEN"));
    CHECK_FALSE(any_line_contains(srv, "192.168.1.10"));
  }
}

// =======================================================================================
TEST_SUITE("lesson: time-wait") {
  TEST_CASE("the active closer waits 60 s: the client for connection 1, the server for connection 2") {
    const Run r = run_builtin("time-wait");
    const std::string c1 = sock_named(r, "client", "c1");
    CHECK(path(r, "client", c1) == "CLOSED>SYN_SENT>ESTABLISHED>FIN_WAIT1>FIN_WAIT2>TIME_WAIT>CLOSED");
    CHECK(entered(r, "client", c1, "CLOSED") - entered(r, "client", c1, "TIME_WAIT") == 60 * kSec);
    CHECK(path_named(r, "server", "web.1") == "LISTEN>SYN_RECV>ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSED");

    const std::string w2 = sock_named(r, "server", "web.2");
    CHECK(path(r, "server", w2) == "LISTEN>SYN_RECV>ESTABLISHED>FIN_WAIT1>FIN_WAIT2>TIME_WAIT>CLOSED");
    CHECK(entered(r, "server", w2, "CLOSED") - entered(r, "server", w2, "TIME_WAIT") == 60 * kSec);
    CHECK(path_named(r, "client", "c2") == "CLOSED>SYN_SENT>ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSED");

    CHECK(any_line_contains(output_at(r, "client", 400 * kMsec), "192.168.1.10:40000      192.168.1.20:80         TIME_WAIT"));
    CHECK(any_line_contains(output_at(r, "server", 1400 * kMsec), "192.168.1.20:80         192.168.1.10:40001      TIME_WAIT"));
    CHECK(any_line_starts(output_at(r, "client", 30 * kSec), "TIME-WAIT"));
    CHECK_FALSE(any_line_starts(output_at(r, "client", 61 * kSec), "TIME-WAIT"));
  }

  TEST_CASE("port 40000 again during TIME_WAIT: bind fails and nothing is sent - after it, the connection works") {
    const Run r = run_builtin("time-wait");
    const auto at2 = output_at(r, "client", 2 * kSec);
    CAPTURE(show(at2));
    CHECK(std::count(at2.begin(), at2.end(), "bind: Address already in use") == 1);
    CHECK(sock_named(r, "client", "c3").empty());  // no socket, no state change
    for (const Pkt& p : tcp_tx(r, "client")) {
      CAPTURE(p.t());
      CHECK((p.t() < 2 * kSec || p.t() >= 62 * kSec));
    }
    const std::string c4 = sock_named(r, "client", "c4");
    CHECK(path(r, "client", c4) == "CLOSED>SYN_SENT>ESTABLISHED");
    const auto syns = where(tcp_tx(r, "client"), syn_only);
    REQUIRE(syns.size() == 3);
    CHECK(syns[2].t() >= 62 * kSec);
    CHECK(syns[2].f.tcp->sport == 40000);
    CHECK(any_line_contains(output_at(r, "server", 63 * kSec), "192.168.1.10:40000      ESTABLISHED"));
  }
}

// =======================================================================================
TEST_SUITE("lesson: lost-syn") {
  TEST_CASE("the lost SYN is sent again exactly 1 s later, same ISN, and the handshake completes") {
    const Run r = run_builtin("lost-syn");
    const auto syns = where(tcp_tx(r, "client"), syn_only);
    REQUIRE(syns.size() == 2);
    CHECK(syns[0].t() == 100 * kMsec);
    CHECK_FALSE(retx(syns[0]));
    const auto d = drop_of(r, syns[0]);
    REQUIRE(d.has_value());
    CHECK(d->e->packet().why == DropWhy::Fault);
    CHECK(retx(syns[1]));
    CHECK(syns[1].t() - syns[0].t() == kSec);  // initial RTO (RFC 6298 2.1)
    CHECK(seq(syns[1]) == seq(syns[0]));
    CHECK(!drop_of(r, syns[1]).has_value());
    CHECK(timer_fires(r, "client", "rto") == std::vector<Time>{1100 * kMsec});

    const std::string client = sock_named(r, "client", "client");
    CHECK(path(r, "client", client) == "CLOSED>SYN_SENT>ESTABLISHED");
    CHECK(entered(r, "client", client, "ESTABLISHED") == 1120 * kMsec);
    CHECK(path_named(r, "server", "server.1") == "LISTEN>SYN_RECV>ESTABLISHED");
    CHECK(where(tcp_tx(r, "server"), syn_ack).size() == 1);
    CHECK(any_line_starts(output_at(r, "client", 600 * kMsec), "SYN-SENT"));
    CHECK(any_line_starts(output_at(r, "client", 1200 * kMsec), "ESTAB"));
  }
}

// =======================================================================================
TEST_SUITE("lesson: lost-synack") {
  TEST_CASE("both timers fire 1 s after the first tries - the duplicates are harmless") {
    const Run r = run_builtin("lost-synack");
    const auto syns = where(tcp_tx(r, "client"), syn_only);
    const auto synacks = where(tcp_tx(r, "server"), syn_ack);
    REQUIRE(syns.size() == 2);
    REQUIRE(synacks.size() == 3);
    CHECK(syns[1].t() - syns[0].t() == kSec);
    CHECK(retx(syns[1]));
    const auto d = drop_of(r, synacks[0]);
    REQUIRE(d.has_value());
    CHECK(d->e->packet().why == DropWhy::Fault);
    CHECK_FALSE(retx(synacks[0]));
    // One from the server's own timer, one answering the retransmitted SYN (Linux), both at 1 s.
    for (size_t i = 1; i < 3; ++i) {
      CHECK(retx(synacks[i]));
      CHECK(synacks[i].t() - synacks[0].t() == kSec);
      CHECK(seq(synacks[i]) == seq(synacks[0]));  // the same ISN every time
      CHECK(ack(synacks[i]) == seq(syns[0]) + 1);
    }
    CHECK(timer_fires(r, "server", "rto").size() == 1);
    CHECK(timer_fires(r, "client", "rto").size() == 1);
    // The client ACKs each SYN-ACK it gets; nobody resets anything.
    const auto acks = where(tcp_tx(r, "client"), pure_ack);
    CHECK(acks.size() == 2);
    for (const Pkt& p : acks) CHECK(ack(p) == seq(synacks[0]) + 1);
    for (const Pkt& p : tcp_tx(r, "client")) CHECK_FALSE(rst(p));
    for (const Pkt& p : tcp_tx(r, "server")) CHECK_FALSE(rst(p));

    const std::string client = sock_named(r, "client", "client");
    CHECK(path(r, "client", client) == "CLOSED>SYN_SENT>ESTABLISHED");
    CHECK(entered(r, "client", client, "ESTABLISHED") == 1120 * kMsec);
    const std::string child = sock_named(r, "server", "server.1");
    CHECK(path(r, "server", child) == "LISTEN>SYN_RECV>ESTABLISHED");
    CHECK(entered(r, "server", child, "ESTABLISHED") == 1130 * kMsec);
    CHECK(any_line_starts(output_at(r, "server", 600 * kMsec), "SYN-RECV"));
  }
}

// =======================================================================================
TEST_SUITE("lesson: lost-final-ack") {
  TEST_CASE("connection 1: the client is ESTABLISHED, the server resends its SYN-ACK after 1 s") {
    const Run r = run_builtin("lost-final-ack");
    const std::string c1 = sock_named(r, "client", "c1");
    CHECK(path(r, "client", c1) == "CLOSED>SYN_SENT>ESTABLISHED");
    CHECK(entered(r, "client", c1, "ESTABLISHED") == 50 * kMsec);
    const std::string s1 = sock_named(r, "server", "server.1");
    CHECK(path(r, "server", s1) == "LISTEN>SYN_RECV>ESTABLISHED");
    CHECK(entered(r, "server", s1, "SYN_RECV") == 40 * kMsec);
    CHECK(entered(r, "server", s1, "ESTABLISHED") == 1060 * kMsec);

    const auto to1 = [](const Pkt& p) { return p.f.tcp->dport == 40001; };
    const auto synacks = where(where(tcp_tx(r, "server"), to1), syn_ack);
    REQUIRE(synacks.size() == 2);
    CHECK_FALSE(retx(synacks[0]));
    CHECK(retx(synacks[1]));
    CHECK(synacks[1].t() - synacks[0].t() == kSec);
    const auto third = where(tcp_tx(r, "client"), [](const Pkt& p) { return pure_ack(p) && p.f.tcp->sport == 40001; });
    REQUIRE(third.size() == 2);
    const auto d = drop_of(r, third[0]);
    REQUIRE(d.has_value());
    CHECK(d->e->packet().why == DropWhy::Fault);
    CHECK(third[1].t() == synacks[1].t() + 10 * kMsec);  // the answer to the resent SYN-ACK
    CHECK(!drop_of(r, third[1]).has_value());
    CHECK(any_line_starts(output_at(r, "server", 300 * kMsec), "SYN-RECV"));
  }

  TEST_CASE("connection 2: the client's data completes the handshake - no SYN-ACK is resent") {
    const Run r = run_builtin("lost-final-ack");
    const std::string s2 = sock_named(r, "server", "server.2");
    CHECK(path(r, "server", s2) == "LISTEN>SYN_RECV>ESTABLISHED");
    const auto hello = where(tcp_rx(r, "server"), [](const Pkt& p) { return data(p) && p.f.tcp->sport == 40002; });
    REQUIRE(hello.size() == 1);
    CHECK(hello[0].payload() == "hello");
    CHECK(entered(r, "server", s2, "ESTABLISHED") == hello[0].t());
    CHECK(hello[0].t() == 1610 * kMsec);
    const auto to2 = where(tcp_tx(r, "server"), [](const Pkt& p) { return p.f.tcp->dport == 40002; });
    CHECK(where(to2, syn_ack).size() == 1);
    for (const Pkt& p : to2) CHECK_FALSE(retx(p));
    CHECK(any_line_contains(r.app_lines("server"), "(server.2): received 5 bytes \"hello\""));
    CHECK(drops_why(r, DropWhy::Fault) == 2);
  }
}

// =======================================================================================
TEST_SUITE("lesson: lost-data") {
  TEST_CASE("the data is resent after one RTO (220 ms), then after twice that (440 ms)") {
    const Run r = run_builtin("lost-data");
    const auto sends = where(tcp_tx(r, "client"), data);
    REQUIRE(sends.size() == 3);
    for (const Pkt& p : sends) {
      CHECK(p.payload() == "hello");
      CHECK(seq(p) == seq(sends[0]));
    }
    CHECK(sends[0].t() == 300 * kMsec);
    CHECK_FALSE(retx(sends[0]));
    CHECK(retx(sends[1]));
    CHECK(retx(sends[2]));
    REQUIRE(drop_of(r, sends[0]).has_value());
    REQUIRE(drop_of(r, sends[1]).has_value());
    CHECK(!drop_of(r, sends[2]).has_value());
    // RTO = SRTT + max(200 ms, 4 RTTVAR) with a 20 ms RTT from the handshake (Linux).
    CHECK(sends[1].t() - sends[0].t() == 220 * kMsec);
    CHECK(sends[2].t() - sends[1].t() == 2 * (sends[1].t() - sends[0].t()));  // backoff
    CHECK(timer_fires(r, "client", "rto").size() == 2);
    const auto rx = where(tcp_rx(r, "server"), data);
    REQUIRE(rx.size() == 1);
    const auto acks = where(tcp_tx(r, "server"), [&](const Pkt& p) { return pure_ack(p) && ack(p) == seq(sends[0]) + 5; });
    CHECK(acks.size() == 1);
    CHECK(any_line_contains(r.app_lines("server"), "received 5 bytes \"hello\""));
    // Send-Q holds the 5 bytes until they are acknowledged.
    const auto ss = output_at(r, "client", 400 * kMsec);
    CAPTURE(show(ss));
    CHECK(any_line_starts(ss, "ESTAB   0       5 "));
  }
}

// =======================================================================================
TEST_SUITE("lesson: fast-retransmit") {
  TEST_CASE("the 4th ACK with the same number (3rd duplicate) triggers the retransmission, no timer") {
    const Run r = run_builtin("fast-retransmit");
    const auto sent = where(tcp_tx(r, "client"), data);
    const auto first = where(sent, [](const Pkt& p) { return !retx(p); });
    REQUIRE(first.size() >= 5);
    const Pkt lost = first[4];  // the 5th data segment
    REQUIRE(drop_of(r, lost).has_value());
    CHECK(drops_why(r, DropWhy::Fault) == 1);
    const auto again = where(sent, retx);
    REQUIRE(again.size() == 1);
    CHECK(seq(again[0]) == seq(lost));
    CHECK(timer_fires(r, "client", "rto").empty());

    // ACKs for the missing byte that reached the client before the retransmission.
    size_t same = 0;
    Time fourth = -1;
    for (const Pkt& p : tcp_rx(r, "client")) {
      if (p.t() > again[0].t() || r.index_of(p) > r.index_of(again[0])) break;
      if (ack(p) == seq(lost) && p.f.payload_len == 0 && !(flags(p) & (tf::SYN | tf::FIN))) {
        ++same;
        if (same == 4) fourth = p.t();
      }
    }
    CHECK(same == 4);                  // the original ACK and three duplicates
    CHECK(fourth == again[0].t());     // sent the moment the third duplicate arrives
    CHECK(again[0].t() - lost.t() < 50 * kMsec);  // well before any RTO (>= 200 ms)

    // ssthresh = FlightSize / 2 at the loss (RFC 5681 eq. 4), FlightSize counting what was
    // sent before the first duplicate ACK arrived (Limited Transmit segments excluded).
    Time first_dup = -1;
    size_t seen = 0;
    for (const Pkt& p : tcp_rx(r, "client"))
      if (ack(p) == seq(lost) && p.f.payload_len == 0 && !(flags(p) & (tf::SYN | tf::FIN)) && ++seen == 2) {
        first_dup = p.t();
        break;
      }
    REQUIRE(first_dup > 0);
    uint32_t high = seq(lost);
    for (const Pkt& p : first)
      if (const uint32_t end = seq(p) + static_cast<uint32_t>(p.f.payload_len);
          p.t() < first_dup && static_cast<int32_t>(end - high) > 0)  // modulo 2^32
        high = end;
    const uint32_t flight = high - seq(lost);
    bool saw = false;
    for (const TraceEvent& e : r.events)
      if (e.ev == EvKind::Cc && e.node == r.node("client") && e.t == again[0].t()) {
        CHECK(e.cc().ssthresh == std::max<uint32_t>(flight / 2, 2 * 1460));
        saw = true;
      }
    CHECK(saw);
    CHECK(any_line_contains(r.app_lines("server"), "60000 bytes"));
  }
}

// =======================================================================================
TEST_SUITE("lesson: simultaneous-open") {
  TEST_CASE("two SYNs cross, each side goes SYN_SENT, SYN_RECV, ESTABLISHED: four segments") {
    const Run r = run_builtin("simultaneous-open");
    CHECK(path_named(r, "a", "a") == "CLOSED>SYN_SENT>SYN_RECV>ESTABLISHED");
    CHECK(path_named(r, "b", "b") == "CLOSED>SYN_SENT>SYN_RECV>ESTABLISHED");
    CHECK(states_entered(r, "a").count("LISTEN") == 0);
    CHECK(states_entered(r, "b").count("LISTEN") == 0);
    CHECK(entered(r, "a", sock_named(r, "a", "a"), "ESTABLISHED") == 120 * kMsec);
    CHECK(entered(r, "b", sock_named(r, "b", "b"), "ESTABLISHED") == 120 * kMsec);

    const auto before_data = [](const std::vector<Pkt>& v) {
      return where(v, [](const Pkt& p) { return p.t() < 200 * kMsec; });
    };
    const auto a = before_data(tcp_tx(r, "a")), b = before_data(tcp_tx(r, "b"));
    CAPTURE(flag_list(a));
    CAPTURE(flag_list(b));
    REQUIRE(a.size() == 2);
    REQUIRE(b.size() == 2);
    CHECK(syn_only(a[0]));
    CHECK(syn_only(b[0]));
    CHECK(a[0].t() == b[0].t());
    CHECK(a[0].f.tcp->sport == 5000);
    CHECK(b[0].f.tcp->sport == 6000);
    CHECK(syn_ack(a[1]));
    CHECK(syn_ack(b[1]));
    CHECK(seq(a[1]) == seq(a[0]));  // the same ISS again, now with the ACK
    CHECK(seq(b[1]) == seq(b[0]));
    CHECK(ack(a[1]) == seq(b[0]) + 1);
    CHECK(ack(b[1]) == seq(a[0]) + 1);
    CHECK(any_line_starts(output_at(r, "a", 115 * kMsec), "SYN-RECV"));
    CHECK(any_line_starts(output_at(r, "b", 130 * kMsec), "ESTAB"));
    CHECK(any_line_contains(r.app_lines("b"), "received 5 bytes \"hello\""));
  }
}

// =======================================================================================
TEST_SUITE("lesson: simultaneous-close") {
  TEST_CASE("the FINs cross, both sides pass through CLOSING and both end in TIME_WAIT") {
    const Run r = run_builtin("simultaneous-close");
    CHECK(path_named(r, "client", "client") == "CLOSED>SYN_SENT>ESTABLISHED>FIN_WAIT1>CLOSING>TIME_WAIT");
    CHECK(path_named(r, "server", "server.1") == "LISTEN>SYN_RECV>ESTABLISHED>FIN_WAIT1>CLOSING>TIME_WAIT");
    CHECK(states_entered(r, "client").count("LAST_ACK") == 0);
    CHECK(states_entered(r, "server").count("LAST_ACK") == 0);
    const auto late = [](const std::vector<Pkt>& v) { return where(v, [](const Pkt& p) { return p.t() >= 200 * kMsec; }); };
    const auto c = late(tcp_tx(r, "client")), s = late(tcp_tx(r, "server"));
    CAPTURE(flag_list(c));
    CAPTURE(flag_list(s));
    REQUIRE(c.size() == 2);
    REQUIRE(s.size() == 2);
    CHECK(fin(c[0]));
    CHECK(fin(s[0]));
    CHECK(c[0].t() == 200 * kMsec);
    CHECK(s[0].t() == 200 * kMsec);
    CHECK(pure_ack(c[1]));
    CHECK(pure_ack(s[1]));
    CHECK(ack(c[1]) == seq(s[0]) + 1);
    CHECK(ack(s[1]) == seq(c[0]) + 1);
    CHECK(any_line_contains(output_at(r, "client", 215 * kMsec), "CLOSING"));
    CHECK(any_line_contains(output_at(r, "server", 230 * kMsec), "TIME_WAIT"));
    CHECK(any_line_contains(output_at(r, "client", 240 * kMsec), "TIME_WAIT"));
  }
}

// =======================================================================================
TEST_SUITE("lesson: half-close") {
  TEST_CASE("after the client's FIN the server sends 4004 bytes, all acknowledged - then it closes") {
    const Run r = run_builtin("half-close");
    CHECK(path_named(r, "client", "client") == "CLOSED>SYN_SENT>ESTABLISHED>FIN_WAIT1>FIN_WAIT2>TIME_WAIT");
    CHECK(path_named(r, "server", "server.1") == "LISTEN>SYN_RECV>ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSED");
    const auto cfin = where(tcp_tx(r, "client"), fin);
    const auto sfin = where(tcp_tx(r, "server"), fin);
    REQUIRE(cfin.size() == 1);
    REQUIRE(sfin.size() == 1);
    CHECK(cfin[0].t() == 120 * kMsec);
    CHECK(sfin[0].t() == 400 * kMsec);
    size_t after = 0, before = 0;
    for (const Pkt& p : where(tcp_tx(r, "server"), data)) (p.t() > cfin[0].t() ? after : before) += p.f.payload_len;
    CHECK(before == 0);
    CHECK(after == 4004);
    // The client, in FIN_WAIT2, acknowledged every byte before the server's FIN.
    const Pkt synack = where(tcp_tx(r, "server"), syn_ack).at(0);
    const auto acks = where(tcp_tx(r, "client"), [&](const Pkt& p) { return pure_ack(p) && p.t() < sfin[0].t(); });
    REQUIRE(!acks.empty());
    CHECK(ack(acks.back()) == seq(synack) + 1 + 4004);
    size_t got = 0;
    for (const std::string& l : r.app_lines("client"))
      if (contains(l, "(client): received ")) got += std::stoul(l.substr(l.find("received ") + 9));
    CHECK(got == 4004);
    CHECK(any_line_contains(output_at(r, "server", 150 * kMsec), "CLOSE-WAIT"));
    for (const Pkt& p : tcp_tx(r, "server")) CHECK_FALSE(rst(p));
  }
}

// =======================================================================================
TEST_SUITE("lesson: connection-refused") {
  TEST_CASE("a SYN to port 8080 gets RST+ACK acknowledging it - connect fails at once, nothing is resent") {
    const Run r = run_builtin("connection-refused");
    const auto syns = where(tcp_tx(r, "client"), [](const Pkt& p) { return syn_only(p) && p.f.tcp->dport == 8080; });
    REQUIRE(syns.size() == 1);
    const auto d = where(r.packets_at(EvKind::Drop, "server"), is_tcp);
    REQUIRE(d.size() == 1);
    CHECK(d[0].id() == syns[0].id());
    CHECK(d[0].e->packet().why == DropWhy::Closed);
    const auto rsts = where(tcp_tx(r, "server"), rst);
    REQUIRE(rsts.size() == 1);
    CHECK(flags(rsts[0]) == (tf::RST | tf::ACK));
    CHECK(seq(rsts[0]) == 0);
    CHECK(ack(rsts[0]) == seq(syns[0]) + 1);
    const std::string c1 = sock_named(r, "client", "c1");
    CHECK(path(r, "client", c1) == "CLOSED>SYN_SENT>CLOSED");
    CHECK(entered(r, "client", c1, "CLOSED") == 140 * kMsec);
    CHECK(any_line_contains(r.app_lines("client"), "(c1): connect: Connection refused"));
    // Nothing answers the RST and nothing more goes to 8080.
    const auto to8080 = where(tcp_tx(r, "client"), [](const Pkt& p) { return p.f.tcp->dport == 8080; });
    CHECK(to8080.size() == 1);
    CHECK(timer_fires(r, "client", "rto").empty());
    // Port 80 answers the same kind of SYN with a SYN-ACK.
    CHECK(path_named(r, "client", "c2") == "CLOSED>SYN_SENT>ESTABLISHED");
    CHECK(where(tcp_tx(r, "server"), syn_ack).size() == 1);
  }
}

// =======================================================================================
TEST_SUITE("lesson: close-with-unread-data") {
  TEST_CASE("close() with 11 unread bytes sends RST (seq SND.NXT, ack RCV.NXT), not FIN") {
    const Run r = run_builtin("close-with-unread-data");
    const std::string s1 = sock_named(r, "server", "server.1");
    CHECK(path(r, "server", s1) == "LISTEN>SYN_RECV>ESTABLISHED>CLOSED");
    CHECK(path_named(r, "client", "c1") == "CLOSED>SYN_SENT>ESTABLISHED>CLOSED");
    CHECK(any_line_starts(output_at(r, "server", 150 * kMsec), "ESTAB   11 "));
    const auto first = [](const std::vector<Pkt>& v) { return where(v, [](const Pkt& p) { return p.t() < 400 * kMsec; }); };
    const auto s = first(tcp_tx(r, "server")), c = first(tcp_tx(r, "client"));
    const auto rsts = where(s, rst);
    REQUIRE(rsts.size() == 1);
    CHECK(rsts[0].t() == 200 * kMsec);
    CHECK(flags(rsts[0]) == (tf::RST | tf::ACK));
    const Pkt synack = where(s, syn_ack).at(0), syn = where(c, syn_only).at(0);
    CHECK(seq(rsts[0]) == seq(synack) + 1);  // SND.NXT
    CHECK(ack(rsts[0]) == seq(syn) + 12);    // RCV.NXT: after the 11 unread bytes
    CHECK(where(s, fin).empty());
    CHECK(where(c, rst).empty());  // nobody answers a reset
    CHECK(any_line_contains(r.app_lines("client"), "(c1): recv: Connection reset by peer"));
    CHECK(entered(r, "server", s1, "TIME_WAIT") == -1);
    CHECK(output_at(r, "client", 250 * kMsec).size() == 3);  // netstat: headers only
  }

  TEST_CASE("after recv() the same close() sends an ordinary FIN and the server ends in TIME_WAIT") {
    const Run r = run_builtin("close-with-unread-data");
    CHECK(path_named(r, "server", "server.2") == "LISTEN>SYN_RECV>ESTABLISHED>FIN_WAIT1>FIN_WAIT2>TIME_WAIT");
    CHECK(path_named(r, "client", "c2") == "CLOSED>SYN_SENT>ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSED");
    const auto s = where(tcp_tx(r, "server"), [](const Pkt& p) { return p.t() >= 400 * kMsec; });
    CHECK(where(s, rst).empty());
    const auto fins = where(s, fin);
    REQUIRE(fins.size() == 1);
    CHECK(fins[0].t() == 600 * kMsec);
    CHECK(any_line_contains(r.app_lines("server"), "(server.2): recv returned 11 bytes \"hello-world\""));
  }
}

// =======================================================================================
TEST_SUITE("lesson: backlog") {
  TEST_CASE("backlog 1: two handshakes complete before any accept() - the third SYN is dropped, not refused") {
    const Run r = run_builtin("backlog");
    CHECK(entered(r, "pc1", sock_named(r, "pc1", "c"), "ESTABLISHED") == 140 * kMsec);
    CHECK(entered(r, "pc2", sock_named(r, "pc2", "c"), "ESTABLISHED") == 240 * kMsec);
    const std::string k1 = sock_to(r, "server", "192.168.1.11"), k2 = sock_to(r, "server", "192.168.1.12"),
                      k3 = sock_to(r, "server", "192.168.1.13");
    CHECK(entered(r, "server", k1, "ESTABLISHED") == 150 * kMsec);  // before the first accept at 1.5 s
    CHECK(entered(r, "server", k2, "ESTABLISHED") == 250 * kMsec);
    CHECK(path_named(r, "server", "web") == "CLOSED>LISTEN");

    // pc3's SYNs: at 0.32 s (after ARP), resent at 1.3 s and 2.3 s (linear 1 s backoff).
    const auto syns = where(tcp_tx(r, "pc3"), syn_only);
    REQUIRE(syns.size() == 3);
    CHECK(syns[0].t() == 320 * kMsec);
    CHECK(syns[1].t() == 1300 * kMsec);
    CHECK(syns[2].t() == 2300 * kMsec);
    CHECK(retx(syns[1]));
    CHECK(retx(syns[2]));
    const auto dropped = where(r.packets_at(EvKind::Drop, "server"), is_tcp);
    REQUIRE(dropped.size() == 2);
    CHECK(dropped[0].id() == syns[0].id());
    CHECK(dropped[1].id() == syns[1].id());
    for (const Pkt& p : dropped) CHECK(p.e->packet().why == DropWhy::Backlog);
    // Silence: no SYN-ACK and no reset to pc3 until the queue has room.
    for (const Pkt& p : tcp_tx(r, "server"))
      if (p.ip_dst() == "192.168.1.13") {
        CHECK_FALSE(rst(p));
        CHECK(p.t() > 2300 * kMsec);
      }
    CHECK(path_named(r, "pc3", "c") == "CLOSED>SYN_SENT>ESTABLISHED");
    CHECK(entered(r, "pc3", sock_named(r, "pc3", "c"), "ESTABLISHED") == 2320 * kMsec);
    CHECK(entered(r, "server", k3, "ESTABLISHED") == 2330 * kMsec);
  }

  TEST_CASE("ss -ltn shows Recv-Q 2 (waiting) and Send-Q 1 (backlog) - three clients end up accepted") {
    const Run r = run_builtin("backlog");
    const auto ss = output_at(r, "server", 500 * kMsec);
    CAPTURE(show(ss));
    REQUIRE(ss.size() == 3);
    CHECK(split_lines(ss[2]).size() == 1);
    CHECK(ss[2].starts_with("LISTEN  2       1 "));
    CHECK(any_line_starts(output_at(r, "pc3", 800 * kMsec), "SYN-SENT"));
    const auto lines = r.app_lines("server");
    CHECK(any_line_contains(lines, "accepted s2 (web.1) from 192.168.1.11:"));
    CHECK(any_line_contains(lines, "accepted s3 (web.2) from 192.168.1.12:"));
    CHECK(any_line_contains(lines, "accepted s4 (web.3) from 192.168.1.13:"));
    const auto end = output_at(r, "server", 2700 * kMsec);
    CAPTURE(show(end));
    CHECK(std::count_if(end.begin(), end.end(), [](const std::string& l) { return l.starts_with("ESTAB"); }) == 3);
    CHECK(any_line_starts(end, "LISTEN  0       1 "));
  }
}

// =======================================================================================
TEST_SUITE("lesson: long-vs-short") {
  TEST_CASE("one connection for ten requests against ten connections - the long one is faster") {
    const Run r = run_builtin("long-vs-short");
    const auto syns = where(tcp_tx(r, "client"), syn_only);
    const auto in = [&](Time a, Time b) {
      return std::count_if(syns.begin(), syns.end(), [&](const Pkt& p) { return p.t() >= a && p.t() < b; });
    };
    CHECK(in(0, kSec) == 1);
    CHECK(in(kSec, 2 * kSec) == 10);
    const auto lines = r.app_lines("client");
    CAPTURE(show(lines));
    const auto total = [&](std::string_view prefix) -> double {
      for (const std::string& l : lines)
        if (l.starts_with(prefix)) return std::stod(l.substr(prefix.size()));
      FAIL("no line starting with ", std::string(prefix));
      return 0;
    };
    const double long_ms = total("requests: 10 requests of 100 bytes over 1 connection: ");
    const double short_ms = total("requests: 10 requests of 100 bytes over 10 connections: ");
    CHECK(long_ms == doctest::Approx(220.0));   // a handshake + 10 round trips of 20 ms
    CHECK(short_ms == doctest::Approx(400.0));  // 10 × (handshake + request)
    CHECK(long_ms < short_ms);
    // The client closed first every time: 11 TIME_WAITs, none on the server.
    const auto ns = output_at(r, "client", 2 * kSec);
    CHECK(std::count_if(ns.begin(), ns.end(), [](const std::string& l) { return contains(l, "TIME_WAIT"); }) == 11);
    CHECK(states_entered(r, "server").count("TIME_WAIT") == 0);
    CHECK(where(tcp_tx(r, "client"), rst).empty());
    CHECK(where(tcp_tx(r, "server"), rst).empty());
  }
}

// =======================================================================================
TEST_SUITE("lesson: file-download") {
  TEST_CASE("the server sends 20000 bytes, closes first and ends in TIME_WAIT - the client goes LAST_ACK, CLOSED") {
    const Run r = run_builtin("file-download");
    const std::string child = sock_to(r, "server", "192.168.1.10");
    REQUIRE(!child.empty());
    CHECK(path(r, "server", child) == "LISTEN>SYN_RECV>ESTABLISHED>FIN_WAIT1>FIN_WAIT2>TIME_WAIT");
    const std::string dl = sock_to(r, "client", "192.168.1.20:2000");
    CHECK(path(r, "client", dl) == "CLOSED>SYN_SENT>ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSED");
    const auto sd = where(tcp_tx(r, "server"), data);
    size_t bytes = 0;
    for (const Pkt& p : sd) bytes += p.f.payload_len;
    CHECK(bytes == 20000);
    CHECK(sd.size() == 14);
    const auto sfin = where(tcp_tx(r, "server"), fin), cfin = where(tcp_tx(r, "client"), fin);
    REQUIRE(sfin.size() == 1);
    REQUIRE(cfin.size() == 1);
    CHECK(sfin[0].t() < cfin[0].t());  // the server closes first
    CHECK(where(tcp_tx(r, "client"), data).at(0).payload() == "notes.txt\n");
    CHECK(any_line_contains(r.app_lines("client"), "notes.txt: 20000 bytes"));
    CHECK(any_line_contains(output_at(r, "server", 210 * kMsec), "192.168.1.20:2000       192.168.1.10:"));
    CHECK(any_line_contains(output_at(r, "server", 210 * kMsec), "TIME_WAIT"));
    CHECK(output_at(r, "client", 200 * kMsec).size() == 3);  // netstat: nothing left on the client
  }
}

// =======================================================================================
TEST_SUITE("lesson: zero-window") {
  TEST_CASE("win=0 stops the sender - probes back off (doubling) - recv() reopens the window") {
    const Run r = run_builtin("zero-window");
    const auto sacks = tcp_tx(r, "server");
    const Pkt synack = where(sacks, syn_ack).at(0);
    CHECK(synack.f.tcp->window == 2920);  // 4096 rounded down to whole segments
    const auto zero = where(sacks, [](const Pkt& p) { return pure_ack(p) && p.f.tcp->window == 0; });
    REQUIRE(!zero.empty());
    CHECK(zero[0].t() == 110 * kMsec);

    // Persist probes while the window is closed: no data, each interval twice the previous.
    const auto probes = timer_fires(r, "client", "persist");
    std::vector<Time> first;
    for (Time t : probes)
      if (t < 2 * kSec) first.push_back(t);
    REQUIRE(first.size() == 3);
    CHECK(first[2] - first[1] == 2 * (first[1] - first[0]));
    for (const Pkt& p : tcp_tx(r, "client"))
      if (p.t() > 100 * kMsec && p.t() < 2 * kSec) {
        CAPTURE(p.t());
        CHECK(p.f.payload_len == 0);
      }
    // recv at 2 s: a window update at once, and the data flows again.
    const auto update = where(sacks, [](const Pkt& p) { return p.t() == 2 * kSec; });
    REQUIRE(update.size() == 1);
    CHECK(update[0].f.tcp->window == 4096);
    const auto resumed = where(tcp_tx(r, "client"), [](const Pkt& p) { return data(p) && p.t() > 2 * kSec; });
    REQUIRE(!resumed.empty());
    CHECK(resumed[0].t() == 2010 * kMsec);
    // All 10000 bytes reached the program, in three reads; nothing was retransmitted.
    size_t read = 0;
    for (const std::string& l : r.app_lines("server"))
      if (contains(l, "recv returned ")) read += std::stoul(l.substr(l.find("recv returned ") + 14));
    CHECK(read == 10000);
    for (const Pkt& p : tcp_tx(r, "client")) CHECK_FALSE(retx(p));
    CHECK(timer_fires(r, "client", "rto").empty());
    CHECK(any_line_starts(output_at(r, "server", 200 * kMsec), "ESTAB   2920 "));
    CHECK(any_line_starts(output_at(r, "client", 3500 * kMsec), "ESTAB   0       0 "));
  }
}

// =======================================================================================
TEST_SUITE("lesson: congestion") {
  TEST_CASE("each flow's cwnd rises and is cut at queue overflows (a sawtooth) - at most slow start's overshoot times out") {
    const Run r = run_builtin("congestion");
    CHECK(drops_why(r, DropWhy::Queue) > 0);
    for (const char* host : {"h1", "h2"}) {
      CAPTURE(host);
      std::vector<uint32_t> cwnd;
      for (const TraceEvent& e : r.events)
        if (e.ev == EvKind::Cc && e.node == r.node(host)) cwnd.push_back(e.cc().cwnd);
      REQUIRE(!cwnd.empty());
      // Slow start overshoots and loses many segments of one window; NewReno repairs one
      // per round trip and, with RFC 6582's timer reset only on the first partial ACK,
      // that recovery may end in one RTO. After it, losses are repaired without a timeout.
      const std::vector<Time> rtos = timer_fires(r, host, "rto");
      CHECK(rtos.size() <= 1);
      const Time settled = rtos.empty() ? 0 : rtos.front() + 2 * kSec;
      std::vector<uint32_t> later;
      for (const TraceEvent& e : r.events)
        if (e.ev == EvKind::Cc && e.node == r.node(host) && e.t > settled) later.push_back(e.cc().cwnd);
      REQUIRE(!later.empty());
      CHECK(cwnd.front() == 10 * 1460);  // initial window: 10 segments
      size_t cuts = 0;                   // a fall of at least a third: a loss, not a deflation step
      uint32_t peak = 0;
      for (uint32_t c : cwnd) {
        if (c * 3 < peak * 2) {
          ++cuts;
          peak = c;
        }
        peak = std::max(peak, c);
      }
      CHECK(cuts >= 3);
      CHECK(*std::min_element(later.begin(), later.end()) > 2 * 1460);  // never back to one segment
    }
    // ss -ti: h1's window at 10 s (sharing) is below its window at 3 s (alone).
    const auto cwnd_at = [&](std::string_view host, Time t) {
      for (const std::string& l : output_at(r, host, t))
        if (contains(l, "cwnd:")) return std::stoi(l.substr(l.find("cwnd:") + 5));
      FAIL("no cwnd in ss -ti output");
      return 0;
    };
    CHECK(cwnd_at("h1", 10 * kSec) < cwnd_at("h1", 3 * kSec));
    CHECK(cwnd_at("h2", 10 * kSec) > 0);
  }
}

// The lessons with a facts test above (tests/test_scenarios.cpp checks every scenario file
// has one, here or there).
namespace tcplab::scenario_testing {
std::set<std::string> tcp_lessons_with_facts() {
  return {"handshake",         "four-way-close",     "time-wait",          "lost-syn",
          "lost-synack",       "lost-final-ack",     "lost-data",          "fast-retransmit",
          "simultaneous-open", "simultaneous-close", "half-close",         "connection-refused",
          "close-with-unread-data", "backlog",       "long-vs-short",      "file-download",
          "zero-window",       "congestion"};
}
}  // namespace tcplab::scenario_testing

// =======================================================================================
// Wireshark's view of the lossy lessons: captured where each segment is born (at the host
// that sends it, so a switch or router hop does not show the same segment twice), tshark
// finds nothing malformed, and the segments it calls retransmissions are exactly the
// ones tcplab marks `retx`.
TEST_SUITE("lessons under tshark") {
  TEST_CASE("lossy lessons: Wireshark's retransmissions are tcplab's retx segments") {
    if (!tshark::available()) {
      MESSAGE("skipped: /usr/bin/tshark is not installed");
      return;
    }
    for (const std::string name : {"lost-syn", "lost-synack", "lost-final-ack", "lost-data", "fast-retransmit",
                                   "congestion"}) {
      CAPTURE(name);
      const Run r = run_builtin(name);
      std::vector<TraceEvent> at_hosts;
      for (const TraceEvent& e : r.events)
        if (e.ev == EvKind::Tx && r.ctx.node_types.at(static_cast<size_t>(e.node)) == NodeType::Host)
          at_hosts.push_back(e);
      const std::string pcap = "/tmp/tcplab-lesson-" + name + "-" + std::to_string(::getpid()) + ".pcap";
      std::string error;
      REQUIRE_MESSAGE(write_pcap_file(pcap, at_hosts, error), error);
      CHECK(tshark::complaints(tshark::run(pcap)) == std::vector<std::string>{});
      const tshark::TcpAnalysis ws = tshark::tcp_analysis(pcap);
      std::set<size_t> tcplab;
      for (size_t i = 0; i < at_hosts.size(); ++i)
        if (at_hosts[i].packet().retx) tcplab.insert(i + 1);
      // Every frame Wireshark calls a retransmission is one tcplab marked; every frame
      // tcplab marked, Wireshark calls a retransmission or (its timing heuristic, see
      // tshark_check.h) out-of-order.
      std::string only_ws, only_tl;
      for (size_t f : ws.retransmissions)
        if (!tcplab.count(f)) only_ws += " " + std::to_string(f);
      for (size_t f : tcplab)
        if (!ws.retransmissions.count(f) && !ws.out_of_order.count(f)) only_tl += " " + std::to_string(f);
      const bool agree = only_ws.empty() && only_tl.empty();
      CHECK_MESSAGE(agree, "only Wireshark:", only_ws, "; only tcplab:", only_tl);
      CHECK_FALSE(tcplab.empty());
      if (agree) std::filesystem::remove(pcap);
    }
  }
}
