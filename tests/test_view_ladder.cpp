// The ladder diagram's model, layout and SVG (sim/view/ladder_model.h, ladder_svg.h) on
// real lesson scenarios: which arrows the student sees, where they start and end, how
// they are labelled, the states on each lifeline and the timer bars.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "sim/session/session.h"
#include "sim/trace/summary.h"
#include "sim/view/ladder_model.h"
#include "sim/view/ladder_svg.h"
#include "sim/wire/frame.h"

using namespace tcplab;

namespace {

Session open(const std::string& name) {
  std::vector<std::string> errors;
  auto s = Session::open_file(std::string(TCPLAB_SOURCE_DIR) + "/scenarios/" + name + ".toml", &errors);
  REQUIRE_MESSAGE(s.has_value(), (errors.empty() ? "" : errors.front()));
  return std::move(*s);
}

int32_t node(const Session& s, const std::string& name) { return s.world().node_index(name); }

// The first tx / rx event of a TCP segment with these flags at a node, in the visible trace.
const TraceEvent* find_tcp(const Session& s, EvKind ev, const std::string& at, const std::string& flags,
                           size_t nth = 0) {
  for (size_t i = 0; i < s.visible(); ++i) {
    const TraceEvent& e = s.trace()[i];
    if (e.ev != ev || e.node != node(s, at)) continue;
    const wire::ParsedFrame f = wire::parse_frame(e.packet().frame);
    if (!f.tcp || wire::tcp_flags_string(f.tcp->flags) != flags) continue;
    if (nth-- == 0) return &e;
  }
  return nullptr;
}

const LadderArrow* arrow_with(const LadderModel& m, const std::string& label, size_t nth = 0) {
  for (const LadderArrow& a : m.arrows)
    if (a.label == label && nth-- == 0) return &a;
  return nullptr;
}

const LadderStateMark* state_at(const LadderModel& m, int side, const std::string& state) {
  for (const LadderStateMark& st : m.states)
    if (st.side == side && st.state == state) return &st;
  return nullptr;
}

// Nothing after the cursor: every event shown happened at or before `now`.
void check_nothing_after_cursor(const LadderModel& m) {
  for (const LadderArrow& a : m.arrows) {
    CAPTURE(a.label);
    CHECK(a.t_tx <= m.now);
    CHECK(a.t_end <= m.now);
  }
  for (const LadderStateMark& st : m.states) CHECK(st.t <= m.now);
  for (const LadderTimer& t : m.timers) {
    CHECK(t.t_set <= m.now);
    if (t.end != LadderTimerEnd::Running) CHECK(t.t_end <= m.now);
  }
}

// A small well-formedness check: tags nest and close, attributes are quoted, every '&'
// starts an entity, no stray '<' in text.
bool well_formed_xml(const std::string& x, std::string* why) {
  std::vector<std::string> stack;
  size_t i = 0;
  bool root_seen = false;
  while (i < x.size()) {
    if (x[i] == '&') {
      const size_t semi = x.find(';', i);
      const std::string ent = semi == std::string::npos ? "" : x.substr(i, semi - i + 1);
      if (ent != "&amp;" && ent != "&lt;" && ent != "&gt;" && ent != "&quot;" && ent != "&apos;") {
        *why = "bad entity at " + std::to_string(i);
        return false;
      }
      i = semi + 1;
      continue;
    }
    if (x[i] != '<') {
      if (x[i] == '>') {
        *why = "stray > at " + std::to_string(i);
        return false;
      }
      ++i;
      continue;
    }
    const size_t end = x.find('>', i);
    if (end == std::string::npos) {
      *why = "unclosed tag";
      return false;
    }
    std::string tag = x.substr(i + 1, end - i - 1);
    i = end + 1;
    if (!tag.empty() && tag[0] == '?') continue;  // the XML declaration
    if (tag.find('<') != std::string::npos) {
      *why = "< inside a tag: " + tag;
      return false;
    }
    if (size_t(std::count(tag.begin(), tag.end(), '"')) % 2 != 0) {
      *why = "unbalanced quotes: " + tag;
      return false;
    }
    if (!tag.empty() && tag[0] == '/') {
      const std::string name = tag.substr(1);
      if (stack.empty() || stack.back() != name) {
        *why = "</" + name + "> closes " + (stack.empty() ? "nothing" : "<" + stack.back() + ">");
        return false;
      }
      stack.pop_back();
      continue;
    }
    const bool self_closing = !tag.empty() && tag.back() == '/';
    const std::string name = tag.substr(0, tag.find_first_of(" /\n"));
    if (stack.empty()) {
      if (root_seen) {
        *why = "two root elements";
        return false;
      }
      root_seen = true;
    }
    if (!self_closing) stack.push_back(name);
  }
  if (!stack.empty()) {
    *why = "<" + stack.back() + "> never closed";
    return false;
  }
  return root_seen;
}

// The model the student sees, field by field, so that an incremental one can be compared.
void check_same(const LadderModel& a, const LadderModel& b) {
  CHECK(a.has_connection == b.has_connection);
  CHECK(a.title == b.title);
  CHECK(a.now == b.now);
  CHECK(a.t_first == b.t_first);
  for (size_t k = 0; k < 2; ++k) {
    CHECK(a.lifelines[k].socket == b.lifelines[k].socket);
    CHECK(a.lifelines[k].endpoint == b.lifelines[k].endpoint);
  }
  REQUIRE(a.arrows.size() == b.arrows.size());
  for (size_t i = 0; i < a.arrows.size(); ++i) {
    CAPTURE(i);
    CHECK(a.arrows[i].label == b.arrows[i].label);
    CHECK(a.arrows[i].t_tx == b.arrows[i].t_tx);
    CHECK(a.arrows[i].t_end == b.arrows[i].t_end);
    CHECK(a.arrows[i].end == b.arrows[i].end);
    CHECK(a.arrows[i].x_end == doctest::Approx(b.arrows[i].x_end));
    CHECK(a.arrows[i].hop_ids == b.arrows[i].hop_ids);
  }
  REQUIRE(a.states.size() == b.states.size());
  for (size_t i = 0; i < a.states.size(); ++i) {
    CHECK(a.states[i].t == b.states[i].t);
    CHECK(a.states[i].label == b.states[i].label);
  }
  REQUIRE(a.timers.size() == b.timers.size());
  for (size_t i = 0; i < a.timers.size(); ++i) {
    CHECK(a.timers[i].t_set == b.timers[i].t_set);
    CHECK(a.timers[i].t_end == b.timers[i].t_end);
    CHECK(a.timers[i].end == b.timers[i].end);
  }
}

}  // namespace

