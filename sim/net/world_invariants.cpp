// The world's invariants: see world_invariants.h.
#include "sim/net/world_invariants.h"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <unordered_map>

#include "sim/net/world.h"
#include "sim/proto/tcp_cc.h"

namespace tcplab {
namespace {

std::string node_name(const World& w, int32_t node) {
  if (node < 0 || static_cast<size_t>(node) >= w.nodes().size()) return "#" + std::to_string(node);
  return w.nodes()[static_cast<size_t>(node)].name;
}

std::string link_name(const World& w, int32_t link) {
  if (link < 0 || static_cast<size_t>(link) >= w.links().size()) return "link " + std::to_string(link);
  const Link& l = w.links()[static_cast<size_t>(link)];
  auto end = [&](const LinkEnd& e) {
    std::string s = node_name(w, e.node);
    if (e.node >= 0 && static_cast<size_t>(e.node) < w.nodes().size()) {
      const Node& n = w.nodes()[static_cast<size_t>(e.node)];
      if (e.iface >= 0 && static_cast<size_t>(e.iface) < n.ifaces.size())
        s += ":" + n.ifaces[static_cast<size_t>(e.iface)].name;
    }
    return s;
  };
  return "link " + std::to_string(link) + " (" + end(l.ends[0]) + "-" + end(l.ends[1]) + ")";
}

std::string sock_where(const World& w, int32_t node, const TcpSocket& s) {
  std::string where = "node " + node_name(w, node) + " sock s" + std::to_string(s.id);
  if (!s.name.empty()) where += " (" + s.name + ")";
  return where;
}

std::string seq(SeqNum x) { return std::to_string(x.v); }

bool is_arrival_drop(DropWhy why) { return why == DropWhy::Loss || why == DropWhy::Fault; }
// Drops that happen before the frame reaches a wire: no tx, nothing to account.
bool is_send_drop(DropWhy why) { return why == DropWhy::Queue || why == DropWhy::NoArp; }

}  // namespace

std::string InvariantViolation::format() const {
  return "invariant " + invariant + " violated at t=" + format_duration(t) + ", " + where + ": " + detail;
}

void FrameLedger::feed(const World& w, const TraceEvent& e, std::vector<InvariantViolation>& out) {
  if (e.ev != EvKind::Tx && e.ev != EvKind::Rx && e.ev != EvKind::Drop) return;
  const PacketEvent& p = e.packet();
  if (e.t != rx_time_) {
    received_.clear();
    rx_time_ = e.t;
  }
  auto where = [&] {
    return "node " + node_name(w, e.node) + ", " + link_name(w, p.link) + ", frame " + std::to_string(p.id);
  };
  const auto key = std::make_pair(p.id, p.link);
  auto arrives = [&](const char* what) {
    auto it = wire_.find(key);
    if (it == wire_.end() || it->second == 0) {
      out.push_back({"frames", e.t, where(), std::string(what) + " of a frame that no tx put on this link (or that was already received or dropped)"});
      return false;
    }
    if (--it->second == 0) wire_.erase(it);
    --on_wire_total_;
    return true;
  };
  switch (e.ev) {
    case EvKind::Tx:
      if (p.link < 0) {
        out.push_back({"frames", e.t, where(), "tx onto no link"});
        return;
      }
      ++wire_[key];
      ++on_wire_total_;
      return;
    case EvKind::Rx:
      if (arrives("rx")) ++received_[std::make_tuple(p.id, p.link, e.node)];
      return;
    case EvKind::Drop:
      if (is_arrival_drop(p.why)) {
        arrives((std::string("drop (") + to_string(p.why) + ")").c_str());
      } else if (!is_send_drop(p.why) && p.link >= 0) {
        auto it = received_.find(std::make_tuple(p.id, p.link, e.node));
        if (it == received_.end() || it->second == 0) {
          out.push_back({"frames", e.t, where(),
                         std::string("drop (") + to_string(p.why) +
                             ") of a frame this node did not just receive (or dropped twice)"});
          return;
        }
        --it->second;
      }
      return;
    default: return;
  }
}

void FrameLedger::compare_with_world(const World& w, bool exact, std::vector<InvariantViolation>& out) const {
  std::map<std::pair<uint64_t, int32_t>, uint32_t> world;
  uint64_t count = 0;
  w.event_queue().for_each([&](const auto& entry) {
    if (const auto* a = std::get_if<EvFrameArrives>(&entry.payload)) {
      ++count;
      if (exact) ++world[std::make_pair(a->frame.id, a->link)];
    }
  });
  if (!exact) {
    if (count != on_wire_total_)
      out.push_back({"frames", w.now(), "the wires",
                     std::to_string(on_wire_total_) + " frames sent (tx) and not yet received or dropped, but " +
                         std::to_string(count) + " on the wires"});
    return;
  }
  for (const auto& [k, n] : wire_) {
    const auto it = world.find(k);
    const uint32_t m = it == world.end() ? 0 : it->second;
    if (m != n)
      out.push_back({"frames", w.now(), link_name(w, k.second) + ", frame " + std::to_string(k.first),
                     "sent (tx) " + std::to_string(n) + " time(s) without rx or drop, but " + std::to_string(m) +
                         " on the wire: a frame was lost without a drop event"});
  }
  for (const auto& [k, m] : world)
    if (!wire_.count(k))
      out.push_back({"frames", w.now(), link_name(w, k.second) + ", frame " + std::to_string(k.first),
                     std::to_string(m) + " on the wire with no tx event"});
}

std::vector<InvariantViolation> check_invariants(const World& w) {
  std::vector<InvariantViolation> out;
  const Time now = w.now();

  // ---- event-time: the earliest entry of the queue, cancelled ones included, is not in the
  // past (anything before the clock would have been popped before the current event).
  if (auto first = w.event_queue().earliest_including_cancelled(); first && *first < now)
    out.push_back({"event-time", now, "event queue",
                   "an event is due at " + format_duration(*first) + ", before the clock"});

  // Live timers in the queue, by event id; the pending ends of serialisation, by (link, side).
  std::unordered_map<EventId, EvTcpTimer> timers;
  std::map<std::pair<int32_t, uint8_t>, Time> link_frees;
  size_t link_free_events = 0;
  w.event_queue().for_each([&](const auto& entry) {
    if (const auto* t = std::get_if<EvTcpTimer>(&entry.payload)) timers.emplace(entry.id, *t);
    if (const auto* f = std::get_if<EvLinkFree>(&entry.payload)) {
      link_frees[{f->link, f->side}] = entry.at;
      ++link_free_events;
    }
  });

  // ---- link-queue: a frame waits in a link's queue only while the end of the serialisation
  // ahead of it is in the event queue, once (sim/net/link.h: it is scheduled only then).
  if (link_free_events != link_frees.size())
    out.push_back({"link-queue", now, "event queue", "two ends of serialisation pending for one link direction"});
  for (size_t li = 0; li < w.links().size(); ++li) {
    for (uint8_t side = 0; side < 2; ++side) {
      const LinkDirection& d = w.links()[li].dir[side];
      const auto it = link_frees.find({static_cast<int32_t>(li), side});
      const bool pending = it != link_frees.end();
      if (pending != d.free_scheduled)
        out.push_back({"link-queue", now, link_name(w, static_cast<int32_t>(li)),
                       pending ? "an end of serialisation is pending that the link does not know of"
                               : "the link counts on an end of serialisation that is not pending"});
      if (!d.queue.empty() && !(pending && it->second == d.busy_until))
        out.push_back({"link-queue", now, link_name(w, static_cast<int32_t>(li)),
                       std::to_string(d.queue.size()) +
                           " frame(s) wait, but nothing is due when the frame on the wire ends (" +
                           format_duration(d.busy_until) + ")"});
    }
  }

  for (size_t ni = 0; ni < w.nodes().size(); ++ni) {
    const Node& n = w.nodes()[ni];
    const int32_t node = static_cast<int32_t>(ni);
    for (size_t si = 0; si < n.tcp.size(); ++si) {
      const TcpSocket& s = n.tcp[si];
      const int32_t sidx = static_cast<int32_t>(si);
      auto bad = [&](const char* inv, std::string detail) {
        out.push_back({inv, now, sock_where(w, node, s) + " in " + netstat_name(s.state), std::move(detail)});
      };
      if (static_cast<uint8_t>(s.state) > static_cast<uint8_t>(TcpState::TimeWait)) {
        bad("tcp-state", "not an RFC 9293 state (" + std::to_string(int(s.state)) + ")");
        continue;
      }
      // ---- timers: an armed slot is a live event of that kind for this socket; CLOSED and
      // LISTEN have none; TIME_WAIT has its 2MSL timer.
      const std::pair<TcpTimerKind, EventId> slots[] = {
          {TcpTimerKind::Rto, s.timer_rto},         {TcpTimerKind::TimeWait, s.timer_time_wait},
          {TcpTimerKind::DelAck, s.timer_delack},   {TcpTimerKind::Persist, s.timer_persist},
          {TcpTimerKind::FinWait2, s.timer_fin_wait2}};
      for (const auto& [kind, id] : slots) {
        if (id == 0) continue;
        if (s.state == TcpState::Closed || s.state == TcpState::Listen)
          bad("tcp-state", std::string("timer ") + to_string(kind) + " armed");
        const auto it = timers.find(id);
        if (it == timers.end() || it->second.node != node || it->second.sock != sidx || it->second.kind != kind)
          bad("tcp-state", std::string("timer ") + to_string(kind) + " armed (event " + std::to_string(id) +
                               ") but no such timer event is pending");
      }
      if (s.state == TcpState::TimeWait && s.timer_time_wait == 0) bad("tcp-state", "no 2MSL timer");

      // ---- demultiplexing: an open socket is found by its 4-tuple (or port).
      if (s.state == TcpState::Listen) {
        const auto it = n.tcp_listeners.find(s.local_port);
        if (it == n.tcp_listeners.end() || it->second != sidx)
          bad("tcp-state", "listener not in the listener table under port " + std::to_string(s.local_port));
        for (const int32_t c : s.syn_queue) {
          if (c < 0 || static_cast<size_t>(c) >= n.tcp.size() || n.tcp[static_cast<size_t>(c)].listener != sidx ||
              n.tcp[static_cast<size_t>(c)].state != TcpState::SynReceived)
            bad("tcp-state", "SYN queue holds socket #" + std::to_string(c) + ", not its child in SYN_RECV");
        }
        for (const int32_t c : s.accept_queue) {
          if (c < 0 || static_cast<size_t>(c) >= n.tcp.size() || n.tcp[static_cast<size_t>(c)].listener != sidx ||
              !synchronized(n.tcp[static_cast<size_t>(c)].state) ||
              n.tcp[static_cast<size_t>(c)].state == TcpState::SynReceived)
            bad("tcp-state", "accept queue holds socket #" + std::to_string(c) + ", not its connected child");
        }
        continue;
      }
      if (s.state == TcpState::Closed) continue;
      {
        const auto it = n.tcp_conns.find(Node::tcp_conn_key(s.remote_addr, s.remote_port, s.local_addr, s.local_port));
        if (it == n.tcp_conns.end() || it->second != sidx)
          bad("tcp-state", "open connection not in the connection table under its 4-tuple");
      }

      // ---- sequence space (RFC 9293 §3.3.1), modulo 2^32.
      if (!(s.iss <= s.snd_una && s.snd_una <= s.snd_nxt && s.snd_nxt <= s.snd_max))
        bad("tcp-seq", "ISS " + seq(s.iss) + " ≤ SND.UNA " + seq(s.snd_una) + " ≤ SND.NXT " + seq(s.snd_nxt) +
                           " ≤ SND.MAX " + seq(s.snd_max) + " does not hold");
      const int64_t outstanding = s.snd_max - s.snd_una;
      if (outstanding > static_cast<int64_t>(s.send_buf.size()) + 2)
        bad("tcp-seq", "SND.MAX − SND.UNA = " + std::to_string(outstanding) + " but only " +
                           std::to_string(s.send_buf.size()) + " bytes (+ SYN and FIN) in the send buffer");
      if (s.fin_sent && s.snd_max != s.fin_seq + 1)
        bad("tcp-seq", "FIN sent at " + seq(s.fin_seq) + " but SND.MAX is " + seq(s.snd_max));
      if (s.snd_wnd > 65535) bad("tcp-seq", "SND.WND " + std::to_string(s.snd_wnd) + " beyond 16 bits (no scaling)");
      if (s.state != TcpState::SynSent) {
        if (!(s.irs < s.rcv_nxt)) bad("tcp-seq", "RCV.NXT " + seq(s.rcv_nxt) + " not after IRS " + seq(s.irs));
        if (s.rcv_nxt > s.rcv_adv)
          bad("tcp-seq", "RCV.NXT " + seq(s.rcv_nxt) + " beyond the advertised right edge " + seq(s.rcv_adv));
        const int64_t rcv_wnd = s.rcv_adv - s.rcv_nxt;
        if (rcv_wnd > static_cast<int64_t>(std::min<uint32_t>(s.rcvbuf, 65535)))
          bad("tcp-seq", "RCV.WND " + std::to_string(rcv_wnd) + " beyond the receive buffer (" +
                             std::to_string(s.rcvbuf) + ") or 16 bits");
        if (s.recv_buf.size() > s.rcvbuf)
          bad("tcp-seq", std::to_string(s.recv_buf.size()) + " bytes in a receive buffer of " + std::to_string(s.rcvbuf));
      }
      if (s.state != TcpState::SynSent && s.state != TcpState::SynReceived && cc_cwnd(s.cc) == 0)
        bad("tcp-seq", "cwnd is 0 in a synchronized state");
    }
    // Every demux entry names an open socket with that 4-tuple (or a listener on that port).
    for (const auto& [key, si] : n.tcp_conns) {
      if (si < 0 || static_cast<size_t>(si) >= n.tcp.size()) {
        out.push_back({"tcp-state", now, "node " + n.name, "connection table names socket #" + std::to_string(si)});
        continue;
      }
      const TcpSocket& s = n.tcp[static_cast<size_t>(si)];
      if (!s.open() || s.state == TcpState::Listen ||
          !(Node::tcp_conn_key(s.remote_addr, s.remote_port, s.local_addr, s.local_port) == key))
        out.push_back({"tcp-state", now, sock_where(w, node, s) + " in " + netstat_name(s.state),
                       "in the connection table under another 4-tuple, or not a connection"});
    }
    // The count of open sockets on each local port (port_in_use) is the sockets' own.
    std::unordered_map<uint16_t, uint32_t> ports;
    for (const TcpSocket& s : n.tcp)
      if (s.open()) ++ports[s.local_port];
    if (ports != n.tcp_ports) {
      for (const auto& [port, k] : ports) {
        const auto it = n.tcp_ports.find(port);
        const uint32_t m = it == n.tcp_ports.end() ? 0 : it->second;
        if (m != k)
          out.push_back({"tcp-state", now, "node " + n.name,
                         std::to_string(k) + " open socket(s) on port " + std::to_string(port) +
                             ", but the port table counts " + std::to_string(m)});
      }
      for (const auto& [port, m] : n.tcp_ports)
        if (!ports.count(port))
          out.push_back({"tcp-state", now, "node " + n.name,
                         "the port table counts " + std::to_string(m) + " open socket(s) on port " +
                             std::to_string(port) + ", but none is open there"});
    }
    for (const auto& [port, si] : n.tcp_listeners) {
      if (si < 0 || static_cast<size_t>(si) >= n.tcp.size() ||
          n.tcp[static_cast<size_t>(si)].state != TcpState::Listen ||
          n.tcp[static_cast<size_t>(si)].local_port != port)
        out.push_back({"tcp-state", now, "node " + n.name,
                       "listener table names socket #" + std::to_string(si) + " for port " + std::to_string(port) +
                           ", which is not listening there"});
    }
  }
  return out;
}

std::vector<InvariantViolation> InvariantChecker::after_event(const World& w) {
  std::vector<InvariantViolation> out = std::exchange(pending_, {});
  std::vector<InvariantViolation> state = check_invariants(w);
  out.insert(out.end(), state.begin(), state.end());
  ledger_.compare_with_world(w, /*exact=*/false, out);
  return out;
}

std::vector<InvariantViolation> InvariantChecker::at_end(const World& w) {
  std::vector<InvariantViolation> out = after_event(w);
  ledger_.compare_with_world(w, /*exact=*/true, out);
  return out;
}

void abort_on_violations(const std::vector<InvariantViolation>& v) {
  if (v.empty()) return;
  for (const InvariantViolation& x : v) std::fprintf(stderr, "tcplab: %s\n", x.format().c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace tcplab
