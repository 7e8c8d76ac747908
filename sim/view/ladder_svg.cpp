// The ladder as a standalone SVG (ladder_svg.h): the model and layout of ladder_model.h,
// written as text. White background and a monospace font, so that label widths are known
// without a font engine (DejaVu Sans Mono advances 0.602 em per column) and the picture
// reads on a slide. Packet labels stay as Wireshark prints them; the few UI words (drop
// reasons, the legend) are in the chosen language.
#include "sim/view/ladder_svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string_view>

#include "sim/trace/summary.h"
#include "sim/view/ladder_model.h"

namespace tcplab {
namespace {

constexpr float kFont = 13;         // px
constexpr float kLine = 19;         // px per line of text
constexpr float kPad = 6;
constexpr float kAdvance = 0.6021f;  // DejaVu Sans Mono: em per column

float mono_width(std::string_view s) { return float(display_width(s)) * kAdvance * kFont; }

std::string esc(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s = buf;
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s == "-0" ? "0" : s;
}

std::string rgb(LadderColour c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", c.r, c.g, c.b);
  return buf;
}

// Darker, for text and thin lines on white.
LadderColour ink(LadderColour c) {
  return {uint8_t(c.r * 0.7), uint8_t(c.g * 0.7), uint8_t(c.b * 0.7)};
}

class Svg {
 public:
  void line(double x0, double y0, double x1, double y1, const std::string& colour, double w,
            const char* dash = nullptr) {
    out_ += "<line x1=\"" + num(x0) + "\" y1=\"" + num(y0) + "\" x2=\"" + num(x1) + "\" y2=\"" + num(y1) +
            "\" stroke=\"" + colour + "\" stroke-width=\"" + num(w) + "\"";
    if (dash) out_ += std::string(" stroke-dasharray=\"") + dash + "\"";
    out_ += "/>\n";
  }
  void rect(double x, double y, double w, double h, const std::string& fill, const std::string& extra = "") {
    out_ += "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(std::max(0.0, w)) + "\" height=\"" +
            num(std::max(0.0, h)) + "\" fill=\"" + fill + "\"" + extra + "/>\n";
  }
  // `y` is the top of the line of text.
  void text(double x, double y, std::string_view s, const std::string& colour, const char* anchor = "start",
            bool bold = false, const std::string& tooltip = "", double scale = 1) {
    out_ += "<text x=\"" + num(x) + "\" y=\"" + num(y + kLine * (0.5 + 0.22 * scale)) + "\" fill=\"" + colour + "\"";
    if (scale != 1) out_ += " font-size=\"" + num(kFont * scale) + "\"";
    if (std::string_view(anchor) != "start") out_ += std::string(" text-anchor=\"") + anchor + "\"";
    if (bold) out_ += " font-weight=\"bold\"";
    out_ += ">" + esc(s);
    if (!tooltip.empty()) out_ += "<title>" + esc(tooltip) + "</title>";
    out_ += "</text>\n";
  }
  void head(double x, double y, double dx, double dy, const std::string& colour) {
    const double len = std::hypot(dx, dy);
    if (len < 1e-6) return;
    const double ux = dx / len, uy = dy / len, L = 10, W = 4.5;
    const double bx = x - ux * L, by = y - uy * L;
    out_ += "<polygon points=\"" + num(x) + "," + num(y) + " " + num(bx - uy * W) + "," + num(by + ux * W) + " " +
            num(bx + uy * W) + "," + num(by - ux * W) + "\" fill=\"" + colour + "\"/>\n";
  }
  void raw(std::string_view s) { out_ += s; }
  std::string& str() { return out_; }

