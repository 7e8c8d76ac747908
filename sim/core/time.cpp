// Parsing and printing of durations and rates (see time.h).
#include "sim/core/time.h"

#include <cmath>
#include <cstdio>

namespace tcplab {
namespace {

// Splits "12.5ms" into 12.5 and "ms". Returns false when there is no number.
bool split_number(std::string_view text, double& value, std::string_view& unit) {
  size_t i = 0;
  bool digits = false, dot = false;
  while (i < text.size()) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      digits = true;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
    ++i;
  }
  if (!digits) return false;
  value = std::strtod(std::string(text.substr(0, i)).c_str(), nullptr);
  unit = text.substr(i);
  return true;
}

void set(std::string* error, std::string message) {
  if (error) *error = std::move(message);
}

}  // namespace

std::optional<Time> parse_duration(std::string_view text, std::string* error) {
  std::string_view t = text;
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  if (!t.empty() && t.front() == '-') {
    set(error, "duration '" + std::string(text) + "' is negative");
    return std::nullopt;
  }
  double value = 0;
  std::string_view unit;
  if (!split_number(t, value, unit)) {
    set(error, "'" + std::string(text) + "' is not a duration (expected e.g. 5ms, 1.5s, 200us, 10ns)");
    return std::nullopt;
  }
  double scale = 0;
  if (unit == "ns") scale = 1;
  else if (unit == "us") scale = 1e3;
  else if (unit == "ms") scale = 1e6;
  else if (unit == "s") scale = 1e9;
  else {
    set(error, unit.empty() ? "duration '" + std::string(text) + "' needs a unit (ns, us, ms or s)"
                            : "unknown duration unit '" + std::string(unit) + "' in '" +
                                  std::string(text) + "' (expected ns, us, ms or s)");
    return std::nullopt;
  }
  double ns = value * scale;
  if (ns > 9.2e18) {
    set(error, "duration '" + std::string(text) + "' is too long");
    return std::nullopt;
  }
  return static_cast<Time>(std::llround(ns));
}

std::optional<uint64_t> parse_rate(std::string_view text, std::string* error) {
  double value = 0;
  std::string_view unit;
  if (!split_number(text, value, unit)) {
    set(error, "'" + std::string(text) + "' is not a rate (expected e.g. 10Mbps, 1Gbps, 64kbps)");
    return std::nullopt;
  }
  double scale = 0;
  if (unit == "bps") scale = 1;
  else if (unit == "kbps") scale = 1e3;
  else if (unit == "Mbps") scale = 1e6;
  else if (unit == "Gbps") scale = 1e9;
  else {
    set(error, unit.empty() ? "rate '" + std::string(text) + "' needs a unit (bps, kbps, Mbps or Gbps)"
                            : "unknown rate unit '" + std::string(unit) + "' in '" +
                                  std::string(text) + "' (expected bps, kbps, Mbps or Gbps)");
    return std::nullopt;
  }
  double bps = value * scale;
  if (bps < 1) {
    set(error, "rate '" + std::string(text) + "' must be at least 1bps");
    return std::nullopt;
  }
  if (bps > 1e15) {
    set(error, "rate '" + std::string(text) + "' is too high (at most 1000000Gbps)");
    return std::nullopt;
  }
  return static_cast<uint64_t>(std::llround(bps));
}

std::string format_duration(Time t) {
  if (t == 0) return "0s";
  struct Unit { Time scale; const char* name; };
  for (Unit u : {Unit{kSec, "s"}, Unit{kMs, "ms"}, Unit{kUs, "us"}}) {
    if (t % u.scale == 0) return std::to_string(t / u.scale) + u.name;
  }
  return std::to_string(t) + "ns";
}

std::string format_ms(Time t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(t) / 1e6);
  return buf;
}

}  // namespace tcplab
