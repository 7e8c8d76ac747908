// Inspector view (issue 4 "Views"). Placeholder until the view lands.
#include <imgui.h>

#include "render/ui.h"

namespace tcplab::ui {

void draw_inspector(const Session& s, UiState& ui, Intents& out) {
  (void)s;
  (void)ui;
  (void)out;
  if (!ImGui::Begin(window_title("Inspector", "inspector").c_str())) {
    ImGui::End();
    return;
  }
  ImGui::TextUnformatted("(not drawn yet)");
  ImGui::End();
}

}  // namespace tcplab::ui
