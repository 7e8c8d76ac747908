// Timeline view (issue 4 "Views" → Timeline): play/pause, restart, step back and forward by
// a chosen unit, a speed from slow motion to fast-forward, the current time, and a seek bar
// over the whole run with marks for drops (red), retransmissions (orange), TCP state
// changes (blue), the lesson's narration and pause points (flags) and the student's own
// interventions (purple). Reads the Session; returns intents (TogglePlay, Restart,
// StepBack/StepForward, SetSpeed, Seek). The marks come from sim/view/timeline_markers.h.
// Keyboard shortcuts (Space, →, ←, Home) are the app's, not this view's.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <tuple>

#include "render/ui.h"
#include "sim/trace/summary.h"
#include "sim/view/timeline_markers.h"
#include "sim/wire/frame.h"

namespace tcplab::ui {
namespace {

// ---- colours (the same on both themes: saturated enough for a projector) ------------------
constexpr ImU32 kDropColour = IM_COL32(235, 60, 50, 255);
constexpr ImU32 kRetxColour = IM_COL32(255, 150, 20, 255);
constexpr ImU32 kStateColour = IM_COL32(60, 140, 255, 255);
constexpr ImU32 kPauseColour = IM_COL32(40, 180, 90, 255);
constexpr ImU32 kInterventionColour = IM_COL32(175, 95, 235, 255);

ImU32 with_alpha(ImU32 c, float a) {
  const auto alpha = static_cast<unsigned>(std::clamp(a, 0.0f, 1.0f) * 255.0f);
  return (c & ~IM_COL32_A_MASK) | (alpha << IM_COL32_A_SHIFT);
}

ImU32 marker_colour(MarkerKind k) {
  switch (k) {
    case MarkerKind::Drop: return kDropColour;
    case MarkerKind::Retransmission: return kRetxColour;
    case MarkerKind::StateChange: return kStateColour;
    case MarkerKind::Pause: return kPauseColour;
    case MarkerKind::Intervention: return kInterventionColour;
    case MarkerKind::Narration: break;
  }
  return ImGui::GetColorU32(ImGuiCol_Text);
}

bool is_flag(MarkerKind k) {
  return k == MarkerKind::Narration || k == MarkerKind::Pause || k == MarkerKind::Intervention;
}

// The trace's marks, kept between frames: playing appends events every frame and only those
// are scanned (render/ may keep such caches; sim/ holds no globals).
MarkerIndex& marker_index() {
  static MarkerIndex index;
  return index;
}

// ---- icon buttons: drawn shapes, crisp at every scale --------------------------------------
enum class Icon { Restart, StepBack, Play, Pause, StepForward };

void draw_icon(ImDrawList* dl, Icon icon, ImVec2 c, float h, ImU32 col) {
  const float r = h * 0.5f;     // half height of a triangle
  const float bar = h * 0.16f;  // width of a bar
  auto tri_right = [&](float x) { dl->AddTriangleFilled({x, c.y - r}, {x + r * 1.6f, c.y}, {x, c.y + r}, col); };
  auto tri_left = [&](float x) { dl->AddTriangleFilled({x, c.y - r}, {x, c.y + r}, {x - r * 1.6f, c.y}, col); };
  auto bar_at = [&](float x) { dl->AddRectFilled({x, c.y - r}, {x + bar, c.y + r}, col); };
  switch (icon) {
    case Icon::Play: tri_right(c.x - r * 0.7f); break;
    case Icon::Pause:
      bar_at(c.x - r * 0.55f - bar * 0.5f);
      bar_at(c.x + r * 0.55f - bar * 0.5f);
      break;
    case Icon::StepForward:  // |▶
      bar_at(c.x - r * 1.05f);
      tri_right(c.x - r * 0.55f);
      break;
    case Icon::StepBack:  // ◀|
      tri_left(c.x + r * 0.55f);
      bar_at(c.x + r * 1.05f - bar);
      break;
    case Icon::Restart:  // |◀◀
      bar_at(c.x - r * 1.6f);
      tri_left(c.x + r * 0.2f);
      tri_left(c.x + r * 1.6f);
      break;
  }
}

bool icon_button(const char* id, Icon icon, const char* tip, bool accent = false) {
  const float h = ImGui::GetFrameHeight();
  if (accent) {
    ImGui::PushStyleColor(ImGuiCol_Button, IM_COL32(40, 150, 80, 255));
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, IM_COL32(50, 175, 95, 255));
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, IM_COL32(30, 120, 65, 255));
  }
  const bool pressed = ImGui::Button(id, ImVec2(h * (accent ? 2.0f : 1.5f), h));
  if (accent) ImGui::PopStyleColor(3);
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  const ImU32 col = accent ? IM_COL32(255, 255, 255, 255) : ImGui::GetColorU32(ImGuiCol_Text);
  draw_icon(ImGui::GetWindowDrawList(), icon, ImVec2((a.x + b.x) * 0.5f, (a.y + b.y) * 0.5f), h * 0.42f, col);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tip);
  return pressed;
}

