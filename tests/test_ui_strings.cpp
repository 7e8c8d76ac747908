// The GUI's string table (sim/view/ui_strings.h): complete in both languages, and every
// tr("…") literal in render/ has an entry — so switching to 简体中文 leaves no English
// behind and no glyph missing from the font atlas (the atlas is built from this table).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "sim/view/ui_strings.h"

using namespace tcplab;

namespace {

// The literal as the compiler sees it: \" \\ \n unescaped.
std::string unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      const char c = s[++i];
      out += c == 'n' ? '\n' : c;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

TEST_SUITE("ui strings") {
  TEST_CASE("every entry has English and Chinese text, and no English text is listed twice") {
    std::set<std::string> seen;
    for (const UiString& s : ui_strings()) {
      CAPTURE(s.en);
      REQUIRE(s.en != nullptr);
      REQUIRE(s.zh != nullptr);
      CHECK(std::string(s.en).size() > 0);
      CHECK(std::string(s.zh).size() > 0);
      CHECK(seen.insert(s.en).second);
    }
  }

  TEST_CASE("translate gives the Chinese entry, and English unchanged") {
    REQUIRE(ui_strings().size() > 0);
    const UiString& s = ui_strings()[0];
    CHECK(std::string(translate(s.en, Lang::Zh)) == s.zh);
    CHECK(std::string(translate(s.en, Lang::En)) == s.en);
    CHECK(std::string(translate("no such text in the table", Lang::Zh)) == "no such text in the table");
  }

  TEST_CASE("every tr(\"…\") literal in render/ has a translation") {
    std::set<std::string> table;
    for (const UiString& s : ui_strings()) table.insert(s.en);
    const std::regex lit(R"(\btr\(\s*\"((?:[^\"\\]|\\.)*)\"\s*\))");
    size_t literals = 0;
    for (const auto& f : std::filesystem::directory_iterator(std::string(TCPLAB_SOURCE_DIR) + "/render")) {
      if (f.path().extension() != ".cpp" && f.path().extension() != ".h") continue;
      std::ifstream in(f.path());
      std::stringstream ss;
      ss << in.rdbuf();
      const std::string text = ss.str();
      for (std::sregex_iterator it(text.begin(), text.end(), lit), end; it != end; ++it) {
        const std::string en = unescape((*it)[1].str());
        ++literals;
        CAPTURE(f.path().filename().string());
        CAPTURE(en);
        CHECK(table.count(en) == 1);
      }
    }
    CHECK(literals > 20);
  }
}
