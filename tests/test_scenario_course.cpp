// The course keys of a scenario file (issue 8): `chapter`, [[question]], [[program]] and a
// step's `line`. All optional; every mistake is reported at FILE:LINE:COL like the others.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sim/scenario/scenario_loader.h"

namespace tcplab {
namespace {

std::vector<std::string> errors_of(std::string_view text) {
  LoadResult r = load_scenario_text(text, "t.toml");
  std::vector<std::string> out;
  for (const LoadError& e : r.errors) out.push_back(e.format());
  CHECK(r.scenario.has_value() == out.empty());
  return out;
}

std::string error_of(std::string_view text) {
  std::vector<std::string> errors = errors_of(text);
  std::string all;
  for (const std::string& e : errors) all += "\n  " + e;
  CAPTURE(all);
  REQUIRE(errors.size() == 1);
  return errors[0];
}

Scenario load_ok(std::string_view text) {
  LoadResult r = load_scenario_text(text, "t.toml");
  std::string all;
  for (const LoadError& e : r.errors) all += "\n  " + e.format();
  CAPTURE(all);
  REQUIRE(r.scenario.has_value());
  return *r.scenario;
}

// Line 1: the chapter line (or nothing); line 2 the title; lines 3-13: two hosts and a
// link. Text appended starts at line 14.
std::string base(std::string_view chapter_line = "") {
  return std::string(chapter_line) + "\ntitle = \"t\"\n" +
         R"([[node]]
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
)";
}

// A program of three lines (the first line after ''' is line 1): lines 14-21 after base().
const std::string kProgram = R"([[program]]
name = "udp_server.py"
on = "server"
code = '''
from socket import *
s = socket(AF_INET, SOCK_DGRAM)
s.bind(("", 7000))
'''
)";

std::string step_with_line(std::string_view line) {
  return "[[step]]\nat = \"1s\"\non = \"server\"\ncmd = \"udp bind 7000\"\nline = \"" + std::string(line) + "\"\n";
}

}  // namespace

