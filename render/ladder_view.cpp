// Ladder view (issue 4 "Views → Ladder diagram"): the selected TCP connection as a
// sequence diagram, time running down. Data flow: Session -> build_ladder() (the model,
// sim/view/ladder_model.h) -> layout_ladder() (pixels) -> ImDrawList here. Hover an arrow
// for its full summary, click it to select the packet and seek to when it was sent; the
// toolbar picks the connection, the zoom, and exports the same picture as SVG.
#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>

#include "render/ui.h"
#include "sim/view/connections.h"
#include "sim/view/ladder_model.h"

namespace tcplab::ui {
namespace {

// ---- the model, rebuilt only when what it reads changes ----------------------------------

// The model, kept up to date incrementally (LadderBuilder reads only new events).
struct ModelCache {
  LadderBuilder builder;
  const LadderModel* model = nullptr;
};

ModelCache& cache() {
  static ModelCache c;  // render/ only: one ladder window per process
  return c;
}

const ModelCache& model_for(const Session& s, const SocketRef& sel, bool all) {
  ModelCache& c = cache();
  c.model = &c.builder.update(s, sel, all);
  return c;
}

// ---- colours --------------------------------------------------------------------------------

bool light_theme() {
  const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  return 0.299f * bg.x + 0.587f * bg.y + 0.114f * bg.z > 0.5f;
}

// Packet colours are mid-saturation; on the white presentation theme they are darkened a
// little so that thin lines still read on a projector.
ImU32 colour(LadderColour c, float alpha = 1.0f) {
  const float k = light_theme() ? 0.78f : 1.0f;
  return IM_COL32(int(c.r * k), int(c.g * k), int(c.b * k), int(alpha * 255));
}

ImU32 text_colour(float alpha = 1.0f) { return ImGui::GetColorU32(ImGuiCol_Text, alpha); }
ImU32 dim_colour() { return ImGui::GetColorU32(ImGuiCol_TextDisabled); }
ImU32 bg_colour(float alpha) { return ImGui::GetColorU32(ImGuiCol_WindowBg, alpha); }
ImU32 cursor_colour() { return light_theme() ? IM_COL32(21, 101, 192, 255) : IM_COL32(100, 181, 246, 255); }

float text_width(std::string_view t) { return ImGui::CalcTextSize(t.data(), t.data() + t.size()).x; }

void dashed(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 c, float thick, float dash, float gap) {
  const float dx = b.x - a.x, dy = b.y - a.y, len = std::sqrt(dx * dx + dy * dy);
  if (len < 0.5f) return;
  const float ux = dx / len, uy = dy / len;
  for (float s = 0; s < len; s += dash + gap) {
    const float e = std::min(len, s + dash);
    dl->AddLine(ImVec2(a.x + ux * s, a.y + uy * s), ImVec2(a.x + ux * e, a.y + uy * e), c, thick);
  }
}

void arrow_head(ImDrawList* dl, ImVec2 tip, ImVec2 from, ImU32 c, float size) {
  const float dx = tip.x - from.x, dy = tip.y - from.y, len = std::sqrt(dx * dx + dy * dy);
  if (len < 0.5f) return;
  const float ux = dx / len, uy = dy / len, w = size * 0.45f;
  const ImVec2 base(tip.x - ux * size, tip.y - uy * size);
  dl->AddTriangleFilled(tip, ImVec2(base.x - uy * w, base.y + ux * w), ImVec2(base.x + uy * w, base.y - ux * w), c);
}

float dist_to_segment(ImVec2 p, ImVec2 a, ImVec2 b) {
  const float dx = b.x - a.x, dy = b.y - a.y, l2 = dx * dx + dy * dy;
  float t = l2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / l2 : 0;
  t = std::clamp(t, 0.0f, 1.0f);
  const float ex = a.x + t * dx - p.x, ey = a.y + t * dy - p.y;
  return std::sqrt(ex * ex + ey * ey);
}

std::string fmt(const char* f, const std::string& a, const std::string& b = "") {
  char buf[512];
  std::snprintf(buf, sizeof buf, f, a.c_str(), b.c_str());
  return buf;
}

// The connection's label with "↔", which the GUI font does not carry, as "—".
std::string connection_text(std::string label) {
  const std::string both = "\u2194";
  for (size_t at = label.find(both); at != std::string::npos; at = label.find(both, at))
    label.replace(at, both.size(), "\u2014");
  return label;
}

std::string node_label(const Session& s, int32_t n) {
  const auto& names = s.context().node_names;
  return n >= 0 && size_t(n) < names.size() ? names[size_t(n)] : std::string("?");
}

// ---- toolbar ----------------------------------------------------------------------------------

void same_line_if_fits(float w) {
  const float right = ImGui::GetWindowContentRegionMax().x;
  ImGui::SameLine();
  if (ImGui::GetCursorPosX() + w > right) ImGui::NewLine();
}

void legend_tooltip() {
  struct Item {
    LadderColour c;
    const char* text;
    bool translate, bar, dashed;
  };
  const Item items[] = {
      {ladder_colour(LadderArrowKind::Syn), "SYN", false, false, false},
      {ladder_colour(LadderArrowKind::SynAck), "SYN, ACK", false, false, false},
      {ladder_colour(LadderArrowKind::Data), "data segment", true, false, false},
      {ladder_colour(LadderArrowKind::Ack), "pure ACK", true, false, false},
      {ladder_colour(LadderArrowKind::Fin), "FIN", false, false, false},
      {ladder_colour(LadderArrowKind::Rst), "RST", false, false, false},
      {ladder_colour(LadderArrowKind::Other), "other packet", true, false, false},
      {ladder_lost_colour(), "lost packet", true, false, true},
      {ladder_timer_colour(LadderTimerKind::Rto), "RTO timer", true, true, false},
      {ladder_timer_colour(LadderTimerKind::TimeWait), "TIME-WAIT timer", true, true, false},
      {ladder_timer_colour(LadderTimerKind::Persist), "persist timer", true, true, false},
  };
  ImGui::BeginTooltip();
  ImGui::TextUnformatted(tr("Colours of the ladder"));
  ImGui::Separator();
  const float h = ImGui::GetTextLineHeight();
  for (const Item& it : items) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const ImU32 c = colour(it.c);
    if (it.bar) dl->AddRectFilled(ImVec2(p.x + px(9), p.y + px(2)), ImVec2(p.x + px(17), p.y + h - px(2)), c);
    else if (it.dashed) dashed(dl, ImVec2(p.x, p.y + h / 2), ImVec2(p.x + px(26), p.y + h / 2), c, px(2.5f), px(5), px(3));
    else dl->AddLine(ImVec2(p.x, p.y + h / 2), ImVec2(p.x + px(26), p.y + h / 2), c, px(2.5f));
    ImGui::Dummy(ImVec2(px(30), h));
    ImGui::SameLine();
    ImGui::TextUnformatted(it.translate ? tr(it.text) : it.text);
  }
  ImGui::Separator();
  ImGui::PushTextWrapPos(px(360));
  ImGui::TextUnformatted(tr("State changes are written beside each lifeline; timers are the bars along it."));
  ImGui::PopTextWrapPos();
  ImGui::EndTooltip();
}

void draw_toolbar(const Session& s, UiState& ui, Intents& out, const ModelCache& c) {
  LadderState& st = ui.ladder;
  // The connection: every one the trace knows so far (listeners too, which explain themselves).
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(tr("TCP connection"));
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-FLT_MIN);
  const std::string preview =
      c.model->has_connection ? connection_text(c.model->title) : std::string(tr("No TCP connection yet"));
  if (ImGui::BeginCombo("##ladder_conn", preview.c_str())) {
    for (size_t i = 0; i < c.builder.connections().size(); ++i) {
      const Connection& k = c.builder.connections()[i];
      const bool selected = c.model->has_connection && (k.a.ref == c.model->selected);
      ImGui::PushID(int(i));
      if (ImGui::Selectable(connection_text(k.label(s.context())).c_str(), selected))
        out.push_back(Intent(Intent::Kind::SelectConnection).with_node(k.a.ref.node).with_sock(k.a.ref.sock));
      if (selected) ImGui::SetItemDefaultFocus();
      ImGui::PopID();
    }
    ImGui::EndCombo();
  }
  ImGui::Checkbox(tr("All traffic between these two nodes"), &st.all_between_nodes);
  const std::string follow = tr("Follow the cursor");
  same_line_if_fits(text_width(follow) + ImGui::GetFrameHeight() + px(16));
  ImGui::Checkbox(follow.c_str(), &st.follow);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("Keep the current time in view while playing"));

  const std::string zoom_label = std::string(tr("Zoom (px/ms)")) + "##ladder_zoom";
  ImGui::SetNextItemWidth(px(130));
  if (ImGui::SliderFloat(zoom_label.c_str(), &st.zoom, 0.05f, 50.0f, "%.2f",
                         ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp)) {
    st.zoom_anchor = s.now();  // keep the cursor where the eye is while zooming
    st.zoom_anchor_dy = -1;
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("Ctrl + mouse wheel zooms the ladder"));
  const std::string save = tr("Save ladder as SVG");
  same_line_if_fits(text_width(save) + px(40));
  ImGui::BeginDisabled(!c.model->has_connection || c.model->listener_only);
  if (ImGui::Button(save.c_str())) {
    // Beside the current directory, named after the scenario: "handshake-ladder.svg".
    std::string stem = s.path().empty() ? std::string("tcplab") : std::filesystem::path(s.path()).stem().string();
    out.push_back(Intent(Intent::Kind::ExportLadderSvg).with_text(stem + "-ladder.svg"));
  }
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("%s", tr("Writes the ladder up to the current time as an SVG file, for slides"));
  ImGui::SameLine();
  ImGui::TextDisabled("(?)");
  if (ImGui::IsItemHovered()) legend_tooltip();
}

