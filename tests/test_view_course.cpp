// The course in the views (issue 8): the chapter table (sim/view/course_chapters.h), the
// scenarios in course order (sim/view/course_catalog.h, what `tcplab list` and the Open
// picker show) and the lesson model's questions and programs with their lit lines.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "sim/scenario/scenario_loader.h"
#include "sim/session/session.h"
#include "sim/view/course_catalog.h"
#include "sim/view/course_chapters.h"
#include "sim/view/lesson_model.h"

using namespace tcplab;

namespace {

Scenario load_ok(std::string_view text) {
  LoadResult r = load_scenario_text(text, "t.toml");
  std::string all;
  for (const LoadError& e : r.errors) all += "\n  " + e.format();
  CAPTURE(all);
  REQUIRE(r.scenario.has_value());
  return *r.scenario;
}

// A UDP lesson in miniature: a server program of 4 lines and a client of 2, steps that
// mirror them (two at 2 s), two questions, one without Chinese.
const std::string kLesson = R"(title = "UDP echo"
title_zh = "UDP 回显"
chapter = "6.1"
duration = "5s"
[[node]]
name = "client"
type = "host"
ifaces = { eth0 = "10.0.0.1/24" }
[[node]]
name = "server"
type = "host"
ifaces = { eth0 = "10.0.0.2/24" }
[[link]]
a = "client"
b = "server"
[[program]]
name = "udp_server.py"
on = "server"
code = '''
from socket import *
s = socket(AF_INET, SOCK_DGRAM)
s.bind(("", 7000))
data, addr = s.recvfrom(5)
'''
[[program]]
name = "udp_client.py"
code = '''
c = socket(AF_INET, SOCK_DGRAM)
c.sendto(b"howare", ("10.0.0.2", 7000))
'''
[[question]]
ask = "How many bytes does recvfrom(5) return?"
ask_zh = "recvfrom(5) 返回几个字节？"
answer = "Five: the rest of the datagram is discarded."
answer_zh = "五个：数据报其余部分被丢弃。"
[[question]]
ask = "Who binds?"
answer = "The server."
[[step]]
at = "1s"
on = "server"
cmd = "udp bind 7000 --as s"
line = "udp_server.py:2-3"
say = "The server binds."
[[step]]
at = "2s"
on = "server"
cmd = "udp recvfrom s 5"
line = "udp_server.py:4"
[[step]]
at = "2s"
on = "client"
cmd = "udp sendto 10.0.0.2:7000 howare"
line = "udp_client.py:1"
[[step]]
at = "2s"
on = "client"
cmd = "udp sendto 10.0.0.2:7000 howare"
line = "udp_client.py:2"
)";

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           ("tcplab-course-" + std::to_string(reinterpret_cast<uintptr_t>(this)));
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  void write(const std::string& name, const std::string& text) const { std::ofstream(path / name) << text; }
};

std::string scenario_with(const std::string& title, const std::string& chapter) {
  std::string s = "title = \"" + title + "\"\ntitle_zh = \"" + title + " 中\"\n";
  if (!chapter.empty()) s += "chapter = \"" + chapter + "\"\n";
  return s;
}

}  // namespace

