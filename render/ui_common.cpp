// Helpers every view shares (ui.h): the current language, the UI scale, window titles.
#include <imgui.h>

#include "render/ui.h"

namespace tcplab::ui {
namespace {
Lang g_lang = Lang::En;  // the GUI's one language setting (render/ only; sim/ has no globals)
}  // namespace

const char* tr(const char* en) { return translate(en, g_lang); }
void set_language(Lang l) { g_lang = l; }
Lang language() { return g_lang; }

// ImGui's font global scale is not used: fonts are rebuilt at the scaled size so text stays
// sharp on a projector. Sizes in pixels follow the same factor through px().
float px(float v) { return v * ImGui::GetFontSize() / 16.0f; }

std::string window_title(const char* en, const char* id) { return std::string(tr(en)) + "###" + id; }

}  // namespace tcplab::ui
