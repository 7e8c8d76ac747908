// Inspector view (issue 4 "Views → Inspector"): the selected packet as a layered tree
// (Ethernet, ARP/IPv4, ICMP/UDP/TCP, data), each field's meaning on hover in the current
// language, and a hex dump in which the hovered field's bytes light up (and hovering a
// byte lights its field). The model is sim/view/dissect.h; this file only draws it.
// Reads the Session at the cursor; pushes no intents (selection comes from other views).
#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "render/ui.h"
#include "sim/core/time.h"
#include "sim/view/dissect.h"

namespace tcplab::ui {

struct InspectorCache {  // declared in ui.h's InspectorState
  PacketInspector inspector;
};

namespace {

bool dark_theme() {
  const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  return bg.x + bg.y + bg.z < 1.5f;
}
ImVec4 problem_color() { return dark_theme() ? ImVec4(1.0f, 0.45f, 0.4f, 1) : ImVec4(0.75f, 0.05f, 0.05f, 1); }
ImVec4 good_color() { return dark_theme() ? ImVec4(0.45f, 0.85f, 0.45f, 1) : ImVec4(0.05f, 0.5f, 0.1f, 1); }

const char* node_name(const Session& s, int32_t n) {
  const auto& names = s.context().node_names;
  return n >= 0 && size_t(n) < names.size() ? names[size_t(n)].c_str() : "?";
}

// Why a packet was lost, in words a student understands.
const char* drop_reason(DropWhy w) {
  switch (w) {
    case DropWhy::Loss: return tr("lost on the link (random loss)");
    case DropWhy::Fault: return tr("dropped by a fault rule or a click");
    case DropWhy::Queue: return tr("the sending link's queue was full");
    case DropWhy::Ttl: return tr("its TTL reached zero at a router");
    case DropWhy::NoRoute: return tr("no route to its destination");
    case DropWhy::NoArp: return tr("ARP got no answer for the next hop");
    case DropWhy::Closed: return tr("no socket on the destination port");
    case DropWhy::Checksum: return tr("its checksum failed at the receiver");
    case DropWhy::OtherHost: return tr("addressed to another host's MAC (flooded by a switch)");
    case DropWhy::Backlog: return tr("the listener's accept queue (backlog) was full");
  }
  return "";
}

// "Checksum: 0x1c46 [correct]": the row as the tree shows it.
std::string row_label(const DissectField& f) {
  std::string s = f.name;
  if (!f.value.empty()) s += ": " + f.value;
  if (f.check == ChecksumCheck::Good) s += std::string("  ") + tr("[correct]");
  if (f.check == ChecksumCheck::Bad) {
    char buf[96];
    std::snprintf(buf, sizeof buf, tr("[incorrect, should be %s]"), f.expected.c_str());
    s += std::string("  ") + buf;
  }
  return s;
}

void field_tooltip(const DissectField& f) {
  ImGui::BeginTooltip();
  ImGui::PushTextWrapPos(px(440));
  if (const FieldExplanation* x = explain_field(f.key))
    ImGui::TextUnformatted(language() == Lang::Zh ? x->zh : x->en);
  if (f.check == ChecksumCheck::Bad) {
    ImGui::PushStyleColor(ImGuiCol_Text, problem_color());
    ImGui::TextUnformatted(tr("The receiver will drop this packet: the bytes changed after the checksum was computed."));
    ImGui::PopStyleColor();
  }
  if (f.len == 1)
    ImGui::TextDisabled("%s %zu", tr("Frame byte"), f.offset);
  else
    ImGui::TextDisabled("%s %zu–%zu (%zu)", tr("Frame bytes"), f.offset, f.offset + f.len - 1, f.len);
  ImGui::PopTextWrapPos();
  ImGui::EndTooltip();
}

// What is lit this frame (last frame's hover, from the tree or the hex dump) and what the
// mouse is over now. A byte hovered in the hex dump opens and scrolls the tree to its
// field; a field hovered in the tree scrolls the hex dump to its bytes.
struct Hover {
  int lit = -1;
  bool lit_from_hex = false;
  int hovered = -1;
  bool hovered_in_hex = false;
  int* scrolled_to = nullptr;  // the field last scrolled into view (InspectorState)
};

// Row `i` and, when it is open, its children. Returns the index after its subtree.
size_t draw_row(const Dissection& d, size_t i, size_t main_layer, Hover& h) {
  const DissectField& f = d.fields[i];
  size_t end = i + 1;
  while (end < d.fields.size() && d.fields[end].depth > f.depth) ++end;
  const bool parent = end > i + 1;

  ImGuiTreeNodeFlags flags = ImGuiTreeNodeFlags_SpanAvailWidth | ImGuiTreeNodeFlags_OpenOnArrow |
                             ImGuiTreeNodeFlags_OpenOnDoubleClick;
  if (!parent) flags |= ImGuiTreeNodeFlags_Leaf | ImGuiTreeNodeFlags_NoTreePushOnOpen;
  if (i == main_layer) flags |= ImGuiTreeNodeFlags_DefaultOpen;
  if (int(i) == h.lit) flags |= ImGuiTreeNodeFlags_Selected;
  if (h.lit_from_hex && parent && int(i) < h.lit && h.lit < int(end)) ImGui::SetNextItemOpen(true);
  const std::string label = row_label(f);
  // A parent keeps its open state by key (TCP stays open from packet to packet); leaves
  // are told apart by index, since a header may hold two NOP options.
  ImGui::PushID(parent ? 0 : int(i));
  if (f.problem) ImGui::PushStyleColor(ImGuiCol_Text, problem_color());
  else if (f.check == ChecksumCheck::Good) ImGui::PushStyleColor(ImGuiCol_Text, good_color());
  const bool open = ImGui::TreeNodeEx(f.key.c_str(), flags, "%s", label.c_str());
  if (f.problem || f.check == ChecksumCheck::Good) ImGui::PopStyleColor();
  ImGui::PopID();
  if (ImGui::IsItemHovered()) {
    h.hovered = int(i);
    field_tooltip(f);
  }
  if (int(i) == h.lit && h.lit_from_hex && *h.scrolled_to != h.lit) {
    if (!ImGui::IsItemVisible()) ImGui::SetScrollHereY(0.5f);
    *h.scrolled_to = h.lit;
  }
  if (parent && open) {
    for (size_t j = i + 1; j < end;) j = draw_row(d, j, main_layer, h);
    ImGui::TreePop();
  }
  return end;
}

// The layer a student opens a packet for: the innermost protocol (TCP, UDP, ICMP, ARP),
// which starts open; the outer ones show their one-line titles (Src, Dst) until opened.
size_t main_layer(const Dissection& d) {
  size_t main = d.fields.size();
  for (size_t i = 0; i < d.fields.size(); ++i) {
    const std::string& k = d.fields[i].key;
    if (d.fields[i].depth == 0 && k != "data" && k != "eth.padding" && k != "malformed") main = i;
  }
  return main;
}

// The layer (depth-0 row) that holds row `i`.
int layer_of(const Dissection& d, int i) {
  while (i > 0 && d.fields[size_t(i)].depth > 0) --i;
  return i;
}

// Offset, 16 bytes in hex, the same 16 as text. Cells have fixed widths (the UI font is
// proportional), so a byte sits at the same x in every line.
void draw_hex(const Dissection& d, Hover& h) {
  const int lit = h.lit;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float line_h = ImGui::GetTextLineHeightWithSpacing();
  const float digit_w = ImGui::CalcTextSize("0").x;
  const float hex_w = ImGui::CalcTextSize("00").x + px(6);
  const float ascii_w = std::max(digit_w, ImGui::CalcTextSize("n").x);
  const float offset_w = ImGui::CalcTextSize("0000").x + px(12);
  const float group_gap = px(8);  // between the two halves of 8 bytes
  const float ascii_x = offset_w + 16 * hex_w + group_gap + px(10);
  const size_t lines = (d.frame.size() + 15) / 16;

  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const ImU32 lit_bg = dark_theme() ? IM_COL32(230, 180, 40, 150) : IM_COL32(255, 200, 40, 190);
  const ImU32 layer_bg = ImGui::GetColorU32(ImGuiCol_Header, 0.35f);
  size_t lit_from = 0, lit_to = 0, layer_from = 0, layer_to = 0;
  if (lit >= 0 && size_t(lit) < d.fields.size()) {
    const DissectField& f = d.fields[size_t(lit)];
    lit_from = f.offset;
    lit_to = f.offset + f.len;
    const DissectField& l = d.fields[size_t(layer_of(d, lit))];
    layer_from = l.offset;
    layer_to = l.offset + l.len;
  }

  const ImVec2 mouse = ImGui::GetMousePos();
  const bool window_hovered = ImGui::IsWindowHovered();
  const float clip_top = ImGui::GetWindowPos().y, clip_bottom = clip_top + ImGui::GetWindowHeight();
  for (size_t line = 0; line < lines; ++line) {
    const float y = origin.y + float(line) * line_h;
    if (y + line_h < clip_top || y > clip_bottom) continue;  // off screen
    char off[24];
    std::snprintf(off, sizeof off, "%04zx", line * 16);
    dl->AddText(ImVec2(origin.x, y), dim, off);
    for (size_t k = 0; k < 16; ++k) {
      const size_t b = line * 16 + k;
      if (b >= d.frame.size()) break;
      const float hx = origin.x + offset_w + float(k) * hex_w + (k >= 8 ? group_gap : 0);
      const float ax = origin.x + ascii_x + float(k) * ascii_w;
      const bool in_field = b >= lit_from && b < lit_to;
      const bool in_layer = b >= layer_from && b < layer_to;
      if (in_field || in_layer) {
        const ImU32 bg = in_field ? lit_bg : layer_bg;
        dl->AddRectFilled(ImVec2(hx - px(2), y), ImVec2(hx + hex_w - px(2), y + line_h), bg);
        dl->AddRectFilled(ImVec2(ax, y), ImVec2(ax + ascii_w, y + line_h), bg);
      }
      char hx_text[4];
      std::snprintf(hx_text, sizeof hx_text, "%02x", unsigned(d.frame[b]));
      dl->AddText(ImVec2(hx, y), text, hx_text);
      const char c = (d.frame[b] >= 0x20 && d.frame[b] < 0x7f) ? char(d.frame[b]) : '.';
      const char ch[2] = {c, 0};
      const float cw = ImGui::CalcTextSize(ch).x;
      dl->AddText(ImVec2(ax + (ascii_w - cw) * 0.5f, y), c == '.' && d.frame[b] != '.' ? dim : text, ch);
      // Hovering a byte, in either column, lights its field.
      if (window_hovered && mouse.y >= y && mouse.y < y + line_h &&
          ((mouse.x >= hx - px(2) && mouse.x < hx + hex_w - px(2)) || (mouse.x >= ax && mouse.x < ax + ascii_w))) {
        const int f = field_at(d, b);
        if (f >= 0) {
          h.hovered = f;
          h.hovered_in_hex = true;
          ImGui::BeginTooltip();
          ImGui::TextUnformatted(row_label(d.fields[size_t(f)]).c_str());
          ImGui::TextDisabled("%s %zu (0x%02x)", tr("Frame byte"), b, unsigned(d.frame[b]));
          ImGui::EndTooltip();
        }
      }
    }
  }
  ImGui::Dummy(ImVec2(ascii_x + 16 * ascii_w, float(lines) * line_h));
  // A field hovered in the tree whose bytes are scrolled away: bring its first line in.
  if (lit >= 0 && !h.lit_from_hex && *h.scrolled_to != lit) {
    const float y = float(d.fields[size_t(lit)].offset / 16) * line_h;
    const float top = ImGui::GetScrollY(), height = ImGui::GetWindowHeight() - ImGui::GetStyle().WindowPadding.y * 2;
    if (y < top || y + line_h > top + height) ImGui::SetScrollY(std::max(0.0f, y - line_h));
    *h.scrolled_to = lit;
  }
}

// Packet #17 · 30.000 ms · client → sw1 · client:eth0-sw1:p1, then the summary.
void draw_header(const Session& s, const InspectedPacket& p) {
  const auto& links = s.context().link_names;
  const std::string link = p.link >= 0 && size_t(p.link) < links.size() ? links[size_t(p.link)] : "—";
  ImGui::Text("%s%llu", tr("Packet #"), (unsigned long long)p.id);
  ImGui::SameLine();
  ImGui::TextDisabled("·");
  ImGui::SameLine();
  ImGui::Text("%s ms", format_ms(p.t).c_str());
  ImGui::SameLine();
  ImGui::TextDisabled("·");
  ImGui::SameLine();
  ImGui::Text("%s → %s", node_name(s, p.from_node), node_name(s, p.to_node));
  ImGui::SameLine();
  ImGui::TextDisabled("· %s %s · %zu %s", tr("on link"), link.c_str(), p.dissection.frame.size(), tr("bytes on the wire"));

  ImGui::TextWrapped("%s", p.dissection.summary.c_str());
  if (p.retx) {
    ImGui::PushStyleColor(ImGuiCol_Text, problem_color());
    ImGui::TextUnformatted("[TCP Retransmission]");  // Wireshark's label, as the ladder shows it
    ImGui::PopStyleColor();
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("%s", tr("This segment was sent before: it is sent again after a timeout or duplicate ACKs"));
  }
  if (p.dropped) {
    if (p.retx) ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Text, problem_color());
    ImGui::Text("✕ %s %s (%s ms): %s", tr("Dropped at"), node_name(s, p.drop_node), format_ms(p.drop_t).c_str(),
                drop_reason(*p.dropped));
    ImGui::PopStyleColor();
  }
}

}  // namespace

