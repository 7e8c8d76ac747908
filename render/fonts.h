// Fonts for the GUI (issue 4 "Languages"): a Latin UI font and a CJK font merged into it,
// both found through fontconfig, with glyph ranges built from the strings actually shown
// (the UI string table and the scenario's texts) so no character is a box and the atlas
// stays small.
#pragma once
#include <string>

namespace tcplab::ui {

// Rebuilds ImGui's font atlas at `size_px`. `extra_text` holds scenario texts. When no CJK
// font is installed, sets `*status` to a message saying so (Chinese then shows as boxes).
void load_fonts(float size_px, const std::string& extra_text, std::string* status);

}  // namespace tcplab::ui
