// The ladder diagram of one TCP connection as plain data (issue 4 "Views → Ladder diagram").
// Data flow: Session (trace up to the cursor, the world for addresses and link delays)
//   -> build_ladder() here: lifelines, arrows, states, timers in simulated time
//   -> layout_ladder() here: the same in pixels (time axis, label placement)
//   -> render/ladder_view.cpp draws it with ImDrawList; ladder_svg.cpp writes it as SVG.
// GL-free, so that tests check what the student sees: which arrows, where they start and
// end, their labels, the states written on each lifeline and the timer bars.
//
// Only events at or before the cursor are used: nothing in the model happens after
// `now`, except the planned expiry (`due`) of a timer still running, which the stack
// already knows when it arms the timer.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/session/session.h"
#include "sim/view/connections.h"
#include "sim/view/ui_strings.h"

namespace tcplab {

// ---- the model: simulated time, sides 0 and 1 --------------------------------------------

struct LadderLifeline {
  int32_t node = -1;       // -1 when the peer is not a simulated node
  std::string node_name;   // "client"
  std::string socket;      // "s1 (client)"; in all-traffic mode every socket shown there
  std::string endpoint;    // "192.168.1.10:46013"; in all-traffic mode the node's addresses
};

// Colour classes, by the segment's most telling flag (RST over SYN over FIN, then data).
enum class LadderArrowKind : uint8_t { Syn, SynAck, Fin, Rst, Data, Ack, Other };

enum class LadderArrowEnd : uint8_t {
  Arrived,   // received by the peer node at t_end
  Dropped,   // its last event is a drop at t_end: ends in ✕ (at the peer when x_end == 1)
  InFlight,  // sent, not yet received: ends at the cursor
};

struct LadderArrow {
  int from = 0, to = 1;       // sides
  Time t_tx = 0;              // leaves `from`'s node (the first tx there)
  Time t_end = 0;             // rx at `to`'s node, the drop, or the cursor
  double x_end = 1.0;         // where it ends: fraction of the way from `from` to `to`
  LadderArrowEnd end = LadderArrowEnd::Arrived;
  std::string why;            // the drop's reason ("loss", "fault", …) when Dropped
  int32_t drop_node = -1;     // where it was dropped
  std::string prefix;         // "[TCP Retransmission]", "[TCP Dup ACK #2]" or ""
  std::string text;           // "PSH, ACK seq=1 ack=1 len=5", as Wireshark prints it
  std::string label;          // prefix + " " + text
  std::string summary;        // the full one-line summary (ports, window, options)
  LadderArrowKind kind = LadderArrowKind::Other;
  bool retx = false;
  uint64_t packet = 0;        // the tx event at the sender: what a click selects …
  int32_t link = -1;          // … and on which link
  std::vector<uint64_t> hop_ids;  // every frame id this packet had on its way (routers renumber)
  bool has(uint64_t id) const;
};

// A state written on a lifeline where it changes (a `state` event).
struct LadderStateMark {
  int side = 0;
  Time t = 0;
  std::string state;          // "ESTABLISHED"
  std::string label;          // the state, or "s2 ESTABLISHED" when a side shows several sockets
  std::string why;            // the trace's reason (RFC section)
};

enum class LadderTimerKind : uint8_t { Rto, TimeWait, Persist };
enum class LadderTimerEnd : uint8_t { Fired, Cancelled, Rearmed, Running };

// A timer as a bar along its lifeline, from when it was armed to when it fired, was
// cancelled or re-armed; a running one reaches its expiry `due` and counts down.
struct LadderTimer {
  int side = 0;
  LadderTimerKind kind = LadderTimerKind::Rto;
  Time t_set = 0;
  Time due = 0;               // the expiry the stack set (`at` of the set event)
  Time t_end = 0;             // fire / cancel / re-arm time; `due` while Running
  LadderTimerEnd end = LadderTimerEnd::Running;
  bool continues = false;     // armed again as the previous one was re-armed (one wait going on)
};
const char* to_string(LadderTimerKind k);  // "RTO", "TIME-WAIT", "persist"
// "RTO 220 ms", "TIME-WAIT 60 s": the timer and the length it was armed for (three
// significant digits: "RTO 283 ms", not "RTO 283.305 ms").
std::string ladder_timer_caption(const LadderTimer& t);

struct LadderModel {
  bool has_connection = false;  // false: nothing to draw ("No TCP connection yet")
  bool listener_only = false;   // the selection is a listening socket (no packets of its own)
  bool all_between_nodes = false;
  std::string title;            // the connection's label
  SocketRef selected;           // side 0's socket (what the combo shows)
  std::array<LadderLifeline, 2> lifelines;
  std::vector<LadderArrow> arrows;       // by tx time
  std::vector<LadderStateMark> states;   // by time
  std::vector<LadderTimer> timers;       // by set time
  Time now = 0;
  Time t_first = 0;             // the earliest time in the model (0 when empty)
};

// The ladder of the connection holding `sel` (or the first connection) up to the cursor.
// `all_between_nodes`: every packet between the connection's two nodes (other
// connections, ARP, ICMP, UDP), with the states and timers of every connection between them.
LadderModel build_ladder(const Session& s, const SocketRef& sel, bool all_between_nodes);

// The same, kept up to date from frame to frame: while the cursor moves forward only the
// events that became visible are read, so playing a long bulk transfer stays cheap. A
// step back, another selection, a change of the connection's sockets (the peer's socket
// appears with the SYN) or a rebuilt trace (an intervention, a reload) starts over.
class LadderBuilder {
 public:
  LadderBuilder();
  ~LadderBuilder();
  LadderBuilder(LadderBuilder&&) noexcept;
  LadderBuilder& operator=(LadderBuilder&&) noexcept;
  const LadderModel& update(const Session& s, const SocketRef& sel, bool all_between_nodes);
  // Every connection of the visible trace, as of the last update (list_connections()).
  const std::vector<Connection>& connections() const;

