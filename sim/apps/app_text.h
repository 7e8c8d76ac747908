// What the built-in programs (`app …`) print and send, shared by the simulated programs
// (tcp_apps.cpp) and their live-mode twins on real sockets (sim/live), so both say the
// same thing in the same words and send the same bytes.
#pragma once
#include <cstdint>
#include <string>

#include "sim/core/time.h"
#include "sim/wire/headers.h"

namespace tcplab {

// "52.340 ms", or seconds once a run is long enough that milliseconds stop being readable.
std::string format_elapsed(Time t);
// iperf's spelling: "15.28 Mbit/s".
std::string format_rate(uint64_t bytes, Time t);
// Bytes [offset, offset + n) of `pattern` repeated: content a student recognises in the
// packet inspector, and that a receiver can check byte by byte.
wire::Bytes filler(const std::string& pattern, uint64_t offset, size_t n);
std::string plural(uint64_t n, const char* one, const char* many);  // "1 byte", "2 bytes"
// Request k (1-based) of `app requests` is "request k " repeated to the size.
std::string request_pattern(uint32_t k);

}  // namespace tcplab
