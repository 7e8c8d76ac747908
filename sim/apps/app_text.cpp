#include "sim/apps/app_text.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace tcplab {

// "52.340 ms", or seconds once a run is long enough that milliseconds stop being readable.
std::string format_elapsed(Time t) {
  char buf[40];
  if (t >= 10 * kSec)
    std::snprintf(buf, sizeof buf, "%.3f s", static_cast<double>(t) / 1e9);
  else
    std::snprintf(buf, sizeof buf, "%.3f ms", static_cast<double>(t) / 1e6);
  return buf;
}

// iperf's spelling: "15.28 Mbit/s".
std::string format_rate(uint64_t bytes, Time t) {
  if (t <= 0) return "-";
  double bps = static_cast<double>(bytes) * 8.0 * 1e9 / static_cast<double>(t);
  const char* unit = "bit/s";
  if (bps >= 1e9) bps /= 1e9, unit = "Gbit/s";
  else if (bps >= 1e6) bps /= 1e6, unit = "Mbit/s";
  else if (bps >= 1e3) bps /= 1e3, unit = "kbit/s";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.2f %s", bps, unit);
  return buf;
}

// Bytes [offset, offset + n) of `pattern` repeated: content a student recognises in the
// packet inspector, and that a receiver can check byte by byte.
// A bulk sender makes megabytes of it a second (a division per byte was once a quarter of
// a 100-flow benchmark's time): one period is written, then the output is copied onto
// itself in doubling blocks, which stay whole periods, so out[i] = out[i - len] holds.
wire::Bytes filler(const std::string& pattern, uint64_t offset, size_t n) {
  wire::Bytes out(n);
  const size_t len = pattern.size();
  if (len == 0 || n == 0) return out;
  size_t at = static_cast<size_t>(offset % len), filled = 0;
  while (filled < std::min(n, len)) {
    const size_t run = std::min(len - at, std::min(n, len) - filled);
    std::memcpy(out.data() + filled, pattern.data() + at, run);
    filled += run;
    at = 0;
  }
  while (filled < n) {
    const size_t block = std::min(filled, n - filled);
    std::memcpy(out.data() + filled, out.data(), block);
    filled += block;
  }
  return out;
}

std::string plural(uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// Request k (1-based) is "request k " repeated to the size: each echo can be checked.
std::string request_pattern(uint32_t k) { return "request " + std::to_string(k) + " "; }

}  // namespace tcplab
