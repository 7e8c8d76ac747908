// TCP state diagram view (issue 4, Views: "TCP state diagram"). For each side of the selected
// connection: RFC 9293 §3.3.2 Figure 5, the socket's state at the cursor lit, its last
// transition drawn strong (a dot runs along it for about a second after it appears) and
// the earlier ones fading by recency, with the trace's reason (and its RFC section) below.
// The figure and the socket's history are GL-free data (sim/view/tcp_state_diagram.h);
// this file only draws them and answers the mouse: hover a state for what it means, hover
// an edge for its event / action, click a lit edge to go to the moment it was taken.
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
#include "sim/view/tcp_state_diagram.h"

namespace tcplab::ui {
namespace {

constexpr double kAnimSeconds = 1.0;  // how long the dot runs along a new transition

struct Palette {
  ImU32 box_fill, box_border, box_text, lit_fill, lit_text, visited, edge, edge_text, accent, label_bg,
      label_border, dot, muted;
};

// Dark theme on a laptop, light high-contrast theme on a projector (presentation mode).
Palette palette(bool present) {
  if (present)
    return {IM_COL32(248, 248, 248, 255), IM_COL32(70, 70, 70, 255),   IM_COL32(20, 20, 20, 255),
            IM_COL32(255, 150, 20, 255),  IM_COL32(0, 0, 0, 255),       IM_COL32(215, 95, 0, 255),
            IM_COL32(120, 120, 120, 255), IM_COL32(60, 60, 60, 255),    IM_COL32(215, 95, 0, 255),
            IM_COL32(255, 255, 255, 235), IM_COL32(215, 95, 0, 255),    IM_COL32(30, 90, 220, 255),
            IM_COL32(90, 90, 90, 255)};
  return {IM_COL32(38, 42, 50, 255),    IM_COL32(120, 126, 138, 255), IM_COL32(215, 218, 225, 255),
          IM_COL32(255, 178, 50, 255),  IM_COL32(15, 15, 15, 255),    IM_COL32(255, 178, 50, 255),
          IM_COL32(105, 110, 122, 255), IM_COL32(165, 170, 180, 255), IM_COL32(255, 178, 50, 255),
          IM_COL32(16, 17, 20, 230),    IM_COL32(255, 178, 50, 255),  IM_COL32(120, 200, 255, 255),
          IM_COL32(140, 145, 155, 255)};
}

ImU32 with_alpha(ImU32 c, float a) {
  const unsigned base = (c >> IM_COL32_A_SHIFT) & 0xFF;
  const unsigned na = static_cast<unsigned>(std::clamp(a, 0.0f, 1.0f) * static_cast<float>(base));
  return (c & ~IM_COL32_A_MASK) | (na << IM_COL32_A_SHIFT);
}

ImU32 mix(ImU32 a, ImU32 b, float u) {
  auto ch = [&](int shift) {
    const float x = static_cast<float>((a >> shift) & 0xFF), y = static_cast<float>((b >> shift) & 0xFF);
    return static_cast<ImU32>(x + (y - x) * std::clamp(u, 0.0f, 1.0f)) << shift;
  };
  return ch(IM_COL32_R_SHIFT) | ch(IM_COL32_G_SHIFT) | ch(IM_COL32_B_SHIFT) | ch(IM_COL32_A_SHIFT);
}

// Normalized diagram coordinates -> pixels.
struct Frame {
  ImVec2 o, size;
  ImVec2 at(DiagramPoint p) const { return {o.x + p.x * size.x, o.y + p.y * size.y}; }
};

// Text helpers at an arbitrary size (the diagram scales with its panel).
float text_width(float size, const char* s) {
  return ImGui::GetFont()->CalcTextSizeA(size, FLT_MAX, 0.0f, s).x;
}
void text_at(ImDrawList* dl, float size, ImVec2 p, ImU32 col, const char* s, bool bold = false) {
  dl->AddText(ImGui::GetFont(), size, p, col, s);
  if (bold) dl->AddText(ImGui::GetFont(), size, ImVec2(p.x + std::max(0.6f, size / 22), p.y), col, s);
}
void text_centered(ImDrawList* dl, float size, ImVec2 c, ImU32 col, const char* s, bool bold = false) {
  text_at(dl, size, ImVec2(c.x - text_width(size, s) / 2, c.y - size / 2), col, s, bold);
}

// The abbreviations of the RFC figure itself, for panels too small for the full names.
const char* short_name(TcpState s) {
  switch (s) {
    case TcpState::SynReceived: return "SYN-RCVD";
    case TcpState::Established: return "ESTAB";
    default: return rfc_name(s);
  }
}

float dist2(ImVec2 a, ImVec2 b) { return (a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y); }

// A moment of the run: milliseconds as the ladder writes them, seconds for long runs.
std::string when(Time t) {
  if (t < 10 * kSec) return format_ms(t) + " ms";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.3f s", static_cast<double>(t) / 1e9);
  return buf;
}

std::string ago(Time dt) {
  char buf[48];
  if (dt < kSec) std::snprintf(buf, sizeof buf, "%.1f ms", static_cast<double>(dt) / 1e6);
  else std::snprintf(buf, sizeof buf, "%.2f s", static_cast<double>(dt) / 1e9);
  return buf;
}

// How one diagram is drawn: sizes derived from its frame.
struct Metrics {
  float state_font = 12, label_font = 10, line = 1.3f, arrow = 6;
  bool short_names = false;
  bool all_labels = true;  // false when the panel is too small: only taken edges are labelled
};

Metrics metrics(const TcpStateDiagram& d, const Frame& f) {
  const float base = ImGui::GetFontSize();
  const float bw = d.box_size.x * f.size.x, bh = d.box_size.y * f.size.y;
  Metrics m;
  auto fit = [&](const char* widest_name) {
    const float widest = std::max(text_width(100, widest_name), 1.0f) / 100;
    return std::clamp(std::min({base * 1.1f, bh * 0.62f, (bw - px(8)) / widest}), 7.0f, base * 1.3f);
  };
  m.state_font = fit("SYN-RECEIVED");
  if (const float short_font = fit("CLOSE-WAIT"); m.state_font < short_font * 0.9f) {
    m.state_font = short_font;
    m.short_names = true;
  }
  // Labels: the widest must fit the space the layout gives it (about 0.2 of the width).
  const float label_widest = std::max(text_width(100, "create TCB, snd SYN"), 1.0f) / 100;
  m.label_font = std::min({base * 0.9f, m.state_font * 0.92f, f.size.x * 0.2f / label_widest,
                           f.size.y * 0.024f});
  m.all_labels = m.label_font >= 9.5f;
  m.line = std::max(1.0f, m.state_font / 10);
  m.arrow = std::max(4.5f, m.state_font * 0.5f);
  return m;
}

// One transition's place in the socket's recent history: 0 = the last one.
struct Lit {
  int rank = -1;
  size_t transition = 0;
};

void stroke_edge(ImDrawList* dl, const TcpStateDiagram& d, const Frame& f, const DiagramEdge& e, ImU32 col,
                 float thick, float arrow, bool dashed) {
  const auto b = edge_bezier(d, e);
  const ImVec2 p0 = f.at(b[0]), p1 = f.at(b[1]), p2 = f.at(b[2]), p3 = f.at(b[3]);
  // The tangent at the end, for the arrowhead; the line stops at the arrowhead's base.
  ImVec2 dir(p3.x - p2.x, p3.y - p2.y);
  if (dir.x * dir.x + dir.y * dir.y < 1e-3f) dir = ImVec2(p3.x - p0.x, p3.y - p0.y);
  const float len = std::sqrt(dir.x * dir.x + dir.y * dir.y);
  if (len < 1e-3f) return;
  dir = ImVec2(dir.x / len, dir.y / len);
  if (dashed) {
    constexpr int kN = 40;
    ImVec2 prev = p0;
    for (int i = 1; i <= kN; ++i) {
      const ImVec2 p = f.at(edge_point(d, e, static_cast<float>(i) / kN));
      if (i % 2 == 1) dl->AddLine(prev, p, col, thick);
      prev = p;
    }
  } else {
    dl->AddBezierCubic(p0, p1, p2, ImVec2(p3.x - dir.x * arrow * 0.6f, p3.y - dir.y * arrow * 0.6f), col, thick);
  }
  const ImVec2 n(-dir.y, dir.x);
  const ImVec2 base(p3.x - dir.x * arrow * 1.6f, p3.y - dir.y * arrow * 1.6f);
  dl->AddTriangleFilled(p3, ImVec2(base.x + n.x * arrow * 0.75f, base.y + n.y * arrow * 0.75f),
                        ImVec2(base.x - n.x * arrow * 0.75f, base.y - n.y * arrow * 0.75f), col);
}

// The RFC's "event over action" label, with the bar between them.
void draw_label(ImDrawList* dl, const Frame& f, const DiagramEdge& e, float size, ImU32 text, ImU32 bg,
                ImU32 border, bool bold) {
  const ImVec2 c = f.at(e.label);
  const float w = std::max(text_width(size, e.event), text_width(size, e.action)) + (bold ? size * 0.1f : 0);
  const float gap = std::max(2.0f, size * 0.22f);
  const float h = size * 2 + gap;
  const float pad = std::max(1.5f, size * 0.18f);
  const ImVec2 a(c.x - w / 2 - pad, c.y - h / 2 - pad * 0.6f), b(c.x + w / 2 + pad, c.y + h / 2 + pad * 0.6f);
  dl->AddRectFilled(a, b, bg, size * 0.25f);
  if (border) dl->AddRect(a, b, border, size * 0.25f, 0, std::max(1.0f, size / 9));
  text_centered(dl, size, ImVec2(c.x, c.y - gap / 2 - size / 2), text, e.event, bold);
  dl->AddLine(ImVec2(c.x - w / 2, c.y), ImVec2(c.x + w / 2, c.y), with_alpha(text, 0.7f), std::max(1.0f, size / 12));
  text_centered(dl, size, ImVec2(c.x, c.y + gap / 2 + size / 2), text, e.action, bold);
}

struct BoxRect {
  ImVec2 a, b;
};
BoxRect box_rect(const TcpStateDiagram& d, const Frame& f, const DiagramBox& box) {
  const ImVec2 c = f.at(box.center);
  const float hw = d.box_size.x * f.size.x / 2, hh = d.box_size.y * f.size.y / 2;
  return {ImVec2(c.x - hw, c.y - hh), ImVec2(c.x + hw, c.y + hh)};
}

// Draws one diagram in `canvas` for a socket's history (empty: nothing happened yet).
// Returns the transition to seek to when the student clicked a lit edge.
std::optional<Time> draw_diagram(const char* id, ImVec2 canvas_pos, ImVec2 canvas_size, const SocketStates& hist,
                                 double anim_u, bool present) {
  const Palette pal = palette(present);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImGui::SetCursorScreenPos(canvas_pos);
  ImGui::InvisibleButton(id, ImVec2(std::max(canvas_size.x, 1.0f), std::max(canvas_size.y, 1.0f)));
  const bool hovered = ImGui::IsItemHovered();
  const bool clicked = ImGui::IsItemClicked(ImGuiMouseButton_Left);
  const ImVec2 mouse = ImGui::GetIO().MousePos;

  // Keep the figure's proportions within reason: letterbox a very wide or tall panel.
  ImVec2 size = canvas_size, o = canvas_pos;
  const float aspect = size.x / std::max(size.y, 1.0f);
  if (aspect > 1.7f) {
    const float w = size.y * 1.7f;
    o.x += (size.x - w) / 2;
    size.x = w;
  } else if (aspect < 0.65f) {
    const float h = size.x / 0.65f;
    o.y += (size.y - h) / 2;
    size.y = h;
  }
  // Margins so labels and the edges drawn around the boxes stay inside the panel.
  const Frame f{ImVec2(o.x + size.x * 0.035f, o.y + size.y * 0.02f), ImVec2(size.x * 0.93f, size.y * 0.935f)};
  // A panel too small for the labels gets bigger boxes instead (the gaps then only need
  // room for arrows; the footer and the tooltips name the edges).
  static const TcpStateDiagram compact = [] {
    TcpStateDiagram c = tcp_state_diagram();
    c.box_size = {0.25f, 0.1f};
    return c;
  }();
  Metrics m = metrics(tcp_state_diagram(), f);
  if (!m.all_labels) {
    m = metrics(compact, f);
    m.all_labels = false;
  }
  const TcpStateDiagram& d = m.all_labels ? tcp_state_diagram() : compact;
  dl->PushClipRect(canvas_pos, ImVec2(canvas_pos.x + canvas_size.x, canvas_pos.y + canvas_size.y), true);

  // Which edges the socket took, most recent first.
  std::vector<Lit> lit(d.edges.size());
  const auto& tr_list = hist.transitions;
  for (size_t i = tr_list.size(); i-- > 0;) {
    const auto& t = tr_list[i];
    if (!t.edge || *t.edge >= lit.size() || lit[*t.edge].rank >= 0) continue;
    lit[*t.edge] = Lit{static_cast<int>(tr_list.size() - 1 - i), i};
  }
  // A taken edge that runs along a figure edge replaces it (stroke and label).
  std::vector<bool> replaced(d.edges.size(), false);
  for (size_t i = 0; i < d.edges.size(); ++i)
    if (lit[i].rank >= 0 && d.edges[i].same_route_as && *d.edges[i].same_route_as < replaced.size())
      replaced[*d.edges[i].same_route_as] = true;
  auto trail_alpha = [](int rank) {
    return rank <= 0 ? 1.0f : std::max(0.16f, 0.8f * std::pow(0.62f, static_cast<float>(rank - 1)));
  };
  constexpr int kTrail = 6;  // older transitions than this are drawn like untaken edges

  // 1. The figure's edges, thin and grey (those taken recently come later, on top).
  for (size_t i = 0; i < d.edges.size(); ++i) {
    const DiagramEdge& e = d.edges[i];
    if (!e.in_figure || replaced[i] || (lit[i].rank >= 0 && lit[i].rank < kTrail)) continue;
    stroke_edge(dl, d, f, e, pal.edge, m.line, m.arrow, false);
  }
  // 2. Taken edges, oldest first, fading by recency; the last one strong.
  for (int rank = kTrail - 1; rank >= 0; --rank) {
    for (size_t i = 0; i < d.edges.size(); ++i) {
      if (lit[i].rank != rank) continue;
      const DiagramEdge& e = d.edges[i];
      const float a = trail_alpha(rank);
      const ImU32 col = rank == 0 ? pal.accent : mix(pal.edge, pal.accent, a);
      stroke_edge(dl, d, f, e, col, rank == 0 ? m.line * 2.6f : m.line * (1 + a), m.arrow * (rank == 0 ? 1.35f : 1.1f),
                  !e.in_figure && !e.same_route_as);
    }
  }

  // 3. The boxes: visited states outlined, the current one filled.
  const size_t lit_box = hist.lit_box();
  std::vector<int> visited_rank(d.boxes.size(), -1);
  for (size_t i = tr_list.size(); i-- > 0;) {
    const int rank = static_cast<int>(tr_list.size() - 1 - i);
    if (const auto& e = tr_list[i].edge; e && *e < d.edges.size()) {
      const size_t b = d.edges[*e].from;
      if (b < visited_rank.size() && visited_rank[b] < 0) visited_rank[b] = rank;
    }
  }
  std::optional<size_t> hovered_box;
  for (size_t i = 0; i < d.boxes.size(); ++i) {
    const DiagramBox& box = d.boxes[i];
    const BoxRect r = box_rect(d, f, box);
    const float round = (r.b.y - r.a.y) * 0.3f;
    const char* name = m.short_names ? short_name(box.state) : rfc_name(box.state);
    if (i == lit_box) {
      if (anim_u < 1) {  // a ring that grows and fades while the dot runs
        const float g = static_cast<float>(anim_u) * m.state_font * 0.9f;
        dl->AddRect(ImVec2(r.a.x - g, r.a.y - g), ImVec2(r.b.x + g, r.b.y + g),
                    with_alpha(pal.accent, static_cast<float>(1 - anim_u)), round + g, 0, m.line * 2);
      }
      dl->AddRectFilled(r.a, r.b, pal.lit_fill, round);
      dl->AddRect(r.a, r.b, mix(pal.lit_fill, pal.lit_text, 0.35f), round, 0, m.line * 1.8f);
      text_centered(dl, m.state_font * 1.04f, ImVec2((r.a.x + r.b.x) / 2, (r.a.y + r.b.y) / 2), pal.lit_text, name,
                    true);
    } else {
      dl->AddRectFilled(r.a, r.b, pal.box_fill, round);
      const int vr = visited_rank[i];
      const bool recent = vr >= 0 && vr < kTrail;
      dl->AddRect(r.a, r.b, recent ? mix(pal.box_border, pal.visited, trail_alpha(vr)) : pal.box_border, round, 0,
                  recent ? m.line * 1.8f : m.line);
      text_centered(dl, m.state_font, ImVec2((r.a.x + r.b.x) / 2, (r.a.y + r.b.y) / 2), pal.box_text, name);
    }
    if (hovered && mouse.x >= r.a.x && mouse.x <= r.b.x && mouse.y >= r.a.y && mouse.y <= r.b.y) hovered_box = i;
  }

  // 4. Labels: every figure edge when there is room; taken ones always, on top.
  const ImU32 plain_bg = with_alpha(pal.label_bg, 0.95f);
  if (m.all_labels)
    for (size_t i = 0; i < d.edges.size(); ++i)
      if (d.edges[i].in_figure && !replaced[i] && (lit[i].rank < 0 || lit[i].rank >= kTrail))
        draw_label(dl, f, d.edges[i], m.label_font, pal.edge_text, plain_bg, 0, false);
  // A small panel has no room for labels: the footer names the last edge instead.
  for (int rank = kTrail - 1; rank >= 0 && m.all_labels; --rank)
    for (size_t i = 0; i < d.edges.size(); ++i) {
      if (lit[i].rank != rank) continue;
      const float a = trail_alpha(rank);
      draw_label(dl, f, d.edges[i], m.label_font,
                 rank == 0 ? pal.accent : mix(pal.edge_text, pal.accent, a), pal.label_bg,
                 rank == 0 ? pal.label_border : 0, rank == 0);
    }

  // 5. The dot running along the new transition.
  if (anim_u < 1 && !tr_list.empty() && tr_list.back().edge && *tr_list.back().edge < d.edges.size()) {
    const float u = static_cast<float>(anim_u);
    const float eased = u * u * (3 - 2 * u);
    const ImVec2 p = f.at(edge_point(d, d.edges[*tr_list.back().edge], eased));
    const float r = std::max(3.5f, m.state_font * 0.42f);
    dl->AddCircleFilled(p, r * 1.8f, with_alpha(pal.dot, 0.25f));
    dl->AddCircleFilled(p, r, pal.dot);
  }
  dl->PopClipRect();

  // 6. The mouse: a state explains itself; an edge shows its label; a taken edge, when.
  std::optional<Time> seek;
  if (hovered_box) {
    const TcpState st = d.boxes[*hovered_box].state;
    ImGui::BeginTooltip();
    ImGui::Text("%s   (netstat %s · ss %s)", rfc_name(st), netstat_name(st), ss_name(st));
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 26);
    ImGui::TextUnformatted(tr(state_explanation(st)));
    ImGui::PopTextWrapPos();
    if (*hovered_box == lit_box) ImGui::TextDisabled("%s", tr("The socket is in this state now."));
    ImGui::EndTooltip();
  } else if (hovered) {
    const float reach = std::max(px(6), m.line * 4);
    std::optional<size_t> best;
    float best_d = reach * reach;
    for (size_t i = 0; i < d.edges.size(); ++i) {
      if (!d.edges[i].in_figure && lit[i].rank < 0) continue;
      for (int k = 0; k <= 24; ++k) {
        const float dd = dist2(mouse, f.at(edge_point(d, d.edges[i], static_cast<float>(k) / 24)));
        if (dd < best_d) {
          best_d = dd;
          best = i;
        }
      }
    }
    if (best) {
      const DiagramEdge& e = d.edges[*best];
      ImGui::BeginTooltip();
      ImGui::Text("%s → %s", rfc_name(d.boxes[e.from].state), rfc_name(d.boxes[e.to].state));
      ImGui::Text("%s / %s", e.event, e.action);
      ImGui::TextDisabled(e.in_figure ? tr("In RFC 9293 Figure 5 (TCP-REFERENCE %s)")
                                      : tr("Left out of RFC 9293 Figure 5 (TCP-REFERENCE %s)"),
                          e.ref);
      if (lit[*best].rank >= 0) {
        const StateTransition& t = tr_list[lit[*best].transition];
        ImGui::Separator();
        ImGui::Text(tr("Taken at %s (%s before the cursor)"), when(t.t).c_str(), ago(t.age).c_str());
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30);
        ImGui::TextUnformatted(tr(t.why.c_str()));
        ImGui::PopTextWrapPos();
        ImGui::TextDisabled("%s", tr("Click to go to that moment."));
        if (clicked) seek = t.t;
      }
      ImGui::EndTooltip();
    }
  }
  return seek;
}

