// A session: one open scenario, the student's interventions, and a cursor in simulated
// time that can move both ways (issue 4, "Time travel and interventions"). It is the GUI's
// whole model, with no graphics, so that tests drive it exactly as the GUI does.
//
// The world at the cursor is always World::from_scenario(scenario + interventions) run to
// the cursor (DESIGN.md principles 1–3). Snapshots (copies of the world) are only a cache
// that makes stepping back cheap; an intervention rebuilds from time 0, so what the student
// sees is exactly what "Save as scenario" replays.
//
// The trace is recorded as far as the session has ever simulated (it may reach beyond the
// cursor after a step back); `visible()` is the part at or before the cursor.
//
// Live mode (issue 5): the same Session shows a live run on the real kernel. Nothing is
// simulated then: the trace is fed from outside as the run produces it (append_live), the
// world stays the scenario's at time 0 (nodes, addresses, links and routes, which the views
// draw around the trace), and the cursor moves within what the run has reached — on the
// newest moment while it follows the run, anywhere before it once the student pauses or
// scrubs. Every view reads a live session exactly as it reads a simulated one.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/net/world.h"
#include "sim/scenario/scenario.h"
#include "sim/trace/trace_event.h"
#include "sim/trace/trace_log.h"

namespace tcplab {

// What the student did, kept as data (principle 3) and saved as [[step]] / [[fault]].
struct Intervention {
  enum class Kind : uint8_t { Command, Fault };
  Kind kind = Kind::Command;
  Time at = 0;           // Command: when it runs; Fault: when the student clicked
  int32_t node = -1;     // Command: where it runs; Fault: the node whose sending it affects
  std::string text;      // Command: the command line; Fault: the filter (`ip.src == … && ip.id == …`)
  FaultAction action = FaultAction::Drop;
  Time delay = 0;        // action == Delay
  uint32_t nth = 1;      // Fault: which match of the filter at that node
  uint64_t packet = 0;   // Fault: the packet id the student clicked (trace `id`), for labels
};

// Units of stepping, forwards and backwards.
enum class StepUnit : uint8_t {
  Event,        // the next/previous time at which anything is traced
  Packet,       // a tx, rx or drop
  StateChange,  // a TCP state change
};

class Session {
 public:
  // Opens a scenario file; on failure returns the loader's messages (FILE:LINE:COL: …).
  static std::optional<Session> open_file(const std::string& path, std::vector<std::string>* errors);
  // Opens scenario text (tests; `name` is used in messages).
  static std::optional<Session> open_text(std::string text, const std::string& name,
                                          std::vector<std::string>* errors);

  const Scenario& scenario() const { return base_; }      // as loaded, without interventions
  const std::string& source_text() const { return text_; }
  const std::string& path() const { return path_; }       // empty for text
  const World& world() const { return world_; }           // at the cursor (live: at time 0)
  const TraceContext& context() const { return ctx_; }
  Time now() const { return live_ ? live_->cursor : world_.now(); }
  Time end() const;  // the scenario's duration, or later if the cursor went past it

  // Every recorded event (sorted by time); may extend past the cursor.
  const TraceLog& trace() const { return trace_; }
  // How many of trace() are at or before the cursor.
  size_t visible() const;
  // Changes whenever the recorded trace is thrown away and recorded anew (an intervention,
  // a reload): views that read the trace incrementally start over when it changes.
  uint64_t generation() const { return generation_; }

  // ---- moving the cursor -----------------------------------------------------------------
  void seek(Time t);  // anywhere in [0, ∞); back = nearest snapshot + replay
  void restart() { seek(0); }
  // Advances by `dt` (play), stopping early at a `pause` step. Returns true when it stopped
  // at a pause point (the caller pauses playback).
  bool advance(Time dt);
  // Moves to the next / previous time at which an event of that unit is traced. False when
  // there is none (the end, or time 0).
  bool step_forward(StepUnit u);
  bool step_back(StepUnit u);

