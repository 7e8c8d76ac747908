// The app's modal dialogs (dialogs.h). They sit between the menu bar / shortcuts (which open
// them) and App::apply (which does the saving and opening and answers with an error or a
// close).
#include "render/dialogs.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <filesystem>

#include "sim/cli/cli.h"
#include "sim/view/course_chapters.h"

namespace tcplab::ui {
namespace {

namespace fs = std::filesystem;

// Stable ImGui ids ("###…") behind translated titles, as for windows.
std::string modal_id(DialogKind k) {
  switch (k) {
    case DialogKind::SaveAs: return window_title("Save as scenario", "dlg_save");
    case DialogKind::Open: return window_title("Open a scenario", "dlg_open");
    case DialogKind::ExportPcap: return window_title("Export the packets as pcap", "dlg_pcap");
    case DialogKind::ExportSvg: return window_title("Export the ladder diagram as SVG", "dlg_svg");
    case DialogKind::Screenshot: return window_title("Save a screenshot", "dlg_png");
    case DialogKind::Keys: return window_title("Keyboard shortcuts", "dlg_keys");
    case DialogKind::None: break;
  }
  return "###dlg_none";
}

void close(Dialogs& d) {
  d.kind = DialogKind::None;
  d.error.clear();
}

bool escape_pressed() { return ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape)); }

// The path field; true when Enter was pressed in it.
bool path_field(Dialogs& d) {
  ImGui::SetNextItemWidth(-1);
  if (d.focus_path) {
    ImGui::SetKeyboardFocusHere();
    d.focus_path = false;
  }
  return ImGui::InputTextWithHint("##path", tr("path of the file"), &d.path, ImGuiInputTextFlags_EnterReturnsTrue);
}

void error_text(const Dialogs& d) {
  if (d.error.empty()) return;
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.9f, 0.25f, 0.2f, 1));
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(d.error.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
}

// The OK / Cancel row; true when OK was pressed.
bool buttons(Dialogs& d, const char* ok_label) {
  ImGui::Spacing();
  const bool ok = ImGui::Button(ok_label, ImVec2(ImGui::GetFontSize() * 7, 0));
  ImGui::SameLine();
  if (ImGui::Button(tr("Cancel##dlg"), ImVec2(ImGui::GetFontSize() * 7, 0))) close(d);
  return ok;
}

// A dialog that writes one file: what it writes, the path, OK / Cancel.
void draw_write_dialog(Dialogs& d, const std::string& what, const char* ok_label, Intent::Kind kind,
                       Intents& out) {
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 32);
  ImGui::TextUnformatted(what.c_str());
  ImGui::PopTextWrapPos();
  ImGui::Spacing();
  bool go = path_field(d);
  std::error_code ec;
  if (!d.path.empty() && fs::exists(d.path, ec)) ImGui::TextDisabled("%s", tr("The file exists and will be replaced."));
  error_text(d);
  go |= buttons(d, ok_label);
  if (go) {
    if (d.path.empty()) d.error = tr("Type the path of the file first.");
    else out.push_back(Intent(kind).with_text(d.path));
  }
}