// `text` with line breaks so that no line is wider than `width`: breaks go between words
// (ImGui's own wrapping also breaks after '.', which splits "§3.10.7.4") or between CJK
// characters, which have no spaces.
std::string wrap_text(const std::string& text, float width) {
  std::string out, line;
  size_t i = 0;
  // A code point at `k` and its length; CJK (from U+2E80) may break anywhere.
  auto cjk_at = [&](size_t k, size_t* len) {
    const auto c = static_cast<unsigned char>(text[k]);
    size_t n = 1;
    while (k + n < text.size() && (static_cast<unsigned char>(text[k + n]) & 0xC0) == 0x80) ++n;
    *len = n;
    uint32_t cp = 0;
    if (n == 3) cp = ((c & 0x0Fu) << 12) | ((static_cast<unsigned char>(text[k + 1]) & 0x3Fu) << 6) |
                     (static_cast<unsigned char>(text[k + 2]) & 0x3Fu);
    return n >= 3 && (n > 3 || cp >= 0x2E80);
  };
  while (i < text.size()) {
    // The next token: a space, one CJK character, or a run of anything else.
    size_t j = i + 1, len = 1;
    if (text[i] != ' ' && !cjk_at(i, &len)) {
      j = i;
      while (j < text.size() && text[j] != ' ' && !cjk_at(j, &len)) j += len;
    } else {
      j = i + len;
    }
    const std::string token = text.substr(i, j - i);
    i = j;
    if (!line.empty() && ImGui::CalcTextSize((line + token).c_str()).x > width) {
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
      line.clear();
      if (token == " ") continue;
    }
    line += token;
  }
  return out + line;
}

