// The trace as JSON Lines (`tcplab run --format jsonl`): one object per event per line,
// with DESIGN.md's field names ("Trace events") in a fixed order, so that the same run
// gives the same bytes. Packet fields are parsed from the frame each event carries.
#pragma once
#include <ostream>
#include <string>
#include <string_view>

#include "sim/trace/tcp_relative.h"
#include "sim/trace/trace_event.h"

namespace tcplab {

// A JSON string literal, quotes included: `"`, `\` and control characters escaped
// (\n \t … or \u00XX); valid UTF-8 passes through; an invalid byte becomes U+FFFD, so
// the output is always valid JSON.
std::string json_string(std::string_view utf8);

// Streams events as they come. Relative TCP numbers need every earlier segment, so one
// writer must see the whole trace in order.
class JsonlWriter {
 public:
  JsonlWriter(std::ostream& out, TraceContext ctx);
  void write(const TraceEvent& e);           // line() and a newline
  std::string line(const TraceEvent& e);     // the object, without the newline

 private:
  std::ostream* out_;
  TraceContext ctx_;
  TcpRelative rel_;
};

}  // namespace tcplab