 private:
  std::string out_;
};

// Pixels per ms that keep most consecutive packets about two lines apart.
float choose_zoom(const LadderModel& m) {
  std::vector<Time> starts;
  for (const LadderArrow& a : m.arrows) starts.push_back(a.t_tx);
  std::sort(starts.begin(), starts.end());
  std::vector<Time> gaps;
  for (size_t i = 1; i < starts.size(); ++i)
    if (starts[i] > starts[i - 1]) gaps.push_back(starts[i] - starts[i - 1]);
  if (gaps.empty()) return 4;
  std::sort(gaps.begin(), gaps.end());
  const double typical_ms = double(gaps[gaps.size() / 5]) / double(kMs);
  return float(std::clamp(2.2 * kLine / std::max(typical_ms, 1e-3), 0.5, 60.0));
}

}  // namespace

std::string ladder_svg(const Session& s, const SocketRef& sel, bool all_between_nodes, Lang lang) {
  const LadderModel m = build_ladder(s, sel, all_between_nodes);
  auto T = [lang](const char* en) { return std::string(translate(en, lang)); };
  const TextWidth width = mono_width;
  const std::string fg = "#202020", grey = "#808080", faint = "#c8c8c8";
  const std::string font =
      "font-family=\"DejaVu Sans Mono, Noto Sans Mono CJK SC, Menlo, Consolas, monospace\" font-size=\"" +
      num(kFont) + "\"";

  if (!m.has_connection || m.listener_only) {
    const std::string msg = m.has_connection ? T("A listening socket has no packets of its own: pick one of its connections.")
                                             : T("No TCP connection yet");
    const float w = mono_width(msg) + 4 * kPad;
    Svg svg;
    svg.raw("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(w) + "\" height=\"" + num(3 * kLine) +
            "\" viewBox=\"0 0 " + num(w) + " " + num(3 * kLine) + "\" " + font + ">\n");
    svg.rect(0, 0, w, 3 * kLine, "#ffffff");
    svg.text(2 * kPad, kLine, msg, fg);
    svg.raw("</svg>\n");
    return std::move(svg.str());
  }

  // Wide enough for every label on one line (within reason), tall enough for everything.
  LadderLayoutParams p;
  p.line_h = kLine;
  p.pad = kPad;
  p.px_per_ms = choose_zoom(m);
  p.max_idle_px = 3 * kLine;
  p.top = kLine;
  p.lang = lang;
  float widest = 0;
  for (const LadderArrow& a : m.arrows) widest = std::max(widest, mono_width(a.label));
  const float gap = std::clamp(widest + 6 * kPad, 320.0f, 900.0f);
  float sw = mono_width("ESTABLISHED");
  for (const LadderStateMark& st : m.states) sw = std::max(sw, mono_width(st.label));
  for (const LadderTimer& t : m.timers)
    if (!t.continues) sw = std::max(sw, mono_width(ladder_timer_caption(t)));
  const float bar_w = std::max(4.0f, kLine * 0.4f);
  p.width = mono_width("00.000 ms") + kPad + 2 * (kPad + sw + 3 * kPad + bar_w) + gap;
  p.min_gap = gap;
  const LadderLayout L = layout_ladder(m, p, width);

  const float header_h = 5 * kLine;  // title, a blank, node, socket, endpoint
  // The legend: colour swatches in rows under the diagram.
  struct Item {
    LadderColour c;
    std::string text;
    bool bar, dashed;
  };
  const std::vector<Item> legend = {
      {ladder_colour(LadderArrowKind::Syn), "SYN", false, false},
      {ladder_colour(LadderArrowKind::SynAck), "SYN, ACK", false, false},
      {ladder_colour(LadderArrowKind::Data), T("data segment"), false, false},
      {ladder_colour(LadderArrowKind::Ack), T("pure ACK"), false, false},
      {ladder_colour(LadderArrowKind::Fin), "FIN", false, false},
      {ladder_colour(LadderArrowKind::Rst), "RST", false, false},
      {ladder_lost_colour(), T("lost packet"), false, true},
      {ladder_timer_colour(LadderTimerKind::Rto), T("RTO timer"), true, false},
      {ladder_timer_colour(LadderTimerKind::TimeWait), T("TIME-WAIT timer"), true, false},
  };
  std::vector<std::pair<float, float>> legend_pos;  // x, row
  float lx = kPad, row = 0;
  for (const Item& it : legend) {
    const float w = 28 + mono_width(it.text) + 3 * kPad;
    if (lx + w > p.width && lx > kPad) {
      lx = kPad;
      row += 1;
    }
    legend_pos.emplace_back(lx, row);
    lx += w;
  }
  const float legend_h = (row + 1) * kLine + 2 * kPad;
  const float W = std::max(p.width, L.x_state[1] + L.state_w + kPad), H = header_h + L.height + legend_h;

  Svg svg;
  svg.raw("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(W) + "\" height=\"" + num(H) +
          "\" viewBox=\"0 0 " + num(W) + " " + num(H) + "\" " + font + ">\n");
  svg.raw("<title>" + esc(m.title) + "</title>\n");
  svg.rect(0, 0, W, H, "#ffffff");
  svg.text(kPad, kPad * 0.5, fit_text(m.title, W - 2 * kPad, width), fg, "start", true);
  for (size_t k = 0; k < 2; ++k) {
    const LadderLifeline& l = m.lifelines[k];
    const std::string lines[3] = {l.node_name.empty() ? l.endpoint : l.node_name, l.socket, l.endpoint};
    for (int i = 0; i < 3; ++i) {
      if (lines[i].empty() || (i == 2 && l.node_name.empty())) continue;
      const float w = mono_width(lines[i]);
      const float x = std::clamp(L.x_life[k] - w / 2, kPad, W - kPad - w);
      svg.text(x, kLine * float(2 + i), lines[i], i == 0 ? fg : grey, "start", i == 0);
    }
  }

  svg.raw("<g transform=\"translate(0," + num(header_h) + ")\">\n");
  // Compressed stretches: a pale band, the lifelines dashed across it, its length.
  for (const LadderLayout::Break& b : L.breaks) {
    svg.rect(0, b.y0, W, b.y1 - b.y0, "#f2f2f2");
    svg.text(L.axis_w - kPad, (b.y0 + b.y1) / 2 - kLine / 2, b.text, grey, "end");
  }
  // Lifelines, solid where time is to scale.
  for (size_t k = 0; k < 2; ++k) {
    float y = 0;
    for (const LadderLayout::Break& b : L.breaks) {
      svg.line(L.x_life[k], y, L.x_life[k], b.y0, fg, 1.5);
      svg.line(L.x_life[k], b.y0, L.x_life[k], b.y1, grey, 1.5, "3 4");
      y = b.y1;
    }
    svg.line(L.x_life[k], y, L.x_life[k], L.height, fg, 1.5);
  }
  for (const LadderLayout::Tick& t : L.ticks) {
    svg.line(L.axis_w - 3, t.y, L.axis_w + 2, t.y, grey, 1);
    svg.text(L.axis_w - kPad, t.y - kLine / 2, t.text, grey, "end");
  }
  // Timers along the lifelines.
  for (const LadderLayout::TimerGeom& g : L.timers) {
    const LadderTimer& t = m.timers[g.index];
    std::string tip = T(ladder_timer_name(t.kind)) + ": " + format_ladder_time(t.t_set) + " → " +
                      format_ladder_time(t.t_end);
    svg.raw("<g><title>" + esc(tip) + "</title>\n");
    svg.rect(g.x - L.bar_w / 2, g.y0, L.bar_w, std::max(2.0f, g.y1 - g.y0), rgb(ladder_timer_colour(t.kind)),
             t.end == LadderTimerEnd::Running ? " fill-opacity=\"0.5\"" : " fill-opacity=\"0.85\"");
    if (t.end == LadderTimerEnd::Fired)  // the expiry itself: a short bar across
      svg.line(g.x - L.bar_w, g.y1, g.x + L.bar_w, g.y1, rgb(ink(ladder_timer_colour(t.kind))), 2);
    if (g.caption_shown)
      svg.text(g.cx, g.cy, g.caption, rgb(ink(ladder_timer_colour(t.kind))), "start", false, "", L.state_scale);
    svg.raw("</g>\n");
  }
  // States beside their lifeline, with a dotted lead to it.
  for (const LadderLayout::StateGeom& g : L.states) {
    const LadderStateMark& st = m.states[g.index];
    const bool left = st.side == 0;
    const float lead_y = g.y + kLine / 2;
    svg.line(left ? g.x + 1 : g.x - 1, lead_y, L.x_life[size_t(st.side & 1)], lead_y, faint, 1, "1 2");
    svg.text(g.x, g.y, g.text, fg, left ? "end" : "start", true, st.why, L.state_scale);
  }
  // Arrows.
  for (const LadderLayout::ArrowGeom& g : L.arrows) {
    const LadderArrow& a = m.arrows[g.index];
    const bool lost = a.end == LadderArrowEnd::Dropped;
    const std::string colour = rgb(lost ? ladder_lost_colour() : ladder_colour(a.kind));
    svg.raw("<g><title>" + esc(a.summary) + "</title>\n");
    svg.line(g.x0, g.y0, g.x1, g.y1, colour, 2, lost ? "6 3" : nullptr);
    if (lost) {
      const float c = kLine * 0.35f;
      svg.line(g.x1 - c, g.y1 - c, g.x1 + c, g.y1 + c, colour, 2.5);
      svg.line(g.x1 - c, g.y1 + c, g.x1 + c, g.y1 - c, colour, 2.5);
      svg.text(g.why_x, g.why_y, g.why, rgb(ink(ladder_lost_colour())));
    } else {
      svg.head(g.x1, g.y1, g.x1 - g.x0, g.y1 - g.y0, colour);
    }
    if (g.label_shown) {
      svg.rect(g.lx, g.ly, g.lw, g.lh, "#ffffff", " fill-opacity=\"0.85\"");
      const float cx = g.lx + g.lw / 2;
      for (size_t i = 0; i < g.lines.size(); ++i)
        svg.text(cx, g.ly + kLine * float(i), g.lines[i], i == 0 && g.prefix_line ? rgb(ink(ladder_lost_colour())) : fg,
                 "middle");
    }
    svg.raw("</g>\n");
  }
  // Where the simulation stood when the picture was taken.
  svg.line(L.axis_w, L.y_now, W - kPad, L.y_now, "#1e88e5", 1, "4 3");
  svg.text(L.axis_w - kPad, float(L.y_now) - kLine / 2, format_ladder_time(m.now), "#1e88e5", "end", true);
  svg.raw("</g>\n");

  // Legend.
  const float ly0 = header_h + L.height + kPad;
  for (size_t i = 0; i < legend.size(); ++i) {
    const Item& it = legend[i];
    const float x = legend_pos[i].first, y = ly0 + legend_pos[i].second * kLine;
    const std::string c = rgb(it.c);
    if (it.bar) svg.rect(x + 9, y + 3, 8, kLine - 6, c);
    else svg.line(x, y + kLine / 2, x + 24, y + kLine / 2, c, 2.5, it.dashed ? "5 3" : nullptr);
    svg.text(x + 28, y, it.text, fg);
  }
  svg.raw("</svg>\n");
  return std::move(svg.str());
}

}  // namespace tcplab
