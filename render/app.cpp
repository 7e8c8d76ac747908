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

#include <filesystem>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "render/fonts.h"
#include "sim/cli/cli.h"
#include "sim/scenario/scenario_loader.h"

namespace tcplab::ui {
namespace {

long long mtime_of(const std::string& path) {
  struct stat st {};
  if (path.empty() || ::stat(path.c_str(), &st) != 0) return 0;
  return static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
}

}  // namespace

bool App::open_scenario(const std::string& name_or_path) {
  auto path = resolve_scenario(name_or_path);
  if (!path) {
    ui_.status = std::string(tr("No such scenario: ")) + name_or_path;
    return false;
  }
  std::vector<std::string> errors;
  auto s = Session::open_file(*path, &errors);
  if (!s) {
    ui_.status = errors.empty() ? std::string(tr("Cannot open the scenario")) : errors.front();
    for (const std::string& e : errors) std::cerr << e << "\n";
    return false;
  }
  session_ = std::move(s);
  scenario_arg_ = *path;
  file_mtime_ = mtime_of(*path);
  ui_.sel = Selection{};
  ui_.playing = false;
  ui_.topology = TopologyState{};
  ui_.console = ConsoleState{};
  fonts_dirty_ = true;  // the scenario's Chinese texts may need new glyphs
  ui_.status.clear();
  return true;
}

int App::run() {
  ui_.lang = opt_.lang == "zh" ? Lang::Zh : Lang::En;
  set_language(ui_.lang);
  ui_.present = opt_.present;
  if (!open_scenario(opt_.scenario)) {
    std::cerr << "tcplab: " << ui_.status << "\n";
    return 2;
  }
  if (opt_.at) session_->seek(*opt_.at);

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
  glfwSwapInterval(opt_.screenshot.empty() && opt_.bench_frames == 0 && !opt_.monkey ? 1 : 0);
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

  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  auto last = start;
  int frames = 0;
  std::vector<double> frame_ms;
  const int screenshot_frames = 4;  // ImGui sizes windows over the first frames
  while (!glfwWindowShouldClose(window_) && !quit_) {
    glfwPollEvents();
    const auto now = clock::now();
    const double dt = std::chrono::duration<double>(now - last).count();
    last = now;
    ui_.wall_time = std::chrono::duration<double>(now - start).count();
    if (fonts_dirty_ || font_scale_built_ != ui_.scale * (ui_.present ? 1.6f : 1.0f)) rebuild_fonts();
    poll_file_change();
    if (ui_.playing && opt_.screenshot.empty()) play(dt);

    const auto cpu0 = clock::now();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
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
    if (opt_.bench_frames > 0) {
      frame_ms.push_back(std::chrono::duration<double, std::milli>(cpu1 - cpu0).count());
      if (frames >= opt_.bench_frames) quit_ = true;
    }
    if (!opt_.screenshot.empty() && frames >= screenshot_frames) {
      const bool ok = save_png(opt_.screenshot);
      if (!opt_.dump_windows.empty()) dump_windows(opt_.dump_windows);
      if (!ok) {
        std::cerr << "tcplab: cannot write " << opt_.screenshot << "\n";
        quit_ = true;
        glfwSwapBuffers(window_);
        break;
      }
      quit_ = true;
    }
    glfwSwapBuffers(window_);
    // Intents are applied between frames, never while a view is drawing.
    Intents todo = std::exchange(pending_, {});
    for (const Intent& in : todo) apply(in);
  }
  if (opt_.bench_frames > 0 && !frame_ms.empty()) {
    std::sort(frame_ms.begin(), frame_ms.end());
    const double med = frame_ms[frame_ms.size() / 2];
    const double p95 = frame_ms[std::min(frame_ms.size() - 1, frame_ms.size() * 95 / 100)];
    std::printf("frames %zu  CPU frame time: median %.2f ms  p95 %.2f ms  (%dx%d)\n", frame_ms.size(), med, p95,
                fb_w_, fb_h_);
  }
  if (!opt_.dump_windows.empty() && opt_.screenshot.empty()) dump_windows(opt_.dump_windows);
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window_);
  glfwTerminate();
  return 0;
}

void App::rebuild_fonts() {
  const float scale = ui_.scale * (ui_.present ? 1.6f : 1.0f);
  std::string extra;  // texts beyond the string table that may need CJK glyphs
  if (session_) {
    const Scenario& sc = session_->scenario();
    extra += sc.title_zh + sc.summary_zh;
    for (const StepSpec& st : sc.steps) extra += st.say_zh + st.say;
  }
  load_fonts(16.0f * scale, extra, &ui_.status);
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
  if (ui_.present) {
    ImGui::StyleColorsLight(&style);
    style.Colors[ImGuiCol_Text] = ImVec4(0, 0, 0, 1);
    style.Colors[ImGuiCol_WindowBg] = ImVec4(1, 1, 1, 1);
    style.Colors[ImGuiCol_Border] = ImVec4(0, 0, 0, 0.6f);
    style.WindowBorderSize = 2;
  } else {
    ImGui::StyleColorsDark(&style);
  }
  style.WindowRounding = 4;
  style.FrameRounding = 3;
  style.ScaleAllSizes(ui_.scale * (ui_.present ? 1.6f : 1.0f));
}

