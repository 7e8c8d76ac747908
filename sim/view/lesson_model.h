// The lesson panel's model (issue 4 "Lesson"): the scenario's title and summary, and its
// narration (the `say` of each step) in time order, split by the cursor into what has been
// said, what is being said now and what comes next; and whether playback is stopped at a
// `pause` step. Issue 8 adds the course: the chapter, the questions for the class and the
// programs the steps mirror, with the lines the latest step of each performs lit.
// GL-free: render/lesson_view.cpp draws it, tests check it.
//
// Data flow: Session::scenario() + the cursor + the language -> lesson_model() -> the view.
#pragma once
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "sim/core/time.h"
#include "sim/scenario/scenario.h"
#include "sim/view/ui_strings.h"

namespace tcplab {

struct NarrationLine {
  Time t = 0;
  std::string text;   // in the chosen language (English when the step has no say_zh)
  bool pause = false; // the step also stops playback
  size_t step = 0;    // index into Scenario::steps
};

struct LessonQuestion {
  std::string ask, answer;  // in the chosen language (English when a _zh text is missing)
};

// A [[program]] with the lines its latest performed step names (`line` on a step at or
// before the cursor). Lines of several steps at that same moment are all lit.
struct LessonProgram {
  std::string name;                   // "tcp_server.py"
  std::string node;                   // the node that runs it; empty when not said
  std::vector<std::string> lines;     // the code, line by line
  std::vector<std::pair<int, int>> lit;  // 1-based, inclusive ranges; empty = nothing lit yet
  Time lit_at = -1;                   // when the lit lines' steps ran; -1 = none yet

  bool is_lit(int line) const {
    for (auto [first, last] : lit) {
      if (line >= first && line <= last) return true;
    }
    return false;
  }
};

struct LessonModel {
  std::string chapter;               // "7.3"; empty when the scenario is not a lesson
  std::string title, summary;        // in the chosen language
  std::vector<NarrationLine> lines;  // steps with a say, by time (file order among equals)
  // Lines [0, said) are at or before the cursor; the others are still to come.
  size_t said = 0;
  // The latest narration: lines with the time of lines[said - 1] (a scenario may say two
  // things at once). Empty range [current_first, said) when nothing has been said yet.
  size_t current_first = 0;
  // The cursor is exactly at a `pause` step (the GUI says "press Space to continue" when
  // playback is stopped there).
  bool at_pause = false;
  std::vector<Time> pause_points;    // every pause step's time, ascending, no repeats
  bool at_end = false;               // the cursor is at or past the scenario's duration
  std::vector<LessonQuestion> questions;  // in file order
  std::vector<LessonProgram> programs;    // in file order
  // The program whose lit lines ran last (the one to show when only one fits); -1 when no
  // step with a `line` has run yet.
  int current_program = -1;

  bool has_current() const { return said > current_first; }
  bool is_current(size_t i) const { return i >= current_first && i < said; }
  // The next line to come, or nullptr.
  const NarrationLine* next() const { return said < lines.size() ? &lines[said] : nullptr; }
};

LessonModel lesson_model(const Scenario& sc, Time now, Lang lang);

}  // namespace tcplab
