// lesson_model.h: narration by time, split at the cursor.
#include "sim/view/lesson_model.h"

#include <algorithm>

namespace tcplab {
namespace {

// The text in the chosen language, falling back to the other one when only it exists.
const std::string& pick(Lang lang, const std::string& en, const std::string& zh) {
  if (lang == Lang::Zh && !zh.empty()) return zh;
  return en.empty() ? zh : en;
}

}  // namespace

LessonModel lesson_model(const Scenario& sc, Time now, Lang lang) {
  LessonModel m;
  m.title = pick(lang, sc.title, sc.title_zh);
  m.summary = pick(lang, sc.summary, sc.summary_zh);
  for (size_t i = 0; i < sc.steps.size(); ++i) {
    const StepSpec& st = sc.steps[i];
    if (st.pause) {
      m.pause_points.push_back(st.at);
      if (st.at == now) m.at_pause = true;
    }
    const std::string& text = pick(lang, st.say, st.say_zh);
    if (!text.empty()) m.lines.push_back(NarrationLine{st.at, text, st.pause, i});
  }
  // Steps are kept in file order; the world runs them by time, file order among equals.
  std::stable_sort(m.lines.begin(), m.lines.end(),
                   [](const NarrationLine& a, const NarrationLine& b) { return a.t < b.t; });
  std::sort(m.pause_points.begin(), m.pause_points.end());
  m.pause_points.erase(std::unique(m.pause_points.begin(), m.pause_points.end()), m.pause_points.end());

  while (m.said < m.lines.size() && m.lines[m.said].t <= now) ++m.said;
  m.current_first = m.said;
  while (m.current_first > 0 && m.lines[m.current_first - 1].t == m.lines[m.said - 1].t) --m.current_first;
  m.at_end = now >= sc.duration;

  m.chapter = sc.chapter;
  for (const QuestionSpec& q : sc.questions) {
    m.questions.push_back(LessonQuestion{pick(lang, q.ask, q.ask_zh), pick(lang, q.answer, q.answer_zh)});
  }
  for (const ProgramSpec& p : sc.programs) {
    LessonProgram lp;
    lp.name = p.name;
    if (p.node >= 0 && size_t(p.node) < sc.nodes.size()) lp.node = sc.nodes[size_t(p.node)].name;
    lp.lines = p.lines();
    m.programs.push_back(std::move(lp));
  }
  // Each program's lit lines: those of its latest steps at or before the cursor (file order
  // among steps at one time, as the world runs them; all of those are lit).
  Time latest = -1;
  for (const StepSpec& st : sc.steps) {
    if (!st.line || st.at > now) continue;
    const ProgramLines& pl = *st.line;
    if (pl.program < 0 || size_t(pl.program) >= m.programs.size()) continue;
    LessonProgram& lp = m.programs[size_t(pl.program)];
    if (st.at > lp.lit_at) {
      lp.lit_at = st.at;
      lp.lit.clear();
    }
    if (st.at == lp.lit_at) lp.lit.emplace_back(pl.first, pl.last);
    if (st.at >= latest) {  // the last in file order among equal times
      latest = st.at;
      m.current_program = pl.program;
    }
  }
  return m;
}

}  // namespace tcplab
