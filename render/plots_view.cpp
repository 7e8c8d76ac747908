// Plots view (issue 4, Views: "Plots"): for a sender of the selected connection, its
// congestion window, slow-start threshold and bytes in flight (one plot) and its
// retransmission timeout with the smoothed RTT it is computed from (another), as step
// functions of simulated time up to the cursor; retransmissions marked on the time axis.
// The series are GL-free (sim/view/plot_series.h); this file draws axes, ticks, units, the
// legend (checkboxes), the cursor line and the readout under the mouse.
#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "render/trace_indexes.h"
#include "render/ui.h"
#include "sim/view/connections.h"
#include "sim/view/plot_series.h"

namespace tcplab::ui {
namespace {

ImU32 with_alpha(ImU32 col, float a) {
  const unsigned base = (col >> IM_COL32_A_SHIFT) & 0xFF;
  const unsigned na = static_cast<unsigned>(std::clamp(a, 0.0f, 1.0f) * static_cast<float>(base));
  return (col & ~IM_COL32_A_MASK) | (na << IM_COL32_A_SHIFT);
}

struct Colors {
  ImU32 cwnd, ssthresh, flight, rto, srtt, retx, grid, axis, text, cursor, bg;
};

Colors colors(bool present) {
  if (present)
    return {IM_COL32(20, 90, 210, 255),  IM_COL32(210, 110, 0, 255), IM_COL32(20, 140, 50, 255),
            IM_COL32(200, 30, 60, 255),  IM_COL32(120, 60, 200, 255), IM_COL32(220, 0, 0, 255),
            IM_COL32(0, 0, 0, 30),       IM_COL32(40, 40, 40, 255),   IM_COL32(20, 20, 20, 255),
            IM_COL32(0, 0, 0, 200),      IM_COL32(255, 255, 255, 255)};
  return {IM_COL32(95, 170, 255, 255),  IM_COL32(255, 165, 60, 255), IM_COL32(110, 215, 120, 255),
          IM_COL32(255, 100, 125, 255), IM_COL32(185, 145, 255, 255), IM_COL32(255, 70, 70, 255),
          IM_COL32(255, 255, 255, 22),  IM_COL32(150, 155, 165, 255), IM_COL32(200, 204, 212, 255),
          IM_COL32(255, 255, 255, 170), IM_COL32(14, 15, 18, 255)};
}

// ---- units -------------------------------------------------------------------------------
// How values of one plot are written: bytes (B, kB, MB, SI as link rates are), segments
// of one MSS, or milliseconds / seconds.
struct Unit {
  double scale = 1;  // value / scale = number shown
  const char* name = "";
};

Unit bytes_unit(double max_bytes) {
  if (max_bytes >= 2e6) return {1e6, "MB"};
  if (max_bytes >= 2e3) return {1e3, "kB"};
  return {1, "B"};
}
Unit time_unit(double max_ns) { return max_ns >= 10e9 ? Unit{1e9, "s"} : Unit{1e6, "ms"}; }
Unit time_axis_unit(double span_ns) { return span_ns >= 2e9 ? Unit{1e9, "s"} : Unit{1e6, "ms"}; }

std::string number(double v) {
  char buf[32];
  const double a = std::fabs(v);
  if (a >= 100 || a == std::floor(a)) std::snprintf(buf, sizeof buf, "%.0f", v);
  else if (a >= 10) std::snprintf(buf, sizeof buf, "%.1f", v);
  else std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {  // "2.50" -> "2.5"
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}
std::string with_unit(double v, const Unit& u) { return number(v / u.scale) + " " + u.name; }

std::string bytes_text(double b, uint32_t mss) {
  std::string s = with_unit(b, bytes_unit(b));
  if (mss > 0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, " (%.1f MSS)", b / mss);
    s += buf;
  }
  return s;
}

// A tick step of 1, 2 or 5 × 10^k giving about `n` ticks over `range`, and at least
// `min_steps` steps.
double nice_step(double range, int n, int min_steps = 1) {
  if (range <= 0 || n <= 0) return 1;
  const double raw = range / n;
  double p = std::pow(10.0, std::floor(std::log10(raw)));
  double step = 10 * p;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * p) {
      step = m * p;
      break;
    }
  // Too coarse: step down 5 -> 2 -> 1 -> 0.5 …
  while (range / step < min_steps) {
    const double lead = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
    step *= lead > 4 ? 0.4 : 0.5;
  }
  return step;
}

// ---- one plot ----------------------------------------------------------------------------
struct Series {
  const PlotLine* line;
  ImU32 color;
  const char* name;
  bool dashed;
};

struct Axes {
  ImVec2 a, b;  // the plot area (inside the axes)
  Time t0 = 0, t1 = 1;
  double y1 = 1;  // top of the y axis, in the series' units (bytes or ns)
  float x(Time t) const {
    return a.x + static_cast<float>(static_cast<double>(t - t0) / static_cast<double>(std::max<Time>(t1 - t0, 1))) *
                     (b.x - a.x);
  }
  float y(double v) const { return b.y - static_cast<float>(std::clamp(v / y1, 0.0, 1.05)) * (b.y - a.y); }
  Time t_at(float px_x) const {
    const double u = std::clamp((px_x - a.x) / std::max(b.x - a.x, 1.0f), 0.0f, 1.0f);
    return t0 + static_cast<Time>(u * static_cast<double>(t1 - t0));
  }
};

// A step function from axes.t0 to `end`, thinned to one vertical stroke per pixel column
// so that a long run with thousands of changes stays cheap to draw.
void draw_steps(ImDrawList* dl, const Axes& ax, const PlotLine& line, Time end, ImU32 col, float thick,
                bool dashed) {
  std::vector<ImVec2> pts;
  auto flush = [&] {
    if (pts.size() >= 2) {
      if (!dashed) {
        dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), col, 0, thick);
      } else {  // dashes along the polyline
        const float dash = thick * 4;
        float carry = 0;
        bool on = true;
        for (size_t i = 1; i < pts.size(); ++i) {
          ImVec2 p = pts[i - 1];
          const ImVec2 q = pts[i];
          float len = std::hypot(q.x - p.x, q.y - p.y);
          while (len > 0) {
            const float step = std::min(len, dash - carry);
            const ImVec2 r(p.x + (q.x - p.x) * step / len, p.y + (q.y - p.y) * step / len);
            if (on) dl->AddLine(p, r, col, thick);
            carry += step;
            if (carry >= dash) {
              carry = 0;
              on = !on;
            }
            len -= step;
            p = r;
          }
        }
      }
    }
    pts.clear();
  };
  const auto& st = line.steps;
  float last_col = -1e9f;
  for (size_t i = 0; i < st.size(); ++i) {
    if (st[i].t > end) break;
    const Time from = std::max(st[i].t, ax.t0);
    const Time to = i + 1 < st.size() ? std::min(st[i + 1].t, end) : end;
    if (to < ax.t0) continue;
    if (!st[i].known) {
      flush();
      continue;
    }
    const float x0 = ax.x(from), x1 = ax.x(to), y = ax.y(st[i].v);
    if (!pts.empty() && std::floor(x0) == last_col && std::floor(x1) == last_col) {
      // Same pixel column as before: extend vertically only.
      pts.push_back(ImVec2(pts.back().x, y));
      continue;
    }
    if (pts.empty()) pts.push_back(ImVec2(x0, y));
    else pts.push_back(ImVec2(x0, y));  // the vertical edge from the previous value
    pts.push_back(ImVec2(x1, y));
    last_col = std::floor(x1);
  }
  flush();
}

