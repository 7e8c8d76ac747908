// compare.h: two texts side by side, measured in terminal columns (display_width() of
// sim/trace/summary.h), so the ladders' "✕", "→" and Chinese labels keep the columns straight.
#include <sstream>

#include "sim/live/compare.h"
#include "sim/trace/summary.h"

namespace tcplab::live {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

size_t widest(const std::vector<std::string>& lines) {
  size_t w = 0;
  for (const std::string& l : lines) w = std::max(w, display_width(l));
  return w;
}

std::string repeat(std::string_view s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

// Without the spaces at the end, which only make a terminal wrap sooner.
std::string rtrim(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

}  // namespace

std::string side_by_side(const std::string& left_title, const std::string& left,
                         const std::string& right_title, const std::string& right, size_t left_width) {
  const std::vector<std::string> l = lines_of(left), r = lines_of(right);
  const size_t right_rule = std::max(display_width(right_title), std::min<size_t>(widest(r), left_width));
  std::string out;
  auto row = [&](const std::string& a, const std::string& b, const char* sep) {
    out += rtrim(pad_right(fit_width(a, left_width), left_width) + sep + b) + "\n";
  };
  row(left_title, right_title, " │ ");
  out += repeat("─", left_width) + "─┼─" + repeat("─", right_rule) + "\n";
  for (size_t i = 0; i < std::max(l.size(), r.size()); ++i)
    row(i < l.size() ? l[i] : "", i < r.size() ? r[i] : "", " │ ");
  return out;
}

}  // namespace tcplab::live
