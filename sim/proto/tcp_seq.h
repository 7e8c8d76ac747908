// Sequence numbers as RFC 9293 §3.4 defines them: 32-bit, compared modulo 2^32. A SeqNum
// is not an integer: it can be moved by a length and two can be subtracted (when they
// are less than 2^31 apart), but "a < b" means "a comes before b" on the circle, so a
// connection whose ISN is just below 2^32 keeps working across the wrap.
#pragma once
#include <cstdint>

namespace tcplab {

struct SeqNum {
  uint32_t v = 0;

  constexpr SeqNum() = default;
  constexpr explicit SeqNum(uint32_t x) : v(x) {}

  constexpr SeqNum operator+(uint32_t n) const { return SeqNum(v + n); }
  constexpr SeqNum operator-(uint32_t n) const { return SeqNum(v - n); }
  constexpr SeqNum& operator+=(uint32_t n) { v += n; return *this; }
  // The distance from b to a, signed: positive when a is after b (RFC 9293 §3.4).
  constexpr int32_t operator-(SeqNum b) const { return static_cast<int32_t>(v - b.v); }

  constexpr bool operator==(SeqNum o) const { return v == o.v; }
  constexpr bool operator!=(SeqNum o) const { return v != o.v; }
  constexpr bool operator<(SeqNum o) const { return (*this - o) < 0; }
  constexpr bool operator<=(SeqNum o) const { return (*this - o) <= 0; }
  constexpr bool operator>(SeqNum o) const { return (*this - o) > 0; }
  constexpr bool operator>=(SeqNum o) const { return (*this - o) >= 0; }
};

// a <= x < b on the circle (the window tests of RFC 9293 §3.10.7.4, Table 6).
constexpr bool seq_in(SeqNum x, SeqNum a, SeqNum b) { return a <= x && x < b; }
constexpr SeqNum seq_max(SeqNum a, SeqNum b) { return a < b ? b : a; }
constexpr SeqNum seq_min(SeqNum a, SeqNum b) { return a < b ? a : b; }

}  // namespace tcplab
