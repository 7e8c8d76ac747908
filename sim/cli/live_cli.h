// `tcplab live …` (issue 5): the scenario on the real Linux kernel, the comparison with
// the simulation, and talking to local programs through the kernel.
#pragma once
#include <ostream>
#include <string>
#include <vector>

namespace tcplab {

// args[0] is "live". Returns the exit code: 0 success, 1 runtime failure (`compare`: the
// state sequences differ), 2 bad input, 128+N when signal N stopped the run.
int live_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
std::string live_usage_text();

}  // namespace tcplab
