// Console view (issue 4 "Views" → Console): a terminal per host or router. The output is the
// node's `app` events of the visible trace (the "$ cmd" lines of scenario steps and typed
// commands, and all that programs print), so commands that wait print later by themselves
// and stepping back takes output back. The input line runs a command of the command
// language (DESIGN.md) at the current simulated time through Intent RunCommand; the app
// records it as an intervention and, when it is refused, puts the reason in
// ui.console.error. ↑/↓ browse the node's history (ConsoleState).
#include <imgui.h>
#include <imgui_internal.h>  // ImTextCharFromUtf8, the window's inner rect
#include <imgui_stdlib.h>    // InputText on std::string

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "render/trace_indexes.h"
#include "render/ui.h"
#include "sim/trace/summary.h"
#include "sim/view/timeline_markers.h"

namespace tcplab::ui {
namespace {

// ---- terminal colours: a dark terminal in both themes (it is what students know) ----------
constexpr ImU32 kTermBg = IM_COL32(16, 17, 20, 255);
constexpr ImU32 kTermText = IM_COL32(208, 208, 208, 255);
constexpr ImU32 kTermPrompt = IM_COL32(110, 220, 120, 255);
constexpr ImU32 kTermCommand = IM_COL32(255, 255, 255, 255);
constexpr ImU32 kTermError = IM_COL32(255, 125, 110, 255);
constexpr ImU32 kTermTime = IM_COL32(120, 120, 130, 255);

bool has_console(NodeType t) { return t == NodeType::Host || t == NodeType::Router; }

// The node whose console is shown: the selected node when it has one, else the first host
// (else the first router); -1 when the network has neither.
int32_t console_node(const Session& s, int32_t selected) {
  const auto& types = s.context().node_types;
  const size_t n = std::min(types.size(), s.context().node_names.size());
  if (selected >= 0 && static_cast<size_t>(selected) < n && has_console(types[static_cast<size_t>(selected)]))
    return selected;
  for (NodeType want : {NodeType::Host, NodeType::Router})
    for (size_t i = 0; i < n; ++i)
      if (types[i] == want) return static_cast<int32_t>(i);
  return -1;
}

// One line of output: a piece of an app event's text (a text with '\n' is several lines).
struct TermLine {
  size_t event = 0;
  std::string_view text;
  bool prompt = false;  // "$ cmd"
};

std::vector<TermLine> output_lines(const Session& s, int32_t node, size_t* max_cols) {
  std::vector<TermLine> out;
  *max_cols = 0;
  const auto& trace = s.trace();
  // Only the node's app events (an index kept up to date incrementally), not the trace.
  for (size_t i : app_events(s).of(node)) {
    if (i >= trace.size()) break;
    const TraceEvent& e = trace[i];
    if (e.ev != EvKind::App || e.node != node) continue;
    std::string_view text = e.app().text;
    const bool prompt = text.substr(0, 2) == "$ ";
    for (bool first = true;; first = false) {
      const size_t nl = text.find('\n');
      const std::string_view line = text.substr(0, nl);
      out.push_back(TermLine{i, line, prompt && first});
      *max_cols = std::max(*max_cols, display_width(line));
      if (nl == std::string_view::npos) break;
      text.remove_prefix(nl + 1);
    }
  }
  return out;
}

// Program output that reports a failure, shown in red as a student's eye expects.
bool looks_like_error(std::string_view t) {
  for (std::string_view w : {"refused", "unreachable", "Unreachable", "timed out", "reset by peer", "error", "Error",
                             "No route", "not found", "invalid", "Invalid", "unknown", "Unknown", "failed"})
    if (t.find(w) != std::string_view::npos) return true;
  return false;
}

// Draws UTF-8 text on a character grid of `cell` pixels (two cells for CJK), each glyph
// centred in its cells, so that the column layout of ss, netstat and route output lines up
// even when the font is proportional. Glyphs much wider than their cells are drawn a little
// smaller. Returns the number of cells used.
size_t draw_cells(ImDrawList* dl, ImVec2 pos, std::string_view text, ImU32 col, float cell) {
  ImFont* font = ImGui::GetFont();
  const float size = ImGui::GetFontSize();
  const char* p = text.data();
  const char* end = p + text.size();
  size_t column = 0;
  while (p < end) {
    unsigned int c = 0;
    const int n = ImTextCharFromUtf8(&c, p, end);
    if (n <= 0) break;
    size_t cells = display_width(std::string_view(p, static_cast<size_t>(n)));
    if (c == '\t') cells = 8 - column % 8;
    if (c > ' ' && cells > 0) {
      const float adv = font->GetCharAdvance(static_cast<ImWchar>(c)) * size / font->FontSize;
      const float room = cell * static_cast<float>(cells);
      const float glyph_size = adv > room * 1.3f ? size * room * 1.3f / adv : size;
      const float w = adv * glyph_size / size;
      const float x = pos.x + cell * static_cast<float>(column) + (room - w) * 0.5f;
      const float y = pos.y + (size - glyph_size) * 0.8f;
      dl->AddText(font, glyph_size, ImVec2(x, y), col, p, p + n);
    }
    column += cells;
    p += n;
  }
  return column;
}

// A monospace face in the font atlas, when the app loaded one (its name says "Mono"), else
// nullptr: the grid above then keeps the columns with the proportional UI font.
ImFont* mono_font() {
  for (ImFont* f : ImGui::GetIO().Fonts->Fonts)
    if (f && std::strstr(f->GetDebugName(), "Mono")) return f;
  return nullptr;
}

// ---- the command language, for the "?" tooltip ---------------------------------------------
struct CommandHelp {
  const char* syntax;  // commands are code: not translated
  const char* what;    // tr()
};
constexpr CommandHelp kCommands[] = {
    {"ifconfig | ip addr", "interfaces: addresses, masks, broadcast, MAC"},
    {"route -n | ip route", "the routing table (longest-prefix match)"},
    {"route add -net PREFIX gw ADDR", "add a route"},
    {"arp -n", "the ARP cache"},
    {"ping [-c N] [-i DUR] ADDR", "ICMP echo, printed like Linux ping"},
    {"traceroute ADDR", "the routers on the way (TTL-limited probes)"},
    {"netstat -an | ss -tan | ss -uan", "sockets and their TCP states"},
    {"udp bind PORT [--as NAME]", "open a UDP socket"},
    {"udp sendto [SOCK] ADDR:PORT TEXT | --bytes N", "send one datagram"},
    {"udp recvfrom SOCK [BUFSIZE]", "wait for one datagram"},
    {"tcp listen PORT [--backlog N] [--as NAME] [--manual-accept] [--read auto|manual]", "a listening TCP socket"},
    {"tcp accept NAME", "accept a connection (listeners opened with --manual-accept)"},
    {"tcp connect ADDR:PORT [--sport P] [--as NAME] [--read auto|manual]", "open a connection: the three-way handshake"},
    {"tcp send SOCK TEXT | tcp send SOCK --bytes N", "send data on a connection"},
    {"tcp recv SOCK [N]", "read received data (sockets opened with --read manual)"},
    {"tcp shutdown SOCK", "half-close: send FIN, keep reading"},
    {"tcp close SOCK | tcp abort SOCK", "close with FIN, or abort with RST"},
    {"app echo-server PORT | app file-server PORT NAME=BYTES… | app download ADDR:PORT NAME", "ready-made programs"},
    {"app bulk-sink PORT | app bulk-send ADDR:PORT [--bytes N]", "a bulk transfer (no --bytes: until the end)"},
    {"app requests ADDR:PORT --count N --size B [--reuse]", "request/response pairs, over one connection with --reuse"},
    {"hping3 [-S] [-A] [-F] [-R] [-P] -p DPORT [-s SPORT] [-M SEQ] [-L ACK] [-d LEN] [-w WIN] [-c N] ADDR",
     "craft raw TCP segments, to see how a stack answers"},
};

void command_help_tooltip() {
  ImGui::BeginTooltip();
  ImGui::TextUnformatted(tr("The command language (the same as in scenario files)"));
  ImGui::Separator();
  if (ImGui::BeginTable("##cmds", 2, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg)) {
    for (const CommandHelp& c : kCommands) {
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      ImGui::TextUnformatted(c.syntax);
      ImGui::TableSetColumnIndex(1);
      ImGui::TextDisabled("%s", tr(c.what));
    }
    ImGui::EndTable();
  }
  ImGui::Separator();
  ImGui::TextUnformatted(tr("SOCK is the id a command printed (s1, s2 …) or the NAME given with --as; a listener's connections are NAME.1, NAME.2 …"));
  ImGui::TextUnformatted(tr("Commands run at the current simulated time; those that wait (connect, recv, accept) print when their answer arrives."));
  ImGui::EndTooltip();
}

// Suggestions under the input: addresses of another node, and a port someone listens on.
std::vector<std::string> suggestions(const Session& s, int32_t node) {
  const World& w = s.world();
  std::string addr, port = "2000";
  bool have_port = false;
  for (size_t i = 0; i < w.nodes().size(); ++i) {
    const Node& n = w.nodes()[i];
    if (static_cast<int32_t>(i) == node || n.is_switch()) continue;
    for (const Iface& f : n.ifaces)
      if (f.addr && addr.empty()) addr = to_string(f.addr->addr);
    for (const TcpSocket& t : n.tcp)
      if (!have_port && t.state == TcpState::Listen) {
        port = std::to_string(t.local_port);
        have_port = true;
        addr.clear();
        for (const Iface& f : n.ifaces)
          if (f.addr && addr.empty()) addr = to_string(f.addr->addr);
      }
  }
  if (addr.empty()) addr = "127.0.0.1";
  return {"ping -c 3 " + addr, "ifconfig", "route -n", "tcp connect " + addr + ":" + port, "ss -tan"};
}

struct HistoryCtx {
  ConsoleState* st = nullptr;
  int32_t node = -1;
};

int history_callback(ImGuiInputTextCallbackData* d) {
  if (d->EventFlag != ImGuiInputTextFlags_CallbackHistory) return 0;
  auto* ctx = static_cast<HistoryCtx*>(d->UserData);
  const std::vector<std::string>& hist = ctx->st->history[ctx->node];
  int& pos = ctx->st->history_pos[ctx->node];
  const int size = static_cast<int>(hist.size());
  pos = std::clamp(pos, 0, size);
  const int before = pos;
  if (d->EventKey == ImGuiKey_UpArrow && pos > 0) --pos;
  if (d->EventKey == ImGuiKey_DownArrow && pos < size) ++pos;
  if (pos != before) {
    d->DeleteChars(0, d->BufTextLen);
    if (pos < size) d->InsertChars(0, hist[static_cast<size_t>(pos)].c_str());
  }
  return 0;
}

void node_picker(const Session& s, int32_t node, ConsoleState& st, Intents& out) {
  const auto& names = s.context().node_names;
  const auto& types = s.context().node_types;
  std::vector<int32_t> nodes;
  for (size_t i = 0; i < types.size() && i < names.size(); ++i)
    if (has_console(types[i])) nodes.push_back(static_cast<int32_t>(i));
  auto pick = [&](int32_t n) {
    out.push_back(Intent(Intent::Kind::SelectNode).with_node(n));
    st.focus_input = true;
  };
  auto label = [&](int32_t n) {
    const size_t i = static_cast<size_t>(n);
    return types[i] == NodeType::Router ? names[i] + " " + tr("(router)") : names[i];
  };
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(tr("Console of"));
  ImGui::SameLine();
  if (nodes.size() <= 6) {  // a few nodes: one button each, the shown one lit
    for (size_t k = 0; k < nodes.size(); ++k) {
      const int32_t n = nodes[k];
      const bool on = n == node;
      if (k > 0) ImGui::SameLine();
      if (on) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetColorU32(ImGuiCol_ButtonActive));
      ImGui::PushID(n);
      if (ImGui::Button(label(n).c_str()) && !on) pick(n);
      ImGui::PopID();
      if (on) ImGui::PopStyleColor();
    }
    return;
  }
  ImGui::SetNextItemWidth(px(220));
  if (ImGui::BeginCombo("##node", node >= 0 ? label(node).c_str() : "")) {
    for (int32_t n : nodes)
      if (ImGui::Selectable(label(n).c_str(), n == node) && n != node) pick(n);
    ImGui::EndCombo();
  }
}

}  // namespace

