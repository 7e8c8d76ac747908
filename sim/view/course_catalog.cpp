// course_catalog.h: the built-in scenarios grouped by course chapter.
#include "sim/view/course_catalog.h"

#include <algorithm>
#include <climits>
#include <filesystem>
#include <tuple>

#include "sim/scenario/scenario_loader.h"
#include "sim/view/course_chapters.h"

namespace tcplab {

std::vector<CourseEntry> read_course_catalog(const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<CourseEntry> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() != ".toml") continue;
    CourseEntry c;
    c.name = e.path().stem().string();
    c.path = e.path().string();
    LoadResult lr = load_scenario_file(c.path);
    if (lr.scenario) {
      const Scenario& sc = *lr.scenario;
      c.title = sc.title;
      c.title_zh = sc.title_zh;
      c.chapter = sc.chapter;
      c.major = sc.chapter_major;
      c.minor = sc.chapter_minor;
    } else {
      c.loads = false;
    }
    out.push_back(std::move(c));
  }
  sort_course_order(out);
  return out;
}

void sort_course_order(std::vector<CourseEntry>& entries) {
  auto key = [](const CourseEntry& e) {
    return std::tuple<int, int, const std::string&>(e.major > 0 ? e.major : INT_MAX, e.minor, e.name);
  };
  std::sort(entries.begin(), entries.end(), [&](const CourseEntry& a, const CourseEntry& b) { return key(a) < key(b); });
}

std::vector<CourseGroup> group_by_chapter(const std::vector<CourseEntry>& sorted) {
  std::vector<CourseGroup> groups;
  for (const CourseEntry& e : sorted) {
    if (groups.empty() || groups.back().chapter != e.major) groups.push_back(CourseGroup{e.major, {}});
    groups.back().entries.push_back(e);
  }
  return groups;
}

std::string course_list_text(const std::vector<CourseEntry>& sorted, Lang lang) {
  size_t name_w = 0, chapter_w = 0;
  for (const CourseEntry& e : sorted) {
    name_w = std::max(name_w, e.name.size());
    chapter_w = std::max(chapter_w, e.chapter.size());
  }
  auto pad = [](std::string s, size_t w) {
    s.resize(std::max(s.size(), w), ' ');
    return s;
  };
  std::string out;
  for (const CourseGroup& g : group_by_chapter(sorted)) {
    out += chapter_heading(g.chapter, lang) + "\n";
    for (const CourseEntry& e : g.entries) {
      out += "  " + pad(e.name, name_w) + "  ";
      if (chapter_w > 0) out += pad(e.chapter, chapter_w) + "  ";
      out += e.loads ? e.title_in(lang) : std::string("(invalid: run tcplab check)");
      out += "\n";
    }
  }
  return out;
}

}  // namespace tcplab
