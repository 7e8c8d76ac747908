// The app's modal dialogs (issue 4 "Classroom", "Export"): Save as scenario, Open (the
// scenario picker), the three exports and the keyboard help. A dialog only edits its own
// fields and returns an Intent (SaveAs, OpenScenario, ExportPcap …) with the path; the app
// applies it between frames and either closes the dialog or puts the error in it
// (App::apply), so a failed save or a scenario with a syntax error is explained where the
// student is looking.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "render/ui.h"
#include "sim/view/course_catalog.h"

namespace tcplab::ui {

// The built-in scenarios in course order (sim/view/course_catalog.h), read once (not every
// frame) and again when the picker opens. Files that do not load are left out: `tcplab
// check` explains them; the picker lists what opens.
using ScenarioEntry = CourseEntry;

class ScenarioCatalog {
 public:
  void refresh();  // reads every scenarios_dir()/*.toml; ~25 small files
  const std::vector<ScenarioEntry>& items() const { return items_; }
  // items() by chapter: indices into items(), one group per chapter, "Other" last.
  const std::vector<CourseGroup>& groups() const { return groups_; }
  // Every title and chapter heading, for the font's glyph ranges (the picker shows them in Chinese).
  std::string all_titles() const;

 private:
  std::vector<ScenarioEntry> items_;
  std::vector<CourseGroup> groups_;
};

enum class DialogKind : uint8_t { None, SaveAs, Open, ExportPcap, ExportSvg, Screenshot, Keys };

struct Dialogs {
  DialogKind kind = DialogKind::None;   // what should be open
  DialogKind shown = DialogKind::None;  // what ImGui has open (they differ for one frame)
  std::string path;                     // the path field
  std::string error;                    // why the last attempt failed, shown in the dialog
  int picked = -1;                      // Open: the highlighted built-in scenario
  bool focus_path = false;              // put the keyboard in the path field once
};

// Opens `k` with its default path: `<scenario>-experiment.toml`, `<scenario>.pcap`,
// `<scenario>-ladder.svg`, `<scenario>-<time>.png`, in the current directory.
void open_dialog(Dialogs& d, DialogKind k, const Session& s);

// Draws the open dialog, if any (call once per frame, outside every window).
void draw_dialogs(Dialogs& d, ScenarioCatalog& catalog, const Session& s, Intents& out);

// The file name part of a scenario's path, without .toml ("handshake").
std::string scenario_stem(const Session& s);

}  // namespace tcplab::ui
