// `tcplab live compare`: the simulation and the kernel side by side, and what differs.
// Compared, per socket (matched by node and --as name, else by node and creation order):
// the sequence of TCP states; per direction of each connection: the sequence of segment
// flags and payload lengths; and the retransmission times. Differences the model makes on
// purpose are explained, not counted as failures (TCP-REFERENCE.md §8):
//  - the options in a Linux SYN (timestamps, SACK-permitted, window scale) — the model
//    sends MSS only;
//  - CUBIC/BBR vs the model's NewReno; tail loss probes; Linux's delayed-ACK heuristics
//    (quick ACKs) changing which segments carry an ACK alone;
//  - ACKs coalesced or split differently (segment count per direction differs, bytes agree);
//  - MSS and window values (65495 on `lo`), ports remapped or chosen by the kernel.
//
// When the states agree (CompareResult::states_agree, the exit code of `live compare`):
// every socket of either trace is matched with one of the other, and for each pair the
// kernel's sequence of states (the `to` of its `state` events, in order) equals the
// simulator's — with one tolerance, for level 1 only, where states are sampled and a state
// shorter than a sample can be missed. A kernel sequence K is tolerated against the
// simulator's sequence S when all of these hold:
//  1. LiveTrace::info.level == 1;
//  2. every kernel `state` event of that socket carries a non-empty `why` (it says how the
//     kernel state was learnt: sampled, proven by a socket call or by a segment), so each
//     state K does show is one the kernel really was in;
//  3. K has at least two states, K's first state is S's first and K's last is S's last;
//  4. the states of K in between appear in S in the same order (K is S with some states
//     left out), so every missing state lies between two states that both are present,
//     and K has no state that S lacks.
// The states left out are named in the report as not seen by the kernel's sampling. A
// missing first or last state, an extra or reordered state, or a socket present on one
// side only is a disagreement at every level.
//
// Matching sockets: first by (node, --as name) when the socket has a name (an accepted
// connection is named NAME.1, NAME.2 … after its listener); the rest of each node's
// sockets in creation order (the number in s1, s2 …), pairwise.
//
// Segments: only `tx` events of hosts are read (switches forward the same frame; a router's
// copy is a new frame of the same segment). Retransmissions are found from the sequence
// numbers, the same way for both traces (the kernel trace has no `retx` flag): a segment
// that occupies sequence space (payload, SYN or FIN) and starts below the highest sequence
// number already sent in its direction is a retransmission. A SYN without ACK with a new ISN
// on the same ports starts a new connection.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/live/live_trace.h"
#include "sim/trace/trace_event.h"
#include "sim/trace/trace_view.h"

namespace tcplab::live {

struct CompareResult {
  bool states_agree = false;
  std::string report;  // the side-by-side ladders, then the diff and the explanations
};

struct CompareOptions {
  // Terminal columns the report is laid out for (80–200 are readable). The two ladders
  // stand side by side when both fit in half of it each, else one above the other.
  size_t width = 160;
};

CompareResult compare_runs(const TraceContext& sim_ctx, TraceView sim,
                           const LiveTrace& kernel);
CompareResult compare_runs(const TraceContext& sim_ctx, TraceView sim,
                           const LiveTrace& kernel, const CompareOptions& options);

// Two multi-line texts side by side: `left` padded to `left_width` columns (display
// width, UTF-8 aware: "✕" and "→" take one column, CJK characters two), a " │ "
// separator, then `right`; headers above each, underlined. A left line wider than
// `left_width` is cut to it (ending in "…"); right lines are left as they are. The
// shorter text is continued with blank lines.
std::string side_by_side(const std::string& left_title, const std::string& left,
                         const std::string& right_title, const std::string& right, size_t left_width);

// Per socket, the states in order ("client s1: SYN_SENT ESTABLISHED FIN_WAIT1 …"), in
// order of the socket's first state event.
struct SocketStates {
  std::string node, sock, name;  // name: the --as name or "" (the last one given)
  std::vector<std::string> states;
  std::vector<std::string> whys;  // the `why` of each state event, parallel to `states`
};
std::vector<SocketStates> state_sequences(const TraceContext& ctx, TraceView events);

// One socket of the simulation held against its kernel counterpart.
struct SocketComparison {
  enum class Verdict {
    Same,          // equal sequences
    Tolerated,     // level 1: the kernel missed states between two it saw (see above)
    Differs,       // both sides have the socket, the sequences differ
    OnlySim,       // the kernel trace has no such socket
    OnlyKernel,    // the simulation has no such socket
  };
  Verdict verdict = Verdict::Differs;
  SocketStates sim, kernel;         // the side missing is left empty
  std::vector<std::string> unseen;  // Tolerated: the states the kernel's sampling missed
  bool agrees() const { return verdict == Verdict::Same || verdict == Verdict::Tolerated; }
  // "client s1 (client)", from the simulation's side when it has one.
  std::string label() const;
};
// Matches the sockets of both traces (see above) and compares each pair; simulation's
// sockets first in their order, then the kernel's unmatched ones. `level` is the live
// level (1 enables the sampling tolerance).
std::vector<SocketComparison> compare_states(const std::vector<SocketStates>& sim,
                                             const std::vector<SocketStates>& kernel, int level);

}  // namespace tcplab::live
