// The sockets' first-in, first-out queue (sim/core/fifo.h): whatever is pushed and popped,
// it gives the elements back in order across its compactions, a copy is independent of the
// original, and its move does not throw (why it is not a std::deque).
#include <doctest/doctest.h>

#include <cstdint>
#include <deque>
#include <string>
#include <type_traits>

#include "sim/core/fifo.h"

using namespace tcplab;

TEST_SUITE("fifo") {
  TEST_CASE("pushes and pops in any mix give the elements back in order") {
    Fifo<std::string> q;
    std::deque<std::string> model;
    uint64_t x = 0x9e3779b97f4a7c15ull;  // xorshift64: a fixed mix of pushes and pops
    auto next = [&] {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      return x;
    };
    int value = 0;
    for (int step = 0; step < 20000; ++step) {
      if (next() % 3 != 0 || model.empty()) {
        q.push_back(std::to_string(value));
        model.push_back(std::to_string(value++));
      } else {
        REQUIRE(q.front() == model.front());
        q.pop_front();
        model.pop_front();
      }
      REQUIRE(q.size() == model.size());
      REQUIRE(q.empty() == model.empty());
      if (!model.empty()) REQUIRE(q.front() == model.front());
    }
    while (!model.empty()) {
      REQUIRE(q.front() == model.front());
      q.pop_front();
      model.pop_front();
    }
    CHECK(q.empty());
  }

  TEST_CASE("a copy is independent, and clear empties it") {
    Fifo<uint32_t> a;
    for (uint32_t i = 0; i < 10; ++i) a.push_back(i);
    a.pop_front();
    Fifo<uint32_t> b = a;
    b.pop_front();
    CHECK(a.front() == 1);
    CHECK(b.front() == 2);
    CHECK(a.size() == 9);
    a.clear();
    CHECK(a.empty());
    CHECK(b.size() == 8);
  }

  TEST_CASE("its move does not throw, so a vector of sockets moves them when it grows") {
    static_assert(std::is_nothrow_move_constructible_v<Fifo<std::string>>);
    static_assert(std::is_nothrow_move_assignable_v<Fifo<std::string>>);
    CHECK(true);
  }
}