// ---- the diagram -------------------------------------------------------------------------------

void arrow_tooltip(const Session& s, const LadderModel& m, const LadderArrow& a) {
  const LadderLifeline& from = m.lifelines[size_t(a.from)];
  const LadderLifeline& to = m.lifelines[size_t(a.to)];
  ImGui::BeginTooltip();
  ImGui::TextUnformatted(a.label.c_str());
  ImGui::TextDisabled("%s", a.summary.c_str());
  ImGui::Separator();
  ImGui::TextUnformatted(fmt(tr("sent at %s by %s"), format_ladder_time(a.t_tx), from.node_name).c_str());
  switch (a.end) {
    case LadderArrowEnd::Arrived:
      ImGui::TextUnformatted(fmt(tr("received at %s by %s"), format_ladder_time(a.t_end), to.node_name).c_str());
      break;
    case LadderArrowEnd::InFlight: ImGui::TextUnformatted(tr("still in flight")); break;
    case LadderArrowEnd::Dropped:
      ImGui::PushStyleColor(ImGuiCol_Text, colour(ladder_lost_colour()));
      ImGui::TextUnformatted((fmt(tr("dropped at %s by %s"), format_ladder_time(a.t_end), node_label(s, a.drop_node)) +
                              ": ✕ " + tr(ladder_drop_reason(a.why)))
                                 .c_str());
      ImGui::PopStyleColor();
      break;
  }
  ImGui::TextDisabled("%s", tr("Click: select this packet and go to when it was sent"));
  ImGui::EndTooltip();
}

