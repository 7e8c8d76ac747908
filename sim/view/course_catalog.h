// The built-in scenarios in course order (issue 8): read from a directory of scenario files,
// ordered by their `chapter` ("M.N"), grouped under the chapters of course_chapters.h, with
// the scenarios that name no chapter (and files that do not load) last, under "Other".
// `tcplab list` prints it; the GUI's Open picker shows it. GL-free.
//
// Data flow: scenarios_dir()/*.toml --load_scenario_file--> CourseEntry (sorted)
//            --group_by_chapter--> CourseGroup per chapter --> list text or the picker.
#pragma once
#include <string>
#include <vector>

#include "sim/view/ui_strings.h"

namespace tcplab {

struct CourseEntry {
  std::string name;  // the file name without .toml: what `tcplab NAME` takes
  std::string path;
  std::string title, title_zh;
  std::string chapter;       // "7.3"; empty when the scenario names none
  int major = 0, minor = 0;  // the numbers of chapter; 0 when none
  bool loads = true;         // false: the file has errors (`tcplab check` explains them)

  const std::string& title_in(Lang l) const { return l == Lang::Zh && !title_zh.empty() ? title_zh : title; }
};

struct CourseGroup {
  int chapter = 0;  // 0: "Other" (no chapter)
  std::vector<CourseEntry> entries;
};

// Every *.toml of `dir`, in course order: by chapter and order in it, then by name; those
// without a chapter last, by name. Empty when the directory has none (or cannot be read).
std::vector<CourseEntry> read_course_catalog(const std::string& dir);

// In course order (see above): consecutive entries of one chapter number become one group.
void sort_course_order(std::vector<CourseEntry>& entries);
std::vector<CourseGroup> group_by_chapter(const std::vector<CourseEntry>& sorted);

// `tcplab list`: per group a heading line (chapter_heading), then one line per scenario,
// "  NAME  M.N  TITLE" with the columns aligned ("  NAME       TITLE" without chapter).
std::string course_list_text(const std::vector<CourseEntry>& sorted, Lang lang);

}  // namespace tcplab