void draw_frame(ImDrawList* dl, const Axes& ax, const Unit& yu, const Unit& tu, const Colors& c, float font,
                bool time_labels) {
  // Horizontal grid lines and value ticks.
  const double top = ax.y1 / yu.scale;
  const int rows = std::max(2, static_cast<int>((ax.b.y - ax.a.y) / (font * 2.2f)));
  const double ystep = nice_step(top, rows);
  for (double v = 0; v <= top * 1.0001; v += ystep) {
    const float y = ax.y(v * yu.scale);
    dl->AddLine(ImVec2(ax.a.x, y), ImVec2(ax.b.x, y), c.grid);
    const std::string s = number(v);
    const float w = ImGui::CalcTextSize(s.c_str()).x;
    dl->AddText(ImVec2(ax.a.x - w - px(5), y - font / 2), c.text, s.c_str());
  }
  // The unit above the value labels.
  dl->AddText(ImVec2(ax.a.x - ImGui::CalcTextSize(yu.name).x - px(5), ax.a.y - font * 1.25f), c.axis, yu.name);
  // Time ticks.
  const double span = static_cast<double>(ax.t1 - ax.t0) / tu.scale;
  const int cols = std::max(2, static_cast<int>((ax.b.x - ax.a.x) / (font * 5.5f)));
  const double tstep = nice_step(span, cols, 2);
  const double first = std::ceil(static_cast<double>(ax.t0) / tu.scale / tstep) * tstep;
  for (double v = first; v <= static_cast<double>(ax.t1) / tu.scale + 1e-9; v += tstep) {
    const float x = ax.x(static_cast<Time>(std::llround(v * tu.scale)));
    dl->AddLine(ImVec2(x, ax.a.y), ImVec2(x, ax.b.y), c.grid);
    dl->AddLine(ImVec2(x, ax.b.y), ImVec2(x, ax.b.y + px(4)), c.axis);
    if (time_labels) {
      const std::string s = number(v);
      const float w = ImGui::CalcTextSize(s.c_str()).x;
      dl->AddText(ImVec2(x - w / 2, ax.b.y + px(5)), c.text, s.c_str());
    }
  }
  if (time_labels)
    dl->AddText(ImVec2(ax.b.x + px(6), ax.b.y + px(5)), c.axis, tu.name);
  dl->AddLine(ImVec2(ax.a.x, ax.a.y), ImVec2(ax.a.x, ax.b.y), c.axis);
  dl->AddLine(ImVec2(ax.a.x, ax.b.y), ImVec2(ax.b.x, ax.b.y), c.axis);
}