void timer_tooltip(const LadderTimer& t) {
  ImGui::BeginTooltip();
  ImGui::TextUnformatted(tr(ladder_timer_name(t.kind)));
  ImGui::TextUnformatted(fmt(tr("armed at %s, expires at %s"), format_ladder_time(t.t_set), format_ladder_time(t.due)).c_str());
  switch (t.end) {
    case LadderTimerEnd::Fired: ImGui::TextUnformatted(fmt(tr("fired at %s"), format_ladder_time(t.t_end)).c_str()); break;
    case LadderTimerEnd::Cancelled:
      ImGui::TextUnformatted(fmt(tr("cancelled at %s"), format_ladder_time(t.t_end)).c_str());
      break;
    case LadderTimerEnd::Rearmed:
      ImGui::TextUnformatted(fmt(tr("re-armed at %s"), format_ladder_time(t.t_end)).c_str());
      break;
    case LadderTimerEnd::Running: break;
  }
  ImGui::EndTooltip();
}

// Node, socket and address above each lifeline (drawn once the layout is known). Each
// side keeps to its half, so close lifelines do not mix their addresses.
void draw_header(ImDrawList* dl, ImVec2 o, const LadderModel& m, const LadderLayout& L, float width) {
  const float h = ImGui::GetTextLineHeight();
  const float mid = (L.x_life[0] + L.x_life[1]) / 2, gap = px(6);
  for (size_t k = 0; k < 2; ++k) {
    const LadderLifeline& l = m.lifelines[k];
    const std::string lines[3] = {l.node_name.empty() ? l.endpoint : l.node_name, l.socket,
                                  l.node_name.empty() ? std::string() : l.endpoint};
    const float lo = k == 0 ? 0.0f : mid + gap, hi = k == 0 ? mid - gap : width;
    for (int i = 0; i < 3; ++i) {
      if (lines[i].empty()) continue;
      const std::string t = fit_text(lines[i], std::max(0.0f, hi - lo), text_width);
      const float w = text_width(t);
      const float x = std::clamp(L.x_life[k] - w / 2, lo, std::max(lo, hi - w));
      dl->AddText(ImVec2(o.x + x, o.y + h * float(i)), i == 0 ? text_colour() : dim_colour(), t.c_str());
    }
  }
}

