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
  return m;
}

}  // namespace tcplab