// ---- speed: simulated seconds per wall-clock second ----------------------------------------
constexpr double kMinSpeed = 0.001, kMaxSpeed = 100.0;

// "1/100×", "1×", "10×": how a student reads a playback speed.
std::string speed_label(double speed) {
  char buf[32];
  if (speed >= 0.9995) std::snprintf(buf, sizeof buf, "%.3g\u00d7", speed);
  else std::snprintf(buf, sizeof buf, "1/%.0f\u00d7", 1.0 / speed);
  return buf;
}

// What the speed means for the lesson: how long real time one simulated millisecond takes.
std::string speed_meaning(double speed) {
  char buf[160];
  const double wall_per_sim_ms = 1e-3 / speed;  // wall seconds per simulated ms
  if (wall_per_sim_ms >= 1.0)
    std::snprintf(buf, sizeof buf, tr("1 ms of simulated time takes %.3g s to watch"), wall_per_sim_ms);
  else
    std::snprintf(buf, sizeof buf, tr("1 s of real time shows %s of the run"),
                  format_time_short(static_cast<Time>(speed * double(kSec))).c_str());
  return buf;
}

// `compact` (presentation mode, where the row is short of room): no caption, no presets.
void draw_speed(UiState& ui, Intents& out, bool compact) {
  float lg = static_cast<float>(std::log10(std::clamp(ui.speed, kMinSpeed, kMaxSpeed)));
  const std::string label = speed_label(ui.speed);
  if (!compact) {
    ImGui::TextUnformatted(tr("Playback speed"));
    ImGui::SameLine();
  }
  ImGui::SetNextItemWidth(px(150));
  // A slider over log10(speed): equal steps from 1/1000× to 100×. The format string is the
  // label itself (it holds no '%'), so the slider shows "1/100×" rather than an exponent.
  if (ImGui::SliderFloat("##speed", &lg, -3.0f, 2.0f, label.c_str(), ImGuiSliderFlags_NoInput)) {
    double v = std::pow(10.0, static_cast<double>(lg));
    // Snap to the round speeds near them, so presets and the slider agree.
    for (double p : {0.001, 0.01, 0.1, 1.0, 10.0, 100.0})
      if (std::fabs(std::log10(v) - std::log10(p)) < 0.04) v = p;
    out.push_back(Intent(Intent::Kind::SetSpeed).with_speed(v));
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s\n%s", tr("Simulated time per second of real time"),
                                                speed_meaning(ui.speed).c_str());
  if (compact) return;
  struct Preset { const char* label; double v; };
  for (Preset p : {Preset{"1/1000\u00d7", 0.001}, Preset{"1/100\u00d7", 0.01}, Preset{"1/10\u00d7", 0.1},
                   Preset{"1\u00d7", 1.0}, Preset{"10\u00d7", 10.0}}) {
    ImGui::SameLine(0, px(3));
    const bool active = std::fabs(std::log10(ui.speed) - std::log10(p.v)) < 0.01;
    if (active) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetColorU32(ImGuiCol_ButtonActive));
    if (ImGui::SmallButton(p.label)) out.push_back(Intent(Intent::Kind::SetSpeed).with_speed(p.v));
    if (active) ImGui::PopStyleColor();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", speed_meaning(p.v).c_str());
  }
}

