// Timeline markers (issue 4 "Timeline"): what the seek bar marks along the run. Read from
// the whole recorded trace — also the part past the cursor, so a future the session has
// already simulated shows — plus the scenario's narration and pause steps and the
// student's interventions. GL-free: render/timeline_view.cpp draws them, tests check them.
//
// Data flow: Session::trace() / steps() / interventions() -> timeline_markers() (or the
// incremental MarkerIndex while playing) -> cluster_markers(width) -> the seek bar.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sim/core/time.h"
#include "sim/scenario/scenario.h"
#include "sim/session/session.h"
#include "sim/trace/trace_event.h"
#include "sim/trace/trace_view.h"

namespace tcplab {

enum class MarkerKind : uint8_t {
  Drop,            // a packet lost: link loss, a fault, a full queue, TTL, no route … (red)
  Retransmission,  // a retransmitted TCP segment leaves its sender (orange)
  StateChange,     // a TCP socket changes state (blue)
  Narration,       // a scenario step with a `say` (a small flag)
  Pause,           // a scenario step with `pause = true`: playback stops there (a flag)
  Intervention,    // something the student did: a console command or a packet fault
};
inline constexpr size_t kMarkerKinds = 6;
const char* to_string(MarkerKind k);  // "drop", "retransmission", …

struct TimelineMarker {
  Time t = 0;
  MarkerKind kind = MarkerKind::Drop;
  // What it points at: an index into Session::trace() (Drop, Retransmission, StateChange),
  // Session::steps() (Narration, Pause) or Session::interventions() (Intervention).
  size_t index = 0;
};

// Markers of trace events [from, trace.size()), appended to `out` in trace order.
// A drop of a frame that a host's NIC filtered because it was addressed to another MAC
// (DropWhy::OtherHost, the switch flooded it) is not a loss and gets no marker. A
// retransmission is marked once, where its sender puts it on the wire.
void append_trace_markers(TraceView trace, size_t from,
                          std::vector<TimelineMarker>& out);

// Markers of the steps (one per step with a `say` or a `pause`; Pause wins when it has
// both) and of the interventions, in time order.
std::vector<TimelineMarker> step_markers(const std::vector<StepSpec>& steps,
                                         const std::vector<Intervention>& interventions);

// Everything the seek bar marks for a session, sorted by time (stable).
std::vector<TimelineMarker> timeline_markers(const Session& s);

// The trace markers kept up to date as the trace grows: playing appends events every
// frame and only those are scanned. A trace rebuilt from time 0 (an intervention, a
// reloaded or another scenario) is noticed by its fingerprint and scanned again.
struct MarkerIndex {
  std::vector<TimelineMarker> markers;  // of the trace only, in trace order
  size_t scanned = 0;                   // trace events already looked at
  uint64_t fingerprint = 0;             // of the scenario text and the interventions
  Time last_t = -1;                     // time of the last scanned event, as a check
};
// Brings `index` up to date with the session; returns true when it was rebuilt.
bool update_marker_index(MarkerIndex& index, const Session& s);

// Markers that fall on the same pixel column merged into one, per kind, so a run of
// 100,000 events draws at most `width_px` marks per kind. Column = floor(t / t_end ·
// width_px), clamped to [0, width_px - 1].
struct MarkerCluster {
  MarkerKind kind = MarkerKind::Drop;
  int column = 0;
  Time t_first = 0, t_last = 0;
  size_t first = 0;    // the earliest marker of the cluster, as an index into the input
  uint32_t count = 0;  // how many markers it stands for
};
std::vector<MarkerCluster> cluster_markers(std::span<const TimelineMarker> markers, Time t_end,
                                           int width_px);

// Time as the timeline shows it: "123.456 ms" below one second, "12.345678 s" above
// (fixed decimals, so the digits do not jump while playing).
std::string format_timeline_time(Time t);
// Time as a short label: "0 ms", "45 ms", "45.5 ms", "1.5 s", "60 s".
std::string format_time_short(Time t);

}  // namespace tcplab
