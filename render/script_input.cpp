// Synthetic input and the script player (script_input.h).
#include "render/script_input.h"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <cfloat>
#include <fstream>
#include <iostream>

#include "sim/trace/jsonl.h"
#include "sim/wire/frame.h"

namespace tcplab::ui {

void SyntheticInput::write(ImGuiIO& io) {
  io.MousePos = x >= 0 && y >= 0 ? ImVec2(x, y) : ImVec2(-FLT_MAX, -FLT_MAX);
  for (int i = 0; i < 3; ++i) io.MouseDown[i] = down[i];
  io.MouseWheel += wheel;
  wheel = 0;
  for (int k : set_last_frame) io.KeysDown[k] = false;
  set_last_frame.clear();
  for (int k : keys)
    if (k >= 0 && k < IM_ARRAYSIZE(io.KeysDown)) {
      io.KeysDown[k] = true;
      set_last_frame.push_back(k);
    }
  io.KeyCtrl = ctrl;
  io.KeyShift = shift;
  io.KeyAlt = alt;
  if (!chars.empty()) io.AddInputCharactersUTF8(chars.c_str());
  chars.clear();
}

void SyntheticInput::release_keys(ImGuiIO& io) {
  keys.clear();
  ctrl = shift = alt = false;
  write(io);
}

int glfw_key_for(const std::string& name) {
  static const std::pair<const char*, int> named[] = {
      {"Space", GLFW_KEY_SPACE},   {"Enter", GLFW_KEY_ENTER},       {"Escape", GLFW_KEY_ESCAPE},
      {"Tab", GLFW_KEY_TAB},       {"Backspace", GLFW_KEY_BACKSPACE}, {"Delete", GLFW_KEY_DELETE},
      {"Insert", GLFW_KEY_INSERT}, {"Left", GLFW_KEY_LEFT},         {"Right", GLFW_KEY_RIGHT},
      {"Up", GLFW_KEY_UP},         {"Down", GLFW_KEY_DOWN},         {"Home", GLFW_KEY_HOME},
      {"End", GLFW_KEY_END},       {"PageUp", GLFW_KEY_PAGE_UP},    {"PageDown", GLFW_KEY_PAGE_DOWN},
  };
  for (const auto& [n, k] : named)
    if (name == n) return k;
  if (name.size() >= 2 && name[0] == 'F') {
    const int f = std::atoi(name.c_str() + 1);
    if (f >= 1 && f <= 12) return GLFW_KEY_F1 + f - 1;
  }
  // GLFW's codes for letters and digits are their ASCII capitals.
  if (name.size() == 1 && ((name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= '0' && name[0] <= '9'))) return name[0];
  return -1;
}

bool window_rect(const std::string& id, float& x, float& y, float& w, float& h) {
  // "Title###id" hashes as "###id" (ImGui restarts the hash at "###").
  ImGuiWindow* win = ImGui::FindWindowByName(("###" + id).c_str());
  if (!win || !win->Active) return false;
  x = win->Pos.x;
  y = win->Pos.y;
  w = win->Size.x;
  h = win->Size.y;
  return true;
}

ScriptPlayer::ScriptPlayer(std::vector<ScriptCommand> commands, std::string name)
    : commands_(std::move(commands)), name_(std::move(name)) {
  // The first frames place the windows; input before that would land elsewhere.
  for (int i = 0; i < 3; ++i) frames_.push_back([](ImGuiIO&, FrameRequests&) {});
}

void ScriptPlayer::fail(int line, const std::string& message, FrameRequests& req) {
  std::cerr << name_ << ":" << line << ": " << message << "\n";
  frames_.clear();
  finished_ = true;
  req.quit = true;
  req.exit_code = 1;
}

bool ScriptPlayer::resolve(const ScriptPoint& p, float& x, float& y, int line) {
  if (p.window.empty()) {
    x = p.x;
    y = p.y;
    return true;
  }
  float wx = 0, wy = 0, ww = 0, wh = 0;
  if (!window_rect(p.window, wx, wy, ww, wh)) {
    std::cerr << name_ << ":" << line << ": the " << p.window << " window is not shown\n";
    return false;
  }
  x = wx + p.x * ww;
  y = wy + p.y * wh;
  return true;
}

bool ScriptPlayer::to_intent(const ScriptIntent& si, int line, const Session& s, Intent& out) {
  using V = ScriptIntent::Verb;
  using K = Intent::Kind;
  auto err = [&](const std::string& m) {
    std::cerr << name_ << ":" << line << ": " << m << "\n";
    return false;
  };
  auto unit = [](const std::string& u) {
    return u == "packet" ? StepUnit::Packet : u == "state" ? StepUnit::StateChange : StepUnit::Event;
  };
  auto node = [&](const std::string& n, int32_t& idx) {
    idx = s.world().node_index(n);
    return idx >= 0 ? true : err("no node named '" + n + "' in this scenario");
  };
  // A packet on a wire now: by id, or the first one (of TCP) in flight.
  auto in_flight = [&](const std::string& which, uint64_t& id, int32_t& link) {
    for (const InFlightFrame& f : s.in_flight()) {
      if (f.lost) continue;
      bool ok = false;
      if (which == "first") ok = true;
      else if (which == "first-tcp") ok = f.frame && wire::parse_frame(*f.frame).tcp.has_value();
      else ok = std::to_string(f.id) == which;
      if (ok) {
        id = f.id;
        link = f.link;
        return true;
      }
    }
    return err("no packet " + which + " on a wire at t = " + format_duration(s.now()));
  };
  switch (si.verb) {
    case V::Seek: out = Intent(K::Seek).with_t(si.t); return true;
    case V::Step: out = Intent(K::StepForward).with_unit(unit(si.unit)); return true;
    case V::Back: out = Intent(K::StepBack).with_unit(unit(si.unit)); return true;
    case V::Play: out = Intent(K::Play); return true;
    case V::Pause: out = Intent(K::Pause); return true;
    case V::TogglePlay: out = Intent(K::TogglePlay); return true;
    case V::Restart: out = Intent(K::Restart); return true;
    case V::Speed: out = Intent(K::SetSpeed).with_speed(si.number); return true;
    case V::Scale: out = Intent(K::SetUiScale).with_speed(si.number); return true;
    case V::Lang: out = Intent(K::SetLang).with_lang(si.text == "zh" ? Lang::Zh : Lang::En); return true;
    case V::Present: out = Intent(K::TogglePresent); return true;
    case V::Clear: out = Intent(K::ClearInterventions); return true;
    case V::Reveal: out = Intent(K::RevealAnswer).with_level(int(si.number) - 1); return true;
    case V::Quit: out = Intent(K::Quit); return true;
    case V::Run: {
      int32_t n = -1;
      if (!node(si.node, n)) return false;
      out = Intent(K::RunCommand).with_node(n).with_text(si.text);
      return true;
    }
    case V::SelectNode: {
      int32_t n = -1;
      if (!node(si.node, n)) return false;
      out = Intent(K::SelectNode).with_node(n);
      return true;
    }
    case V::SelectConn: {
      int32_t n = -1;
      if (!node(si.node, n)) return false;
      out = Intent(K::SelectConnection).with_node(n).with_sock(si.text);
      return true;
    }
    case V::SelectPacket: {
      uint64_t id = 0;
      int32_t link = -1;
      if (si.packet == "first" || si.packet == "first-tcp") {
        if (!in_flight(si.packet, id, link)) return false;
      } else {
        id = std::stoull(si.packet);
        for (const TraceEvent& e : s.trace())
          if (e.ev == EvKind::Tx && e.packet().id == id) {
            link = e.packet().link;
            break;
          }
        if (link < 0) return err("no packet " + si.packet + " in the trace");
      }
      out = Intent(K::SelectPacket).with_packet(id, link);
      return true;
    }
    case V::Drop:
    case V::Delay:
    case V::Duplicate:
    case V::Corrupt: {
      uint64_t id = 0;
      int32_t link = -1;
      if (!in_flight(si.packet, id, link)) return false;
      const FaultAction a = si.verb == V::Drop        ? FaultAction::Drop
                            : si.verb == V::Delay     ? FaultAction::Delay
                            : si.verb == V::Duplicate ? FaultAction::Duplicate
                                                      : FaultAction::Corrupt;
      out = Intent(K::Intervene).with_packet(id, link).with_action(a).with_t(si.verb == V::Delay ? si.t : -1);
      return true;
    }
    case V::Open: out = Intent(K::OpenScenario).with_text(si.text); return true;
    case V::Save: out = Intent(K::SaveAs).with_text(si.text); return true;
    case V::ExportPcap: out = Intent(K::ExportPcap).with_text(si.text); return true;
    case V::ExportSvg: out = Intent(K::ExportLadderSvg).with_text(si.text); return true;
    case V::LiveStart: out = Intent(K::LiveStart).with_level(int(si.number)); return true;
    case V::LiveStop: out = Intent(K::LiveStop); return true;
    case V::LiveLeave: out = Intent(K::LiveLeave); return true;
  }
  return false;
}

bool ScriptPlayer::expand(const ScriptCommand& c, const Session& s, const UiState& ui, FrameRequests& req) {
  using Op = ScriptCommand::Op;
  switch (c.op) {
    case Op::Wait:
      for (int i = 0; i < c.frames; ++i) frames_.push_back([](ImGuiIO&, FrameRequests&) {});
      return true;
    case Op::Move: {
      float x = 0, y = 0;
      if (!resolve(c.a, x, y, c.line)) return false;
      frames_.push_back([this, x, y](ImGuiIO& io, FrameRequests&) {
        in_.x = x, in_.y = y;
        in_.write(io);
      });
      return true;
    }
    case Op::Click: {
      float x = 0, y = 0;
      if (!resolve(c.a, x, y, c.line)) return false;
      const int b = c.button;
      // Move first, so the press lands on what is hovered (ImGui decides hover a frame early).
      frames_.push_back([this, x, y](ImGuiIO& io, FrameRequests&) {
        in_.x = x, in_.y = y;
        in_.write(io);
      });
      frames_.push_back([this, b](ImGuiIO& io, FrameRequests&) {
        in_.down[b] = true;
        in_.write(io);
      });
      frames_.push_back([this, b](ImGuiIO& io, FrameRequests&) {
        in_.down[b] = false;
        in_.write(io);
      });
      return true;
    }
    case Op::Drag: {
      float x1 = 0, y1 = 0, x2 = 0, y2 = 0;
      if (!resolve(c.a, x1, y1, c.line) || !resolve(c.b, x2, y2, c.line)) return false;
      const int b = c.button;
      frames_.push_back([this, x1, y1](ImGuiIO& io, FrameRequests&) {
        in_.x = x1, in_.y = y1;
        in_.write(io);
      });
      constexpr int kSteps = 8;
      for (int i = 0; i <= kSteps; ++i) {
        const float f = float(i) / kSteps;
        frames_.push_back([this, b, x = x1 + (x2 - x1) * f, y = y1 + (y2 - y1) * f](ImGuiIO& io, FrameRequests&) {
          in_.down[b] = true;
          in_.x = x, in_.y = y;
          in_.write(io);
        });
      }
      frames_.push_back([this, b](ImGuiIO& io, FrameRequests&) {
        in_.down[b] = false;
        in_.write(io);
      });
      return true;
    }
    case Op::Wheel:
      frames_.push_back([this, n = c.wheel](ImGuiIO& io, FrameRequests&) {
        in_.wheel = n;
        in_.write(io);
      });
      return true;
    case Op::Key: {
      const int code = glfw_key_for(c.key.name);
      const ScriptKey k = c.key;
      frames_.push_back([this, code, k](ImGuiIO& io, FrameRequests&) {
        in_.keys = {code};
        if (k.ctrl) in_.keys.push_back(GLFW_KEY_LEFT_CONTROL);
        if (k.shift) in_.keys.push_back(GLFW_KEY_LEFT_SHIFT);
        if (k.alt) in_.keys.push_back(GLFW_KEY_LEFT_ALT);
        in_.ctrl = k.ctrl, in_.shift = k.shift, in_.alt = k.alt;
        in_.write(io);
      });
      frames_.push_back([this](ImGuiIO& io, FrameRequests&) { in_.release_keys(io); });
      return true;
    }
    case Op::Type:
      frames_.push_back([this, t = c.text](ImGuiIO& io, FrameRequests&) {
        in_.chars = t;
        in_.write(io);
      });
      return true;
    case Op::Screenshot:
      frames_.push_back([p = c.text](ImGuiIO&, FrameRequests& r) { r.screenshot = p; });
      return true;
    case Op::DumpWindows:
      frames_.push_back([p = c.text](ImGuiIO&, FrameRequests& r) { r.dump_windows = p; });
      return true;
    case Op::Trace: {
      std::ofstream f(c.text, std::ios::binary);
      JsonlWriter w(f, s.context());
      const size_t n = s.visible();
      for (size_t i = 0; i < n; ++i) w.write(s.trace()[i]);
      f.flush();
      if (!f) {
        std::cerr << name_ << ":" << c.line << ": cannot write " << c.text << "\n";
        return false;
      }
      return true;
    }
    case Op::Intent: {
      Intent in;
      if (!to_intent(c.intent, c.line, s, in)) return false;
      frames_.push_back([in](ImGuiIO&, FrameRequests& r) { r.intents.push_back(in); });
      return true;
    }
    case Op::Expect: {
      using W = ScriptExpect::What;
      const ScriptExpect& e = c.expect;
      std::string got;
      bool ok = false;
      float wx, wy, ww, wh;
      switch (e.what) {
        case W::Interventions:
          ok = int64_t(s.interventions().size()) == e.number;
          got = std::to_string(s.interventions().size()) + " interventions";
          break;
        case W::Time:
          ok = s.now() == e.number;
          got = "t = " + format_duration(s.now());
          break;
        case W::Window:
          ok = window_rect(e.text, wx, wy, ww, wh);
          got = ok ? "shown" : "the " + e.text + " window is not shown";
          break;
        case W::NoWindow:
          ok = !window_rect(e.text, wx, wy, ww, wh);
          got = ok ? "hidden" : "the " + e.text + " window is shown";
          break;
        case W::Status:
          ok = ui.status.find(e.text) != std::string::npos;
          got = "status '" + ui.status + "'";
          break;
        case W::Present:
          ok = ui.present == e.flag;
          got = ui.present ? "presentation on" : "presentation off";
          break;
        case W::Lang:
          ok = (ui.lang == Lang::Zh ? "zh" : "en") == e.text;
          got = ui.lang == Lang::Zh ? "lang zh" : "lang en";
          break;
        case W::Playing:
          ok = ui.playing == e.flag;
          got = ui.playing ? "playing" : "paused";
          break;
        case W::Answers: {
          const auto shown = std::count(ui.lesson.revealed.begin(), ui.lesson.revealed.end(), true);
          ok = shown == e.number;
          got = std::to_string(shown) + " answers revealed";
          break;
        }
      }
      if (!ok) {
        fail(c.line, "expectation failed: got " + got, req);
        return false;
      }
      return true;
    }
    case Op::Quit:
      finished_ = true;
      req.quit = true;
      return true;
  }
  return true;
}

void ScriptPlayer::before_frame(ImGuiIO& io, const Session& s, const UiState& ui, FrameRequests& req) {
  // Every frame, to the end: the mouse stays where the script left it (the frames after the
  // last command still render a screenshot), never where the X pointer happens to be.
  in_.write(io);
  if (finished_) {
    req.quit = true;
    return;
  }
  while (frames_.empty() && next_ < commands_.size()) {
    const ScriptCommand& c = commands_[next_++];
    if (!expand(c, s, ui, req)) {
      if (!finished_) fail(c.line, "the script stops here", req);
      return;
    }
    if (finished_) return;
  }
  if (frames_.empty()) {  // the end of the file
    finished_ = true;
    req.quit = true;
    return;
  }
  Micro m = std::move(frames_.front());
  frames_.pop_front();
  m(io, req);
}

}  // namespace tcplab::ui
