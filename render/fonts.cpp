// fonts.h: fontconfig lookup + ImGui atlas.
#include "render/fonts.h"

#include <fontconfig/fontconfig.h>
#include <imgui.h>

#include <optional>

#include "render/ui.h"

namespace tcplab::ui {
namespace {

struct FontFile {
  std::string path;
  int index = 0;
};

// The best installed font for a fontconfig pattern ("DejaVu Sans", ":lang=zh-cn"), when
// fontconfig finds one that really matches (it otherwise substitutes any font).
std::optional<FontFile> find_font(const char* pattern, const char* must_contain_family = nullptr) {
  if (!FcInit()) return std::nullopt;
  FcPattern* pat = FcNameParse(reinterpret_cast<const FcChar8*>(pattern));
  if (!pat) return std::nullopt;
  FcConfigSubstitute(nullptr, pat, FcMatchPattern);
  FcDefaultSubstitute(pat);
  FcResult r = FcResultNoMatch;
  FcPattern* m = FcFontMatch(nullptr, pat, &r);
  std::optional<FontFile> out;
  if (m) {
    FcChar8* file = nullptr;
    FcChar8* family = nullptr;
    int index = 0;
    if (FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch) {
      FcPatternGetInteger(m, FC_INDEX, 0, &index);
      FcPatternGetString(m, FC_FAMILY, 0, &family);
      const std::string fam = family ? reinterpret_cast<const char*>(family) : "";
      if (!must_contain_family || fam.find(must_contain_family) != std::string::npos)
        out = FontFile{reinterpret_cast<const char*>(file), index};
    }
    FcPatternDestroy(m);
  }
  FcPatternDestroy(pat);
  return out;
}

}  // namespace

void load_fonts(float size_px, const std::string& extra_text, std::string* status) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();

  // Glyphs: Latin, the symbols the views draw (→ ✕ … ↑ ↓ ▶ ⏸), and every character of
  // the string table and the scenario.
  ImFontGlyphRangesBuilder b;
  b.AddRanges(io.Fonts->GetGlyphRangesDefault());
  b.AddText("→←↑↓✕…▶⏸⏮⏭⏪⏩●○■□▲▼×·—–“”‘’°µ");
  for (const UiString& s : ui_strings()) {
    b.AddText(s.en);
    b.AddText(s.zh);
  }
  b.AddText(extra_text.c_str());
  static ImVector<ImWchar> ranges;  // must outlive the atlas build
  ranges.clear();
  b.BuildRanges(&ranges);

  ImFontConfig cfg;
  cfg.OversampleH = 2;
  cfg.PixelSnapH = true;
  ImFont* font = nullptr;
  if (auto latin = find_font("DejaVu Sans", "DejaVu")) {
    cfg.FontNo = latin->index;
    font = io.Fonts->AddFontFromFileTTF(latin->path.c_str(), size_px, &cfg, ranges.Data);
  }
  if (!font) {
    ImFontConfig d;
    d.SizePixels = size_px;
    font = io.Fonts->AddFontDefault(&d);
  }
  // Simplified Chinese: Noto Sans CJK SC (fonts-noto-cjk; face index 2 of the .ttc is SC).
  std::optional<FontFile> cjk = find_font("Noto Sans CJK SC:lang=zh-cn", "CJK");
  if (!cjk) cjk = find_font(":lang=zh-cn", nullptr);
  if (cjk && cjk->path.find(".pcf") == std::string::npos) {
    ImFontConfig m;
    m.MergeMode = true;
    m.FontNo = cjk->index;
    m.OversampleH = 1;
    m.PixelSnapH = true;
    io.Fonts->AddFontFromFileTTF(cjk->path.c_str(), size_px, &m, ranges.Data);
  } else if (status) {
    *status = tr("No Chinese font found: install fonts-noto-cjk (Chinese text shows as boxes)");
  }
  io.Fonts->Build();
  (void)font;
}

}  // namespace tcplab::ui