  // ---- interventions (at the cursor; interventions later than it are discarded) ---------
  // Runs a command line on a node, as its console does. Returns an error message (bad
  // command, unknown node) and changes nothing, or nullopt.
  std::optional<std::string> run_command(int32_t node, std::string_view line);
  // Drop / delay / duplicate / corrupt the packet `packet_id` now on `link` (a frame
  // World::in_flight() lists). Recorded as a [[fault]] that names the sending node.
  std::optional<std::string> intervene_packet(uint64_t packet_id, int32_t link, FaultAction a,
                                              Time delay = 100 * kMs);
  const std::vector<Intervention>& interventions() const { return interventions_; }
  // Removes every intervention (the session goes back to the scenario as written).
  void clear_interventions();

  // The scenario file text plus the interventions as [[step]] / [[fault]] entries.
  std::string save_as_scenario() const;

  // Re-reads the file (an instructor's edit). On error returns the messages and keeps
  // the current scenario. Interventions on nodes that still exist are kept.
  std::optional<std::vector<std::string>> reload();

  // Narration and pause points of the scenario and of the interventions, by time.
  const std::vector<StepSpec>& steps() const { return world_.steps(); }

  // The frames on the wires at the cursor: the world's; in live mode read off the trace (a
  // tx whose rx or drop on that link is later than the cursor). A live frame's `frame`
  // points into trace(), valid until the trace next changes.
  std::vector<InFlightFrame> in_flight() const;

  // ---- live mode ---------------------------------------------------------------------
  // Turns the session into the view of a live run of its scenario (see the top of this
  // file): `ctx` names the run's nodes and links, `end` is when the run will end. Clears
  // the trace, the interventions and the snapshots; the cursor starts at 0, following.
  void start_live(const TraceContext& ctx, Time end);
  bool live() const { return live_.has_value(); }
  // New events of the run, in time order (one earlier than the trace's end is merged into
  // place), and how far the run's trace is now complete. The cursor follows `reached`
  // while following.
  void append_live(std::vector<TraceEvent> events, Time reached);
  // The run is over (its end, a stop, an error): `reached` becomes final.
  void finish_live(Time reached);
  Time live_reached() const { return live_ ? live_->reached : 0; }
  bool live_finished() const { return live_ && live_->finished; }
  bool live_following() const { return live_ && live_->following; }
  // Follow the run (the cursor jumps to the newest moment) or hold the cursor where it is.
  void set_live_following(bool on);

  // Memory bound of the snapshot cache (and what it holds now, for the status bar).
  size_t snapshot_count() const { return snapshots_.size(); }
  void set_snapshot_limit(size_t n) { snapshot_limit_ = n < 2 ? 2 : n; }

 private:
  Session() = default;
  void rebuild();                  // from time 0 with base + interventions, back to the cursor
  void run_to(Time t);             // forward only
  bool run_one_event();            // executes one event, records its trace; false at the end
  void record();                   // takes the world's trace, keeps what is new
  void maybe_snapshot();
  Scenario with_interventions() const;
  std::optional<Time> next_pause(Time from, Time to) const;

  std::string path_, text_;
  Scenario base_;
  TraceContext ctx_;
  World world_;
  std::vector<Intervention> interventions_;
  TraceLog trace_;
  uint64_t recorded_events_ = 0;   // the world events whose trace is in trace_
  uint64_t generation_ = 0;
  struct Snapshot {
    World world;
  };
  std::vector<Snapshot> snapshots_;  // by time; [0] is time 0
  uint64_t snapshot_every_ = 512;    // events between snapshots (doubles when thinned)
  size_t snapshot_limit_ = 64;
  struct Live {
    Time cursor = 0;        // the cursor (the world does not move in live mode)
    Time reached = 0;       // the trace is complete up to here
    Time end = 0;           // when the run ends
    bool following = true;
    bool finished = false;
  };
  std::optional<Live> live_;
};

// The node that owns an address (an interface address), or -1.
int32_t node_owning(const World& w, Ipv4 a);

}  // namespace tcplab