TEST_SUITE("view: course") {

TEST_CASE("the chapter table follows the course notes in English and Chinese") {
  auto chapters = course_chapters();
  REQUIRE(chapters.size() == 8);
  for (size_t i = 0; i < chapters.size(); ++i) {
    CHECK(chapters[i].number == int(i + 1));
    CHECK(std::string(chapters[i].title).size() > 0);
    CHECK(std::string(chapters[i].title_zh).size() > 0);
  }
  CHECK(chapter_heading(1, Lang::En) == "1 Networks: LAN and WAN");
  CHECK(chapter_heading(1, Lang::Zh) == "1 网络通信概述");
  CHECK(chapter_heading(3, Lang::Zh) == "3 Linux 命令：ifconfig、ping、route");
  CHECK(chapter_heading(7, Lang::En) == "7 TCP");
  CHECK(chapter_heading(8, Lang::En) == "8 Beyond the notes: loss, timers, congestion");
  CHECK(chapter_heading(0, Lang::En) == "Other");
  CHECK(chapter_heading(0, Lang::Zh) == "其他");
  CHECK(chapter_heading(12, Lang::En) == "Chapter 12");
  CHECK(chapter_heading(12, Lang::Zh) == "第 12 章");
  CHECK(course_chapter(9) == nullptr);
}

TEST_CASE("the catalog orders by chapter then order in it with the unchaptered and broken last") {
  TempDir dir;
  dir.write("zeta.toml", scenario_with("Zeta", "1.2"));
  dir.write("alpha.toml", scenario_with("Alpha", "7.10"));
  dir.write("beta.toml", scenario_with("Beta", "7.2"));
  dir.write("gamma.toml", scenario_with("Gamma", "1.1"));
  dir.write("mine.toml", scenario_with("Mine", ""));
  dir.write("broken.toml", "title = \n");
  dir.write("notes.txt", "not a scenario");
  std::vector<CourseEntry> entries = read_course_catalog(dir.path.string());
  std::vector<std::string> names;
  for (const CourseEntry& e : entries) names.push_back(e.name);
  CHECK(names == std::vector<std::string>{"gamma", "zeta", "beta", "alpha", "broken", "mine"});
  CHECK(entries[3].chapter == "7.10");
  CHECK(entries[3].major == 7);
  CHECK(entries[3].minor == 10);
  CHECK_FALSE(entries[4].loads);

  std::vector<CourseGroup> groups = group_by_chapter(entries);
  REQUIRE(groups.size() == 3);
  CHECK(groups[0].chapter == 1);
  CHECK(groups[0].entries.size() == 2);
  CHECK(groups[1].chapter == 7);
  CHECK(groups[2].chapter == 0);
  CHECK(groups[2].entries.size() == 2);

  CHECK(course_list_text(entries, Lang::En) ==
        "1 Networks: LAN and WAN\n"
        "  gamma   1.1   Gamma\n"
        "  zeta    1.2   Zeta\n"
        "7 TCP\n"
        "  beta    7.2   Beta\n"
        "  alpha   7.10  Alpha\n"
        "Other\n"
        "  broken        (invalid: run tcplab check)\n"
        "  mine          Mine\n");
  CHECK(course_list_text(entries, Lang::Zh).starts_with("1 网络通信概述\n  gamma   1.1   Gamma 中\n"));
}

TEST_CASE("a catalog without any chapter has no chapter column") {
  TempDir dir;
  dir.write("b.toml", scenario_with("B", ""));
  dir.write("a.toml", scenario_with("A", ""));
  CHECK(course_list_text(read_course_catalog(dir.path.string()), Lang::En) == "Other\n  a  A\n  b  B\n");
}

TEST_CASE("the lesson model carries the chapter and the questions in the chosen language") {
  const Scenario sc = load_ok(kLesson);
  LessonModel en = lesson_model(sc, 0, Lang::En);
  CHECK(en.chapter == "6.1");
  REQUIRE(en.questions.size() == 2);
  CHECK(en.questions[0].ask == "How many bytes does recvfrom(5) return?");
  CHECK(en.questions[0].answer == "Five: the rest of the datagram is discarded.");
  LessonModel zh = lesson_model(sc, 0, Lang::Zh);
  CHECK(zh.questions[0].ask == "recvfrom(5) 返回几个字节？");
  CHECK(zh.questions[0].answer == "五个：数据报其余部分被丢弃。");
  CHECK(zh.questions[1].ask == "Who binds?");  // no Chinese: the English text
}

TEST_CASE("program lines are lit by the latest step of each program at or before the cursor") {
  const Scenario sc = load_ok(kLesson);
  LessonModel m = lesson_model(sc, 500 * kMs, Lang::En);
  REQUIRE(m.programs.size() == 2);
  CHECK(m.programs[0].name == "udp_server.py");
  CHECK(m.programs[0].node == "server");
  CHECK(m.programs[1].node.empty());
  CHECK(m.programs[0].lines.size() == 4);
  CHECK(m.programs[0].lines[3] == "data, addr = s.recvfrom(5)");
  CHECK(m.programs[0].lit.empty());
  CHECK(m.current_program == -1);

  m = lesson_model(sc, 1 * kSec, Lang::En);
  CHECK_FALSE(m.programs[0].is_lit(1));
  CHECK(m.programs[0].is_lit(2));
  CHECK(m.programs[0].is_lit(3));
  CHECK_FALSE(m.programs[0].is_lit(4));
  CHECK(m.programs[1].lit.empty());
  CHECK(m.current_program == 0);

  m = lesson_model(sc, 1500 * kMs, Lang::En);  // between steps: still the last performed lines
  CHECK(m.programs[0].is_lit(3));

  m = lesson_model(sc, 2 * kSec, Lang::En);
  CHECK_FALSE(m.programs[0].is_lit(3));
  CHECK(m.programs[0].is_lit(4));
  // Both client steps ran at 2 s: both lines are lit; the last in file order is current.
  CHECK(m.programs[1].is_lit(1));
  CHECK(m.programs[1].is_lit(2));
  CHECK(m.current_program == 1);
}

TEST_CASE("a scenario without course keys gives an empty course part") {
  const Scenario sc = load_ok("title = \"plain\"\n");
  LessonModel m = lesson_model(sc, 0, Lang::Zh);
  CHECK(m.chapter.empty());
  CHECK(m.questions.empty());
  CHECK(m.programs.empty());
  CHECK(m.current_program == -1);
}

TEST_CASE("save as scenario keeps the chapter and the questions and programs") {
  std::vector<std::string> errors;
  std::optional<Session> s = Session::open_text(kLesson, "lesson.toml", &errors);
  REQUIRE(s.has_value());
  s->seek(3 * kSec);
  std::optional<std::string> refused = s->run_command(s->scenario().node_index("client"), "udp sendto 10.0.0.2:7000 again");
  CHECK_FALSE(refused.has_value());
  const std::string saved = s->save_as_scenario();
  CHECK(saved.find("[[step]]") != std::string::npos);
  const Scenario back = load_ok(saved);
  CHECK(back.chapter == "6.1");
  CHECK(back.questions.size() == 2);
  REQUIRE(back.programs.size() == 2);
  CHECK(back.programs[0].lines() == s->scenario().programs[0].lines());
  CHECK(back.steps.size() == 5);
  REQUIRE(back.steps[0].line.has_value());
  CHECK(back.steps[0].line->first == 2);
}

}  // TEST_SUITE
