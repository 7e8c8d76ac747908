// Small helpers of the scenario value (scenario.h); the loader is scenario_loader.cpp.
#include "sim/scenario/scenario.h"

namespace tcplab {

const char* to_string(FaultAction a) {
  switch (a) {
    case FaultAction::Drop: return "drop";
    case FaultAction::Delay: return "delay";
    case FaultAction::Duplicate: return "duplicate";
    case FaultAction::Corrupt: return "corrupt";
  }
  return "?";
}

int Scenario::node_index(std::string_view name) const {
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

int Scenario::program_index(std::string_view name) const {
  for (size_t i = 0; i < programs.size(); ++i) {
    if (programs[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::vector<std::string> ProgramSpec::lines() const {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < code.size()) {
    size_t nl = code.find('\n', start);
    if (nl == std::string::npos) nl = code.size();
    std::string line = code.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(std::move(line));
    start = nl + 1;
  }
  return out;
}

}  // namespace tcplab
