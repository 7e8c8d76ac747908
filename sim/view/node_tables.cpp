// node_tables.h: a node's tables as rows, with the console tools' own helpers.
#include "sim/view/node_tables.h"

#include <algorithm>
#include <cstdio>

#include "sim/net/tool_output.h"
#include "sim/proto/tcp.h"

namespace tcplab {
namespace {

const std::string& iface_name(const Node& n, int32_t i) {
  static const std::string none = "?";
  return i >= 0 && size_t(i) < n.ifaces.size() ? n.ifaces[size_t(i)].name : none;
}

// When the last `set` of this timer (at or before the cursor) said it would fire.
std::optional<Time> timer_due(TraceView events, size_t count, int32_t node,
                              const std::string& sock, const char* timer) {
  for (size_t i = std::min(count, events.size()); i-- > 0;) {
    const TraceEvent& e = events[i];
    if (e.ev != EvKind::Timer || e.node != node) continue;
    const auto& t = e.timer();
    if (t.sock == sock && t.timer == timer && t.op == "set") return t.at;
  }
  return std::nullopt;
}

}  // namespace

std::string format_remaining(Time t) {
  if (t < 0) t = 0;
  char buf[32];
  if (t < 10 * kMs) std::snprintf(buf, sizeof buf, "%.1fms", double(t) / double(kMs));
  else if (t < kSec) std::snprintf(buf, sizeof buf, "%lldms", (long long)(t / kMs));
  else if (t < 10 * kSec) std::snprintf(buf, sizeof buf, "%.1fs", double(t) / double(kSec));
  else std::snprintf(buf, sizeof buf, "%llds", (long long)(t / kSec));
  return buf;
}

std::vector<IfaceRow> interface_rows(const Node& n) {
  std::vector<IfaceRow> rows;
  for (const Iface& f : n.ifaces) {
    if (!f.addr) continue;  // a switch port is not an IP interface (ifconfig skips it too)
    rows.push_back(IfaceRow{f.name, to_string(f.addr->addr), to_string(f.addr->netmask()),
                            to_string(f.addr->broadcast()), to_string(f.mac), f.mtu, f.link >= 0, f.counters});
  }
  if (n.is_switch()) return rows;
  rows.push_back(IfaceRow{"lo", "127.0.0.1", "255.0.0.0", "", "", 65536, true, n.loopback});
  return rows;
}

std::vector<RouteRow> route_rows(const Node& n) {
  std::vector<RouteRow> rows;
  for (size_t i : routes_in_display_order(n)) {
    const Route& r = n.routes[i];
    rows.push_back(RouteRow{to_string(r.dst.network()), r.gateway ? to_string(*r.gateway) : "0.0.0.0",
                            to_string(r.dst.netmask()), route_flags(r), iface_name(n, r.iface), r.metric, r.use});
  }
  return rows;
}

std::vector<ArpRow> arp_rows(const Node& n, Time now) {
  std::vector<ArpRow> rows;
  for (const ArpEntry& e : n.arp_cache) {
    if (e.expires <= now) continue;  // arp -n no longer lists it
    rows.push_back(ArpRow{to_string(e.ip), to_string(e.mac), iface_name(n, e.iface), false, e.expires - now});
  }
  for (const ArpPending& p : n.arp_pending)
    rows.push_back(ArpRow{to_string(p.ip), "(incomplete)", iface_name(n, p.iface), true, 0});
  return rows;
}

std::vector<MacRow> mac_rows(const Node& n, Time now) {
  std::vector<MacRow> rows;
  for (const MacEntry& e : n.mac_table) {
    if (e.expires <= now) continue;
    rows.push_back(MacRow{to_string(e.mac), iface_name(n, e.port), e.expires - now});
  }
  return rows;
}

std::vector<SocketRow> socket_rows(const World& w, int32_t node, TraceView events,
                                   size_t count) {
  std::vector<SocketRow> rows;
  if (node < 0 || size_t(node) >= w.nodes().size()) return rows;
  const Node& n = w.nodes()[size_t(node)];
  const Time now = w.now();
  const CmdSockets netstat_an;  // -a: every socket but CLOSED ones, TCP first, then UDP
  for (const TcpSocket& s : n.tcp) {
    if (!tcp_listed(s, netstat_an)) continue;
    const SocketQueues q = tcp_queues(s, false);
    SocketRow r{"tcp", q.recv, q.send, to_string(Endpoint{s.local_addr, s.local_port}), tcp_peer(s),
                netstat_name(s.state), tcp_sock_id(s), tcp_socket_label(s), {}};
    // RFC 6298 retransmission, TIME-WAIT's 2·MSL, the zero-window probe: the socket keeps
    // their due times; the delayed ACK and the FIN-WAIT-2 limit are found in the trace.
    auto add = [&](TcpTimerKind k, Time at) { r.timers.push_back(SocketTimer{to_string(k), at - now}); };
    if (s.timer_rto) add(TcpTimerKind::Rto, s.rto_at);
    if (s.timer_persist) add(TcpTimerKind::Persist, s.persist_at);
    if (s.timer_time_wait) add(TcpTimerKind::TimeWait, s.time_wait_at);
    for (TcpTimerKind k : {TcpTimerKind::DelAck, TcpTimerKind::FinWait2}) {
      if ((k == TcpTimerKind::DelAck ? s.timer_delack : s.timer_fin_wait2) == 0) continue;
      if (auto at = timer_due(events, count, node, r.sock, to_string(k))) add(k, *at);
    }
    rows.push_back(std::move(r));
  }
  for (const UdpSocket& s : n.udp) {
    if (!s.open) continue;
    SocketRow r{"udp", (unsigned long long)s.rx_queue_bytes, 0, to_string(Endpoint{s.local_addr, s.port}),
                "0.0.0.0:*", "", "s" + std::to_string(s.id), "", {}};
    r.label = s.name.empty() ? r.sock : r.sock + " (" + s.name + ")";
    rows.push_back(std::move(r));
  }
  return rows;
}

std::vector<SocketRow> socket_rows_from_trace(int32_t node, TraceView events, size_t count) {
  std::vector<SocketRow> rows;
  count = std::min(count, events.size());
  for (size_t i = 0; i < count; ++i) {
    const TraceEvent& e = events[i];
    if (e.ev != EvKind::State || e.node != node) continue;
    const StateEvent& st = e.state();
    auto it = std::find_if(rows.begin(), rows.end(), [&](const SocketRow& r) { return r.sock == st.sock; });
    if (it == rows.end()) {
      rows.push_back(SocketRow{"tcp", 0, 0, {}, {}, {}, st.sock, {}, {}});
      it = rows.end() - 1;
    }
    it->local = st.local;
    it->foreign = st.remote.empty() ? std::string("0.0.0.0:*") : st.remote;
    it->state = st.to;
    it->label = st.name.empty() ? st.sock : st.sock + " (" + st.name + ")";
  }
  std::erase_if(rows, [](const SocketRow& r) { return r.state == "CLOSED" || r.state == "CLOSE"; });
  return rows;
}

}  // namespace tcplab
