// fonts.h: fontconfig lookup + ImGui atlas.
#include "render/fonts.h"

#include <fontconfig/fontconfig.h>
#include <imgui.h>

#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <vector>

#include "render/ui.h"
#include "sim/view/dissect.h"

namespace tcplab::ui {
namespace {

constexpr float kCjkSizeRatio = 1.2f;

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

// What fontconfig found, looked up once per run (fonts are rebuilt on every scale,
// presentation or scenario change; the CJK file alone is ~20 MB).
struct Found {
  std::optional<FontFile> latin, cjk;
};
const Found& found_fonts() {
  static const Found f = [] {
    Found r;
    r.latin = find_font("DejaVu Sans", "DejaVu");
    // Simplified Chinese: Noto Sans CJK SC (fonts-noto-cjk; face index 2 of the .ttc is SC).
    r.cjk = find_font("Noto Sans CJK SC:lang=zh-cn", "CJK");
    if (!r.cjk) r.cjk = find_font(":lang=zh-cn", nullptr);
    // ImGui's rasteriser reads TrueType/OpenType only (not bitmap .pcf fonts).
    if (r.cjk && r.cjk->path.find(".pcf") != std::string::npos) r.cjk.reset();
    return r;
  }();
  return f;
}

// The bytes of a font file, read once; the atlas borrows them (FontDataOwnedByAtlas = false).
std::vector<unsigned char>* file_bytes(const std::string& path) {
  static std::map<std::string, std::vector<unsigned char>> cache;
  auto it = cache.find(path);
  if (it == cache.end()) {
    std::ifstream in(path, std::ios::binary);
    std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    it = cache.emplace(path, std::move(bytes)).first;
  }
  return it->second.empty() ? nullptr : &it->second;
}

ImFont* add_font(const FontFile& f, float size_px, ImFontConfig cfg, const ImWchar* ranges) {
  std::vector<unsigned char>* bytes = file_bytes(f.path);
  if (!bytes) return nullptr;
  cfg.FontNo = f.index;
  cfg.FontDataOwnedByAtlas = false;
  return ImGui::GetIO().Fonts->AddFontFromMemoryTTF(bytes->data(), int(bytes->size()), size_px, &cfg, ranges);
}

}  // namespace

FontReport load_fonts(float size_px, const std::string& extra_text) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  FontReport report;

  // Glyphs: Latin, the symbols the views draw (→ ✕ … ↑ ↓ ▶ ⏸), and every character of
  // the string table (both languages: switching language needs no rebuild) and the
  // scenario.
  ImFontGlyphRangesBuilder b;
  b.AddRanges(io.Fonts->GetGlyphRangesDefault());
  b.AddText("→←↑↓✕…▶⏸⏮⏭⏪⏩●○■□▲▼×·—–“”‘’°µ↔");
  b.AddText("简体中文");  // the Language menu names itself
  for (const UiString& s : ui_strings()) {
    b.AddText(s.en);
    b.AddText(s.zh);
  }
  for (const FieldExplanation& x : field_explanations()) b.AddText(x.zh);  // the inspector's tooltips
  b.AddText(extra_text.c_str());
  static ImVector<ImWchar> ranges;  // must outlive the atlas build
  ranges.clear();
  b.BuildRanges(&ranges);

  const Found& fonts = found_fonts();
  ImFontConfig cfg;
  cfg.OversampleH = 2;
  cfg.PixelSnapH = true;
  ImFont* font = nullptr;
  if (fonts.latin) {
    font = add_font(*fonts.latin, size_px, cfg, ranges.Data);
    if (font) report.latin_file = fonts.latin->path;
  }
  if (!font) {
    ImFontConfig d;
    d.SizePixels = size_px;
    font = io.Fonts->AddFontDefault(&d);
  }
  if (fonts.cjk) {
    ImFontConfig m;
    m.MergeMode = true;
    m.OversampleH = 1;  // CJK glyphs are many; 1× keeps the atlas a quarter of 2×
    m.PixelSnapH = true;
    // ImGui sizes a font by its ascent + descent; Noto CJK's are 1.45 em against DejaVu's
    // 1.16, so at the same size ideographs come out a fifth smaller than Latin capitals.
    // Merged glyphs sit on the main font's baseline, so a larger size only enlarges them.
    if (add_font(*fonts.cjk, size_px * kCjkSizeRatio, m, ranges.Data)) {
      report.cjk = true;
      report.cjk_file = fonts.cjk->path;
    }
  }
  io.Fonts->Build();
  report.atlas_w = io.Fonts->TexWidth;
  report.atlas_h = io.Fonts->TexHeight;
  report.glyphs = font ? font->Glyphs.Size : 0;
  return report;
}

}  // namespace tcplab::ui
