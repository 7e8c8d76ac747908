// The bookkeeping every TCP file leans on: the one function that changes a socket's
// state (and says why in the trace), the timers as events naming (node, socket, kind),
// the connection table, and the sockets' names.
#include <algorithm>

#include "sim/apps/programs.h"
#include "sim/proto/tcp_internal.h"

namespace tcplab {
using namespace tcp_detail;

namespace tcp_detail {

std::string endpoint_string(Ipv4 a, uint16_t p) { return to_string(Endpoint{a, p}); }

void demux_add(Node& n, int32_t si) {
  const TcpSocket& s = n.tcp[static_cast<size_t>(si)];
  if (s.state == TcpState::Listen)
    n.tcp_listeners[s.local_port] = si;
  else
    n.tcp_conns[Node::tcp_conn_key(s.remote_addr, s.remote_port, s.local_addr, s.local_port)] = si;
}

void demux_remove(Node& n, int32_t si) {
  const TcpSocket& s = n.tcp[static_cast<size_t>(si)];
  if (auto it = n.tcp_listeners.find(s.local_port); it != n.tcp_listeners.end() && it->second == si)
    n.tcp_listeners.erase(it);
  const TcpConnKey key = Node::tcp_conn_key(s.remote_addr, s.remote_port, s.local_addr, s.local_port);
  if (auto it = n.tcp_conns.find(key); it != n.tcp_conns.end() && it->second == si) n.tcp_conns.erase(it);
}

bool port_in_use(const Node& n, uint16_t port) { return n.tcp_ports.count(port) != 0; }

void set_state_untraced(Node& n, int32_t si, TcpState to) {
  TcpSocket& s = n.tcp[static_cast<size_t>(si)];
  // A socket's local port is set while it is CLOSED and never changes while it is open, so
  // opening and closing are the only moments Node::tcp_ports can change.
  if (!s.open() && to != TcpState::Closed) {
    ++n.tcp_ports[s.local_port];
  } else if (s.open() && to == TcpState::Closed) {
    const auto it = n.tcp_ports.find(s.local_port);
    if (--it->second == 0) n.tcp_ports.erase(it);
  }
  s.state = to;
}

uint16_t ephemeral_port(World& w, const Node& n) {
  // ip_local_port_range 32768–60999, starting at a random offset as Linux does.
  constexpr uint32_t lo = 32768, count = 60999 - 32768 + 1;
  const uint32_t start = static_cast<uint32_t>(w.rng().uniform(0, count - 1));
  for (uint32_t i = 0; i < count; ++i) {
    const uint16_t p = static_cast<uint16_t>(lo + (start + i) % count);
    if (!port_in_use(n, p)) return p;
  }
  return 0;
}

int32_t new_socket(World& w, int32_t node) {
  Node& n = w.node(node);
  const TcpConfig& c = w.tcp_config();
  TcpSocket s;
  s.id = n.next_sock_id++;
  s.rcvbuf = c.rmem;
  s.sndbuf = c.wmem;
  s.delack_enabled = c.delack;
  s.nodelay = !c.nagle;
  s.quickacks = c.quickacks;
  s.rtt.init(c);
  n.tcp.push_back(std::move(s));
  return static_cast<int32_t>(n.tcp.size() - 1);
}

uint16_t our_mss(World& w, int32_t node, Ipv4 remote) {
  const TcpConfig& c = w.tcp_config();
  if (c.mss > 0) return static_cast<uint16_t>(c.mss);
  const Node& n = w.node(node);
  uint32_t mtu = 1500;
  if (n.owns(remote)) {
    mtu = 65535;  // loopback: Linux lo has MTU 65536; IPv4 caps a packet at 65535
  } else if (auto r = route_lookup(n, remote)) {
    mtu = n.ifaces[static_cast<size_t>(r->iface)].mtu;
  }
  return static_cast<uint16_t>(mtu - 40);
}

EventId& timer_slot(TcpSocket& s, TcpTimerKind k) {
  switch (k) {
    case TcpTimerKind::Rto: return s.timer_rto;
    case TcpTimerKind::TimeWait: return s.timer_time_wait;
    case TcpTimerKind::DelAck: return s.timer_delack;
    case TcpTimerKind::Persist: return s.timer_persist;
    case TcpTimerKind::FinWait2: return s.timer_fin_wait2;
  }
  return s.timer_rto;
}

namespace {
void emit_timer(World& w, int32_t node, const TcpSocket& s, TcpTimerKind k, const char* op, Time at) {
  if (!w.tracing()) return;
  TraceEvent e;
  e.t = w.now();
  e.ev = EvKind::Timer;
  e.node = node;
  e.data = TimerEvent{tcp_sock_id(s), to_string(k), op, at};
  w.emit(std::move(e));
}
}  // namespace

void timer_set(World& w, int32_t node, int32_t si, TcpTimerKind k, Time at) {
  TcpSocket& s = sock(w, node, si);
  EventId& id = timer_slot(s, k);
  // A timer set again (the RTO on every ACK, RFC 6298 §5.3) is moved, not cancelled and
  // scheduled anew: the same `cancel` and `set` in the trace and the same order of events,
  // without a dead entry left in the event queue each time (World::reschedule).
  if (id != 0) emit_timer(w, node, s, k, "cancel", w.now());
  id = w.reschedule(id, at, EvTcpTimer{node, si, k});
  switch (k) {  // when they fire, for the views' countdowns
    case TcpTimerKind::Rto: s.rto_at = at; break;
    case TcpTimerKind::TimeWait: s.time_wait_at = at; break;
    case TcpTimerKind::Persist: s.persist_at = at; break;
    default: break;
  }
  emit_timer(w, node, s, k, "set", at);
}


void timer_cancel(World& w, int32_t node, int32_t si, TcpTimerKind k) {
  TcpSocket& s = sock(w, node, si);
  EventId& id = timer_slot(s, k);
  if (id == 0) return;
  w.cancel(id);
  id = 0;
  emit_timer(w, node, s, k, "cancel", w.now());
}

void timers_cancel_all(World& w, int32_t node, int32_t si) {
  for (TcpTimerKind k : {TcpTimerKind::Rto, TcpTimerKind::TimeWait, TcpTimerKind::DelAck,
                         TcpTimerKind::Persist, TcpTimerKind::FinWait2})
    timer_cancel(w, node, si, k);
}

void rto_restart(World& w, int32_t node, int32_t si) {
  const Time rto = sock(w, node, si).rtt.rto(w.tcp_config());
  timer_set(w, node, si, TcpTimerKind::Rto, w.now() + rto);
}

void cc_trace(World& w, int32_t node, int32_t si) {
  TcpSocket& s = sock(w, node, si);
  const uint32_t cwnd = cc_cwnd(s.cc), ssthresh = cc_ssthresh(s.cc);
  if (cwnd == 0) return;  // congestion control starts with the data phase (ESTABLISHED)
  const Time srtt = s.rtt.has_sample ? s.rtt.srtt : 0;
  const Time rto = s.rtt.rto(w.tcp_config());
  if (cwnd == s.shown_cwnd && ssthresh == s.shown_ssthresh && srtt == s.shown_srtt && rto == s.shown_rto)
    return;
  s.shown_cwnd = cwnd;
  s.shown_ssthresh = ssthresh;
  s.shown_srtt = srtt;
  s.shown_rto = rto;
  if (!w.tracing()) return;
  TraceEvent e;
  e.t = w.now();
  e.ev = EvKind::Cc;
  e.node = node;
  e.data = CcEvent{tcp_sock_id(s), cwnd, ssthresh, srtt, rto};
  w.emit(std::move(e));
}

void child_established(World& w, int32_t node, int32_t si) {
  TcpSocket& s = sock(w, node, si);
  const int32_t li = s.listener;
  if (li < 0) return;
  TcpSocket& l = sock(w, node, li);
  auto& q = l.syn_queue;
  q.erase(std::remove(q.begin(), q.end(), si), q.end());
  l.accept_queue.push_back(si);
  tcp_notify(w, node, li, TcpNote::Incoming);
}

void name_child(World& w, int32_t node, int32_t si) {
  // The accept queue is first in, first out, so the k-th connection to join it is the
  // k-th accept()ed: a named listener's children are NAME.1, NAME.2 … from here on.
  TcpSocket& s = sock(w, node, si);
  if (s.listener < 0) return;
  TcpSocket& l = sock(w, node, s.listener);
  if (l.name.empty()) return;
  const std::string name = l.name + "." + std::to_string(l.next_child++);
  sock(w, node, si).name = name;
}

void become_closed(World& w, int32_t node, int32_t si, const std::string& why, std::optional<TcpNote> note) {
  timers_cancel_all(w, node, si);
  TcpSocket& s = sock(w, node, si);
  if (s.listener >= 0) {
    TcpSocket& l = sock(w, node, s.listener);
    auto drop = [&](std::vector<int32_t>& q) { q.erase(std::remove(q.begin(), q.end(), si), q.end()); };
    drop(l.syn_queue);
    drop(l.accept_queue);
  }
  tcp_set_state(w, node, si, TcpState::Closed, why);
  demux_remove(w.node(node), si);
  if (note) tcp_notify(w, node, si, *note);
}

}  // namespace tcp_detail

int32_t tcp_find_socket(const Node& n, std::string_view name) {
  // A --as name may be given again once its socket is closed: the newest socket still
  // in use wins, else the newest closed one (so its error can still be reported).
  int32_t closed = -1;
  for (size_t i = n.tcp.size(); i-- > 0;) {
    const TcpSocket& s = n.tcp[i];
    if (name != "s" + std::to_string(s.id) && (s.name.empty() || name != s.name)) continue;
    if (s.open() && !s.released) return static_cast<int32_t>(i);
    if (closed < 0) closed = static_cast<int32_t>(i);
  }
  return closed;
}

std::string tcp_sock_id(const TcpSocket& s) { return "s" + std::to_string(s.id); }

std::string tcp_socket_label(const TcpSocket& s) {
  return s.name.empty() ? tcp_sock_id(s) : tcp_sock_id(s) + " (" + s.name + ")";
}

void tcp_set_state(World& w, int32_t node, int32_t si, TcpState to, const std::string& why) {
  TcpSocket& s = sock(w, node, si);
  const TcpState from = s.state;
  if (from == to) return;
  set_state_untraced(w.node(node), si, to);
  if (!w.tracing()) return;
  TraceEvent e;
  e.t = w.now();
  e.ev = EvKind::State;
  e.node = node;
  e.data = StateEvent{tcp_sock_id(s), s.name, endpoint_string(s.local_addr, s.local_port),
                      s.remote_port == 0 ? std::string("0.0.0.0:*") : endpoint_string(s.remote_addr, s.remote_port),
                      netstat_name(from), netstat_name(to), why};
  w.emit(std::move(e));
}

void tcp_notify(World& w, int32_t node, int32_t si, TcpNote note) {
  const TcpSocket& s = sock(w, node, si);
  if (s.owner >= 0) {
    if (Program* p = find_program(w.node(node), s.owner)) tcp_app_note(w, node, *p, si, note);
    return;
  }
  tcp_console_note(w, node, si, note);
}

}  // namespace tcplab