// The readout under the mouse: time and every shown value at that time.
void hover_readout(ImDrawList* dl, const Axes& ax, const std::vector<Series>& ss, const Colors& c, Time now,
                   const SenderSeries& s, bool bytes, bool in_segments) {
  const ImVec2 m = ImGui::GetIO().MousePos;
  if (m.x < ax.a.x || m.x > ax.b.x || m.y < ax.a.y || m.y > ax.b.y) return;
  const Time t = ax.t_at(m.x);
  if (t > now) {  // nothing is known past the cursor yet
    ImGui::SetTooltip(tr("t = %s ms: later than the cursor. Click to go there."), format_ms(t).c_str());
    return;
  }
  dl->AddLine(ImVec2(m.x, ax.a.y), ImVec2(m.x, ax.b.y), with_alpha(c.cursor, 0.6f), 1.0f);
  ImGui::BeginTooltip();
  ImGui::Text(tr("t = %s ms"), format_ms(t).c_str());
  for (const Series& x : ss) {
    const auto v = x.line->at(t);
    ImGui::TextColored(ImColor(x.color), "%s", x.name);
    ImGui::SameLine();
    if (!v) {
      ImGui::TextDisabled("—");
      continue;
    }
    dl->AddCircleFilled(ImVec2(m.x, ax.y(*v)), px(3.5f), x.color);
    if (bytes) {
      if (in_segments && s.mss > 0) ImGui::Text("%.1f MSS  (%s)", *v / s.mss, with_unit(*v, bytes_unit(*v)).c_str());
      else ImGui::TextUnformatted(bytes_text(*v, s.mss).c_str());
    } else {
      ImGui::Text("%s ms", format_ms(static_cast<Time>(*v)).c_str());
    }
  }
  // Retransmissions within a few pixels.
  int retx = 0;
  const float reach = px(4);
  for (Time r : s.retransmits)
    if (std::fabs(ax.x(r) - m.x) <= reach && r <= now) ++retx;
  if (retx > 0) ImGui::TextColored(ImColor(c.retx), tr("%d retransmission(s) here"), retx);
  int fires = 0;
  for (Time r : s.rto_expiries)
    if (std::fabs(ax.x(r) - m.x) <= reach && r <= now) ++fires;
  if (fires > 0) ImGui::TextColored(ImColor(c.rto), tr("the retransmission timer expired (%d)"), fires);
  ImGui::TextDisabled("%s", tr("Click to go to this time."));
  ImGui::EndTooltip();
}


