// Scripted input for the GUI (`tcplab SCENARIO --script FILE`, issue 4 "Headless hooks"):
// a text file of input lines that the app plays one per frame or so, for tests, slides
// and reproducible bug reports. Parsed here, without GL, so that a bad script is refused
// (FILE:LINE: message, exit 2) before any window opens and so that tests can check the
// parser; render/script_input.cpp plays it.
//
// The format, one command per line; `#` starts a comment line; blank lines are ignored:
//   wait N                     let N frames pass (intents are applied between frames)
//   move X Y                   move the mouse to window pixel X,Y
//   click X Y [left|right|middle]        press and release a button there
//   drag X1 Y1 X2 Y2 [left|right|middle] press at X1,Y1, move to X2,Y2, release
//   wheel N                    scroll N notches (negative: down)
//   key [ctrl+][shift+][alt+]NAME        press and release a key: Space Enter Escape Tab
//                              Backspace Delete Left Right Up Down Home End PageUp PageDown
//                              F1…F12, A…Z, 0…9 (e.g. `key Right`, `key ctrl+s`)
//   type TEXT                  type the rest of the line into the focused text field
//   screenshot PATH            save the next frame as a PNG
//   dump-windows PATH          write the names of the windows shown, one per line
//   trace PATH                 write the session's trace up to the cursor as JSON Lines
//   intent VERB …              what a view would ask for, applied between frames:
//       seek DUR | step [event|packet|state] | back [event|packet|state] | play | pause
//       toggle-play | restart | speed X | scale X | lang en|zh | present | clear
//       run NODE COMMAND…      (a console command, e.g. `intent run client ping -c 1 10.0.0.2`)
//       select-node NAME | select-conn NODE/SOCK | select-packet ID
//       drop|delay|duplicate|corrupt PACKET [DUR]   PACKET: an id in flight, `first` (the
//                              first packet in flight) or `first-tcp`; DUR for delay
//       open SCENARIO | save PATH | export-pcap PATH | export-svg PATH | quit
//       live-start [1|2|3] | live-stop | live-leave   (the Live menu: run on the real
//                              kernel at that level or the highest, stop, back to the simulation)
//       reveal N|all           the Lesson panel's Reveal button of question N (1-based), or all
//   expect WHAT …              stop with exit 1 unless it holds:
//       interventions N | time DUR | window ID | no-window ID | status TEXT
//       present on|off | lang en|zh | playing on|off
//       answers N              N answers of the lesson's questions are revealed
//   quit                       stop here (the end of the file does too); exit 0
// X and Y are pixels from the window's top-left corner; `@ID FX FY` instead (e.g.
// `click @ladder 0.5 0.5`) means fractions of the window whose ImGui id is ID (topology,
// ladder, state, lesson, timeline, inspector, tables, console, plots).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/time.h"

namespace tcplab {

struct ScriptPoint {
  std::string window;  // empty: pixels; otherwise a window id and fractions of its rectangle
  float x = 0, y = 0;
};

struct ScriptKey {
  std::string name;  // canonical spelling from script_key_names()
  bool ctrl = false, shift = false, alt = false;
};

struct ScriptIntent {
  enum class Verb : uint8_t {
    Seek, Step, Back, Play, Pause, TogglePlay, Restart, Speed, Scale, Lang, Present, Clear,
    Run, SelectNode, SelectConn, SelectPacket, Drop, Delay, Duplicate, Corrupt,
    Open, Save, ExportPcap, ExportSvg, Quit, LiveStart, LiveStop, LiveLeave, Reveal,
  };
  Verb verb = Verb::Pause;
  Time t = 0;             // Seek; Delay's extra delay
  std::string unit;       // Step/Back: "event", "packet" or "state"
  double number = 0;      // Speed, Scale; LiveStart: the level (0: the highest available);
                          // Reveal: the question, 1-based (0: all)
  std::string node;       // Run, SelectNode, SelectConn (NODE of NODE/SOCK)
  std::string text;       // Run: the command; SelectConn: SOCK; Lang; Open/Save/Export paths
  std::string packet;     // Drop…Corrupt and SelectPacket: a decimal id, "first" or "first-tcp"
};

struct ScriptExpect {
  enum class What : uint8_t { Interventions, Time, Window, NoWindow, Status, Present, Lang, Playing, Answers };
  What what = What::Interventions;
  int64_t number = 0;   // Interventions, Answers; Time in ns
  std::string text;     // Window/NoWindow id, Status substring, Lang
  bool flag = false;    // Present, Playing
};

struct ScriptCommand {
  enum class Op : uint8_t {
    Wait, Move, Click, Drag, Wheel, Key, Type, Screenshot, DumpWindows, Trace, Intent, Expect, Quit,
  };
  Op op = Op::Wait;
  int line = 0;          // 1-based, for messages
  int frames = 0;        // Wait
  ScriptPoint a, b;      // Move/Click: a; Drag: a → b
  int button = 0;        // 0 left, 1 right, 2 middle
  float wheel = 0;
  ScriptKey key;
  std::string text;      // Type: the text; Screenshot/DumpWindows/Trace: the path
  ScriptIntent intent;
  ScriptExpect expect;
};

// The key names a script may use, in their canonical spelling.
const std::vector<std::string>& script_key_names();

// Parses a whole script. On errors returns nullopt and appends "NAME:LINE: message" lines
// (every bad line, not only the first) to `errors`.
std::optional<std::vector<ScriptCommand>> parse_gui_script(std::string_view text, const std::string& name,
                                                           std::vector<std::string>* errors);

}  // namespace tcplab
