// The TCP state diagram and the plots as the student sees them (sim/view/tcp_state_diagram.h,
// sim/view/plot_series.h): the figure itself (every state placed, no two on top of each
// other, every edge labelled as in RFC 9293 Figure 5), which state is lit and which edge
// the last transition lights on real sessions of the built-in lessons, and the cwnd,
// ssthresh and bytes-in-flight curves of a congested and a finished transfer.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "sim/session/session.h"
#include "sim/view/connections.h"
#include "sim/view/plot_series.h"
#include "sim/view/tcp_state_diagram.h"
#include "sim/view/ui_strings.h"

using namespace tcplab;

namespace {

Session open_lesson(const std::string& name) {
  std::vector<std::string> errs;
  auto s = Session::open_file(std::string(TCPLAB_SOURCE_DIR) + "/scenarios/" + name + ".toml", &errs);
  REQUIRE_MESSAGE(s.has_value(), (errs.empty() ? std::string("?") : errs.front()));
  return std::move(*s);
}

Connection selected(const Session& s, SocketRef sel = {}) {
  const auto c = pick_connection(list_connections(s.trace(), s.visible(), s.context()), sel);
  REQUIRE(c.has_value());
  return *c;
}

SocketStates states_of(const Session& s, const ConnectionSide& side) {
  return socket_states(s.trace(), s.visible(), side.ref, s.now());
}

std::string node_name(const Session& s, const ConnectionSide& side) {
  return s.context().node_names.at(static_cast<size_t>(side.ref.node));
}

// "rcv SYN,ACK / snd ACK" for a transition's edge, "" when it has none.
std::string label_of(const StateTransition& t) {
  if (!t.edge) return "";
  const DiagramEdge& e = tcp_state_diagram().edges.at(*t.edge);
  return std::string(e.event) + " / " + e.action;
}

std::vector<TcpState> path_of(const SocketStates& h) {
  std::vector<TcpState> out;
  if (!h.transitions.empty()) out.push_back(h.transitions.front().from);
  for (const StateTransition& t : h.transitions) out.push_back(t.to);
  return out;
}

// The time of `node`'s first state event into `to`.
Time time_of(const Session& s, const std::string& node, const std::string& to) {
  for (const TraceEvent& e : s.trace())
    if (e.ev == EvKind::State && s.context().node_names.at(static_cast<size_t>(e.node)) == node &&
        e.state().to == to)
      return e.t;
  FAIL("no state event ", node, " -> ", to);
  return 0;
}

using S = TcpState;

}  // namespace

