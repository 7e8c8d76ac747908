// The GUI application: one window, one Session (the model), the UiState, and the frame loop
// that draws every view and then applies the intents they returned (issue 4 "Shape"). The
// app's own parts: the menu bar, the status bar, keyboard shortcuts, the dialogs
// (dialogs.h), and the headless hooks (screenshot, benchmark, script, monkey).
//
// Live mode (issue 5): the app keeps the simulation's Session as it was and shows a
// LiveSession's kernel Session instead (model()), fed between frames by a LiveWorker
// thread; leaving live mode stops the run and shows the simulation again, unchanged.
#pragma once
#include <memory>
#include <optional>
#include <string>

#include "render/dialogs.h"
#include "render/monkey.h"
#include "render/script_input.h"
#include "render/ui.h"
#include "sim/cli/gui_options.h"
#include "sim/session/live_session.h"
#include "sim/session/live_worker.h"

struct GLFWwindow;

namespace tcplab::ui {

class App {
 public:
  explicit App(GuiOptions opt) : opt_(std::move(opt)) {}
  // Opens the window and runs until it is closed (or a headless hook is done). Returns the
  // process exit code.
  int run();

 private:
  // Opens a scenario (a path or a built-in name). On failure keeps the current one and
  // returns the loader's messages (FILE:LINE:COL: …).
  std::optional<std::vector<std::string>> open_scenario(const std::string& name_or_path);
  // The session every panel shows: the live run's while in live mode, else the simulation.
  Session& model() { return live_ ? live_->kernel() : *session_; }
  void frame();                 // one UI frame: draw views, collect intents
  void apply(const Intent& in); // between frames
  void play(double wall_dt);
  void place_windows(bool force);
  void draw_menu_bar(Intents& out);
  void draw_status_bar();
  void handle_keys(Intents& out);
  void feed_input(FrameRequests& req);  // script / monkey input, before ImGui::NewFrame()
  bool save_png(const std::string& path);
  void dump_windows(const std::string& path);
  void apply_select_options();
  void rebuild_fonts();
  void apply_style();
  void poll_file_change();
  // A file written for a dialog (save as, exports): closes the dialog or shows the error.
  void report_write(bool ok, const std::string& path, const std::string& error);
  bool write_allowed(const std::string& path);
  // ---- live mode ----
  void start_live(int level);
  void stop_live();             // the run ends; its trace stays to be explored
  void leave_live();            // back to the simulation
  void pump_live();             // each frame: what the run handed over, the simulation beside it
  void live_intervene(const Intent& in);
  bool live_screenshot_ready(int frames);  // --live --screenshot: the run reached --at
  void draw_live_menu(Intents& out);

  GuiOptions opt_;
  GLFWwindow* window_ = nullptr;
  std::optional<Session> session_;
  UiState ui_;
  Intents pending_;
  Dialogs dialogs_;
  ScenarioCatalog catalog_;
  std::optional<ScriptPlayer> script_;
  std::optional<Monkey> monkey_;
  bool quit_ = false;
  bool quit_requested_ = false;  // by a script: after the last screenshot is written
  int exit_code_ = 0;
  int layout_reset_ = 2;  // frames left in which windows are put back in place (the work
                          // area is known only after the menu bar was drawn once)
  std::string png_request_;  // a screenshot to take once the layout has settled
  int png_wait_ = 0;
  bool png_announce_ = false;  // asked for by the student: say "Saved …" when done
  bool fonts_dirty_ = true;
  float font_scale_built_ = 0;
  bool cjk_missing_ = false;
  std::string status_shown_;  // the status line fades after a while: since when it is shown
  double status_since_ = 0;
  double last_mtime_check_ = 0;
  long long file_mtime_ = 0;
  int fb_w_ = 0, fb_h_ = 0;
  std::optional<LiveSession> live_;
  std::unique_ptr<LiveWorker> worker_;
  bool live_signals_ = false;    // SIGINT/SIGTERM handlers installed (the first live run)
  bool saved_ladder_ = true;     // the Ladder window's switch before live mode hid it
  bool live_at_done_ = false;    // --live --at: the cursor was put at --at
  int live_at_frame_ = 0;        // frames drawn since
  bool live_was_running_ = false;  // the last frame saw the run going (its end stops playing)
};

// `tcplab SCENARIO --bench-step-back N` (tests/bench, no window): runs the scenario to its
// end, then times N seeks back to random earlier times and N single steps back from
// random times; prints median and max. Returns the exit code. (bench_step_back.cpp)
int bench_step_back(const GuiOptions& opt);

}  // namespace tcplab::ui
