// The GUI's command line (gui_options.h).
#include "sim/cli/gui_options.h"

#include <algorithm>
#include <array>
#include <charconv>

#include "sim/core/edit_distance.h"

namespace tcplab {
namespace {

constexpr std::array kFlags = {"--present", "--lang",  "--scale",        "--screenshot", "--at",
                               "--size",    "--select", "--bench-frames", "--monkey",     "--monkey-seed",
                               "--script",  "--dump-windows", "--bench-step-back", "--hide",
                               "--live",    "--level"};

bool ends_with_png(const std::string& path) {
  if (path.size() < 4) return false;
  std::string ext = path.substr(path.size() - 4);
  for (char& c : ext) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return ext == ".png";
}

template <class T>
bool parse_number(const std::string& s, T& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

const std::vector<std::string>& gui_window_ids() {
  static const std::vector<std::string> ids = {"topology",  "ladder", "state",   "lesson", "timeline",
                                               "inspector", "tables", "console", "plots",
                                               "live_compare"};  // live mode only
  return ids;
}

bool is_gui_option(const std::string& arg) {
  for (const char* f : kFlags)
    if (arg == f) return true;
  return false;
}

std::optional<GuiOptions> parse_gui_options(const std::vector<std::string>& args, std::string* error) {
  GuiOptions o;
  bool have_scenario = false;
  bool have_monkey_seed = false;
  auto fail = [&](std::string m) -> std::optional<GuiOptions> {
    if (error) *error = std::move(m);
    return std::nullopt;
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (!a.empty() && a[0] == '-') {
      if (a == "--present") {
        o.present = true;
        continue;
      }
      if (a == "--live") {
        o.live = true;
        continue;
      }
      if (!is_gui_option(a)) {
        const std::vector<std::string> known(kFlags.begin(), kFlags.end());
        return fail("unknown option '" + a + "'" + did_you_mean(a, known));
      }
      if (i + 1 >= args.size()) return fail("option " + a + " needs a value");
      const std::string& v = args[++i];
      if (a == "--lang") {
        if (v != "en" && v != "zh") return fail("--lang: expected en or zh, got '" + v + "'");
        o.lang = v;
      } else if (a == "--scale") {
        try {
          size_t n = 0;
          o.scale = std::stof(v, &n);
          if (n != v.size() || !(o.scale >= 0.5f && o.scale <= 4.0f)) throw 0;
        } catch (...) {
          return fail("--scale: expected a number from 0.5 to 4, got '" + v + "'");
        }
      } else if (a == "--screenshot") {
        if (!ends_with_png(v)) return fail("--screenshot: expected a file name ending in .png, got '" + v + "'");
        o.screenshot = v;
      } else if (a == "--at") {
        std::string why;
        auto t = parse_duration(v, &why);
        if (!t) return fail("--at: " + why);
        o.at = t;
      } else if (a == "--size") {
        const size_t x = v.find('x');
        int w = 0, h = 0;
        if (x == std::string::npos || !parse_number(v.substr(0, x), w) || !parse_number(v.substr(x + 1), h) ||
            w < 320 || h < 240 || w > 8192 || h > 8192)
          return fail("--size: expected WIDTHxHEIGHT between 320x240 and 8192x8192, got '" + v + "'");
        o.width = w;
        o.height = h;
      } else if (a == "--select") {
        if (v.rfind("packet:", 0) != 0 && v.rfind("conn:", 0) != 0 && v.rfind("node:", 0) != 0)
          return fail("--select: expected packet:ID, conn:NODE/SOCK or node:NAME, got '" + v + "'");
        o.select.push_back(v);
      } else if (a == "--bench-frames") {
        if (!parse_number(v, o.bench_frames) || o.bench_frames < 1 || o.bench_frames > 1000000)
          return fail("--bench-frames: expected a count from 1 to 1000000, got '" + v + "'");
      } else if (a == "--monkey") {
        std::string why;
        auto t = parse_duration(v, &why);
        if (!t || *t <= 0 || *t > 24 * 3600 * kSec)
          return fail("--monkey: expected a wall-clock duration such as 30s, got '" + v + "'" +
                      (why.empty() ? std::string() : " (" + why + ")"));
        o.monkey = t;
      } else if (a == "--monkey-seed") {
        if (!parse_number(v, o.monkey_seed)) return fail("--monkey-seed: expected a number, got '" + v + "'");
        have_monkey_seed = true;
      } else if (a == "--script") {
        if (v.empty()) return fail("--script: expected a file name");
        o.script = v;
      } else if (a == "--dump-windows") {
        if (v.empty()) return fail("--dump-windows: expected a file name");
        o.dump_windows = v;
      } else if (a == "--hide") {
        size_t start = 0;
        while (start <= v.size()) {
          const size_t comma = std::min(v.find(',', start), v.size());
          const std::string id = v.substr(start, comma - start);
          const auto& ids = gui_window_ids();
          if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
            std::string list;
            for (const std::string& k : ids) list += (list.empty() ? "" : ", ") + k;
            return fail("--hide: unknown window '" + id + "' (one of " + list + ")");
          }
          o.hide.push_back(id);
          start = comma + 1;
        }
      } else if (a == "--level") {
        if (!parse_number(v, o.level) || o.level < 1 || o.level > 3)
          return fail("--level: expected 1, 2 or 3, got '" + v + "'");
      } else if (a == "--bench-step-back") {
        if (!parse_number(v, o.bench_step_back) || o.bench_step_back < 1 || o.bench_step_back > 100000)
          return fail("--bench-step-back: expected a count from 1 to 100000, got '" + v + "'");
      }
      continue;
    }
    if (have_scenario) return fail("more than one scenario given ('" + o.scenario + "' and '" + a + "')");
    o.scenario = a;
    have_scenario = true;
  }
  // The modes that end by themselves drive the same frame loop in different ways.
  std::vector<std::string> modes;
  if (!o.screenshot.empty()) modes.push_back("--screenshot");
  if (o.bench_frames > 0) modes.push_back("--bench-frames");
  if (o.monkey) modes.push_back("--monkey");
  if (!o.script.empty()) modes.push_back("--script");
  if (o.bench_step_back > 0) modes.push_back("--bench-step-back");
  if (modes.size() > 1)
    return fail(modes[0] + " and " + modes[1] + " cannot be used together (a script can take screenshots: " +
                "`screenshot PATH`)");
  if (have_monkey_seed && !o.monkey) return fail("--monkey-seed needs --monkey DUR");
  if (o.level != 0 && !o.live) return fail("--level needs --live (tcplab --live SCENARIO --level N)");
  if (o.live && o.bench_step_back > 0) return fail("--live and --bench-step-back cannot be used together");
  return o;
}

std::string gui_usage_text() {
  return R"(GUI options (tcplab [SCENARIO] [options]):
      --present             presentation mode (large, high contrast; F11 toggles)
      --lang en|zh          interface language (English, 简体中文)
      --scale F             UI scale from 0.5 to 4 (default: from the screen's DPI)
      --screenshot PNG      render once and save a PNG, then exit (works under Xvfb)
      --at DUR              the simulated time to show first, e.g. 150ms
      --size WxH            window size, e.g. 1920x1080
      --select WHAT         packet:ID, conn:NODE/SOCK or node:NAME (repeatable)
      --bench-frames N      render N frames, print median and p95 CPU frame time, exit
      --monkey DUR          random clicks, drags and keys for DUR of wall time, then exit
      --monkey-seed N       seed of the monkey's choices
      --script FILE         play scripted input (see README), then exit: exit 1 when an
                            `expect` line fails, 2 when the script has errors
      --dump-windows FILE   write the names of the windows shown, one per line
      --hide ID[,ID...]     hide windows (topology, ladder, state, lesson, timeline,
                            inspector, tables, console, plots, live_compare), e.g. for slides
      --live                run the scenario on the real Linux kernel (Live mode; the
                            Live menu does the same): the panels show the kernel's trace,
                            a second ladder shows the simulation beside it; --at waits
                            until the run reached that time and shows it
      --level 1|2|3         the live level (default: the highest your privileges allow):
                            1 sockets on 127.0.0.1, 2 + segments captured on lo
                            (CAP_NET_RAW), 3 the simulator is the wire (CAP_NET_ADMIN)
)";
}

}  // namespace tcplab
