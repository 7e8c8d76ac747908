#include "sim/live/kernel_sockets.h"

#include <algorithm>
#include <set>
#include <utility>

namespace tcplab::live {

std::string SocketRegistry::next_id(int32_t node) {
  int32_t& n = next_[node];
  return "s" + std::to_string(++n);
}

size_t SocketRegistry::add(KernelSockEntry e) {
  entries_.push_back(std::move(e));
  return entries_.size() - 1;
}

void SocketRegistry::rekey(size_t index, Endpoint local, Endpoint remote) {
  entries_[index].local = local;
  entries_[index].remote = remote;
}

std::optional<size_t> SocketRegistry::find_conn(Endpoint local, Endpoint remote) const {
  // Newest first: a 4-tuple reused after TIME_WAIT names the newer connection.
  for (size_t i = entries_.size(); i-- > 0;) {
    const KernelSockEntry& e = entries_[i];
    if (!e.listener && e.local == local && e.remote == remote) return i;
  }
  return std::nullopt;
}

std::optional<size_t> SocketRegistry::find_listener(Endpoint local) const {
  for (size_t i = entries_.size(); i-- > 0;) {
    const KernelSockEntry& e = entries_[i];
    if (e.listener && e.tcp && e.local.port == local.port &&
        (e.local.addr == local.addr || e.local.addr == Ipv4(0)))
      return i;
  }
  return std::nullopt;
}

std::optional<size_t> SocketRegistry::find_id(int32_t node, const std::string& id_or_name) const {
  for (size_t i = entries_.size(); i-- > 0;) {
    const KernelSockEntry& e = entries_[i];
    if (e.node == node && (e.id == id_or_name || (!e.name.empty() && e.name == id_or_name))) return i;
  }
  return std::nullopt;
}

int32_t SocketRegistry::node_of(Endpoint local, bool tcp) const {
  for (size_t i = entries_.size(); i-- > 0;) {
    const KernelSockEntry& e = entries_[i];
    if (e.tcp == tcp && e.local == local) return e.node;
  }
  if (!tcp) return -1;
  if (auto l = find_listener(local)) return entries_[*l].node;
  return -1;
}

std::optional<size_t> SocketRegistry::conn_or_request(Endpoint local, Endpoint remote, bool fresh) {
  if (auto c = find_conn(local, remote)) {
    const std::string& st = entries_[*c].state;
    if (!fresh || (st != "CLOSED" && st != "TIME_WAIT")) return c;
  }
  auto l = find_listener(local);
  if (!l) return std::nullopt;
  KernelSockEntry e;
  e.node = entries_[*l].node;
  e.id = next_id(e.node);
  e.local = local;
  e.remote = remote;
  e.of_listener = static_cast<int32_t>(*l);
  return add(std::move(e));
}

void SocketRegistry::name_connection(size_t index) {
  KernelSockEntry& e = entries_[index];
  if (!e.name.empty() || e.of_listener < 0) return;
  KernelSockEntry& l = entries_[static_cast<size_t>(e.of_listener)];
  if (l.name.empty()) return;
  e.name = l.name + "." + std::to_string(++l.accepted);
}

bool legal_transition(const std::string& from, const std::string& to) {
  if (from == to) return false;
  if (from.empty() || to == "CLOSED") return true;
  // RFC 9293 §3.3.2, Figure 5, plus what Linux adds: a connection accepted from a
  // listener appears in SYN_RECV; simultaneous open SYN_SENT -> SYN_RECV.
  static const std::set<std::pair<std::string, std::string>> allowed = {
      {"CLOSED", "LISTEN"},          {"CLOSED", "SYN_SENT"},          {"CLOSED", "SYN_RECV"},
      {"LISTEN", "SYN_SENT"},        {"LISTEN", "SYN_RECV"},          {"SYN_SENT", "SYN_RECV"},
      {"SYN_SENT", "ESTABLISHED"},   {"SYN_RECV", "ESTABLISHED"},     {"SYN_RECV", "FIN_WAIT1"},
      {"SYN_RECV", "CLOSE_WAIT"},    {"ESTABLISHED", "FIN_WAIT1"},    {"ESTABLISHED", "CLOSE_WAIT"},
      {"FIN_WAIT1", "FIN_WAIT2"},    {"FIN_WAIT1", "CLOSING"},        {"FIN_WAIT1", "TIME_WAIT"},
      {"FIN_WAIT2", "TIME_WAIT"},    {"CLOSING", "TIME_WAIT"},        {"CLOSE_WAIT", "LAST_ACK"},
      {"SYN_SENT", "CLOSE_WAIT"},    {"ESTABLISHED", "TIME_WAIT"},
  };
  return allowed.count({from, to}) > 0;
}

void StateTracker::observe(size_t sock, Time t, std::string state, std::string why) {
  pending_.push_back(Obs{t, order_++, sock, std::move(state), std::move(why)});
}

std::vector<TraceEvent> StateTracker::flush(Time upto, SocketRegistry& reg) {
  std::stable_sort(pending_.begin(), pending_.end(), [](const Obs& a, const Obs& b) {
    return a.t != b.t ? a.t < b.t : a.order < b.order;
  });
  std::vector<TraceEvent> out;
  size_t used = 0;
  for (; used < pending_.size() && pending_[used].t <= upto; ++used) {
    const Obs& o = pending_[used];
    KernelSockEntry& e = reg.at(o.sock);
    if (e.state == o.state || !legal_transition(e.state, o.state)) continue;
    // A closed connection stays closed: a later sample of the same 4-tuple in TIME_WAIT
    // cannot bring it back (a reused 4-tuple gets a new entry).
    if (e.state == "CLOSED") continue;
    if (o.state != "SYN_RECV" && o.state != "CLOSED") reg.name_connection(o.sock);
    TraceEvent ev;
    ev.t = o.t;
    ev.ev = EvKind::State;
    ev.node = e.node;
    ev.data = StateEvent{e.id, e.name, to_string(e.local),
                         e.remote.port == 0 ? std::string("0.0.0.0:*") : to_string(e.remote),
                         e.state.empty() ? "CLOSED" : e.state, o.state, o.why};
    e.state = o.state;
    out.push_back(std::move(ev));
  }
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<long>(used));
  return out;
}

}  // namespace tcplab::live