// ---- what a mark is, for its tooltip --------------------------------------------------------
const char* drop_reason(DropWhy w) {
  switch (w) {
    case DropWhy::Loss: return tr("lost at random on the link");
    case DropWhy::Fault: return tr("dropped by a fault rule or by you");
    case DropWhy::Queue: return tr("the link's queue was full");
    case DropWhy::Ttl: return tr("its TTL reached zero");
    case DropWhy::NoRoute: return tr("the router had no route for it");
    case DropWhy::NoArp: return tr("ARP found no MAC address for the next hop");
    case DropWhy::Closed: return tr("no socket listens on that port");
    case DropWhy::Checksum: return tr("corrupted: its checksum was wrong");
    case DropWhy::OtherHost: return tr("addressed to another host's MAC");
    case DropWhy::Backlog: return tr("the listener's accept queue was full");
  }
  return "?";
}

std::string node_name(const Session& s, int32_t n) {
  const auto& names = s.context().node_names;
  return n >= 0 && static_cast<size_t>(n) < names.size() ? names[static_cast<size_t>(n)] : std::string("?");
}

// A packet's one-line summary with relative seq/ack numbers. These need the connection's
// SYNs, so every TCP packet before it is fed to TcpRelative; done once per hovered packet.
std::string packet_line(const Session& s, size_t index) {
  // Keyed by the event itself too: a rebuilt trace may reuse the same storage.
  static std::map<std::tuple<const void*, size_t, Time, uint64_t>, std::string> cache;
  if (index >= s.trace().size()) return {};
  const TraceEvent& ev = s.trace()[index];
  const auto key = std::make_tuple(static_cast<const void*>(&s.trace()), index, ev.t, ev.packet().id);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  if (cache.size() > 256) cache.clear();
  TcpRelative rel;
  std::string line;
  const auto& trace = s.trace();
  for (size_t i = 0; i <= index && i < trace.size(); ++i) {
    const TraceEvent& e = trace[i];
    if (e.ev != EvKind::Tx && !(i == index && e.ev == EvKind::Drop)) continue;
    const wire::ParsedFrame f = wire::parse_frame(e.packet().frame);
    if (i == index) line = packet_summary(f, rel);
    else if (f.tcp && f.ip) rel.observe(f.ip->src, f.ip->dst, *f.tcp);
  }
  cache[key] = line;
  return line;
}

std::string marker_text(const Session& s, const TimelineMarker& m) {
  char head[160];
  const std::string when = format_time_short(m.t);
  switch (m.kind) {
    case MarkerKind::Drop: {
      if (m.index >= s.trace().size()) break;
      const TraceEvent& e = s.trace()[m.index];
      std::snprintf(head, sizeof head, tr("%s  Packet #%llu lost at %s: %s"), when.c_str(),
                    static_cast<unsigned long long>(e.packet().id), node_name(s, e.node).c_str(),
                    drop_reason(e.packet().why));
      return std::string(head) + "\n      " + packet_line(s, m.index);
    }
    case MarkerKind::Retransmission: {
      if (m.index >= s.trace().size()) break;
      const TraceEvent& e = s.trace()[m.index];
      std::snprintf(head, sizeof head, tr("%s  Retransmission by %s"), when.c_str(), node_name(s, e.node).c_str());
      return std::string(head) + "\n      " + packet_line(s, m.index);
    }
    case MarkerKind::StateChange: {
      if (m.index >= s.trace().size()) break;
      const TraceEvent& e = s.trace()[m.index];
      const auto& st = e.state();
      std::string who = node_name(s, e.node) + " " + st.sock;
      if (!st.name.empty()) who += " (" + st.name + ")";
      return when + "  " + who + ": " + st.from + " \u2192 " + st.to + "\n      " + st.why;
    }
    case MarkerKind::Narration:
    case MarkerKind::Pause: {
      const auto& steps = s.scenario().steps;
      if (m.index >= steps.size()) break;
      const StepSpec& st = steps[m.index];
      std::string say = (language() == Lang::Zh && !st.say_zh.empty()) ? st.say_zh : st.say;
      if (say.empty()) say = st.say_zh;
      const char* what = m.kind == MarkerKind::Pause ? tr("The lesson pauses here:") : tr("The lesson says:");
      return when + "  " + what + (say.empty() ? std::string() : "\n      " + fit_width(say, 160));
    }
    case MarkerKind::Intervention: {
      const auto& ivs = s.interventions();
      if (m.index >= ivs.size()) break;
      const Intervention& iv = ivs[m.index];
      if (iv.kind == Intervention::Kind::Command)
      {
        std::snprintf(head, sizeof head, tr("%s  Your command on %s:"), when.c_str(), node_name(s, iv.node).c_str());
        return std::string(head) + " " + iv.text;
      }
      std::snprintf(head, sizeof head, tr("%s  Your fault: %s packet #%llu"), when.c_str(), to_string(iv.action),
                    static_cast<unsigned long long>(iv.packet));
      return head;
    }
  }
  return when;
}

