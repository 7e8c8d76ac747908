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

}  // namespace tcplab
