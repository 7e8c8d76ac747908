// timeline_markers.h: the seek bar's marks, from the trace, the steps and the interventions.
#include "sim/view/timeline_markers.h"

#include <algorithm>
#include <cstdio>

namespace tcplab {
namespace {

// FNV-1a, enough to notice that the scenario text or the interventions changed.
uint64_t mix(uint64_t h, std::string_view bytes) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}
uint64_t mix(uint64_t h, uint64_t v) {
  return mix(h, std::string_view(reinterpret_cast<const char*>(&v), sizeof v));
}

uint64_t fingerprint_of(const Session& s) {
  uint64_t h = 14695981039346656037ULL;
  h = mix(h, s.path());
  h = mix(h, s.source_text());
  for (const Intervention& iv : s.interventions()) {
    h = mix(h, static_cast<uint64_t>(iv.at));
    h = mix(h, static_cast<uint64_t>(iv.node));
    h = mix(h, iv.text);
    h = mix(h, static_cast<uint64_t>(iv.action) | uint64_t(iv.kind) << 8 | uint64_t(iv.nth) << 16);
    h = mix(h, static_cast<uint64_t>(iv.delay));
  }
  return h;
}

// Trims "45.500" to "45.5" and "45.000" to "45".
std::string trim_decimals(std::string s) {
  if (s.find('.') == std::string::npos) return s;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

const char* to_string(MarkerKind k) {
  switch (k) {
    case MarkerKind::Drop: return "drop";
    case MarkerKind::Retransmission: return "retransmission";
    case MarkerKind::StateChange: return "state";
    case MarkerKind::Narration: return "narration";
    case MarkerKind::Pause: return "pause";
    case MarkerKind::Intervention: return "intervention";
  }
  return "?";
}

void append_trace_markers(TraceView trace, size_t from,
                          std::vector<TimelineMarker>& out) {
  for (size_t i = from; i < trace.size(); ++i) {
    const TraceEvent& e = trace[i];
    switch (e.ev) {
      case EvKind::Drop:
        if (e.packet().why != DropWhy::OtherHost) out.push_back({e.t, MarkerKind::Drop, i});
        break;
      case EvKind::Tx:
        // Only the sender's tx carries `retx`; a switch forwards the same frame (same id)
        // without it, so each retransmission is marked once.
        if (e.packet().retx) out.push_back({e.t, MarkerKind::Retransmission, i});
        break;
      case EvKind::State: out.push_back({e.t, MarkerKind::StateChange, i}); break;
      default: break;
    }
  }
}

std::vector<TimelineMarker> step_markers(const std::vector<StepSpec>& steps,
                                         const std::vector<Intervention>& interventions) {
  std::vector<TimelineMarker> out;
  for (size_t i = 0; i < steps.size(); ++i) {
    const StepSpec& st = steps[i];
    if (st.pause) out.push_back({st.at, MarkerKind::Pause, i});
    else if (!st.say.empty() || !st.say_zh.empty()) out.push_back({st.at, MarkerKind::Narration, i});
  }
  for (size_t i = 0; i < interventions.size(); ++i)
    out.push_back({interventions[i].at, MarkerKind::Intervention, i});
  std::stable_sort(out.begin(), out.end(),
                   [](const TimelineMarker& a, const TimelineMarker& b) { return a.t < b.t; });
  return out;
}

std::vector<TimelineMarker> timeline_markers(const Session& s) {
  std::vector<TimelineMarker> out;
  append_trace_markers(s.trace(), 0, out);
  // The session's steps include the student's commands (without say or pause); the
  // interventions mark those, so only the scenario's own steps are passed here.
  std::vector<TimelineMarker> st = step_markers(s.scenario().steps, s.interventions());
  out.insert(out.end(), st.begin(), st.end());
  std::stable_sort(out.begin(), out.end(),
                   [](const TimelineMarker& a, const TimelineMarker& b) { return a.t < b.t; });
  return out;
}

bool update_marker_index(MarkerIndex& index, const Session& s) {
  const auto& trace = s.trace();
  const uint64_t fp = fingerprint_of(s);
  const bool stale = fp != index.fingerprint || trace.size() < index.scanned ||
                     (index.scanned > 0 && trace[index.scanned - 1].t != index.last_t);
  if (stale) {
    index.markers.clear();
    index.scanned = 0;
    index.fingerprint = fp;
  }
  append_trace_markers(trace, index.scanned, index.markers);
  index.scanned = trace.size();
  index.last_t = trace.empty() ? -1 : trace.back().t;
  return stale;
}

std::vector<MarkerCluster> cluster_markers(std::span<const TimelineMarker> markers, Time t_end,
                                           int width_px) {
  std::vector<MarkerCluster> out;
  if (width_px <= 0 || markers.empty()) return out;
  const double span = static_cast<double>(std::max<Time>(t_end, 1));
  // Per kind and column, the cluster that holds it (-1: none yet).
  std::vector<int> slot(kMarkerKinds * static_cast<size_t>(width_px), -1);
  for (size_t i = 0; i < markers.size(); ++i) {
    const TimelineMarker& m = markers[i];
    const double x = static_cast<double>(m.t) / span * width_px;
    const int col = std::clamp(static_cast<int>(x), 0, width_px - 1);
    int& c = slot[static_cast<size_t>(m.kind) * static_cast<size_t>(width_px) + static_cast<size_t>(col)];
    if (c < 0) {
      c = static_cast<int>(out.size());
      out.push_back(MarkerCluster{m.kind, col, m.t, m.t, i, 1});
      continue;
    }
    MarkerCluster& k = out[static_cast<size_t>(c)];
    ++k.count;
    if (m.t < k.t_first) {
      k.t_first = m.t;
      k.first = i;
    }
    k.t_last = std::max(k.t_last, m.t);
  }
  return out;
}

std::string format_timeline_time(Time t) {
  char buf[48];
  if (t < kSec) std::snprintf(buf, sizeof buf, "%.3f ms", static_cast<double>(t) / 1e6);
  else std::snprintf(buf, sizeof buf, "%.6f s", static_cast<double>(t) / 1e9);
  return buf;
}

std::string format_time_short(Time t) {
  char buf[48];
  if (t < kSec) {
    std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(t) / 1e6);
    return trim_decimals(buf) + " ms";
  }
  std::snprintf(buf, sizeof buf, "%.6f", static_cast<double>(t) / 1e9);
  return trim_decimals(buf) + " s";
}

}  // namespace tcplab
