// The socket buffers' byte queue (sim/proto/tcp_socket.h), a ring: whatever the sizes of
// what goes in and comes out, it gives back the bytes in order, in one piece where asked,
// across the ring's end and its growth, and a copy is independent of the original.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <vector>

#include "sim/proto/tcp_socket.h"

using namespace tcplab;

TEST_SUITE("byte queue") {
  TEST_CASE("appends and consumes of any size give the bytes back in order, in one piece") {
    ByteQueue q;
    std::deque<uint8_t> model;
    uint64_t x = 0x9e3779b97f4a7c15ull;  // xorshift64: a fixed sequence of sizes
    auto next = [&] {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      return x;
    };
    uint8_t value = 0;
    int checked = 0;
    for (int step = 0; step < 5000; ++step) {
      if (next() % 2 == 0 || model.empty()) {
        std::vector<uint8_t> in(next() % 3000);
        for (uint8_t& b : in) b = value++;
        q.append(in.data(), in.size());
        model.insert(model.end(), in.begin(), in.end());
      } else {
        const size_t n = next() % (model.size() + 1);
        q.consume(n);
        model.erase(model.begin(), model.begin() + static_cast<long>(n));
      }
      REQUIRE(q.size() == model.size());
      REQUIRE(q.empty() == model.empty());
      if (model.empty()) continue;
      // A segment somewhere in the queue, as tcp_output takes one.
      const size_t off = next() % model.size();
      const size_t len = std::min<size_t>(model.size() - off, 1 + next() % 1448);
      const uint8_t* p = q.contiguous(off, len);
      for (size_t i = 0; i < len; ++i) REQUIRE(p[i] == model[off + i]);
      ++checked;
    }
    CHECK(checked > 1000);
  }

  TEST_CASE("a copy is independent, and a buffer of 64 KiB stays 64 KiB however long it runs") {
    ByteQueue q;
    std::vector<uint8_t> seg(1448);
    for (size_t i = 0; i < seg.size(); ++i) seg[i] = uint8_t(i);
    for (int i = 0; i < 40; ++i) q.append(seg.data(), seg.size());
    ByteQueue copy = q;
    q.consume(1000);
    CHECK(copy.size() == 40 * 1448);
    CHECK(copy.contiguous(0, 1)[0] == 0);
    CHECK(q.contiguous(0, 1)[0] == uint8_t(1000 % 1448));
    // Steady state of a bulk sender: a full window in, one segment acknowledged at a time.
    for (int i = 0; i < 100000; ++i) {
      q.consume(1448);
      q.append(seg.data(), seg.size());
    }
    CHECK(q.size() == 40 * 1448 - 1000);
    CHECK(q.capacity() == 65536);
  }

  TEST_CASE("a copy keeps the bytes in order from any head and only the room they need") {
    ByteQueue q;
    std::vector<uint8_t> model;
    uint8_t next = 0;
    for (int round = 0; round < 300; ++round) {
      const size_t add = 1 + (round * 7919) % 3000;
      std::vector<uint8_t> b(add);
      for (uint8_t& x : b) x = next++;
      q.append(b.data(), b.size());
      model.insert(model.end(), b.begin(), b.end());
      const size_t take = (round * 104729) % (model.size() + 1);
      q.consume(take);
      model.erase(model.begin(), model.begin() + static_cast<long>(take));
      ByteQueue copy = q;
      REQUIRE(copy.size() == model.size());
      if (!model.empty()) {
        const uint8_t* p = copy.contiguous(0, model.size());
        REQUIRE(std::equal(model.begin(), model.end(), p));
      }
      CHECK(copy.capacity() <= std::max<size_t>(64, 2 * model.size()));
      ByteQueue assigned;
      assigned = q;
      REQUIRE(assigned.size() == model.size());
    }
    ByteQueue emptied;
    std::vector<uint8_t> big(60000, 7);
    emptied.append(big.data(), big.size());
    emptied.consume(big.size());
    CHECK(ByteQueue(emptied).capacity() == 0);  // an emptied 64 KiB ring is not copied
  }
}
