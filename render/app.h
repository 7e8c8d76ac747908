// The GUI application: one window, one Session (the model), the UiState, and the frame loop
// that draws every view and then applies the intents they returned (issue 4 "Shape").
#pragma once
#include <optional>
#include <string>

#include "render/ui.h"
#include "sim/cli/gui_options.h"

struct GLFWwindow;

namespace tcplab::ui {

class App {
 public:
  explicit App(GuiOptions opt) : opt_(std::move(opt)) {}
  // Opens the window and runs until it is closed (or a headless hook is done). Returns the
  // process exit code.
  int run();

 private:
  bool open_scenario(const std::string& name_or_path);
  void frame();                 // one UI frame: draw views, collect intents
  void apply(const Intent& in); // between frames
  void play(double wall_dt);
  void place_windows(bool force);
  void draw_menu_bar(Intents& out);
  void draw_status_bar();
  void handle_keys(Intents& out);
  bool save_png(const std::string& path);
  void dump_windows(const std::string& path);
  void apply_select_options();
  void rebuild_fonts();
  void apply_style();
  void poll_file_change();

  GuiOptions opt_;
  GLFWwindow* window_ = nullptr;
  std::optional<Session> session_;
  std::string scenario_arg_;
  UiState ui_;
  Intents pending_;
  bool quit_ = false;
  int layout_reset_ = 2;  // frames left in which windows are put back in place (the work
                          // area is known only after the menu bar was drawn once)
  bool fonts_dirty_ = true;
  float font_scale_built_ = 0;
  Lang font_lang_built_ = Lang::En;
  double last_mtime_check_ = 0;
  long long file_mtime_ = 0;
  int fb_w_ = 0, fb_h_ = 0;
};

}  // namespace tcplab::ui
