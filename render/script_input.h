// Synthetic input (issue 4 "Headless hooks"): mouse and keys that a script
// (`--script FILE`, sim/cli/gui_script.h has the format) or the monkey (`--monkey DUR`,
// monkey.h) feeds to ImGui. The app calls them once per frame after
// ImGui_ImplGlfw_NewFrame() and before ImGui::NewFrame(), so that the GLFW back end (which
// writes io.MousePos / io.MouseDown from the real pointer) does not overwrite them. Besides
// input they may ask the app for intents, a screenshot, the window list or the trace
// (FrameRequests), and to stop.
#pragma once
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "render/ui.h"
#include "sim/cli/gui_script.h"

struct ImGuiIO;

namespace tcplab::ui {

// What a script or the monkey asks of the app this frame.
struct FrameRequests {
  Intents intents;            // applied after this frame, like a view's
  std::string screenshot;     // save this frame as a PNG
  std::string dump_windows;   // write the window list after this frame
  bool quit = false;
  int exit_code = 0;          // with quit: 1 when an expectation failed
};

// The state of the synthetic mouse and keyboard. write() puts it into ImGui's IO.
struct SyntheticInput {
  float x = -1, y = -1;        // mouse position in window pixels (-1: not over the window)
  bool down[3] = {};           // left, right, middle
  float wheel = 0;             // notches this frame
  std::vector<int> keys;       // GLFW key codes held this frame
  bool ctrl = false, shift = false, alt = false;
  std::string chars;           // UTF-8 typed this frame
  std::vector<int> set_last_frame;  // keys written last time, released exactly once

  void write(ImGuiIO& io);     // then clears the one-frame parts (wheel, chars)
  void release_keys(ImGuiIO& io);
};

// The GLFW key code for a script key name ("Space", "F11", "S"), or -1.
int glfw_key_for(const std::string& name);

// The window ImGui knows by `id` ("ladder"): its rectangle, false when it is not shown.
bool window_rect(const std::string& id, float& x, float& y, float& w, float& h);

// Plays a parsed script, one step per frame.
class ScriptPlayer {
 public:
  ScriptPlayer(std::vector<ScriptCommand> commands, std::string name);
  // Before ImGui::NewFrame(): runs what is due this frame. `s` and `ui` are the state
  // after the previous frame's intents.
  void before_frame(ImGuiIO& io, const Session& s, const UiState& ui, FrameRequests& req);

 private:
  using Micro = std::function<void(ImGuiIO&, FrameRequests&)>;  // one frame's worth of input
  // Expands a command into frames (click = press, release), or runs it at once (expect,
  // trace). False when it failed (the message is printed, the script stops with exit 1).
  bool expand(const ScriptCommand& c, const Session& s, const UiState& ui, FrameRequests& req);
  bool resolve(const ScriptPoint& p, float& x, float& y, int line);
  bool to_intent(const ScriptIntent& si, int line, const Session& s, Intent& out);
  void fail(int line, const std::string& message, FrameRequests& req);

  std::vector<ScriptCommand> commands_;
  std::string name_;
  size_t next_ = 0;
  std::deque<Micro> frames_;
  SyntheticInput in_;
  bool finished_ = false;
};

}  // namespace tcplab::ui
