// tcplab's entry point: the headless command line (sim/cli) and, with no subcommand, the
// GUI on a scenario (render/app.cpp).
#include <iostream>
#include <string>
#include <vector>

#include "render/app.h"
#include "sim/cli/cli.h"
#include "sim/cli/gui_options.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (auto rc = tcplab::cli_main(args, std::cout, std::cerr)) return *rc;
  std::string error;
  auto opt = tcplab::parse_gui_options(args, &error);
  if (!opt) {
    std::cerr << "tcplab: " << error << "\nTry 'tcplab --help'.\n";
    return 2;
  }
  if (!tcplab::resolve_scenario(opt->scenario)) {
    std::cerr << "tcplab: no scenario '" << opt->scenario << "' (a path, or a name from `tcplab list`)\n";
    return 2;
  }
  if (opt->bench_step_back > 0) return tcplab::ui::bench_step_back(*opt);  // no window
  return tcplab::ui::App(std::move(*opt)).run();
}
