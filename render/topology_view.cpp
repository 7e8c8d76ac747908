// Topology view (issue 4 "Views → Topology"): hosts, switches and routers as icons with
// their addresses, links with delay / rate / loss, the frames now on the wires moving at
// their simulated position and coloured by kind, dropped packets falling with a ✕ and the
// reason. Hover a packet for its summary, click it to inspect it, right-click it to drop,
// delay, duplicate or corrupt it; click a node to select it, drag it to move it.
//
// Reads: s.world() (nodes, links, in_flight()), s.trace()[0, s.visible()) (drops, packet
// looks), ui.sel. Returns intents; the layout is the only thing it writes (to disk, on drag
// release). The geometry and classification it uses are GL-free and tested:
// sim/view/topology_layout.h (layout, layout file, flight position, drop spot) and
// sim/view/packet_kind.h (kind, colour, label).
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "render/ui.h"
#include "render/topology_draw.h"
#include "sim/view/packet_kind.h"
#include "sim/view/topology_layout.h"

namespace tcplab::ui {

namespace {

constexpr int kLanes = 3;  // packets side by side on one direction of a link before they overlap

// One frame on a wire, placed on screen this frame.
struct PacketBox {
  ImVec2 min, max;
  size_t flight = 0;       // index into this frame's in_flight()
  const PacketFacts* facts = nullptr;
  char label[48] = "?";
  float label_w = 0;       // the box's width with its label
  bool compact = false;
};

// Per link direction: where the last box of each lane is, to put the next one beside it.
struct LaneState {
  float along[kLanes] = {};
  float half[kLanes] = {};
  int used = 0;
};

// A ✕ being drawn this frame, for hover.
struct DropMark {
  ImVec2 at;
  size_t event = 0;        // index into the trace
};

}  // namespace

// What the view keeps between frames. Everything here can be rebuilt from the session.
struct TopologyState::Cache {
  PacketLooks looks;                     // kind and label numbers of every packet id seen
  // Made once per scenario (see scenario_changed()):
  std::string path;
  size_t text_hash = 0;                  // of the scenario text: an edited file is a new scenario
  std::vector<std::string> names;
  size_t link_count = 0;
  std::vector<std::string> node_addrs;   // the lines under each node ("192.168.1.10/24")
  int max_addr_lines = 0;
  std::vector<std::string> link_labels;  // "5 ms · 10 Mbps · 1% random loss"; "" when none is set
  Lang link_labels_lang = Lang::En;
  Time max_drop_linger = 0;
  LayoutPaths paths;
  // Scratch reused every frame (no per-frame allocation once warm):
  std::vector<ImVec2> node_px;
  std::vector<PacketBox> boxes;
  std::vector<LaneState> lanes;          // per link and direction
  std::vector<float> link_max_w;         // widest packet box on each link this frame
  std::vector<float> link_sum_w;         // all packet boxes end to end, per link and direction
  std::vector<DropMark> drops;
  ImVec2 drag_offset{0, 0};
  // How crowded each node is: the distance to its nearest neighbour in pixels, worked out
  // again only when the layout or the canvas size changes (it is quadratic in the nodes).
  uint64_t layout_version = 0;
  uint64_t nn_version = ~0ULL;
  ImVec2 nn_canvas{0, 0};
  std::vector<float> node_nn;
  // Per node this frame: icon size and which labels fit (0 none, 1 name, 2 name and addresses).
  std::vector<float> node_r;
  std::vector<uint8_t> node_labels;
};

namespace {

using Cache = TopologyState::Cache;

// ---- per scenario ----------------------------------------------------------------------------

size_t text_hash(const Session& s) { return std::hash<std::string_view>{}(s.source_text()); }

bool scenario_changed(const Session& s, const Cache& c) {
  const World& w = s.world();
  if (c.path != s.path() || c.names.size() != w.nodes().size() || c.link_count != w.links().size()) return true;
  if (c.text_hash != text_hash(s)) return true;
  for (size_t i = 0; i < c.names.size(); ++i)
    if (c.names[i] != w.nodes()[i].name) return true;
  return false;
}

std::string delay_text(Time d) {
  char buf[32];
  if (d % kMs == 0) std::snprintf(buf, sizeof buf, "%lld ms", static_cast<long long>(d / kMs));
  else if (d % kUs == 0) std::snprintf(buf, sizeof buf, "%lld µs", static_cast<long long>(d / kUs));
  else std::snprintf(buf, sizeof buf, "%.3f ms", static_cast<double>(d) / kMs);
  return buf;
}

std::string rate_text(uint64_t bps) {
  char buf[32];
  auto unit = [&](double div, const char* name) { std::snprintf(buf, sizeof buf, "%g %s", double(bps) / div, name); };
  if (bps >= 1000000000ULL) unit(1e9, "Gbps");
  else if (bps >= 1000000ULL) unit(1e6, "Mbps");
  else if (bps >= 1000ULL) unit(1e3, "kbps");
  else unit(1, "bps");
  return buf;
}

// Only what the scenario sets: a zero delay, an unlimited rate or no loss say nothing.
std::string link_label(const Link& l) {
  std::string out;
  auto add = [&](const std::string& part) { out += (out.empty() ? "" : " · ") + part; };
  if (l.delay > 0) add(delay_text(l.delay));
  if (l.rate_bps) add(rate_text(*l.rate_bps));
  if (l.loss > 0) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%g%% %s", l.loss * 100, tr("random loss"));
    add(buf);
  }
  return out;
}

// In the current language (made again when it changes).
void build_link_labels(const World& w, Cache& c) {
  c.link_labels.clear();
  for (const Link& l : w.links()) c.link_labels.push_back(link_label(l));
  c.link_labels_lang = language();
}

void rebuild_for_scenario(const Session& s, TopologyState& st, Cache& c) {
  const World& w = s.world();
  c.path = s.path();
  c.text_hash = text_hash(s);
  c.names.clear();
  for (const Node& n : w.nodes()) c.names.push_back(n.name);
  c.link_count = w.links().size();
  c.node_addrs.assign(c.names.size(), "");
  c.max_addr_lines = 0;
  for (size_t i = 0; i < w.nodes().size(); ++i) {
    const Node& n = w.nodes()[i];
    int with_addr = 0;
    for (const Iface& f : n.ifaces) with_addr += f.addr ? 1 : 0;
    std::string text;
    for (const Iface& f : n.ifaces) {
      if (!f.addr) continue;
      if (!text.empty()) text += "\n";
      // One address: just the address; several (a router): say which interface holds it.
      text += with_addr > 1 ? f.name + " " + to_string(*f.addr) : to_string(*f.addr);
    }
    c.node_addrs[i] = text;
    c.max_addr_lines = std::max(c.max_addr_lines, with_addr);
  }
  build_link_labels(w, c);
  Time max_delay = 0;
  for (const Link& l : w.links()) max_delay = std::max(max_delay, l.delay);
  c.max_drop_linger = drop_linger(max_delay);
  c.lanes.assign(c.link_count * 2, LaneState{});
  c.link_max_w.assign(c.link_count, 0);
  c.link_sum_w.assign(c.link_count * 2, 0);
  c.node_px.assign(c.names.size(), ImVec2(0, 0));
  c.node_r.assign(c.names.size(), 0);
  c.node_labels.assign(c.names.size(), 0);
  c.looks.clear();
  ++c.layout_version;

  // The layout: automatic, then whatever the saved file says.
  const std::vector<NodePos> autopos = auto_layout(graph_of(w));
  std::vector<NodePos> pos = autopos;
  c.paths = layout_paths(s.path(), std::getenv("XDG_CONFIG_HOME"), std::getenv("HOME"));
  load_layout(c.paths, c.names, pos);
  st.pos.clear();
  for (const NodePos& p : pos) st.pos.emplace_back(p.x, p.y);
  st.layout_for = s.path();
  st.dragging = -1;
}

std::vector<NodePos> positions_of(const TopologyState& st) {
  std::vector<NodePos> out;
  for (const auto& [x, y] : st.pos) out.push_back(NodePos{x, y});
  return out;
}

void save(const TopologyState& st, Cache& c, UiState& ui) {
  std::string err;
  if (!save_layout(c.paths, c.names, positions_of(st), &err))
    ui.status = std::string(tr("Could not save the topology layout: ")) + err;
}

// A key that changes whenever the session's trace may have been rebuilt.
uint64_t trace_generation(const Session& s, size_t scenario_hash) {
  uint64_t g = scenario_hash * 0x9E3779B97F4A7C15ULL;
  for (const Intervention& i : s.interventions()) g = (g ^ uint64_t(i.at) ^ i.packet) * 0x100000001B3ULL + 1;
  return g ^ s.interventions().size();
}

const char* drop_reason(DropWhy why) {
  switch (why) {
    case DropWhy::Loss: return tr("lost on the link");
    case DropWhy::Fault: return tr("dropped by a fault");
    case DropWhy::Queue: return tr("the queue was full");
    case DropWhy::Ttl: return tr("TTL reached 0");
    case DropWhy::NoRoute: return tr("no route to the destination");
    case DropWhy::NoArp: return tr("ARP got no answer");
    case DropWhy::Closed: return tr("no socket on that port");
    case DropWhy::Checksum: return tr("checksum failed");
    case DropWhy::OtherHost: return tr("not for this host");
    case DropWhy::Backlog: return tr("listen backlog full");
  }
  return "";
}

const char* kind_explanation(PacketKind k) {
  switch (k) {
    case PacketKind::Syn: return tr("SYN: opens a connection");
    case PacketKind::SynAck: return tr("SYN-ACK: the server accepts");
    case PacketKind::Ack: return tr("ACK: acknowledges, carries no data");
    case PacketKind::Data: return tr("data: a TCP segment with payload (seq:end)");
    case PacketKind::Fin: return tr("FIN: no more data from this side");
    case PacketKind::Rst: return tr("RST: resets (refuses or aborts) a connection");
    case PacketKind::Icmp: return tr("ICMP: ping and error reports");
    case PacketKind::Udp: return tr("UDP: a datagram (destination port)");
    case PacketKind::Arp: return tr("ARP: who has this IP address?");
    case PacketKind::Other: return tr("other frames");
  }
  return "";
}

const char* kind_name(PacketKind k) { return k == PacketKind::Data ? tr("data") : to_string(k); }

// ---- the frame ---------------------------------------------------------------------------------

// The drawing area and how [0,1]² maps onto it.
struct Canvas {
  ImVec2 p0, p1;
  float mx = 0, mt = 0, mb = 0;  // margins: left and right, top, bottom
  ImVec2 to_screen(float x, float y) const {
    const float w = std::max(0.0f, p1.x - p0.x - 2 * mx), h = std::max(0.0f, p1.y - p0.y - mt - mb);
    return ImVec2(p0.x + mx + x * w, p0.y + mt + y * h);
  }
  std::pair<float, float> to_layout(ImVec2 p) const {
    const float w = p1.x - p0.x - 2 * mx, h = p1.y - p0.y - mt - mb;
    const float x = w > 1 ? (p.x - p0.x - mx) / w : 0.5f;
    const float y = h > 1 ? (p.y - p0.y - mt) / h : 0.5f;
    return {std::clamp(x, 0.0f, 1.0f), std::clamp(y, 0.0f, 1.0f)};
  }
};

// The legend: a chip per packet kind, a lost packet and a drop, in rows that wrap to
// `width`. With draw = false it only measures; returns its height.
float legend(const Style& sty, ImVec2 origin, float width, bool draw) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float h = ImGui::GetFontSize() + px(6), gap = px(6);
  float x = origin.x, y = origin.y;
  auto place = [&](float w) {
    if (x + w > origin.x + width && x > origin.x) {
      x = origin.x;
      y += h + px(4);
    }
    const ImVec2 at(x, y);
    x += w + gap;
    return at;
  };
  auto hover_tip = [&](ImVec2 at, float w, const char* tip) {
    if (draw && ImGui::IsWindowHovered() && ImGui::IsMouseHoveringRect(at, ImVec2(at.x + w, at.y + h)))
      ImGui::SetTooltip("%s", tip);
  };
  for (size_t k = 0; k + 1 < kPacketKindCount; ++k) {  // "other" needs no chip
    const auto kind = static_cast<PacketKind>(k);
    ChipLook look;
    look.kind = kind;
    look.label = kind_name(kind);
    const float w = ImGui::CalcTextSize(look.label).x + px(12);
    const ImVec2 at = place(w);
    if (draw) draw_packet_chip(dl, sty, at, ImVec2(at.x + w, at.y + h), look);
    hover_tip(at, w, kind_explanation(kind));
  }
  {
    ChipLook look;
    look.label = tr("will be lost");
    look.lost = true;
    const float w = ImGui::CalcTextSize(look.label).x + px(18);
    const ImVec2 at = place(w);
    if (draw) draw_packet_chip(dl, sty, ImVec2(at.x, at.y + px(2)), ImVec2(at.x + w - px(6), at.y + h), look);
    hover_tip(at, w, tr("Red outline and ✕: this packet will not arrive (random loss on the link, or a fault)"));
  }
  {
    const char* name = tr("dropped, with the reason");
    const float w = ImGui::CalcTextSize(name).x + px(22);
    const ImVec2 at = place(w);
    if (draw) {
      draw_cross(dl, ImVec2(at.x + px(7), at.y + h / 2), px(5), sty.drop, px(2.5f));
      dl->AddText(ImVec2(at.x + px(17), at.y + px(3)), sty.text, name);
    }
    hover_tip(at, w, tr("A ✕ falls where a packet was dropped, with the reason"));
  }
  return y + h - origin.y;
}

