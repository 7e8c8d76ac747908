// The GUI's input scripts (gui_script.h): one command per line, checked word by word.
#include "sim/cli/gui_script.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "sim/cli/gui_options.h"
#include "sim/core/edit_distance.h"

namespace tcplab {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The line split at spaces; `rest[i]` is the text from word i to the end of the line
// (for `type TEXT` and paths that may hold spaces).
struct Words {
  std::vector<std::string> w;
  std::vector<std::string> rest;
};

Words split(std::string_view line) {
  Words out;
  size_t i = 0;
  while (true) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= line.size()) break;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    out.w.emplace_back(line.substr(i, j - i));
    std::string_view r = line.substr(i);
    while (!r.empty() && (r.back() == ' ' || r.back() == '\t' || r.back() == '\r')) r.remove_suffix(1);
    out.rest.emplace_back(r);
    i = j;
  }
  return out;
}

bool parse_float(const std::string& s, float& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && std::isfinite(out);
}

template <class T>
bool parse_int(const std::string& s, T& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

std::string suggest(const std::string& word, const std::vector<std::string>& known) {
  const std::string* best = nullptr;
  size_t best_d = 3;
  for (const std::string& k : known) {
    const size_t d = edit_distance(lower(word), lower(k));
    if (d < best_d) best_d = d, best = &k;
  }
  return best ? " (did you mean '" + *best + "'?)" : std::string();
}

const std::vector<std::string> kOps = {"wait", "move",  "click", "drag",  "wheel",  "key",   "type",
                                       "screenshot", "dump-windows", "trace", "intent", "expect", "quit"};
const std::vector<std::string> kVerbs = {
    "seek", "step",   "back",          "play",          "pause",        "toggle-play", "restart",
    "speed", "scale", "lang",          "present",       "clear",        "run",         "select-node",
    "select-conn", "select-packet", "drop", "delay",   "duplicate",    "corrupt",     "open",
    "save", "export-pcap", "export-svg", "quit", "live-start", "live-stop", "live-leave", "reveal"};
const std::vector<std::string> kExpects = {"interventions", "time", "window", "no-window",
                                           "status",        "present", "lang", "playing", "answers"};

class LineParser {
 public:
  LineParser(const Words& words, ScriptCommand& cmd) : w_(words), cmd_(cmd) {}
  std::optional<std::string> parse();

 private:
  size_t n() const { return w_.w.size(); }
  const std::string& at(size_t i) const { return w_.w[i]; }
  std::optional<std::string> need(size_t count, const char* usage) const {
    if (n() < count) return std::string("expected `") + usage + "`";
    return std::nullopt;
  }
  std::optional<std::string> exactly(size_t count, const char* usage) const {
    if (n() != count) return std::string("expected `") + usage + "`";
    return std::nullopt;
  }
  // A point starting at word i: `X Y` or `@ID FX FY`. Advances i.
  std::optional<std::string> point(size_t& i, ScriptPoint& p) const;
  std::optional<std::string> button(size_t i);
  std::optional<std::string> key();
  std::optional<std::string> intent();
  std::optional<std::string> expect();

  const Words& w_;
  ScriptCommand& cmd_;
};

std::optional<std::string> LineParser::point(size_t& i, ScriptPoint& p) const {
  if (i < n() && !at(i).empty() && at(i)[0] == '@') {
    p.window = at(i).substr(1);
    if (std::find(gui_window_ids().begin(), gui_window_ids().end(), p.window) == gui_window_ids().end())
      return "unknown window '" + p.window + "'" + suggest(p.window, gui_window_ids());
    ++i;
    if (i + 2 > n()) return "expected two fractions after @" + p.window;
    if (!parse_float(at(i), p.x) || !parse_float(at(i + 1), p.y) || p.x < 0 || p.x > 1 || p.y < 0 || p.y > 1)
      return "expected two fractions from 0 to 1 after @" + p.window + ", got '" + at(i) + " " + at(i + 1) + "'";
    i += 2;
    return std::nullopt;
  }
  if (i + 2 > n()) return "expected a position: X Y (pixels) or @WINDOW FX FY";
  if (!parse_float(at(i), p.x) || !parse_float(at(i + 1), p.y) || p.x < 0 || p.y < 0)
    return "expected a position in pixels, got '" + at(i) + " " + at(i + 1) + "'";
  i += 2;
  return std::nullopt;
}

std::optional<std::string> LineParser::button(size_t i) {
  if (i >= n()) return std::nullopt;
  const std::string b = lower(at(i));
  if (b == "left") cmd_.button = 0;
  else if (b == "right") cmd_.button = 1;
  else if (b == "middle") cmd_.button = 2;
  else return "expected left, right or middle, got '" + at(i) + "'";
  if (i + 1 < n()) return "unexpected '" + at(i + 1) + "' after the button";
  return std::nullopt;
}

std::optional<std::string> LineParser::key() {
  if (auto e = exactly(2, "key [ctrl+][shift+][alt+]NAME")) return e;
  std::string spec = at(1);
  ScriptKey k;
  while (true) {
    const size_t plus = spec.find('+');
    if (plus == std::string::npos || plus + 1 == spec.size()) break;
    const std::string mod = lower(spec.substr(0, plus));
    if (mod == "ctrl") k.ctrl = true;
    else if (mod == "shift") k.shift = true;
    else if (mod == "alt") k.alt = true;
    else return "unknown modifier '" + spec.substr(0, plus) + "' (ctrl, shift or alt)";
    spec = spec.substr(plus + 1);
  }
  for (const std::string& name : script_key_names())
    if (lower(name) == lower(spec)) k.name = name;
  if (k.name.empty()) return "unknown key '" + spec + "'" + suggest(spec, script_key_names());
  cmd_.key = k;
  return std::nullopt;
}

std::optional<std::string> LineParser::intent() {
  if (auto e = need(2, "intent VERB …")) return e;
  using V = ScriptIntent::Verb;
  ScriptIntent& it = cmd_.intent;
  const std::string verb = lower(at(1));
  auto unit = [&](const char* usage) -> std::optional<std::string> {
    it.unit = "event";
    if (n() == 2) return std::nullopt;
    if (auto e = exactly(3, usage)) return e;
    it.unit = lower(at(2));
    if (it.unit != "event" && it.unit != "packet" && it.unit != "state")
      return "expected event, packet or state, got '" + at(2) + "'";
    return std::nullopt;
  };
  auto duration = [&](const std::string& s, Time& out) -> std::optional<std::string> {
    std::string why;
    auto t = parse_duration(s, &why);
    if (!t) return why;
    out = *t;
    return std::nullopt;
  };
  auto packet = [&](const std::string& s) -> std::optional<std::string> {
    uint64_t id = 0;
    if (s != "first" && s != "first-tcp" && !parse_int(s, id))
      return "expected a packet id, first or first-tcp, got '" + s + "'";
    it.packet = s;
    return std::nullopt;
  };
  auto plain = [&](V v) -> std::optional<std::string> {
    it.verb = v;
    if (n() != 2) return "`intent " + verb + "` takes nothing more";
    return std::nullopt;
  };
  auto path = [&](V v, const char* usage) -> std::optional<std::string> {
    it.verb = v;
    if (auto e = need(3, usage)) return e;
    it.text = w_.rest[2];
    return std::nullopt;
  };
  if (verb == "seek") {
    it.verb = V::Seek;
    if (auto e = exactly(3, "intent seek DUR")) return e;
    return duration(at(2), it.t);
  }
  if (verb == "step") return it.verb = V::Step, unit("intent step [event|packet|state]");
  if (verb == "back") return it.verb = V::Back, unit("intent back [event|packet|state]");
  if (verb == "play") return plain(V::Play);
  if (verb == "pause") return plain(V::Pause);
  if (verb == "toggle-play") return plain(V::TogglePlay);
  if (verb == "restart") return plain(V::Restart);
  if (verb == "present") return plain(V::Present);
  if (verb == "clear") return plain(V::Clear);
  if (verb == "quit") return plain(V::Quit);
  if (verb == "live-stop") return plain(V::LiveStop);
  if (verb == "live-leave") return plain(V::LiveLeave);
  if (verb == "live-start") {
    it.verb = V::LiveStart;
    if (n() == 2) return std::nullopt;
    if (n() != 3 || (at(2) != "1" && at(2) != "2" && at(2) != "3")) return "expected `intent live-start [1|2|3]`";
    it.number = at(2)[0] - '0';
    return std::nullopt;
  }
  if (verb == "reveal") {
    it.verb = V::Reveal;
    if (auto e = exactly(3, "intent reveal N|all")) return e;
    if (at(2) == "all") {
      it.number = 0;
      return std::nullopt;
    }
    const std::string& d = at(2);
    if (d.empty() || d.size() > 3 || d.find_first_not_of("0123456789") != std::string::npos || std::stoi(d) == 0)
      return "expected a question number from 1, or all, got '" + d + "'";
    it.number = std::stoi(d);
    return std::nullopt;
  }
  if (verb == "speed" || verb == "scale") {
    it.verb = verb == "speed" ? V::Speed : V::Scale;
    if (auto e = exactly(3, verb == "speed" ? "intent speed X" : "intent scale X")) return e;
    float v = 0;
    if (!parse_float(at(2), v) || v <= 0) return "expected a positive number, got '" + at(2) + "'";
    it.number = v;
    return std::nullopt;
  }
  if (verb == "lang") {
    it.verb = V::Lang;
    if (auto e = exactly(3, "intent lang en|zh")) return e;
    it.text = lower(at(2));
    if (it.text != "en" && it.text != "zh") return "expected en or zh, got '" + at(2) + "'";
    return std::nullopt;
  }
  if (verb == "run") {
    it.verb = V::Run;
    if (auto e = need(4, "intent run NODE COMMAND…")) return e;
    it.node = at(2);
    it.text = w_.rest[3];
    return std::nullopt;
  }
  if (verb == "select-node") {
    it.verb = V::SelectNode;
    if (auto e = exactly(3, "intent select-node NAME")) return e;
    it.node = at(2);
    return std::nullopt;
  }
  if (verb == "select-conn") {
    it.verb = V::SelectConn;
    if (auto e = exactly(3, "intent select-conn NODE/SOCK")) return e;
    const size_t slash = at(2).find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == at(2).size())
      return "expected NODE/SOCK (e.g. client/s1), got '" + at(2) + "'";
    it.node = at(2).substr(0, slash);
    it.text = at(2).substr(slash + 1);
    return std::nullopt;
  }
  if (verb == "select-packet") {
    it.verb = V::SelectPacket;
    if (auto e = exactly(3, "intent select-packet ID")) return e;
    return packet(at(2));
  }
  if (verb == "drop" || verb == "duplicate" || verb == "corrupt") {
    it.verb = verb == "drop" ? V::Drop : verb == "duplicate" ? V::Duplicate : V::Corrupt;
    if (auto e = exactly(3, "intent drop|duplicate|corrupt PACKET")) return e;
    return packet(at(2));
  }
  if (verb == "delay") {
    it.verb = V::Delay;
    it.t = 100 * kMs;
    if (n() != 3 && n() != 4) return "expected `intent delay PACKET [DUR]`";
    if (auto e = packet(at(2))) return e;
    if (n() == 4) return duration(at(3), it.t);
    return std::nullopt;
  }
  if (verb == "open") return path(V::Open, "intent open SCENARIO");
  if (verb == "save") return path(V::Save, "intent save PATH");
  if (verb == "export-pcap") return path(V::ExportPcap, "intent export-pcap PATH");
  if (verb == "export-svg") return path(V::ExportSvg, "intent export-svg PATH");
  return "unknown intent '" + at(1) + "'" + suggest(at(1), kVerbs);
}