void App::poll_file_change() {
  if (!session_ || session_->path().empty()) return;
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
  if (session_->now() >= session_->end()) {
    ui_.playing = false;
    return;
  }
  if (session_->advance(std::max<Time>(dt, 1))) ui_.playing = false;  // a `pause` step
}

void App::place_windows(bool force) {
  const ImGuiCond cond = force ? ImGuiCond_Always : ImGuiCond_FirstUseEver;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float x0 = vp->WorkPos.x, y0 = vp->WorkPos.y;
  const float W = vp->WorkSize.x, H = vp->WorkSize.y - ImGui::GetFrameHeight();  // status bar
  const float tl_h = std::max(H * 0.11f, ImGui::GetFrameHeight() * 3.2f);       // timeline
  const float top = H - tl_h;
  auto place = [&](const char* id, float x, float y, float w, float h) {
    ImGui::SetWindowPos(id, ImVec2(x0 + x, y0 + y), cond);
    ImGui::SetWindowSize(id, ImVec2(w, h), cond);
  };
  // Window titles change with the language; the "###id" part is what ImGui keys on.
  auto id = [](const char* en, const char* key) { return window_title(en, key); };
  place(id("Timeline", "timeline").c_str(), 0, top, W, tl_h);
  if (ui_.present) {
    place(id("Topology", "topology").c_str(), 0, 0, W * 0.38f, top * 0.55f);
    place(id("Lesson", "lesson").c_str(), 0, top * 0.55f, W * 0.38f, top * 0.45f);
    place(id("Ladder", "ladder").c_str(), W * 0.38f, 0, W * 0.34f, top);
    place(id("TCP state", "state").c_str(), W * 0.72f, 0, W * 0.28f, top);
    return;
  }
  const float c1 = W * 0.36f, c2 = W * 0.30f, c3 = W - c1 - c2;
  place(id("Topology", "topology").c_str(), 0, 0, c1, top * 0.50f);
  place(id("Tables", "tables").c_str(), 0, top * 0.50f, c1, top * 0.25f);
  place(id("Console", "console").c_str(), 0, top * 0.75f, c1, top * 0.25f);
  place(id("Ladder", "ladder").c_str(), c1, 0, c2, top);
  place(id("Lesson", "lesson").c_str(), c1 + c2, 0, c3, top * 0.22f);
  place(id("TCP state", "state").c_str(), c1 + c2, top * 0.22f, c3, top * 0.34f);
  place(id("Plots", "plots").c_str(), c1 + c2, top * 0.56f, c3, top * 0.18f);
  place(id("Inspector", "inspector").c_str(), c1 + c2, top * 0.74f, c3, top * 0.26f);
}

void App::frame() {
  Intents out;
  draw_menu_bar(out);
  handle_keys(out);
  const Session& s = *session_;
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
  place_windows(layout_reset_ > 0);
  if (layout_reset_ > 0) --layout_reset_;
  draw_status_bar();
  for (Intent& in : out) pending_.push_back(std::move(in));
}

void App::draw_menu_bar(Intents& out) {
  if (!ImGui::BeginMainMenuBar()) return;
  if (ImGui::BeginMenu(tr("File"))) {
    if (ImGui::BeginMenu(tr("Open scenario"))) {
      // Built-in scenarios by title, in the chosen language.
      std::error_code ec;
      std::vector<std::pair<std::string, std::string>> items;
      for (const auto& e : std::filesystem::directory_iterator(scenarios_dir(), ec)) {
        if (e.path().extension() != ".toml") continue;
        std::vector<std::string> errs;
        LoadResult lr = load_scenario_file(e.path().string());
        if (!lr.scenario) continue;
        const std::string title = (ui_.lang == Lang::Zh && !lr.scenario->title_zh.empty()) ? lr.scenario->title_zh
                                                                                           : lr.scenario->title;
        items.emplace_back(title, e.path().string());
      }
      std::sort(items.begin(), items.end());
      for (const auto& [title, path] : items)
        if (ImGui::MenuItem(title.c_str())) out.push_back(Intent(Intent::Kind::OpenScenario).with_text(path));
      ImGui::EndMenu();
    }
    if (ImGui::MenuItem(tr("Quit"))) out.push_back(Intent(Intent::Kind::Quit));
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu(tr("View"))) {
    if (ImGui::MenuItem(tr("Presentation mode"), "F11", ui_.present))
      out.push_back(Intent(Intent::Kind::TogglePresent));
    if (ImGui::MenuItem(tr("Reset window layout"))) layout_reset_ = 2;
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu(tr("Language"))) {
    if (ImGui::MenuItem("English", nullptr, ui_.lang == Lang::En))
      out.push_back(Intent(Intent::Kind::SetLang).with_lang(Lang::En));
    if (ImGui::MenuItem("简体中文", nullptr, ui_.lang == Lang::Zh))
      out.push_back(Intent(Intent::Kind::SetLang).with_lang(Lang::Zh));
    ImGui::EndMenu();
  }
  const Scenario& sc = session_->scenario();
  const std::string& title = (ui_.lang == Lang::Zh && !sc.title_zh.empty()) ? sc.title_zh : sc.title;
  ImGui::SameLine(ImGui::GetWindowWidth() * 0.5f - ImGui::CalcTextSize(title.c_str()).x * 0.5f);
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
  if (ImGui::Begin("###statusbar", nullptr, f)) {
    ImGui::Text("t = %s", format_duration(session_->now()).c_str());
    ImGui::SameLine();
    ImGui::TextDisabled("|  %zu %s", session_->interventions().size(), tr("interventions"));
    if (!ui_.status.empty()) {
      ImGui::SameLine();
      ImGui::TextUnformatted(("|  " + ui_.status).c_str());
    }
  }
  ImGui::End();
  ImGui::PopStyleVar();
}