float length(ImVec2 v) { return std::sqrt(v.x * v.x + v.y * v.y); }

// How far from a node's centre along the unit vector `u` its icon ends.
float icon_reach(NodeType t, float r, ImVec2 u) {
  const ImVec2 e = icon_half_extent(t, r);
  const float ax = std::abs(u.x) > 1e-4f ? e.x / std::abs(u.x) : 1e9f;
  const float ay = std::abs(u.y) > 1e-4f ? e.y / std::abs(u.y) : 1e9f;
  return std::min(ax, ay);
}

std::string ms_text(Time t) { return format_ms(t) + " ms"; }

// The full summary line: parsed now, for the one packet under the mouse.
std::string summary_of(const std::vector<uint8_t>* frame, const PacketFacts* facts) {
  if (!frame) return "?";
  const wire::ParsedFrame f = wire::parse_frame(*frame);
  return facts ? packet_summary_of(f, *facts) : packet_summary_of(f, PacketFacts{});
}

void packet_tooltip(const InFlightFrame& f, const PacketFacts* facts, const Session& s) {
  ImGui::BeginTooltip();
  ImGui::TextUnformatted(summary_of(f.frame, facts).c_str());
  ImGui::Separator();
  const TraceContext& ctx = s.context();
  const size_t li = static_cast<size_t>(f.link);
  ImGui::Text("%s %llu", tr("packet id"), static_cast<unsigned long long>(f.id));
  if (li < ctx.link_names.size()) ImGui::Text("%s %s", tr("on the link"), ctx.link_names[li].c_str());
  ImGui::Text("%s %s   %s %s", tr("left the sender at"), ms_text(f.sent).c_str(), tr("reaches the receiver at"), ms_text(f.arrives).c_str());
  if (f.retx) ImGui::TextUnformatted(tr("A retransmission: the sender sent these bytes before"));
  if (f.lost) ImGui::TextColored(ImVec4(1, 0.35f, 0.35f, 1), "%s", tr("It will be lost on the way (random loss or a fault)"));
  ImGui::TextDisabled("%s", tr("Click: inspect it · right-click: drop, delay, duplicate or corrupt it"));
  ImGui::EndTooltip();
}

