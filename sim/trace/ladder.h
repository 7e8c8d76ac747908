// The trace as an ASCII sequence diagram (`tcplab run --format ladder`, the default):
// time runs down, one lifeline per host or router, one arrow per frame and receiver.
//
//     time ms  client                                   server
//              |                                        |
//       1.000  | SYN_SENT                               |
//       1.000  |-------- [SYN] seq=0 mss=1460 --------->|
//       3.000  |  loss ✕-- [SYN|ACK] seq=0 ack=1 mss=… -|
//    1003.000  |<- retx [SYN|ACK] seq=0 ack=1 mss=1460 -|
//    1005.000  |                                        |  client: connected
//
// How the trace maps onto it:
//  - Switches have no column: they forward the same frame (same id), so an arrow goes
//    from the host or router that sent frame X to each host or router that received X
//    (a broadcast ARP gives one arrow per receiver). Routers send a new frame per hop.
//  - An arrow's row is its send time; its label is the packet summary (the compact form,
//    then "…", when the full one does not fit). A retransmission is labelled "retx …".
//  - A frame lost on the way (loss, fault, queue, or dropped by a receiver it never
//    reached) stops short of its target: "--✕ loss".
//  - A frame dropped by a node it reached (ttl, noroute, noarp, closed, checksum…)
//    marks that node's lifeline: "✕ ttl".
//  - TCP state changes are written beside their node's lifeline, timer expiries (except
//    delayed ACKs) likewise ("rto fires"); what programs print (app events) goes to the
//    right of the last lifeline as "node: text", so columns stay straight.
#pragma once
#include <string>
#include <vector>

#include "sim/trace/trace_event.h"
#include "sim/trace/trace_view.h"

namespace tcplab {

std::string render_ladder(TraceView events, const TraceContext& ctx);

}  // namespace tcplab
