// The world's random generator (DESIGN.md principle 1: all randomness from one seeded
// generator per world). xoshiro256** seeded through splitmix64: 32 bytes of plain data,
// so copying the world copies the generator's exact position.
#pragma once
#include <cstdint>

namespace tcplab {

class Rng {
 public:
  explicit Rng(uint64_t seed = 1) {
    uint64_t x = seed;
    for (auto& word : s_) word = splitmix64(x);
  }

  uint64_t next_u64() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  uint32_t next_u32() { return static_cast<uint32_t>(next_u64() >> 32); }
  // Uniform in [0, 1).
  double next_unit() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  // Uniform in [lo, hi], inclusive; lo <= hi.
  uint64_t uniform(uint64_t lo, uint64_t hi) {
    uint64_t span = hi - lo + 1;
    if (span == 0) return next_u64();
    return lo + next_u64() % span;  // the bias is below 2^-40 for the spans used here
  }
  // True with probability p.
  bool chance(double p) { return p > 0 && next_unit() < p; }

  bool operator==(const Rng&) const = default;

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t splitmix64(uint64_t& x) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint64_t s_[4];
};

}  // namespace tcplab
