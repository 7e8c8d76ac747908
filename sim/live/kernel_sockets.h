// The kernel's sockets as the live trace names them, and their states as observed.
//
// SocketRegistry gives each real socket the id the simulator would give it (s1, s2 … per
// node in creation order, NAME.1 … for a listener's connections in accept order), keyed
// by its 4-tuple so that a connection keeps its id after the program closed its fd
// (FIN_WAIT2, TIME_WAIT), and attributes an endpoint to its node (level 1 and 2 share
// 127.0.0.1 among all nodes, so ports tell them apart).
//
// StateTracker turns observations of kernel states — from TCP_INFO right after a socket
// call, from NETLINK_SOCK_DIAG samples, from certain rules about socket calls, and from
// the segments themselves (segment_states.h) — into `state` trace events: sorted by time,
// repeated states dropped, and transitions the RFC 9293 §3.3.2 diagram does not allow
// (a late sample contradicting a segment already seen) left out.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/trace/trace_event.h"
#include "sim/wire/address.h"

namespace tcplab::live {

struct KernelSockEntry {
  int32_t node = -1;
  std::string id;        // "s3"
  std::string name;      // "--as" name, "server.1", or ""
  Endpoint local, remote;  // remote 0.0.0.0:0 for a listener or an unconnected UDP socket
  bool tcp = true;
  bool listener = false;
  int32_t accepted = 0;  // listeners: connections named so far (NAME.1, NAME.2 …)
  int32_t of_listener = -1;  // a listener's connection: the listener's index
  std::string state;     // the last state emitted ("" before any)
};

class SocketRegistry {
 public:
  // A new id on `node` (s1, s2 …), as the simulator counts: every kind of socket.
  std::string next_id(int32_t node);
  // Registers (or re-keys, when `id` exists on `node`) a socket; returns its index.
  size_t add(KernelSockEntry e);
  void rekey(size_t index, Endpoint local, Endpoint remote);
  std::optional<size_t> find_conn(Endpoint local, Endpoint remote) const;
  // The TCP listener on `local`'s port whose address is `local`'s or 0.0.0.0.
  std::optional<size_t> find_listener(Endpoint local) const;
  std::optional<size_t> find_id(int32_t node, const std::string& id_or_name) const;
  // The node that owns `local` (a listener's port or a connection's local end) for TCP
  // or UDP, or -1.
  int32_t node_of(Endpoint local, bool tcp) const;
  KernelSockEntry& at(size_t i) { return entries_[i]; }
  const KernelSockEntry& at(size_t i) const { return entries_[i]; }
  size_t size() const { return entries_.size(); }
  // The socket for a connection first seen in a segment, a sample or accept(): registered
  // under the listener's node when `local` is a listener's port (a request socket: its id
  // is given now, as the simulator gives it at the SYN), else nullopt. A 4-tuple whose
  // last connection has ended (CLOSED, TIME_WAIT) names a new connection when `fresh`.
  std::optional<size_t> conn_or_request(Endpoint local, Endpoint remote, bool fresh);
  // A listener's connection is NAME.k once its handshake is over (it joins the accept
  // queue), k counting in that order — the simulator's rule. No-op when already named or
  // when the listener has no name.
  void name_connection(size_t index);

 private:
  std::vector<KernelSockEntry> entries_;
  std::map<int32_t, int32_t> next_;
};

// "ESTABLISHED" -> "FIN_WAIT1" is allowed; "FIN_WAIT1" -> "ESTABLISHED" is not.
// Every state may go to CLOSED (RST, abort, the end of TIME_WAIT or LAST_ACK).
bool legal_transition(const std::string& from, const std::string& to);

class StateTracker {
 public:
  void observe(size_t sock, Time t, std::string state, std::string why);
  // State events for the observations at or before `upto`, in time order (stable for
  // equal times: observation order), applied to the registry's last states.
  std::vector<TraceEvent> flush(Time upto, SocketRegistry& reg);

 private:
  struct Obs {
    Time t;
    uint64_t order;
    size_t sock;
    std::string state, why;
  };
  std::vector<Obs> pending_;
  uint64_t order_ = 0;
};

}  // namespace tcplab::live
