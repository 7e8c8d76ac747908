// Lesson view (issue 4 "Views" → Lesson): the scenario's title and summary, then its
// narration (the `say` of each step) advancing with the cursor: what has been said with its
// time, the latest line highlighted, only the time of the next one. At a `pause` step with
// playback stopped it says how to go on. Clicking a past line seeks there. Reads the
// Session through sim/view/lesson_model.h; returns Seek / Pause / TogglePlay intents.
#include <imgui.h>

#include <algorithm>
#include <string>

#include "render/ui.h"
#include "sim/view/lesson_model.h"
#include "sim/view/timeline_markers.h"

namespace tcplab::ui {
namespace {

struct Palette {
  ImU32 title, current_bg, current_text, accent, past_text, dim;
};

// Colours for the two themes: the presentation theme is light, the normal one dark.
Palette palette(bool present) {
  if (present)
    return {IM_COL32(0, 70, 160, 255), IM_COL32(255, 236, 160, 255), IM_COL32(0, 0, 0, 255),
            IM_COL32(220, 140, 0, 255), IM_COL32(40, 40, 40, 255), IM_COL32(110, 110, 110, 255)};
  return {IM_COL32(130, 200, 255, 255), IM_COL32(45, 75, 125, 255), IM_COL32(255, 255, 255, 255),
          IM_COL32(255, 200, 60, 255), IM_COL32(200, 200, 200, 255), IM_COL32(140, 140, 140, 255)};
}

// One narration row of the table: the time, then the text wrapped in the second column. The
// whole row is a selectable (sized to the wrapped text) so it can be clicked.
bool narration_row(const char* id, const std::string& time, const std::string& text, ImU32 time_col, ImU32 text_col,
                   bool clickable) {
  ImGui::TableNextRow();
  ImGui::TableSetColumnIndex(1);
  const float wrap_w = ImGui::GetContentRegionAvail().x;
  const float h = ImGui::CalcTextSize(text.c_str(), nullptr, false, wrap_w).y;
  ImGui::TableSetColumnIndex(0);
  bool clicked = false;
  if (clickable) {
    ImGui::PushID(id);
    clicked = ImGui::Selectable("##row", false, ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap,
                                ImVec2(0, h));
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("Click to go back to this moment"));
    ImGui::PopID();
    ImGui::SameLine(0, 0);  // the selectable is zero-wide: the time starts where it would
  }
  ImGui::PushStyleColor(ImGuiCol_Text, time_col);
  ImGui::TextUnformatted(time.c_str());
  ImGui::PopStyleColor();
  ImGui::TableSetColumnIndex(1);
  ImGui::PushStyleColor(ImGuiCol_Text, text_col);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(text.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
  return clicked;
}

void controls_hint(const Palette& p) {
  ImGui::PushStyleColor(ImGuiCol_Text, p.past_text);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(tr("How to watch: press Space (or the green button of the timeline) to play and pause, → to step forward, ← to step back, Home to start again. Click a packet to inspect it; right-click a packet on a wire to drop it and see how TCP recovers."));
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
}

}  // namespace

void draw_lesson(const Session& s, UiState& ui, Intents& out) {
  if (!ImGui::Begin(window_title("Lesson", "lesson").c_str())) {
    ImGui::End();
    return;
  }
  using K = Intent::Kind;
  const LessonModel m = lesson_model(s.scenario(), s.now(), language());
  const Palette p = palette(ui.present);

  ImGui::PushStyleColor(ImGuiCol_Text, p.title);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(m.title.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();

  // The footer (pause or end hint) stays visible under the scrolling text.
  const bool paused_here = m.at_pause && !ui.playing;
  const bool at_end = m.at_end && !ui.playing;
  const float footer = (paused_here || at_end) ? ImGui::GetFrameHeightWithSpacing() + px(6) : 0.0f;
  ImGui::BeginChild("##lesson_text", ImVec2(0, -footer), false);

  ImGui::PushStyleColor(ImGuiCol_Text, p.past_text);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(m.summary.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();

  if (m.lines.empty()) {
    ImGui::Spacing();
    controls_hint(p);
  } else {
    ImGui::Separator();
    // Scroll the latest narration into view when it changes (the student may scroll freely
    // in between): its whole block with the "next" line below it when that fits.
    ImGuiStorage* store = ImGui::GetStateStorage();
    const ImGuiID key = ImGui::GetID("said");
    const int said_key = static_cast<int>(m.said) * 2 + (language() == Lang::Zh ? 1 : 0);
    const bool changed = store->GetInt(key, -1) != said_key;
    store->SetInt(key, said_key);
    float block_top = -1, block_bottom = -1;

    const ImGuiTableFlags tf = ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_PadOuterX;
    if (ImGui::BeginTable("##narration", 2, tf)) {
      ImGui::TableSetupColumn("time", ImGuiTableColumnFlags_WidthFixed, ImGui::CalcTextSize("000.5 ms").x);
      ImGui::TableSetupColumn("text", ImGuiTableColumnFlags_WidthStretch);
      if (!m.has_current()) block_top = ImGui::GetCursorPosY();
      for (size_t i = 0; i < m.said; ++i) {
        const NarrationLine& line = m.lines[i];
        const bool current = m.is_current(i);
        if (current && i == m.current_first) block_top = ImGui::GetCursorPosY();
        const std::string id = std::to_string(i);
        const bool clicked = narration_row(id.c_str(), format_time_short(line.t), line.text,
                                           current ? p.accent : p.dim, current ? p.current_text : p.past_text,
                                           !current || line.t != s.now());
        if (current) {
          ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, p.current_bg);
          // A bar on the left edge marks the current lines even in a greyscale projection.
          const float x = ImGui::GetWindowPos().x + px(1);
          ImGui::GetWindowDrawList()->AddRectFilled({x, ImGui::GetItemRectMin().y},
                                                    {x + px(4), ImGui::GetItemRectMax().y}, p.accent);
        }
        if (clicked) {
          out.push_back(Intent(K::Pause));
          out.push_back(Intent(K::Seek).with_t(line.t));
        }
      }
      if (const NarrationLine* next = m.next()) {
        const bool clicked = narration_row("next", format_time_short(next->t), "\u2026", p.dim, p.dim, true);
        if (clicked) {
          out.push_back(Intent(K::Pause));
          out.push_back(Intent(K::Seek).with_t(next->t));
        }
      }
      ImGui::EndTable();
    }
    block_bottom = ImGui::GetCursorPosY();
    if (changed && block_top >= 0) {
      const float view_h = ImGui::GetWindowHeight();
      const float target = block_bottom - block_top <= view_h ? block_bottom - view_h : block_top;
      ImGui::SetScrollY(std::max(0.0f, target));
    }
    if (!m.has_current()) {
      ImGui::Spacing();
      controls_hint(p);
    }
  }
  ImGui::EndChild();

  if (paused_here || at_end) {
    ImGui::Spacing();
    ImGui::PushStyleColor(ImGuiCol_Button, IM_COL32(40, 150, 80, 255));
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, IM_COL32(50, 175, 95, 255));
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, IM_COL32(30, 120, 65, 255));
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 255, 255, 255));
    if (paused_here) {
      if (ImGui::Button(tr("▶ Continue"))) out.push_back(Intent(K::TogglePlay));
    } else if (ImGui::Button(tr("Start the lesson again"))) {
      out.push_back(Intent(K::Restart));
    }
    ImGui::PopStyleColor(4);
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    ImGui::PushStyleColor(ImGuiCol_Text, p.accent);
    ImGui::TextUnformatted(paused_here ? tr("Paused here — press Space to continue")
                                       : tr("End of the lesson — press Home to start again"));
    ImGui::PopStyleColor();
  }
  ImGui::End();
}

}  // namespace tcplab::ui