void App::handle_keys(Intents& out) {
  ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput) return;  // typing in a console: keys are text
  auto pressed = [](int key) { return ImGui::IsKeyPressed(key); };
  if (pressed(GLFW_KEY_SPACE)) out.push_back(Intent(Intent::Kind::TogglePlay));
  if (pressed(GLFW_KEY_RIGHT)) out.push_back(Intent(Intent::Kind::StepForward));
  if (pressed(GLFW_KEY_LEFT)) out.push_back(Intent(Intent::Kind::StepBack));
  if (pressed(GLFW_KEY_HOME)) out.push_back(Intent(Intent::Kind::Restart));
  if (pressed(GLFW_KEY_F11)) out.push_back(Intent(Intent::Kind::TogglePresent));
}

void App::apply(const Intent& in) {
  using K = Intent::Kind;
  Session& s = *session_;
  switch (in.kind) {
    case K::TogglePlay:
      if (!ui_.playing && s.now() >= s.end()) s.restart();
      ui_.playing = !ui_.playing;
      break;
    case K::Play: ui_.playing = true; break;
    case K::Pause: ui_.playing = false; break;
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
      if (auto err = s.intervene_packet(in.packet, in.link, in.action, in.t > 0 ? in.t : 100 * kMs))
        ui_.status = *err;
      break;
    case K::RunCommand:
      if (auto err = s.run_command(in.node, in.text)) ui_.console.error = *err;
      else ui_.console.error.clear();
      break;
    case K::ClearInterventions: s.clear_interventions(); break;
    case K::OpenScenario: open_scenario(in.text); break;
    case K::SaveAs: {
      std::ofstream f(in.text, std::ios::binary);
      f << s.save_as_scenario();
      ui_.status = f ? std::string(tr("Saved ")) + in.text : std::string(tr("Cannot write ")) + in.text;
      break;
    }
    case K::ExportPcap:
    case K::ExportLadderSvg:
      ui_.status = tr("Export is not available yet");
      break;
    case K::Screenshot:
      if (!save_png(in.text)) ui_.status = std::string(tr("Cannot write ")) + in.text;
      break;
    case K::TogglePresent:
      ui_.present = !ui_.present;
      fonts_dirty_ = true;
      break;
    case K::SetLang:
      ui_.lang = in.lang;
      set_language(in.lang);
      fonts_dirty_ = true;
      break;
    case K::SetUiScale:
      ui_.scale = std::clamp(float(in.speed), 0.5f, 4.0f);
      fonts_dirty_ = true;
      break;
    case K::Quit: quit_ = true; break;
  }
}

void App::apply_select_options() {
  for (const std::string& sel : opt_.select) {
    const Session& s = *session_;
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
      for (const TraceEvent& e : s.trace())
        if (e.ev == EvKind::Tx && e.packet().id == id) {
          ui_.sel.packet = id;
          ui_.sel.packet_link = e.packet().link;
          break;
        }
    }
  }
}

bool App::save_png(const std::string& path) {
  int w = 0, h = 0;
  glfwGetFramebufferSize(window_, &w, &h);
  if (w <= 0 || h <= 0) return false;
  std::vector<unsigned char> px(static_cast<size_t>(w) * h * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
  for (auto& a : px) (void)a;
  // OpenGL's rows start at the bottom; PNG's at the top.
  stbi_flip_vertically_on_write(1);
  for (size_t i = 3; i < px.size(); i += 4) px[i] = 255;
  return stbi_write_png(path.c_str(), w, h, 4, px.data(), w * 4) != 0;
}

void App::dump_windows(const std::string& path) {
  std::ofstream f(path);
  ImGuiContext& g = *ImGui::GetCurrentContext();
  for (ImGuiWindow* w : g.Windows)
    if (w->WasActive && !(w->Flags & ImGuiWindowFlags_ChildWindow)) f << w->Name << "\n";
}

}  // namespace tcplab::ui