TEST_SUITE("view: state diagram and plots") {

// ---- the figure --------------------------------------------------------------------------

TEST_CASE("every one of the 11 states has its own box inside the figure, and no two boxes overlap") {
  const TcpStateDiagram& d = tcp_state_diagram();
  REQUIRE(all_tcp_states().size() == kTcpStateCount);
  std::set<size_t> used;
  for (TcpState st : all_tcp_states()) {
    CAPTURE(std::string(rfc_name(st)));
    const size_t b = box_of(st);
    REQUIRE(b < d.boxes.size());
    CHECK(d.boxes[b].state == st);
    CHECK_FALSE(d.boxes[b].second_closed);
    used.insert(b);
  }
  CHECK(used.size() == kTcpStateCount);
  // As in the RFC figure, CLOSED appears once more, at the bottom right, where the closing paths end.
  REQUIRE(d.boxes.size() == kTcpStateCount + 1);
  CHECK(d.boxes.back().second_closed);
  CHECK(d.boxes.back().state == S::Closed);
  CHECK(d.boxes.back().center.y > d.boxes[box_of(S::TimeWait)].center.y - 1e-6f);

  const float w = d.box_size.x, h = d.box_size.y;
  for (size_t i = 0; i < d.boxes.size(); ++i) {
    const DiagramPoint c = d.boxes[i].center;
    CHECK(c.x - w / 2 >= 0.0f);
    CHECK(c.x + w / 2 <= 1.0f);
    CHECK(c.y - h / 2 >= 0.0f);
    CHECK(c.y + h / 2 <= 1.0f);
    for (size_t j = i + 1; j < d.boxes.size(); ++j) {
      const DiagramPoint o = d.boxes[j].center;
      CAPTURE(std::string(rfc_name(d.boxes[i].state)));
      CAPTURE(std::string(rfc_name(d.boxes[j].state)));
      // Apart by more than a box in x or in y, with room for an arrow between them.
      CHECK((std::fabs(c.x - o.x) > w + 0.02f || std::fabs(c.y - o.y) > h + 0.02f));
    }
  }
  // The RFC's layout: opening on top, SYN-RECEIVED left of SYN-SENT, closing below.
  const auto at = [&](TcpState st) { return d.boxes[box_of(st)].center; };
  CHECK(at(S::Closed).y < at(S::Listen).y);
  CHECK(at(S::Listen).y < at(S::SynSent).y);
  CHECK(at(S::SynReceived).x < at(S::Established).x);
  CHECK(at(S::Established).x < at(S::SynSent).x);
  CHECK(at(S::Established).y < at(S::FinWait1).y);
  CHECK(at(S::FinWait1).x < at(S::CloseWait).x);
  CHECK(at(S::FinWait2).y < at(S::TimeWait).y);
}

TEST_CASE("every edge joins two boxes of the figure and starts and ends on their borders") {
  const TcpStateDiagram& d = tcp_state_diagram();
  REQUIRE(!d.edges.empty());
  for (const DiagramEdge& e : d.edges) {
    CAPTURE(std::string(e.event));
    CAPTURE(std::string(e.ref));
    REQUIRE(e.from < d.boxes.size());
    REQUIRE(e.to < d.boxes.size());
    CHECK(e.from != e.to);
    CHECK(std::string(e.event).size() > 0);
    CHECK(std::string(e.action).size() > 0);
    CHECK(std::string(e.ref).size() > 0);
    // The curve's ends are its end points, and they lie on the boxes' borders.
    const DiagramPoint p0 = edge_point(d, e, 0), p1 = edge_point(d, e, 1);
    CHECK(p0.x == doctest::Approx(edge_start(d, e).x));
    CHECK(p0.y == doctest::Approx(edge_start(d, e).y));
    CHECK(p1.x == doctest::Approx(edge_end(d, e).x));
    CHECK(p1.y == doctest::Approx(edge_end(d, e).y));
    for (auto [p, box] : {std::pair{p0, e.from}, std::pair{p1, e.to}}) {
      const DiagramPoint c = d.boxes[box].center;
      const float dx = std::fabs(p.x - c.x) / (d.box_size.x / 2), dy = std::fabs(p.y - c.y) / (d.box_size.y / 2);
      CHECK(dx <= 1.0001f);
      CHECK(dy <= 1.0001f);
      CHECK(std::max(dx, dy) == doctest::Approx(1.0f));
    }
    // Labels sit inside the drawing (a little margin below the bottom row is allowed).
    CHECK(e.label.x > 0.0f);
    CHECK(e.label.x < 1.0f);
    CHECK(e.label.y > 0.0f);
    CHECK(e.label.y < 1.04f);
  }
}

TEST_CASE("the figure's edges carry RFC 9293 Figure 5's labels (TCP-REFERENCE T1..T22)") {
  struct Want {
    TcpState from, to;
    const char* label;
  };
  const Want figure[] = {
      {S::Closed, S::Listen, "passive OPEN / create TCB"},
      {S::Closed, S::SynSent, "active OPEN / create TCB, snd SYN"},
      {S::Listen, S::SynReceived, "rcv SYN / snd SYN,ACK"},
      {S::Listen, S::SynSent, "SEND / snd SYN"},
      {S::Listen, S::Closed, "CLOSE / delete TCB"},
      {S::SynSent, S::Established, "rcv SYN,ACK / snd ACK"},
      {S::SynSent, S::SynReceived, "rcv SYN / snd SYN,ACK"},
      {S::SynSent, S::Closed, "CLOSE / delete TCB"},
      {S::SynReceived, S::Established, "rcv ACK of SYN / x"},
      {S::SynReceived, S::Listen, "rcv RST / x"},
      {S::SynReceived, S::FinWait1, "CLOSE / snd FIN"},
      {S::Established, S::FinWait1, "CLOSE / snd FIN"},
      {S::Established, S::CloseWait, "rcv FIN / snd ACK"},
      {S::FinWait1, S::FinWait2, "rcv ACK of FIN / x"},
      {S::FinWait1, S::Closing, "rcv FIN / snd ACK"},
      {S::FinWait2, S::TimeWait, "rcv FIN / snd ACK"},
      {S::CloseWait, S::LastAck, "CLOSE / snd FIN"},
      {S::Closing, S::TimeWait, "rcv ACK of FIN / x"},
      {S::LastAck, S::Closed, "rcv ACK of FIN / x"},
      {S::TimeWait, S::Closed, "Timeout=2MSL / delete TCB"},
  };
  const TcpStateDiagram& d = tcp_state_diagram();
  size_t in_figure = 0;
  for (const DiagramEdge& e : d.edges) in_figure += e.in_figure ? 1 : 0;
  CHECK(in_figure == std::size(figure));
  for (const Want& w : figure) {
    CAPTURE(std::string(rfc_name(w.from)));
    CAPTURE(std::string(rfc_name(w.to)));
    const auto e = edge_for(w.from, w.to);
    REQUIRE(e.has_value());
    const DiagramEdge& edge = d.edges[*e];
    CHECK(edge.in_figure);
    CHECK(std::string(edge.event) + " / " + edge.action == w.label);
    CHECK(d.boxes[edge.from].state == w.from);
    CHECK(d.boxes[edge.to].state == w.to);
  }
  // The closing paths end in the bottom CLOSED, the opening ones leave from the top one.
  CHECK(d.boxes[d.edges[*edge_for(S::TimeWait, S::Closed)].to].second_closed);
  CHECK(d.boxes[d.edges[*edge_for(S::LastAck, S::Closed)].to].second_closed);
  CHECK_FALSE(d.boxes[d.edges[*edge_for(S::Closed, S::SynSent)].from].second_closed);
  // Transitions the figure leaves out still have an edge, chosen by the trace's reason.
  const auto rst = edge_for(S::Established, S::Closed, "RST received: connection reset (RFC 9293 §3.10.7.4 step 2)");
  const auto abort =
      edge_for(S::Established, S::Closed, "close() with unread data: reset (RFC 9293 §3.6.1 SHLD-3, Linux)");
  REQUIRE(rst.has_value());
  REQUIRE(abort.has_value());
  CHECK(std::string(d.edges[*rst].event) == "rcv RST");
  CHECK(std::string(d.edges[*abort].event) == "ABORT");
  CHECK(std::string(d.edges[*abort].action) == "snd RST");
  CHECK_FALSE(d.edges[*rst].in_figure);
  const auto fw1_tw = edge_for(S::FinWait1, S::TimeWait);
  REQUIRE(fw1_tw.has_value());
  CHECK(std::string(d.edges[*fw1_tw].ref) == "T17");
}

TEST_CASE("state names: the trace's netstat spellings, ss's and the RFC's all name the same state") {
  for (TcpState st : all_tcp_states()) {
    CAPTURE(std::string(rfc_name(st)));
    CHECK(state_from_name(netstat_name(st)) == st);
    CHECK(state_from_name(rfc_name(st)) == st);
    CHECK(state_from_name(ss_name(st)) == st);
  }
  CHECK(state_from_name("SYN_RECV") == S::SynReceived);
  CHECK(state_from_name("FIN_WAIT1") == S::FinWait1);
  CHECK_FALSE(state_from_name("FIN_WAIT3").has_value());
  CHECK_FALSE(state_from_name("").has_value());
}

TEST_CASE("hover texts and the trace's reasons read in Chinese too") {
  for (TcpState st : all_tcp_states()) {
    const char* en = state_explanation(st);
    CAPTURE(std::string(en));
    CHECK(std::string(en).size() > 10);
    CHECK(std::string(translate(en, Lang::Zh)) != en);
  }
  // Every reason the lessons' state events give has a translation.
  std::set<std::string> whys;
  for (const char* name : {"handshake", "four-way-close", "simultaneous-open", "simultaneous-close",
                           "connection-refused", "close-with-unread-data", "half-close", "lost-final-ack"}) {
    Session s = open_lesson(name);
    s.seek(s.scenario().duration);
    for (const TraceEvent& e : s.trace())
      if (e.ev == EvKind::State) whys.insert(e.state().why);
  }
  CHECK(whys.size() >= 10);
  for (const std::string& w : whys) {
    CAPTURE(w);
    CHECK(std::string(translate(w.c_str(), Lang::Zh)) != w);
  }
}

// ---- which state is lit ------------------------------------------------------------------

TEST_CASE("handshake: at the end the client is lit ESTABLISHED, reached by the `rcv SYN,ACK / snd ACK` edge") {
  Session s = open_lesson("handshake");
  s.seek(s.scenario().duration);
  const Connection c = selected(s);
  REQUIRE(c.b.has_value());
  CHECK(node_name(s, c.a) == "client");
  const SocketStates h = states_of(s, c.a);
  CHECK(h.current == S::Established);
  CHECK(h.lit_box() == box_of(S::Established));
  REQUIRE(h.last() != nullptr);
  CHECK(h.last()->from == S::SynSent);
  CHECK(h.last()->to == S::Established);
  CHECK(h.last()->from_name == "SYN_SENT");
  CHECK(label_of(*h.last()) == "rcv SYN,ACK / snd ACK");
  CHECK(h.last()->why.find("RFC 9293") != std::string::npos);
  CHECK(h.last()->t == time_of(s, "client", "ESTABLISHED"));
  CHECK(h.last()->age == s.now() - h.last()->t);
  // The earlier transition, older.
  REQUIRE(h.transitions.size() == 2);
  CHECK(label_of(h.transitions[0]) == "active OPEN / create TCB, snd SYN");
  CHECK(h.transitions[0].age > h.transitions[1].age);
}

TEST_CASE("handshake: the server's socket goes LISTEN -> SYN-RECEIVED -> ESTABLISHED") {
  Session s = open_lesson("handshake");
  s.seek(s.scenario().duration);
  const Connection c = selected(s);
  REQUIRE(c.b.has_value());
  CHECK(node_name(s, *c.b) == "server");
  const SocketStates h = states_of(s, *c.b);
  CHECK(path_of(h) == std::vector<TcpState>{S::Listen, S::SynReceived, S::Established});
  REQUIRE(h.transitions.size() == 2);
  CHECK(label_of(h.transitions[0]) == "rcv SYN / snd SYN,ACK");
  CHECK(label_of(h.transitions[1]) == "rcv ACK of SYN / x");
  CHECK(h.lit_box() == box_of(S::Established));
  // The listener itself, selected: one socket, LISTEN lit.
  const Connection l = selected(s, SocketRef{c.b->ref.node, "s1"});
  CHECK(l.a.listener);
  CHECK_FALSE(l.b.has_value());
  CHECK(states_of(s, l.a).current == S::Listen);
}

TEST_CASE("handshake: before the SYN-ACK arrives the client is SYN-SENT, and before anything it is CLOSED") {
  Session s = open_lesson("handshake");
  s.seek(s.scenario().duration);
  const Time established = time_of(s, "client", "ESTABLISHED");
  s.seek(established - 1);
  Connection c = selected(s);
  CHECK(node_name(s, c.a) == "client");
  SocketStates h = states_of(s, c.a);
  CHECK(h.current == S::SynSent);
  CHECK(h.lit_box() == box_of(S::SynSent));
  REQUIRE(h.last() != nullptr);
  CHECK(label_of(*h.last()) == "active OPEN / create TCB, snd SYN");
  // Only the client's events so far: the server's socket is still waiting for the ACK.
  REQUIRE(c.b.has_value());
  CHECK(states_of(s, *c.b).current == S::SynReceived);

  s.seek(0);
  const SocketStates none = socket_states(s.trace(), s.visible(), SocketRef{0, "s9"}, s.now());
  CHECK(none.current == S::Closed);
  CHECK(none.last() == nullptr);
  CHECK(none.lit_box() == box_of(S::Closed));
}

TEST_CASE("four-way close: the active closer goes FIN-WAIT-1, FIN-WAIT-2, TIME-WAIT - the passive one ends in the "
          "bottom CLOSED") {
  Session s = open_lesson("four-way-close");
  s.seek(s.scenario().duration);
  const Connection c = selected(s);
  REQUIRE(c.b.has_value());
  const SocketStates client = states_of(s, c.a), server = states_of(s, *c.b);
  CHECK(path_of(client) == std::vector<TcpState>{S::Closed, S::SynSent, S::Established, S::FinWait1, S::FinWait2,
                                                  S::TimeWait});
  CHECK(client.current == S::TimeWait);
  CHECK(label_of(*client.last()) == "rcv FIN / snd ACK");
  CHECK(path_of(server) ==
        std::vector<TcpState>{S::Listen, S::SynReceived, S::Established, S::CloseWait, S::LastAck, S::Closed});
  CHECK(label_of(*server.last()) == "rcv ACK of FIN / x");
  REQUIRE(server.lit_box() < tcp_state_diagram().boxes.size());
  CHECK(tcp_state_diagram().boxes[server.lit_box()].second_closed);
}

TEST_CASE("time-wait: 2MSL after its last ACK the active closer leaves TIME-WAIT by the `Timeout=2MSL` edge") {
  Session s = open_lesson("time-wait");
  const Time tw = 310 * kMs;  // the first connection's client enters TIME-WAIT (the lesson's ladder)
  s.seek(tw + 60 * kSec + kMs);
  const Connection c = selected(s, SocketRef{0, "s1"});
  REQUIRE(node_name(s, c.a) == "client");
  const SocketStates h = states_of(s, c.a);
  CHECK(path_of(h) == std::vector<TcpState>{S::Closed, S::SynSent, S::Established, S::FinWait1, S::FinWait2,
                                             S::TimeWait, S::Closed});
  REQUIRE(h.transitions.size() >= 2);
  const StateTransition& enter = h.transitions[h.transitions.size() - 2];
  CHECK(enter.to == S::TimeWait);
  CHECK(h.last()->t - enter.t == 60 * kSec);  // Linux's TIME-WAIT (TCP-REFERENCE §0.3)
  CHECK(label_of(*h.last()) == "Timeout=2MSL / delete TCB");
  CHECK(tcp_state_diagram().boxes[h.lit_box()].second_closed);
}

TEST_CASE("resets: a refused connect() and an abort light the transitions Figure 5 leaves out") {
  {
    Session s = open_lesson("connection-refused");
    s.seek(s.scenario().duration);
    const Connection c = selected(s);
    const SocketStates h = states_of(s, c.a);
    REQUIRE(h.last() != nullptr);
    CHECK(h.last()->from == S::SynSent);
    CHECK(h.current == S::Closed);
    CHECK(label_of(*h.last()) == "rcv RST,ACK / x");
    const DiagramEdge& e = tcp_state_diagram().edges[*h.last()->edge];
    CHECK_FALSE(e.in_figure);
    REQUIRE(e.same_route_as.has_value());  // drawn along the figure's "CLOSE / delete TCB"
    CHECK(*e.same_route_as == *edge_for(S::SynSent, S::Closed));
    CHECK(h.lit_box() == box_of(S::Closed));
  }
  {
    Session s = open_lesson("close-with-unread-data");
    s.seek(s.scenario().duration);
    const Connection c = selected(s);
    REQUIRE(c.b.has_value());
    std::set<std::string> labels;
    for (const ConnectionSide* side : {&c.a, &*c.b}) {
      const SocketStates h = states_of(s, *side);
      REQUIRE(h.last() != nullptr);
      CHECK(h.last()->from == S::Established);
      CHECK(h.last()->to == S::Closed);
      labels.insert(label_of(*h.last()));
    }
    CHECK(labels == std::set<std::string>{"ABORT / snd RST", "rcv RST / x"});
  }
}

// ---- plots -------------------------------------------------------------------------------

TEST_CASE("congestion: h1's cwnd starts at 10 MSS, drops after the first loss, and ssthresh gets set") {
  Session s = open_lesson("congestion");
  s.seek(4 * kSec);
  const Connection c = selected(s);
  const auto senders = plot_series(s.trace(), s.visible(), c, s.now());
  REQUIRE(senders.size() == 1);  // the server only acknowledges
  const SenderSeries& h1 = senders.front();
  CHECK(node_name(s, c.a) == "h1");
  CHECK(h1.ref == c.a.ref);
  CHECK(h1.sent_data);
  CHECK(h1.mss == 1460);
  REQUIRE(!h1.cwnd.steps.empty());
  CHECK(h1.cwnd.steps.front().v == 10 * 1460);  // Linux's initial window (TCP-REFERENCE §0.3)
  // ssthresh starts "infinite": not drawn until the first loss sets it.
  CHECK(h1.ssthresh_unset);
  CHECK_FALSE(h1.ssthresh.at(h1.cwnd.steps.front().t).has_value());
  REQUIRE(!h1.retransmits.empty());
  const Time loss = h1.retransmits.front();
  double before = 0;
  for (const PlotStep& p : h1.cwnd.steps)
    if (p.t < loss) before = std::max(before, p.v);
  const auto after = h1.cwnd.at(loss);
  REQUIRE(after.has_value());
  CHECK(*after < before);
  const auto ss = h1.ssthresh.at(loss);
  REQUIRE(ss.has_value());
  CHECK(*ss < before);
  CHECK(*ss >= 2 * 1460);
  // Slow start grew it to several times the initial window first.
  CHECK(before >= 4 * 10 * 1460);
  // RTO and SRTT are there, in nanoseconds.
  REQUIRE(h1.rto.at(s.now()).has_value());
  CHECK(*h1.rto.at(s.now()) > *h1.srtt.at(s.now()));
  CHECK(*h1.srtt.at(s.now()) > 40 * kMs);  // two 20 ms bottleneck crossings per round trip
}

TEST_CASE("plots show only what happened up to the cursor") {
  Session s = open_lesson("congestion");
  s.seek(4 * kSec);
  s.seek(1 * kSec);  // the trace now reaches past the cursor
  const Connection c = selected(s);
  const auto senders = plot_series(s.trace(), s.visible(), c, s.now());
  REQUIRE(!senders.empty());
  const SenderSeries& h1 = senders.front();
  CHECK(h1.end == s.now());
  for (const PlotLine* l : {&h1.cwnd, &h1.ssthresh, &h1.flight, &h1.rto, &h1.srtt})
    for (const PlotStep& p : l->steps) CHECK(p.t <= s.now());
  for (Time t : h1.retransmits) CHECK(t <= s.now());
  CHECK(h1.start >= 10 * kMs);  // h1 starts at 10 ms
}

TEST_CASE("bytes in flight: never negative, exactly the unacknowledged bytes, 0 once a transfer is over") {
  {  // A 20 000-byte download: the server sends, and everything is acknowledged at the end.
    Session s = open_lesson("file-download");
    s.seek(s.scenario().duration);
    const Connection c = selected(s);
    const auto senders = plot_series(s.trace(), s.visible(), c, s.now());
    REQUIRE(!senders.empty());
    const SenderSeries& server = senders.front();  // the side that sent more
    CHECK(node_name(s, *c.b) == "server");
    CHECK(server.ref == c.b->ref);
    CHECK(server.data_bytes >= 20000);
    double max = 0;
    for (const PlotStep& p : server.flight.steps) {
      CHECK(p.v >= 0);
      max = std::max(max, p.v);
    }
    CHECK(max >= 10 * 1460);  // a whole initial window was in flight at once
    REQUIRE(server.flight.at(s.now()).has_value());
    CHECK(*server.flight.at(s.now()) == 0);
  }
  {  // "hello" lost and resent: 5 bytes stay in flight until the retransmission is acknowledged.
    Session s = open_lesson("lost-data");
    s.seek(s.scenario().duration);
    const Connection c = selected(s);
    const auto senders = plot_series(s.trace(), s.visible(), c, s.now());
    REQUIRE(senders.size() == 1);
    const SenderSeries& client = senders.front();
    CHECK(client.data_bytes == 5);
    REQUIRE(!client.retransmits.empty());
    CHECK(client.flight.at(client.retransmits.front()) == 5.0);
    for (const PlotStep& p : client.flight.steps) CHECK(p.v >= 0);
    CHECK(client.flight.at(s.now()) == 0.0);
    CHECK(client.rto_expiries.size() >= 1);
  }
}

TEST_CASE("plots: series fed frame by frame while the lesson plays equal the series built at once") {
  Session s = open_lesson("congestion");
  s.seek(3 * kSec);
  const Connection c = selected(s);
  SenderSeriesBuilder b(c.a);
  for (Time t = 0; t <= 3 * kSec; t += 250 * kMs) {  // a student pressing play
    s.seek(t);
    b.feed(s.trace(), s.visible());
  }
  const SenderSeries& fed = b.series(s.now());
  const SenderSeries once = sender_series(s.trace(), s.visible(), c.a, s.now());
  auto same = [](const PlotLine& x, const PlotLine& y) {
    if (x.steps.size() != y.steps.size()) return false;
    for (size_t i = 0; i < x.steps.size(); ++i)
      if (x.steps[i].t != y.steps[i].t || x.steps[i].v != y.steps[i].v || x.steps[i].known != y.steps[i].known)
        return false;
    return true;
  };
  CHECK(fed.cwnd.steps.size() > 100);
  CHECK(same(fed.cwnd, once.cwnd));
  CHECK(same(fed.ssthresh, once.ssthresh));
  CHECK(same(fed.flight, once.flight));
  CHECK(same(fed.rto, once.rto));
  CHECK(fed.retransmits == once.retransmits);
  CHECK(fed.data_bytes == once.data_bytes);
}

TEST_CASE("plots: a listener or a connection that has sent nothing gives no series - step lines hold their value") {
  Session s = open_lesson("handshake");
  s.seek(5 * kMs);  // the server listens, nobody has connected
  const auto conns = list_connections(s.trace(), s.visible(), s.context());
  REQUIRE(conns.size() == 1);
  CHECK(conns.front().a.listener);
  CHECK(plot_series(s.trace(), s.visible(), conns.front(), s.now()).empty());

  PlotLine l;
  l.steps = {{10, 1.0, true}, {20, 0.0, false}, {30, 3.0, true}};
  CHECK_FALSE(l.at(9).has_value());
  CHECK(l.at(10) == 1.0);
  CHECK(l.at(19) == 1.0);
  CHECK_FALSE(l.at(25).has_value());
  CHECK(l.at(1000) == 3.0);
  CHECK(l.max_known() == 3.0);
}

}  // TEST_SUITE
