// The user guide (docs/guide.md, docs/guide.zh.md) tells instructors how to write a scenario
// with a full example, shows what `tcplab check` prints for a mistake in it, and shows
// pictures. These tests keep what it says true: the example loads and does what its
// narration says, the error shown is the error printed, both languages carry the same
// example, and every picture exists and is one docs/make-screenshots.sh regenerates.
#include <doctest/doctest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "sim/net/world.h"
#include "sim/scenario/scenario_loader.h"
#include "tests/scenario_runner.h"

namespace {

using namespace tcplab;
using namespace tcplab::scenario_testing;

std::string read_doc(const std::string& rel) {
  const std::string path = std::string(TCPLAB_SOURCE_DIR) + "/" + rel;
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "cannot read ", path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The body of the first fenced block opened by "```<lang>" after `after` (a heading).
std::string fenced_block(const std::string& doc, const std::string& after, const std::string& lang) {
  const size_t h = doc.find(after);
  REQUIRE_MESSAGE(h != std::string::npos, "no '", after, "' in the guide");
  const std::string open = "```" + lang + "\n";
  const size_t b = doc.find(open, h);
  REQUIRE_MESSAGE(b != std::string::npos, "no ", open, " block after '", after, "'");
  const size_t start = b + open.size();
  const size_t e = doc.find("\n```", start);
  REQUIRE(e != std::string::npos);
  return doc.substr(start, e - start + 1);
}

const char* kWriting = "## Writing a scenario";
const char* kWritingZh = "## 编写场景";

Scenario load_example(const std::string& text) {
  LoadResult lr = load_scenario_text(text, "udp-loss.toml");
  std::string errors;
  for (const LoadError& e : lr.errors) errors += e.format() + "\n";
  INFO(errors);
  REQUIRE(lr.scenario.has_value());
  return *lr.scenario;
}

}  // namespace

TEST_SUITE("guide") {
  TEST_CASE("the guide's scenario example loads and does what its narration says") {
    const Scenario sc = load_example(fenced_block(read_doc("docs/guide.md"), kWriting, "toml"));
    CHECK(sc.chapter == "6.3");
    CHECK(sc.questions.size() == 2);
    for (const QuestionSpec& q : sc.questions) {
      CHECK_FALSE(q.ask_zh.empty());
      CHECK_FALSE(q.answer_zh.empty());
    }
    REQUIRE(sc.programs.size() == 1);
    CHECK(sc.programs[0].name == "udp_client.py");
    // Each step that names a program line performs that line: its command sends what the
    // line sends.
    const std::vector<std::string> code = sc.programs[0].lines();
    int with_line = 0;
    for (const StepSpec& st : sc.steps) {
      if (!st.line) continue;
      ++with_line;
      const std::string& py = code.at(static_cast<size_t>(st.line->first - 1));
      const std::string word = st.cmd_text.substr(st.cmd_text.rfind(' ') + 1);
      CAPTURE(st.cmd_text);
      CAPTURE(py);
      CHECK(contains(py, "sendto(b'" + word + "'"));
    }
    CHECK(with_line == 2);

    // "The network loses the first. Nobody notices": the first datagram is dropped by the
    // fault, only "two" reaches the server, and no one sends anything again.
    Run r{"guide example", World::from_scenario(sc), {}, {}};
    r.ctx = r.world.trace_context();
    r.world.run_until(sc.duration);
    r.events = r.world.take_trace();
    std::vector<std::string> sent, received, dropped;
    for (const Pkt& p : r.packets()) {
      if (!p.is_udp()) continue;
      if (p.kind() == EvKind::Tx && p.node == "client") sent.push_back(p.payload());
      if (p.kind() == EvKind::Rx && p.node == "server") received.push_back(p.payload());
      if (p.kind() == EvKind::Drop) {
        CHECK(p.e->packet().why == DropWhy::Fault);
        dropped.push_back(p.payload());
      }
    }
    CHECK(sent == std::vector<std::string>{"one", "two"});
    CHECK(dropped == std::vector<std::string>{"one"});
    CHECK(received == std::vector<std::string>{"two"});
  }

  TEST_CASE("the error the guide shows for a misspelt key is what tcplab check prints") {
    const std::string guide = read_doc("docs/guide.md");
    std::string text = fenced_block(guide, kWriting, "toml");
    // The guide's mistake: the first `cmd = "udp sendto` written `cmdd`.
    const size_t at = text.find("cmd = \"udp sendto");
    REQUIRE(at != std::string::npos);
    text.insert(at + 3, "d");
    LoadResult lr = load_scenario_text(text, "udp-loss.toml");
    CHECK_FALSE(lr.scenario.has_value());
    std::string printed;
    for (const LoadError& e : lr.errors) printed += e.format() + "\n";
    CHECK(fenced_block(guide, "A mistake is reported", "") == printed);
    CHECK(fenced_block(read_doc("docs/guide.zh.md"), "出错时会报告", "") == printed);
  }

  TEST_CASE("the Chinese guide carries the same scenario example") {
    CHECK(fenced_block(read_doc("docs/guide.zh.md"), kWritingZh, "toml") ==
          fenced_block(read_doc("docs/guide.md"), kWriting, "toml"));
  }

  TEST_CASE("both guides list every built-in lesson with its chapter") {
    for (const char* doc : {"docs/guide.md", "docs/guide.zh.md"}) {
      const std::string text = read_doc(doc);
      const size_t b = text.find("<!-- LESSONS-BY-CHAPTER -->");
      const size_t e = text.find("<!-- /LESSONS-BY-CHAPTER -->");
      REQUIRE(b != std::string::npos);
      REQUIRE(e != std::string::npos);
      const std::string table = text.substr(b, e - b);
      for (const std::string& name : builtin_scenarios()) {
        const Scenario sc = load_builtin(name);
        const std::string where = doc;
        CAPTURE(where);
        CAPTURE(name);
        CHECK_MESSAGE(contains(table, "| " + sc.chapter + " | `" + name + "` |"),
                      "run docs/make-lessons-table.py to bring the guide's table up to date");
      }
    }
  }

  TEST_CASE("every picture of the guides exists and make-screenshots.sh regenerates it") {
    const std::string script = read_doc("docs/make-screenshots.sh");
    for (const char* doc : {"docs/guide.md", "docs/guide.zh.md"}) {
      const std::string text = read_doc(doc);
      const std::regex image(R"(!\[[^\]]*\]\(([^)]+\.png)\))");
      int n = 0;
      for (auto it = std::sregex_iterator(text.begin(), text.end(), image); it != std::sregex_iterator(); ++it) {
        const std::string file = (*it)[1];
        const std::string where = doc;
        CAPTURE(where);
        CAPTURE(file);
        ++n;
        CHECK(std::ifstream(std::string(TCPLAB_SOURCE_DIR) + "/docs/" + file).good());
        CHECK(contains(script, file));
      }
      CHECK(n >= 6);
    }
  }
}