// The top of a y axis: a little above `max`, at a tick.
double axis_top(double max, double unit_scale) {
  if (max <= 0) return unit_scale;  // an empty plot still has an axis
  const double m = max * 1.08 / unit_scale;
  const double step = nice_step(m, 4);
  return std::ceil(m / step) * step * unit_scale;
}

struct PlotSpec {
  const char* title;
  std::vector<Series> series;
  bool bytes = true;        // bytes (window plot) or nanoseconds (RTO plot)
  bool time_labels = true;
  bool retx_marks = false;  // retransmissions as ticks on the time axis
  bool rto_marks = false;   // timer expiries as vertical lines
};

// Draws one plot; returns the time the student clicked, to go there.
std::optional<Time> draw_plot(const char* id, ImVec2 pos, ImVec2 size, const PlotSpec& spec, const SenderSeries& s,
                              const PlotsState& st, const Colors& c, Time t0, Time t1, float left) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float font = ImGui::GetFontSize();
  ImGui::SetCursorScreenPos(pos);
  ImGui::InvisibleButton(id, ImVec2(std::max(size.x, 1.0f), std::max(size.y, 1.0f)));
  const bool hovered = ImGui::IsItemHovered(), clicked = ImGui::IsItemClicked(ImGuiMouseButton_Left);
  const float top = font * 1.45f, bottom = spec.time_labels ? font * 1.5f : px(6), right = px(30);
  Axes ax;
  ax.a = ImVec2(pos.x + left, pos.y + top);
  ax.b = ImVec2(pos.x + size.x - right, pos.y + size.y - bottom);
  if (ax.b.x - ax.a.x < px(30) || ax.b.y - ax.a.y < px(16)) return std::nullopt;  // no room
  ax.t0 = t0;
  ax.t1 = t1;
  const Time now = s.end;

  // The y range: every shown series up to the cursor; ssthresh far above the others is
  // clipped (said in a note) so that cwnd stays readable.
  double max_main = 0, max_ss = 0;
  for (const Series& x : spec.series) {
    double m = 0;
    for (const PlotStep& p : x.line->steps)
      if (p.t <= now && p.known) m = std::max(m, p.v);
    if (x.line == &s.ssthresh) max_ss = m;
    else max_main = std::max(max_main, m);
  }
  bool clipped = false;
  double max_all = std::max(max_main, max_ss);
  if (max_ss > 0 && max_main > 0 && max_ss > 2.5 * max_main) {
    clipped = true;
    max_all = max_main;
  }
  Unit yu;
  if (spec.bytes) yu = st.in_segments && s.mss > 0 ? Unit{static_cast<double>(s.mss), "MSS"} : bytes_unit(max_all);
  else yu = time_unit(max_all);
  ax.y1 = axis_top(max_all, yu.scale);

  dl->AddRectFilled(ax.a, ax.b, with_alpha(c.bg, 0.55f));
  dl->PushClipRect(pos, ImVec2(pos.x + size.x, pos.y + size.y), true);
  dl->AddText(ImVec2(ax.a.x, pos.y + px(1)), c.text, spec.title);
  draw_frame(dl, ax, yu, time_axis_unit(static_cast<double>(t1 - t0)), c, font, spec.time_labels);

  dl->PushClipRect(ImVec2(ax.a.x, ax.a.y - px(2)), ImVec2(ax.b.x + px(2), ax.b.y + px(1)), true);
  if (spec.rto_marks)
    for (Time r : s.rto_expiries)
      if (r <= now && r >= t0) {
        const float x = ax.x(r);
        for (float y = ax.a.y; y < ax.b.y; y += px(6))
          dl->AddLine(ImVec2(x, y), ImVec2(x, std::min(y + px(3), ax.b.y)), with_alpha(c.rto, 0.7f), 1.0f);
      }
  const float thick = std::max(1.5f, px(2.0f));
  for (const Series& x : spec.series) draw_steps(dl, ax, *x.line, now, x.color, thick, x.dashed);
  dl->PopClipRect();
  if (spec.retx_marks)
    for (Time r : s.retransmits)
      if (r <= now && r >= t0) {
        const float x = ax.x(r), h = px(7);
        dl->AddTriangleFilled(ImVec2(x, ax.b.y - h), ImVec2(x - h * 0.5f, ax.b.y), ImVec2(x + h * 0.5f, ax.b.y),
                              c.retx);
      }
  // The cursor: everything left of it has happened.
  const float xc = ax.x(now);
  dl->AddLine(ImVec2(xc, ax.a.y - px(3)), ImVec2(xc, ax.b.y), c.cursor, std::max(1.0f, px(1.5f)));

  // Notes in the title row: ssthresh not set yet, or above the plot.
  std::string note, short_note;
  for (const Series& x : spec.series) {
    if (x.line != &s.ssthresh) continue;
    if (s.ssthresh_unset && !s.ssthresh.at(now)) {
      note = tr("ssthresh: infinite until the first loss");
      short_note = tr("ssthresh not set yet");
    } else if (clipped) {
      note = short_note = std::string(tr("ssthresh above the plot: ")) + with_unit(max_ss, bytes_unit(max_ss));
    }
  }
  if (!note.empty()) {
    const float from = ax.a.x + ImGui::CalcTextSize(spec.title).x + px(16);
    if (from + ImGui::CalcTextSize(note.c_str()).x > pos.x + size.x) note = short_note;
    const float nw = ImGui::CalcTextSize(note.c_str()).x;
    if (from + nw <= pos.x + size.x)
      dl->AddText(ImVec2(std::max(from, ax.b.x - nw), pos.y + px(1)), c.ssthresh, note.c_str());
  }
  dl->PopClipRect();
  if (!hovered) return std::nullopt;
  hover_readout(dl, ax, spec.series, c, now, s, spec.bytes, st.in_segments);
  const ImVec2 m = ImGui::GetIO().MousePos;
  if (clicked && m.x >= ax.a.x && m.x <= ax.b.x) return ax.t_at(m.x);
  return std::nullopt;
}

