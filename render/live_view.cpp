// Live mode's own windows (issue 5 "GUI"). The other panels show the kernel's trace through
// the live Session as they show a simulation; these two show what only live mode has:
//  - the badge: LIVE, the level in use and why, the run's clock; its tooltip lists the
//    kernel's version and congestion control, remapped ports and the privilege notices;
//  - the side-by-side ladder: the simulation of the same scenario on the left, the kernel
//    on the right, at the same cursor and the same time scale (ladder_view.cpp's panes).
#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cstdio>
#include <string>

#include "render/ui.h"
#include "sim/session/live_session.h"
#include "sim/view/ladder_model.h"

namespace tcplab::ui {
namespace {

std::string seconds(Time t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", double(t) / double(kSec));
  return buf;
}

// "client s1 … ↔ server …" with the arrow the GUI font lacks written as a dash.
std::string plain_label(std::string label) {
  const std::string both = "\u2194";
  for (size_t at = label.find(both); at != std::string::npos; at = label.find(both, at))
    label.replace(at, both.size(), "\u2014");
  return label;
}

ImU32 status_colour(LiveStatus st) {
  switch (st) {
    case LiveStatus::Starting: return IM_COL32(255, 183, 77, 255);
    case LiveStatus::Running: return IM_COL32(229, 57, 53, 255);
    case LiveStatus::Finished: return IM_COL32(67, 160, 71, 255);
    case LiveStatus::Stopped: return IM_COL32(158, 158, 158, 255);
    case LiveStatus::Failed: return IM_COL32(229, 57, 53, 255);
  }
  return IM_COL32_WHITE;
}

// The clock first and the reason last: when the menu bar is narrow, the reason is cut.
std::string badge_line(const LiveSession& live) {
  const std::string level = std::string(tr("level")) + " " + std::to_string(live.info().level);
  switch (live.status()) {
    case LiveStatus::Starting: return std::string("LIVE · ") + tr("starting…");
    case LiveStatus::Running:
      return "LIVE · " + level + " · " + seconds(live.run_now()) + " / " + seconds(live.run_end()) + " · " +
             live.level_reason();
    case LiveStatus::Finished: return "LIVE · " + level + " · " + tr("finished") + " · " + live.level_reason();
    case LiveStatus::Stopped:
      return "LIVE · " + level + " · " + tr("stopped at") + " " + seconds(live.run_now()) + " · " + live.level_reason();
    case LiveStatus::Failed: return std::string("LIVE · ") + tr("could not start") + ": " + live.error();
  }
  return "LIVE";
}

void badge_tooltip(const LiveSession& live) {
  const live::LiveInfo& info = live.info();
  ImGui::BeginTooltip();
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 36);
  if (live.status() == LiveStatus::Failed) {
    ImGui::TextUnformatted(live.error().c_str());
  } else {
    ImGui::TextUnformatted(info.level_why.c_str());
    ImGui::TextDisabled("%s", tr("Level 1: real sockets on 127.0.0.1, states sampled from the kernel. Level 2: + the real segments captured on lo (CAP_NET_RAW). Level 3: each host in a network namespace, joined only through tcplab, which applies the scenario's links and faults (CAP_NET_ADMIN)."));
    if (!info.kernel_release.empty())
      ImGui::Text("%s Linux %s, %s %s", tr("Kernel:"), info.kernel_release.c_str(), tr("congestion control"),
                  info.kernel_cc.c_str());
    for (const live::PortMapping& m : info.ports)
      if (m.real_port != m.scenario_port)
        ImGui::Text("%s %s: %u → %u", tr("Port remapped on"), m.node.c_str(), unsigned(m.scenario_port),
                    unsigned(m.real_port));
    for (const std::string& ns : info.namespaces) ImGui::TextDisabled("%s %s", tr("namespace"), ns.c_str());
  }
  if (!info.notices.empty()) {
    ImGui::Separator();
    for (const std::string& n : info.notices) ImGui::BulletText("%s", n.c_str());
  }
  ImGui::Separator();
  ImGui::TextDisabled("%s", tr("The Live menu stops the run or goes back to the simulation."));
  ImGui::PopTextWrapPos();
  ImGui::EndTooltip();
}

}  // namespace

