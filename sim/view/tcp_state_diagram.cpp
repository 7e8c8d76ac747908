// tcp_state_diagram.h: RFC 9293 Figure 5 as data, and one socket's path through it.
#include "sim/view/tcp_state_diagram.h"

#include <algorithm>
#include <cctype>

namespace tcplab {
namespace {

// Rows and columns of the figure (normalized). Rows are evenly spaced so that every gap
// between two rows holds a two-line label beside the edge that crosses it.
constexpr float kLeft = 0.135f, kMid = 0.5f, kRight = 0.865f;
constexpr float kRowClosed = 0.04f, kRowListen = 0.185f, kRowSyn = 0.335f, kRowEstab = 0.48f,
                kRowFin1 = 0.625f, kRowFin2 = 0.77f, kRowTimeWait = 0.91f;
constexpr float kBelowBottom = kRowTimeWait + 0.075f;  // under the bottom row
constexpr float lerp(float a, float b, float u) { return a + (b - a) * u; }
constexpr float mid(float a, float b) { return (a + b) / 2; }
constexpr size_t kSecondClosed = kTcpStateCount;  // index of the bottom-right CLOSED box

using S = TcpState;

// The edge list: the RFC figure's edges first, then the transitions it leaves out
// (TCP-REFERENCE.md §1.8), which the view draws only when the socket took them. A
// transition with several causes (a reset, an abort, a timeout) has one edge per cause;
// `keys` picks among them by the trace's `why` text.
struct EdgeSpec {
  DiagramEdge e;
  const char* keys = "";  // '|'-separated substrings of `why`; "" = the default
};

std::vector<EdgeSpec> make_edges(const std::vector<DiagramBox>& boxes) {
  auto box = [&](S s) {
    for (size_t i = 0; i < boxes.size(); ++i)
      if (boxes[i].state == s && !boxes[i].second_closed) return i;
    return size_t{0};
  };
  std::vector<EdgeSpec> out;
  using P = DiagramPoint;
  using OP = std::optional<P>;
  auto add = [&](size_t from, size_t to, P fa, P ta, OP c1, OP c2, const char* ev, const char* act, P label,
                 bool fig, const char* ref, const char* keys = "") {
    DiagramEdge e;
    e.from = from;
    e.to = to;
    e.from_anchor = fa;
    e.to_anchor = ta;
    e.c1 = c1;
    e.c2 = c2;
    e.event = ev;
    e.action = act;
    e.label = label;
    e.in_figure = fig;
    e.ref = ref;
    out.push_back(EdgeSpec{e, keys});
  };
  const OP none;
  const size_t closed = box(S::Closed), listen = box(S::Listen), syn_sent = box(S::SynSent),
               syn_rcvd = box(S::SynReceived), estab = box(S::Established), fw1 = box(S::FinWait1),
               fw2 = box(S::FinWait2), close_wait = box(S::CloseWait), closing = box(S::Closing),
               last_ack = box(S::LastAck), time_wait = box(S::TimeWait), closed2 = kSecondClosed;

  // ---- RFC 9293 Figure 5 -------------------------------------------------------------
  // Opening (§3.10.1, §3.10.7.2, §3.10.7.3).
  add(closed, listen, {-0.45f, 1}, {-0.45f, -1}, none, none, "passive OPEN", "create TCB",
      {0.335f, mid(kRowClosed, kRowListen)}, true, "T1");
  add(listen, closed, {0.45f, -1}, {0.45f, 1}, none, none, "CLOSE", "delete TCB",
      {0.64f, mid(kRowClosed, kRowListen)}, true, "T5");
  add(closed, syn_sent, {1, -0.3f}, {0.55f, -1}, P{0.925f, kRowClosed - 0.01f}, none, "active OPEN",
      "create TCB, snd SYN", {0.915f, lerp(kRowClosed, kRowSyn, 0.34f)}, true, "T2");
  const P ss_closed_c{0.77f, lerp(kRowClosed, kRowSyn, 0.21f)};
  const P ss_closed_label{0.775f, lerp(kRowClosed, kRowSyn, 0.64f)};
  add(syn_sent, closed, {-0.55f, -1}, {1, 0.55f}, ss_closed_c, none, "CLOSE", "delete TCB", ss_closed_label, true,
      "T8");
  add(listen, syn_rcvd, {-0.6f, 1}, {0.6f, -1}, P{0.23f, lerp(kRowListen, kRowSyn, 0.3f)}, none, "rcv SYN",
      "snd SYN,ACK", {0.325f, mid(kRowListen, kRowSyn)}, true, "T3");
  add(listen, syn_sent, {0.6f, 1}, {-0.6f, -1}, P{0.77f, lerp(kRowListen, kRowSyn, 0.3f)}, none, "SEND", "snd SYN",
      {0.62f, lerp(kRowListen, kRowSyn, 0.53f)}, true, "T4");
  // The line between the two SYN states is the label's bar, as in the figure.
  add(syn_sent, syn_rcvd, {-1, 0}, {1, 0}, none, none, "rcv SYN", "snd SYN,ACK", {0.5f, kRowSyn}, true, "T7");
  add(syn_rcvd, listen, {-0.2f, -1}, {-1, 0}, P{0.11f, kRowListen + 0.005f}, none, "rcv RST", "x",
      {0.085f, lerp(kRowListen, kRowSyn, 0.19f)}, true, "T10", "RST");
  add(syn_rcvd, estab, {0.6f, 1}, {-1, 0}, P{0.21f, kRowEstab}, none, "rcv ACK of SYN", "x",
      {0.315f, lerp(kRowSyn, kRowEstab, 0.6f)}, true, "T9");
  add(syn_sent, estab, {-0.6f, 1}, {1, 0}, P{0.79f, kRowEstab}, none, "rcv SYN,ACK", "snd ACK",
      {0.685f, lerp(kRowSyn, kRowEstab, 0.6f)}, true, "T6");
  // Closing (§3.10.4, §3.10.7.4 steps 5 and 8, §3.10.8).
  add(syn_rcvd, fw1, {-0.45f, 1}, {-0.45f, -1}, none, none, "CLOSE", "snd FIN", {0.055f, kRowEstab}, true, "T12");
  add(estab, fw1, {-0.6f, 1}, {1, 0}, P{0.38f, kRowFin1}, none, "CLOSE", "snd FIN",
      {0.315f, lerp(kRowEstab, kRowFin1, 0.57f)}, true, "T13");
  add(estab, close_wait, {0.6f, 1}, {-1, 0}, P{0.62f, kRowFin1}, none, "rcv FIN", "snd ACK",
      {0.685f, lerp(kRowEstab, kRowFin1, 0.57f)}, true, "T14");
  add(fw1, fw2, {-0.45f, 1}, {-0.45f, -1}, none, none, "rcv ACK of FIN", "x", {0.2f, mid(kRowFin1, kRowFin2)}, true,
      "T15");
  add(fw1, closing, {1, 0.5f}, {-0.45f, -1}, P{0.43f, kRowFin1 + 0.017f}, none, "rcv FIN", "snd ACK",
      {0.43f, lerp(kRowFin1, kRowFin2, 0.4f)}, true, "T16");
  add(close_wait, last_ack, {0.45f, 1}, {0.45f, -1}, none, none, "CLOSE", "snd FIN", {0.8f, mid(kRowFin1, kRowFin2)},
      true, "T19");
  add(fw2, time_wait, {0, 1}, {-1, 0}, P{kLeft, kRowTimeWait}, none, "rcv FIN", "snd ACK",
      {0.27f, lerp(kRowFin2, kRowTimeWait, 0.6f)}, true, "T18");
  add(closing, time_wait, {0, 1}, {0, -1}, none, none, "rcv ACK of FIN", "x", {0.5f, mid(kRowFin2, kRowTimeWait)},
      true, "T20");
  add(last_ack, closed2, {0, 1}, {0, -1}, none, none, "rcv ACK of FIN", "x", {0.865f, mid(kRowFin2, kRowTimeWait)},
      true, "T21");
  add(time_wait, closed2, {1, 0}, {-1, 0}, none, none, "Timeout=2MSL", "delete TCB", {0.682f, kBelowBottom}, true,
      "T22");

  // ---- transitions Figure 5 leaves out (drawn when taken) ------------------------------
  // A FIN that also acknowledges ours (Figure 5 note 2).
  add(fw1, time_wait, {0.5f, 1}, {-1, -0.5f}, P{0.27f, kRowTimeWait}, none, "rcv FIN,ACK", "snd ACK",
      {0.3f, mid(kRowFin2, kRowTimeWait) - 0.01f}, false, "T17");
  // Along the figure's SYN-SENT -> CLOSED edge: refused, or gave up (§3.10.7.3, §3.8.3).
  add(syn_sent, closed, {-0.55f, -1}, {1, 0.55f}, ss_closed_c, none, "rcv RST,ACK", "x", ss_closed_label, false,
      "T8", "RST");
  add(syn_sent, closed, {-0.55f, -1}, {1, 0.55f}, ss_closed_c, none, "timeout", "x", ss_closed_label, false, "T8",
      "exhausted|timeout");
  // SYN-RECEIVED gives up its half-open connection (§3.10.7.4 steps 2 and 4, §3.10.5).
  const P sr_from{-0.6f, -1}, sr_to{-1, -0.4f}, sr_c{0.02f, kRowClosed - 0.01f},
      sr_label{0.2f, lerp(kRowClosed, kRowListen, 0.35f)};
  add(syn_rcvd, closed, sr_from, sr_to, sr_c, none, "rcv RST", "x", sr_label, false, "T11", "RST");
  add(syn_rcvd, closed, sr_from, sr_to, sr_c, none, "timeout", "x", sr_label, false, "T11", "exhausted|timeout");
  add(syn_rcvd, closed, sr_from, sr_to, sr_c, none, "rcv SYN", "x", sr_label, false, "T10", "SYN in");
  add(syn_rcvd, closed, sr_from, sr_to, sr_c, none, "ABORT", "snd RST", sr_label, false, "T11");
  // From the synchronized states to the bottom CLOSED: a reset received (§3.10.7.4 step
  // 2), an abort (§3.10.5), or giving up (§3.8.3, Linux tcp_fin_timeout). A socket leaves
  // for CLOSED once, so these routes may cross: at most one of them is ever drawn.
  struct Exit {
    size_t from;
    P from_anchor, to_anchor;
    OP c1, c2;
    P label;
    bool abort_sends_rst;  // §3.10.5: not from CLOSING, LAST-ACK or TIME-WAIT
  };
  const P gap_label{0.685f, mid(kRowFin1, kRowFin2)};  // between CLOSING and LAST-ACK
  const P under_label{0.3f, kBelowBottom};
  const Exit exits[] = {
      {estab, {1, 0.45f}, {-0.6f, -1}, P{0.7f, kRowEstab + 0.035f}, P{0.67f, kRowFin2 - 0.01f}, gap_label, true},
      {close_wait, {-0.6f, 1}, {-0.6f, -1}, P{0.74f, lerp(kRowFin1, kRowFin2, 0.52f)}, P{0.7f, kRowFin2 + 0.01f},
       gap_label, true},
      {fw1, {-0.8f, 1}, {-0.7f, 1}, P{0.0f, kRowTimeWait + 0.07f}, P{0.5f, kRowTimeWait + 0.11f}, under_label, true},
      {fw2, {-0.5f, 1}, {-0.7f, 1}, P{0.08f, kRowTimeWait + 0.11f}, P{0.55f, kRowTimeWait + 0.11f}, under_label, true},
      {closing, {1, 0.3f}, {-1, -0.5f}, P{0.69f, kRowFin2 + 0.01f}, none,
       P{0.68f, lerp(kRowFin2, kRowTimeWait, 0.36f)}, false},
      // Along the figure's edges into the bottom CLOSED.
      {last_ack, {0, 1}, {0, -1}, none, none, P{0.865f, mid(kRowFin2, kRowTimeWait)}, false},
      {time_wait, {1, 0}, {-1, 0}, none, none, P{0.682f, kBelowBottom}, false},
  };
  for (const Exit& x : exits) {
    add(x.from, closed2, x.from_anchor, x.to_anchor, x.c1, x.c2, "rcv RST", "x", x.label, false, "T24",
        "RST in|RST received|reset by peer");
    add(x.from, closed2, x.from_anchor, x.to_anchor, x.c1, x.c2, "timeout", "x", x.label, false, "T27",
        "exhausted|timeout");
    if (x.from == time_wait)
      add(x.from, closed2, x.from_anchor, x.to_anchor, x.c1, x.c2, "rcv SYN", "x", x.label, false, "MAY-2",
          "new SYN");
    add(x.from, closed2, x.from_anchor, x.to_anchor, x.c1, x.c2, "ABORT", x.abort_sends_rst ? "snd RST" : "x",
        x.label, false, x.abort_sends_rst ? "T25" : "T26");
  }
  // Which of the above run along a figure edge.
  for (EdgeSpec& x : out) {
    if (x.e.in_figure) continue;
    for (size_t i = 0; i < out.size(); ++i) {
      const DiagramEdge& f = out[i].e;
      if (f.in_figure && f.from == x.e.from && f.to == x.e.to && f.from_anchor == x.e.from_anchor &&
          f.to_anchor == x.e.to_anchor && f.c1 == x.e.c1 && f.c2 == x.e.c2)
        x.e.same_route_as = i;
    }
  }
  return out;
}

struct Built {
  TcpStateDiagram d;
  std::vector<std::string> keys;  // per edge
};

Built build() {
  Built b;
  TcpStateDiagram& d = b.d;
  d.box_size = {0.225f, 0.07f};
  d.boxes = {
      {S::Closed, {kMid, kRowClosed}, false},       {S::Listen, {kMid, kRowListen}, false},
      {S::SynSent, {kRight, kRowSyn}, false},       {S::SynReceived, {kLeft, kRowSyn}, false},
      {S::Established, {kMid, kRowEstab}, false},   {S::FinWait1, {kLeft, kRowFin1}, false},
      {S::FinWait2, {kLeft, kRowFin2}, false},      {S::CloseWait, {kRight, kRowFin1}, false},
      {S::Closing, {kMid, kRowFin2}, false},        {S::LastAck, {kRight, kRowFin2}, false},
      {S::TimeWait, {kMid, kRowTimeWait}, false},   {S::Closed, {kRight, kRowTimeWait}, true},
  };
  for (EdgeSpec& s : make_edges(d.boxes)) {
    d.edges.push_back(s.e);
    b.keys.emplace_back(s.keys);
  }
  return b;
}

const Built& built() {
  static const Built b = build();  // a constant table, computed once
  return b;
}

bool why_matches(std::string_view why, std::string_view keys) {
  while (!keys.empty()) {
    const size_t bar = keys.find('|');
    const std::string_view k = keys.substr(0, bar);
    if (!k.empty() && why.find(k) != std::string_view::npos) return true;
    if (bar == std::string_view::npos) break;
    keys.remove_prefix(bar + 1);
  }
  return false;
}

DiagramPoint anchor(const TcpStateDiagram& d, size_t box, DiagramPoint a) {
  const DiagramBox& b = d.boxes[std::min(box, d.boxes.size() - 1)];
  return {b.center.x + a.x * d.box_size.x / 2, b.center.y + a.y * d.box_size.y / 2};
}

DiagramPoint lerp(DiagramPoint a, DiagramPoint b, float u) { return {a.x + (b.x - a.x) * u, a.y + (b.y - a.y) * u}; }

}  // namespace

std::optional<TcpState> state_from_name(std::string_view name) {
  std::string n(name);
  for (char& c : n) c = c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  struct Alias {
    const char* name;
    S state;
  };
  static constexpr Alias kAliases[] = {
      {"CLOSED", S::Closed},       {"CLOSE", S::Closed},           {"UNCONN", S::Closed},
      {"LISTEN", S::Listen},       {"SYN_SENT", S::SynSent},       {"SYN_RECV", S::SynReceived},
      {"SYN_RECEIVED", S::SynReceived}, {"SYN_RCVD", S::SynReceived}, {"ESTABLISHED", S::Established},
      {"ESTAB", S::Established},   {"FIN_WAIT1", S::FinWait1},     {"FIN_WAIT_1", S::FinWait1},
      {"FIN_WAIT2", S::FinWait2},  {"FIN_WAIT_2", S::FinWait2},    {"CLOSE_WAIT", S::CloseWait},
      {"CLOSING", S::Closing},     {"LAST_ACK", S::LastAck},       {"TIME_WAIT", S::TimeWait},
  };
  for (const Alias& a : kAliases)
    if (n == a.name) return a.state;
  return std::nullopt;
}

const std::vector<TcpState>& all_tcp_states() {
  static const std::vector<TcpState> all = {S::Closed,   S::Listen,    S::SynSent, S::SynReceived,
                                            S::Established, S::FinWait1, S::FinWait2, S::CloseWait,
                                            S::Closing,  S::LastAck,   S::TimeWait};
  return all;
}

// RFC 9293 §3.3.2's descriptions, shortened to one line each.
const char* state_explanation(TcpState s) {
  switch (s) {
    case S::Closed: return "No connection: the socket has no TCB (transmission control block).";
    case S::Listen: return "Waiting for a connection request (a SYN) from any remote TCP and port.";
    case S::SynSent: return "Sent a SYN; waiting for the matching SYN-ACK.";
    case S::SynReceived: return "Received a SYN and sent a SYN-ACK; waiting for the ACK of our SYN.";
    case S::Established: return "An open connection: data flows both ways.";
    case S::FinWait1: return "We closed and sent a FIN; waiting for its ACK or the peer's FIN.";
    case S::FinWait2: return "Our FIN is acknowledged; waiting for the peer to close (its FIN).";
    case S::CloseWait: return "The peer closed (FIN received); waiting for our application to close.";
    case S::Closing: return "Both sides closed at once; waiting for the ACK of our FIN.";
    case S::LastAck: return "We closed after the peer; waiting for the ACK of our FIN.";
    case S::TimeWait: return "Waiting 2MSL so that old duplicate segments die out and our last ACK can be resent.";
  }
  return "";
}

const TcpStateDiagram& tcp_state_diagram() { return built().d; }

size_t box_of(TcpState s) {
  const TcpStateDiagram& d = tcp_state_diagram();
  for (size_t i = 0; i < d.boxes.size(); ++i)
    if (d.boxes[i].state == s && !d.boxes[i].second_closed) return i;
  return 0;
}

std::optional<size_t> edge_for(TcpState from, TcpState to, std::string_view why) {
  const Built& b = built();
  const size_t from_box = box_of(from);
  // The edge whose keys the reason contains; otherwise the figure's edge; otherwise the
  // one without keys (the usual cause); otherwise any.
  std::optional<size_t> figure, keyless, any;
  for (size_t i = 0; i < b.d.edges.size(); ++i) {
    const DiagramEdge& e = b.d.edges[i];
    if (e.from != from_box || b.d.boxes[e.to].state != to) continue;
    if (!b.keys[i].empty() && why_matches(why, b.keys[i])) return i;
    if (e.in_figure && !figure) figure = i;
    if (b.keys[i].empty() && !keyless) keyless = i;
    if (!any) any = i;
  }
  return figure ? figure : keyless ? keyless : any;
}

DiagramPoint edge_start(const TcpStateDiagram& d, const DiagramEdge& e) { return anchor(d, e.from, e.from_anchor); }
DiagramPoint edge_end(const TcpStateDiagram& d, const DiagramEdge& e) { return anchor(d, e.to, e.to_anchor); }

std::array<DiagramPoint, 4> edge_bezier(const TcpStateDiagram& d, const DiagramEdge& e) {
  const DiagramPoint p0 = edge_start(d, e), p3 = edge_end(d, e);
  if (e.c1 && e.c2) return {p0, *e.c1, *e.c2, p3};
  if (e.c1)  // a quadratic curve, raised to a cubic
    return {p0, lerp(p0, *e.c1, 2.0f / 3), lerp(p3, *e.c1, 2.0f / 3), p3};
  return {p0, lerp(p0, p3, 1.0f / 3), lerp(p0, p3, 2.0f / 3), p3};
}

DiagramPoint edge_point(const TcpStateDiagram& d, const DiagramEdge& e, float u) {
  const auto p = edge_bezier(d, e);
  u = std::clamp(u, 0.0f, 1.0f);
  const float v = 1 - u;
  const float w0 = v * v * v, w1 = 3 * v * v * u, w2 = 3 * v * u * u, w3 = u * u * u;
  return {w0 * p[0].x + w1 * p[1].x + w2 * p[2].x + w3 * p[3].x,
          w0 * p[0].y + w1 * p[1].y + w2 * p[2].y + w3 * p[3].y};
}

size_t SocketStates::lit_box() const {
  if (current == S::Closed && !transitions.empty() && transitions.back().edge) {
    const TcpStateDiagram& d = tcp_state_diagram();
    const size_t e = *transitions.back().edge;
    if (e < d.edges.size()) return d.edges[e].to;
  }
  return box_of(current);
}

namespace {

// One state event of the socket: a transition, unless a name is one the diagram lacks.
void add_transition(SocketStates& out, const TraceEvent& e, Time now) {
  const auto* st = e.get_if<StateEvent>();
  if (!st) return;
  const auto from = state_from_name(st->from), to = state_from_name(st->to);
  if (!from || !to) return;
  StateTransition tr;
  tr.from = *from;
  tr.to = *to;
  tr.from_name = st->from;
  tr.to_name = st->to;
  tr.t = e.t;
  tr.age = now - e.t;
  tr.why = st->why;
  tr.edge = edge_for(*from, *to, st->why);
  out.current = *to;
  out.transitions.push_back(std::move(tr));
}

}  // namespace

SocketStates socket_states(TraceView events, size_t count, const SocketRef& who, Time now) {
  SocketStates out;
  for (size_t i = 0; i < count && i < events.size(); ++i) {
    const TraceEvent& e = events[i];
    if (e.ev != EvKind::State || e.node != who.node) continue;
    const auto* st = e.get_if<StateEvent>();
    if (!st || st->sock != who.sock) continue;
    add_transition(out, e, now);
  }
  return out;
}

SocketStates socket_states(TraceView events, const std::vector<size_t>& state_events,
                           Time now) {
  SocketStates out;
  for (size_t i : state_events)
    if (i < events.size() && events[i].ev == EvKind::State) add_transition(out, events[i], now);
  return out;
}

}  // namespace tcplab
