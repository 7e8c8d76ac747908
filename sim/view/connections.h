// TCP connections as the views see them (ladder, state diagram, plots): each socket that
// appears in the trace's `state` events, and its peer on the other node (the socket whose
// local/remote endpoints are this one's remote/local). GL-free; read from the trace only,
// so the same code works for live mode's kernel trace.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/trace/trace_event.h"

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
std::vector<Connection> list_connections(const std::vector<TraceEvent>& events, size_t count,
                                         const TraceContext& ctx);

// The connection holding `sel` (either side), or the first non-listener connection when
// `sel` is empty or not found; nullopt when there is none.
std::optional<Connection> pick_connection(const std::vector<Connection>& all, const SocketRef& sel);

}  // namespace tcplab
