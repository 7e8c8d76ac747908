// The trace as a fixed-width table (`tcplab run --format table`): a header line, then
// one line per packet sent and per packet lost, and the lines programs printed, in
// time order. Meant to be read like tcpdump output with the simulator's extras.
//
// What gets a line, and why:
//  - tx at a host or router: one line per packet per hop it is sent on. A switch's tx is
//    left out: it forwards the same frame (same id), already shown at its sender.
//  - drop, wherever it happens (switches included), with the reason first: "✕ loss".
//  - rx is left out: in a simulator every packet not dropped arrives, so an rx line
//    would repeat the tx line with a later time and add nothing.
//  - state (TCP state changes) and app (what commands printed) as text lines, so the
//    output of `ping` and friends reads in place; timer and cc events are left out
//    (see --format jsonl for them).
#pragma once
#include <ostream>
#include <string>
#include <vector>

#include "sim/trace/tcp_relative.h"
#include "sim/trace/trace_event.h"
#include "sim/trace/trace_view.h"

namespace tcplab {

class TableWriter {
 public:
  TableWriter(std::ostream& out, TraceContext ctx);  // writes the header line
  void write(const TraceEvent& e);                   // writes the event's line, if it has one
  std::string header() const;
  // The event's line without the newline, or "" when the table leaves it out (an app
  // text of several lines gives several, '\n'-separated). Learns TCP ISNs, so events
  // must come in trace order.
  std::string line(const TraceEvent& e);

 private:
  std::ostream* out_;
  TraceContext ctx_;
  TcpRelative rel_;
  size_t node_width_ = 4;
};

std::string render_table(TraceView events, const TraceContext& ctx);

}  // namespace tcplab