// "3 packets lost between 305 ms and 525 ms": a cluster of marks on one pixel.
const char* cluster_format(MarkerKind k) {
  switch (k) {
    case MarkerKind::Drop: return tr("%u packets lost between %s and %s");
    case MarkerKind::Retransmission: return tr("%u retransmissions between %s and %s");
    case MarkerKind::StateChange: return tr("%u TCP state changes between %s and %s");
    case MarkerKind::Narration: return tr("%u narration steps between %s and %s");
    case MarkerKind::Pause: return tr("%u pause points between %s and %s");
    case MarkerKind::Intervention: return tr("%u of your interventions between %s and %s");
  }
  return "%u %s %s";
}

// Which of several marks on the same pixel the tooltip describes.
int hover_priority(MarkerKind k) {
  switch (k) {
    case MarkerKind::Drop: return 3;
    case MarkerKind::Retransmission: return 2;
    case MarkerKind::StateChange: return 1;
    default: return 0;
  }
}

// ---- the seek bar ---------------------------------------------------------------------------
struct BarGeometry {
  ImVec2 min, max;  // the whole widget: flags on top, then the track
  float track_top = 0;
  Time t_end = 1;
  float x_of(Time t) const {
    return min.x + static_cast<float>(static_cast<double>(t) / static_cast<double>(t_end)) * (max.x - min.x);
  }
  Time t_of(float x) const {
    const double f = std::clamp((x - min.x) / std::max(1.0f, max.x - min.x), 0.0f, 1.0f);
    return static_cast<Time>(f * static_cast<double>(t_end));
  }
};

// One cluster and the list its `first` indexes into.
struct Mark {
  MarkerCluster c;
  const std::vector<TimelineMarker>* from = nullptr;
};