// The built-in lessons by course chapter: a heading per chapter, then its lessons with
// their chapter number, title (in the chosen language) and the name `tcplab NAME` takes.
void draw_open(Dialogs& d, ScenarioCatalog& catalog, Intents& out) {
  const Lang lang = language();
  ImGui::TextUnformatted(tr("Built-in lessons"));
  const size_t row_count = catalog.items().size() + catalog.groups().size();
  const float rows = std::min<float>(18.0f, std::max<float>(4.0f, float(row_count)));
  // Three columns: the chapter number, the title, the name.
  const float indent = ImGui::GetFontSize() * 1.0f;
  float num_w = ImGui::CalcTextSize("0.00").x, title_w = ImGui::GetFontSize() * 10, name_w = ImGui::GetFontSize() * 4;
  for (const ScenarioEntry& e : catalog.items()) {
    num_w = std::max(num_w, ImGui::CalcTextSize(e.chapter.c_str()).x);
    title_w = std::max(title_w, ImGui::CalcTextSize(e.title_in(lang).c_str()).x);
    name_w = std::max(name_w, ImGui::CalcTextSize(e.name.c_str()).x);
  }
  for (const CourseGroup& g : catalog.groups()) {
    title_w = std::max(title_w, ImGui::CalcTextSize(chapter_heading(g.chapter, lang).c_str()).x - num_w);
  }
  const float gap = ImGui::GetFontSize() * 1.5f;
  const float title_x = indent + num_w + gap * 0.5f, name_x = title_x + title_w + gap;
  const float list_w = name_x + name_w + ImGui::GetStyle().ScrollbarSize + ImGui::GetStyle().FramePadding.x * 4;
  bool go = false;
  // A list, not a field: a panel shade rather than the blue of input frames.
  ImGui::PushStyleColor(ImGuiCol_FrameBg, ImGui::GetStyleColorVec4(ImGuiCol_MenuBarBg));
  const bool list_open = ImGui::BeginListBox("##builtin", ImVec2(list_w, rows * ImGui::GetTextLineHeightWithSpacing()));
  ImGui::PopStyleColor();
  if (list_open) {
    size_t i = 0;  // index into items(): the groups hold them in the same order
    for (const CourseGroup& g : catalog.groups()) {
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_PlotHistogram));
      ImGui::TextUnformatted(chapter_heading(g.chapter, lang).c_str());
      ImGui::PopStyleColor();
      for (size_t k = 0; k < g.entries.size(); ++k, ++i) {
        const ScenarioEntry& e = catalog.items()[i];
        ImGui::PushID(static_cast<int>(i));
        ImGui::SetCursorPosX(ImGui::GetCursorPosX() + indent);
        if (ImGui::Selectable("##pick", d.picked == int(i),
                              ImGuiSelectableFlags_AllowDoubleClick | ImGuiSelectableFlags_AllowItemOverlap)) {
          d.picked = static_cast<int>(i);
          d.path.clear();
          if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) go = true;
        }
        ImGui::SameLine(indent + ImGui::GetStyle().ItemSpacing.x);
        ImGui::TextDisabled("%s", e.chapter.c_str());
        ImGui::SameLine(title_x);
        ImGui::TextUnformatted(e.title_in(lang).c_str());
        ImGui::SameLine(name_x);
        ImGui::TextDisabled("%s", e.name.c_str());
        ImGui::PopID();
      }
    }
    if (catalog.items().empty()) ImGui::TextDisabled("%s", tr("No built-in scenarios were found."));
    ImGui::EndListBox();
  }
  ImGui::Spacing();
  ImGui::TextUnformatted(tr("Or any scenario file"));
  go |= path_field(d);
  error_text(d);
  go |= buttons(d, tr("Open##dlg"));
  if (!go) return;
  if (!d.path.empty()) {
    out.push_back(Intent(Intent::Kind::OpenScenario).with_text(d.path));
  } else if (d.picked >= 0 && size_t(d.picked) < catalog.items().size()) {
    out.push_back(Intent(Intent::Kind::OpenScenario).with_text(catalog.items()[size_t(d.picked)].path));
  } else {
    d.error = tr("Pick a lesson or type the path of a scenario file.");
  }
}

void draw_keys() {
  struct Row {
    const char* key;
    const char* what;
  };
  const Row rows[] = {
      {"Space", tr("Play / pause")},
      {"→", tr("Step to the next event")},
      {"←", tr("Step back to the previous event")},
      {"Home", tr("Restart from time 0")},
      {"F11", tr("Presentation mode (large, high contrast)")},
      {"Ctrl+S", tr("Save as scenario (with your interventions)")},
      {"Ctrl+O", tr("Open a scenario")},
      {"F1", tr("This list")},
      {"Esc", tr("Close a dialog")},
  };
  if (ImGui::BeginTable("##keys", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) {
    for (const Row& r : rows) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r.key);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r.what);
    }
    ImGui::EndTable();
  }
  ImGui::TextDisabled("%s", tr("Right-click a packet in the topology to drop, delay, duplicate or corrupt it."));
}

}  // namespace

void ScenarioCatalog::refresh() {
  items_ = read_course_catalog(scenarios_dir());
  std::erase_if(items_, [](const ScenarioEntry& e) { return !e.loads; });
  groups_ = group_by_chapter(items_);
}