void node_tooltip(const Node& node) {
  ImGui::BeginTooltip();
  const char* type = node.type == NodeType::Host ? tr("host (an end system)") : node.type == NodeType::Router ? tr("router (forwards IP packets)") : tr("switch (forwards Ethernet frames)");
  ImGui::Text("%s  (%s)", node.name.c_str(), type);
  for (const Iface& f : node.ifaces) {
    if (f.addr) ImGui::Text("%s  %s  %s", f.name.c_str(), to_string(*f.addr).c_str(), to_string(f.mac).c_str());
    else if (f.link >= 0) ImGui::Text("%s  %s", f.name.c_str(), to_string(f.mac).c_str());
  }
  ImGui::TextDisabled("%s", tr("Click to show its tables and console · drag to move it"));
  ImGui::EndTooltip();
}

// Each node's distance to its nearest neighbour when the layout fills w x h pixels.
void nearest_neighbours(const TopologyState& st, float w, float h, std::vector<float>& out) {
  const size_t n = st.pos.size();
  out.assign(n, 1e9f);
  w = std::max(w, 1.0f);
  h = std::max(h, 1.0f);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i + 1; j < n; ++j) {
      const float dx = (st.pos[i].first - st.pos[j].first) * w, dy = (st.pos[i].second - st.pos[j].second) * h;
      const float d = std::sqrt(dx * dx + dy * dy);
      out[i] = std::min(out[i], d);
      out[j] = std::min(out[j], d);
    }
}

}  // namespace