void draw_seek_bar(const Session& s, const ImVec2& size, bool present, Intents& out) {
  MarkerIndex& idx = marker_index();
  update_marker_index(idx, s);
  const std::vector<TimelineMarker> steps = step_markers(s.scenario().steps, s.interventions());

  BarGeometry g;
  g.min = ImGui::GetCursorScreenPos();
  g.max = ImVec2(g.min.x + size.x, g.min.y + size.y);
  const Time recorded = s.trace().empty() ? 0 : s.trace().back().t;
  g.t_end = std::max<Time>({s.end(), recorded, 1});
  const float flag_h = std::min(size.y * 0.38f, px(16));
  g.track_top = g.min.y + flag_h;

  ImGui::InvisibleButton("##seekbar", size);
  const bool hovered = ImGui::IsItemHovered();
  const bool active = ImGui::IsItemActive();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float x_now = g.x_of(s.now());
  const float rounding = px(3);

  // Track: the part already played, the part already simulated beyond the cursor (after a
  // step back: its marks are known), and the rest of the run.
  // Explicit colours: the light presentation theme draws frames white on white.
  const ImU32 track_col = present ? IM_COL32(240, 240, 240, 255) : IM_COL32(30, 33, 40, 255);
  const ImU32 simulated_col = present ? IM_COL32(222, 226, 234, 255) : IM_COL32(46, 52, 64, 255);
  const ImU32 played_col = present ? IM_COL32(188, 200, 218, 255) : IM_COL32(78, 88, 108, 255);
  dl->AddRectFilled({g.min.x, g.track_top}, g.max, track_col, rounding);
  if (recorded > s.now()) dl->AddRectFilled({x_now, g.track_top}, {g.x_of(recorded), g.max.y}, simulated_col);
  if (x_now > g.min.x + 1)
    dl->AddRectFilled({g.min.x, g.track_top}, {x_now, g.max.y}, played_col, rounding, ImDrawFlags_RoundCornersLeft);

  const int width = std::max(1, static_cast<int>(size.x));
  std::vector<Mark> marks;
  for (const MarkerCluster& c : cluster_markers(idx.markers, g.t_end, width)) marks.push_back({c, &idx.markers});
  for (const MarkerCluster& c : cluster_markers(steps, g.t_end, width)) marks.push_back({c, &steps});

  // Marks: state changes in the upper half of the track, retransmissions in the lower half,
  // drops the full height and wider (a loss is what a student looks for); flags above.
  const float track_h = g.max.y - g.track_top;
  const float tick = std::max(2.0f, px(2.5f));
  auto draw_mark = [&](const Mark& m) {
    const float x = g.min.x + (static_cast<float>(m.c.column) + 0.5f) * size.x / static_cast<float>(width);
    const bool future = m.c.t_first > s.now();
    const ImU32 col = with_alpha(marker_colour(m.c.kind), future ? 0.35f : 1.0f);
    switch (m.c.kind) {
      case MarkerKind::StateChange:
        dl->AddRectFilled({x - tick * 0.5f, g.track_top + track_h * 0.1f}, {x + tick * 0.5f, g.track_top + track_h * 0.55f}, col);
        break;
      case MarkerKind::Retransmission:
        dl->AddRectFilled({x - tick * 0.6f, g.track_top + track_h * 0.35f}, {x + tick * 0.6f, g.max.y - track_h * 0.1f}, col);
        break;
      case MarkerKind::Drop:
        dl->AddRectFilled({x - tick, g.track_top + track_h * 0.08f}, {x + tick, g.max.y - track_h * 0.08f}, col);
        break;
      case MarkerKind::Narration:
      case MarkerKind::Pause: {
        // A flag: a pole from the track up, a pennant at its top (filled for a pause).
        const float top = g.min.y + px(1);
        dl->AddLine({x, top}, {x, g.track_top}, col, std::max(1.0f, px(1.2f)));
        const ImVec2 a{x, top}, b{x + flag_h * 0.75f, top + flag_h * 0.27f}, c{x, top + flag_h * 0.55f};
        if (m.c.kind == MarkerKind::Pause) dl->AddTriangleFilled(a, b, c, col);
        else dl->AddTriangle(a, b, c, col, std::max(1.0f, px(1.2f)));
        break;
      }
      case MarkerKind::Intervention: {
        const float cy = g.min.y + flag_h * 0.45f, r = flag_h * 0.4f;
        dl->AddQuadFilled({x, cy - r}, {x + r, cy}, {x, cy + r}, {x - r, cy}, col);
        break;
      }
    }
  };
  for (MarkerKind k : {MarkerKind::Narration, MarkerKind::Pause, MarkerKind::Intervention, MarkerKind::StateChange,
                       MarkerKind::Retransmission, MarkerKind::Drop})
    for (const Mark& m : marks)
      if (m.c.kind == k) draw_mark(m);

  // The cursor: a line across the bar with a handle on the track.
  const ImU32 cursor_col = ImGui::GetColorU32(ImGuiCol_Text);
  dl->AddLine({x_now, g.min.y}, {x_now, g.max.y}, cursor_col, std::max(1.0f, px(2)));
  // The handle stays whole at either end of the bar.
  const float handle_x = std::clamp(x_now, g.min.x + px(5), std::max(g.min.x + px(5), g.max.x - px(5)));
  dl->AddCircleFilled({handle_x, g.track_top + track_h * 0.5f}, px(5), cursor_col);
  dl->AddRect({g.min.x, g.track_top}, g.max, ImGui::GetColorU32(ImGuiCol_Border), rounding);

  // The mark under the mouse: the nearest cluster within a few pixels, flags when the mouse
  // is over the flag row, track marks otherwise.
  const Mark* near = nullptr;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  if (hovered || active) {
    const bool over_flags = mouse.y < g.track_top;
    float best = px(5);
    for (const Mark& m : marks) {
      if (is_flag(m.c.kind) != over_flags) continue;
      const float x = g.min.x + (static_cast<float>(m.c.column) + 0.5f) * size.x / static_cast<float>(width);
      // A flag's pennant reaches to the right of its pole.
      const float right = is_flag(m.c.kind) ? x + flag_h * 0.75f : x;
      const float d = mouse.x < x ? x - mouse.x : std::max(0.0f, mouse.x - right);
      // Among marks in the same column a drop is the most telling, then a retransmission.
      if (d < best || (near && d == best && hover_priority(m.c.kind) > hover_priority(near->c.kind))) {
        best = d;
        near = &m;
      }
    }
  }

  // Click or drag to seek; a click on a mark lands exactly on it (and stays there until
  // the mouse moves).
  if (active && (ImGui::IsMouseClicked(ImGuiMouseButton_Left) || ImGui::GetIO().MouseDelta.x != 0.0f)) {
    Time t = g.t_of(mouse.x);
    if (near && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) t = near->c.t_first;
    if (t != s.now()) out.push_back(Intent(Intent::Kind::Seek).with_t(t));
  }

  if (hovered && !active) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 40.0f);
    if (near) {
      const Mark& m = *near;
      if (m.c.count > 1) {
        ImGui::Text(cluster_format(m.c.kind), m.c.count, format_time_short(m.c.t_first).c_str(),
                    format_time_short(m.c.t_last).c_str());
        ImGui::Separator();
      }
      // The first few marks of the cluster, in time order.
      const auto& list = *m.from;
      int shown = 0;
      for (size_t i = m.c.first; i < list.size() && shown < 5; ++i) {
        const TimelineMarker& mk = list[i];
        if (mk.t > m.c.t_last) break;
        if (mk.kind != m.c.kind) continue;
        ImGui::PushStyleColor(ImGuiCol_Text, marker_colour(mk.kind));
        ImGui::Bullet();
        ImGui::PopStyleColor();
        ImGui::SameLine();
        ImGui::TextUnformatted(marker_text(s, mk).c_str());
        ++shown;
      }
      if (m.c.count > 5) ImGui::TextDisabled("…");
      ImGui::Spacing();
      ImGui::TextDisabled("%s", tr("Click to jump to this mark"));
    } else {
      ImGui::Text(tr("Click to go to %s"), format_time_short(g.t_of(mouse.x)).c_str());
      ImGui::Spacing();
      auto legend = [](ImU32 col, const char* text) {
        ImGui::PushStyleColor(ImGuiCol_Text, col);
        ImGui::Bullet();
        ImGui::PopStyleColor();
        ImGui::SameLine();
        ImGui::TextUnformatted(text);
      };
      legend(kDropColour, tr("a packet was lost"));
      legend(kRetxColour, tr("a segment was retransmitted"));
      legend(kStateColour, tr("a TCP socket changed state"));
      legend(kPauseColour, tr("the lesson pauses here"));
      legend(ImGui::GetColorU32(ImGuiCol_Text), tr("the lesson says something"));
      legend(kInterventionColour, tr("something you did (a command, a dropped packet)"));
      ImGui::TextDisabled("%s", tr("Faint marks: already simulated, after the cursor"));
    }
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
}

}  // namespace

