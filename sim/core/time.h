// Simulated time: an integer count of nanoseconds (DESIGN.md principle 1), and the
// duration / rate notation used by scenario files and commands ("5ms", "10Mbps").
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tcplab {

using Time = int64_t;  // nanoseconds since the start of the run

constexpr Time kNs = 1;
constexpr Time kUs = 1'000;
constexpr Time kMs = 1'000'000;
constexpr Time kSec = 1'000'000'000;

// "250ms", "1.5s", "10us", "0ns". A unit is required; negative values are refused.
// On failure returns nullopt and, when `error` is given, says why.
std::optional<Time> parse_duration(std::string_view text, std::string* error = nullptr);

// "10Mbps", "1.5Gbps", "9600bps", "100kbps" -> bits per second (> 0).
std::optional<uint64_t> parse_rate(std::string_view text, std::string* error = nullptr);

// Shortest exact spelling with a unit: 5000000 -> "5ms", 1500000 -> "1500us".
std::string format_duration(Time t);

// Milliseconds with three decimals, as ping prints them: 20123456 -> "20.123".
std::string format_ms(Time t);

}  // namespace tcplab
