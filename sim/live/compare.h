// `tcplab live compare`: the simulation and the kernel side by side, and what differs.
// Compared, per socket (matched by node and --as name, else by node and creation order):
// the sequence of TCP states; per direction of each connection: the sequence of segment
// flags and payload lengths; and the retransmission times. Differences the model makes on
// purpose are explained, not counted as failures (TCP-REFERENCE.md §8):
//  - the options in a Linux SYN (timestamps, SACK-permitted, window scale) — the model
//    sends MSS only;
//  - CUBIC/BBR vs the model's NewReno; tail loss probes; Linux's delayed-ACK heuristics
//    (quick ACKs) changing which segments carry an ACK alone;
//  - ACKs coalesced or split differently (segment count per direction differs, bytes agree).
// The states agree when every socket's sequence is the same (a level-1 run may miss a
// state shorter than its sampling; such gaps are shown and explained, and count as
// agreement only when the state was proven by a socket call or a segment).
#pragma once
#include <string>
#include <vector>

#include "sim/live/live_trace.h"
#include "sim/trace/trace_event.h"

namespace tcplab::live {

struct CompareResult {
  bool states_agree = false;
  std::string report;  // the side-by-side ladders, then the diff and the explanations
};

CompareResult compare_runs(const TraceContext& sim_ctx, const std::vector<TraceEvent>& sim,
                           const LiveTrace& kernel);

// Two multi-line texts side by side: `left` padded to `left_width` columns (display
// width, UTF-8 aware), a " │ " separator, then `right`; headers above each.
std::string side_by_side(const std::string& left_title, const std::string& left,
                         const std::string& right_title, const std::string& right, size_t left_width);

// Per socket, the states in order ("client s1: SYN_SENT ESTABLISHED FIN_WAIT1 …").
struct SocketStates {
  std::string node, sock, name;  // name: the --as name or ""
  std::vector<std::string> states;
};
std::vector<SocketStates> state_sequences(const TraceContext& ctx, const std::vector<TraceEvent>& events);

}  // namespace tcplab::live