// Text of the state column, smaller in a narrow window (LadderLayout::state_scale),
// centred on its line.
void small_text(ImDrawList* dl, ImVec2 at, float scale, ImU32 c, const std::string& t) {
  const float size = ImGui::GetFontSize() * scale;
  at.y += (ImGui::GetTextLineHeight() - ImGui::GetTextLineHeight() * scale) / 2;
  dl->AddText(ImGui::GetFont(), size, at, c, t.c_str());
}

// How one diagram is drawn: the Ladder window's, or one of the Live mode's side-by-side
// panes (each with its own scroll state, in a region the caller made).
struct DiagramOptions {
  const char* child_id = "##ladder_scroll";
  bool compress = true;        // idle stretches drawn as breaks (off: one time scale all along)
  bool select_packets = true;  // a click selects the packet; otherwise it only moves the cursor
  bool drop_menu = false;      // right-click: drop the next packet like it (live level 3)
};

void draw_diagram(const Session& s, LadderState& st, const Selection& sel, Intents& out, const LadderModel& m,
                  const DiagramOptions& opt) {
  const float width = std::max(px(200), ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ScrollbarSize);
  const float line_h = ImGui::GetTextLineHeight();
  // The header's place; it is drawn after the diagram, whose layout fixes the lifelines.
  const ImVec2 header_at = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(width, line_h * 3 + px(2)));

  // Ctrl+wheel zooms instead of scrolling.
  const ImGuiIO& io = ImGui::GetIO();
  const ImGuiWindowFlags flags = io.KeyCtrl ? ImGuiWindowFlags_NoScrollWithMouse : 0;
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  const bool open = ImGui::BeginChild(opt.child_id, ImVec2(0, 0), false, flags);
  ImGui::PopStyleVar();
  const float view_h = ImGui::GetWindowHeight();
  const float scroll = ImGui::GetScrollY();
  LadderLayoutParams p;
  p.width = width;
  p.line_h = line_h;
  p.px_per_ms = st.zoom * px(1);
  p.max_idle_px = opt.compress ? 3.5f * line_h : 1e9f;
  p.pad = px(6);
  p.top = line_h;
  p.min_gap = text_width("seq=1 ack=1") + px(16);  // room for a label wrapped on a few lines
  p.lang = language();
  p.clip_y0 = scroll - view_h * 0.5f;  // a margin, for labels of arrows partly on screen
  p.clip_y1 = scroll + view_h * 1.5f;
  const LadderLayout L = layout_ladder(m, p, text_width);
  if (!open) {
    ImGui::EndChild();
    draw_header(ImGui::GetWindowDrawList(), header_at, m, L, width);
    return;
  }
  const ImVec2 o = ImGui::GetCursorScreenPos();  // content origin (scroll included)
  ImGui::Dummy(ImVec2(width, std::max(L.height, float(L.y_now) + view_h * 0.45f)));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float top = scroll - line_h * 4, bottom = scroll + view_h + line_h * 4;  // what is on screen
  auto visible = [&](float y0, float y1) { return std::max(y0, y1) >= top && std::min(y0, y1) <= bottom; };
  auto P = [&](float x, float y) { return ImVec2(o.x + x, o.y + y); };

  // Compressed stretches: a band, the lifelines dashed across it, its length.
  for (const LadderLayout::Break& b : L.breaks) {
    if (!visible(b.y0, b.y1)) continue;
    dl->AddRectFilled(P(0, b.y0), P(width, b.y1), text_colour(0.06f));
    const float tw = text_width(b.text);
    dl->AddText(P(L.axis_w - p.pad - tw, (b.y0 + b.y1) / 2 - line_h / 2), dim_colour(), b.text.c_str());
  }
  for (const LadderLayout::Tick& t : L.ticks) {
    if (!visible(t.y, t.y)) continue;
    dl->AddLine(P(L.axis_w - px(4), t.y), P(L.axis_w + px(2), t.y), dim_colour(), px(1));
    dl->AddText(P(L.axis_w - p.pad - text_width(t.text), t.y - line_h / 2), dim_colour(), t.text.c_str());
  }
  const float life_end = std::max(L.height, float(L.y_now) + view_h * 0.45f);
  for (size_t k = 0; k < 2; ++k) {
    float y = 0;
    for (const LadderLayout::Break& b : L.breaks) {
      dl->AddLine(P(L.x_life[k], y), P(L.x_life[k], b.y0), text_colour(0.7f), px(1.5f));
      dashed(dl, P(L.x_life[k], b.y0), P(L.x_life[k], b.y1), text_colour(0.45f), px(1.5f), px(3), px(4));
      y = b.y1;
    }
    dl->AddLine(P(L.x_life[k], y), P(L.x_life[k], life_end), text_colour(0.7f), px(1.5f));
  }

  const ImVec2 mouse = io.MousePos;
  const bool hovered_area = ImGui::IsWindowHovered();
  const ImVec2 mc(mouse.x - o.x, mouse.y - o.y);  // mouse in layout coordinates

  // Timers: the part already elapsed solid, what is left of a running one paler, so it
  // visibly counts down as the cursor moves.
  const LadderTimer* hovered_timer = nullptr;
  for (const LadderLayout::TimerGeom& g : L.timers) {
    if (!visible(g.y0, g.y1)) continue;
    const LadderTimer& t = m.timers[g.index];
    const float x0 = g.x - L.bar_w / 2, x1 = g.x + L.bar_w / 2;
    const float y_split = t.end == LadderTimerEnd::Running ? std::min(g.y1, float(L.y_now)) : g.y1;
    const ImU32 c = colour(ladder_timer_colour(t.kind), 0.9f);
    dl->AddRectFilled(P(x0, g.y0), P(x1, std::max(g.y0 + px(2), y_split)), c, px(2));
    if (y_split < g.y1) {
      dl->AddRectFilled(P(x0, y_split), P(x1, g.y1), colour(ladder_timer_colour(t.kind), 0.35f), px(2));
      dl->AddRect(P(x0, y_split), P(x1, g.y1), c, px(2), 0, px(1));
    }
    if (t.end == LadderTimerEnd::Fired)
      dl->AddLine(P(x0 - px(3), g.y1), P(x1 + px(3), g.y1), colour(ladder_timer_colour(t.kind)), px(2.5f));
    if (g.caption_shown) small_text(dl, P(g.cx, g.cy), L.state_scale, colour(ladder_timer_colour(t.kind)), g.caption);
    const bool on_bar = mc.x >= x0 - px(3) && mc.x <= x1 + px(3) && mc.y >= g.y0 && mc.y <= g.y1;
    const bool on_caption = g.caption_shown && mc.x >= g.cx && mc.x <= g.cx + g.cw && mc.y >= g.cy && mc.y <= g.cy + line_h;
    if (hovered_area && (on_bar || on_caption)) hovered_timer = &t;
  }

  // States beside their lifeline; the current one of each side stands out.
  std::array<int, 2> current{-1, -1};
  for (size_t i = 0; i < L.states.size(); ++i) current[size_t(m.states[L.states[i].index].side & 1)] = int(i);
  const LadderStateMark* hovered_state = nullptr;
  for (size_t i = 0; i < L.states.size(); ++i) {
    const LadderLayout::StateGeom& g = L.states[i];
    if (!visible(g.y, g.y + line_h)) continue;
    const LadderStateMark& sm = m.states[g.index];
    const size_t k = size_t(sm.side & 1);
    const float x = k == 0 ? g.x - g.w : g.x;
    const float lead_y = g.y + line_h / 2;
    dashed(dl, P(k == 0 ? g.x + px(2) : g.x - px(2), lead_y), P(L.x_life[k], lead_y), text_colour(0.35f), px(1),
           px(2), px(2));
    const bool now_state = int(i) == current[k];
    if (now_state)
      dl->AddRectFilled(P(x - px(3), g.y), P(x + g.w + px(3), g.y + line_h), cursor_colour() & 0x40FFFFFF, px(3));
    small_text(dl, P(x, g.y), L.state_scale, text_colour(), g.text);
    if (hovered_area && mc.x >= x && mc.x <= x + g.w && mc.y >= g.y && mc.y <= g.y + line_h) hovered_state = &sm;
  }

  // Arrows, then their labels on top.
  const LadderArrow* hovered = nullptr;
  float best = px(6);
  for (const LadderLayout::ArrowGeom& g : L.arrows) {
    if (!visible(g.y0, g.y1)) continue;
    const float d = dist_to_segment(mc, ImVec2(g.x0, g.y0), ImVec2(g.x1, g.y1));
    const bool in_label = g.label_shown && mc.x >= g.lx && mc.x <= g.lx + g.lw && mc.y >= g.ly && mc.y <= g.ly + g.lh;
    if (hovered_area && (d < best || in_label)) {
      best = in_label ? 0 : d;
      hovered = &m.arrows[g.index];
    }
  }
  for (const LadderLayout::ArrowGeom& g : L.arrows) {
    if (!visible(g.y0, g.y1)) continue;
    const LadderArrow& a = m.arrows[g.index];
    const bool lost = a.end == LadderArrowEnd::Dropped;
    const bool selected = sel.packet != 0 && a.has(sel.packet);
    const bool hot = &a == hovered;
    const ImU32 c = colour(lost ? ladder_lost_colour() : ladder_colour(a.kind));
    const ImVec2 p0 = P(g.x0, g.y0), p1 = P(g.x1, g.y1);
    const float thick = px(selected ? 3.5f : hot ? 3.0f : 2.0f);
    if (selected) dl->AddLine(p0, p1, cursor_colour() & 0x60FFFFFF, thick + px(6));
    if (lost) {
      dashed(dl, p0, p1, c, thick, px(7), px(4));
      const float r = line_h * 0.35f;
      dl->AddLine(ImVec2(p1.x - r, p1.y - r), ImVec2(p1.x + r, p1.y + r), c, px(2.5f));
      dl->AddLine(ImVec2(p1.x - r, p1.y + r), ImVec2(p1.x + r, p1.y - r), c, px(2.5f));
      if (!g.why.empty()) dl->AddText(P(g.why_x, g.why_y), c, g.why.c_str());
    } else {
      dl->AddLine(p0, p1, c, thick);
      arrow_head(dl, p1, p0, c, px(11));
      if (a.end == LadderArrowEnd::InFlight) dl->AddCircleFilled(p1, px(3.5f), c);
    }
  }
  for (const LadderLayout::ArrowGeom& g : L.arrows) {
    if (!g.label_shown || !visible(g.ly, g.ly + g.lh)) continue;
    const LadderArrow& a = m.arrows[g.index];
    const bool selected = sel.packet != 0 && a.has(sel.packet);
    dl->AddRectFilled(P(g.lx, g.ly), P(g.lx + g.lw, g.ly + g.lh), bg_colour(0.88f), px(3));
    if (selected || &a == hovered)
      dl->AddRect(P(g.lx, g.ly), P(g.lx + g.lw, g.ly + g.lh), selected ? cursor_colour() : text_colour(0.5f), px(3));
    const float cx = g.lx + g.lw / 2;
    for (size_t i = 0; i < g.lines.size(); ++i) {
      const ImU32 c = i == 0 && g.prefix_line ? colour(ladder_lost_colour()) : text_colour();
      dl->AddText(P(cx - text_width(g.lines[i]) / 2, g.ly + line_h * float(i)), c, g.lines[i].c_str());
    }
  }

  // The cursor: a line across at the current time, and how long running timers have left.
  const float yn = float(L.y_now);
  dl->AddLine(P(L.axis_w, yn), P(width, yn), cursor_colour(), px(1.5f));
  {
    const std::string t = format_ladder_time(m.now);
    const float tw = text_width(t);
    const ImVec2 a = P(std::max(0.0f, L.axis_w - p.pad - tw), yn - line_h / 2);
    dl->AddRectFilled(ImVec2(a.x - px(2), a.y), ImVec2(a.x + tw + px(2), a.y + line_h), cursor_colour(), px(3));
    dl->AddText(a, IM_COL32_WHITE, t.c_str());
  }
  // Below the cursor line, on the inner side of its lifeline: "RTO: 190 ms left".
  float left_y = yn + px(3);
  for (const LadderTimer& t : m.timers) {
    if (t.end != LadderTimerEnd::Running || t.t_set > m.now || t.due < m.now) continue;
    const size_t k = size_t(t.side & 1);
    const std::string text = fmt(tr("%s: %s left"), to_string(t.kind), format_ladder_duration(t.due - m.now));
    // It may run past the other lifeline (it has its own background), not off the window.
    const std::string fitted = fit_text(text, width - L.axis_w - 2 * p.pad, text_width);
    const float tw = text_width(fitted);
    const float x = k == 0 ? std::min(L.x_life[0] + p.pad, width - p.pad - tw)
                           : std::max(L.axis_w + p.pad, L.x_life[1] - p.pad - tw);
    const ImVec2 a = P(x, left_y);
    dl->AddRectFilled(ImVec2(a.x - px(3), a.y), ImVec2(a.x + tw + px(3), a.y + line_h),
                      colour(ladder_timer_colour(t.kind)), px(3));
    dl->AddText(a, IM_COL32_WHITE, fitted.c_str());
    left_y += line_h + px(2);
  }

  // Hover and click.
  if (hovered) {
    arrow_tooltip(s, m, *hovered);
    if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
      if (opt.select_packets)
        out.push_back(Intent(Intent::Kind::SelectPacket).with_packet(hovered->packet, hovered->link).with_t(hovered->t_tx));
      else
        out.push_back(Intent(Intent::Kind::Seek).with_t(hovered->t_tx));
    }
    if (opt.drop_menu && ImGui::IsMouseClicked(ImGuiMouseButton_Right)) {
      st.menu_packet = hovered->packet;
      st.menu_link = hovered->link;
      ImGui::OpenPopup("##ladder_drop");
    }
  } else if (hovered_timer) {
    timer_tooltip(*hovered_timer);
  } else if (hovered_state && !hovered_state->why.empty()) {
    ImGui::SetTooltip("%s: %s", hovered_state->state.c_str(), hovered_state->why.c_str());
  }

  // Ctrl+wheel: zoom around the time under the mouse (applied with next frame's layout).
  if (hovered_area && io.KeyCtrl && io.MouseWheel != 0) {
    st.zoom_anchor = L.axis.t_of(mc.y);
    st.zoom_anchor_dy = mouse.y - ImGui::GetWindowPos().y;
    st.zoom = std::clamp(st.zoom * std::pow(1.2f, io.MouseWheel), 0.05f, 50.0f);
  } else if (st.zoom_anchor >= 0) {
    const float dy = st.zoom_anchor_dy < 0 ? view_h * 0.65f : st.zoom_anchor_dy;
    ImGui::SetScrollY(std::max(0.0f, float(L.axis.y_of(st.zoom_anchor)) - dy));
    st.zoom_anchor = -1;
  } else if (st.follow && st.last_now != m.now) {
    // Follow: when the cursor moved out of the comfortable middle, bring it back.
    if (yn < scroll + view_h * 0.1f || yn > scroll + view_h * 0.85f)
      ImGui::SetScrollY(std::max(0.0f, yn - view_h * 0.65f));
  }
  st.last_now = m.now;
  if (opt.drop_menu && ImGui::BeginPopup("##ladder_drop")) {
    if (ImGui::MenuItem(tr("Drop the next packet like this one")))
      out.push_back(Intent(Intent::Kind::Intervene).with_packet(st.menu_packet, st.menu_link).with_action(FaultAction::Drop));
    ImGui::TextDisabled("%s", tr("Live level 3: the running kernels really lose it and recover"));
    ImGui::EndPopup();
  }
  ImGui::EndChild();
  draw_header(ImGui::GetWindowDrawList(), header_at, m, L, width);
}

}  // namespace