TEST_SUITE("view: ladder") {

TEST_CASE("handshake: three arrows labelled like Wireshark, ending where the trace says") {
  Session s = open("handshake");
  s.seek(s.end());
  const LadderModel m = build_ladder(s, SocketRef{}, false);
  REQUIRE(m.has_connection);
  CHECK(m.lifelines[0].node_name == "client");
  CHECK(m.lifelines[1].node_name == "server");
  CHECK(m.lifelines[0].socket == "s1 (client)");
  CHECK(m.lifelines[1].socket == "s2 (server.1)");
  CHECK(m.lifelines[1].endpoint == "192.168.1.20:2000");
  REQUIRE(m.arrows.size() >= 3);
  // Only the connection's own packets: ARP is not in it.
  CHECK(m.arrows[0].label == "SYN seq=0");
  CHECK(m.arrows[1].label == "SYN, ACK seq=0 ack=1");
  CHECK(m.arrows[2].label == "ACK seq=1 ack=1");
  CHECK(m.arrows[0].kind == LadderArrowKind::Syn);
  CHECK(m.arrows[1].kind == LadderArrowKind::SynAck);
  CHECK(m.arrows[2].kind == LadderArrowKind::Ack);
  CHECK(arrow_with(m, "PSH, ACK seq=1 ack=1 len=5") != nullptr);
  CHECK(arrow_with(m, "PSH, ACK seq=1 ack=6 len=10") != nullptr);

  const char* flags[3] = {"SYN", "SYN|ACK", "ACK"};
  const char* sender[3] = {"client", "server", "client"};
  const char* receiver[3] = {"server", "client", "server"};
  for (int i = 0; i < 3; ++i) {
    CAPTURE(i);
    const LadderArrow& a = m.arrows[size_t(i)];
    const TraceEvent* tx = find_tcp(s, EvKind::Tx, sender[i], flags[i]);
    const TraceEvent* rx = find_tcp(s, EvKind::Rx, receiver[i], flags[i]);
    REQUIRE(tx);
    REQUIRE(rx);
    CHECK(a.from == (i == 1 ? 1 : 0));
    CHECK(a.to == 1 - a.from);
    CHECK(a.t_tx == tx->t);
    CHECK(a.t_end == rx->t);
    CHECK(a.end == LadderArrowEnd::Arrived);
    CHECK(a.x_end == doctest::Approx(1.0));
    CHECK(a.packet == tx->packet().id);
    CHECK(a.link == tx->packet().link);
    CHECK_FALSE(a.retx);
  }
  // ESTABLISHED on each side when its last handshake segment arrived.
  const LadderStateMark* c = state_at(m, 0, "ESTABLISHED");
  const LadderStateMark* sv = state_at(m, 1, "ESTABLISHED");
  REQUIRE(c);
  REQUIRE(sv);
  CHECK(c->t == m.arrows[1].t_end);
  CHECK(sv->t == m.arrows[2].t_end);
  CHECK(c->t == 50 * kMs);
  CHECK(sv->t == 60 * kMs);
  CHECK(state_at(m, 0, "SYN_SENT") != nullptr);
  CHECK(state_at(m, 1, "SYN_RECV") != nullptr);
  // The server stood in LISTEN (its listener) before the SYN came.
  const LadderStateMark* listen = state_at(m, 1, "LISTEN");
  REQUIRE(listen);
  CHECK(listen->t == 0);
  check_nothing_after_cursor(m);
}

TEST_CASE("either side of the connection selects the same ladder") {
  Session s = open("handshake");
  s.seek(s.end());
  const LadderModel a = build_ladder(s, SocketRef{node(s, "client"), "s1"}, false);
  const LadderModel b = build_ladder(s, SocketRef{node(s, "server"), "s2"}, false);
  CHECK(a.title == b.title);
  CHECK(a.arrows.size() == b.arrows.size());
  CHECK(b.lifelines[0].node_name == "client");
}

TEST_CASE("a cursor before the end: nothing after it, the packet on its way ends at the cursor") {
  Session s = open("handshake");
  s.seek(45 * kMs);  // the SYN-ACK left the server at 40 ms, arrives at 50 ms
  const LadderModel m = build_ladder(s, SocketRef{}, false);
  REQUIRE(m.has_connection);
  check_nothing_after_cursor(m);
  REQUIRE(m.arrows.size() == 2);
  const LadderArrow& synack = m.arrows[1];
  CHECK(synack.label == "SYN, ACK seq=0 ack=1");
  CHECK(synack.end == LadderArrowEnd::InFlight);
  CHECK(synack.t_end == 45 * kMs);
  CHECK(synack.x_end > 0.3);
  CHECK(synack.x_end < 0.7);  // half-way: 5 of its 10 ms
  CHECK(state_at(m, 0, "ESTABLISHED") == nullptr);
  CHECK(state_at(m, 1, "SYN_RECV") != nullptr);
  // The client's SYN RTO is still running: its bar reaches the expiry it was set to.
  bool running = false;
  for (const LadderTimer& t : m.timers)
    if (t.side == 0 && t.kind == LadderTimerKind::Rto && t.end == LadderTimerEnd::Running) running = t.due > m.now;
  CHECK(running);

  SUBCASE("and at 60 ms: all three handshake arrows, the last just arrived") {
    s.seek(60 * kMs);
    const LadderModel m60 = build_ladder(s, SocketRef{}, false);
    check_nothing_after_cursor(m60);
    REQUIRE(m60.arrows.size() == 3);
    CHECK(m60.arrows[2].end == LadderArrowEnd::Arrived);
    CHECK(state_at(m60, 1, "ESTABLISHED") != nullptr);
  }
}

TEST_CASE("before any connection: the empty state") {
  Session s = open("handshake");
  s.seek(5 * kMs);  // the server listens; the client has not connected yet
  const LadderModel m = build_ladder(s, SocketRef{}, false);
  CHECK_FALSE(m.has_connection);
  CHECK(m.arrows.empty());
  const std::string svg = ladder_svg(s, SocketRef{}, false, Lang::Zh);
  CHECK(svg.find("还没有 TCP 连接") != std::string::npos);
  SUBCASE("selecting the listener says it has no packets of its own") {
    const LadderModel l = build_ladder(s, SocketRef{node(s, "server"), "s1"}, false);
    CHECK(l.has_connection);
    CHECK(l.listener_only);
    CHECK(l.arrows.empty());
  }
}

TEST_CASE("lost data: the lost segment ends in ✕ mid-way, the retransmission is labelled, the RTO bar") {
  Session s = open("lost-data");
  s.seek(s.end());
  const LadderModel m = build_ladder(s, SocketRef{}, false);
  REQUIRE(m.has_connection);
  const LadderArrow* lost = arrow_with(m, "PSH, ACK seq=1 ack=1 len=5");
  REQUIRE(lost);
  CHECK(lost->end == LadderArrowEnd::Dropped);
  CHECK(lost->why == "fault");
  CHECK(lost->x_end > 0.1);
  CHECK(lost->x_end < 0.9);
  CHECK_FALSE(lost->retx);
  // It ends where and when the trace drops it.
  const TraceEvent* drop = nullptr;
  for (size_t i = 0; i < s.visible() && !drop; ++i)
    if (s.trace()[i].ev == EvKind::Drop && s.trace()[i].packet().id == lost->packet) drop = &s.trace()[i];
  REQUIRE(drop);
  CHECK(lost->t_end == drop->t);
  CHECK(lost->t_tx == 300 * kMs);

  const LadderArrow* retx1 = arrow_with(m, "[TCP Retransmission] PSH, ACK seq=1 ack=1 len=5", 0);
  const LadderArrow* retx2 = arrow_with(m, "[TCP Retransmission] PSH, ACK seq=1 ack=1 len=5", 1);
  REQUIRE(retx1);
  REQUIRE(retx2);
  CHECK(retx1->retx);
  CHECK(retx1->prefix == "[TCP Retransmission]");
  CHECK(retx1->end == LadderArrowEnd::Dropped);  // the scenario drops the first retransmission too
  CHECK(retx2->end == LadderArrowEnd::Arrived);
  CHECK(retx1->t_tx > lost->t_tx);
  CHECK(retx2->t_tx > retx1->t_tx);

  // The RTO armed when the data left, firing when the first retransmission goes.
  const LadderTimer* rto = nullptr;
  for (const LadderTimer& t : m.timers)
    if (t.side == 0 && t.kind == LadderTimerKind::Rto && t.t_set == lost->t_tx) rto = &t;
  REQUIRE(rto);
  CHECK(rto->end == LadderTimerEnd::Fired);
  CHECK(rto->t_end == retx1->t_tx);
  CHECK(rto->t_end == rto->due);
  CHECK(rto->t_end - rto->t_set >= 200 * kMs);  // Linux's minimum RTO
  // And the next one, doubled (RFC 6298 §5.5).
  const LadderTimer* rto2 = nullptr;
  for (const LadderTimer& t : m.timers)
    if (t.side == 0 && t.kind == LadderTimerKind::Rto && t.t_set == retx1->t_tx) rto2 = &t;
  REQUIRE(rto2);
  CHECK(rto2->end == LadderTimerEnd::Fired);
  CHECK(rto2->t_end - rto2->t_set == 2 * (rto->t_end - rto->t_set));
}

TEST_CASE("time-wait: a 60 s TIME-WAIT bar on the side that closed first") {
  Session s = open("time-wait");
  s.seek(s.end());
  SUBCASE("the client closes first (c1)") {
    const LadderModel m = build_ladder(s, SocketRef{node(s, "client"), "s1"}, false);
    REQUIRE(m.has_connection);
    std::vector<const LadderTimer*> tw;
    for (const LadderTimer& t : m.timers)
      if (t.kind == LadderTimerKind::TimeWait) tw.push_back(&t);
    REQUIRE(tw.size() == 1);
    CHECK(tw[0]->side == 0);
    CHECK(tw[0]->due - tw[0]->t_set == 60 * kSec);
    CHECK(tw[0]->end == LadderTimerEnd::Fired);
    CHECK(tw[0]->t_end == tw[0]->due);
    const LadderStateMark* st = state_at(m, 0, "TIME_WAIT");
    REQUIRE(st);
    CHECK(st->t == tw[0]->t_set);
    CHECK(state_at(m, 1, "TIME_WAIT") == nullptr);
    // The same 4-tuple is used again at 62 s (c4): another connection, not in this ladder.
    for (const LadderArrow& a : m.arrows) CHECK(a.t_tx < 61 * kSec);
    CHECK(m.arrows.back().label.rfind("ACK", 0) == 0);
  }
  SUBCASE("the server closes first (c2)") {
    const LadderModel m = build_ladder(s, SocketRef{node(s, "client"), "s2"}, false);
    REQUIRE(m.has_connection);
    const LadderTimer* tw = nullptr;
    for (const LadderTimer& t : m.timers)
      if (t.kind == LadderTimerKind::TimeWait) tw = &t;
    REQUIRE(tw);
    CHECK(tw->side == 1);
    CHECK(tw->due - tw->t_set == 60 * kSec);
    CHECK(arrow_with(m, "FIN, ACK seq=1 ack=1") != nullptr);
  }
}

TEST_CASE("through a router: arrows pair the host's tx with the peer's rx although the frame id changes") {
  Session s = open("congestion");  // h1 -> sw1 -> r1 -> server
  s.seek(200 * kMs);
  const LadderModel m = build_ladder(s, SocketRef{}, false);
  REQUIRE(m.has_connection);
  CHECK(m.lifelines[0].node_name == "h1");
  CHECK(m.lifelines[1].node_name == "server");
  REQUIRE(m.arrows.size() >= 3);
  CHECK(m.arrows[0].label == "SYN seq=0");
  CHECK(m.arrows[1].label == "SYN, ACK seq=0 ack=1");
  const TraceEvent* tx = find_tcp(s, EvKind::Tx, "h1", "SYN");
  const TraceEvent* rx = find_tcp(s, EvKind::Rx, "server", "SYN");
  REQUIRE(tx);
  REQUIRE(rx);
  CHECK(tx->packet().id != rx->packet().id);  // r1 sent a new frame
  const LadderArrow& syn = m.arrows[0];
  CHECK(syn.end == LadderArrowEnd::Arrived);
  CHECK(syn.t_tx == tx->t);
  CHECK(syn.t_end == rx->t);
  CHECK(syn.packet == tx->packet().id);
  CHECK(syn.has(rx->packet().id));  // selecting either hop highlights the arrow
  for (const LadderArrow& a : m.arrows)
    if (a.end == LadderArrowEnd::Arrived) CHECK(a.t_end > a.t_tx);
  check_nothing_after_cursor(m);
}

TEST_CASE("all traffic between the two nodes adds ARP") {
  Session s = open("handshake");
  s.seek(s.end());
  const LadderModel m = build_ladder(s, SocketRef{}, true);
  REQUIRE(m.has_connection);
  CHECK(m.all_between_nodes);
  REQUIRE(m.arrows.size() >= 5);
  CHECK(m.arrows[0].label.rfind("ARP who-has 192.168.1.20", 0) == 0);
  CHECK(m.arrows[0].kind == LadderArrowKind::Other);
  CHECK(m.arrows[1].label.rfind("ARP is-at", 0) == 0);
  CHECK(m.arrows[2].label == "SYN seq=0");
  CHECK(m.lifelines[0].endpoint == "192.168.1.10");
}

TEST_CASE("kept up to date while playing: the same ladder as one built afresh, forwards and back") {
  for (const char* name : {"lost-data", "handshake", "time-wait"}) {
    CAPTURE(name);
    Session s = open(name);
    LadderBuilder live;
    int steps = 0;
    while (s.now() < 2 * kSec && s.step_forward(StepUnit::Event) && steps++ < 400)
      check_same(live.update(s, SocketRef{}, false), build_ladder(s, SocketRef{}, false));
    CHECK(steps > 10);
    s.seek(45 * kMs);  // back: the builder starts over
    check_same(live.update(s, SocketRef{}, false), build_ladder(s, SocketRef{}, false));
    s.seek(s.end());
    check_same(live.update(s, SocketRef{}, true), build_ladder(s, SocketRef{}, true));
  }
}

TEST_CASE("fast retransmit: duplicate ACKs and the retransmission labelled as Wireshark does") {
  Session s = open("fast-retransmit");
  s.seek(2 * kSec);
  const LadderModel m = build_ladder(s, SocketRef{}, false);
  const LadderArrow* lost = nullptr;
  for (const LadderArrow& a : m.arrows)
    if (a.end == LadderArrowEnd::Dropped && !lost) lost = &a;
  REQUIRE(lost);
  CHECK(lost->kind == LadderArrowKind::Data);
  std::vector<const LadderArrow*> dups;
  for (const LadderArrow& a : m.arrows)
    if (a.prefix.rfind("[TCP Dup ACK #", 0) == 0) dups.push_back(&a);
  REQUIRE(dups.size() >= 3);
  CHECK(dups[0]->prefix == "[TCP Dup ACK #1]");
  CHECK(dups[2]->prefix == "[TCP Dup ACK #3]");
  CHECK(dups[0]->from == 1);
  CHECK(dups[0]->kind == LadderArrowKind::Ack);
  // Every duplicate acknowledges the first byte of the lost segment.
  const std::string seq = lost->text.substr(lost->text.find("seq=") + 4);
  const std::string lost_seq = seq.substr(0, seq.find(' '));
  for (const LadderArrow* d : dups) CHECK(d->text.find("ack=" + lost_seq) != std::string::npos);
  bool resent = false;
  for (const LadderArrow& a : m.arrows)
    if (a.retx && a.text.find("seq=" + lost_seq + " ") != std::string::npos) resent = a.t_tx >= dups[2]->t_end;  // sent when the third duplicate arrives
  CHECK(resent);
}

TEST_CASE("layout: arrows at their times, labels that do not overlap, idle time compressed") {
  Session s = open("lost-data");
  s.seek(s.end());
  const LadderModel m = build_ladder(s, SocketRef{}, false);
  LadderLayoutParams p;
  p.width = 520;
  p.px_per_ms = 4;
  const TextWidth w = [](std::string_view t) { return float(display_width(t)) * 7.5f; };
  const LadderLayout L = layout_ladder(m, p, w);
  REQUIRE(L.arrows.size() == m.arrows.size());
  CHECK(L.x_life[0] < L.x_life[1]);
  for (const LadderLayout::ArrowGeom& g : L.arrows) {
    const LadderArrow& a = m.arrows[g.index];
    CHECK(g.y0 == doctest::Approx(L.axis.y_of(a.t_tx)));
    CHECK(g.y1 == doctest::Approx(L.axis.y_of(a.t_end)));
    CHECK(g.y1 > g.y0);  // slanted down: real propagation time
    CHECK(g.x0 == doctest::Approx(L.x_life[size_t(a.from)]));
    if (g.label_shown) {
      CHECK(g.lx >= L.x_life[0]);
      CHECK(g.lx + g.lw <= L.x_life[1] + 0.5f);
    }
  }
  for (size_t i = 0; i < L.arrows.size(); ++i)
    for (size_t j = i + 1; j < L.arrows.size(); ++j) {
      const auto &a = L.arrows[i], &b = L.arrows[j];
      if (!a.label_shown || !b.label_shown) continue;
      const bool overlap = a.lx < b.lx + b.lw && b.lx < a.lx + a.lw && a.ly < b.ly + b.lh && b.ly < a.ly + a.lh;
      CHECK_FALSE(overlap);
    }
  // The handshake's labels all show at this zoom.
  for (size_t i = 0; i < 3; ++i) CHECK(L.arrows[i].label_shown);
  // The RTO waits (about 220 ms and 440 ms with nothing on the wire) are drawn as breaks.
  CHECK(L.breaks.size() >= 2);
  // Time runs down: the axis is monotonic through the breaks.
  double last = -1e9;
  for (Time t = 0; t <= m.now; t += 10 * kMs) {
    const double y = L.axis.y_of(t);
    CHECK(y >= last);
    last = y;
  }
  CHECK(L.axis.t_of(L.axis.y_of(350 * kMs)) == doctest::Approx(350 * kMs).epsilon(0.001));
  // Each RTO bar says how long it was armed for: the backoff doubles it (RFC 6298 §5.5).
  std::vector<std::string> captions;
  for (const LadderLayout::TimerGeom& g : L.timers)
    if (g.caption_shown && m.timers[g.index].side == 0) captions.push_back(g.caption);
  CHECK(std::find(captions.begin(), captions.end(), "RTO 220 ms") != captions.end());
  CHECK(std::find(captions.begin(), captions.end(), "RTO 440 ms") != captions.end());
  CHECK(std::find(captions.begin(), captions.end(), "RTO 880 ms") != captions.end());

  SUBCASE("a narrow window: labels wrap or shorten but stay between the lifelines") {
    LadderLayoutParams n = p;
    n.width = 330;
    n.min_gap = 130;
    n.px_per_ms = 10;  // room for labels on several lines
    const LadderLayout N = layout_ladder(m, n, w);
    CHECK(N.x_life[1] - N.x_life[0] >= 130);
    CHECK(N.state_scale < 1.0f);  // the state column's text got smaller before anything was cut
    int shown = 0;
    for (const LadderLayout::ArrowGeom& g : N.arrows) {
      if (!g.label_shown) continue;
      ++shown;
      CHECK(g.lines.size() >= 1);
      for (const std::string& l : g.lines) CHECK(w(l) <= N.x_life[1] - N.x_life[0]);
      CHECK(g.lx >= N.x_life[0]);
      CHECK(g.lx + g.lw <= N.x_life[1] + 0.5f);
    }
    CHECK(shown >= 5);
    // The retransmission that arrived keeps its whole numbers, its prefix on a line of its own.
    bool whole = false;
    for (const LadderLayout::ArrowGeom& g : N.arrows) {
      const LadderArrow& a = m.arrows[g.index];
      if (!a.retx || a.end != LadderArrowEnd::Arrived || !g.label_shown) continue;
      std::string joined;
      for (size_t i = 1; i < g.lines.size(); ++i) joined += (i > 1 ? " " : "") + g.lines[i];
      CAPTURE(joined);
      whole = g.prefix_line && joined == a.text;
    }
    CHECK(whole);
  }
}

TEST_CASE("a restarted RTO is one bar, captioned once") {
  Session s = open("congestion");
  s.seek(1 * kSec);
  const LadderModel m = build_ladder(s, SocketRef{}, false);
  int restarts = 0, fresh = 0;
  for (const LadderTimer& t : m.timers)
    if (t.kind == LadderTimerKind::Rto && t.side == 0) (t.continues ? restarts : fresh) += 1;
  CHECK(restarts > 20);  // every ACK of new data restarts it (RFC 6298 §5.3)
  CHECK(fresh < restarts / 4);
  for (size_t i = 1; i < m.timers.size(); ++i)
    if (m.timers[i].continues) {
      // It continues a bar of the same side and kind that ended where it starts.
      bool found = false;
      for (size_t j = 0; j < i; ++j)
        found |= m.timers[j].side == m.timers[i].side && m.timers[j].kind == m.timers[i].kind &&
                 m.timers[j].end == LadderTimerEnd::Rearmed && m.timers[j].t_end == m.timers[i].t_set;
      CHECK(found);
      break;
    }
}

TEST_CASE("SVG of the handshake: well-formed, with the labels, states and the language's words") {
  Session s = open("handshake");
  s.seek(s.end());
  const std::string svg = ladder_svg(s, SocketRef{}, false, Lang::En);
  CHECK(svg.rfind("<svg", 0) == 0);
  std::string why;
  CHECK_MESSAGE(well_formed_xml(svg, &why), why);
  CHECK(svg.find("SYN seq=0") != std::string::npos);
  CHECK(svg.find("SYN, ACK seq=0 ack=1") != std::string::npos);
  CHECK(svg.find("ACK seq=1 ack=1") != std::string::npos);
  CHECK(svg.find(">ESTABLISHED<") != std::string::npos);
  CHECK(svg.find("client") != std::string::npos);
  CHECK(svg.find("&lt;") == std::string::npos);  // nothing to escape in this one …
  CHECK(svg.find("data segment") != std::string::npos);

  const std::string zh = ladder_svg(s, SocketRef{}, false, Lang::Zh);
  CHECK(well_formed_xml(zh, &why));
  CHECK(zh.find("数据报文段") != std::string::npos);
  CHECK(zh.find("SYN, ACK seq=0 ack=1") != std::string::npos);  // packet labels stay as Wireshark

  SUBCASE("lost data: ✕ and its reason, escaped where needed") {
    Session l = open("lost-data");
    l.seek(l.end());
    const std::string x = ladder_svg(l, SocketRef{}, false, Lang::En);
    CHECK(well_formed_xml(x, &why));
    CHECK(x.find("[TCP Retransmission]") != std::string::npos);
    CHECK(x.find("fault rule") != std::string::npos);
  }
}

}  // TEST_SUITE
