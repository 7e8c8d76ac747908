// Fonts for the GUI (issue 4 "Languages"): a Latin UI font and a CJK font merged into it,
// both found through fontconfig, with glyph ranges built from the strings actually shown
// (the UI string table, the scenario's texts, the lesson titles of the picker) so no
// character is a box and the atlas stays small.
#pragma once
#include <string>

namespace tcplab::ui {

struct FontReport {
  bool cjk = false;        // a Chinese font was found and merged
  int atlas_w = 0, atlas_h = 0;
  int glyphs = 0;
  std::string latin_file, cjk_file;
};

// Rebuilds ImGui's font atlas at `size_px`. `extra_text` holds texts beyond the string
// table (scenario narration, lesson titles). The font files are read once and kept.
FontReport load_fonts(float size_px, const std::string& extra_text);

// The message shown when no CJK font exists. English on purpose: without the font, a
// Chinese message would itself be boxes.
constexpr const char* kNoCjkFontMessage =
    "No Chinese font found: install fonts-noto-cjk (sudo apt-get install fonts-noto-cjk); Chinese text shows as "
    "boxes until then.";

}  // namespace tcplab::ui
