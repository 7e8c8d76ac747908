// The GUI's string table (issue 4 "Languages"): every UI text in English and 简体中文.
// GL-free so that a test can check the table is complete and that every tr("…") literal
// in render/ has an entry. Each view keeps its strings in sim/view/strings/<view>.inc, so
// views can be written side by side; ui_strings.cpp gathers them.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>

namespace tcplab {

enum class Lang : uint8_t { En, Zh };

struct UiString {
  const char* en;
  const char* zh;
};

// Every entry of every view's table.
std::span<const UiString> ui_strings();

// The text in `lang`: the Chinese entry for `en`, or `en` itself when the language is
// English or the entry is missing (the test makes sure none is).
const char* translate(const char* en, Lang lang);

}  // namespace tcplab
