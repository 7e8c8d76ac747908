// Drawing pieces of the topology view (topology_view.cpp): the node icons, packet chips,
// the ✕ of a drop, and the colours of both themes. ImDrawList only; no state.
#pragma once
#include <imgui.h>

#include <cstdint>

#include "sim/trace/trace_event.h"
#include "sim/view/packet_kind.h"

namespace tcplab::ui {

struct Style {
  bool light = false;  // the presentation theme (white background)
  ImU32 text = 0, dim = 0, faint = 0, panel = 0;
  ImU32 link = 0;
  ImU32 drop = 0, drop_grey = 0, lost = 0, select = 0, hover = 0;
  ImU32 host_fill = 0, host_screen = 0, switch_fill = 0, switch_port = 0, router_fill = 0, icon_detail = 0,
        icon_line = 0;
};
// Colours from the current ImGui style (dark, or the high-contrast light presentation theme).
Style current_style();

// Half the width and height of a node's icon of size `r`.
ImVec2 icon_half_extent(NodeType t, float r);
// A monitor (host), a box with ports (switch), a circle with arrows (router).
void draw_node_icon(ImDrawList* dl, const Style& sty, NodeType t, ImVec2 c, float r);

// A packet's rounded box: its kind's colour, the label centred, a red outline and a ✕
// when it will be lost, a ring when selected, and a "re-sent" tag for a retransmission.
struct ChipLook {
  PacketKind kind = PacketKind::Other;
  const char* label = "";
  const char* tag = nullptr;  // e.g. "re-sent"; drawn after the label
  bool lost = false;
  bool selected = false;
  bool hovered = false;
  bool compact = false;       // too crowded for text: a small box
  float alpha = 1.0f;
};
void draw_packet_chip(ImDrawList* dl, const Style& sty, ImVec2 min, ImVec2 max, const ChipLook& look);

// A ✕ centred on `c`.
void draw_cross(ImDrawList* dl, ImVec2 c, float half, ImU32 col, float thickness);

ImU32 with_alpha(ImU32 col, float alpha);

}  // namespace tcplab::ui