void draw_console(const Session& s, UiState& ui, Intents& out) {
  if (!ImGui::Begin(window_title("Console", "console").c_str())) {
    ImGui::End();
    return;
  }
  ConsoleState& st = ui.console;
  const int32_t node = console_node(s, ui.sel.node);
  if (node < 0) {
    ImGui::TextWrapped("%s", tr("This network has no host or router, so there is no console."));
    ImGui::End();
    return;
  }
  if (node != st.shown_node) {
    st.shown_node = node;
    st.scroll_to_bottom = true;
    st.error.clear();
  }
  const std::string name = s.context().node_names[static_cast<size_t>(node)];
  node_picker(s, node, st, out);
  ImGui::SameLine();
  ImGui::TextDisabled("(?)");
  if (ImGui::IsItemHovered()) command_help_tooltip();

  // ---- output ----
  const ImGuiStyle& style = ImGui::GetStyle();
  const float line_h = ImGui::GetTextLineHeight();
  const float error_h = st.error.empty() ? 0.0f
                                         : ImGui::CalcTextSize(st.error.c_str(), nullptr, false,
                                                               ImGui::GetContentRegionAvail().x).y +
                                               style.ItemSpacing.y;
  const float below = ImGui::GetFrameHeightWithSpacing() * 2 + error_h + style.ItemSpacing.y;
  ImGui::PushStyleColor(ImGuiCol_ChildBg, kTermBg);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(px(6), px(4)));
  ImGui::BeginChild("##term", ImVec2(0, -below), true, ImGuiWindowFlags_HorizontalScrollbar);
  {
    ImFont* mono = mono_font();
    if (mono) ImGui::PushFont(mono);
    size_t max_cols = 0;
    const std::vector<TermLine> lines = output_lines(s, node, &max_cols);
    const float cell = ImGui::CalcTextSize("0").x;
    const std::string prompt = name + "$ ";
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(0, 0));
    if (lines.empty()) {
      ImGui::PushStyleColor(ImGuiCol_Text, kTermTime);
      ImGui::TextUnformatted(tr("Nothing printed on this node yet. Type a command below, or click a suggestion."));
      ImGui::PopStyleColor();
    }
    const float width = cell * static_cast<float>(max_cols + prompt.size() + 2);
    ImGuiListClipper clip;
    clip.Begin(static_cast<int>(lines.size()), line_h);
    while (clip.Step()) {
      for (int i = clip.DisplayStart; i < clip.DisplayEnd; ++i) {
        const TermLine& l = lines[static_cast<size_t>(i)];
        const ImVec2 pos = ImGui::GetCursorScreenPos();
        if (l.prompt) {
          const size_t c = draw_cells(dl, pos, prompt, kTermPrompt, cell);
          draw_cells(dl, ImVec2(pos.x + cell * static_cast<float>(c), pos.y), l.text.substr(2), kTermCommand, cell);
          // When the command ran, at the right edge of the visible area.
          const std::string when = format_time_short(s.trace()[l.event].t);
          const float tw = ImGui::CalcTextSize(when.c_str()).x;
          const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
          dl->AddText(ImVec2(right - tw, pos.y), kTermTime, when.c_str());
        } else {
          draw_cells(dl, pos, l.text, looks_like_error(l.text) ? kTermError : kTermText, cell);
        }
        ImGui::Dummy(ImVec2(width, line_h));
      }
    }
    ImGui::PopStyleVar();
    if (mono) ImGui::PopFont();
    // Follow new output unless the student scrolled up to read.
    if (st.scroll_to_bottom || ImGui::GetScrollY() >= ImGui::GetScrollMaxY() - 1.0f) ImGui::SetScrollHereY(1.0f);
    st.scroll_to_bottom = false;
    // A click in the terminal gives the keyboard to the input line, as in a terminal.
    const ImRect inner = ImGui::GetCurrentWindow()->InnerRect;
    if (ImGui::IsWindowHovered() && ImGui::IsMouseClicked(ImGuiMouseButton_Left) &&
        inner.Contains(ImGui::GetIO().MousePos))
      st.focus_input = true;
  }
  ImGui::EndChild();
  ImGui::PopStyleVar();
  ImGui::PopStyleColor();

  // ---- input ----
  ImGui::PushStyleColor(ImGuiCol_Text, kTermPrompt);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted((name + "$").c_str());
  ImGui::PopStyleColor();
  ImGui::SameLine();
  std::string& input = st.input[node];
  const std::vector<std::string>& hist = st.history[node];
  if (!st.history_pos.count(node)) st.history_pos[node] = static_cast<int>(hist.size());
  HistoryCtx ctx{&st, node};
  ImGui::SetNextItemWidth(-1);
  if (st.focus_input) {
    ImGui::SetKeyboardFocusHere();
    st.focus_input = false;
  }
  ImGui::PushID(node);
  const bool entered = ImGui::InputText("##cmd", &input,
                                        ImGuiInputTextFlags_EnterReturnsTrue | ImGuiInputTextFlags_CallbackHistory,
                                        history_callback, &ctx);
  ImGui::PopID();
  if (ImGui::IsItemHovered() && !ImGui::IsItemActive() && input.empty())
    ImGui::SetTooltip("%s", tr("Type a command and press Enter; ↑/↓ recall earlier ones"));
  if (entered) {
    std::string line = input;
    while (!line.empty() && line.back() == ' ') line.pop_back();
    if (!line.empty()) {
      out.push_back(Intent(Intent::Kind::RunCommand).with_node(node).with_text(line));
      std::vector<std::string>& h = st.history[node];
      if (h.empty() || h.back() != line) h.push_back(line);
      st.scroll_to_bottom = true;
    }
    st.history_pos[node] = static_cast<int>(st.history[node].size());
    input.clear();
    ImGui::SetKeyboardFocusHere(-1);  // keep typing
  }
  if (!st.error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, kTermError);
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(st.error.c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
  }

  // ---- suggestions: a click puts the command in the input line, to edit or run ----
  ImGui::AlignTextToFramePadding();
  ImGui::TextDisabled("%s", tr("Try a command:"));
  for (const std::string& cmd : suggestions(s, node)) {
    // Only those that fit on the line (the rest are in the "?" help).
    const float w = ImGui::CalcTextSize(cmd.c_str()).x + style.FramePadding.x * 2 + px(4);
    if (ImGui::GetContentRegionMax().x - (ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x) < w) break;
    ImGui::SameLine(0, px(4));
    if (ImGui::SmallButton(cmd.c_str())) {
      input = cmd;
      st.focus_input = true;
    }
  }
  ImGui::End();
}

}  // namespace tcplab::ui