 private:
  struct State;
  std::unique_ptr<State> st_;
};

// ---- words and colours shared by the view and the SVG ---------------------------------------

// The English phrase for a drop's reason ("loss" -> "link loss"), a key of the string
// table (sim/view/strings/ladder.inc), so both renderers translate it alike.
const char* ladder_drop_reason(std::string_view why);
// "RTO timer", "TIME-WAIT timer", "persist timer" (string-table keys).
const char* ladder_timer_name(LadderTimerKind k);

struct LadderColour {
  uint8_t r = 0, g = 0, b = 0;
};
// The topology view's packet colours (SYN green, SYN-ACK cyan, ACK grey-blue, data blue,
// FIN purple, RST red), so a packet looks the same in both views; lost packets are drawn
// red and dashed with a ✕.
LadderColour ladder_colour(LadderArrowKind k);
LadderColour ladder_lost_colour();
LadderColour ladder_timer_colour(LadderTimerKind k);

// ---- the layout: pixels, shared by the GUI view and the SVG export ------------------------

// Time runs down. Stretches where nothing moves (no arrow in flight) longer than
// `max_idle_px` are compressed to that height and drawn as a break, so that a 60 s
// TIME-WAIT or a 200 ms RTO does not push the rest off the screen; arrows keep their
// real propagation time, so they stay slanted as the packets really took.
struct LadderAxis {
  struct Segment {
    Time t0 = 0, t1 = 0;
    double y0 = 0, y1 = 0;
    bool compressed = false;
  };
  std::vector<Segment> segments;  // contiguous, by time
  double top = 0;                 // y of the first segment's start
  double px_per_ns = 0;           // the scale of segments that are not compressed
  double y_of(Time t) const;      // linear before the first and after the last segment
  Time t_of(double y) const;
  double bottom() const { return segments.empty() ? top : segments.back().y1; }
};

// Measures text in pixels (ImGui::CalcTextSize in the view; a monospace estimate in SVG).
using TextWidth = std::function<float(std::string_view)>;

struct LadderLayoutParams {
  float width = 600;          // the whole diagram, time axis included
  float line_h = 16;          // one line of text
  float px_per_ms = 4;        // zoom
  float max_idle_px = 70;     // compressed stretches
  float pad = 6;              // small gaps
  float top = 8;              // above the first event
  float min_gap = 120;        // narrowest space between the lifelines
  float small_scale = 0.8f;   // state and timer text in a narrow window
  Lang lang = Lang::En;       // the words beside a ✕
  // Labels, captions and ticks are placed only for what lies between these heights (the
  // part on screen), so a long transfer costs no more per frame than a short one.
  float clip_y0 = -1e30f, clip_y1 = 1e30f;
};

struct LadderLayout {
  LadderAxis axis;
  float axis_w = 0;                  // the time labels' column
  std::array<float, 2> x_life{};     // lifelines
  std::array<float, 2> x_bar{};      // timer bars' centres
  std::array<float, 2> x_state{};    // state text: right edge (side 0) / left edge (side 1)
  float state_w = 0, bar_w = 0;
  float state_scale = 1;             // text size of states and timer captions (narrow windows)
  float height = 0;                  // down to the cursor and running timers, plus a margin
  double y_now = 0;

  struct ArrowGeom {
    size_t index = 0;                // into model.arrows
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    bool label_shown = false;
    float lx = 0, ly = 0, lw = 0, lh = 0;  // the label's box (top-left, size)
    std::vector<std::string> lines;  // the label, wrapped to fit between the lifelines
    bool prefix_line = false;        // lines[0] is the [TCP …] prefix, drawn in its colour
    float why_x = 0, why_y = 0;      // where the drop reason's text starts (Dropped)
    std::string why;                 // the drop's reason in words ("link loss"), in `lang`
  };
  struct StateGeom {
    size_t index = 0;
    float x = 0, y = 0;              // text's anchor: right edge (side 0) / left edge, top
    float w = 0;
    std::string text;                // fitted to the column
  };
  struct TimerGeom {
    size_t index = 0;
    float x = 0, y0 = 0, y1 = 0;
    // "RTO 220 ms", "TIME-WAIT 60 s" in the state column beside the bar, when there is room.
    bool caption_shown = false;
    float cx = 0, cy = 0, cw = 0;    // the caption's box (left, top, width)
    std::string caption;
  };
  struct Tick {
    float y = 0;
    std::string text;
  };
  struct Break {
    float y0 = 0, y1 = 0;
    std::string text;  // "+59.7 s"
  };
  std::vector<ArrowGeom> arrows;     // those in the clip window, by tx time
  std::vector<StateGeom> states;     // all
  std::vector<TimerGeom> timers;     // those in the clip window
  std::vector<Tick> ticks;
  std::vector<Break> breaks;
};

LadderLayout layout_ladder(const LadderModel& m, const LadderLayoutParams& p, const TextWidth& width);

// The text cut to at most `max_px`, ending in "…" when something was cut.
std::string fit_text(std::string_view text, float max_px, const TextWidth& width);

// "120 ms", "1.52 s", "60.31 s": how the axis and the tooltips write a time.
std::string format_ladder_time(Time t);
// A duration to three significant digits: "283 ms", "1.5 ms", "60 s" (captions, countdowns).
std::string format_ladder_duration(Time t);

}  // namespace tcplab
