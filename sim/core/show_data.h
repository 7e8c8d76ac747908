// Received data as a student would like to read it in a console line: printable ASCII
// as is, the rest escaped, long payloads cut after 64 bytes.
#pragma once
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>

namespace tcplab {

inline std::string show_data(std::span<const uint8_t> data) {
  std::string out = "\"";
  size_t shown = 0;
  for (uint8_t c : data) {
    if (shown++ == 64) {
      out += "…";
      break;
    }
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 32 && c < 127) {
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out + "\"";
}

}  // namespace tcplab