std::optional<std::string> LineParser::expect() {
  if (auto e = need(3, "expect WHAT VALUE")) return e;
  using W = ScriptExpect::What;
  ScriptExpect& ex = cmd_.expect;
  const std::string what = lower(at(1));
  auto on_off = [&](W w) -> std::optional<std::string> {
    ex.what = w;
    if (auto e = exactly(3, "expect present|playing on|off")) return e;
    const std::string v = lower(at(2));
    if (v != "on" && v != "off") return "expected on or off, got '" + at(2) + "'";
    ex.flag = v == "on";
    return std::nullopt;
  };
  if (what == "interventions") {
    ex.what = W::Interventions;
    if (auto e = exactly(3, "expect interventions N")) return e;
    if (!parse_int(at(2), ex.number) || ex.number < 0) return "expected a count, got '" + at(2) + "'";
    return std::nullopt;
  }
  if (what == "answers") {
    ex.what = W::Answers;
    if (auto e = exactly(3, "expect answers N")) return e;
    if (!parse_int(at(2), ex.number) || ex.number < 0) return "expected a count, got '" + at(2) + "'";
    return std::nullopt;
  }
  if (what == "time") {
    ex.what = W::Time;
    if (auto e = exactly(3, "expect time DUR")) return e;
    std::string why;
    auto t = parse_duration(at(2), &why);
    if (!t) return why;
    ex.number = *t;
    return std::nullopt;
  }
  if (what == "window" || what == "no-window") {
    ex.what = what == "window" ? W::Window : W::NoWindow;
    if (auto e = exactly(3, "expect window|no-window ID")) return e;
    ex.text = at(2);
    if (std::find(gui_window_ids().begin(), gui_window_ids().end(), ex.text) == gui_window_ids().end())
      return "unknown window '" + ex.text + "'" + suggest(ex.text, gui_window_ids());
    return std::nullopt;
  }
  if (what == "status") {
    ex.what = W::Status;
    ex.text = w_.rest[2];
    return std::nullopt;
  }
  if (what == "present") return on_off(W::Present);
  if (what == "playing") return on_off(W::Playing);
  if (what == "lang") {
    ex.what = W::Lang;
    if (auto e = exactly(3, "expect lang en|zh")) return e;
    ex.text = lower(at(2));
    if (ex.text != "en" && ex.text != "zh") return "expected en or zh, got '" + at(2) + "'";
    return std::nullopt;
  }
  return "unknown expectation '" + at(1) + "'" + suggest(at(1), kExpects);
}

