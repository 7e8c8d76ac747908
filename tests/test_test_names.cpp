// ctest learns the doctest cases through CMake lists, where ';' separates items: a case
// whose name holds one is split into pieces that match nothing, and "pass" without running.
// Fifty cases were silently skipped that way; this keeps it from happening again.
#include <doctest/doctest.h>

#include <string>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

TEST_SUITE("test names") {
  TEST_CASE("no test case, subcase or suite name contains a semicolon") {
    const std::regex name(R"((TEST_CASE|SUBCASE|TEST_SUITE)\(\s*"([^"]*)\")");
    size_t names = 0;
    for (const auto& f : std::filesystem::directory_iterator(std::string(TCPLAB_SOURCE_DIR) + "/tests")) {
      if (f.path().extension() != ".cpp") continue;
      std::ifstream in(f.path());
      std::stringstream ss;
      ss << in.rdbuf();
      const std::string text = ss.str();
      for (std::sregex_iterator it(text.begin(), text.end(), name), end; it != end; ++it) {
        ++names;
        CAPTURE(f.path().filename().string());
        CAPTURE((*it)[2].str());
        CHECK((*it)[2].str().find(';') == std::string::npos);
      }
    }
    CHECK(names > 100);
  }
}
