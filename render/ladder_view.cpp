// Ladder view (issue 4 "Views"). Placeholder until the view lands.
#include <imgui.h>

#include "render/ui.h"

namespace tcplab::ui {

void draw_ladder(const Session& s, UiState& ui, Intents& out) {
  (void)s;
  (void)ui;
  (void)out;
  if (!ImGui::Begin(window_title("Ladder", "ladder").c_str())) {
    ImGui::End();
    return;
  }
  ImGui::TextUnformatted("(not drawn yet)");
  ImGui::End();
}

}  // namespace tcplab::ui