std::optional<std::string> LineParser::parse() {
  using Op = ScriptCommand::Op;
  const std::string op = lower(at(0));
  size_t i = 1;
  if (op == "wait") {
    cmd_.op = Op::Wait;
    if (auto e = exactly(2, "wait FRAMES")) return e;
    if (!parse_int(at(1), cmd_.frames) || cmd_.frames < 0 || cmd_.frames > 1000000)
      return "expected a number of frames, got '" + at(1) + "'";
    return std::nullopt;
  }
  if (op == "move") {
    cmd_.op = Op::Move;
    if (auto e = point(i, cmd_.a)) return e;
    if (i != n()) return "unexpected '" + at(i) + "'";
    return std::nullopt;
  }
  if (op == "click") {
    cmd_.op = Op::Click;
    if (auto e = point(i, cmd_.a)) return e;
    return button(i);
  }
  if (op == "drag") {
    cmd_.op = Op::Drag;
    if (auto e = point(i, cmd_.a)) return e;
    if (auto e = point(i, cmd_.b)) return e;
    return button(i);
  }
  if (op == "wheel") {
    cmd_.op = Op::Wheel;
    if (auto e = exactly(2, "wheel N")) return e;
    if (!parse_float(at(1), cmd_.wheel)) return "expected a number of notches, got '" + at(1) + "'";
    return std::nullopt;
  }
  if (op == "key") {
    cmd_.op = Op::Key;
    return key();
  }
  if (op == "type") {
    cmd_.op = Op::Type;
    if (auto e = need(2, "type TEXT")) return e;
    cmd_.text = w_.rest[1];
    return std::nullopt;
  }
  if (op == "screenshot" || op == "dump-windows" || op == "trace") {
    cmd_.op = op == "screenshot" ? Op::Screenshot : op == "trace" ? Op::Trace : Op::DumpWindows;
    if (n() < 2) return "expected `" + op + " PATH`";
    cmd_.text = w_.rest[1];
    return std::nullopt;
  }
  if (op == "intent") {
    cmd_.op = Op::Intent;
    return intent();
  }
  if (op == "expect") {
    cmd_.op = Op::Expect;
    return expect();
  }
  if (op == "quit") {
    cmd_.op = Op::Quit;
    return exactly(1, "quit");
  }
  return "unknown command '" + at(0) + "'" + suggest(at(0), kOps);
}

}  // namespace

const std::vector<std::string>& script_key_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v = {"Space", "Enter", "Escape", "Tab",  "Backspace", "Delete", "Insert", "Left",
                                  "Right", "Up",    "Down",   "Home", "End",       "PageUp", "PageDown"};
    for (int i = 1; i <= 12; ++i) v.push_back("F" + std::to_string(i));
    for (char c = 'A'; c <= 'Z'; ++c) v.emplace_back(1, c);
    for (char c = '0'; c <= '9'; ++c) v.emplace_back(1, c);
    return v;
  }();
  return names;
}

std::optional<std::vector<ScriptCommand>> parse_gui_script(std::string_view text, const std::string& name,
                                                           std::vector<std::string>* errors) {
  std::vector<ScriptCommand> out;
  bool ok = true;
  int line_no = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    const Words words = split(line);
    if (words.w.empty() || words.w[0][0] == '#') continue;
    ScriptCommand cmd;
    cmd.line = line_no;
    if (auto err = LineParser(words, cmd).parse()) {
      ok = false;
      if (errors) errors->push_back(name + ":" + std::to_string(line_no) + ": " + *err);
      continue;
    }
    out.push_back(std::move(cmd));
  }
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace tcplab
