// Tables view (issue 4 "Views → Tables"): one node's interfaces, routes, ARP cache and
// sockets (a switch: its MAC table), live from the World at the cursor. The rows come
// from sim/view/node_tables.h, made with the console tools' own helpers, so each tab
// shows what `ifconfig`, `route -n`, `arp -n` and `netstat -an` print there at that time;
// the column headers are the tools' own, with an explanation on hover. Clicking a TCP
// socket selects its connection (ladder, state diagram, plots); the node combo selects
// the node (console too).
#include <imgui.h>

#include <cstdio>
#include <string>

#include "render/ui.h"
#include "sim/core/time.h"
#include "sim/view/node_tables.h"

namespace tcplab::ui {
namespace {

struct Column {
  const char* header;  // as the Linux tool prints it
  const char* tip;     // already translated
};

// A table with the tools' headers (each explains itself on hover). False when not shown.
bool begin_table(const char* id, std::initializer_list<Column> cols) {
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollX |
                                ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_Resizable;
  if (!ImGui::BeginTable(id, int(cols.size()), flags)) return false;
  ImGui::TableSetupScrollFreeze(1, 1);
  for (const Column& c : cols) ImGui::TableSetupColumn(c.header);
  ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
  int i = 0;
  for (const Column& c : cols) {
    ImGui::TableSetColumnIndex(i++);
    ImGui::TableHeader(c.header);
    if (ImGui::IsItemHovered() && c.tip[0] != '\0') {
      ImGui::BeginTooltip();
      ImGui::PushTextWrapPos(px(380));
      ImGui::TextUnformatted(c.tip);
      ImGui::PopTextWrapPos();
      ImGui::EndTooltip();
    }
  }
  return true;
}

void cell(const std::string& s) {
  ImGui::TableNextColumn();
  ImGui::TextUnformatted(s.c_str());
}
void cell(unsigned long long v) { cell(std::to_string(v)); }
void dim_cell(const std::string& s) {
  ImGui::TableNextColumn();
  ImGui::TextDisabled("%s", s.c_str());
}

void empty_state(const char* text) {
  ImGui::Spacing();
  ImGui::TextDisabled("%s", text);
}

void draw_interfaces(const Node& n) {
  const std::vector<IfaceRow> rows = interface_rows(n);
  if (rows.empty()) return empty_state(tr("No IPv4 interface on this node"));
  if (!begin_table("ifaces", {{"", tr("The interface's name: eth0, eth1 … and lo, the loopback")},
                              {"inet", tr("The interface's IPv4 address")},
                              {"netmask", tr("Which bits of an address are the network part (255.255.255.0 = /24)")},
                              {"broadcast", tr("The address that reaches every host of this subnet")},
                              {"ether", tr("The interface's MAC address (Ethernet)")},
                              {"mtu", tr("The largest IP packet this interface sends in one frame")},
                              {"RX packets", tr("Frames received by this interface")},
                              {"RX bytes", tr("Bytes received by this interface")},
                              {"RX dropped", tr("Frames this interface received but threw away")},
                              {"TX packets", tr("Frames sent by this interface")},
                              {"TX bytes", tr("Bytes sent by this interface")},
                              {"TX dropped", tr("Frames this interface could not send (its queue was full)")}}))
    return;
  for (const IfaceRow& r : rows) {
    ImGui::TableNextRow();
    cell(r.name);
    if (!r.running && r.name != "lo") {
      ImGui::SameLine();
      ImGui::TextDisabled("%s", tr("(no cable)"));
    }
    cell(r.address);
    cell(r.netmask);
    cell(r.broadcast);
    cell(r.mac);
    cell(r.mtu);
    cell(r.counters.rx_packets);
    cell(r.counters.rx_bytes);
    cell(r.counters.rx_dropped);
    cell(r.counters.tx_packets);
    cell(r.counters.tx_bytes);
    cell(r.counters.tx_dropped);
  }
  ImGui::EndTable();
}

void draw_routes(const Node& n) {
  const std::vector<RouteRow> rows = route_rows(n);
  if (rows.empty()) return empty_state(tr("The routing table is empty: this node can reach nobody"));
  if (!begin_table("routes",
                   {{"Destination", tr("The network this route leads to (0.0.0.0 with Genmask 0.0.0.0 = the default route)")},
                    {"Gateway", tr("The next router to send to; 0.0.0.0 = the destination is on this link")},
                    {"Genmask", tr("The destination's netmask; the longest matching prefix wins")},
                    {"Flags", tr("U = up, G = through a gateway (router), H = a route to one host")},
                    {"Metric", tr("The route's cost: between equal prefixes, the lower metric wins")},
                    {"Use", tr("How many packets chose this route so far")},
                    {"Iface", tr("The interface the packet leaves by")}}))
    return;
  for (const RouteRow& r : rows) {
    ImGui::TableNextRow();
    cell(r.destination);
    cell(r.gateway);
    cell(r.genmask);
    cell(r.flags);
    cell(r.metric);
    cell(r.use);
    cell(r.iface);
  }
  ImGui::EndTable();
}

void draw_arp(const Node& n, Time now) {
  const std::vector<ArpRow> rows = arp_rows(n, now);
  if (rows.empty())
    return empty_state(tr("The ARP cache is empty: no neighbour's MAC address is known (yet, or any more)"));
  if (!begin_table("arp", {{"Address", tr("A neighbour's IPv4 address on this link")},
                           {"HWaddress", tr("Its MAC address, learned from an ARP reply or request")},
                           {"Iface", tr("The interface it was learned on")},
                           {tr("Expires in"), tr("The entry is forgotten then; the next packet asks again")}}))
    return;
  for (const ArpRow& r : rows) {
    ImGui::TableNextRow();
    cell(r.address);
    if (r.incomplete) dim_cell(r.hwaddress);
    else cell(r.hwaddress);
    cell(r.iface);
    if (r.incomplete) dim_cell(tr("asking…"));
    else cell(format_remaining(r.expires_in));
  }
  ImGui::EndTable();
}

void draw_mac_table(const Node& n, Time now) {
  const std::vector<MacRow> rows = mac_rows(n, now);
  if (rows.empty())
    return empty_state(tr("The switch has not learned any MAC address yet: it floods every frame to all ports"));
  if (!begin_table("macs", {{"MAC address", tr("A source MAC address seen in a frame")},
                            {"port", tr("The port that frame came in by: frames for this MAC go out only there")},
                            {tr("Expires in"), tr("Forgotten after 300 s without a frame from it (Linux bridge ageing)")}}))
    return;
  for (const MacRow& r : rows) {
    ImGui::TableNextRow();
    cell(r.mac);
    cell(r.port);
    cell(format_remaining(r.expires_in));
  }
  ImGui::EndTable();
}

const char* timer_tip(const std::string& name) {
  if (name == "rto") return tr("rto: the retransmission timer; when it fires, the oldest unacknowledged segment is sent again (RFC 6298)");
  if (name == "time_wait") return tr("time_wait: the wait before the connection's port pair may be reused (Linux: 60 s)");
  if (name == "delack") return tr("delack: the delayed ACK; the ACK waits a little so that data can ride along with it");
  if (name == "persist") return tr("persist: the zero-window probe; asks whether the peer's window has opened");
  if (name == "keepalive") return tr("keepalive: here the FIN-WAIT-2 limit of a closed socket (Linux tcp_fin_timeout)");
  return "";
}

void draw_sockets(const Session& s, const UiState& ui, int32_t node, Intents& out) {
  // Live mode: the kernel's sockets as the trace's state events show them (no queues, no timers).
  const std::vector<SocketRow> rows = s.live() ? socket_rows_from_trace(node, s.trace(), s.visible())
                                               : socket_rows(s.world(), node, s.trace(), s.visible());
  if (rows.empty()) return empty_state(tr("No open socket on this node"));
  if (s.live()) ImGui::TextDisabled("%s", tr("The kernel's TCP sockets, from the states it reported (queues and timers are not traced)"));
  if (!begin_table("sockets", {{"Proto", tr("tcp or udp")},
                               {"Recv-Q", tr("Bytes received but not yet read by the program (a listener: connections waiting for accept())")},
                               {"Send-Q", tr("Bytes sent but not yet acknowledged, or not yet sent (a SYN or FIN counts as one)")},
                               {"Local Address", tr("This end: address and port (0.0.0.0 = every address of the node)")},
                               {"Foreign Address", tr("The other end: address and port (*: nobody yet)")},
                               {"State", tr("The TCP state (RFC 9293), as netstat spells it")},
                               {tr("Timers (ss -o)"), tr("The timers running now and when they fire")},
                               {tr("Socket id"), tr("The id to use in commands (tcp send s2 …) and its name")}}))
    return;
  for (size_t i = 0; i < rows.size(); ++i) {
    const SocketRow& r = rows[i];
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::PushID(int(i));
    const bool tcp = r.proto == "tcp";
    const bool selected = tcp && ui.sel.conn_node == node && ui.sel.conn_sock == r.sock;
    // The whole row is one button: a TCP socket's row selects its connection.
    if (ImGui::Selectable(r.proto.c_str(), selected, ImGuiSelectableFlags_SpanAllColumns) && tcp)
      out.push_back(Intent(Intent::Kind::SelectConnection).with_node(node).with_sock(r.sock));
    if (tcp && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("Click: show this connection in the ladder and state diagram"));
    ImGui::PopID();
    cell(r.recv_q);
    cell(r.send_q);
    cell(r.local);
    cell(r.foreign);
    cell(r.state);
    ImGui::TableNextColumn();
    for (size_t k = 0; k < r.timers.size(); ++k) {
      if (k > 0) ImGui::SameLine();
      ImGui::Text("%s %s", r.timers[k].name.c_str(), format_remaining(r.timers[k].remaining).c_str());
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", timer_tip(r.timers[k].name));
    }
    cell(r.label);
  }
  ImGui::EndTable();
}

// The node whose tables are shown: the selected one, else the first host (then any node).
int32_t shown_node(const Session& s, const UiState& ui) {
  const auto& nodes = s.world().nodes();
  if (ui.sel.node >= 0 && size_t(ui.sel.node) < nodes.size()) return ui.sel.node;
  for (size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].type == NodeType::Host) return int32_t(i);
  return nodes.empty() ? -1 : 0;
}

}  // namespace

