// How far a mistyped word is from a known one, for the "did you mean …?" hints of every
// parser of outside input (commands, filters, scenario keys, command-line options).
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tcplab {

// Optimal string alignment distance: insertions, deletions, substitutions, and swaps of
// two neighbouring characters each count 1 ("tpc" -> "tcp" and "hots" -> "host" are 1).
size_t edit_distance(std::string_view a, std::string_view b);

// " (did you mean 'x'?)" for the option closest to `word` (distance at most 2), else "":
// the hint of the command-line parsers (tcplab run, the GUI's options).
std::string did_you_mean(std::string_view word, const std::vector<std::string>& options);

}  // namespace tcplab
