// The GUI's command line and input scripts (sim/cli/gui_options.h, sim/cli/gui_script.h),
// checked without GL: what `tcplab [SCENARIO] [options]` accepts, what it refuses before
// any window opens, and what each refusal says.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sim/cli/gui_options.h"
#include "sim/cli/gui_script.h"

using namespace tcplab;

namespace {

GuiOptions accept(const std::vector<std::string>& args) {
  std::string error;
  auto o = parse_gui_options(args, &error);
  CAPTURE(error);
  REQUIRE(o);
  return *o;
}

std::string refuse(const std::vector<std::string>& args) {
  std::string error;
  auto o = parse_gui_options(args, &error);
  CHECK_FALSE(o);
  CHECK_FALSE(error.empty());
  return error;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

std::vector<ScriptCommand> script_ok(const std::string& text) {
  std::vector<std::string> errors;
  auto s = parse_gui_script(text, "t.script", &errors);
  CAPTURE(errors.empty() ? std::string() : errors.front());
  REQUIRE(s);
  return *s;
}

std::vector<std::string> script_errors(const std::string& text) {
  std::vector<std::string> errors;
  auto s = parse_gui_script(text, "t.script", &errors);
  CHECK_FALSE(s);
  return errors;
}

}  // namespace

TEST_SUITE("gui options") {
  TEST_CASE("no arguments: the handshake lesson, English, windowed, no headless hook") {
    const GuiOptions o = accept({});
    CHECK(o.scenario == "handshake");
    CHECK(o.lang == "en");
    CHECK_FALSE(o.present);
    CHECK(o.scale == 0);
    CHECK(o.screenshot.empty());
    CHECK_FALSE(o.at);
    CHECK(o.bench_frames == 0);
    CHECK_FALSE(o.monkey);
    CHECK(o.script.empty());
  }

  TEST_CASE("a screenshot at a time, with a size, selections, language and presentation") {
    const GuiOptions o = accept({"lost-data", "--screenshot", "/tmp/x.PNG", "--at", "150ms", "--size", "1920x1080",
                                 "--select", "conn:client/s1", "--select", "packet:3", "--lang", "zh", "--present",
                                 "--scale", "1.5", "--dump-windows", "/tmp/w.txt"});
    CHECK(o.scenario == "lost-data");
    CHECK(o.screenshot == "/tmp/x.PNG");
    REQUIRE(o.at);
    CHECK(*o.at == 150 * kMs);
    CHECK(o.width == 1920);
    CHECK(o.height == 1080);
    CHECK(o.select == std::vector<std::string>{"conn:client/s1", "packet:3"});
    CHECK(o.lang == "zh");
    CHECK(o.present);
    CHECK(o.scale == doctest::Approx(1.5));
    CHECK(o.dump_windows == "/tmp/w.txt");
  }

  TEST_CASE("the scenario may come after the options") {
    CHECK(accept({"--present", "time-wait"}).scenario == "time-wait");
  }

  TEST_CASE("monkey, script and benchmarks") {
    const GuiOptions m = accept({"--monkey", "20s", "--monkey-seed", "7"});
    REQUIRE(m.monkey);
    CHECK(*m.monkey == 20 * kSec);
    CHECK(m.monkey_seed == 7);
    CHECK(accept({"--script", "a.script"}).script == "a.script");
    CHECK(accept({"--bench-frames", "300", "--at", "2s"}).bench_frames == 300);
    CHECK(accept({"--bench-step-back", "50"}).bench_step_back == 50);
  }

  TEST_CASE("--hide takes window ids, one or a comma-separated list, and names the known ones") {
    CHECK(accept({"--hide", "plots"}).hide == std::vector<std::string>{"plots"});
    CHECK(accept({"--hide", "console,tables", "--hide", "plots"}).hide ==
          std::vector<std::string>{"console", "tables", "plots"});
    const std::string e = refuse({"--hide", "ladder,ladr"});
    CHECK(contains(e, "--hide: unknown window 'ladr'"));
    CHECK(contains(e, "topology, ladder, state, lesson, timeline, inspector, tables, console, plots"));
    CHECK(contains(refuse({"--hide", ""}), "unknown window ''"));
    CHECK(gui_window_ids().size() == 10);
    CHECK(accept({"--live", "--hide", "live_compare"}).hide == std::vector<std::string>{"live_compare"});
  }

  TEST_CASE("an unknown option is named, with the nearest one") {
    const std::string e = refuse({"--presnt"});
    CHECK(contains(e, "unknown option '--presnt'"));
    CHECK(contains(e, "did you mean '--present'"));
  }

  TEST_CASE("an option without its value") {
    CHECK(contains(refuse({"--at"}), "option --at needs a value"));
    CHECK(contains(refuse({"handshake", "--screenshot"}), "needs a value"));
  }

  TEST_CASE("bad values say what was expected and what was given") {
    CHECK(contains(refuse({"--lang", "fr"}), "--lang: expected en or zh, got 'fr'"));
    CHECK(contains(refuse({"--scale", "9"}), "--scale: expected a number from 0.5 to 4, got '9'"));
    CHECK(contains(refuse({"--scale", "big"}), "got 'big'"));
    CHECK(contains(refuse({"--size", "1920"}), "--size: expected WIDTHxHEIGHT"));
    CHECK(contains(refuse({"--size", "100x100"}), "between 320x240 and 8192x8192"));
    CHECK(contains(refuse({"--size", "1920x1080x2"}), "got '1920x1080x2'"));
    CHECK(contains(refuse({"--at", "150"}), "--at:"));
    CHECK(contains(refuse({"--at", "-5ms"}), "--at:"));
    CHECK(contains(refuse({"--select", "conn"}), "expected packet:ID, conn:NODE/SOCK or node:NAME"));
    CHECK(contains(refuse({"--bench-frames", "0"}), "--bench-frames: expected a count"));
    CHECK(contains(refuse({"--bench-frames", "ten"}), "got 'ten'"));
    CHECK(contains(refuse({"--monkey", "0s"}), "--monkey: expected a wall-clock duration"));
    CHECK(contains(refuse({"--monkey", "20"}), "got '20'"));
    CHECK(contains(refuse({"--monkey", "5s", "--monkey-seed", "-1"}), "--monkey-seed: expected a number"));
    CHECK(contains(refuse({"--screenshot", "out.jpg"}), "ending in .png, got 'out.jpg'"));
    CHECK(contains(refuse({"--bench-step-back", "0"}), "--bench-step-back: expected a count"));
  }

  TEST_CASE("two scenarios are refused, both named") {
    const std::string e = refuse({"handshake", "time-wait"});
    CHECK(contains(e, "'handshake'"));
    CHECK(contains(e, "'time-wait'"));
  }

  TEST_CASE("modes that end by themselves exclude each other") {
    CHECK(contains(refuse({"--screenshot", "a.png", "--bench-frames", "10"}),
                   "--screenshot and --bench-frames cannot be used together"));
    CHECK(contains(refuse({"--monkey", "5s", "--script", "a"}), "--monkey and --script"));
    CHECK(contains(refuse({"--monkey-seed", "3"}), "--monkey-seed needs --monkey"));
  }

  TEST_CASE("--live runs the scenario on the kernel, --level picks the level, --at is the run's time") {
    const GuiOptions o = accept({"--live", "handshake", "--level", "1", "--screenshot", "l.png", "--at", "1s"});
    CHECK(o.live);
    CHECK(o.scenario == "handshake");
    CHECK(o.level == 1);
    REQUIRE(o.at);
    CHECK(*o.at == kSec);
    CHECK(accept({"time-wait", "--live"}).live);
    CHECK(accept({"--live"}).level == 0);
    CHECK_FALSE(accept({}).live);
    CHECK(contains(refuse({"--live", "--level", "4"}), "--level: expected 1, 2 or 3, got '4'"));
    CHECK(contains(refuse({"--level", "2"}), "--level needs --live"));
    CHECK(contains(gui_usage_text(), "--live"));
  }

  TEST_CASE("every flag is known to is_gui_option, so `tcplab --present` reaches the GUI") {
    for (const char* f : {"--present", "--lang", "--scale", "--screenshot", "--at", "--size", "--select",
                          "--bench-frames", "--monkey", "--monkey-seed", "--script", "--dump-windows", "--hide",
                          "--live", "--level"})
      CHECK(is_gui_option(f));
    CHECK_FALSE(is_gui_option("--until"));
    CHECK(contains(gui_usage_text(), "--screenshot"));
  }
}

TEST_SUITE("gui options: scripts") {
  TEST_CASE("every command of the format, comments and blank lines skipped") {
    const auto s = script_ok(R"(# a comment
wait 3

move 10 20
click 100.5 200 right
click @ladder 0.5 0.25
drag 1 2 3 4
wheel -2
key ctrl+s
key space
type hello world  
screenshot /tmp/a b.png
dump-windows /tmp/w.txt
trace /tmp/t.jsonl
intent seek 150ms
intent step packet
intent back
intent run client ping -c 1 192.168.1.20
intent select-conn client/s1
intent drop first-tcp
intent delay 17 20ms
intent lang zh
intent save /tmp/x.toml
intent live-start 3
intent live-start
intent live-stop
intent live-leave
expect window live_compare
expect interventions 2
expect time 1s
expect window ladder
expect status Saved /tmp/x.toml
expect present off
quit
)");
    REQUIRE(s.size() == 32);
    using Op = ScriptCommand::Op;
    CHECK(s[0].op == Op::Wait);
    CHECK(s[0].frames == 3);
    CHECK(s[0].line == 2);
    CHECK(s[1].op == Op::Move);
    CHECK(s[1].a.x == 10);
    CHECK(s[1].line == 4);
    CHECK(s[2].op == Op::Click);
    CHECK(s[2].button == 1);
    CHECK(s[2].a.x == doctest::Approx(100.5));
    CHECK(s[3].a.window == "ladder");
    CHECK(s[3].a.y == doctest::Approx(0.25));
    CHECK(s[3].button == 0);
    CHECK(s[4].op == Op::Drag);
    CHECK(s[4].b.x == 3);
    CHECK(s[4].b.y == 4);
    CHECK(s[5].wheel == -2);
    CHECK(s[6].key.name == "S");
    CHECK(s[6].key.ctrl);
    CHECK(s[7].key.name == "Space");
    CHECK_FALSE(s[7].key.ctrl);
    CHECK(s[8].text == "hello world");
    CHECK(s[9].text == "/tmp/a b.png");
    CHECK(s[10].op == Op::DumpWindows);
    CHECK(s[11].op == Op::Trace);
    using V = ScriptIntent::Verb;
    CHECK(s[12].intent.verb == V::Seek);
    CHECK(s[12].intent.t == 150 * kMs);
    CHECK(s[13].intent.unit == "packet");
    CHECK(s[14].intent.verb == V::Back);
    CHECK(s[14].intent.unit == "event");
    CHECK(s[15].intent.verb == V::Run);
    CHECK(s[15].intent.node == "client");
    CHECK(s[15].intent.text == "ping -c 1 192.168.1.20");
    CHECK(s[16].intent.node == "client");
    CHECK(s[16].intent.text == "s1");
    CHECK(s[17].intent.verb == V::Drop);
    CHECK(s[17].intent.packet == "first-tcp");
    CHECK(s[18].intent.verb == V::Delay);
    CHECK(s[18].intent.packet == "17");
    CHECK(s[18].intent.t == 20 * kMs);
    CHECK(s[19].intent.text == "zh");
    CHECK(s[20].intent.text == "/tmp/x.toml");
    CHECK(s[21].intent.verb == V::LiveStart);
    CHECK(s[21].intent.number == 3);
    CHECK(s[22].intent.verb == V::LiveStart);
    CHECK(s[22].intent.number == 0);
    CHECK(s[23].intent.verb == V::LiveStop);
    CHECK(s[24].intent.verb == V::LiveLeave);
    CHECK(s[25].expect.text == "live_compare");
    using W = ScriptExpect::What;
    CHECK(s[26].expect.what == W::Interventions);
    CHECK(s[26].expect.number == 2);
    CHECK(s[27].expect.number == kSec);
    CHECK(s[28].expect.text == "ladder");
    CHECK(s[29].expect.text == "Saved /tmp/x.toml");
    CHECK_FALSE(s[30].expect.flag);
    CHECK(s[31].op == Op::Quit);
  }

  TEST_CASE("each bad line is reported with its line number and what was wrong") {
    const auto e = script_errors("wait\nclik 1 2\nkey ctrl+Spcae\nintent seek 10\nintent dorp first\n"
                                 "click @ladr 0.5 0.5\nclick @ladder 2 0.5\ndrag 1 2 3\nexpect windw ladder\n"
                                 "intent select-conn client\nclick 1 2 sideways\nintent drop the-syn\n"
                                 "intent live-start 4\n");
    REQUIRE(e.size() == 13);
    CHECK(e[0] == "t.script:1: expected `wait FRAMES`");
    CHECK(contains(e[1], "t.script:2: unknown command 'clik' (did you mean 'click'?)"));
    CHECK(contains(e[2], "t.script:3: unknown key 'Spcae' (did you mean 'Space'?)"));
    CHECK(contains(e[3], "t.script:4:"));
    CHECK(contains(e[4], "unknown intent 'dorp' (did you mean 'drop'?)"));
    CHECK(contains(e[5], "unknown window 'ladr' (did you mean 'ladder'?)"));
    CHECK(contains(e[6], "fractions from 0 to 1"));
    CHECK(contains(e[7], "t.script:8: expected a position"));
    CHECK(contains(e[8], "unknown expectation 'windw'"));
    CHECK(contains(e[9], "expected NODE/SOCK"));
    CHECK(contains(e[10], "expected left, right or middle, got 'sideways'"));
    CHECK(contains(e[11], "expected a packet id, first or first-tcp, got 'the-syn'"));
    CHECK(contains(e[12], "expected `intent live-start [1|2|3]`"));
  }

  TEST_CASE("the Lesson panel's answers: intent reveal N or all and expect answers N") {
    const auto s = script_ok("intent reveal 2\nintent reveal all\nexpect answers 1\n");
    REQUIRE(s.size() == 3);
    CHECK(s[0].intent.verb == ScriptIntent::Verb::Reveal);
    CHECK(s[0].intent.number == 2);
    CHECK(s[1].intent.number == 0);
    CHECK(s[2].expect.what == ScriptExpect::What::Answers);
    CHECK(s[2].expect.number == 1);
    const auto e = script_errors("intent reveal 0\nintent reveal\nintent reveal first\nexpect answers -1\n");
    REQUIRE(e.size() == 4);
    CHECK(contains(e[0], "t.script:1: expected a question number from 1, or all, got '0'"));
    CHECK(contains(e[1], "intent reveal N|all"));
    CHECK(contains(e[2], "got 'first'"));
    CHECK(contains(e[3], "expected a count, got '-1'"));
  }

  TEST_CASE("an empty script is valid and does nothing") {
    CHECK(script_ok("").empty());
    CHECK(script_ok("# only a comment\n\n").empty());
  }
}