void draw_inspector(const Session& s, UiState& ui, Intents& out) {
  (void)out;  // the inspector only reads; selection comes from the topology and the ladder
  if (!ImGui::Begin(window_title("Inspector", "inspector").c_str())) {
    ImGui::End();
    return;
  }
  InspectorState& st = ui.inspector;
  if (ui.sel.packet == 0) {
    st.hovered_field = -1;
    ImGui::TextDisabled("%s", tr("Click a packet in the topology or the ladder to inspect it"));
    ImGui::End();
    return;
  }
  if (!st.cache) st.cache = std::make_shared<InspectorCache>();
  const InspectedPacket* p = st.cache->inspector.inspect(s, ui.sel.packet, ui.sel.packet_link);
  if (!p) {
    st.hovered_field = -1;
    ImGui::TextWrapped("%s%llu: %s", tr("Packet #"), (unsigned long long)ui.sel.packet,
                       tr("not sent yet at this time. Move the time cursor forward to see it."));
    ImGui::End();
    return;
  }
  const Dissection& d = p->dissection;
  if (st.packet != p->id || st.link != p->link) {  // a new packet: nothing is hovered in it yet
    st.packet = p->id;
    st.link = p->link;
    st.hovered_field = -1;
    st.hovered_in_hex = false;
    st.scrolled_to = -1;
  }
  draw_header(s, *p);
  ImGui::Separator();

  // Last frame's hover lights this frame's rows and bytes; this frame's hover is gathered
  // from both panes.
  Hover h;
  h.lit = st.hovered_field >= 0 && size_t(st.hovered_field) < d.fields.size() ? st.hovered_field : -1;
  h.lit_from_hex = st.hovered_in_hex;
  h.scrolled_to = &st.scrolled_to;
  if (h.lit < 0) st.scrolled_to = -1;
  const ImGuiStyle& style = ImGui::GetStyle();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float hex_w = ImGui::CalcTextSize("0000").x + px(12) + 16 * (ImGui::CalcTextSize("00").x + px(6)) + px(18) +
                      16 * std::max(ImGui::CalcTextSize("0").x, ImGui::CalcTextSize("n").x) +
                      style.WindowPadding.x * 2 + style.ScrollbarSize;
  const bool side_by_side = avail.x >= hex_w + px(380);
  // Stacked (a narrow window): a splitter the student can drag shares the height; the hex
  // dump never takes more lines than the frame has.
  const float splitter_h = px(6);
  const float hex_need = float((d.frame.size() + 15) / 16) * ImGui::GetTextLineHeightWithSpacing() +
                         style.WindowPadding.y * 2 + style.ScrollbarSize;
  const float tree_h = std::max(avail.y * st.split, avail.y - hex_need - splitter_h);
  const ImVec2 tree_size = side_by_side ? ImVec2(avail.x - hex_w - style.ItemSpacing.x, avail.y)
                                        : ImVec2(avail.x, std::clamp(tree_h, px(40), std::max(px(40), avail.y - px(40))));
  if (ImGui::BeginChild("tree", tree_size, true)) {
    const size_t open_layer = main_layer(d);
    for (size_t i = 0; i < d.fields.size();) i = draw_row(d, i, open_layer, h);
  }
  ImGui::EndChild();
  if (side_by_side) {
    ImGui::SameLine();
  } else {
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(0, 0));
    ImGui::InvisibleButton("split", ImVec2(avail.x, splitter_h));
    ImGui::PopStyleVar();
    if (ImGui::IsItemHovered() || ImGui::IsItemActive()) ImGui::SetMouseCursor(ImGuiMouseCursor_ResizeNS);
    if (ImGui::IsItemActive() && avail.y > 0)
      st.split = std::clamp(tree_size.y / avail.y + ImGui::GetIO().MouseDelta.y / avail.y, 0.15f, 0.9f);
  }
  if (ImGui::BeginChild("hex", ImVec2(side_by_side ? hex_w : avail.x, 0), true,
                        ImGuiWindowFlags_HorizontalScrollbar)) {
    draw_hex(d, h);
  }
  ImGui::EndChild();
  st.hovered_field = h.hovered;
  st.hovered_in_hex = h.hovered_in_hex;
  ImGui::End();
}

}  // namespace tcplab::ui