std::string sender_key(const SenderSeries& s) { return std::to_string(s.ref.node) + "/" + s.ref.sock; }

std::string sender_label(const Session& ses, const SenderSeries& s) {
  const auto& names = ses.context().node_names;
  const size_t n = static_cast<size_t>(s.ref.node);
  return (s.ref.node >= 0 && n < names.size() ? names[n] : std::string("?")) + " " + s.ref.sock + " → " + s.remote;
}

// The series are a function of the trace up to the cursor, but building them reads every
// segment of the connection: too slow to redo on each frame of a long run (the congestion
// lesson has tens of thousands). So the builders live between frames and are fed only the
// events that became visible since; a step back, another connection, an intervention or
// a rebuilt trace starts them again. Derived data, not view state: it is kept here rather
// than in PlotsState.
struct SeriesCache {
  struct Side {
    SocketRef ref;
    std::string local, remote;
    bool operator==(const Side&) const = default;
  };
  std::vector<Side> sides;
  std::vector<SenderSeriesBuilder> builders;
  const Session* session = nullptr;
  size_t interventions = 0, trace_size = 0;
  // The last event fed, to notice a trace that was recorded again differently.
  Time last_t = -1;
  EvKind last_ev = EvKind::App;
  int32_t last_node = -1;
};

bool same_event(const TraceEvent& e, const SeriesCache& c) {
  return e.t == c.last_t && e.ev == c.last_ev && e.node == c.last_node;
}

