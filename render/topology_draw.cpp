// Node icons, packet chips and ✕ marks of the topology view (topology_draw.h).
#include "render/topology_draw.h"

#include <algorithm>
#include <cmath>

#include "render/ui.h"

namespace tcplab::ui {
namespace {

ImU32 rgb(Rgb c, float alpha = 1.0f) { return IM_COL32(c.r, c.g, c.b, static_cast<int>(255 * alpha)); }

ImU32 mix(const ImVec4& a, const ImVec4& b, float t, float alpha = 1.0f) {
  return ImGui::GetColorU32(ImVec4(a.x * t + b.x * (1 - t), a.y * t + b.y * (1 - t), a.z * t + b.z * (1 - t), alpha));
}

void arrow(ImDrawList* dl, ImVec2 from, ImVec2 to, float thick, float head, ImU32 col) {
  const float dx = to.x - from.x, dy = to.y - from.y;
  const float len = std::sqrt(dx * dx + dy * dy);
  if (len < 1e-3f) return;
  const float ux = dx / len, uy = dy / len;
  const ImVec2 base(to.x - ux * head, to.y - uy * head);
  dl->AddLine(from, base, col, thick);
  dl->AddTriangleFilled(to, ImVec2(base.x - uy * head * 0.6f, base.y + ux * head * 0.6f),
                        ImVec2(base.x + uy * head * 0.6f, base.y - ux * head * 0.6f), col);
}

}  // namespace

ImU32 with_alpha(ImU32 col, float alpha) {
  const float a = static_cast<float>((col >> IM_COL32_A_SHIFT) & 0xFF) * std::clamp(alpha, 0.0f, 1.0f);
  return (col & ~IM_COL32_A_MASK) | (static_cast<ImU32>(a) << IM_COL32_A_SHIFT);
}

Style current_style() {
  const ImGuiStyle& g = ImGui::GetStyle();
  const ImVec4 t = g.Colors[ImGuiCol_Text], b = g.Colors[ImGuiCol_WindowBg];
  Style s;
  s.light = (b.x + b.y + b.z) > 1.5f;
  s.text = ImGui::GetColorU32(t);
  s.dim = mix(t, b, s.light ? 0.70f : 0.62f);
  s.faint = mix(t, b, 0.30f);
  s.panel = mix(t, b, 0.06f, 0.92f);
  s.link = mix(t, b, s.light ? 0.55f : 0.42f);
  s.drop = s.light ? IM_COL32(210, 20, 20, 255) : IM_COL32(255, 72, 72, 255);
  s.drop_grey = s.dim;
  s.lost = s.light ? IM_COL32(220, 0, 0, 255) : IM_COL32(255, 50, 50, 255);
  s.select = s.light ? IM_COL32(230, 140, 0, 255) : IM_COL32(255, 200, 0, 255);
  s.hover = mix(t, b, 0.75f);
  s.host_fill = IM_COL32(55, 88, 138, 255);
  s.host_screen = IM_COL32(140, 190, 245, 255);
  s.switch_fill = IM_COL32(34, 128, 104, 255);
  s.switch_port = IM_COL32(20, 50, 42, 255);
  s.router_fill = IM_COL32(196, 112, 32, 255);
  s.icon_detail = IM_COL32(245, 245, 245, 255);
  s.icon_line = s.light ? IM_COL32(30, 30, 30, 255) : IM_COL32(220, 220, 220, 255);
  return s;
}

ImVec2 icon_half_extent(NodeType t, float r) {
  switch (t) {
    case NodeType::Host: return ImVec2(1.15f * r, 0.95f * r);
    case NodeType::Switch: return ImVec2(1.4f * r, 0.62f * r);
    case NodeType::Router: return ImVec2(r, r);
  }
  return ImVec2(r, r);
}

void draw_node_icon(ImDrawList* dl, const Style& sty, NodeType t, ImVec2 c, float r) {
  const float line = std::max(1.0f, px(1.5f));
  switch (t) {
    case NodeType::Host: {
      // A monitor: bezel, screen, neck and foot.
      const ImVec2 a(c.x - 1.15f * r, c.y - 0.95f * r), b(c.x + 1.15f * r, c.y + 0.42f * r);
      dl->AddRectFilled(ImVec2(c.x - 0.18f * r, b.y), ImVec2(c.x + 0.18f * r, c.y + 0.74f * r), sty.host_fill);
      dl->AddRectFilled(ImVec2(c.x - 0.62f * r, c.y + 0.72f * r), ImVec2(c.x + 0.62f * r, c.y + 0.95f * r),
                        sty.host_fill, 0.08f * r);
      dl->AddRect(ImVec2(c.x - 0.62f * r, c.y + 0.72f * r), ImVec2(c.x + 0.62f * r, c.y + 0.95f * r), sty.icon_line,
                  0.08f * r, 0, line);
      dl->AddRectFilled(a, b, sty.host_fill, 0.16f * r);
      dl->AddRectFilled(ImVec2(a.x + 0.17f * r, a.y + 0.17f * r), ImVec2(b.x - 0.17f * r, b.y - 0.17f * r),
                        sty.host_screen, 0.06f * r);
      dl->AddRect(a, b, sty.icon_line, 0.16f * r, 0, line);
      break;
    }
    case NodeType::Switch: {
      // A flat box with a row of ports and the ⇄ of frames going both ways.
      const ImVec2 a(c.x - 1.4f * r, c.y - 0.62f * r), b(c.x + 1.4f * r, c.y + 0.62f * r);
      dl->AddRectFilled(a, b, sty.switch_fill, 0.2f * r);
      dl->AddRect(a, b, sty.icon_line, 0.2f * r, 0, line);
      const int ports = 6;
      const float pw = 0.26f * r, span = 2.1f * r;
      for (int i = 0; i < ports; ++i) {
        const float x = c.x - span / 2 + span * (static_cast<float>(i) + 0.5f) / ports;
        dl->AddRectFilled(ImVec2(x - pw / 2, c.y + 0.08f * r), ImVec2(x + pw / 2, c.y + 0.38f * r), sty.switch_port);
        dl->AddRect(ImVec2(x - pw / 2, c.y + 0.08f * r), ImVec2(x + pw / 2, c.y + 0.38f * r), sty.icon_detail, 0, 0,
                    std::max(1.0f, px(1)));
      }
      const float th = std::max(1.0f, 0.1f * r), head = 0.22f * r;
      arrow(dl, ImVec2(c.x - 0.9f * r, c.y - 0.36f * r), ImVec2(c.x + 0.9f * r, c.y - 0.36f * r), th, head,
            sty.icon_detail);
      arrow(dl, ImVec2(c.x + 0.9f * r, c.y - 0.14f * r), ImVec2(c.x - 0.9f * r, c.y - 0.14f * r), th, head,
            sty.icon_detail);
      break;
    }
    case NodeType::Router: {
      // The usual router symbol: a disc with arrows in and out along its diagonals.
      dl->AddCircleFilled(c, r, sty.router_fill, 32);
      dl->AddCircle(c, r, sty.icon_line, 32, line);
      const float th = std::max(1.0f, 0.11f * r), head = 0.24f * r, k = 0.7071f;
      auto at = [&](float dx, float dy, float d) { return ImVec2(c.x + dx * d * r, c.y + dy * d * r); };
      arrow(dl, at(k, -k, 0.18f), at(k, -k, 0.8f), th, head, sty.icon_detail);    // out, up right
      arrow(dl, at(-k, k, 0.18f), at(-k, k, 0.8f), th, head, sty.icon_detail);    // out, down left
      arrow(dl, at(-k, -k, 0.8f), at(-k, -k, 0.18f), th, head, sty.icon_detail);  // in, from up left
      arrow(dl, at(k, k, 0.8f), at(k, k, 0.18f), th, head, sty.icon_detail);      // in, from down right
      break;
    }
  }
}

void draw_cross(ImDrawList* dl, ImVec2 c, float half, ImU32 col, float thickness) {
  dl->AddLine(ImVec2(c.x - half, c.y - half), ImVec2(c.x + half, c.y + half), col, thickness);
  dl->AddLine(ImVec2(c.x - half, c.y + half), ImVec2(c.x + half, c.y - half), col, thickness);
}

void draw_packet_chip(ImDrawList* dl, const Style& sty, ImVec2 min, ImVec2 max, const ChipLook& look) {
  const float h = max.y - min.y;
  const float round = std::min(px(5), h / 2);
  const float a = look.alpha;
  if (look.selected) {
    const float g = px(3.5f);
    dl->AddRect(ImVec2(min.x - g, min.y - g), ImVec2(max.x + g, max.y + g), with_alpha(sty.select, a), round + g, 0,
                px(3));
  }
  dl->AddRectFilled(min, max, rgb(packet_colour(look.kind), a), round);
  if (look.lost) {
    dl->AddRect(min, max, with_alpha(sty.lost, a), round, 0, px(2.5f));
  } else if (look.hovered) {
    dl->AddRect(min, max, with_alpha(sty.text, a), round, 0, px(2));
  } else if (!look.compact) {
    dl->AddRect(min, max, IM_COL32(0, 0, 0, static_cast<int>(70 * a)), round, 0, 1.0f);
  }
  if (!look.compact) {
    const ImU32 tc = rgb(packet_text_colour(look.kind), a);
    const ImVec2 ts = ImGui::CalcTextSize(look.label);
    float tag_w = 0;
    if (look.tag) tag_w = ImGui::CalcTextSize(look.tag).x + px(8);
    const float x = (min.x + max.x - tag_w) / 2 - ts.x / 2;
    const float y = (min.y + max.y) / 2 - ts.y / 2;
    dl->AddText(ImVec2(x, y), tc, look.label);
    if (look.tag) {
      const ImVec2 t0(max.x - tag_w - px(1), min.y + px(2)), t1(max.x - px(2), max.y - px(2));
      dl->AddRectFilled(t0, t1, IM_COL32(0, 0, 0, static_cast<int>(120 * a)), round * 0.7f);
      dl->AddText(ImVec2(t0.x + px(4), y), IM_COL32(255, 255, 255, static_cast<int>(255 * a)), look.tag);
    }
  }
  if (look.lost) {
    // The ✕ badge on the corner: this one will not arrive.
    const float rad = std::max(px(6), h * 0.32f);
    const ImVec2 bc(max.x, min.y);
    dl->AddCircleFilled(bc, rad, with_alpha(sty.lost, a), 16);
    draw_cross(dl, bc, rad * 0.5f, IM_COL32(255, 255, 255, static_cast<int>(255 * a)), std::max(1.5f, px(2)));
  }
}

}  // namespace tcplab::ui
