// The command line (DESIGN.md "Command line"): `tcplab run|check|list|--help|--version`.
// Lives in the library so that tests run it in-process; render/main.cpp only adds the GUI.
#pragma once
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace tcplab {

// Runs the headless command line. Returns the exit code: 0 success, 1 runtime failure,
// 2 bad input. Returns nullopt when the arguments ask for the GUI (no subcommand).
std::optional<int> cli_main(const std::vector<std::string>& args, std::ostream& out,
                            std::ostream& err);

// A scenario argument: a path, or the name of a built-in scenario ("handshake").
std::optional<std::string> resolve_scenario(const std::string& arg);
// Where the built-in scenarios live (TCPLAB_SCENARIOS, beside the binary, or the sources).
std::string scenarios_dir();

std::string usage_text();

}  // namespace tcplab
