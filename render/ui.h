// The GUI's shared vocabulary (issue 4 "Shape"): what every view reads (the Session, the
// model, read-only), the small view state it may keep (UiState), and the intents it returns
// (Intent) that the app applies between frames. One file per view implements one of the
// draw_* functions below; none of them changes the Session directly.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/session/session.h"
#include "sim/view/connections.h"
#include "sim/view/ui_strings.h"

struct ImVec2;

namespace tcplab {
class LadderBuilder;
class LiveSession;
}  // namespace tcplab

namespace tcplab::ui {

// ---- what a view asks for --------------------------------------------------------------
struct Intent {
  enum class Kind : uint8_t {
    TogglePlay, Play, Pause,
    SetSpeed,          // speed
    StepForward,       // unit
    StepBack,          // unit
    Seek,              // t
    Restart,
    SelectPacket,      // packet, link (the tx event's link), t (seek there when t >= 0)
    SelectConnection,  // node, sock ("s2")
    SelectNode,        // node
    Intervene,         // packet, link, action, t = delay for Delay
    RunCommand,        // node, text
    ClearInterventions,
    OpenScenario,      // text = path or built-in name
    SaveAs,            // text = path
    ExportPcap,        // text = path
    ExportLadderSvg,   // text = path
    Screenshot,        // text = path
    TogglePresent,
    SetLang,           // lang
    SetUiScale,        // speed = scale
    LiveStart,         // level (0: the highest available): run the scenario on the real kernel
    LiveStop,          // end the live run (its trace stays to be explored)
    LiveLeave,         // back to the simulation
    SetLiveLevel,      // level: for the next live run
    RevealAnswer,      // level: the question's index, 0-based; -1 every one (the Lesson panel)
    Quit,
  };
  Intent() = default;
  explicit Intent(Kind k) : kind(k) {}
  // Chainable setters: Intent(Intent::Kind::Seek).with_t(t).
  Intent& with_t(Time v) { t = v; return *this; }
  Intent& with_unit(StepUnit u) { unit = u; return *this; }
  Intent& with_packet(uint64_t id, int32_t l) { packet = id; link = l; return *this; }
  Intent& with_node(int32_t n) { node = n; return *this; }
  Intent& with_sock(std::string v) { sock = std::move(v); return *this; }
  Intent& with_action(FaultAction a) { action = a; return *this; }
  Intent& with_text(std::string v) { text = std::move(v); return *this; }
  Intent& with_speed(double v) { speed = v; return *this; }
  Intent& with_lang(Lang l) { lang = l; return *this; }
  Intent& with_level(int v) { level = v; return *this; }