void draw_live_badge(const LiveSession& live, UiState& ui, Intents& out) {
  (void)out;
  // In the menu bar's right end, beside the scenario's title: always in sight, over no panel.
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const Scenario& sc = live.kernel().scenario();
  const std::string& title = (ui.lang == Lang::Zh && !sc.title_zh.empty()) ? sc.title_zh : sc.title;
  const float bar_h = ImGui::GetFrameHeight();
  const float left = vp->Pos.x + vp->Size.x * 0.5f + ImGui::CalcTextSize(title.c_str()).x * 0.5f + px(24);
  const float right = vp->Pos.x + vp->Size.x - px(4);
  const float dot = ImGui::GetTextLineHeight() * 0.6f;
  const ImVec2 pad(px(8), ImGui::GetStyle().FramePadding.y);
  const float room = right - left - dot - px(6) - pad.x * 2;
  if (room < px(40)) return;
  auto width = [](std::string_view t) { return ImGui::CalcTextSize(t.data(), t.data() + t.size()).x; };
  const std::string line = fit_text(badge_line(live), room, width);
  const float w = width(line) + dot + px(6) + pad.x * 2;
  ImGui::SetNextWindowPos(ImVec2(right - w, vp->Pos.y));
  ImGui::SetNextWindowSize(ImVec2(w, bar_h));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, pad);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowMinSize, ImVec2(1, 1));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, px(1.5f));
  ImGui::PushStyleColor(ImGuiCol_Border, status_colour(live.status()));
  ImGui::PushStyleColor(ImGuiCol_WindowBg, ImGui::GetStyleColorVec4(ImGuiCol_MenuBarBg));
  const ImGuiWindowFlags f = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                             ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav;
  if (ImGui::Begin("###live_badge", nullptr, f)) {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float h = ImGui::GetTextLineHeight();
    // A steady dot (a blinking one would distract a class): red while the run goes on.
    ImGui::GetWindowDrawList()->AddCircleFilled(ImVec2(p.x + dot / 2, p.y + h / 2), dot / 2, status_colour(live.status()));
    ImGui::Dummy(ImVec2(dot, h));
    ImGui::SameLine(0, px(6));
    ImGui::TextUnformatted(line.c_str());
    if (ImGui::IsWindowHovered()) badge_tooltip(live);
  }
  ImGui::End();
  ImGui::PopStyleColor(2);
  ImGui::PopStyleVar(3);
}

void draw_live_compare(const LiveSession& live, UiState& ui, Intents& out) {
  if (!ImGui::Begin(window_title("Simulation and kernel side by side", "live_compare").c_str(), &ui.win.live_compare)) {
    ImGui::End();
    return;
  }
  const Session& ks = live.kernel();
  const Session& ss = live.simulation();
  const SocketRef sel{ui.sel.conn_node, ui.sel.conn_sock};

  // ---- toolbar: the connection (ids line up: the kernel's sockets get the simulator's names) ----
  {
    const LadderBuilder* b = ui.live.kernel.builder ? ui.live.kernel.builder.get() : nullptr;
    if (b && b->connections().empty() && ui.live.sim.builder) b = ui.live.sim.builder.get();
    const std::vector<Connection> none;
    const std::vector<Connection>& conns = b ? b->connections() : none;
    const std::optional<Connection> cur = pick_connection(conns, sel);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(tr("TCP connection"));
    ImGui::SameLine();
    ImGui::SetNextItemWidth(std::max(px(160), ImGui::GetContentRegionAvail().x * 0.45f));
    const std::string preview = cur ? plain_label(cur->label(ks.context())) : std::string(tr("No TCP connection yet"));
    if (ImGui::BeginCombo("##live_conn", preview.c_str())) {
      for (size_t i = 0; i < conns.size(); ++i) {
        const Connection& k = conns[i];
        ImGui::PushID(int(i));
        if (ImGui::Selectable(plain_label(k.label(ks.context())).c_str(), cur && cur->a.ref == k.a.ref))
          out.push_back(Intent(Intent::Kind::SelectConnection).with_node(k.a.ref.node).with_sock(k.a.ref.sock));
        ImGui::PopID();
      }
      ImGui::EndCombo();
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(px(110));
    ImGui::SliderFloat((std::string(tr("Zoom (px/ms)")) + "##live_zoom").c_str(), &ui.ladder.zoom, 0.05f, 50.0f, "%.2f",
                       ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp);
    ImGui::Checkbox(tr("Compress idle stretches"), &ui.live.compress);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("%s", tr("Off: one time scale all along, so rows at the same height happened at the same time on both sides"));
    ImGui::SameLine();
    ImGui::Checkbox(tr("Follow the cursor"), &ui.ladder.follow);
  }
  ImGui::Separator();

  // ---- the two ladders, each in its half ----
  const float gap = px(8);
  const float half = std::max(px(120), (ImGui::GetContentRegionAvail().x - gap) / 2);
  const float h = ImGui::GetContentRegionAvail().y;
  LadderPaneOptions o;
  o.compress = ui.live.compress;
  const struct {
    const Session* s;
    LadderPane* pane;
    bool kernel;
    const char* id;
  } sides[] = {{&ss, &ui.live.sim, false, "##live_left"}, {&ks, &ui.live.kernel, true, "##live_right"}};
  for (const auto& side : sides) {
    if (side.kernel) ImGui::SameLine(0, gap);
    ImGui::BeginChild(side.id, ImVec2(half, h), true);
    std::string head;
    if (side.kernel) {
      head = std::string(tr("Kernel")) + ": Linux " + live.info().kernel_release;
      if (live.status() != LiveStatus::Starting && live.status() != LiveStatus::Failed)
        head += " · " + std::string(tr("level")) + " " + std::to_string(live.info().level);
    } else {
      head = std::string(tr("Simulation")) + ": " + tr("tcplab's TCP");
    }
    ImGui::TextUnformatted(head.c_str());
    if (side.kernel && live.info().level == 1 && live.status() != LiveStatus::Starting)
      ImGui::TextDisabled("%s", tr("Level 1 sees states, not segments: level 2 captures them"));
    LadderPaneOptions po = o;
    po.select_packets = side.kernel;  // the panels show the kernel's packets
    po.drop_menu = side.kernel && live.info().level == 3 && live.running();
    draw_ladder_pane(*side.s, sel, *side.pane, ui, out, po);
    ImGui::EndChild();
  }
  ImGui::End();
}

}  // namespace tcplab::ui