std::string ScenarioCatalog::all_titles() const {
  std::string out;
  for (const ScenarioEntry& e : items_) out += e.title + e.title_zh;
  for (const CourseGroup& g : groups_) out += chapter_heading(g.chapter, Lang::Zh);
  return out;
}

std::string scenario_stem(const Session& s) {
  if (s.path().empty()) return "scenario";
  return fs::path(s.path()).stem().string();
}

void open_dialog(Dialogs& d, DialogKind k, const Session& s) {
  d.kind = k;
  d.error.clear();
  d.focus_path = true;
  const std::string stem = scenario_stem(s);
  switch (k) {
    case DialogKind::SaveAs: d.path = stem + "-experiment.toml"; break;
    case DialogKind::ExportPcap: d.path = stem + ".pcap"; break;
    case DialogKind::ExportSvg: d.path = stem + "-ladder.svg"; break;
    case DialogKind::Screenshot: d.path = stem + "-" + format_duration(s.now()) + ".png"; break;
    case DialogKind::Open:
      d.path.clear();
      d.picked = -1;
      break;
    case DialogKind::Keys:
    case DialogKind::None: d.focus_path = false; break;
  }
}

void draw_dialogs(Dialogs& d, ScenarioCatalog& catalog, const Session& s, Intents& out) {
  // A modal that ImGui still has open keeps every other window from input: close it
  // properly (inside its own Begin) when the app has moved on.
  if (d.shown != DialogKind::None && d.shown != d.kind) {
    if (ImGui::BeginPopupModal(modal_id(d.shown).c_str())) {
      ImGui::CloseCurrentPopup();
      ImGui::EndPopup();
    }
    d.shown = DialogKind::None;
  }
  if (d.kind == DialogKind::None) return;
  if (d.shown == DialogKind::None) {
    if (d.kind == DialogKind::Open) catalog.refresh();  // new files in scenarios/ show up
    ImGui::OpenPopup(modal_id(d.kind).c_str());
    d.shown = d.kind;
  }
  bool open = true;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->GetCenter(), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (!ImGui::BeginPopupModal(modal_id(d.kind).c_str(), &open, ImGuiWindowFlags_AlwaysAutoResize)) {
    close(d);  // closed by ImGui itself
    d.shown = DialogKind::None;
    return;
  }
  const std::string at = format_duration(s.now());
  switch (d.kind) {
    case DialogKind::SaveAs: {
      const std::string what = std::string(tr("Saves the scenario and your interventions as [[step]] and [[fault]] entries: opening the file replays your experiment exactly.")) + "  (" + std::to_string(s.interventions().size()) + " " + tr("interventions so far") + ")";
      draw_write_dialog(d, what, tr("Save##dlg"), Intent::Kind::SaveAs, out);
      break;
    }
    case DialogKind::ExportPcap: {
      const std::string what = std::string(tr("Every packet sent on every link up to the cursor, as a pcap file for Wireshark or tshark.")) + "  (t = " + at + ")";
      draw_write_dialog(d, what, tr("Export##dlg"), Intent::Kind::ExportPcap, out);
      break;
    }
    case DialogKind::ExportSvg: {
      const std::string what = std::string(tr("The ladder diagram of the selected connection up to the cursor, as an SVG image for slides.")) + "  (t = " + at + ")";
      draw_write_dialog(d, what, tr("Export##dlg"), Intent::Kind::ExportLadderSvg, out);
      break;
    }
    case DialogKind::Screenshot:
      draw_write_dialog(d, tr("A PNG image of the whole window as it is now, without this dialog."), tr("Save##dlg"),
                        Intent::Kind::Screenshot, out);
      break;
    case DialogKind::Open: draw_open(d, catalog, out); break;
    case DialogKind::Keys:
      draw_keys();
      if (ImGui::Button(tr("Close##dlg"), ImVec2(ImGui::GetFontSize() * 7, 0))) close(d);
      break;
    case DialogKind::None: break;
  }
  if (escape_pressed()) close(d);
  if (d.kind == DialogKind::None) ImGui::CloseCurrentPopup();
  ImGui::EndPopup();
  if (!open) close(d);
  if (d.kind == DialogKind::None) d.shown = DialogKind::None;
}

}  // namespace tcplab::ui