// The series of the connection's sides at the cursor (a, then b).
std::vector<const SenderSeries*> connection_series(const Session& s, const Connection& conn) {
  static SeriesCache cache;
  std::vector<SeriesCache::Side> sides;
  if (!conn.a.listener) {
    sides.push_back({conn.a.ref, conn.a.local, conn.a.remote});
    if (conn.b) sides.push_back({conn.b->ref, conn.b->local, conn.b->remote});
  }
  const auto& trace = s.trace();
  const size_t count = s.visible();
  const size_t fed = cache.builders.empty() ? 0 : cache.builders.front().fed();
  const bool valid = cache.session == &s && cache.sides == sides && cache.interventions == s.interventions().size() &&
                     trace.size() >= cache.trace_size && count >= fed &&
                     (fed == 0 || (fed <= trace.size() && same_event(trace[fed - 1], cache)));
  if (!valid) {
    cache = SeriesCache{};
    cache.sides = sides;
    cache.session = &s;
    cache.interventions = s.interventions().size();
    if (!conn.a.listener) {
      cache.builders.emplace_back(conn.a);
      if (conn.b) cache.builders.emplace_back(*conn.b);
    }
  }
  for (SenderSeriesBuilder& b : cache.builders) b.feed(trace, count);
  cache.trace_size = trace.size();
  if (count > 0 && count <= trace.size()) {
    cache.last_t = trace[count - 1].t;
    cache.last_ev = trace[count - 1].ev;
    cache.last_node = trace[count - 1].node;
  }
  std::vector<const SenderSeries*> out;
  for (SenderSeriesBuilder& b : cache.builders) out.push_back(&b.series(s.now()));
  return out;
}

// A legend entry: a small checkbox whose tick and text have the series' colour, and what
// the series is on hover. Wraps to a new line when the row is full.
void legend_box(const char* label, bool* v, ImU32 col, const char* explain) {
  const float w = ImGui::CalcTextSize(label).x + ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x;
  ImGui::SameLine();
  if (ImGui::GetContentRegionAvail().x < w) ImGui::NewLine();
  ImGui::PushStyleColor(ImGuiCol_CheckMark, ImGui::ColorConvertU32ToFloat4(col));
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(col));
  ImGui::Checkbox(label, v);
  ImGui::PopStyleColor(2);
  if (ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28);
    ImGui::TextUnformatted(explain);
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
}

}  // namespace

