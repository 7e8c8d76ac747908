// The GUI application (app.h): GLFW window, OpenGL 3.3 core through glad, Dear ImGui.
#include "render/app.h"

#include <glad/gl.h>
// glad first: GLFW must not pull in the system GL header.
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui_internal.h>
#include <stb_image_write.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cfloat>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "render/fonts.h"
#include "sim/cli/cli.h"
#include "sim/live/netns.h"
#include "sim/trace/pcap_writer.h"
#include "sim/view/course_chapters.h"
#include "sim/view/ladder_svg.h"

namespace tcplab::ui {
namespace {

long long mtime_of(const std::string& path) {
  struct stat st {};
  if (path.empty() || ::stat(path.c_str(), &st) != 0) return 0;
  return static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
}

std::string read_text_file(const std::string& path, bool* ok) {
  std::ifstream in(path, std::ios::binary);
  *ok = bool(in);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Presentation mode: everything 1.6× larger for the back of a classroom.
constexpr float kPresentScale = 1.6f;

// A high-contrast light theme for projectors: black on white, dark borders, saturated
// highlights (washed-out greys disappear on a projector in a lit room).
void style_present(ImGuiStyle& style) {
  ImGui::StyleColorsLight(&style);
  ImVec4* c = style.Colors;
  const ImVec4 black(0, 0, 0, 1), white(1, 1, 1, 1);
  c[ImGuiCol_Text] = black;
  c[ImGuiCol_TextDisabled] = ImVec4(0.30f, 0.30f, 0.30f, 1);
  c[ImGuiCol_WindowBg] = white;
  c[ImGuiCol_ChildBg] = white;
  c[ImGuiCol_PopupBg] = white;
  c[ImGuiCol_Border] = ImVec4(0, 0, 0, 0.85f);
  c[ImGuiCol_MenuBarBg] = ImVec4(0.88f, 0.88f, 0.88f, 1);
  c[ImGuiCol_TitleBg] = ImVec4(0.82f, 0.82f, 0.82f, 1);
  c[ImGuiCol_TitleBgActive] = ImVec4(0.70f, 0.80f, 1.00f, 1);
  c[ImGuiCol_TitleBgCollapsed] = ImVec4(0.82f, 0.82f, 0.82f, 1);
  c[ImGuiCol_FrameBg] = ImVec4(0.93f, 0.93f, 0.93f, 1);
  c[ImGuiCol_FrameBgHovered] = ImVec4(0.80f, 0.88f, 1.00f, 1);
  c[ImGuiCol_FrameBgActive] = ImVec4(0.65f, 0.78f, 1.00f, 1);
  c[ImGuiCol_Button] = ImVec4(0.85f, 0.90f, 1.00f, 1);
  c[ImGuiCol_ButtonHovered] = ImVec4(0.65f, 0.78f, 1.00f, 1);
  c[ImGuiCol_ButtonActive] = ImVec4(0.45f, 0.62f, 1.00f, 1);
  c[ImGuiCol_Header] = ImVec4(0.75f, 0.85f, 1.00f, 1);
  c[ImGuiCol_HeaderHovered] = ImVec4(0.62f, 0.76f, 1.00f, 1);
  c[ImGuiCol_HeaderActive] = ImVec4(0.45f, 0.62f, 1.00f, 1);
  c[ImGuiCol_SliderGrab] = ImVec4(0.10f, 0.30f, 0.80f, 1);
  c[ImGuiCol_SliderGrabActive] = ImVec4(0.05f, 0.20f, 0.60f, 1);
  c[ImGuiCol_CheckMark] = ImVec4(0.05f, 0.20f, 0.70f, 1);
  c[ImGuiCol_ScrollbarGrab] = ImVec4(0.55f, 0.55f, 0.55f, 1);
  c[ImGuiCol_Separator] = ImVec4(0, 0, 0, 0.6f);
  c[ImGuiCol_TableBorderStrong] = ImVec4(0, 0, 0, 0.7f);
  c[ImGuiCol_TableBorderLight] = ImVec4(0, 0, 0, 0.35f);
  c[ImGuiCol_TableRowBgAlt] = ImVec4(0, 0, 0, 0.05f);
  c[ImGuiCol_ModalWindowDimBg] = ImVec4(0, 0, 0, 0.45f);
  style.WindowBorderSize = 2;
  style.FrameBorderSize = 1;
  style.PopupBorderSize = 2;
}

// The "shown" flag of the window with ImGui id `id` ("ladder"), or null.
bool* window_flag(Windows& w, const std::string& id) {
  const std::pair<const char*, bool*> flags[] = {
      {"topology", &w.topology},   {"ladder", &w.ladder}, {"state", &w.state},     {"lesson", &w.lesson},
      {"timeline", &w.timeline},   {"inspector", &w.inspector}, {"tables", &w.tables}, {"console", &w.console},
      {"plots", &w.plots},         {"live_compare", &w.live_compare},
  };
  for (const auto& [name, flag] : flags)
    if (id == name) return flag;
  return nullptr;
}

// This program's path, for the live levels' setcap hint ("sudo setcap … /path/tcplab").
std::string self_path() {
  std::error_code ec;
  const std::filesystem::path p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("tcplab") : p.string();
}

// A file name for the monkey: plain, in the working directory (it types at random).
bool plain_file_name(const std::string& p) {
  return !p.empty() && p.find('/') == std::string::npos && p[0] != '.' && p.size() < 100;
}

}  // namespace

std::optional<std::vector<std::string>> App::open_scenario(const std::string& name_or_path) {
  auto path = resolve_scenario(name_or_path);
  if (!path) return std::vector<std::string>{std::string(tr("No such scenario: ")) + name_or_path};
  std::vector<std::string> errors;
  auto s = Session::open_file(*path, &errors);
  if (!s) {
    if (errors.empty()) errors.push_back(std::string(tr("Cannot open the scenario")) + " " + *path);
    return errors;
  }
  if (live_) leave_live();
  session_ = std::move(s);
  file_mtime_ = mtime_of(*path);
  ui_.sel = Selection{};
  ui_.playing = false;
  ui_.topology = TopologyState{};
  ui_.ladder = LadderState{};
  ui_.inspector = InspectorState{};
  ui_.console = ConsoleState{};
  fonts_dirty_ = true;  // the scenario's Chinese texts may need new glyphs
  ui_.status.clear();
  return std::nullopt;
}

int App::run() {
  ui_.lang = opt_.lang == "zh" ? Lang::Zh : Lang::En;
  set_language(ui_.lang);
  ui_.present = opt_.present;
  if (!opt_.script.empty()) {
    bool ok = false;
    const std::string text = read_text_file(opt_.script, &ok);
    if (!ok) {
      std::cerr << "tcplab: cannot read the script " << opt_.script << ": " << std::strerror(errno) << "\n";
      return 2;
    }
    std::vector<std::string> errors;
    auto cmds = parse_gui_script(text, opt_.script, &errors);
    if (!cmds) {
      for (const std::string& e : errors) std::cerr << e << "\n";
      return 2;
    }
    script_.emplace(std::move(*cmds), opt_.script);
  }
  if (auto errors = open_scenario(opt_.scenario)) {
    for (const std::string& e : *errors) std::cerr << e << "\n";
    return 2;
  }
  catalog_.refresh();
  if (opt_.at && !opt_.live) session_->seek(*opt_.at);
  for (const std::string& id : opt_.hide)
    if (bool* shown = window_flag(ui_.win, id)) *shown = false;

  if (!glfwInit()) {
    std::cerr << "tcplab: cannot open a window: no display (DISPLAY is "
              << (std::getenv("DISPLAY") ? "set but unusable" : "not set") << ").\n"
              << "Watch the scenario in the terminal instead:  tcplab run " << opt_.scenario << "\n";
    return 1;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  window_ = glfwCreateWindow(opt_.width, opt_.height, "tcplab", nullptr, nullptr);
  if (!window_) {
    std::cerr << "tcplab: cannot create an OpenGL 3.3 window on this display.\n"
              << "Watch the scenario in the terminal instead:  tcplab run " << opt_.scenario << "\n";
    glfwTerminate();
    return 1;
  }
  glfwMakeContextCurrent(window_);
  const bool headless = !opt_.screenshot.empty() || opt_.bench_frames > 0 || opt_.monkey || script_;
  glfwSwapInterval(headless ? 0 : 1);
  if (!gladLoadGL(reinterpret_cast<GLADloadfunc>(glfwGetProcAddress))) {
    std::cerr << "tcplab: cannot load OpenGL 3.3 functions\n";
    return 1;
  }
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // window placement comes from place_windows(), not an ini file
  ImGui_ImplGlfw_InitForOpenGL(window_, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");
  if (opt_.scale > 0) {
    ui_.scale = opt_.scale;
  } else {
    float xs = 1, ys = 1;
    glfwGetWindowContentScale(window_, &xs, &ys);
    ui_.scale = std::clamp(xs, 1.0f, 3.0f);
  }
  apply_select_options();
  if (opt_.live) start_live(opt_.level);
  if (opt_.monkey) monkey_.emplace(opt_.monkey_seed, double(*opt_.monkey) / double(kSec));

  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  auto last = start;
  int frames = 0;
  std::vector<double> ui_ms, frame_ms;
  const int screenshot_frames = 4;  // ImGui sizes windows over the first frames
  while (!glfwWindowShouldClose(window_) && !quit_) {
    const auto f0 = clock::now();
    glfwPollEvents();
    const auto now = clock::now();
    const double dt = std::chrono::duration<double>(now - last).count();
    last = now;
    ui_.wall_time = std::chrono::duration<double>(now - start).count();
    if (fonts_dirty_ || font_scale_built_ != ui_.scale * (ui_.present ? kPresentScale : 1.0f)) rebuild_fonts();
    poll_file_change();
    // SIGINT or SIGTERM during a live run (the handlers are installed by the first one):
    // the run's thread ends by itself, the window closes, the exit code says which signal.
    if (live_signals_ && live::stop_requested()) {
      quit_ = true;
      exit_code_ = 128 + live::stop_signal();
    }
    pump_live();
    if (ui_.playing && opt_.screenshot.empty()) play(dt);

    const auto cpu0 = clock::now();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    FrameRequests req;
    feed_input(req);
    ImGui::NewFrame();
    frame();
    ImGui::Render();
    const auto cpu1 = clock::now();
    glfwGetFramebufferSize(window_, &fb_w_, &fb_h_);
    glViewport(0, 0, fb_w_, fb_h_);
    const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    glClearColor(bg.x * 0.8f, bg.y * 0.8f, bg.z * 0.8f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    ++frames;

    // Headless hooks read the back buffer before it is swapped away.
    if (!req.dump_windows.empty()) dump_windows(req.dump_windows);
    if (!req.screenshot.empty()) {
      png_request_ = req.screenshot;
      png_wait_ = 1;
    }
    if (!png_request_.empty() && layout_reset_ == 0 && !fonts_dirty_ && png_wait_-- <= 0) {
      const std::string path = std::exchange(png_request_, {});
      if (save_png(path)) {
        // A script's screenshots stay out of the status line (it would be in the next ones).
        if (std::exchange(png_announce_, false)) ui_.status = std::string(tr("Saved ")) + path;
      } else {
        ui_.status = std::string(tr("Cannot write ")) + path;
        std::cerr << "tcplab: cannot write " << path << "\n";
        if (script_) exit_code_ = 1;
      }
    }
    if (!opt_.screenshot.empty() && frames >= screenshot_frames && live_screenshot_ready(frames)) {
      const bool ok = save_png(opt_.screenshot);
      if (!opt_.dump_windows.empty()) dump_windows(opt_.dump_windows);
      if (live_) {
        // What the picture shows, for scripts and tests that cannot read it.
        const Session& k = live_->kernel();
        size_t states = 0, packets = 0;
        for (size_t i = 0; i < k.visible(); ++i) {
          states += k.trace()[i].ev == EvKind::State;
          packets += k.trace()[i].ev == EvKind::Tx;
        }
        std::cerr << "tcplab: live " << (live_->status() == LiveStatus::Failed ? "failed: " + live_->error() : live_->info().level_why)
                  << "\ntcplab: live trace at t = " << format_duration(k.now()) << ": " << k.visible() << " events, " << states
                  << " state changes, " << packets << " packets sent\n";
      }
      if (!ok) {
        std::cerr << "tcplab: cannot write " << opt_.screenshot << "\n";
        exit_code_ = 1;
      }
      quit_ = true;
    }
    glfwSwapBuffers(window_);
    if (opt_.bench_frames > 0) {
      ui_ms.push_back(std::chrono::duration<double, std::milli>(cpu1 - cpu0).count());
      frame_ms.push_back(std::chrono::duration<double, std::milli>(clock::now() - f0).count());
      if (frames >= opt_.bench_frames) quit_ = true;
    }
    // Intents are applied between frames, never while a view is drawing.
    Intents todo = std::exchange(pending_, {});
    for (Intent& in : req.intents) todo.push_back(std::move(in));
    for (const Intent& in : todo) apply(in);
    if (req.quit) {
      quit_requested_ = true;
      exit_code_ = std::max(exit_code_, req.exit_code);
    }
    if (quit_requested_ && png_request_.empty()) quit_ = true;
    // Headless and waiting for a live run: no need to draw hundreds of frames a second.
    if (live_ && live_->running() && headless) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  worker_.reset();  // stops the live run and waits for its clean-up
  live_.reset();
  if (opt_.bench_frames > 0 && !ui_ms.empty()) {
    auto stats = [](std::vector<double> v) {
      std::sort(v.begin(), v.end());
      return std::pair{v[v.size() / 2], v[std::min(v.size() - 1, v.size() * 95 / 100)]};
    };
    const auto [med, p95] = stats(ui_ms);
    const auto [fmed, fp95] = stats(frame_ms);
    std::printf("frames %zu  CPU frame time: median %.2f ms  p95 %.2f ms  (%dx%d)\n", ui_ms.size(), med, p95, fb_w_,
                fb_h_);
    std::printf("whole frame with GL rendering and swap: median %.2f ms  p95 %.2f ms\n", fmed, fp95);
    std::printf("packets in flight %zu  trace events %zu  font atlas %dx%d\n", model().in_flight().size(),
                model().visible(), io.Fonts->TexWidth, io.Fonts->TexHeight);
  }
  if (monkey_) std::printf("%s\n", monkey_->summary().c_str());
  if (!opt_.dump_windows.empty() && opt_.screenshot.empty()) dump_windows(opt_.dump_windows);
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window_);
  glfwTerminate();
  return exit_code_;
}

void App::feed_input(FrameRequests& req) {
  ImGuiIO& io = ImGui::GetIO();
  if (script_) {
    script_->before_frame(io, model(), ui_, req);
  } else if (monkey_) {
    monkey_->before_frame(io, model(), ui_, catalog_, ui_.wall_time, req);
  } else if (!opt_.screenshot.empty() || opt_.bench_frames > 0) {
    // Under Xvfb the X pointer sits somewhere in the window: keep it from hovering.
    io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    for (bool& d : io.MouseDown) d = false;
  }
}

void App::rebuild_fonts() {
  const float scale = ui_.scale * (ui_.present ? kPresentScale : 1.0f);
  std::string extra = catalog_.all_titles();  // the picker lists every lesson by title
  if (session_) {
    const Scenario& sc = session_->scenario();
    extra += sc.title + sc.title_zh + sc.summary_zh;
    for (const StepSpec& st : sc.steps) extra += st.say_zh + st.say;
    for (const QuestionSpec& q : sc.questions) extra += q.ask + q.ask_zh + q.answer + q.answer_zh;
    for (const ProgramSpec& p : sc.programs) extra += p.name + p.code;  // comments may be Chinese
  }
  const FontReport fr = load_fonts(16.0f * scale, extra);
  if (!fr.cjk && !cjk_missing_) std::cerr << "tcplab: " << kNoCjkFontMessage << "\n";
  cjk_missing_ = !fr.cjk;
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
  apply_style();
  font_scale_built_ = scale;
  fonts_dirty_ = false;
  layout_reset_ = 2;
}

void App::apply_style() {
  ImGuiStyle& style = ImGui::GetStyle();
  style = ImGuiStyle();
  if (ui_.present) style_present(style);
  else ImGui::StyleColorsDark(&style);
  style.WindowRounding = 4;
  style.FrameRounding = 3;
  style.ScaleAllSizes(ui_.scale * (ui_.present ? kPresentScale : 1.0f));
}

void App::poll_file_change() {
  if (!session_ || session_->path().empty() || live_) return;  // a live run keeps its scenario
  if (ui_.wall_time - last_mtime_check_ < 0.5) return;
  last_mtime_check_ = ui_.wall_time;
  const long long m = mtime_of(session_->path());
  if (m == 0 || m == file_mtime_) return;
  file_mtime_ = m;
  if (auto errors = session_->reload()) {
    ui_.status = std::string(tr("The scenario file has errors; still showing the previous version: ")) +
                 (errors->empty() ? std::string() : errors->front());
  } else {
    ui_.status = tr("Reloaded the scenario file after it changed on disk");
    fonts_dirty_ = true;
  }
}

void App::play(double wall_dt) {
  const Time dt = static_cast<Time>(std::min(wall_dt, 0.25) * ui_.speed * double(kSec));
  Session& s = model();
  if (live_ && live_->running()) return;  // the run moves the cursor while it follows
  if (s.now() >= s.end()) {
    ui_.playing = false;
    return;
  }
  if (s.advance(std::max<Time>(dt, 1))) ui_.playing = false;  // a `pause` step
}

void App::place_windows(bool force) {
  const ImGuiCond cond = force ? ImGuiCond_Always : ImGuiCond_FirstUseEver;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float x0 = vp->WorkPos.x, y0 = vp->WorkPos.y;
  const float W = vp->WorkSize.x, H = vp->WorkSize.y - ImGui::GetFrameHeight();  // status bar
  const float tl_h = std::max(H * 0.10f, ImGui::GetFrameHeight() * 4.3f);  // controls + seek bar
  const float top = H - tl_h;
  auto place = [&](const char* id, float x, float y, float w, float h) {
    ImGui::SetWindowPos(id, ImVec2(x0 + x, y0 + y), cond);
    ImGui::SetWindowSize(id, ImVec2(w, h), cond);
  };
  // Window titles change with the language; the "###id" part is what ImGui keys on.
  place("###timeline", 0, top, W, tl_h);
  if (ui_.present) {
    // The class follows the ladder: it gets the widest column (in live mode the two
    // ladders side by side take the middle and more).
    // A lesson with a program (issue 8) shows its code under the narration: more height.
    const float p1 = W * (live_ ? 0.26f : 0.33f), p2 = W * (live_ ? 0.48f : 0.39f), p3 = W - p1 - p2;
    const float topo_h = model().scenario().programs.empty() ? 0.55f : 0.36f;
    place("###topology", 0, 0, p1, top * topo_h);
    place("###lesson", 0, top * topo_h, p1, top * (1 - topo_h));
    place("###ladder", p1, 0, p2, top);
    place("###live_compare", p1, 0, p2, top);
    place("###state", p1 + p2, 0, p3, top);
    return;
  }
  if (live_) {
    // Live: the simulation's and the kernel's ladders side by side in the middle.
    const float c1 = W * 0.25f, c2 = W * 0.45f, c3 = W - c1 - c2;
    place("###topology", 0, 0, c1, top * 0.40f);
    place("###tables", 0, top * 0.40f, c1, top * 0.30f);
    place("###console", 0, top * 0.70f, c1, top * 0.30f);
    place("###live_compare", c1, 0, c2, top);
    place("###ladder", c1, 0, c2, top);
    place("###lesson", c1 + c2, 0, c3, top * 0.16f);
    place("###state", c1 + c2, top * 0.16f, c3, top * 0.40f);
    place("###plots", c1 + c2, top * 0.56f, c3, top * 0.17f);
    place("###inspector", c1 + c2, top * 0.73f, c3, top * 0.27f);
    return;
  }
  // The state diagrams need height for their edge labels, the inspector rows for its tree.
  // A lesson that shows a program beside its narration (issue 8) takes room from the state
  // diagram and the plots; questions alone need a little more than the narration.
  const Scenario& sc = model().scenario();
  const float lesson_h = !sc.programs.empty() ? 0.40f : !sc.questions.empty() ? 0.24f : 0.18f;
  const float extra = lesson_h - 0.18f;
  const float state_h = 0.38f - extra * 0.6f, plots_h = 0.17f - extra * 0.4f;
  const float c1 = W * 0.32f, c2 = W * 0.30f, c3 = W - c1 - c2;
  place("###topology", 0, 0, c1, top * 0.44f);
  place("###tables", 0, top * 0.44f, c1, top * 0.26f);
  place("###console", 0, top * 0.70f, c1, top * 0.30f);
  place("###ladder", c1, 0, c2, top);
  place("###lesson", c1 + c2, 0, c3, top * lesson_h);
  place("###state", c1 + c2, top * lesson_h, c3, top * state_h);
  place("###plots", c1 + c2, top * (lesson_h + state_h), c3, top * plots_h);
  place("###inspector", c1 + c2, top * 0.73f, c3, top * 0.27f);
}

void App::frame() {
  Intents out;
  draw_menu_bar(out);
  handle_keys(out);
  const Session& s = model();
  Windows& w = ui_.win;
  const bool p = ui_.present;  // presentation mode hides the secondary panels
  // Views first create their windows; positions are applied afterwards by name.
  if (w.topology) draw_topology(s, ui_, out);
  if (w.ladder) draw_ladder(s, ui_, out);
  if (w.state) draw_state_diagram(s, ui_, out);
  if (w.lesson) draw_lesson(s, ui_, out);
  if (w.timeline) draw_timeline(s, ui_, out);
  if (!p && w.inspector) draw_inspector(s, ui_, out);
  if (!p && w.tables) draw_tables(s, ui_, out);
  if (!p && w.console) draw_console(s, ui_, out);
  if (!p && w.plots) draw_plots(s, ui_, out);
  if (live_ && w.live_compare) draw_live_compare(*live_, ui_, out);
  place_windows(layout_reset_ > 0);
  if (layout_reset_ > 0) {
    // ImGui focuses the last window created; after a (re)layout none is special.
    ImGui::SetWindowFocus(nullptr);
    --layout_reset_;
  }
  draw_status_bar();
  if (live_) draw_live_badge(*live_, ui_, out);  // last: on top of the panels
  draw_dialogs(dialogs_, catalog_, s, out);
  for (Intent& in : out) pending_.push_back(std::move(in));
}

void App::draw_menu_bar(Intents& out) {
  if (!ImGui::BeginMainMenuBar()) return;
  using K = Intent::Kind;
  const Session& s = model();
  if (ImGui::BeginMenu(tr("File"))) {
    if (ImGui::MenuItem(tr("Open…"), "Ctrl+O")) open_dialog(dialogs_, DialogKind::Open, s);
    if (ImGui::BeginMenu(tr("Open a built-in lesson"))) {
      // Cached (ScenarioCatalog): listing must not parse 25 files every frame. One submenu
      // per course chapter, in course order.
      for (const CourseGroup& g : catalog_.groups()) {
        if (!ImGui::BeginMenu(chapter_heading(g.chapter, ui_.lang).c_str())) continue;
        for (const ScenarioEntry& e : g.entries) {
          const std::string label = (e.chapter.empty() ? "" : e.chapter + "  ") + e.title_in(ui_.lang);
          if (ImGui::MenuItem(label.c_str(), e.name.c_str(), e.path == s.path()))
            out.push_back(Intent(K::OpenScenario).with_text(e.path));
        }
        ImGui::EndMenu();
      }
      ImGui::EndMenu();
    }
    ImGui::Separator();
    if (ImGui::MenuItem(tr("Save as scenario…"), "Ctrl+S")) open_dialog(dialogs_, DialogKind::SaveAs, s);
    if (ImGui::BeginMenu(tr("Export##menu"))) {
      if (ImGui::MenuItem(tr("Packets as pcap…"))) open_dialog(dialogs_, DialogKind::ExportPcap, s);
      if (ImGui::MenuItem(tr("Ladder diagram as SVG…"))) open_dialog(dialogs_, DialogKind::ExportSvg, s);
      if (ImGui::MenuItem(tr("Screenshot as PNG…"))) open_dialog(dialogs_, DialogKind::Screenshot, s);
      ImGui::EndMenu();
    }
    ImGui::Separator();
    if (ImGui::MenuItem(tr("Quit"))) out.push_back(Intent(K::Quit));
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu(tr("Simulation"))) {
    if (ImGui::MenuItem(tr("Play / pause"), "Space")) out.push_back(Intent(K::TogglePlay));
    if (ImGui::MenuItem(tr("Step to the next event"), "→")) out.push_back(Intent(K::StepForward));
    if (ImGui::MenuItem(tr("Step back to the previous event"), "←")) out.push_back(Intent(K::StepBack));
    if (ImGui::MenuItem(tr("Restart from time 0"), "Home")) out.push_back(Intent(K::Restart));
    ImGui::Separator();
    if (ImGui::MenuItem(tr("Clear interventions"), nullptr, false, !s.interventions().empty()))
      out.push_back(Intent(K::ClearInterventions));
    ImGui::EndMenu();
  }
  draw_live_menu(out);
  if (ImGui::BeginMenu(tr("View"))) {
    if (ImGui::MenuItem(tr("Presentation mode"), "F11", ui_.present)) out.push_back(Intent(K::TogglePresent));
    if (ImGui::BeginMenu(tr("UI scale"))) {
      for (int pct : {75, 100, 125, 150, 175, 200, 250, 300}) {
        const std::string label = std::to_string(pct) + "%";
        const float v = float(pct) / 100.0f;
        if (ImGui::MenuItem(label.c_str(), nullptr, std::abs(ui_.scale - v) < 0.01f))
          out.push_back(Intent(K::SetUiScale).with_speed(v));
      }
      ImGui::EndMenu();
    }
    if (ImGui::BeginMenu(tr("Windows"))) {
      // The views' own titles (their string tables translate them).
      Windows& w = ui_.win;
      const std::pair<const char*, bool*> rows[] = {
          {"Topology", &w.topology}, {"Ladder", &w.ladder},       {"TCP state", &w.state},
          {"Lesson", &w.lesson},     {"Timeline", &w.timeline},   {"Inspector", &w.inspector},
          {"Tables", &w.tables},     {"Console", &w.console},     {"Plots", &w.plots},
      };
      for (const auto& [en, flag] : rows) {
        const bool secondary = flag == &w.inspector || flag == &w.tables || flag == &w.console || flag == &w.plots;
        ImGui::MenuItem(tr(en), nullptr, flag, !(ui_.present && secondary));
      }
      if (ui_.present) ImGui::TextDisabled("%s", tr("Presentation mode hides the secondary panels."));
      ImGui::EndMenu();
    }
    if (ImGui::MenuItem(tr("Reset window layout"))) layout_reset_ = 2;
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu(tr("Language"))) {
    if (ImGui::MenuItem("English", nullptr, ui_.lang == Lang::En)) out.push_back(Intent(K::SetLang).with_lang(Lang::En));
    if (ImGui::MenuItem("简体中文", nullptr, ui_.lang == Lang::Zh)) out.push_back(Intent(K::SetLang).with_lang(Lang::Zh));
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu(tr("Help"))) {
    if (ImGui::MenuItem(tr("Keyboard shortcuts"), "F1")) open_dialog(dialogs_, DialogKind::Keys, s);
    ImGui::EndMenu();
  }
  const Scenario& sc = s.scenario();
  const std::string& title = (ui_.lang == Lang::Zh && !sc.title_zh.empty()) ? sc.title_zh : sc.title;
  const float x = ImGui::GetWindowWidth() * 0.5f - ImGui::CalcTextSize(title.c_str()).x * 0.5f;
  ImGui::SameLine(std::max(x, ImGui::GetCursorPosX() + px(16)));
  ImGui::TextUnformatted(title.c_str());
  ImGui::EndMainMenuBar();
}

void App::draw_status_bar() {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float h = ImGui::GetFrameHeight();
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x, vp->WorkPos.y + vp->WorkSize.y - h));
  ImGui::SetNextWindowSize(ImVec2(vp->WorkSize.x, h));
  const ImGuiWindowFlags f = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                             ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing |
                             ImGuiWindowFlags_NoBringToFrontOnFocus;
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(px(8), px(2)));
  // A message stays 12 s: long enough to read, short enough not to describe an old state.
  if (ui_.status != status_shown_) {
    status_shown_ = ui_.status;
    status_since_ = ui_.wall_time;
  } else if (!ui_.status.empty() && ui_.wall_time - status_since_ > 12.0) {
    ui_.status.clear();
    status_shown_.clear();
  }
  if (ImGui::Begin("###statusbar", nullptr, f)) {
    const Session& s = model();
    ImGui::Text("t = %s", format_duration(s.now()).c_str());
    ImGui::SameLine();
    if (live_)
      ImGui::TextDisabled("|  %s", !live_->running() ? tr("the live run is over: Space replays its recording")
                                   : s.live_following() ? tr("following the live run")
                                                        : tr("live run: the cursor is held (Space follows again)"));
    else
      ImGui::TextDisabled("|  %zu %s", s.interventions().size(), tr("interventions so far"));
    if (cjk_missing_ && ui_.lang == Lang::Zh) {
      ImGui::SameLine();
      ImGui::TextColored(ImVec4(1.0f, 0.55f, 0.1f, 1), "|  %s", kNoCjkFontMessage);
    } else if (!ui_.status.empty()) {
      ImGui::SameLine();
      ImGui::TextUnformatted(("|  " + ui_.status).c_str());
    }
    // The hint at the right end, when the line has room for it.
    const char* hint = tr("F1: keyboard shortcuts");
    const float hw = ImGui::CalcTextSize(hint).x;
    const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    if (ImGui::GetItemRectMax().x + px(24) + hw < right) {
      ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - hw);
      ImGui::TextDisabled("%s", hint);
    }
  }
  ImGui::End();
  ImGui::PopStyleVar();
}

void App::handle_keys(Intents& out) {
  ImGuiIO& io = ImGui::GetIO();
  if (dialogs_.kind != DialogKind::None) return;  // the dialog has the keyboard (Esc closes it)
  auto pressed = [](int key, bool repeat = true) { return ImGui::IsKeyPressed(key, repeat); };
  const Session& s = model();
  // Ctrl shortcuts and function keys work even while typing in a console.
  if (io.KeyCtrl && pressed(GLFW_KEY_S, false)) open_dialog(dialogs_, DialogKind::SaveAs, s);
  if (io.KeyCtrl && pressed(GLFW_KEY_O, false)) open_dialog(dialogs_, DialogKind::Open, s);
  if (pressed(GLFW_KEY_F11, false)) out.push_back(Intent(Intent::Kind::TogglePresent));
  if (pressed(GLFW_KEY_F1, false)) open_dialog(dialogs_, DialogKind::Keys, s);
  if (io.WantTextInput || io.KeyCtrl || io.KeyAlt) return;  // typing: keys are text
  if (pressed(GLFW_KEY_SPACE, false)) out.push_back(Intent(Intent::Kind::TogglePlay));
  if (pressed(GLFW_KEY_RIGHT)) out.push_back(Intent(Intent::Kind::StepForward));
  if (pressed(GLFW_KEY_LEFT)) out.push_back(Intent(Intent::Kind::StepBack));
  if (pressed(GLFW_KEY_HOME, false)) out.push_back(Intent(Intent::Kind::Restart));
}

bool App::write_allowed(const std::string& path) {
  if (path.empty()) {
    report_write(false, path, tr("Type the path of the file first."));
    return false;
  }
  if (monkey_ && !plain_file_name(path)) {
    ui_.status = "monkey: writes only plain file names in the working directory";
    return false;
  }
  return true;
}

void App::report_write(bool ok, const std::string& path, const std::string& error) {
  const DialogKind k = dialogs_.kind;
  const bool writing = k == DialogKind::SaveAs || k == DialogKind::ExportPcap || k == DialogKind::ExportSvg ||
                       k == DialogKind::Screenshot;
  if (ok) {
    ui_.status = std::string(tr("Saved ")) + path;
    if (writing) dialogs_.kind = DialogKind::None;
    return;
  }
  const std::string msg = !error.empty() ? error : std::string(tr("Cannot write ")) + path + ": " + std::strerror(errno);
  ui_.status = msg;
  if (writing) dialogs_.error = msg;
}

void App::apply(const Intent& in) {
  using K = Intent::Kind;
  Session& s = model();
  switch (in.kind) {
    case K::TogglePlay:
      if (live_ && live_->running()) {
        // While the run goes on, play means "follow the run", pause holds the cursor.
        s.set_live_following(!s.live_following());
        ui_.playing = s.live_following();
        break;
      }
      if (!ui_.playing && s.now() >= s.end()) s.restart();
      ui_.playing = !ui_.playing;
      break;
    case K::Play:
      ui_.playing = true;
      if (live_ && live_->running()) s.set_live_following(true);
      break;
    case K::Pause:
      ui_.playing = false;
      if (live_) s.set_live_following(false);
      break;
    case K::SetSpeed: ui_.speed = std::clamp(in.speed, 0.001, 100.0); break;
    case K::StepForward:
      ui_.playing = false;
      if (!s.step_forward(in.unit)) ui_.status = tr("Nothing more happens");
      break;
    case K::StepBack:
      ui_.playing = false;
      s.step_back(in.unit);
      break;
    case K::Seek: s.seek(std::max<Time>(in.t, 0)); break;
    case K::Restart: s.restart(); break;
    case K::SelectPacket:
      ui_.sel.packet = in.packet;
      ui_.sel.packet_link = in.link;
      if (in.t >= 0) {
        ui_.playing = false;
        s.seek(in.t);
      }
      break;
    case K::SelectConnection:
      ui_.sel.conn_node = in.node;
      ui_.sel.conn_sock = in.sock;
      break;
    case K::SelectNode: ui_.sel.node = in.node; break;
    case K::Intervene:
      if (live_) {
        live_intervene(in);
        break;
      }
      if (auto err = s.intervene_packet(in.packet, in.link, in.action, in.t > 0 ? in.t : 100 * kMs))
        ui_.status = *err;
      break;
    case K::RunCommand:
      if (auto err = s.run_command(in.node, in.text)) ui_.console.error = *err;
      else ui_.console.error.clear();
      break;
    case K::ClearInterventions: s.clear_interventions(); break;
    case K::OpenScenario:
      if (auto errors = open_scenario(in.text)) {
        std::string all;
        for (const std::string& e : *errors) all += (all.empty() ? "" : "\n") + e;
        ui_.status = errors->front();
        if (dialogs_.kind == DialogKind::Open) dialogs_.error = all;
      } else if (dialogs_.kind == DialogKind::Open) {
        dialogs_.kind = DialogKind::None;
      }
      break;
    case K::SaveAs: {
      if (!write_allowed(in.text)) break;
      std::ofstream f(in.text, std::ios::binary);
      if (!f) {
        report_write(false, in.text, {});
        break;
      }
      f << s.save_as_scenario();
      f.close();
      report_write(bool(f), in.text, {});
      break;
    }
    case K::ExportPcap: {
      if (!write_allowed(in.text)) break;
      // The run so far: what the student has seen, up to the cursor.
      PcapFileWriter w;
      std::string error;
      bool ok = w.open(in.text, error);
      if (ok) {
        const size_t n = s.visible();
        for (size_t i = 0; i < n; ++i) w.add(s.trace()[i]);
        ok = w.close(error);
      }
      report_write(ok, in.text, error);
      break;
    }
    case K::ExportLadderSvg: {
      if (!write_allowed(in.text)) break;
      const std::string svg =
          ladder_svg(s, SocketRef{ui_.sel.conn_node, ui_.sel.conn_sock}, ui_.ladder.all_between_nodes, ui_.lang);
      std::ofstream f(in.text, std::ios::binary);
      if (!f) {
        report_write(false, in.text, {});
        break;
      }
      f << svg;
      f.close();
      report_write(bool(f), in.text, {});
      break;
    }
    case K::Screenshot:
      if (!write_allowed(in.text)) break;
      // Taken at the end of a later frame, once the dialog is gone.
      if (dialogs_.kind == DialogKind::Screenshot) dialogs_.kind = DialogKind::None;
      png_request_ = in.text;
      png_wait_ = 2;
      png_announce_ = true;
      break;
    case K::TogglePresent:
      ui_.present = !ui_.present;
      fonts_dirty_ = true;
      break;
    case K::SetLang:
      // The atlas holds both languages' glyphs: no rebuild, the next frame is translated.
      ui_.lang = in.lang;
      set_language(in.lang);
      break;
    case K::SetUiScale:
      ui_.scale = std::clamp(float(in.speed), 0.5f, 4.0f);
      fonts_dirty_ = true;
      break;
    case K::LiveStart: start_live(in.level); break;
    case K::LiveStop: stop_live(); break;
    case K::LiveLeave: leave_live(); break;
    case K::SetLiveLevel: ui_.live_level = std::clamp(in.level, 0, 3); break;
    case K::RevealAnswer: reveal_answer(ui_.lesson, model(), in.level); break;
    case K::Quit:
      if (monkey_) ui_.status = "monkey: Quit ignored";
      else quit_ = true;
      break;
  }
}

void App::apply_select_options() {
  for (const std::string& sel : opt_.select) {
    const Session& s = model();
    if (sel.rfind("node:", 0) == 0) {
      ui_.sel.node = s.world().node_index(sel.substr(5));
      if (ui_.sel.node < 0) ui_.status = std::string(tr("No such node: ")) + sel.substr(5);
    } else if (sel.rfind("conn:", 0) == 0) {
      const std::string v = sel.substr(5);
      const size_t slash = v.find('/');
      const int32_t n = s.world().node_index(v.substr(0, slash));
      if (n < 0 || slash == std::string::npos) {
        ui_.status = std::string(tr("No such connection: ")) + v;
        continue;
      }
      ui_.sel.conn_node = n;
      ui_.sel.conn_sock = v.substr(slash + 1);
    } else if (sel.rfind("packet:", 0) == 0) {
      const uint64_t id = std::strtoull(sel.c_str() + 7, nullptr, 10);
      bool found = false;
      for (const TraceEvent& e : s.trace())
        if (e.ev == EvKind::Tx && e.packet().id == id) {
          ui_.sel.packet = id;
          ui_.sel.packet_link = e.packet().link;
          found = true;
          break;
        }
      if (!found) ui_.status = std::string(tr("No such packet: ")) + sel.substr(7);
    }
  }
}

bool App::save_png(const std::string& path) {
  int w = 0, h = 0;
  glfwGetFramebufferSize(window_, &w, &h);
  if (w <= 0 || h <= 0) return false;
  std::vector<unsigned char> pixels(static_cast<size_t>(w) * h * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  // OpenGL's rows start at the bottom; PNG's at the top. The window is opaque.
  stbi_flip_vertically_on_write(1);
  for (size_t i = 3; i < pixels.size(); i += 4) pixels[i] = 255;
  return stbi_write_png(path.c_str(), w, h, 4, pixels.data(), w * 4) != 0;
}

void App::dump_windows(const std::string& path) {
  std::ofstream f(path);
  ImGuiContext& g = *ImGui::GetCurrentContext();
  for (ImGuiWindow* w : g.Windows)
    if (w->Active && !(w->Flags & ImGuiWindowFlags_ChildWindow)) f << w->Name << "\n";
}

// ---- live mode -------------------------------------------------------------------------------

void App::draw_live_menu(Intents& out) {
  using K = Intent::Kind;
  if (!ImGui::BeginMenu(tr("Live"))) return;
  const bool running = live_ && live_->running();
  if (ImGui::MenuItem(tr("Run on the real kernel"), nullptr, false, !running))
    out.push_back(Intent(K::LiveStart).with_level(ui_.live_level));
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("%s", tr("The scenario's sockets run in this machine's Linux kernel, in real time; every panel shows the kernel's trace"));
  if (ImGui::MenuItem(tr("Stop the live run"), nullptr, false, running)) out.push_back(Intent(K::LiveStop));
  if (ImGui::MenuItem(tr("Back to the simulation"), nullptr, false, live_.has_value())) out.push_back(Intent(K::LiveLeave));
  ImGui::Separator();
  ImGui::TextDisabled("%s", tr("Level of the next run"));
  const std::pair<int, const char*> levels[] = {
      {0, "Highest level my privileges allow"},
      {1, "Level 1: real sockets on 127.0.0.1"},
      {2, "Level 2: + segments captured on lo (CAP_NET_RAW)"},
      {3, "Level 3: the simulator is the wire (CAP_NET_ADMIN)"},
  };
  for (const auto& [lv, text] : levels)
    if (ImGui::MenuItem(tr(text), nullptr, ui_.live_level == lv)) out.push_back(Intent(K::SetLiveLevel).with_level(lv));
  ImGui::Separator();
  ImGui::MenuItem(tr("Simulation and kernel side by side"), nullptr, &ui_.win.live_compare, live_.has_value());
  ImGui::EndMenu();
}

void App::start_live(int level) {
  if (live_ && live_->running()) stop_live();
  std::vector<std::string> errors;
  auto L = LiveSession::open(*session_, level, &errors);
  if (!L) {
    ui_.status = errors.empty() ? std::string(tr("Cannot open the scenario")) : errors.front();
    return;
  }
  worker_.reset();
  live_ = std::move(L);
  if (!live_signals_) {
    // From now on SIGINT and SIGTERM end the run cleanly (namespaces removed) and close
    // the window instead of killing the process mid-run.
    live::install_cleanup_handlers();
    live_signals_ = true;
  }
  live::LiveOptions o;
  o.level = level;
  o.binary = self_path();
  worker_ = std::make_unique<LiveWorker>(live_->kernel().scenario(), o);
  if (!ui_.live_mode) {
    // The side-by-side window holds the kernel's ladder; the single one would repeat it.
    saved_ladder_ = ui_.win.ladder;
    ui_.win.ladder = false;
  }
  ui_.live_mode = true;
  ui_.live = LiveViewState{};
  ui_.sel.packet = 0;
  ui_.sel.packet_link = -1;
  ui_.state_diagram = StateDiagramState{};
  ui_.playing = true;
  live_at_done_ = false;
  layout_reset_ = 2;
  ui_.status.clear();
}

void App::stop_live() {
  if (!live_ || !worker_) return;
  live_->stop_requested();
  worker_->stop();  // joins: the run's sockets and namespaces are gone after this
  live_->feed(worker_->take());
  worker_.reset();
  ui_.playing = false;
}

void App::leave_live() {
  if (!live_) return;
  stop_live();
  live_.reset();
  ui_.live_mode = false;
  ui_.win.ladder = saved_ladder_;
  ui_.sel.packet = 0;
  ui_.sel.packet_link = -1;
  ui_.state_diagram = StateDiagramState{};
  ui_.playing = false;
  layout_reset_ = 2;
}

void App::pump_live() {
  if (!live_) return;
  if (worker_) {
    const bool done = worker_->done();  // read first: then the batch taken holds the last one
    live_->feed(worker_->take());
    if (done) worker_.reset();
  }
  for (std::string& n : live_->take_notices()) ui_.status = std::move(n);
  Session& k = live_->kernel();
  if (opt_.live && opt_.at && !live_at_done_ && (k.live_reached() >= *opt_.at || !live_->running())) {
    k.seek(*opt_.at);  // holds the cursor there (clamped to what the run reached)
    live_at_done_ = true;
    live_at_frame_ = 0;
  }
  if (live_->running()) ui_.playing = k.live_following();
  else if (std::exchange(live_was_running_, false)) ui_.playing = false;  // the run just ended
  if (live_->running()) live_was_running_ = true;
  live_->sync_simulation();
}

bool App::live_screenshot_ready(int frames) {
  if (!opt_.live || !live_) return true;
  // Waits for --at (or, without it, for the run's end), then for the panels to settle;
  // a run that never gets there (it failed to start) is shown as it is.
  const bool waiting = opt_.at ? !live_at_done_ : live_->running();
  if (waiting) return ui_.wall_time > double(live_->run_end()) / double(kSec) + 60.0;
  return ++live_at_frame_ > 4 && frames > 0;
}

void App::live_intervene(const Intent& in) {
  if (!live_ || !worker_ || !live_->running() || live_->info().level < 3) {
    ui_.status = tr("Changing packets of a live run needs level 3 (the simulator is the wire), while the run is going");
    return;
  }
  const Session& k = live_->kernel();
  const TraceEvent* tx = nullptr;
  for (const TraceEvent& e : k.trace())
    if (e.ev == EvKind::Tx && e.packet().id == in.packet && (in.link < 0 || e.packet().link == in.link)) {
      tx = &e;
      break;
    }
  std::optional<FaultSpec> f = tx ? live_drop_like(*tx, in.action) : std::nullopt;
  if (!f) {
    ui_.status = tr("Only IPv4 packets can be changed");
    return;
  }
  worker_->add_fault(*f);
  const std::string node = tx->node >= 0 && size_t(tx->node) < k.context().node_names.size()
                               ? k.context().node_names[size_t(tx->node)]
                               : std::string("?");
  char buf[256];
  std::snprintf(buf, sizeof buf, tr("The next packet like #%llu from %s will be %s (the clicked one has already gone by)"),
                static_cast<unsigned long long>(in.packet), node.c_str(),
                in.action == FaultAction::Drop ? tr("dropped") : tr("changed"));
  ui_.status = buf;
}

}  // namespace tcplab::ui
