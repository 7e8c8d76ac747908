// tcplab's entry point: the headless command line (sim/cli) and, with no subcommand, the
// GUI — which is not built yet, so it says so and points at `tcplab run`.
#include <iostream>
#include <string>
#include <vector>

#include "sim/cli/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (auto rc = tcplab::cli_main(args, std::cout, std::cerr)) return *rc;
  const std::string scenario = args.empty() ? "handshake" : args[0];
  std::cout << tcplab::usage_text()
            << "\nThe GUI is not built yet: it arrives with the visual-simulator work.\n"
               "Meanwhile, watch a scenario in the terminal:  tcplab run " +
                   (args.empty() ? std::string("handshake") : scenario) + "\n";
  return args.empty() ? 0 : 1;
}
