// `tcplab live compare` (sim/live/compare.h): the report a user reads when the simulation
// is held against the kernel. No kernel is needed here: the "kernel" trace is a simulator
// run wrapped as a LiveTrace, then changed the way a real kernel trace differs (states
// missed by sampling, Linux's SYN options, fewer ACKs, no retx flags, a tail loss probe).
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>

#include "sim/live/compare.h"
#include "sim/live/tcp_flows.h"
#include "sim/trace/summary.h"
#include "tests/scenario_runner.h"

using namespace tcplab;
using namespace tcplab::scenario_testing;
using live::CompareResult;
using live::LiveTrace;
using live::SocketComparison;
using live::SocketStates;

namespace {

// A simulator run dressed as a kernel run of `level`.
LiveTrace as_kernel(const Run& r, int level = 3) {
  LiveTrace k;
  k.ctx = r.ctx;
  k.events = r.events;
  k.info.level = level;
  k.info.level_why = level == 1   ? "unprivileged: real sockets on 127.0.0.1, states sampled"
                     : level == 2 ? "CAP_NET_RAW: segments captured on lo"
                                  : "CAP_NET_ADMIN: each host in a namespace of its own, tcplab is the wire";
  k.info.kernel_release = "6.1.0-18-amd64";
  k.info.kernel_cc = "cubic";
  return k;
}

int32_t node_of(const TraceContext& ctx, const std::string& name) {
  for (size_t i = 0; i < ctx.node_names.size(); ++i)
    if (ctx.node_names[i] == name) return static_cast<int32_t>(i);
  FAIL("no node ", name);
  return -1;
}

// Removes the state events of (node, sock) that go to `to`; returns how many.
size_t remove_state(LiveTrace& k, const std::string& node, const std::string& sock, const std::string& to) {
  const int32_t n = node_of(k.ctx, node);
  const size_t before = k.events.size();
  std::erase_if(k.events, [&](const TraceEvent& e) {
    if (e.ev != EvKind::State || e.node != n) return false;
    const auto& st = e.state();
    return st.sock == sock && st.to == to;
  });
  return before - k.events.size();
}

// Inserts a state event for (node, sock) right after its event that goes to `after`.
void add_state_after(LiveTrace& k, const std::string& node, const std::string& sock, const std::string& after,
                     const std::string& to) {
  const int32_t n = node_of(k.ctx, node);
  for (size_t i = 0; i < k.events.size(); ++i) {
    const TraceEvent& e = k.events[i];
    if (e.ev != EvKind::State || e.node != n) continue;
    const auto& st = e.state();
    if (st.sock != sock || st.to != after) continue;
    TraceEvent x = e;
    StateEvent xs = x.state();  // boxed and immutable: box a changed copy
    xs.from = after;
    xs.to = to;
    xs.why = "sampled";
    x.data = std::move(xs);
    k.events.insert(k.events.begin() + static_cast<long>(i) + 1, x);
    return;
  }
  FAIL("no state ", after, " of ", node, " ", sock);
}

// Every state event says how the kernel learnt it, as the live runner writes them.
void set_whys(LiveTrace& k, const std::string& why) {
  for (TraceEvent& e : k.events)
    if (e.ev == EvKind::State) {
      StateEvent st = e.state();
      st.why = why;
      e.data = std::move(st);
    }
}

// The kernel trace has no retx flags: the runner cannot know them.
void clear_retx_flags(LiveTrace& k) {
  for (TraceEvent& e : k.events)
    if (e.ev == EvKind::Tx || e.ev == EvKind::Rx || e.ev == EvKind::Drop)
      std::get<PacketEvent>(e.data).retx = false;
}

void drop_packets(LiveTrace& k) {
  std::erase_if(k.events, [](const TraceEvent& e) {
    return e.ev == EvKind::Tx || e.ev == EvKind::Rx || e.ev == EvKind::Drop;
  });
}

// Rewrites the TCP header of every packet event whose frame passes `pick` (all copies of
// a frame: the host's tx, the switch's rx/tx, the receiver's rx), rebuilding the bytes
// with the wire serialiser so checksums and lengths stay right.
void rewrite_tcp(LiveTrace& k, const std::function<bool(const wire::TcpHeader&)>& pick,
                 const std::function<void(wire::TcpHeader&)>& change) {
  size_t changed = 0;
  for (TraceEvent& e : k.events) {
    if (e.ev != EvKind::Tx && e.ev != EvKind::Rx && e.ev != EvKind::Drop) continue;
    auto& p = std::get<PacketEvent>(e.data);
    const wire::ParsedFrame f = wire::parse_frame(p.frame);
    if (!f.ip || !f.tcp || !pick(*f.tcp)) continue;
    wire::TcpHeader h = *f.tcp;
    change(h);
    const wire::ByteView payload(p.frame.data() + f.payload_offset, f.payload_len);
    wire::Bytes l4;
    wire::emit_tcp(h, f.ip->src, f.ip->dst, payload, l4);
    p.frame = wire::build_ipv4_frame(f.eth, *f.ip, l4);
    ++changed;
  }
  REQUIRE(changed > 0);
}

bool is_syn(const wire::TcpHeader& h) { return (h.flags & wire::tcpflag::SYN) != 0; }

// Linux's SYN and SYN-ACK on lo: MSS 65495, SACK-permitted, timestamps, window scale 7.
void linux_syn_options(LiveTrace& k) {
  rewrite_tcp(k, is_syn, [](wire::TcpHeader& h) {
    h.mss = 65495;
    h.window = 65495;
    h.sack_permitted = true;
    h.timestamps = std::make_pair(uint32_t{1000}, uint32_t{(h.flags & wire::tcpflag::ACK) ? 1000u : 0u});
    h.window_scale = 7;
  });
}

// The tx events of hosts carrying TCP, parsed, in order.
struct Seg {
  size_t index;
  wire::ParsedFrame f;
  std::string node;
};
std::vector<Seg> host_tcp_tx(const LiveTrace& k) {
  std::vector<Seg> out;
  for (size_t i = 0; i < k.events.size(); ++i) {
    const TraceEvent& e = k.events[i];
    if (e.ev != EvKind::Tx || k.ctx.node_types.at(static_cast<size_t>(e.node)) != NodeType::Host) continue;
    wire::ParsedFrame f = wire::parse_frame(e.packet().frame);
    if (f.tcp) out.push_back(Seg{i, std::move(f), k.ctx.node_names.at(static_cast<size_t>(e.node))});
  }
  return out;
}

// Removes every event of frame `id` (its tx, forwarding and rx).
void remove_frame(LiveTrace& k, uint64_t id) {
  std::erase_if(k.events, [&](const TraceEvent& e) {
    return (e.ev == EvKind::Tx || e.ev == EvKind::Rx || e.ev == EvKind::Drop) && e.packet().id == id;
  });
}

// The column of the first " │ " in a line, in display columns (-1 when absent).
long separator_column(const std::string& line) {
  const size_t at = line.find(" │");
  return at == std::string::npos ? -1 : static_cast<long>(display_width(line.substr(0, at)));
}

std::vector<std::string> report_lines(const CompareResult& r) { return split_lines(r.report); }

// The text with its line breaks and indents as single spaces, so that a check does not
// depend on where the report wrapped a paragraph.
std::string flat(const std::string& text) {
  std::string out;
  for (char c : text) {
    const bool space = c == ' ' || c == '\n';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  return out;
}

// The report's lines from `heading` up to the next blank line.
std::string section(const CompareResult& r, const std::string& heading) {
  const size_t at = r.report.find(heading);
  REQUIRE_MESSAGE(at != std::string::npos, "no section \"", heading, "\" in:\n", r.report);
  const size_t end = r.report.find("\n\n", at);
  return r.report.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

}  // namespace

TEST_SUITE("live compare") {
  TEST_CASE("the same run on both sides agrees: every socket same and every direction same") {
    const Run sim = run_builtin("four-way-close");
    const LiveTrace k = as_kernel(sim);
    const CompareResult r = live::compare_runs(sim.ctx, sim.events, k);
    INFO(r.report);
    CHECK(r.states_agree);
    const std::string states = section(r, "States per socket");
    CHECK(contains(states, "same       client s1 (client)"));
    CHECK(contains(states, "FIN_WAIT1 FIN_WAIT2 TIME_WAIT"));
    CHECK_FALSE(contains(states, "DIFFERS"));
    const std::string segments = section(r, "Segments per direction");
    CHECK(lines_starting(split_lines(segments), "      → same").size() == 2);
    CHECK(contains(r.report, "Result: the states agree (3 sockets)."));
    CHECK_FALSE(contains(r.report, "unexplained"));
  }

  TEST_CASE("the header names the scenario, the level and why, the kernel, the ports and the notices") {
    const Run sim = run_builtin("handshake");
    LiveTrace k = as_kernel(sim, 2);
    k.info.ports = {{"server", 2000, 2001}};
    k.info.notices = {"port 2000 is taken on this machine; server uses 2001"};
    const CompareResult r = live::compare_runs(sim.ctx, sim.events, k);
    INFO(r.report);
    const std::vector<std::string> lines = report_lines(r);
    REQUIRE(lines.size() > 6);
    CHECK(lines[0] == "Live compare: TCP three-way handshake");
    CHECK(trim(lines[1]) == "kernel:  level 2 — CAP_NET_RAW: segments captured on lo");
    CHECK(trim(lines[2]) == "Linux 6.1.0-18-amd64, congestion control cubic");
    CHECK(trim(lines[3]) == "model:   seed 1, tcp profile linux, NewReno");
    CHECK(trim(lines[4]) == "ports:   server 2000 → 2001 (remapped)");
    CHECK(trim(lines[5]) == "notice:  port 2000 is taken on this machine; server uses 2001");
    CHECK(contains(flat(r.report), "Ports: server's port 2000 became 2001 on the kernel"));
    CHECK(contains(flat(r.report), "Addresses: at level 2 every kernel socket is on 127.0.0.1"));
  }

  TEST_CASE("a state missing from the kernel is a disagreement naming the socket and both sequences") {
    const Run sim = run_builtin("four-way-close");
    LiveTrace k = as_kernel(sim, 2);
    REQUIRE(remove_state(k, "client", "s1", "FIN_WAIT2") == 1);
    const CompareResult r = live::compare_runs(sim.ctx, sim.events, k);
    INFO(r.report);
    CHECK_FALSE(r.states_agree);
    const std::string states = section(r, "States per socket");
    CHECK(contains(states, "DIFFERS    client s1 (client)\n"));
    CHECK(contains(states, "simulation: SYN_SENT ESTABLISHED FIN_WAIT1 FIN_WAIT2 TIME_WAIT\n"));
    CHECK(contains(states, "kernel:     SYN_SENT ESTABLISHED FIN_WAIT1 TIME_WAIT\n"));
    CHECK(contains(r.report, "Result: the states DIFFER for 1 of 3 sockets: client s1 (client)."));
  }

  TEST_CASE("a state the kernel has and the model lacks is a disagreement") {
    const Run sim = run_builtin("four-way-close");
    LiveTrace k = as_kernel(sim, 3);
    add_state_after(k, "server", "s2", "CLOSE_WAIT", "CLOSING");
    const CompareResult r = live::compare_runs(sim.ctx, sim.events, k);
    INFO(r.report);
    CHECK_FALSE(r.states_agree);
    CHECK(contains(r.report, "DIFFERS    server s2 (server.1)"));
    CHECK(contains(r.report, "kernel:     SYN_RECV ESTABLISHED CLOSE_WAIT CLOSING LAST_ACK"));
  }

  TEST_CASE("a socket on one side only is a disagreement") {
    const Run sim = run_builtin("handshake");
    LiveTrace k = as_kernel(sim, 2);
    const int32_t server = node_of(k.ctx, "server");
    std::erase_if(k.events, [&](const TraceEvent& e) {
      return e.ev == EvKind::State && e.node == server && e.state().sock == "s2";
    });
    CompareResult r = live::compare_runs(sim.ctx, sim.events, k);
    INFO(r.report);
    CHECK_FALSE(r.states_agree);
    CHECK(contains(r.report, "MISSING    server s2 (server.1): not in the kernel trace"));

    // And the other way round: the kernel has a socket the simulation lacks.
    LiveTrace k2 = as_kernel(sim, 2);
    TraceEvent extra;
    extra.t = 500'000'000;
    extra.ev = EvKind::State;
    extra.node = node_of(k2.ctx, "client");
    extra.data = StateEvent{"s2", "", "127.0.0.1:40000", "127.0.0.1:2000", "CLOSED", "SYN_SENT", "sampled"};
    k2.events.push_back(extra);
    r = live::compare_runs(sim.ctx, sim.events, k2);
    CHECK_FALSE(r.states_agree);
    CHECK(contains(r.report, "EXTRA      client s2: only in the kernel trace"));
  }

  TEST_CASE("sockets are matched by node and name, else by node and creation order") {
    const std::vector<SocketStates> sim = {
        {"server", "s1", "server", {"LISTEN"}, {"x"}},
        {"server", "s2", "server.1", {"SYN_RECV", "ESTABLISHED"}, {"x", "x"}},
        {"client", "s1", "", {"SYN_SENT", "ESTABLISHED"}, {"x", "x"}},
        {"client", "s3", "", {"SYN_SENT", "CLOSED"}, {"x", "x"}},
    };
    // The kernel numbered its sockets differently (an extra UDP socket took s2 on the
    // server) and listed them in another order.
    const std::vector<SocketStates> kernel = {
        {"client", "s4", "", {"SYN_SENT", "CLOSED"}, {"x", "x"}},
        {"server", "s3", "server.1", {"SYN_RECV", "ESTABLISHED"}, {"x", "x"}},
        {"client", "s2", "", {"SYN_SENT", "ESTABLISHED"}, {"x", "x"}},
        {"server", "s1", "server", {"LISTEN"}, {"x"}},
    };
    const auto c = live::compare_states(sim, kernel, 2);
    REQUIRE(c.size() == 4);
    for (const SocketComparison& x : c) {
      INFO(x.label());
      CHECK(x.verdict == SocketComparison::Verdict::Same);
    }
    CHECK(c[1].kernel.sock == "s3");
    CHECK(c[1].label() == "server s2 (server.1) = kernel s3");
    CHECK(c[2].kernel.sock == "s2");  // client's first socket with the kernel's first
    CHECK(c[3].kernel.sock == "s4");
  }

  TEST_CASE("level 1 tolerates a state missed between two states it saw, when the kernel says how it learnt each") {
    const Run sim = run_builtin("four-way-close");
    LiveTrace k = as_kernel(sim, 1);
    drop_packets(k);
    set_whys(k, "sampled");
    REQUIRE(remove_state(k, "client", "s1", "FIN_WAIT2") == 1);
    REQUIRE(remove_state(k, "client", "s1", "FIN_WAIT1") == 1);
    const CompareResult r = live::compare_runs(sim.ctx, sim.events, k);
    INFO(r.report);
    CHECK(r.states_agree);
    const std::string states = section(r, "States per socket");
    CHECK(contains(states, "tolerated  client s1 (client)"));
    CHECK(contains(states, "kernel:     SYN_SENT ESTABLISHED TIME_WAIT"));
    CHECK(contains(states, "the kernel's samples missed FIN_WAIT1 and FIN_WAIT2"));
    CHECK(contains(flat(r.report), "Not seen: FIN_WAIT1 and FIN_WAIT2 of client s1 (client)."));
    CHECK(contains(flat(r.report), "Segments: level 1 sees no segments"));
    CHECK(contains(flat(r.report), "Result: the states agree (3 sockets, 1 with states the sampling missed)."));
  }

  TEST_CASE("the level 1 tolerance has limits: level, why, first and last state, no extra state") {
    const Run sim = run_builtin("four-way-close");
    auto agree = [&](LiveTrace k) { return live::compare_runs(sim.ctx, sim.events, k).states_agree; };
    auto base = [&](int level) {
      LiveTrace k = as_kernel(sim, level);
      drop_packets(k);
      set_whys(k, "sampled");
      return k;
    };
    SUBCASE("the same gap at level 2 is a disagreement") {
      LiveTrace k = base(2);
      remove_state(k, "client", "s1", "FIN_WAIT2");
      CHECK_FALSE(agree(k));
    }
    SUBCASE("a kernel state event without a why is not trusted") {
      LiveTrace k = base(1);
      remove_state(k, "client", "s1", "FIN_WAIT2");
      for (TraceEvent& e : k.events)
        if (e.ev == EvKind::State && e.state().to == "TIME_WAIT") {
          StateEvent st = e.state();
          st.why.clear();
          e.data = std::move(st);
        }
      CHECK_FALSE(agree(k));
    }
    SUBCASE("a missing first state is not tolerated") {
      LiveTrace k = base(1);
      remove_state(k, "server", "s2", "SYN_RECV");
      CHECK_FALSE(agree(k));
    }
    SUBCASE("a missing last state is not tolerated") {
      LiveTrace k = base(1);
      remove_state(k, "client", "s1", "TIME_WAIT");
      CHECK_FALSE(agree(k));
    }
    SUBCASE("a state the model never had is not tolerated") {
      LiveTrace k = base(1);
      remove_state(k, "client", "s1", "FIN_WAIT2");
      add_state_after(k, "client", "s1", "FIN_WAIT1", "CLOSING");
      CHECK_FALSE(agree(k));
    }
    SUBCASE("a gap between two states seen is fine on the passive side too") {
      LiveTrace k = base(1);
      remove_state(k, "server", "s2", "LAST_ACK");  // between CLOSE_WAIT and CLOSED
      CHECK(agree(k));
    }
  }

  TEST_CASE("the level 1 rule on sequences") {
    auto s = [](std::vector<std::string> states, const char* why = "sampled") {
      return SocketStates{"client", "s1", "client", states, std::vector<std::string>(states.size(), why)};
    };
    using V = SocketComparison::Verdict;
    auto verdict = [&](const SocketStates& sim, const SocketStates& kernel, int level) {
      return live::compare_states({sim}, {kernel}, level).at(0).verdict;
    };
    const SocketStates model = s({"SYN_SENT", "ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT"});
    CHECK(verdict(model, model, 1) == V::Same);
    CHECK(verdict(model, s({"SYN_SENT", "ESTABLISHED", "FIN_WAIT1", "TIME_WAIT"}), 1) == V::Tolerated);
    CHECK(verdict(model, s({"SYN_SENT", "TIME_WAIT"}), 1) == V::Tolerated);
    CHECK(verdict(model, s({"SYN_SENT", "ESTABLISHED", "FIN_WAIT1", "TIME_WAIT"}), 3) == V::Differs);
    CHECK(verdict(model, s({"SYN_SENT", "ESTABLISHED", "FIN_WAIT1", "TIME_WAIT"}, ""), 1) == V::Differs);
    CHECK(verdict(model, s({"ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT"}), 1) == V::Differs);
    CHECK(verdict(model, s({"SYN_SENT", "ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2"}), 1) == V::Differs);
    CHECK(verdict(model, s({"SYN_SENT", "FIN_WAIT1", "ESTABLISHED", "TIME_WAIT"}), 1) == V::Differs);
    CHECK(verdict(model, s({"SYN_SENT", "ESTABLISHED", "CLOSING", "TIME_WAIT"}), 1) == V::Differs);
    CHECK(verdict(model, s({"SYN_SENT"}), 1) == V::Differs);
    const auto c = live::compare_states({model}, {s({"SYN_SENT", "ESTABLISHED", "TIME_WAIT"})}, 1).at(0);
    CHECK(c.unseen == std::vector<std::string>{"FIN_WAIT1", "FIN_WAIT2"});
  }

  TEST_CASE("Linux's SYN options are explained, not failures, and the report says which the kernel sent") {
    const Run sim = run_builtin("handshake");
    LiveTrace k = as_kernel(sim, 2);
    linux_syn_options(k);
    const CompareResult r = live::compare_runs(sim.ctx, sim.events, k);
    INFO(r.report);
    CHECK(r.states_agree);
    CHECK_FALSE(contains(r.report, "DIFFERS"));
    CHECK_FALSE(contains(r.report, "unexplained"));
    const std::string notes = section(r, "Known differences");
    CHECK(contains(flat(notes), "the kernel's SYN (client → server) and SYN-ACK (server → client) each carried MSS "
                                "65495, SACK-permitted, timestamps and window scale 7, the model's MSS 1460."));
    CHECK(contains(flat(notes), "The model sends MSS only"));
    CHECK(contains(flat(notes), "12-byte timestamps option"));
    CHECK(contains(flat(notes), "advertised MSS 65495 and window 65495, the model's MSS 1460 and window 64240"));
    CHECK(contains(flat(notes), "loopback interface, whose MTU is 65536"));
    CHECK(contains(flat(notes), "scaled by 2^7"));
    CHECK(contains(flat(notes), "the kernel runs CUBIC, the model NewReno"));
    CHECK(contains(flat(notes), "Nothing was sent again in this run"));
  }

  TEST_CASE("retransmissions are found from sequence numbers when the trace has no retx flag") {
    const Run sim = run_builtin("lost-data");
    LiveTrace k = as_kernel(sim, 3);
    clear_retx_flags(k);
    const auto flows = live::tcp_flows(k.ctx, k.events);
    REQUIRE(flows.size() == 1);
    const live::FlowDirection& up = flows[0].forward;
    CHECK(up.from_label == "client s1 (client)");
    CHECK(up.to_label == "server s2 (server.1)");
    std::vector<std::string> tokens;
    for (const auto& s : up.segments) tokens.push_back(s.token());
    CHECK(show(tokens) == show(std::vector<std::string>{"SYN", "ACK", "PSH|ACK(5)", "PSH|ACK(5)*", "PSH|ACK(5)*"}));
    CHECK(up.bytes() == 5);
    CHECK(up.retransmissions() == 2);
    // The same segments the simulator flagged.
    const auto sim_flows = live::tcp_flows(sim.ctx, sim.events);
    for (size_t i = 0; i < up.segments.size(); ++i) {
      CHECK(up.segments[i].retx == sim_flows[0].forward.segments[i].retx_flag);
      CHECK(up.segments[i].retx_flag == false);
    }
    CHECK(up.segments[3].first_sent == up.segments[2].t);
    CHECK(up.segments[3].t - up.segments[3].first_sent == 220'000'000);  // SRTT 20 ms + 200 ms

    const CompareResult r = live::compare_runs(sim.ctx, sim.events, k);
    INFO(r.report);
    CHECK(contains(r.report, "kernel:     [PSH|ACK] len=5 at 520.0 ms, 220.0 ms after its first send"));
    CHECK(contains(r.report, "→ agree: the same segments, sent again after the same waits"));
  }

  TEST_CASE("sequence-number rules: overlap is a retransmission, pure ACKs never, a new ISN a new connection") {
    TraceContext ctx;
    ctx.node_names = {"a", "b"};
    ctx.node_types = {NodeType::Host, NodeType::Host};
    std::vector<TraceEvent> ev;
    uint64_t id = 0;
    auto tx = [&](Time t, int32_t node, bool from_a, uint32_t seq, uint8_t flags, size_t len) {
      wire::TcpHeader h;
      h.sport = from_a ? 40000 : 80;
      h.dport = from_a ? 80 : 40000;
      h.seq = seq;
      h.ack = 1;
      h.flags = flags;
      h.window = 1000;
      const Ipv4 a = *parse_ipv4("10.0.0.1"), b = *parse_ipv4("10.0.0.2");
      const std::vector<uint8_t> payload(len, 'x');
      wire::Bytes l4;
      wire::emit_tcp(h, from_a ? a : b, from_a ? b : a, payload, l4);
      wire::Ipv4Header ip;
      ip.protocol = wire::kProtoTcp;
      ip.src = from_a ? a : b;
      ip.dst = from_a ? b : a;
      TraceEvent e;
      e.t = t;
      e.ev = EvKind::Tx;
      e.node = node;
      e.data = PacketEvent{++id, 0, wire::build_ipv4_frame(wire::EthernetHeader{}, ip, l4)};
      ev.push_back(e);
    };
    using namespace wire::tcpflag;
    const uint32_t isn = 0xfffffff0;  // wraps during the exchange
    tx(0, 0, true, isn, SYN, 0);
    tx(1, 1, false, 500, SYN | ACK, 0);
    tx(2, 0, true, isn + 1, ACK, 0);
    tx(3, 0, true, isn + 1, PSH | ACK, 10);    // new
    tx(4, 0, true, isn + 11, PSH | ACK, 10);   // new, across the wrap
    tx(5, 1, false, 501, ACK, 0);              // pure ACK
    tx(6, 1, false, 501, ACK, 0);              // a duplicate ACK is not a retransmission
    tx(7, 0, true, isn + 16, PSH | ACK, 10);   // half old, half new
    tx(8, 0, true, isn + 1, SYN, 0);           // a new connection: another ISN, same ports
    const auto flows = live::tcp_flows(ctx, ev);
    REQUIRE(flows.size() == 2);
    const auto& up = flows[0].forward.segments;
    REQUIRE(up.size() == 5);
    CHECK_FALSE(up[3].retx);
    CHECK(up[4].retx);
    CHECK(up[4].new_bytes == 5);
    CHECK(up[4].first_sent == 4);
    CHECK(up[4].since_last == 3);
    CHECK(up[4].tail == false);
    CHECK(flows[0].forward.bytes() == 25);
    CHECK(flows[0].backward.retransmissions() == 0);
    CHECK(flows[1].ordinal == 2);
    CHECK(flows[1].name() == "a → b #2");
    CHECK_FALSE(flows[1].forward.segments.at(0).retx);
    CHECK(flows[0].forward.from_label == "a");  // no state events: the node's name
    CHECK(flows[0].acceptor_node == "b");       // learnt from its answer
  }

  TEST_CASE("fewer pure ACKs on the kernel side are explained as ACK coalescing") {
    const Run sim = run_builtin("handshake");
    LiveTrace k = as_kernel(sim, 2);
    // The server's ACK of "hello" rides on its "helloworld" instead (a delayed ACK).
    const std::vector<Seg> segs = host_tcp_tx(k);
    std::optional<uint64_t> ack;
    for (const Seg& s : segs)
      if (s.node == "server" && s.f.tcp->flags == wire::tcpflag::ACK && s.f.payload_len == 0)
        ack = k.events[s.index].packet().id;
    REQUIRE(ack);
    remove_frame(k, *ack);
    const CompareResult r = live::compare_runs(sim.ctx, sim.events, k);
    INFO(r.report);
    CHECK(r.states_agree);
    CHECK(contains(flat(r.report), "→ explained: only pure ACKs differ (the same 10 bytes and SYN on both sides)"));
    CHECK(contains(flat(r.report), "Segments in server → client: the kernel sent 2 segments where the model sent 3"));
    CHECK(contains(flat(r.report), "quick-ACK mode"));
    CHECK_FALSE(contains(r.report, "unexplained"));
  }

  TEST_CASE("a different byte count is a difference, not explained") {
    const Run sim = run_builtin("handshake");
    LiveTrace k = as_kernel(sim, 2);
    for (const Seg& s : host_tcp_tx(k))
      if (s.node == "server" && s.f.payload_len == 10) remove_frame(k, k.events[s.index].packet().id);
    const CompareResult r = live::compare_runs(sim.ctx, sim.events, k);
    INFO(r.report);
    CHECK(contains(flat(r.report), "→ DIFFERS: the simulation sent 10 bytes, the kernel 0"));
    CHECK(contains(flat(r.report), "1 segment sequence differs unexplained."));
  }

  TEST_CASE("a kernel retransmission about 2 SRTT after the last send is explained as a tail loss probe") {
    const Run sim = run_builtin("lost-data");
    LiveTrace k = as_kernel(sim, 3);
    clear_retx_flags(k);
    linux_syn_options(k);  // TLP needs SACK
    // The kernel probes with the lost "hello" 45 ms after sending it (SRTT 20 ms).
    std::optional<TraceEvent> probe;
    for (const Seg& s : host_tcp_tx(k))
      if (s.node == "client" && s.f.payload_len == 5) {
        probe = k.events[s.index];
        break;
      }
    REQUIRE(probe);
    probe->t += 45'000'000;
    std::get<PacketEvent>(probe->data).id = 9999;
    const auto at = std::find_if(k.events.begin(), k.events.end(), [&](const TraceEvent& e) { return e.t > probe->t; });
    k.events.insert(at, *probe);
    const CompareResult r = live::compare_runs(sim.ctx, sim.events, k);
    INFO(r.report);
    CHECK(contains(r.report, "[PSH|ACK] len=5 at 345.0 ms, 45.0 ms after its first send (tail loss probe)"));
    CHECK(contains(r.report, "apart from the kernel's tail loss probe"));
    CHECK(contains(flat(r.report), "Tail loss probe: in client → server the kernel sent [PSH|ACK] len=5 again at 345.0 ms, "
                             "45.0 ms after its last send"));
    CHECK(contains(flat(r.report), "RACK-TLP (RFC 8985)"));
    CHECK(contains(flat(r.report), "Segments were sent again in this run"));
    CHECK_FALSE(contains(flat(r.report), "Retransmissions differ"));
  }

  TEST_CASE("a kernel retransmission at its RTO is not taken for a tail loss probe") {
    const Run sim = run_builtin("lost-data");
    LiveTrace k = as_kernel(sim, 3);
    clear_retx_flags(k);
    linux_syn_options(k);
    const CompareResult r = live::compare_runs(sim.ctx, sim.events, k);
    INFO(r.report);
    CHECK_FALSE(contains(r.report, "tail loss probe"));
    CHECK(contains(r.report, "→ agree: the same segments, sent again after the same waits"));
  }

  TEST_CASE("side_by_side measures columns, not bytes: ✕, arrows and Chinese line up") {
    const std::string left = "|--- [SYN] --✕ loss\n客户端 发送 SYN →\nplain\n三次握手";
    const std::string right = "|--- [SYN] -->|\n服务器\n";
    const std::string out = live::side_by_side("模拟 simulation", left, "kernel", right, 24);
    INFO(out);
    const std::vector<std::string> lines = split_lines(out);
    REQUIRE(lines.size() == 2 + 4);
    for (const std::string& l : lines) {
      if (contains(l, "┼")) continue;
      CHECK(separator_column(l) == 24);
    }
    CHECK(lines[1].find("┼") != std::string::npos);
    CHECK(display_width(lines[1].substr(0, lines[1].find("─┼─"))) == 24);
    CHECK(contains(lines[3], "客户端 发送 SYN →"));
    CHECK(rtrim(lines[5]) == pad_right("三次握手", 24) + " │");
    // A left line too wide is cut, keeping the column.
    const std::string cut = live::side_by_side("a", "这是一行很长很长很长很长的中文说明文字", "b", "x", 10);
    for (const std::string& l : split_lines(cut))
      if (!contains(l, "┼")) CHECK(separator_column(l) == 10);
    CHECK(contains(cut, "…"));
  }

  TEST_CASE("the report fits the terminal: ladders side by side when wide, one above the other when narrow") {
    const Run sim = run_builtin("lost-syn");
    LiveTrace k = as_kernel(sim, 3);
    clear_retx_flags(k);
    linux_syn_options(k);
    for (size_t width : {80u, 120u, 160u, 200u}) {
      live::CompareOptions o;
      o.width = width;
      const CompareResult r = live::compare_runs(sim.ctx, sim.events, k, o);
      CAPTURE(width);
      for (const std::string& l : report_lines(r)) {
        INFO(l);
        CHECK(display_width(l) <= width);
      }
      const bool side = contains(r.report, "─┼─");
      if (width == 80) CHECK_FALSE(side);
      if (width >= 160) CHECK(side);
      if (side) {
        long col = -1;
        for (const std::string& l : report_lines(r)) {
          const long c = separator_column(l);
          if (c < 0) continue;
          if (col < 0) col = c;
          CHECK(c == col);
        }
      }
    }
  }

  TEST_CASE("two real runs with different settings: the rfc and linux profiles, a lost SYN and none") {
    // The profiles differ in their timers (RTO floor, TIME_WAIT), not in a clean close.
    const Run linux_run = run_builtin("four-way-close");
    const Run rfc_run = run_builtin("four-way-close", std::nullopt, {"tcp.profile=rfc"});
    CompareResult r = live::compare_runs(linux_run.ctx, linux_run.events, as_kernel(rfc_run, 3));
    {
      INFO(r.report);
      CHECK(r.states_agree);
      CHECK(contains(r.report, "simulation (tcp profile linux, NewReno)"));
      CHECK(contains(r.report, "Result: the states agree (3 sockets)."));
    }

    // lost-syn against the same scenario where the SYN gets through, as on `lo`: the
    // same states, one SYN fewer, and the retransmission only in the simulation.
    const Run lost = run_builtin("lost-syn");
    Scenario clean_sc = load_builtin("lost-syn");
    clean_sc.faults.clear();
    Run clean{"lost-syn", World::from_scenario(clean_sc), {}, {}};
    clean.ctx = clean.world.trace_context();
    clean.world.run_until(clean_sc.duration);
    clean.events = clean.world.take_trace();
    LiveTrace k = as_kernel(clean, 2);
    clear_retx_flags(k);
    linux_syn_options(k);
    k.info.notices = {"level 3 needs CAP_NET_ADMIN: run with sudo, or sudo setcap cap_net_raw,cap_net_admin+ep "
                      "build/tcplab"};
    r = live::compare_runs(lost.ctx, lost.events, k);
    INFO(r.report);
    CHECK(r.states_agree);
    CHECK(contains(r.report, "simulation: SYN SYN* ACK — 3 segments, 0 bytes"));
    CHECK(contains(r.report, "kernel:     SYN ACK — 2 segments, 0 bytes"));
    CHECK(contains(r.report, "→ same apart from the retransmissions"));
    CHECK(contains(r.report, "simulation: [SYN] at 1100.0 ms, 1000.0 ms after its first send"));
    CHECK(contains(r.report, "kernel:     none"));
    CHECK(contains(r.report, "→ DIFFER: the model sent 1 again, the kernel 0"));
    CHECK(contains(flat(r.report), "Retransmissions differ in 1 direction."));
  }
}
