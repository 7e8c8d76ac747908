// Lesson view (issue 4 "Views" → Lesson): the scenario's title and summary, then its
// narration (the `say` of each step) advancing with the cursor: what has been said with its
// time, the latest line highlighted, only the time of the next one. At a `pause` step with
// playback stopped it says how to go on. Clicking a past line seeks there. A lesson of the
// course (issue 8) also has questions for the class, each answer hidden behind its own
// Reveal button until asked for, and programs: the source code the steps mirror, beside the
// narration when the panel is wide and under it when not, one tab per program, with the
// lines the latest step performed lit (the tab follows the program that ran last). Reads
// the Session through sim/view/lesson_model.h; returns Seek / Pause / TogglePlay /
// RevealAnswer intents.
#include <imgui.h>

#include <algorithm>
#include <cmath>
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

// The answers shown belong to one lesson: another one starts with all of them hidden.
void sync_lesson_state(LessonState& st, const Session& s) {
  const std::string key = s.path() + "\n" + s.scenario().title;
  if (st.revealed_for == key && st.revealed.size() == s.scenario().questions.size()) return;
  st = LessonState{};
  st.revealed_for = key;
  st.revealed.assign(s.scenario().questions.size(), false);
}

void wrapped(const std::string& text, ImU32 col) {
  ImGui::PushStyleColor(ImGuiCol_Text, col);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(text.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
}

// The questions for the class, numbered; each answer hidden behind its Reveal button.
void draw_questions(const LessonModel& m, const LessonState& st, const Palette& p, Intents& out) {
  ImGui::Spacing();
  ImGui::Separator();
  ImGui::PushStyleColor(ImGuiCol_Text, p.title);
  ImGui::TextUnformatted(tr("Questions for the class"));
  ImGui::PopStyleColor();
  for (size_t i = 0; i < m.questions.size(); ++i) {
    const LessonQuestion& q = m.questions[i];
    ImGui::PushID(static_cast<int>(i));
    ImGui::Spacing();
    wrapped(std::to_string(i + 1) + ". " + q.ask, p.current_text);
    ImGui::Indent(ImGui::GetFontSize());
    if (i < st.revealed.size() && st.revealed[i]) {
      wrapped(std::string(tr("Answer:")) + " " + q.answer, p.accent);
    } else if (ImGui::SmallButton(tr("Reveal the answer"))) {
      out.push_back(Intent(Intent::Kind::RevealAnswer).with_level(static_cast<int>(i)));
    }
    ImGui::Unindent(ImGui::GetFontSize());
    ImGui::PopID();
  }
}

// One program's code with line numbers; the lit lines on the current-narration colours with
// the accent bar. Scrolls the lit lines into view when they change.
void draw_program_code(const LessonProgram& prog, size_t index, const Palette& p) {
  ImGui::BeginChild("##code", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
  const float digit = ImGui::CalcTextSize("0").x;
  const float number_w = digit * (prog.lines.size() >= 100 ? 3 : 2);
  const float code_x = number_w + digit * 1.5f;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  float lit_top = -1, lit_bottom = -1;
  for (size_t i = 0; i < prog.lines.size(); ++i) {
    const int n = static_cast<int>(i) + 1;
    const bool lit = prog.is_lit(n);
    const std::string& line = prog.lines[i];
    // Python's indentation carries meaning: leading spaces keep a fixed width each.
    const size_t indent = std::min(line.find_first_not_of(' '), line.size());
    const float y = ImGui::GetCursorPosY();
    if (lit) {
      const ImVec2 a = ImGui::GetCursorScreenPos();
      const float w = std::max(ImGui::GetContentRegionAvail().x, ImGui::GetWindowWidth());
      const ImVec2 b(a.x + w, a.y + ImGui::GetTextLineHeightWithSpacing());
      dl->AddRectFilled(a, b, p.current_bg);
      dl->AddRectFilled(a, ImVec2(a.x + px(4), b.y), p.accent);
      if (lit_top < 0) lit_top = y;
      lit_bottom = y + ImGui::GetTextLineHeightWithSpacing();
    }
    const std::string num = std::to_string(n);
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + number_w - ImGui::CalcTextSize(num.c_str()).x);
    ImGui::PushStyleColor(ImGuiCol_Text, lit ? p.accent : p.dim);
    ImGui::TextUnformatted(num.c_str());
    ImGui::PopStyleColor();
    ImGui::SameLine(code_x + digit * float(indent));
    ImGui::PushStyleColor(ImGuiCol_Text, lit ? p.current_text : p.past_text);
    ImGui::TextUnformatted(line.c_str() + indent);
    ImGui::PopStyleColor();
  }
  // Scroll when the lit lines change (the student may scroll freely in between).
  ImGuiStorage* store = ImGui::GetStateStorage();
  const ImGuiID key = ImGui::GetID("lit"), height_key = ImGui::GetID("lit_h");
  // Folded in unsigned arithmetic: a step hours into a long scenario must not overflow.
  const uint64_t lit_id = static_cast<uint64_t>(prog.lit_at) * 64 + index % 64 + 1;
  const int lit_key = static_cast<int>(static_cast<uint32_t>(lit_id ^ (lit_id >> 32)));
  const int view_px = static_cast<int>(ImGui::GetWindowHeight()) * 16384 + static_cast<int>(ImGui::GetWindowWidth());
  const bool resized = store->GetInt(height_key, -1) != view_px;
  store->SetInt(height_key, view_px);
  if ((store->GetInt(key, 0) != lit_key || resized) && lit_top >= 0) {
    const float view_h = ImGui::GetWindowHeight();
    const float target = lit_bottom - lit_top <= view_h * 0.6f ? lit_top - view_h * 0.3f : lit_top;
    ImGui::SetScrollY(std::max(0.0f, target));
  }
  store->SetInt(key, lit_top >= 0 ? lit_key : 0);
  ImGui::EndChild();
}

// The programs as tabs; the tab of the program that ran last is brought forward when that
// changes (the student may pick another tab in between).
void draw_programs(const LessonModel& m, LessonState& st, const Palette& p) {
  const bool follow = m.current_program >= 0 && m.current_program != st.followed_program;
  if (follow) st.followed_program = m.current_program;
  if (!ImGui::BeginTabBar("##programs", ImGuiTabBarFlags_FittingPolicyScroll)) return;
  for (size_t i = 0; i < m.programs.size(); ++i) {
    const LessonProgram& prog = m.programs[i];
    const ImGuiTabItemFlags flags = follow && int(i) == m.current_program ? ImGuiTabItemFlags_SetSelected : 0;
    const std::string label = prog.name + "###prog" + std::to_string(i);
    if (!ImGui::BeginTabItem(label.c_str(), nullptr, flags)) continue;
    st.program_tab = static_cast<int>(i);
    // Where the program runs, when the panel has room for it beside a few lines of code.
    if (!prog.node.empty() && ImGui::GetContentRegionAvail().y > ImGui::GetTextLineHeightWithSpacing() * 6) {
      ImGui::PushStyleColor(ImGuiCol_Text, p.dim);
      ImGui::Text(tr("runs on %s"), prog.node.c_str());
      ImGui::PopStyleColor();
    }
    draw_program_code(prog, i, p);
    ImGui::EndTabItem();
  }
  ImGui::EndTabBar();
}

void controls_hint(const Palette& p) {
  ImGui::PushStyleColor(ImGuiCol_Text, p.past_text);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(tr("How to watch: press Space (or the green button of the timeline) to play and pause, → to step forward, ← to step back, Home to start again. Click a packet to inspect it; right-click a packet on a wire to drop it and see how TCP recovers."));
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
}

void draw_narration(const Session& s, const LessonModel& m, const LessonState& st, const Palette& p,
                    Intents& out) {
  using K = Intent::Kind;
  ImGui::PushStyleColor(ImGuiCol_Text, p.past_text);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(m.summary.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();

  // Scroll the latest narration into view when it changes (the student may scroll freely
  // in between): its whole block with the "next" line below it when that fits; at the end
  // of the lesson, the questions.
  // A new size counts as a change too: the first frames draw before the layout is applied
  // (a narrow first frame wraps the text into a tall column).
  ImGuiStorage* store = ImGui::GetStateStorage();
  const ImGuiID key = ImGui::GetID("said"), height_key = ImGui::GetID("said_h");
  const int said_key = static_cast<int>(m.said) * 4 + (language() == Lang::Zh ? 2 : 0) + (m.at_end ? 1 : 0);
  const int view_px = static_cast<int>(ImGui::GetWindowHeight()) * 16384 + static_cast<int>(ImGui::GetWindowWidth());
  const bool changed = store->GetInt(key, -1) != said_key || store->GetInt(height_key, -1) != view_px;
  store->SetInt(key, said_key);
  store->SetInt(height_key, view_px);
  float block_top = -1, block_bottom = -1;

  if (m.lines.empty()) {
    ImGui::Spacing();
    controls_hint(p);
  } else {
    ImGui::Separator();
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
    if (!m.has_current()) {
      ImGui::Spacing();
      controls_hint(p);
    }
  }
  if (!m.questions.empty()) {
    const float questions_top = ImGui::GetCursorPosY();
    draw_questions(m, st, p, out);
    if (m.at_end) block_top = questions_top, block_bottom = ImGui::GetCursorPosY();
  }
  if (changed && block_top >= 0 && block_bottom >= 0) {
    const float view_h = ImGui::GetWindowHeight();
    const float target = block_bottom - block_top <= view_h ? block_bottom - view_h : block_top;
    ImGui::SetScrollY(std::max(0.0f, target));
  }
}

}  // namespace

void reveal_answer(LessonState& st, const Session& s, int index) {
  sync_lesson_state(st, s);
  if (index < 0) std::fill(st.revealed.begin(), st.revealed.end(), true);
  else if (size_t(index) < st.revealed.size()) st.revealed[size_t(index)] = true;
}

void draw_lesson(const Session& s, UiState& ui, Intents& out) {
  if (!ImGui::Begin(window_title("Lesson", "lesson").c_str())) {
    ImGui::End();
    return;
  }
  using K = Intent::Kind;
  sync_lesson_state(ui.lesson, s);
  const LessonModel m = lesson_model(s.scenario(), s.now(), language());
  const Palette p = palette(ui.present);

  ImGui::PushStyleColor(ImGuiCol_Text, p.title);
  ImGui::PushTextWrapPos(0.0f);
  const std::string title = m.chapter.empty() ? m.title : m.chapter + "  " + m.title;
  ImGui::TextUnformatted(title.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();

  // The footer (pause or end hint) stays visible under the scrolling text.
  const bool paused_here = m.at_pause && !ui.playing;
  const bool at_end = m.at_end && !ui.playing;
  const float footer = (paused_here || at_end) ? ImGui::GetFrameHeightWithSpacing() + px(6) : 0.0f;
  const ImVec2 area(ImGui::GetContentRegionAvail().x, ImGui::GetContentRegionAvail().y - footer);
  if (m.programs.empty()) {
    ImGui::BeginChild("##lesson_text", ImVec2(0, -footer), false);
    draw_narration(s, m, ui.lesson, p, out);
    ImGui::EndChild();
  } else if (area.x >= ImGui::GetFontSize() * 36 && area.x >= area.y * 1.2f) {
    // Wide: the program beside the narration, as the code is beside the slides in class.
    const float narration_w = std::floor(area.x * 0.45f);
    ImGui::BeginChild("##lesson_text", ImVec2(narration_w, area.y), false);
    draw_narration(s, m, ui.lesson, p, out);
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("##lesson_code", ImVec2(0, area.y), true);
    draw_programs(m, ui.lesson, p);
    ImGui::EndChild();
  } else {
    // Narrow: the program under the narration, with room for a few lines of code (the tabs,
    // the "runs on" line and the scrollbar take three) when the panel has it.
    const float line_h = ImGui::GetTextLineHeightWithSpacing();
    const float code_h = std::min(std::max(area.y * 0.55f, line_h * 9), area.y - line_h * 3);
    const float narration_h = std::floor(std::max(area.y - code_h, line_h * 2));
    ImGui::BeginChild("##lesson_text", ImVec2(0, narration_h), false);
    draw_narration(s, m, ui.lesson, p, out);
    ImGui::EndChild();
    ImGui::BeginChild("##lesson_code", ImVec2(0, area.y - narration_h - ImGui::GetStyle().ItemSpacing.y), true);
    draw_programs(m, ui.lesson, p);
    ImGui::EndChild();
  }
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