void draw_topology(const Session& s, UiState& ui, Intents& out) {
  if (!ImGui::Begin(window_title("Topology", "topology").c_str())) {
    ImGui::End();
    return;
  }
  TopologyState& st = ui.topology;
  if (!st.cache) st.cache = std::make_shared<Cache>();
  Cache& c = *st.cache;
  const World& w = s.world();
  const size_t n = w.nodes().size();
  if (n == 0) {
    ImGui::TextDisabled("%s", tr("This scenario has no nodes."));
    ImGui::End();
    return;
  }
  if (scenario_changed(s, c) || st.pos.size() != n || st.layout_for != s.path()) rebuild_for_scenario(s, st, c);
  if (c.link_labels_lang != language()) build_link_labels(w, c);
  c.looks.update(s.trace(), s.visible(), trace_generation(s, c.text_hash));
  const Style sty = current_style();
  const Lang lang = language();
  const Time now = s.now();
  const auto& links = w.links();
  const auto& nodes = w.nodes();

  // ---- toolbar ----
  ImGui::Checkbox(tr("Packet colours"), &ui.win.legend);
  ImGui::SameLine();
  if (ImGui::Button(tr("Reset layout"))) {
    const std::vector<NodePos> p = auto_layout(graph_of(w));
    st.pos.clear();
    for (const NodePos& q : p) st.pos.emplace_back(q.x, q.y);
    ++c.layout_version;
    save(st, c, ui);
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("Put the nodes back where tcplab places them"));
  ImGui::SameLine();
  ImGui::TextDisabled("(?)");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("%s", tr("Drag a node to move it (the layout is saved).\nHover a packet to read it, click it to inspect it,\nright-click it to drop, delay, duplicate or corrupt it."));
  const std::vector<InFlightFrame> flights = s.in_flight();  // live mode: read off the trace
  {
    // The count of frames on the wires, when the toolbar has room for it.
    char count[96];
    if (flights.empty()) std::snprintf(count, sizeof count, "%s", tr("No packets on the wires at this moment."));
    else std::snprintf(count, sizeof count, "%s %zu", tr("Packets on the wires:"), flights.size());
    ImGui::SameLine();
    if (ImGui::CalcTextSize(count).x <= ImGui::GetContentRegionAvail().x) ImGui::TextDisabled("%s", count);
    else ImGui::NewLine();
  }

  // ---- the canvas and its margins ----
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const bool show_legend = ui.win.legend && avail.y > px(140);
  const float legend_h = show_legend ? legend(sty, origin, avail.x, false) + px(6) : 0;
  Canvas cv;
  cv.p0 = origin;
  cv.p1 = ImVec2(origin.x + avail.x, origin.y + std::max(px(40), avail.y - legend_h));
  if (cv.p1.x - cv.p0.x < px(40)) {
    ImGui::End();
    return;
  }
  const float font = ImGui::GetFontSize();
  const float small = font * 0.85f;
  const float cw = cv.p1.x - cv.p0.x, ch = cv.p1.y - cv.p0.y;
  // Icons shrink where nodes crowd (the 200-node benchmark), and their labels go first.
  if (c.nn_version != c.layout_version || c.nn_canvas.x != cw || c.nn_canvas.y != ch) {
    nearest_neighbours(st, cw - 2 * px(60), ch - px(100), c.node_nn);
    c.nn_version = c.layout_version;
    c.nn_canvas = ImVec2(cw, ch);
  }
  const float box_h = font + px(4);
  float half_label = 0, max_r = 0, max_below = 0;
  for (size_t i = 0; i < n; ++i) {
    const float nn = c.node_nn[i];
    c.node_r[i] = std::clamp(0.36f * nn, px(4), px(24));
    c.node_labels[i] = nn >= px(85) ? 2 : nn >= px(50) ? 1 : 0;
    max_r = std::max(max_r, c.node_r[i]);
    if (c.node_labels[i] == 0) continue;
    half_label = std::max(half_label, ImGui::CalcTextSize(c.names[i].c_str()).x / 2);
    float below = font;
    if (c.node_labels[i] == 2 && !c.node_addrs[i].empty()) {
      half_label = std::max(half_label, ImGui::GetFont()->CalcTextSizeA(small, 1e9f, 0, c.node_addrs[i].c_str()).x / 2);
      below += small * static_cast<float>(c.max_addr_lines);
    }
    max_below = std::max(max_below, below);
  }
  cv.mx = std::max(1.45f * max_r, half_label) + px(10);
  cv.mt = std::max(1.1f * max_r, box_h * 1.4f) + px(8);
  cv.mb = max_r + px(6) + max_below + px(6);
  ImGui::InvisibleButton("##topology_canvas", ImVec2(cw, ch),
                         ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  const bool canvas_hovered = ImGui::IsItemHovered();
  const ImVec2 mouse = ImGui::GetIO().MousePos;

  // ---- dragging (before positions are used, so the node follows the mouse this frame) ----
  if (st.dragging >= 0 && static_cast<size_t>(st.dragging) < n) {
    if (ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
      const auto [x, y] = cv.to_layout(ImVec2(mouse.x - c.drag_offset.x, mouse.y - c.drag_offset.y));
      auto& p = st.pos[static_cast<size_t>(st.dragging)];
      if (std::abs(p.first - x) > 1e-4f || std::abs(p.second - y) > 1e-4f) {
        p = {x, y};
        st.drag_moved = true;
        ++c.layout_version;
      }
    } else {
      if (st.drag_moved) save(st, c, ui);  // once, on release: never per frame
      st.dragging = -1;
      st.drag_moved = false;
    }
  } else {
    st.dragging = -1;
  }
  for (size_t i = 0; i < n; ++i) c.node_px[i] = cv.to_screen(st.pos[i].first, st.pos[i].second);

  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(cv.p0, cv.p1, true);

  // ---- links ----
  for (size_t li = 0; li < links.size(); ++li) {
    const Link& l = links[li];
    const auto a = static_cast<size_t>(l.ends[0].node), b = static_cast<size_t>(l.ends[1].node);
    if (a >= n || b >= n) continue;
    dl->AddLine(c.node_px[a], c.node_px[b], sty.link, px(3));
  }
  for (size_t li = 0; li < links.size(); ++li) {
    const Link& l = links[li];
    const auto a = static_cast<size_t>(l.ends[0].node), b = static_cast<size_t>(l.ends[1].node);
    if (a >= n || b >= n || c.link_labels[li].empty() || c.node_labels[a] == 0 || c.node_labels[b] == 0) continue;
    const ImVec2 A = c.node_px[a], B = c.node_px[b];
    const char* text = c.link_labels[li].c_str();
    const ImVec2 ts = ImGui::GetFont()->CalcTextSizeA(small, 1e9f, 0, text);
    if (ts.x + px(8) > length(ImVec2(B.x - A.x, B.y - A.y)) - 1.3f * (c.node_r[a] + c.node_r[b])) continue;  // no room
    const ImVec2 m((A.x + B.x) / 2 - ts.x / 2, (A.y + B.y) / 2 - ts.y / 2);
    dl->AddRectFilled(ImVec2(m.x - px(4), m.y - px(1)), ImVec2(m.x + ts.x + px(4), m.y + ts.y + px(1)), sty.panel,
                      px(4));
    dl->AddText(ImGui::GetFont(), small, m, sty.dim, text);
  }

  // ---- nodes ----
  int32_t hovered_node = -1;
  for (size_t i = 0; i < n; ++i) {
    const Node& node = nodes[i];
    const ImVec2 p = c.node_px[i];
    const float r = c.node_r[i];
    const ImVec2 e = icon_half_extent(node.type, r);
    const bool selected = ui.sel.node == static_cast<int32_t>(i);
    if (canvas_hovered && std::abs(mouse.x - p.x) <= e.x + px(3) && std::abs(mouse.y - p.y) <= e.y + px(3))
      hovered_node = static_cast<int32_t>(i);
    if (selected) {
      const float g = px(6);
      dl->AddRectFilled(ImVec2(p.x - e.x - g, p.y - e.y - g), ImVec2(p.x + e.x + g, p.y + e.y + g),
                        with_alpha(sty.select, 0.22f), px(8));
      dl->AddRect(ImVec2(p.x - e.x - g, p.y - e.y - g), ImVec2(p.x + e.x + g, p.y + e.y + g), sty.select, px(8), 0,
                  px(2.5f));
    }
    draw_node_icon(dl, sty, node.type, p, r);
    float y = p.y + e.y + px(4);
    if (c.node_labels[i] >= 1) {
      const ImVec2 ts = ImGui::CalcTextSize(c.names[i].c_str());
      dl->AddText(ImVec2(p.x - ts.x / 2, y), selected ? sty.select : sty.text, c.names[i].c_str());
      y += ts.y;
    }
    if (c.node_labels[i] >= 2 && !c.node_addrs[i].empty()) {
      // Line by line, each centred.
      const std::string& t = c.node_addrs[i];
      size_t from = 0;
      while (from <= t.size()) {
        size_t to = t.find('\n', from);
        if (to == std::string::npos) to = t.size();
        const ImVec2 ts = ImGui::GetFont()->CalcTextSizeA(small, 1e9f, 0, t.data() + from, t.data() + to);
        dl->AddText(ImGui::GetFont(), small, ImVec2(p.x - ts.x / 2, y), sty.dim, t.data() + from, t.data() + to);
        y += small;
        from = to + 1;
      }
    }
  }

  // ---- packets on the wires: size, then place, beside each other when they crowd ----
  c.boxes.clear();
  std::fill(c.link_max_w.begin(), c.link_max_w.end(), 0.0f);
  std::fill(c.link_sum_w.begin(), c.link_sum_w.end(), 0.0f);
  const char* retx_tag = tr("re-sent");
  const float retx_tag_w = ImGui::CalcTextSize(retx_tag).x + px(8);
  const float pad = px(5);
  for (size_t i = 0; i < flights.size(); ++i) {
    const InFlightFrame& f = flights[i];
    if (f.link < 0 || static_cast<size_t>(f.link) >= links.size()) continue;
    PacketBox b;
    b.flight = i;
    b.facts = c.looks.find(f.id);
    if (b.facts) packet_label(*b.facts, lang, b.label, sizeof b.label);
    b.label_w = ImGui::CalcTextSize(b.label).x + 2 * pad + (f.retx ? retx_tag_w : 0);
    const auto li = static_cast<size_t>(f.link);
    c.link_max_w[li] = std::max(c.link_max_w[li], b.label_w);
    c.link_sum_w[li * 2 + (f.side & 1)] += b.label_w + px(4);
    c.boxes.push_back(b);
  }
  for (LaneState& ls : c.lanes) ls = LaneState{};
  const float fall_px = px(30);
  const float compact_w = px(16), compact_h = px(12);
  for (PacketBox& b : c.boxes) {
    const InFlightFrame& f = flights[b.flight];
    const Link& l = links[static_cast<size_t>(f.link)];
    const auto from = static_cast<size_t>(l.ends[f.side & 1].node), to = static_cast<size_t>(l.ends[1 - (f.side & 1)].node);
    if (from >= n || to >= n) continue;
    const ImVec2 A = c.node_px[from], B = c.node_px[to];
    const ImVec2 d(B.x - A.x, B.y - A.y);
    const float len = length(d);
    const ImVec2 u = len > 1e-3f ? ImVec2(d.x / len, d.y / len) : ImVec2(1, 0);
    const ImVec2 nrm(-u.y, u.x);  // the right-hand side of the direction of travel: one lane per way
    const float start = icon_reach(nodes[from].type, c.node_r[from], u),
                stop = icon_reach(nodes[to].type, c.node_r[to], ImVec2(-u.x, -u.y));
    const float gap = std::max(0.0f, len - start - stop);
    // Too many to read on this link: small boxes, labels on hover.
    const auto li = static_cast<size_t>(f.link);
    // (Measured along the link, boxes that do not fit its lanes side by side would overlap.)
    b.compact = c.link_sum_w[li * 2 + (f.side & 1)] * (std::abs(u.x) + std::abs(u.y) * box_h / std::max(1.0f, c.link_max_w[li])) >
                0.9f * kLanes * std::max(gap, px(20));
    const float bw = b.compact ? compact_w : b.label_w, bh = b.compact ? compact_h : box_h;
    const float lane_w = b.compact ? compact_w : c.link_max_w[li];
    const float ext_along = std::abs(u.x) * bw + std::abs(u.y) * bh;
    const float lane_step = std::abs(u.y) * lane_w + std::abs(u.x) * (b.compact ? compact_h : box_h) + px(3);
    // The box leaves touching the sender's icon and arrives touching the receiver's (when
    // the link is long enough for that; on a short one it starts and ends over the icons).
    const float inset = std::min(ext_along / 2 + px(2), gap / 2);
    const FlightSpot spot = flight_spot(now, f.sent, f.arrives, f.lost);
    const float along = start + inset + spot.along * std::max(0.0f, gap - 2 * inset);
    LaneState& ls = c.lanes[li * 2 + (f.side & 1)];
    int lane = -1;
    for (int k = 0; k < ls.used && lane < 0; ++k)
      if (ls.along[k] - along >= ls.half[k] + ext_along / 2 + px(3)) lane = k;
    if (lane < 0 && ls.used < kLanes) lane = ls.used++;
    if (lane < 0) {  // every lane is busy here: the one with the most room
      lane = 0;
      for (int k = 1; k < kLanes; ++k)
        if (ls.along[k] - along > ls.along[lane] - along) lane = k;
    }
    ls.along[lane] = along;
    ls.half[lane] = ext_along / 2;
    // Lanes start beside the link's label chip, which sits on the line.
    const float off = small / 2 + px(3) + lane_step / 2 + static_cast<float>(lane) * lane_step;
    ImVec2 ctr(A.x + u.x * along + nrm.x * off, A.y + u.y * along + nrm.y * off);
    ctr.y += spot.fall * fall_px;
    b.min = ImVec2(ctr.x - bw / 2, ctr.y - bh / 2);
    b.max = ImVec2(ctr.x + bw / 2, ctr.y + bh / 2);
  }

  // ---- drops: a ✕ falls where a packet was lost, with the reason ----
  c.drops.clear();
  {
    const auto& trace = s.trace();
    const size_t vis = std::min(s.visible(), trace.size());
    const Time from_t = now - c.max_drop_linger;
    const auto first = std::lower_bound(trace.begin(), trace.begin() + static_cast<std::ptrdiff_t>(vis), from_t,
                                        [](const TraceEvent& e, Time t) { return e.t < t; });
    for (auto it = first; it != trace.begin() + static_cast<std::ptrdiff_t>(vis); ++it) {
      const TraceEvent& e = *it;
      if (e.ev != EvKind::Drop || e.node < 0 || static_cast<size_t>(e.node) >= n) continue;
      const PacketEvent& pe = e.packet();
      const bool on_link = pe.link >= 0 && static_cast<size_t>(pe.link) < links.size();
      const auto age = drop_age(now, e.t, on_link ? links[static_cast<size_t>(pe.link)].delay : 0);
      if (!age) continue;
      const DropSpot spot = drop_spot(pe.why);
      const ImVec2 P = c.node_px[static_cast<size_t>(e.node)];
      const NodeType type = nodes[static_cast<size_t>(e.node)].type;
      const float r = c.node_r[static_cast<size_t>(e.node)];
      ImVec2 at(P.x, P.y + icon_half_extent(type, r).y + px(8));
      float side = 0;  // where the text goes: -1 left of the ✕, +1 right of it, 0 under it
      if (on_link) {
        const Link& l = links[static_cast<size_t>(pe.link)];
        const int32_t other = l.ends[0].node == e.node ? l.ends[1].node : l.ends[0].node;
        if (other >= 0 && static_cast<size_t>(other) < n) {
          const ImVec2 Q = c.node_px[static_cast<size_t>(other)];
          const ImVec2 d(Q.x - P.x, Q.y - P.y);
          const float len = length(d);
          const ImVec2 u = len > 1e-3f ? ImVec2(d.x / len, d.y / len) : ImVec2(0, 1);
          if (spot.on_link) {
            at = ImVec2((P.x + Q.x) / 2, (P.y + Q.y) / 2 + fall_px);  // where the lost packet fell
          } else {
            // At the node, on the side of the link it came by (or, for a full queue, the
            // link it could not enter); the text away from the node.
            const float reach = icon_reach(type, r, u) + px(14) + spot.along_from_node * std::max(0.0f, len - 2 * r);
            at = ImVec2(P.x + u.x * reach, P.y + u.y * reach + px(6));
            side = u.x < -0.3f ? -1.0f : u.x > 0.3f ? 1.0f : 0.0f;
            // Beside the ✕ only when the text fits before the node at the other end.
            const float room = len - reach - icon_reach(nodes[static_cast<size_t>(other)].type,
                                                        c.node_r[static_cast<size_t>(other)], u);
            if (std::abs(u.x) * room < ImGui::CalcTextSize(drop_reason(pe.why)).x + px(16)) side = 0;
          }
        }
      }
      at.y += *age * px(26);
      const float alpha = 1.0f - *age * *age;
      const bool grey = pe.why == DropWhy::OtherHost;  // a flooded frame, filtered: not an error
      const ImU32 col = with_alpha(grey ? sty.drop_grey : sty.drop, alpha);
      if (ui.sel.packet != 0 && ui.sel.packet == pe.id)
        dl->AddCircle(at, px(13), with_alpha(sty.select, alpha), 24, px(3));
      draw_cross(dl, at, px(grey ? 5 : 8), col, px(grey ? 2 : 3.5f));
      // The reason, and under it what was lost.
      const char* why = drop_reason(pe.why);
      char what[48] = "";
      if (const PacketFacts* facts = c.looks.find(pe.id)) packet_label(*facts, lang, what, sizeof what);
      const float tw = ImGui::CalcTextSize(why).x;
      const float ww = ImGui::GetFont()->CalcTextSizeA(small, 1e9f, 0, what).x;
      auto x_of = [&](float wdt) {
        return side < 0 ? at.x - px(12) - wdt : side > 0 ? at.x + px(12) : at.x - wdt / 2;
      };
      const float ty = side != 0 ? at.y - font / 2 : at.y + px(9);
      const float bx0 = std::min(x_of(tw), x_of(ww)), bx1 = std::max(x_of(tw) + tw, x_of(ww) + ww);
      dl->AddRectFilled(ImVec2(bx0 - px(3), ty - px(1)), ImVec2(bx1 + px(3), ty + font + small + px(1)),
                        with_alpha(sty.panel, alpha * 0.85f), px(4));
      dl->AddText(ImVec2(x_of(tw), ty), col, why);
      dl->AddText(ImGui::GetFont(), small, ImVec2(x_of(ww), ty + font), with_alpha(sty.dim, alpha), what);
      c.drops.push_back(DropMark{at, static_cast<size_t>(it - trace.begin())});
    }
  }

  // ---- hit tests: a packet over a drop over a node ----
  int hovered_box = -1;
  if (canvas_hovered && st.dragging < 0) {
    const float g = px(2);
    for (size_t i = c.boxes.size(); i-- > 0;) {
      const PacketBox& b = c.boxes[i];
      if (mouse.x >= b.min.x - g && mouse.x <= b.max.x + g && mouse.y >= b.min.y - g && mouse.y <= b.max.y + g) {
        hovered_box = static_cast<int>(i);
        break;
      }
    }
  }
  int hovered_drop = -1;
  if (canvas_hovered && hovered_box < 0 && st.dragging < 0)
    for (size_t i = 0; i < c.drops.size(); ++i)
      if (std::abs(mouse.x - c.drops[i].at.x) <= px(10) && std::abs(mouse.y - c.drops[i].at.y) <= px(10))
        hovered_drop = static_cast<int>(i);
  if (hovered_box >= 0 || hovered_drop >= 0) hovered_node = -1;
  if (hovered_node >= 0 && st.dragging < 0) {
    const ImVec2 p = c.node_px[static_cast<size_t>(hovered_node)];
    const ImVec2 e = icon_half_extent(nodes[static_cast<size_t>(hovered_node)].type,
                                      c.node_r[static_cast<size_t>(hovered_node)]);
    dl->AddRect(ImVec2(p.x - e.x - px(4), p.y - e.y - px(4)), ImVec2(p.x + e.x + px(4), p.y + e.y + px(4)), sty.hover,
                px(6), 0, px(1.5f));
  }

  // ---- packets, drawn last so they stay on top ----
  for (size_t i = 0; i < c.boxes.size(); ++i) {
    const PacketBox& b = c.boxes[i];
    const InFlightFrame& f = flights[b.flight];
    ChipLook look;
    look.kind = b.facts ? b.facts->kind : PacketKind::Other;
    look.label = b.label;
    look.tag = f.retx ? retx_tag : nullptr;
    look.lost = f.lost;
    look.selected = ui.sel.packet != 0 && ui.sel.packet == f.id;
    look.hovered = static_cast<int>(i) == hovered_box;
    look.compact = b.compact;
    look.alpha = 1.0f - 0.5f * flight_spot(now, f.sent, f.arrives, f.lost).fall;
    draw_packet_chip(dl, sty, b.min, b.max, look);
  }

  // ---- empty states ----
  if (links.empty()) {
    const char* t = tr("No links: these nodes are not connected to each other.");
    dl->AddText(ImVec2(cv.p0.x + px(8), cv.p0.y + px(4)), sty.dim, t);
  }
  dl->PopClipRect();

  // ---- legend ----
  if (show_legend) legend(sty, ImVec2(origin.x, cv.p1.y + px(6)), avail.x, true);

  // ---- clicks, tooltips, the packet menu ----
  const bool left_click = canvas_hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Left);
  const bool right_click = canvas_hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Right);
  if (hovered_box >= 0) {
    const InFlightFrame& f = flights[c.boxes[static_cast<size_t>(hovered_box)].flight];
    if (left_click) out.push_back(Intent(Intent::Kind::SelectPacket).with_packet(f.id, f.link));
    if (right_click) {
      st.menu_packet = f.id;
      st.menu_link = f.link;
      ImGui::OpenPopup("##topology_packet_menu");
    }
    if (!ImGui::IsPopupOpen("##topology_packet_menu")) packet_tooltip(f, c.boxes[static_cast<size_t>(hovered_box)].facts, s);
  } else if (hovered_drop >= 0) {
    const TraceEvent& e = s.trace()[c.drops[static_cast<size_t>(hovered_drop)].event];
    const PacketFacts* facts = c.looks.find(e.packet().id);
    if (left_click) out.push_back(Intent(Intent::Kind::SelectPacket).with_packet(e.packet().id, e.packet().link));
    ImGui::BeginTooltip();
    ImGui::TextUnformatted(summary_of(&e.packet().frame.bytes(), facts).c_str());
    ImGui::Separator();
    ImGui::TextColored(ImVec4(1, 0.35f, 0.35f, 1), "✕ %s  (why=%s)", drop_reason(e.packet().why),
                       to_string(e.packet().why));
    ImGui::Text("%s · %s", nodes[static_cast<size_t>(e.node)].name.c_str(), ms_text(e.t).c_str());
    ImGui::EndTooltip();
  } else if (hovered_node >= 0) {
    if (left_click) {
      out.push_back(Intent(Intent::Kind::SelectNode).with_node(hovered_node));
      st.dragging = hovered_node;
      st.drag_moved = false;
      const ImVec2 p = c.node_px[static_cast<size_t>(hovered_node)];
      c.drag_offset = ImVec2(mouse.x - p.x, mouse.y - p.y);
    }
    if (st.dragging < 0) node_tooltip(nodes[static_cast<size_t>(hovered_node)]);
  }
  if (ImGui::BeginPopup("##topology_packet_menu")) {
    const PacketFacts* facts = c.looks.find(st.menu_packet);
    ImGui::TextDisabled("%s %llu  %s", tr("packet id"), static_cast<unsigned long long>(st.menu_packet),
                        facts ? packet_label(*facts, lang).c_str() : "");
    ImGui::Separator();
    auto act = [&](const char* label, FaultAction a, Time t) {
      if (ImGui::MenuItem(label)) {
        Intent in = Intent(Intent::Kind::Intervene).with_packet(st.menu_packet, st.menu_link).with_action(a);
        if (t > 0) in.with_t(t);
        out.push_back(in);
      }
    };
    act(tr("Drop it"), FaultAction::Drop, 0);
    act(tr("Delay it by 100 ms"), FaultAction::Delay, 100 * kMs);
    act(tr("Duplicate it"), FaultAction::Duplicate, 0);
    act(tr("Corrupt it (bad checksum)"), FaultAction::Corrupt, 0);
    ImGui::EndPopup();
  }
  ImGui::End();
}

}  // namespace tcplab::ui