TEST_SUITE("scenario loader: course keys") {

TEST_CASE("chapter questions programs and step lines land in the scenario") {
  Scenario sc = load_ok(base("chapter = \"6.2\"") + kProgram + R"([[question]]
ask = "Who binds?"
ask_zh = "谁绑定？"
answer = "The server."
answer_zh = "服务器。"
[[question]]
ask = "Why?"
answer = "So that clients know where to send."
)" + step_with_line("udp_server.py:2-3") + step_with_line("udp_server.py:1"));
  CHECK(sc.chapter == "6.2");
  CHECK(sc.chapter_major == 6);
  CHECK(sc.chapter_minor == 2);
  REQUIRE(sc.programs.size() == 1);
  const ProgramSpec& p = sc.programs[0];
  CHECK(p.name == "udp_server.py");
  CHECK(p.node == sc.node_index("server"));
  CHECK(p.lines() == std::vector<std::string>{"from socket import *", "s = socket(AF_INET, SOCK_DGRAM)",
                                              "s.bind((\"\", 7000))"});
  CHECK(p.pos.line == 14);
  REQUIRE(sc.questions.size() == 2);
  CHECK(sc.questions[0].ask == "Who binds?");
  CHECK(sc.questions[0].ask_zh == "谁绑定？");
  CHECK(sc.questions[0].answer == "The server.");
  CHECK(sc.questions[0].answer_zh == "服务器。");
  CHECK(sc.questions[1].ask_zh.empty());
  REQUIRE(sc.steps.size() == 2);
  REQUIRE(sc.steps[0].line.has_value());
  CHECK(sc.steps[0].line->program == 0);
  CHECK(sc.steps[0].line->first == 2);
  CHECK(sc.steps[0].line->last == 3);
  REQUIRE(sc.steps[1].line.has_value());
  CHECK(sc.steps[1].line->first == 1);
  CHECK(sc.steps[1].line->last == 1);
}

TEST_CASE("a scenario without course keys has none") {
  Scenario sc = load_ok(base() + "[[step]]\nat = \"1s\"\non = \"server\"\ncmd = \"udp bind 7000\"\n");
  CHECK(sc.chapter.empty());
  CHECK(sc.chapter_major == 0);
  CHECK(sc.questions.empty());
  CHECK(sc.programs.empty());
  CHECK_FALSE(sc.steps[0].line.has_value());
}

TEST_CASE("program lines: a final newline adds no line and CRLF is one line end") {
  ProgramSpec p;
  p.code = "a\r\n\nb\n";
  CHECK(p.lines() == std::vector<std::string>{"a", "", "b"});
  p.code = "";
  CHECK(p.lines().empty());
  p.code = "only";
  CHECK(p.lines() == std::vector<std::string>{"only"});
}

TEST_CASE("chapter must be M.N with both numbers from 1") {
  for (std::string bad : {"7", "7.", ".3", "0.1", "7.0", "07.3", "7.3.1", "7-3", "a.b", " 7.3", "7.03"}) {
    CAPTURE(bad);
    CHECK(error_of(base("chapter = \"" + bad + "\"")) ==
          "t.toml:1:11: chapter must be \"M.N\" (course chapter M, N-th lesson in it; both from 1), "
          "e.g. chapter = \"7.3\", not \"" + bad + "\"");
  }
  CHECK(error_of(base("chapter = 7.3")) == "t.toml:1:11: chapter must be a string, not a float");
  CHECK(load_ok(base("chapter = \"12.10\"")).chapter_minor == 10);
}

TEST_CASE("questions need ask and answer as strings and know their keys") {
  CHECK(error_of(base() + "[[question]]\nask = \"Why?\"\n") ==
        "t.toml:14:1: [[question]] is missing required key 'answer'");
  CHECK(error_of(base() + "[[question]]\nanswer = \"Because.\"\n") ==
        "t.toml:14:1: [[question]] is missing required key 'ask'");
  CHECK(error_of(base() + "[[question]]\nask = \"Why?\"\nanswer = \"Because.\"\nanswer_cn = \"因为。\"\n") ==
        "t.toml:17:1: unknown key 'answer_cn' in [[question]] (did you mean 'answer_zh'?)");
  CHECK(error_of(base() + "[[question]]\nask = 3\nanswer = \"Because.\"\n") ==
        "t.toml:15:7: ask must be a string, not an integer");
}

TEST_CASE("programs need a unique name and code and run on a known host") {
  CHECK(error_of(base() + "[[program]]\nname = \"a.py\"\n") ==
        "t.toml:14:1: [[program]] is missing required key 'code'");
  CHECK(error_of(base() + "[[program]]\ncode = \"x\"\n") ==
        "t.toml:14:1: [[program]] is missing required key 'name'");
  CHECK(error_of(base() + "[[program]]\nname = \"a.py\"\ncode = \"x\"\n[[program]]\nname = \"a.py\"\ncode = \"y\"\n") ==
        "t.toml:18:8: program 'a.py' is already defined at line 14");
  CHECK(error_of(base() + "[[program]]\nname = \"a:b\"\ncode = \"x\"\n") ==
        "t.toml:15:8: program name 'a:b' must not be empty or contain ':' (steps name its lines as NAME:N)");
  CHECK(error_of(base() + "[[program]]\nname = \"a.py\"\non = \"sever\"\ncode = \"x\"\n") ==
        "t.toml:16:6: unknown node 'sever' (did you mean 'server'?)");
  CHECK(error_of(base() + "[[program]]\nname = \"a.py\"\ncod = \"x\"\ncode = \"x\"\n") ==
        "t.toml:16:1: unknown key 'cod' in [[program]] (did you mean 'code'?)");
}

TEST_CASE("a step line names a program and lines within its code") {
  // The step's line key is on line 26: `line = "` puts the value's first character at column 9.
  CHECK(error_of(base() + kProgram + step_with_line("udp_server.py:4")) ==
        "t.toml:26:23: udp_server.py has 3 lines, so it has no line 4");
  CHECK(error_of(base() + kProgram + step_with_line("udp_server.py:2-9")) ==
        "t.toml:26:25: udp_server.py has 3 lines, so it has no line 9");
  CHECK(error_of(base() + kProgram + step_with_line("udp_server.py:3-2")) ==
        "t.toml:26:23: line range 3-2 ends before it starts");
  CHECK(error_of(base() + kProgram + step_with_line("udp_server.py:0")) ==
        "t.toml:26:23: '0' is not a line number or range N-M (lines count from 1) "
        "(e.g. line = \"tcp_server.py:3\" or \"tcp_server.py:3-5\")");
  CHECK(error_of(base() + kProgram + step_with_line("udp_server.py:x")) ==
        "t.toml:26:23: 'x' is not a line number or range N-M (lines count from 1) "
        "(e.g. line = \"tcp_server.py:3\" or \"tcp_server.py:3-5\")");
  CHECK(error_of(base() + kProgram + step_with_line("udp_server.py")) ==
        "t.toml:26:8: line must be PROGRAM:N or PROGRAM:N-M, not 'udp_server.py' "
        "(e.g. line = \"tcp_server.py:3\" or \"tcp_server.py:3-5\")");
  CHECK(error_of(base() + kProgram + step_with_line("udp_sever.py:1")) ==
        "t.toml:26:8: unknown program 'udp_sever.py' (did you mean 'udp_server.py'?)");
  CHECK(error_of(base() + step_with_line("udp_server.py:1")) ==
        "t.toml:18:8: unknown program 'udp_server.py' (the scenario has no [[program]])");
}

TEST_CASE("a step may name a program that is defined after it") {
  Scenario sc = load_ok(base() + step_with_line("udp_server.py:1") + kProgram);
  REQUIRE(sc.steps[0].line.has_value());
  CHECK(sc.steps[0].line->program == 0);
}

}  // TEST_SUITE

}  // namespace tcplab