// What the last transition was, by which edge, when and why: under the diagram.
struct Footer {
  std::string head, edge, why;
};
Footer footer_text(const SocketStates& hist) {
  Footer f;
  const StateTransition* last = hist.last();
  if (!last) {
    f.why = tr("No transition yet: the socket does not exist at this time.");
    return f;
  }
  f.head = std::string(rfc_name(last->from)) + " → " + rfc_name(last->to);
  const TcpStateDiagram& d = tcp_state_diagram();
  if (last->edge && *last->edge < d.edges.size())
    f.edge = std::string(d.edges[*last->edge].event) + " / " + d.edges[*last->edge].action;
  char buf[64];
  std::snprintf(buf, sizeof buf, tr("At %s: "), when(last->t).c_str());
  f.why = buf + std::string(tr(last->why.c_str()));
  return f;
}

float footer_height(const Footer& f, float width) {
  const ImGuiStyle& st = ImGui::GetStyle();
  float h = 0;
  if (!f.head.empty()) {
    const float one_line = ImGui::CalcTextSize((f.head + "   " + f.edge).c_str()).x;
    h += ImGui::GetTextLineHeight() * (one_line > width ? 2 : 1) + st.ItemSpacing.y * (one_line > width ? 2 : 1);
  }
  return h + ImGui::CalcTextSize(wrap_text(f.why, width).c_str()).y + st.ItemSpacing.y;
}

