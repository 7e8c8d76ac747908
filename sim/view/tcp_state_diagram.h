// The TCP state diagram as the GUI draws it (issue 4, Views: "TCP state diagram"): the
// RFC 9293 §3.3.2 Figure 5 diagram as data (where each state's box sits, every edge with
// its "event / action" label), and what one socket did according to the trace (its state
// at the cursor, its last transition and the earlier ones, each mapped to an edge so the
// view can light it). GL-free: render/state_view.cpp draws it, tests check it.
//
// Coordinates are normalized: x and y in [0, 1] over the drawing area, y downwards, laid
// out like the RFC figure (CLOSED on top, SYN-RECEIVED left, SYN-SENT right, ESTABLISHED in
// the middle, the closing states below, TIME-WAIT at the bottom). As in the figure, CLOSED
// is drawn twice: on top (where connections start) and at the bottom right (where the
// closing paths end), so that no edge has to climb across the whole diagram.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/time.h"
#include "sim/proto/tcp_socket.h"
#include "sim/trace/trace_event.h"
#include "sim/trace/trace_view.h"
#include "sim/view/connections.h"

namespace tcplab {

constexpr size_t kTcpStateCount = 11;  // RFC 9293 §3.3.2

// The state a trace names: the netstat spellings the trace uses ("SYN_RECV", "FIN_WAIT1"),
// and the RFC and ss ones ("SYN-RECEIVED", "FIN-WAIT-1", "ESTAB") for a kernel trace.
std::optional<TcpState> state_from_name(std::string_view name);
// Every state, in the RFC's order of presentation.
const std::vector<TcpState>& all_tcp_states();
// One line saying what the state means (RFC 9293 §3.3.2), in English: the view shows it
// through tr(), so each has an entry in sim/view/strings/state_diagram.inc.
const char* state_explanation(TcpState s);

struct DiagramPoint {
  float x = 0, y = 0;
  bool operator==(const DiagramPoint&) const = default;
};

struct DiagramBox {
  TcpState state = TcpState::Closed;
  DiagramPoint center;
  bool second_closed = false;  // the bottom-right CLOSED of the figure
};

struct DiagramEdge {
  size_t from = 0, to = 0;            // indices into TcpStateDiagram::boxes
  // Where the edge leaves and enters its boxes, relative to the box: (-1, -1) is the top
  // left corner, (1, 1) the bottom right, (0, 1) the middle of the bottom side.
  DiagramPoint from_anchor, to_anchor;
  // Bézier control points: none = a straight line, c1 only = a quadratic curve, both = a
  // cubic one (for the edges that go around other boxes).
  std::optional<DiagramPoint> c1, c2;
  const char* event = "";             // above the bar in the RFC figure: "rcv SYN"
  const char* action = "";            // below the bar: "snd SYN,ACK" ("x" = nothing)
  DiagramPoint label;                 // centre of the two-line label
  bool in_figure = true;              // false: one of the transitions Figure 5 leaves out
                                      // (resets, aborts, timeouts); drawn only when taken
  const char* ref = "";               // TCP-REFERENCE.md §1.8 row(s): "T3"
  // A transition left out of the figure that runs along a figure edge (a reset from
  // SYN-SENT along "CLOSE / delete TCB"): that edge's index. When taken, it is drawn in
  // that edge's place, with its own label.
  std::optional<size_t> same_route_as;
};

struct TcpStateDiagram {
  std::vector<DiagramBox> boxes;  // [0, 11): one per state; [11]: the second CLOSED
  std::vector<DiagramEdge> edges;
  DiagramPoint box_size;          // width, height of every box, normalized
};

// The diagram (a constant).
const TcpStateDiagram& tcp_state_diagram();

// The box where `s` is drawn (the top CLOSED for CLOSED).
size_t box_of(TcpState s);
// The edge drawn for a transition, or nullopt for one the diagram does not have. Where
// the same two states are joined by several edges (CLOSE, a reset, a timeout), the trace's
// `why` text picks one ("RST received: …" → `rcv RST / x`); without it, the RFC figure's.
std::optional<size_t> edge_for(TcpState from, TcpState to, std::string_view why = {});

// Geometry, all normalized: an edge's end points (on its boxes' borders), its four cubic
// Bézier points (straight and quadratic edges raised to cubic), and the point at fraction
// `u` of the way along it (for the animated dot). The view maps them to pixels with one
// scale per axis; a Bézier curve stays one under that map, so drawing and these agree.
DiagramPoint edge_start(const TcpStateDiagram& d, const DiagramEdge& e);
DiagramPoint edge_end(const TcpStateDiagram& d, const DiagramEdge& e);
std::array<DiagramPoint, 4> edge_bezier(const TcpStateDiagram& d, const DiagramEdge& e);
DiagramPoint edge_point(const TcpStateDiagram& d, const DiagramEdge& e, float u);

// ---- one socket's history, from the trace ----------------------------------------------
struct StateTransition {
  TcpState from = TcpState::Closed, to = TcpState::Closed;
  std::string from_name, to_name;  // as the trace spells them ("SYN_RECV")
  Time t = 0;
  Time age = 0;                    // cursor − t
  std::string why;                 // the trace's reason, with its RFC section
  std::optional<size_t> edge;      // edge_for(from, to)
};

struct SocketStates {
  TcpState current = TcpState::Closed;        // CLOSED before the socket's first event
  std::vector<StateTransition> transitions;   // at or before the cursor, oldest first
  const StateTransition* last() const { return transitions.empty() ? nullptr : &transitions.back(); }
  // The box to light: the bottom CLOSED when the socket got there by a closing path (an
  // edge that ends there), otherwise box_of(current).
  size_t lit_box() const;
};

// The state events of socket `who` in events[0, count) (the part at or before the
// cursor `now`). Names the diagram does not know are skipped.
SocketStates socket_states(TraceView events, size_t count,
                           const SocketRef& who, Time now);
// The same from the indices of the socket's state events (ConnectionTracker::
// state_events()), without scanning the trace: what the view does every frame.
SocketStates socket_states(TraceView events, const std::vector<size_t>& state_events,
                           Time now);

}  // namespace tcplab