void draw_ladder(const Session& s, UiState& ui, Intents& out) {
  if (!ImGui::Begin(window_title("Ladder", "ladder").c_str())) {
    ImGui::End();
    return;
  }
  const ModelCache& c = model_for(s, SocketRef{ui.sel.conn_node, ui.sel.conn_sock}, ui.ladder.all_between_nodes);
  draw_toolbar(s, ui, out, c);
  ImGui::Separator();
  const LadderModel& m = *c.model;
  if (!m.has_connection) {
    ImGui::Spacing();
    ImGui::TextUnformatted(tr("No TCP connection yet"));
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("%s", tr("The ladder shows a TCP connection once one starts (a connect or an accepted SYN)."));
    ImGui::PopTextWrapPos();
  } else if (m.listener_only) {
    ImGui::Spacing();
    ImGui::TextUnformatted(connection_text(m.title).c_str());
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("%s", tr("A listening socket has no packets of its own: pick one of its connections."));
    ImGui::PopTextWrapPos();
  } else {
    draw_diagram(s, ui.ladder, ui.sel, out, m, DiagramOptions{});
  }
  ImGui::End();
}

void draw_ladder_pane(const Session& s, const SocketRef& sel, LadderPane& pane, UiState& ui, Intents& out,
                      const LadderPaneOptions& o) {
  if (!pane.builder) pane.builder = std::make_shared<LadderBuilder>();
  const LadderModel& m = pane.builder->update(s, sel, false);
  pane.st.zoom = ui.ladder.zoom;  // one time scale for the panes side by side
  pane.st.follow = ui.ladder.follow;
  if (!m.has_connection || m.listener_only) {
    ImGui::Spacing();
    ImGui::TextUnformatted(m.has_connection ? connection_text(m.title).c_str() : tr("No TCP connection yet"));
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("%s", m.has_connection ? tr("A listening socket has no packets of its own: pick one of its connections.")
                                               : tr("The ladder shows a TCP connection once one starts (a connect or an accepted SYN)."));
    ImGui::PopTextWrapPos();
    return;
  }
  DiagramOptions d;
  d.child_id = pane.id;
  d.compress = o.compress;
  d.select_packets = o.select_packets;
  d.drop_menu = o.drop_menu;
  const Selection none;
  draw_diagram(s, pane.st, o.select_packets ? ui.sel : none, out, m, d);
  ui.ladder.zoom = pane.st.zoom;  // Ctrl+wheel in either pane zooms both
}

}  // namespace tcplab::ui