void draw_timeline(const Session& s, UiState& ui, Intents& out) {
  if (!ImGui::Begin(window_title("Timeline", "timeline").c_str())) {
    ImGui::End();
    return;
  }
  using K = Intent::Kind;
  // The light presentation theme draws frames white on white: give this window's combo and
  // slider a visible ground.
  if (ui.present) {
    ImGui::PushStyleColor(ImGuiCol_FrameBg, IM_COL32(222, 222, 222, 255));
    ImGui::PushStyleColor(ImGuiCol_FrameBgHovered, IM_COL32(205, 212, 225, 255));
    ImGui::PushStyleColor(ImGuiCol_FrameBgActive, IM_COL32(190, 200, 220, 255));
  }
  // The step unit is this window's own small state, kept in ImGui's per-window storage.
  ImGuiStorage* store = ImGui::GetStateStorage();
  const ImGuiID unit_key = ImGui::GetID("step_unit");
  int unit = std::clamp(store->GetInt(unit_key, 0), 0, 2);
  const StepUnit step_unit = unit == 1 ? StepUnit::Packet : unit == 2 ? StepUnit::StateChange : StepUnit::Event;

  if (icon_button("##restart", Icon::Restart, tr("Restart from time 0 (Home)"))) out.push_back(Intent(K::Restart));
  ImGui::SameLine(0, px(4));
  if (icon_button("##stepback", Icon::StepBack, tr("Step back (←)")))
    out.push_back(Intent(K::StepBack).with_unit(step_unit));
  ImGui::SameLine(0, px(4));
  if (icon_button("##play", ui.playing ? Icon::Pause : Icon::Play, ui.playing ? tr("Pause (Space)") : tr("Play (Space)"),
                  true))
    out.push_back(Intent(K::TogglePlay));
  ImGui::SameLine(0, px(4));
  if (icon_button("##stepfwd", Icon::StepForward, tr("Step forward (→)")))
    out.push_back(Intent(K::StepForward).with_unit(step_unit));
  ImGui::SameLine(0, px(6));

  const char* units[] = {tr("to the next event"), tr("to the next packet"), tr("to the next state change")};
  ImGui::SetNextItemWidth(px(175));
  if (ImGui::Combo("##unit", &unit, units, 3)) store->SetInt(unit_key, unit);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("%s", tr("What the step buttons move to: the next traced event, the next packet sent, received or lost, or the next TCP state change"));

  ImGui::SameLine(0, px(18));
  ImGui::AlignTextToFramePadding();
  draw_speed(ui, out, ui.present);

  // The current time, large enough to read from the back of the room.
  ImGui::SameLine(0, px(18));
  ImGui::AlignTextToFramePadding();
  const std::string now = "t = " + format_timeline_time(s.now());
  ImGui::PushStyleColor(ImGuiCol_Text, ui.present ? IM_COL32(0, 60, 170, 255) : IM_COL32(120, 200, 255, 255));
  ImGui::TextUnformatted(now.c_str());
  ImGui::PopStyleColor();
  ImGui::SameLine();
  ImGui::TextDisabled("/ %s", format_time_short(s.end()).c_str());

  // The seek bar: on its own row when there is room, else at the end of this one.
  const float want = std::max(ImGui::GetFrameHeight() * 1.3f, px(30));
  const float below = ImGui::GetContentRegionAvail().y;  // the row above is finished
  ImVec2 size;
  if (below >= want) {
    size = ImVec2(ImGui::GetContentRegionAvail().x, std::min(below, px(44)));
  } else {
    ImGui::SameLine(0, px(18));
    size = ImVec2(std::max(px(120), ImGui::GetContentRegionAvail().x), ImGui::GetFrameHeight());
  }
  draw_seek_bar(s, size, ui.present, out);
  if (ui.present) ImGui::PopStyleColor(3);
  ImGui::End();
}

}  // namespace tcplab::ui