void draw_tables(const Session& s, UiState& ui, Intents& out) {
  if (!ImGui::Begin(window_title("Tables", "tables").c_str())) {
    ImGui::End();
    return;
  }
  const auto& nodes = s.world().nodes();
  const int32_t node = shown_node(s, ui);
  if (node < 0) {
    empty_state(tr("No node to show"));
    ImGui::End();
    return;
  }
  const Node& n = nodes[size_t(node)];

  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(tr("Tables of"));
  ImGui::SameLine();
  ImGui::SetNextItemWidth(px(150));
  if (ImGui::BeginCombo("##node", n.name.c_str())) {
    for (size_t i = 0; i < nodes.size(); ++i) {
      const bool is = int32_t(i) == node;
      if (ImGui::Selectable(nodes[i].name.c_str(), is) && !is)
        out.push_back(Intent(Intent::Kind::SelectNode).with_node(int32_t(i)));
      if (is) ImGui::SetItemDefaultFocus();
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  ImGui::TextDisabled("%s %s ms", tr("live at"), format_ms(s.now()).c_str());

  // Each kind of node has its own tab bar, so each remembers its own tab: a host opens on
  // its sockets, a router on its routes, a switch has only its MAC table.
  if (n.is_switch()) {
    if (ImGui::BeginTabBar("switch tables")) {
      if (ImGui::BeginTabItem((std::string(tr("MAC table (bridge fdb)")) + "###macs").c_str())) {
        draw_mac_table(n, s.now());
        ImGui::EndTabItem();
      }
      ImGui::EndTabBar();
    }
    ImGui::End();
    return;
  }
  const bool router = n.forwards();
  if (ImGui::BeginTabBar(router ? "router tables" : "host tables")) {
    // "###id" keeps each tab itself when the language (its label) changes.
    auto sockets = [&] {
      if (ImGui::BeginTabItem((std::string(tr("Sockets (netstat -an)")) + "###sockets").c_str())) {
        draw_sockets(s, ui, node, out);
        ImGui::EndTabItem();
      }
    };
    auto routes = [&] {
      if (ImGui::BeginTabItem((std::string(tr("Routes (route -n)")) + "###routes").c_str())) {
        draw_routes(n);
        ImGui::EndTabItem();
      }
    };
    if (!router) sockets();
    else routes();
    if (ImGui::BeginTabItem((std::string(tr("Interfaces (ifconfig)")) + "###ifaces").c_str())) {
      draw_interfaces(n);
      ImGui::EndTabItem();
    }
    if (!router) routes();
    if (ImGui::BeginTabItem((std::string(tr("ARP cache (arp -n)")) + "###arp").c_str())) {
      draw_arp(n, s.now());
      ImGui::EndTabItem();
    }
    if (router) sockets();
    ImGui::EndTabBar();
  }
  ImGui::End();
}

}  // namespace tcplab::ui
