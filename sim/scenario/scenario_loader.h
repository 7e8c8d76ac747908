// Loads and validates scenario files (TOML, via toml++). Every mistake is reported with
// its line and column (`FILE:LINE:COL: message`), all of them at once, and nothing is run
// from a file that has one. Also used by `tcplab check`.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/scenario.h"

namespace tcplab {

struct LoadError {
  std::string file;
  int line = 0, col = 0;  // 0 when unknown (e.g. a --set override)
  std::string message;
  std::string format() const;  // "FILE:LINE:COL: message" (or "FILE: message")
};

struct LoadResult {
  std::optional<Scenario> scenario;  // set only when errors is empty
  std::vector<LoadError> errors;
};

// `overrides` are --set KEY=VALUE strings: top-level keys (seed=3, duration=5s),
// tcp.KEY=VALUE, link.KEY=VALUE (every link) and link.N.KEY=VALUE (the N-th, 1-based).
LoadResult load_scenario_file(const std::string& path, const std::vector<std::string>& overrides = {});
LoadResult load_scenario_text(std::string_view text, const std::string& display_name,
                              const std::vector<std::string>& overrides = {});

}  // namespace tcplab
