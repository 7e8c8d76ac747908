// The fuzz targets' inputs replayed in the normal suite (issue 7 "Fuzzing"), no clang needed:
// every crash the fuzzers found is kept under tests/fuzz/regressions/<target>/ and must now
// pass the same body (tests/fuzz/targets.h) that libFuzzer runs, checks included; so must
// the committed seeds of tests/fuzz/seeds/<target>/ and the built-in scenarios.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

// A failed check throws here (libFuzzer's build aborts), so one bad input fails its case only.
#define TCPLAB_FUZZ_FAIL(what)                                                                    \
  throw std::runtime_error(std::string("fuzz check failed: ") + (what) + " (" + __FILE__ + ":" + \
                           std::to_string(__LINE__) + ")")
#include "tests/fuzz/targets.h"

namespace fs = std::filesystem;

namespace {

const fs::path kFuzzDir = fs::path(TCPLAB_SOURCE_DIR) / "tests" / "fuzz";

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const tcplab::fuzz::Target* find_target(const std::string& name) {
  for (const auto& t : tcplab::fuzz::kTargets)
    if (name == t.name) return &t;
  return nullptr;
}

// Replays every file under DIR/<target>/ through its target; returns how many.
size_t replay_all(const fs::path& dir) {
  size_t n = 0;
  if (!fs::exists(dir)) return 0;
  for (const auto& sub : fs::directory_iterator(dir)) {
    if (!sub.is_directory()) continue;
    const std::string name = sub.path().filename().string();
    const tcplab::fuzz::Target* t = find_target(name);
    INFO("the folder names no target in tests/fuzz/targets.h: ", sub.path().string());
    REQUIRE(t != nullptr);
    for (const auto& f : fs::directory_iterator(sub.path())) {
      if (!f.is_regular_file()) continue;
      const std::string bytes = read_bytes(f.path());
      CAPTURE(f.path().string());
      CHECK_NOTHROW(t->run(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
      ++n;
    }
  }
  return n;
}

}  // namespace

TEST_CASE("fuzz regressions: every input a fuzzer once crashed on now passes its target") {
  replay_all(kFuzzDir / "regressions");
}

TEST_CASE("fuzz seeds: the committed seeds and the built-in scenarios pass their targets") {
  CHECK(replay_all(kFuzzDir / "seeds") > 10);
  for (const auto& f : fs::directory_iterator(fs::path(TCPLAB_SOURCE_DIR) / "scenarios")) {
    if (f.path().extension() != ".toml") continue;
    const std::string text = read_bytes(f.path());
    CAPTURE(f.path().string());
    CHECK_NOTHROW(tcplab::fuzz::scenario(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  }
}

TEST_CASE("fuzz targets: every tests/fuzz/fuzz_NAME.cpp has its body NAME in targets.h") {
  size_t n = 0;
  for (const auto& f : fs::directory_iterator(kFuzzDir)) {
    const std::string file = f.path().filename().string();
    if (file.rfind("fuzz_", 0) != 0 || f.path().extension() != ".cpp") continue;
    const std::string name = f.path().stem().string().substr(5);
    CAPTURE(file);
    CHECK(find_target(name) != nullptr);
    ++n;
  }
  CHECK(n >= 7);
}

TEST_CASE("fuzz checks: a failed check in a target is reported") {
  // The checks must be live in this build: a macro that compiled to nothing would make
  // every replay above pass.
  CHECK_THROWS_WITH_AS([] { TCPLAB_FUZZ_CHECK(1 + 1 == 3); }(), doctest::Contains("1 + 1 == 3"), std::runtime_error);
}