  Kind kind = Kind::Pause;
  StepUnit unit = StepUnit::Event;
  Time t = -1;
  double speed = 0;
  uint64_t packet = 0;
  int32_t link = -1;
  int32_t node = -1;
  std::string sock;
  FaultAction action = FaultAction::Drop;
  std::string text;
  Lang lang = Lang::En;
  int level = 0;
};
using Intents = std::vector<Intent>;

// ---- what is selected (shared by every view; changed only through intents) --------------
struct Selection {
  uint64_t packet = 0;      // trace packet id; 0 = none
  int32_t packet_link = -1; // the link of the hop that was clicked
  int32_t node = -1;        // the node whose tables / console are shown
  int32_t conn_node = -1;   // one side of the selected TCP connection: node index …
  std::string conn_sock;    // … and socket id ("s2")
};

// ---- per-view state (each view owns its struct; the app owns them all) ------------------
struct TopologyState {
  // The layout (sim/view/topology_layout.h): node positions in [0,1]², by node index, made
  // for the scenario `layout_for` names. Saved on drag release beside the scenario or in
  // ~/.config/tcplab/layouts; loaded when the view first sees the scenario.
  std::vector<std::pair<float, float>> pos;
  std::string layout_for;
  int32_t dragging = -1;      // the node being dragged
  bool drag_moved = false;    // it moved: save the layout on release
  uint64_t menu_packet = 0;   // the packet whose right-click menu is open …
  int32_t menu_link = -1;     // … on this link
  // What the view caches between frames (packet looks read from the trace, label text,
  // scratch buffers): defined in render/topology_view.cpp, rebuilt when missing.
  struct Cache;
  std::shared_ptr<Cache> cache;
};
struct LadderState {
  float zoom = 6.0f;          // pixels per simulated ms, times the UI scale
  bool follow = true;         // keep the cursor in view
  bool all_between_nodes = false;  // all traffic between the connection's two nodes
  Time last_now = -1;         // the cursor when last drawn (follow scrolls when it moves)
  Time zoom_anchor = -1;      // Ctrl+wheel zoom keeps this time under the mouse …
  float zoom_anchor_dy = 0;   // … at this height in the scrolled area (< 0: where follow puts it)
  uint64_t menu_packet = 0;   // the arrow whose right-click menu is open (live level 3) …
  int32_t menu_link = -1;     // … and its link
};
struct InspectorState {
  int hovered_field = -1;     // index into the dissection, for the hex highlight
  bool hovered_in_hex = false;  // … hovered in the hex dump (the tree opens and scrolls to it)
  int scrolled_to = -1;       // the field last scrolled into view in the other pane
  uint64_t packet = 0;        // the packet hovered_field belongs to (reset when it changes)
  int32_t link = -1;
  float split = 0.62f;        // the tree's share of the height when tree and hex are stacked
  // The dissection of the shown packet and how far the trace was read (sim/view/dissect.h's
  // PacketInspector, wrapped in inspector_view.cpp), so that a long run is not rescanned
  // every frame. `struct InspectorCache` here declares that type in this namespace.
  std::shared_ptr<struct InspectorCache> cache;
};
struct ConsoleState {
  std::map<int32_t, std::string> input;                 // per node
  std::map<int32_t, std::vector<std::string>> history;  // per node, oldest first
  std::map<int32_t, int> history_pos;  // per node: index being shown by ↑/↓; size() = the new line
  std::string error;          // the last refused command, shown under the input
  bool scroll_to_bottom = true;
  int32_t shown_node = -1;    // the node shown last frame (a switch scrolls to the bottom)
  bool focus_input = false;   // give the input line the keyboard on the next frame
};
struct PlotsState {
  bool show_cwnd = true, show_ssthresh = true, show_flight = true, show_rto = true;
  bool show_srtt = true;      // the smoothed RTT under the RTO it feeds (RFC 6298 §2)
  bool in_segments = false;   // window axis in segments (MSS) instead of bytes
  std::string sender;         // "node/sock" of the side whose plots are shown; empty = first
};
struct StateDiagramState {
  // When each socket's latest transition was first drawn ("node/sock" -> how many
  // transitions it had then, the time of the last one, the wall time): the view animates
  // a transition for about a second after it appears, and again after a step back.
  struct Seen {
    size_t count = 0;
    Time t = -1;
    double wall = 0;
  };
  std::map<std::string, Seen> seen;
};

struct LessonState {
  // Which answers of the lesson's [[question]]s are shown, by index. Hidden until revealed,
  // and hidden again when another lesson (or the same one reloaded) is opened.
  std::vector<bool> revealed;
  std::string revealed_for;   // the scenario `revealed` belongs to (path + title)
  int program_tab = -1;       // the program shown; follows the latest performed line
  int followed_program = -1;  // current_program when the tab last followed it
};

// A ladder drawn into part of a window (the Live mode's side-by-side ladders): its own model
// and scroll; the zoom and the follow switch are the Ladder window's (ui.ladder), so the
// panes share one time scale.
struct LadderPane {
  const char* id = "##pane";               // the scrolled child's id
  LadderState st;
  std::shared_ptr<LadderBuilder> builder;  // made on first use (sim/view/ladder_model.h)
};
struct LadderPaneOptions {
  bool compress = true;        // idle stretches drawn as breaks; off: rows at equal times line up
  bool select_packets = true;  // a click selects the packet (the pane shows the app's session)
  bool drop_menu = false;      // right-click: drop the next packet like it (live level 3)
};

// The Live mode's own windows (render/live_view.cpp).
struct LiveViewState {
  LadderPane sim{"##pane_sim", {}, {}};
  LadderPane kernel{"##pane_kernel", {}, {}};
  bool compress = true;        // idle stretches as breaks, as in the Ladder window; off: equal times line up
};

struct Windows {  // which panels are open
  bool topology = true, ladder = true, state = true, inspector = true, tables = true,
       console = true, timeline = true, lesson = true, plots = true, legend = true,
       live_compare = true;  // live mode only
};

struct UiState {
  Lang lang = Lang::En;
  bool present = false;        // presentation mode: big, high contrast, secondary panels hidden
  float scale = 1.0f;          // UI scale (fonts, lines, packets); presentation multiplies it
  bool playing = false;
  double speed = 0.02;         // simulated seconds per wall second (0.001 … 100)
  Selection sel;
  Windows win;
  TopologyState topology;
  LadderState ladder;
  InspectorState inspector;
  ConsoleState console;
  PlotsState plots;
  StateDiagramState state_diagram;
  LessonState lesson;
  LiveViewState live;
  bool live_mode = false;      // the session shown is a live run's (the Live menu, --live)
  int live_level = 0;          // the level the next live run asks for (0: the highest available)
  std::string status;          // one line for the status bar (errors of applied intents)
  double wall_time = 0;        // seconds since start, for animations (fading transitions)
};

// ---- the views (one file each) ----------------------------------------------------------
void draw_topology(const Session& s, UiState& ui, Intents& out);       // topology_view.cpp
void draw_ladder(const Session& s, UiState& ui, Intents& out);         // ladder_view.cpp
void draw_state_diagram(const Session& s, UiState& ui, Intents& out);  // state_view.cpp
void draw_inspector(const Session& s, UiState& ui, Intents& out);      // inspector_view.cpp
void draw_tables(const Session& s, UiState& ui, Intents& out);         // tables_view.cpp
void draw_console(const Session& s, UiState& ui, Intents& out);        // console_view.cpp
void draw_timeline(const Session& s, UiState& ui, Intents& out);       // timeline_view.cpp
void draw_lesson(const Session& s, UiState& ui, Intents& out);         // lesson_view.cpp
// Shows the answer of question `index` (0-based; -1: all) of `s`'s lesson (lesson_view.cpp).
void reveal_answer(LessonState& st, const Session& s, int index);
void draw_plots(const Session& s, UiState& ui, Intents& out);          // plots_view.cpp
// A ladder of `s`'s connection `sel` in the current window's remaining region (ladder_view.cpp).
void draw_ladder_pane(const Session& s, const SocketRef& sel, LadderPane& pane, UiState& ui, Intents& out,
                      const LadderPaneOptions& o);
// Live mode (live_view.cpp): the badge with the level in use and why, and the simulation's
// ladder beside the kernel's.
void draw_live_badge(const LiveSession& live, UiState& ui, Intents& out);
void draw_live_compare(const LiveSession& live, UiState& ui, Intents& out);

// The UI string in the current language (sim/view/ui_strings.h holds the table). Every
// literal shown to the user goes through tr(); a test checks each has a translation.
const char* tr(const char* en);
void set_language(Lang l);
Lang language();

// Sizes that follow the UI scale (and presentation mode).
float px(float v);

// Window names are stable IDs ("###topology") with a translated title in front.
std::string window_title(const char* en, const char* id);

}  // namespace tcplab::ui