void draw_footer(const Footer& f, const Palette& pal) {
  if (!f.head.empty()) {
    ImGui::TextColored(ImColor(pal.accent), "%s", f.head.c_str());
    if (!f.edge.empty()) {
      const float w = ImGui::CalcTextSize(f.edge.c_str()).x;
      ImGui::SameLine(0, ImGui::CalcTextSize("   ").x);
      if (ImGui::GetContentRegionAvail().x < w) ImGui::NewLine();
      ImGui::TextColored(ImColor(pal.edge_text), "%s", f.edge.c_str());
    }
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(f.head.empty() ? pal.muted : pal.box_text));
  ImGui::TextUnformatted(wrap_text(f.why, ImGui::GetContentRegionAvail().x).c_str());
  ImGui::PopStyleColor();
}

std::string side_title(const Session& s, const ConnectionSide& side) {
  const auto& names = s.context().node_names;
  const size_t n = static_cast<size_t>(side.ref.node);
  std::string t = (side.ref.node >= 0 && n < names.size() ? names[n] : std::string("?")) + " " + side.ref.sock;
  if (!side.name.empty() && side.name != t.substr(0, t.find(' '))) t += " (" + side.name + ")";
  if (!side.local.empty()) t += "  " + side.local;
  return t;
}

double anim_progress(UiState& ui, const std::string& key, const SocketStates& hist) {
  auto& seen = ui.state_diagram.seen[key];
  const Time t = hist.last() ? hist.last()->t : -1;
  if (seen.count != hist.transitions.size() || seen.t != t) {
    seen = StateDiagramState::Seen{hist.transitions.size(), t, ui.wall_time};
  }
  if (!hist.last()) return 1.0;
  return std::clamp((ui.wall_time - seen.wall) / kAnimSeconds, 0.0, 1.0);
}

