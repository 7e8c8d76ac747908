// TCP connections as the views see them (ladder, state diagram, plots): each socket that
// appears in the trace's `state` events, and its peer on the other node (the socket whose
// local/remote endpoints are this one's remote/local). GL-free; read from the trace only,
// so the same code works for live mode's kernel trace.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/trace/trace_event.h"
#include "sim/trace/trace_view.h"
#include "sim/view/trace_progress.h"

namespace tcplab {

struct SocketRef {
  int32_t node = -1;
  std::string sock;  // "s2"
  bool operator==(const SocketRef&) const = default;
};

struct ConnectionSide {
  SocketRef ref;
  std::string name;            // the --as name, or empty
  std::string local, remote;   // "addr:port"; remote empty for a listener
  std::string state;           // the latest state at or before the cursor ("CLOSED" before any)
  bool listener = false;       // ever in LISTEN
};

struct Connection {
  ConnectionSide a;                 // the side that appeared first (usually the client)
  std::optional<ConnectionSide> b;  // its peer, when the peer is simulated too
  // "client s1 192.168.1.10:40312 ↔ server s2 (server.1) 192.168.1.20:2000"
  std::string label(const TraceContext& ctx) const;
};

// Every connection in events[0, count), in order of first appearance. Listeners are
// listed as one-sided connections. `ctx` gives node names for labels.
std::vector<Connection> list_connections(TraceView events, size_t count,
                                         const TraceContext& ctx);

// list_connections() kept up to date as the cursor moves, for the views that draw it every
// frame (ladder, state diagram, plots): reads only the events that became visible since the
// last update, forgets the state events past a cursor that moved back, and starts over for
// a new recording (sim/view/trace_progress.h). It also keeps where each socket's state
// events are, so that the state diagram need not scan the trace either.
class ConnectionTracker {
 public:
  // The connections of events[0, count) of recording `key` (trace_key()), exactly as
  // list_connections(events, count, ·) gives them.
  const std::vector<Connection>& update(TraceView events, size_t count, uint64_t key);
  const std::vector<Connection>& connections() const { return conns_; }
  // The trace indices of socket `who`'s state events in events[0, count) of the last
  // update, oldest first (for socket_states()); empty for a socket not seen.
  const std::vector<size_t>& state_events(const SocketRef& who) const;

 private:
  struct Side {
    ConnectionSide side;
    std::vector<size_t> events;  // its state events
  };
  void apply(const TraceEvent& e, size_t index);  // one state event
  void pair();                                    // sides_ -> conns_

  std::vector<Side> sides_;                              // in order of first appearance
  std::map<std::pair<int32_t, std::string>, size_t> by_ref_;  // (node, sock) -> sides_ index
  std::vector<size_t> state_index_;                      // every state event read, in order
  std::vector<Connection> conns_;
  std::vector<size_t> none_;  // state_events() of a socket not seen
  TraceProgress progress_;
};

// The connection holding `sel` (either side), or the first non-listener connection when
// `sel` is empty or not found; nullopt when there is none.
std::optional<Connection> pick_connection(const std::vector<Connection>& all, const SocketRef& sel);

}  // namespace tcplab
