// Writes the generated seed corpora of the fuzz targets (issue 7 "Fuzzing"), so that no
// binary corpus is committed: every distinct frame of short runs of the built-in scenarios
// (wire, dissect), those frames behind the committed filters and the scenarios' own
// [[fault]] filters (filter: TEXT NUL FRAME), every command of the scenarios' steps
// (command), and scenarios with --set overrides (scenario: the files, and TEXT NUL OVERRIDES).
//
//   tcplab_fuzz_seeds SOURCE_DIR OUT_DIR     writes OUT_DIR/<target>/<name>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "sim/net/world.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/trace/trace_event.h"

namespace fs = std::filesystem;
using namespace tcplab;

namespace {

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s SOURCE_DIR OUT_DIR\n", argv[0]);
    return 2;
  }
  const fs::path src = argv[1], out = argv[2];
  for (const char* t : {"wire", "dissect", "filter", "command", "scenario"}) fs::create_directories(out / t);

  std::vector<fs::path> scenarios;
  for (const auto& e : fs::directory_iterator(src / "scenarios"))
    if (e.path().extension() == ".toml") scenarios.push_back(e.path());
  std::sort(scenarios.begin(), scenarios.end());

  std::set<std::string> frames, commands;
  std::vector<std::string> filters, frame_list;
  for (const fs::path& path : scenarios) {
    const std::string name = path.stem().string();
    const LoadResult r = load_scenario_file(path.string());
    if (!r.scenario) {
      std::fprintf(stderr, "%s: does not load\n", path.c_str());
      return 1;
    }
    for (const StepSpec& s : r.scenario->steps)
      if (commands.insert(s.cmd_text).second)
        write_file(out / "command" / (name + "-" + std::to_string(commands.size())), s.cmd_text);
    for (const FaultSpec& f : r.scenario->faults) filters.push_back(f.match.text);

    // A few seconds of the run are enough for every kind of frame the lesson sends.
    World w = World::from_scenario(*r.scenario);
    w.run_until(std::min<Time>(r.scenario->duration, 3 * kSec));
    size_t kept = 0;
    for (const TraceEvent& e : w.take_trace()) {
      if (e.ev != EvKind::Tx || kept >= 24) continue;
      const auto& f = e.packet().frame;
      std::string bytes(f.begin(), f.end());
      if (!frames.insert(bytes).second) continue;
      ++kept;
      write_file(out / "wire" / (name + "-" + std::to_string(kept)), bytes);
      write_file(out / "dissect" / (name + "-" + std::to_string(kept)), bytes);
      frame_list.push_back(std::move(bytes));
    }

    // The scenario as it is, and with overrides of each kind --set accepts.
    write_file(out / "scenario" / (name + ".toml"), read_file(path));
    write_file(out / "scenario" / (name + "-set"),
               read_file(path) + std::string(1, '\0') +
                   "seed=3\nduration=2s\ntcp.mss=536\nlink.loss=0.1\nlink.1.delay=20ms");
  }

  for (const auto& e : fs::directory_iterator(src / "tests/fuzz/seeds/filter")) filters.push_back(read_file(e.path()));
  std::sort(filters.begin(), filters.end());
  filters.erase(std::unique(filters.begin(), filters.end()), filters.end());
  for (size_t i = 0; i < filters.size(); ++i) {
    const std::string& frame = frame_list.empty() ? std::string() : frame_list[(i * 7) % frame_list.size()];
    write_file(out / "filter" / ("filter-" + std::to_string(i + 1)), filters[i] + std::string(1, '\0') + frame);
  }
  std::printf("tcplab_fuzz_seeds: %zu frames, %zu commands, %zu filters, %zu scenarios in %s\n", frames.size(),
              commands.size(), filters.size(), scenarios.size(), out.c_str());
  return 0;
}
