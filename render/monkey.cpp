// The monkey (monkey.h): one random gesture or key per frame, sometimes an intent.
#include "render/monkey.h"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <cstdio>

namespace tcplab::ui {
namespace {

const char* const kWindowIds[] = {"topology", "ladder", "state", "lesson", "timeline",
                                  "inspector", "tables", "console", "plots"};

// Keys a student presses, with how often (the shortcuts that rebuild fonts are rare).
struct KeyChoice {
  int key;
  bool ctrl;
  double weight;
};
const KeyChoice kKeys[] = {
    {GLFW_KEY_SPACE, false, 6},  {GLFW_KEY_RIGHT, false, 8},  {GLFW_KEY_LEFT, false, 6},
    {GLFW_KEY_HOME, false, 2},   {GLFW_KEY_ENTER, false, 5},  {GLFW_KEY_ESCAPE, false, 3},
    {GLFW_KEY_BACKSPACE, false, 2}, {GLFW_KEY_TAB, false, 1}, {GLFW_KEY_UP, false, 2},
    {GLFW_KEY_DOWN, false, 2},   {GLFW_KEY_A, false, 1},      {GLFW_KEY_P, false, 1},
    {GLFW_KEY_F11, false, 0.3},  {GLFW_KEY_S, true, 0.5},     {GLFW_KEY_O, true, 0.5},
    {GLFW_KEY_A, true, 0.5},
};

// Console lines a student might type: real commands, half-right ones and nonsense.
const char* const kCommands[] = {
    "netstat -an", "ss -tan", "arp -n", "route -n", "ifconfig", "ip route", "tcp listen 2000",
    "tcp connect 192.168.1.20:2000", "tcp send s1 hello", "tcp close s1", "tcp abort s1",
    "ping -c 1 192.168.1.20", "ping -c 2 10.0.0.1", "udp bind 53", "traceroute 10.0.3.2", "app echo-server 7",
    "tcp recv s1", "hping3 -S -p 2000 192.168.1.20", "frobnicate", "tcp connect", "route add -net 10.0.0.0/8 gw 1.2.3.4",
};

}  // namespace

void Monkey::random_point(const ImGuiIO& io, float& x, float& y) {
  const float W = std::max(io.DisplaySize.x, 1.0f), H = std::max(io.DisplaySize.y, 1.0f);
  float wx = 0, wy = 0, ww = 0, wh = 0;
  if (chance(0.6) && window_rect(kWindowIds[pick(std::size(kWindowIds))], wx, wy, ww, wh)) {
    x = wx + float(uniform(0, 1)) * ww;
    y = wy + float(uniform(0, 1)) * wh;
  } else if (chance(0.15)) {
    x = float(uniform(0, std::min(400.0f, W)));  // the menu bar
    y = float(uniform(0, 30));
  } else {
    x = float(uniform(0, W));
    y = float(uniform(0, H));
  }
  x = std::clamp(x, 0.0f, W - 1);
  y = std::clamp(y, 0.0f, H - 1);
}

void Monkey::press_key(ImGuiIO& io) {
  (void)io;
  double total = 0;
  for (const KeyChoice& k : kKeys) total += k.weight;
  double r = uniform(0, total);
  for (const KeyChoice& k : kKeys) {
    r -= k.weight;
    if (r > 0) continue;
    in_.keys = {k.key};
    if (k.ctrl) in_.keys.push_back(GLFW_KEY_LEFT_CONTROL);
    in_.ctrl = k.ctrl;
    break;
  }
  ++n_.keys;
}

bool Monkey::random_intent(const Session& s, const ScenarioCatalog& catalog, Intent& out) {
  using K = Intent::Kind;
  const auto units = {StepUnit::Event, StepUnit::Packet, StepUnit::StateChange};
  auto unit = [&] { return *(units.begin() + pick(units.size())); };
  const double r = uniform(0, 100);
  if (r < 18) {
    out = Intent(K::Seek).with_t(Time(uniform(0, double(s.end()))));
  } else if (r < 32) {
    out = Intent(K::StepBack).with_unit(unit());
  } else if (r < 44) {
    out = Intent(K::StepForward).with_unit(unit());
  } else if (r < 60) {
    const auto flying = s.world().in_flight();
    if (flying.empty()) return false;
    const InFlightFrame& f = flying[pick(flying.size())];
    const FaultAction actions[] = {FaultAction::Drop, FaultAction::Delay, FaultAction::Duplicate,
                                   FaultAction::Corrupt};
    out = Intent(K::Intervene).with_packet(f.id, f.link).with_action(actions[pick(4)]).with_t(Time(uniform(1, 300)) * kMs);
  } else if (r < 72) {
    if (s.world().nodes().empty()) return false;
    out = Intent(K::RunCommand)
              .with_node(int32_t(pick(s.world().nodes().size())))
              .with_text(kCommands[pick(std::size(kCommands))]);
  } else if (r < 78) {
    const auto flying = s.world().in_flight();
    if (flying.empty()) return false;
    const InFlightFrame& f = flying[pick(flying.size())];
    out = Intent(K::SelectPacket).with_packet(f.id, f.link).with_t(chance(0.5) ? s.now() : -1);
  } else if (r < 82) {
    out = Intent(K::SelectNode).with_node(int32_t(pick(s.world().nodes().size() + 1)) - 1);
  } else if (r < 86) {
    out = Intent(K::SelectConnection).with_node(int32_t(pick(s.world().nodes().size()))).with_sock("s" + std::to_string(pick(4) + 1));
  } else if (r < 89) {
    out = Intent(K::TogglePlay);
  } else if (r < 91) {
    out = Intent(K::SetSpeed).with_speed(uniform(0.001, 5));
  } else if (r < 93) {
    out = Intent(K::ClearInterventions);
  } else if (r < 94) {
    out = Intent(K::Restart);
  } else if (r < 95) {  // a Reveal button of the Lesson panel, or one past the last (ignored)
    out = Intent(K::RevealAnswer).with_level(int(pick(s.scenario().questions.size() + 2)) - 1);
  } else if (r < 96.5) {
    if (catalog.items().empty()) return false;
    out = Intent(K::OpenScenario).with_text(catalog.items()[pick(catalog.items().size())].path);
  } else if (r < 97.5) {
    out = Intent(K::SetLang).with_lang(chance(0.5) ? Lang::Zh : Lang::En);
  } else if (r < 98.5) {
    out = Intent(K::TogglePresent);
  } else {
    const double scales[] = {0.75, 1.0, 1.25, 1.5, 2.0};
    out = Intent(K::SetUiScale).with_speed(scales[pick(std::size(scales))]);
  }
  return true;
}

void Monkey::before_frame(ImGuiIO& io, const Session& s, const UiState& ui, const ScenarioCatalog& catalog,
                          double wall, FrameRequests& req) {
  (void)ui;
  if (start_ < 0) start_ = wall;
  if (wall - start_ >= seconds_) {
    for (bool& d : in_.down) d = false;  // let go of everything
    in_.release_keys(io);
    req.quit = true;
    return;
  }
  ++n_.frames;
  // A key is held for one frame only.
  in_.keys.clear();
  in_.ctrl = in_.shift = in_.alt = false;
  if (gesture_frames_ > 0) {
    if (--gesture_frames_ == 0) {
      in_.down[gesture_button_] = false;
    } else {
      in_.x = std::clamp(in_.x + drag_dx_, 0.0f, std::max(io.DisplaySize.x - 1, 0.0f));
      in_.y = std::clamp(in_.y + drag_dy_, 0.0f, std::max(io.DisplaySize.y - 1, 0.0f));
    }
    in_.write(io);
    return;
  }
  const double r = uniform(0, 100);
  if (r < 24) {
    random_point(io, in_.x, in_.y);
    ++n_.moves;
  } else if (r < 44) {
    random_point(io, in_.x, in_.y);
    in_.down[0] = true;
    gesture_button_ = 0;
    gesture_frames_ = 1;
    ++n_.clicks;
  } else if (r < 50) {
    random_point(io, in_.x, in_.y);
    in_.down[1] = true;
    gesture_button_ = 1;
    gesture_frames_ = 1;
    ++n_.right_clicks;
  } else if (r < 56) {
    random_point(io, in_.x, in_.y);
    in_.down[0] = true;
    gesture_button_ = 0;
    gesture_frames_ = 2 + int(pick(8));
    drag_dx_ = float(uniform(-40, 40));
    drag_dy_ = float(uniform(-40, 40));
    ++n_.drags;
  } else if (r < 61) {
    in_.wheel = float(uniform(-3, 3));
    ++n_.wheels;
  } else if (r < 79) {
    press_key(io);
  } else if (r < 86) {
    static const char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789 .-:";
    const size_t len = 1 + pick(6);
    for (size_t i = 0; i < len; ++i) in_.chars += kChars[pick(sizeof kChars - 1)];
    ++n_.typed;
  } else if (r < 90) {
    Intent in;
    if (random_intent(s, catalog, in)) {
      req.intents.push_back(std::move(in));
      ++n_.intents;
    }
  }
  in_.write(io);
}

std::string Monkey::summary() const {
  char buf[320];
  std::snprintf(buf, sizeof buf,
                "monkey: %ld frames, %ld moves, %ld clicks, %ld right-clicks, %ld drags, %ld wheel turns, %ld keys, "
                "%ld typed, %ld intents",
                n_.frames, n_.moves, n_.clicks, n_.right_clicks, n_.drags, n_.wheels, n_.keys, n_.typed, n_.intents);
  return buf;
}

}  // namespace tcplab::ui
