// The programs' shared texts and payloads (sim/apps/app_text.h): what `app` programs send
// must be the pattern, byte for byte, wherever a send starts in it, since receivers and
// the property tests check every byte.
#include <doctest/doctest.h>

#include <string>

#include "sim/apps/app_text.h"

using namespace tcplab;

TEST_SUITE("app text") {
  TEST_CASE("filler is the pattern repeated from any offset - at any length") {
    // filler writes one period, then copies the output onto itself in doubling blocks.
    uint64_t x = 0x9E3779B97F4A7C15ull;  // xorshift64: the same cases every run
    auto next = [&] { return x ^= x << 13, x ^= x >> 7, x ^= x << 17; };
    for (int round = 0; round < 2000; ++round) {
      std::string pattern;
      for (uint64_t i = 0, len = 1 + next() % 23; i < len; ++i) pattern += static_cast<char>('a' + next() % 26);
      const uint64_t offset = next() % 1'000'000;
      const size_t n = next() % 9000;
      const wire::Bytes out = filler(pattern, offset, n);
      CAPTURE(pattern);
      CAPTURE(offset);
      REQUIRE(out.size() == n);
      for (size_t i = 0; i < n; ++i)
        REQUIRE(out[i] == static_cast<uint8_t>(pattern[(offset + i) % pattern.size()]));
    }
    CHECK(filler("0123456789", 7, 6) == wire::Bytes{'7', '8', '9', '0', '1', '2'});
    CHECK(filler("request 1 ", 0, 0).empty());
  }
}
