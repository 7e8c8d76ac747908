// The string table (ui_strings.h): one .inc per view, gathered here.
#include "sim/view/ui_strings.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>

namespace tcplab {
namespace {

constexpr UiString kStrings[] = {
#include "sim/view/strings/app.inc"
#include "sim/view/strings/topology.inc"
#include "sim/view/strings/ladder.inc"
#include "sim/view/strings/state_diagram.inc"
#include "sim/view/strings/inspector.inc"
#include "sim/view/strings/tables.inc"
#include "sim/view/strings/console.inc"
#include "sim/view/strings/timeline.inc"
#include "sim/view/strings/lesson.inc"
#include "sim/view/strings/plots.inc"
#include "sim/view/strings/live.inc"
    {"tcplab", "tcplab"},
};

const std::unordered_map<std::string_view, const char*>& zh_table() {
  static const auto* table = [] {
    auto* m = new std::unordered_map<std::string_view, const char*>();
    for (const UiString& s : kStrings) m->emplace(s.en, s.zh);
    return m;
  }();
  return *table;
}

}  // namespace

std::span<const UiString> ui_strings() { return kStrings; }

const char* translate(const char* en, Lang lang) {
  if (lang == Lang::En) return en;
  const auto& t = zh_table();
  auto it = t.find(en);
  return it == t.end() || it->second[0] == '\0' ? en : it->second;
}

}  // namespace tcplab