// One side: title, diagram, footer, inside a region of the window.
void draw_side(const Session& s, UiState& ui, Intents& out, const char* id, ImVec2 size,
               const ConnectionSide* side) {
  const Palette pal = palette(ui.present);
  ImGui::BeginChild(id, size, false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  SocketStates hist;
  std::string key = "-";
  if (side) {
    hist = socket_states(s.trace(), tracked_connections(s).state_events(side->ref), s.now());
    key = std::to_string(side->ref.node) + "/" + side->ref.sock;
    ImGui::TextColored(ImColor(pal.accent), "%s", rfc_name(hist.current));
    ImGui::SameLine();
    ImGui::TextUnformatted(side_title(s, *side).c_str());
  } else {
    ImGui::TextColored(ImColor(pal.muted), "%s", tr("No TCP connection yet: every socket starts in CLOSED"));
  }
  const double u = anim_progress(ui, key, hist);
  const float avail_w = ImGui::GetContentRegionAvail().x;
  const Footer foot = footer_text(hist);
  const float footer = side ? footer_height(foot, avail_w) : 0;
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const ImVec2 canvas(avail_w, std::max(ImGui::GetContentRegionAvail().y - footer - px(2), px(40)));
  if (auto t = draw_diagram("##diagram", pos, canvas, hist, u, ui.present))
    out.push_back(Intent(Intent::Kind::Seek).with_t(*t));
  ImGui::SetCursorScreenPos(ImVec2(pos.x, pos.y + canvas.y + px(2)));
  if (side) draw_footer(foot, pal);
  ImGui::EndChild();
}

}  // namespace

