// The world's invariants (issue 7, "Invariants checked in debug and sanitized builds"),
// as functions a test, a fuzz target or the event loop can call after any event:
//
//  frames        every frame that leaves a node (tx) onto a link is, once per hop, either
//                received (rx) at the far end or dropped there with a reason (loss, fault)
//                — accounted by (frame id, link); a switch forwards the same id on another
//                link (a new hop), a fault `duplicate` sends the same id twice on one link
//                (two hops). A frame still on the wire is neither. A drop at a node after
//                its rx (ttl, noroute, checksum, otherhost, closed, backlog) names a frame
//                that node received in the same event, once per rx.
//  event-time    no event is due before the clock (the queue's earliest entry, cancelled
//                ones included, is not in the past).
//  link-queue    a frame waits in a link's queue only while the end of the serialisation
//                ahead of it is a pending event, due when that frame leaves the wire; a
//                link direction has at most one, and knows whether it has one.
//  tcp-seq       per socket, RFC 9293 §3.3.1 in modular arithmetic: ISS ≤ SND.UNA ≤
//                SND.NXT ≤ SND.MAX, what is outstanding fits in the send buffer (+ SYN and
//                FIN), a sent FIN is the last sequence number, IRS < RCV.NXT ≤ the right
//                edge last advertised, the offered window fits in the receive buffer and in
//                16 bits (tcplab sends no window scaling), cwnd > 0 once established.
//  tcp-state     a legal RFC 9293 state; CLOSED has no timer armed and is in no demux
//                table; an armed timer slot is a live event of that kind for that socket;
//                TIME_WAIT has its 2MSL timer; a listener's SYN and accept queues hold
//                its own children; every demux entry names an open socket of that 4-tuple;
//                the node's count of open sockets per local port (Node::tcp_ports) is right.
//
// World::step runs all of them after every event and aborts on a violation when the
// build defines TCPLAB_CHECK_INVARIANTS (Debug and sanitized builds); a Release build
// pays nothing. Tests and fuzz targets run them explicitly through InvariantChecker.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "sim/core/time.h"
#include "sim/trace/trace_event.h"

namespace tcplab {

class World;

struct InvariantViolation {
  std::string invariant;  // "frames", "event-time", "link-queue", "tcp-seq", "tcp-state"
  Time t = 0;
  std::string where;      // "node client sock s2", "link 0 (a:eth0-b:eth0) frame 17"
  std::string detail;
  std::string format() const;  // "invariant tcp-seq violated at t=1.204000000s, node a sock s1: …"
};

// The per-hop accounting of tx/rx/drop, fed with the trace in order. Plain data: a copy
// of a world's checker goes on with the copy.
class FrameLedger {
 public:
  // One trace event; violations (rx or drop with no frame on the wire, a node drop of a
  // frame it did not receive) are appended to `out`.
  void feed(const World& w, const TraceEvent& e, std::vector<InvariantViolation>& out);
  // Frames the ledger has on the wires now.
  uint64_t on_wire() const { return on_wire_total_; }
  // The ledger's frames on the wires against the world's (EvFrameArrives in its queue):
  // the same multiset of (id, link). `exact` compares frame by frame, else only counts.
  void compare_with_world(const World& w, bool exact, std::vector<InvariantViolation>& out) const;

 private:
  std::map<std::pair<uint64_t, int32_t>, uint32_t> wire_;  // (id, link) → frames on the wire
  uint64_t on_wire_total_ = 0;
  // (id, link, node) received at time `rx_time_`: a node may drop each once, then.
  std::map<std::tuple<uint64_t, int32_t, int32_t>, uint32_t> received_;
  Time rx_time_ = -1;
};

// The state invariants (event-time, link-queue, tcp-seq, tcp-state) of a world as it is now.
std::vector<InvariantViolation> check_invariants(const World& w);

// Everything: a ledger fed with every trace event, plus check_invariants after each event.
class InvariantChecker {
 public:
  // Trace events as the world emitted them, in order (World::take_trace or
  // pending_trace), before after_event() for that event.
  void feed(const World& w, const TraceEvent& e) { ledger_.feed(w, e, pending_); }
  // After one event (or a console command): the state checks and the frame count.
  std::vector<InvariantViolation> after_event(const World& w);
  // At the end of a run: frame by frame, what is on the wires agrees with the trace.
  std::vector<InvariantViolation> at_end(const World& w);
  const FrameLedger& ledger() const { return ledger_; }

 private:
  FrameLedger ledger_;
  std::vector<InvariantViolation> pending_;
};

// Prints the violations to stderr and aborts when there are any (the hook of World::step).
void abort_on_violations(const std::vector<InvariantViolation>& v);

}  // namespace tcplab