void draw_plots(const Session& s, UiState& ui, Intents& out) {
  if (!ImGui::Begin(window_title("Plots", "plots").c_str())) {
    ImGui::End();
    return;
  }
  const std::vector<Connection>& conns = tracked_connections(s).connections();
  const auto conn = pick_connection(conns, SocketRef{ui.sel.conn_node, ui.sel.conn_sock});
  if (!conn) {
    ImGui::TextDisabled("%s", tr("No TCP connection yet: nothing to plot."));
    ImGui::End();
    return;
  }
  const std::vector<const SenderSeries*> sides = connection_series(s, *conn);
  std::vector<const SenderSeries*> senders;
  for (size_t i : plotted_senders(sides)) senders.push_back(sides[i]);
  if (senders.empty()) {
    ImGui::TextDisabled("%s", conn->a.listener ? tr("A listening socket sends nothing: select one of its connections.")
                                               : tr("Nothing to plot yet: the connection is not established."));
    ImGui::End();
    return;
  }
  PlotsState& st = ui.plots;
  const SenderSeries* cur = senders.front();
  for (const SenderSeries* x : senders)
    if (sender_key(*x) == st.sender) cur = x;
  const Colors c = colors(ui.present);

  // Which sender (when both send), then the legend, as one compact row.
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(px(2), px(1)));
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(px(8), px(3)));
  if (senders.size() > 1) {
    for (const SenderSeries* x : senders) {
      if (x != senders.front()) ImGui::SameLine();
      if (ImGui::RadioButton(sender_label(s, *x).c_str(), x == cur)) st.sender = sender_key(*x);
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("Both sides send data: choose whose windows to plot."));
  } else {
    ImGui::TextUnformatted(sender_label(s, *cur).c_str());
  }
  legend_box("cwnd", &st.show_cwnd, c.cwnd,
             tr("Congestion window: how many bytes the sender allows itself to have unacknowledged (RFC 5681)."));
  legend_box("ssthresh", &st.show_ssthresh, c.ssthresh,
             tr("Slow-start threshold: below it cwnd grows by one MSS per ACK (slow start), above it by about one MSS per round trip (congestion avoidance). Set to half the data in flight when a loss is detected."));
  legend_box(tr("bytes in flight"), &st.show_flight, c.flight,
             tr("Bytes in flight: sent but not yet acknowledged (SND.NXT - SND.UNA). The smaller of cwnd and the receiver's window caps it."));
  legend_box("RTO", &st.show_rto, c.rto,
             tr("Retransmission timeout: how long the sender waits for an ACK before sending the oldest unacknowledged segment again; it doubles after each expiry (RFC 6298)."));
  legend_box("SRTT", &st.show_srtt, c.srtt,
             tr("Smoothed round-trip time: the running average of measured RTTs from which the RTO is computed (RTO = SRTT + 4 RTTVAR, RFC 6298 §2)."));
  if (cur->mss > 0) {
    bool seg = st.in_segments;
    legend_box("MSS", &seg, c.text, tr("Count the window axis in segments of one MSS instead of bytes."));
    st.in_segments = seg;
  }
  ImGui::PopStyleVar(2);

  PlotSpec win{tr("Window and bytes in flight"), {}, true, true, true, false};
  if (st.show_cwnd) win.series.push_back({&cur->cwnd, c.cwnd, "cwnd", false});
  if (st.show_ssthresh) win.series.push_back({&cur->ssthresh, c.ssthresh, "ssthresh", true});
  if (st.show_flight) win.series.push_back({&cur->flight, c.flight, tr("bytes in flight"), false});
  PlotSpec rto{tr("Retransmission timeout and smoothed RTT"), {}, false, true, false, true};
  if (st.show_rto) rto.series.push_back({&cur->rto, c.rto, "RTO", false});
  if (st.show_srtt) rto.series.push_back({&cur->srtt, c.srtt, "SRTT", true});

  // Time from the socket's first event to a little past the cursor, so the cursor line
  // shows where "now" is and the curves grow towards it.
  const Time now = s.now();
  const Time t0 = std::min(cur->start, now);
  const Time t1 = now + std::max<Time>((now - t0) / 12, kMs);

  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const float left = ImGui::CalcTextSize("8888.8").x + px(10);
  const float gap = px(8);
  std::optional<Time> clicked;  // a click on a plot goes to that time
  if (avail.x > avail.y * 2.4f) {  // wide: side by side
    const float w = (avail.x - gap) / 2;
    clicked = draw_plot("##plot_win", pos, ImVec2(w, avail.y), win, *cur, st, c, t0, t1, left);
    const ImVec2 at(pos.x + w + gap, pos.y);
    if (auto t = draw_plot("##plot_rto", at, ImVec2(w, avail.y), rto, *cur, st, c, t0, t1, left)) clicked = t;
  } else {  // stacked, one time axis under both
    const float h1 = (avail.y - gap) * 0.58f, h2 = avail.y - gap - h1;
    win.time_labels = false;
    clicked = draw_plot("##plot_win", pos, ImVec2(avail.x, h1), win, *cur, st, c, t0, t1, left);
    const ImVec2 at(pos.x, pos.y + h1 + gap);
    if (auto t = draw_plot("##plot_rto", at, ImVec2(avail.x, h2), rto, *cur, st, c, t0, t1, left)) clicked = t;
  }
  if (clicked) out.push_back(Intent(Intent::Kind::Seek).with_t(*clicked));
  ImGui::End();
}

}  // namespace tcplab::ui
