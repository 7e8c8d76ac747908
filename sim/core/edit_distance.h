// How far a mistyped word is from a known one, for the "did you mean …?" hints of every
// parser of outside input (commands, filters, scenario keys, command-line options).
#pragma once
#include <cstddef>
#include <string_view>

namespace tcplab {

// Optimal string alignment distance: insertions, deletions, substitutions, and swaps of
// two neighbouring characters each count 1 ("tpc" -> "tcp" and "hots" -> "host" are 1).
size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace tcplab