void draw_state_diagram(const Session& s, UiState& ui, Intents& out) {
  if (!ImGui::Begin(window_title("TCP state", "state").c_str())) {
    ImGui::End();
    return;
  }
  const std::vector<Connection>& conns = tracked_connections(s).connections();
  const auto conn = pick_connection(conns, SocketRef{ui.sel.conn_node, ui.sel.conn_sock});
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  if (!conn && !conns.empty()) {
    // Only listeners so far: show the (first) one waiting in LISTEN.
    draw_side(s, ui, out, "##side_a", avail, &conns.front().a);
  } else if (!conn) {
    draw_side(s, ui, out, "##side_none", avail, nullptr);
  } else if (!conn->b) {
    draw_side(s, ui, out, "##side_a", avail, &conn->a);
  } else {
    // Side by side or stacked: whichever gives each diagram the squarer panel.
    const float gap = ImGui::GetStyle().ItemSpacing.x;
    const ImVec2 beside((avail.x - gap) / 2, avail.y), stacked(avail.x, (avail.y - gap) / 2);
    auto badness = [](ImVec2 v) { return std::abs(std::log(std::max(v.x, 1.0f) / std::max(v.y, 1.0f) / 0.95f)); };
    const bool side_by_side = badness(beside) <= badness(stacked);
    const ImVec2 cell = side_by_side ? beside : stacked;
    draw_side(s, ui, out, "##side_a", cell, &conn->a);
    if (side_by_side) ImGui::SameLine(0, gap);
    draw_side(s, ui, out, "##side_b", cell, &*conn->b);
  }
  ImGui::End();
}

}  // namespace tcplab::ui
