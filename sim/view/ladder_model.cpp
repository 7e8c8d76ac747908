// The ladder diagram's model and layout (ladder_model.h).
//
// build_ladder() reads the visible trace once, in order:
//  - a packet's arrow starts at its first tx by an endpoint's node and ends at its rx by
//    the peer's node. The frame id changes at every router (a new frame per hop) but the
//    IPv4 header's source and identification do not (RFC 791 §3.2: they, with the
//    destination and protocol, name the datagram), so a packet is followed across routers
//    by (src, dst, protocol, id); an ARP frame, which no router forwards, by its frame id;
//  - TCP labels are learnt in trace order, so relative numbers (tcp_relative.h) come out
//    as Wireshark shows them;
//  - states and timers are the `state` / `timer` events of the connection's sockets.
#include "sim/view/ladder_model.h"

#include "sim/view/packet_kind.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>

#include "sim/trace/summary.h"
#include "sim/trace/tcp_relative.h"
#include "sim/wire/frame.h"

namespace tcplab {
namespace {

constexpr Time kNever = std::numeric_limits<Time>::max();
constexpr Time kDefaultTravel = 10 * kMs;  // when nothing tells how long the path takes

std::optional<Endpoint> parse_endpoint(std::string_view s) {
  const size_t colon = s.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto addr = parse_ipv4(s.substr(0, colon));
  if (!addr) return std::nullopt;
  unsigned port = 0;
  for (char c : s.substr(colon + 1)) {
    if (c < '0' || c > '9' || port > 65535) return std::nullopt;
    port = port * 10 + unsigned(c - '0');
  }
  if (port > 65535) return std::nullopt;
  return Endpoint{*addr, uint16_t(port)};
}

// What follows one packet across its hops.
struct PacketKey {
  bool ip = false;
  uint32_t src = 0, dst = 0;
  uint8_t proto = 0;
  uint64_t id = 0;  // IPv4 identification, or the frame id for ARP
  auto operator<=>(const PacketKey&) const = default;
};

// A parsed frame, once per frame id (a switch forwards the same id).
struct FrameInfo {
  wire::ParsedFrame f;
  std::optional<PacketKey> key;
};

std::optional<PacketKey> key_of(const wire::ParsedFrame& f, uint64_t frame_id) {
  if (f.arp) return PacketKey{false, 0, 0, 0, frame_id};
  if (f.ip) return PacketKey{true, f.ip->src.v, f.ip->dst.v, f.ip->protocol, f.ip->id};
  return std::nullopt;
}

LadderArrowKind kind_of(const wire::ParsedFrame& f) {
  if (!f.ip || !f.tcp) return LadderArrowKind::Other;
  const uint8_t fl = f.tcp->flags;
  if (fl & wire::tcpflag::RST) return LadderArrowKind::Rst;
  if (fl & wire::tcpflag::SYN) return (fl & wire::tcpflag::ACK) ? LadderArrowKind::SynAck : LadderArrowKind::Syn;
  if (fl & wire::tcpflag::FIN) return LadderArrowKind::Fin;
  if (f.payload_len > 0) return LadderArrowKind::Data;
  return LadderArrowKind::Ack;
}

// "PSH, ACK seq=1 ack=1 len=5": Wireshark's flag spelling and relative numbers.
std::string tcp_text(const wire::TcpHeader& h, const TcpRelative::Numbers& n, size_t payload) {
  std::string flags = wire::tcp_flags_string(h.flags);
  std::string s;
  for (char c : flags) s += c == '|' ? std::string(", ") : std::string(1, c);
  if (s.empty()) s = "<none>";
  s += " seq=" + std::to_string(n.rseq);
  if (h.flags & wire::tcpflag::ACK) s += " ack=" + std::to_string(n.rack);
  if (payload > 0) s += " len=" + std::to_string(payload);
  if (h.window == 0 && !(h.flags & wire::tcpflag::RST)) s += " win=0";  // zero-window lessons
  return s;
}

// Wireshark's duplicate-ACK rule (its tcp analysis): no data, no SYN/FIN/RST, the same
// ACK and window as the previous segment in that direction, while the other direction
// has data outstanding (RFC 5681 §2 "duplicate acknowledgment").
struct DirectionTrack {
  bool seen = false;
  uint32_t last_ack = 0;
  uint16_t last_win = 0;
  uint32_t next_seq = 0;  // relative: the highest seq + len sent, SYN and FIN counted
  int dups = 0;
};
using FourTuple = std::tuple<uint32_t, uint16_t, uint32_t, uint16_t>;

bool seq_after(uint32_t a, uint32_t b) { return int32_t(a - b) > 0; }

// Sum of link delays on the cheapest path between two nodes (Dijkstra over the few links
// of a lesson's topology): how long a packet of that connection takes, before any has
// arrived to tell.
Time path_delay(const World& w, int32_t from, int32_t to) {
  const size_t n = w.nodes().size();
  if (from < 0 || to < 0 || size_t(from) >= n || size_t(to) >= n) return kDefaultTravel;
  std::vector<Time> dist(n, kNever);
  std::vector<bool> done(n, false);
  dist[size_t(from)] = 0;
  for (size_t round = 0; round < n; ++round) {
    size_t u = n;
    for (size_t i = 0; i < n; ++i)
      if (!done[i] && dist[i] != kNever && (u == n || dist[i] < dist[u])) u = i;
    if (u == n) break;
    done[u] = true;
    if (int32_t(u) == to) return std::max<Time>(dist[u], 1);
    for (const Link& l : w.links()) {
      for (int k = 0; k < 2; ++k) {
        if (l.ends[size_t(k)].node != int32_t(u)) continue;
        const int32_t v = l.ends[size_t(1 - k)].node;
        if (v < 0 || size_t(v) >= n) continue;
        dist[size_t(v)] = std::min(dist[size_t(v)], dist[u] + l.delay);
      }
    }
  }
  return kDefaultTravel;
}

std::vector<uint32_t> addresses_of(const World& w, int32_t node) {
  std::vector<uint32_t> out;
  if (node < 0 || size_t(node) >= w.nodes().size()) return out;
  for (const Iface& f : w.nodes()[size_t(node)].ifaces)
    if (f.addr) out.push_back(f.addr->addr.v);
  return out;
}

bool contains(const std::vector<uint32_t>& v, uint32_t x) { return std::find(v.begin(), v.end(), x) != v.end(); }

std::string node_name(const TraceContext& ctx, int32_t node) {
  return node >= 0 && size_t(node) < ctx.node_names.size() ? ctx.node_names[size_t(node)] : std::string();
}

std::string socket_label(const ConnectionSide& s) { return s.name.empty() ? s.ref.sock : s.ref.sock + " (" + s.name + ")"; }

int32_t peer_node(const Session& s, const Connection& c) {
  if (c.b) return c.b->ref.node;
  const auto ep = parse_endpoint(c.a.remote);
  return ep ? node_owning(s.world(), ep->addr) : -1;
}

// What the arrows of a ladder depend on: the two sides (node, socket, address) and the
// sockets whose states and timers are shown. When it changes (the peer's socket appears
// with the SYN, another connection between the nodes starts in all-traffic mode), the
// ladder is read again from the start.
struct Setup {
  std::array<int32_t, 2> node{-1, -1};
  std::array<std::string, 2> sock;                 // empty: no simulated socket (yet)
  std::array<std::optional<Endpoint>, 2> local;    // each side's address:port
  std::array<std::vector<uint32_t>, 2> addrs;      // all-traffic mode: the nodes' addresses
  std::map<std::pair<int32_t, std::string>, int> socks;  // (node, sock) -> side
  std::array<bool, 2> several{false, false};       // a side shows several sockets
  bool all = false;
  bool operator==(const Setup&) const = default;
};

Setup make_setup(const Session& s, const Connection& c, const std::vector<Connection>& conns, bool all) {
  Setup su;
  su.node = {c.a.ref.node, peer_node(s, c)};
  su.sock[0] = c.a.ref.sock;
  if (c.b) su.sock[1] = c.b->ref.sock;
  su.local = {parse_endpoint(c.a.local), parse_endpoint(c.a.remote)};
  su.socks[{c.a.ref.node, c.a.ref.sock}] = 0;
  if (c.b) su.socks[{c.b->ref.node, c.b->ref.sock}] = 1;
  // All traffic needs two distinct simulated nodes; otherwise the connection's own packets.
  su.all = all && su.node[0] != su.node[1] && su.node[1] >= 0;
  if (!su.all) return su;
  std::array<int, 2> count{0, 0};
  for (const Connection& o : conns) {
    if (o.a.listener) continue;
    const int32_t pa = o.a.ref.node, pb = peer_node(s, o);
    if (!((pa == su.node[0] && pb == su.node[1]) || (pa == su.node[1] && pb == su.node[0]))) continue;
    const int sa = pa == su.node[0] ? 0 : 1;
    su.socks[{o.a.ref.node, o.a.ref.sock}] = sa;
    ++count[size_t(sa)];
    if (o.b) {
      su.socks[{o.b->ref.node, o.b->ref.sock}] = 1 - sa;
      ++count[size_t(1 - sa)];
    }
  }
  for (size_t k = 0; k < 2; ++k) {
    su.addrs[k] = addresses_of(s.world(), su.node[k]);
    su.several[k] = count[k] > 1;
  }
  return su;
}

// The lifelines' and title's words, which may change without changing the arrows (the
// accepted socket gets its name "server.1" when accept() returns).
void set_labels(LadderModel& m, const Session& s, const Connection& c, const std::vector<Connection>& conns,
                const Setup& su) {
  const TraceContext& ctx = s.context();
  m.has_connection = true;
  m.title = c.label(ctx);
  m.selected = c.a.ref;
  m.all_between_nodes = su.all;
  m.lifelines[0] = {su.node[0], node_name(ctx, su.node[0]), socket_label(c.a), c.a.local};
  m.lifelines[1] = {su.node[1], node_name(ctx, su.node[1]), c.b ? socket_label(*c.b) : std::string(),
                    c.b ? c.b->local : c.a.remote};
  if (!su.all) return;
  for (size_t k = 0; k < 2; ++k) {
    std::string socks, eps;
    for (const Connection& o : conns)
      for (const ConnectionSide* side : {&o.a, o.b ? &*o.b : nullptr}) {
        if (!side) continue;
        auto it = su.socks.find({side->ref.node, side->ref.sock});
        if (it != su.socks.end() && size_t(it->second) == k) socks += (socks.empty() ? "" : ", ") + socket_label(*side);
      }
    for (uint32_t a : su.addrs[k]) eps += (eps.empty() ? "" : ", ") + to_string(Ipv4(a));
    m.lifelines[k].socket = socks;
    m.lifelines[k].endpoint = eps;
  }
}

// Reads trace events in order into a model; fed again with the events that became visible
// since, it carries on where it stopped (LadderBuilder).
class Reader {
 public:
  Reader(Setup su, Time travel_fallback) : su_(std::move(su)), travel_fallback_(std::max<Time>(travel_fallback, 1)) {}

  const Setup& setup() const { return su_; }
  LadderModel& model() { return m_; }

  void feed(TraceView trace, size_t from, size_t to) {
    for (size_t i = from; i < to && i < trace.size(); ++i) {
      const TraceEvent& e = trace[i];
      switch (e.ev) {
        case EvKind::State: on_state(e, e.state()); break;
        case EvKind::Timer: on_timer(e, e.timer()); break;
        case EvKind::Tx: on_tx(e); break;
        case EvKind::Rx: on_rx(e); break;
        case EvKind::Drop: on_drop(e); break;
        default: break;
      }
    }
  }

  // What depends on the cursor: packets still on their way end at it. A side whose peer
  // has not answered yet still shows its listener's LISTEN.
  void finish(Time now) {
    m_.now = now;
    size_t kept = 0;
    for (size_t i : in_flight_) {
      LadderArrow& a = m_.arrows[i];
      if (a.end != LadderArrowEnd::InFlight) continue;
      a.t_end = std::max(now, a.t_tx);
      a.x_end = std::clamp(double(a.t_end - a.t_tx) / double(travel(a.from)), 0.0, 0.97);
      in_flight_[kept++] = i;
    }
    in_flight_.resize(kept);
    for (int k = 0; k < 2; ++k)
      if (!has_states_[size_t(k)]) add_listen_mark(k, su_.node[size_t(k)], su_.local[size_t(k)], now);
  }

 private:
  // Whether the socket of side k exists at t: a new connection on the same 4-tuple later
  // (after TIME-WAIT) is another connection. A side without a socket lives as long as
  // its peer's.
  bool alive(int k, Time t) const {
    const size_t i = su_.sock[size_t(k)].empty() ? size_t(1 - k) : size_t(k);
    return opened_[i] && t >= open_[i] && t <= close_[i];
  }

  const FrameInfo& frame(const PacketEvent& p) {
    auto it = frames_.find(p.id);
    if (it == frames_.end()) {
      FrameInfo fi;
      fi.f = wire::parse_frame(p.frame);
      fi.key = key_of(fi.f, p.id);
      it = frames_.emplace(p.id, std::move(fi)).first;
    }
    return it->second;
  }

  // The side that sends this frame from `node`, or -1 when it is not part of the ladder.
  int sender_side(const TraceEvent& e, const wire::ParsedFrame& f) const {
    if (su_.all) {
      int k = -1;
      for (int i = 0; i < 2; ++i)
        if (e.node == su_.node[size_t(i)]) k = i;
      if (k < 0) return -1;
      const auto& peer = su_.addrs[size_t(1 - k)];
      if (f.arp) return contains(peer, f.arp->tpa.v) ? k : -1;
      if (f.ip) return contains(su_.addrs[size_t(k)], f.ip->src.v) && contains(peer, f.ip->dst.v) ? k : -1;
      return -1;
    }
    if (!f.ip || !f.tcp || !su_.local[0] || !su_.local[1]) return -1;
    const Endpoint src{f.ip->src, f.tcp->sport}, dst{f.ip->dst, f.tcp->dport};
    int from = -1;
    if (src == *su_.local[0] && dst == *su_.local[1]) from = 0;
    if (src == *su_.local[1] && dst == *su_.local[0]) from = 1;
    if (from < 0) return -1;
    if (su_.node[size_t(from)] >= 0 && e.node != su_.node[size_t(from)]) return -1;
    return alive(from, e.t) ? from : -1;
  }

  void note_time(Time t) { m_.t_first = m_.arrows.empty() && m_.states.empty() && m_.timers.empty() ? t : std::min(m_.t_first, t); }

  void on_state(const TraceEvent& e, const StateEvent& st) {
    if (st.to == "LISTEN")
      if (auto ep = parse_endpoint(st.local)) listeners_.push_back({e.node, e.t, *ep, st.why});
    auto it = su_.socks.find({e.node, st.sock});
    if (it == su_.socks.end()) return;
    const int side = it->second;
    for (size_t k = 0; k < 2; ++k) {  // the socket's life, for alive()
      if (su_.node[k] != e.node || su_.sock[k] != st.sock) continue;
      if (!opened_[k]) open_[k] = e.t;
      opened_[k] = true;
      if (st.to == "CLOSED") close_[k] = e.t;
    }
    // A passive side begins in its listener's LISTEN (RFC 9293 §3.5, figure 6): shown
    // where the server stood before the SYN came, although it is the listener's state.
    if (st.from == "LISTEN") add_listen_mark(side, e.node, parse_endpoint(st.local), e.t);
    const std::string label = su_.several[size_t(side)] ? st.sock + " " + st.to : st.to;
    note_time(e.t);
    m_.states.push_back(LadderStateMark{side, e.t, st.to, label, st.why});
    has_states_[size_t(side)] = true;
  }

  void add_listen_mark(int side, int32_t node, const std::optional<Endpoint>& local, Time before) {
    if (listen_done_[size_t(side)] || !local) return;
    const Listener* best = nullptr;
    for (const Listener& l : listeners_)
      if (l.node == node && l.t <= before && l.local.port == local->port &&
          (l.local.addr.v == 0 || l.local.addr == local->addr))
        best = &l;
    if (!best) return;
    listen_done_[size_t(side)] = true;
    note_time(best->t);
    const LadderStateMark mark{side, best->t, "LISTEN", "LISTEN", best->why};
    auto at = std::upper_bound(m_.states.begin(), m_.states.end(), mark.t,
                               [](Time t, const LadderStateMark& s) { return t < s.t; });
    m_.states.insert(at, mark);
  }

  void on_timer(const TraceEvent& e, const TimerEvent& tm) {
    LadderTimerKind kind;
    if (tm.timer == "rto") kind = LadderTimerKind::Rto;
    else if (tm.timer == "time_wait") kind = LadderTimerKind::TimeWait;
    else if (tm.timer == "persist") kind = LadderTimerKind::Persist;
    else return;  // delayed ACKs and keepalives would only clutter the lifeline
    auto it = su_.socks.find({e.node, tm.sock});
    if (it == su_.socks.end()) return;
    const auto key = std::make_tuple(e.node, tm.sock, int(kind));
    auto open = open_timers_.find(key);
    auto close = [&](LadderTimerEnd how) {
      if (open == open_timers_.end()) return;
      LadderTimer& t = m_.timers[open->second];
      t.t_end = e.t;
      t.end = how;
      last_closed_[key] = open->second;
      open_timers_.erase(open);
      open = open_timers_.end();
    };
    if (tm.op == "set") {
      bool rearm = open != open_timers_.end();
      close(LadderTimerEnd::Rearmed);
      // Cancelled and set again at the same instant (an ACK restarting the RTO, RFC 6298
      // §5.3) is one timer restarted, not a new wait.
      if (auto last = last_closed_.find(key); !rearm && last != last_closed_.end()) {
        LadderTimer& prev = m_.timers[last->second];
        if (prev.end == LadderTimerEnd::Cancelled && prev.t_end == e.t) {
          prev.end = LadderTimerEnd::Rearmed;
          rearm = true;
        }
      }
      note_time(e.t);
      open_timers_[key] = m_.timers.size();
      m_.timers.push_back(LadderTimer{it->second, kind, e.t, tm.at, tm.at, LadderTimerEnd::Running, rearm});
    } else if (tm.op == "fire") {
      close(LadderTimerEnd::Fired);
    } else if (tm.op == "cancel") {
      close(LadderTimerEnd::Cancelled);
    }
  }

  std::string label_parts(const wire::ParsedFrame& f, bool retx, std::string& text, std::string& summary) {
    std::string prefix;
    if (f.ip && f.tcp) {
      const wire::TcpHeader& h = *f.tcp;
      const TcpRelative::Numbers n = rel_.observe(f.ip->src, f.ip->dst, h);
      text = tcp_text(h, n, f.payload_len);
      summary = packet_summary(f, rel_, SummaryStyle::Full);
      // Duplicate ACKs (fast-retransmit lessons), tracked per direction.
      const FourTuple dir{f.ip->src.v, h.sport, f.ip->dst.v, h.dport};
      const FourTuple rev{f.ip->dst.v, h.dport, f.ip->src.v, h.sport};
      DirectionTrack& d = dirs_[dir];
      const DirectionTrack& r = dirs_[rev];
      const bool ack = h.flags & wire::tcpflag::ACK;
      const bool plain = !(h.flags & (wire::tcpflag::SYN | wire::tcpflag::FIN | wire::tcpflag::RST));
      const uint32_t used = uint32_t(f.payload_len) + ((h.flags & wire::tcpflag::SYN) ? 1 : 0) +
                            ((h.flags & wire::tcpflag::FIN) ? 1 : 0);
      if (ack && plain && f.payload_len == 0 && d.seen && n.rack == d.last_ack && h.window == d.last_win &&
          seq_after(r.next_seq, n.rack)) {
        ++d.dups;
        if (!retx) prefix = "[TCP Dup ACK #" + std::to_string(d.dups) + "]";
      } else if (ack) {
        d.dups = 0;
      }
      if (ack) {
        d.seen = true;
        d.last_ack = n.rack;
        d.last_win = h.window;
      }
      if (seq_after(n.rseq + used, d.next_seq)) d.next_seq = n.rseq + used;
    } else {
      text = packet_summary(f, rel_, SummaryStyle::Compact);
      summary = packet_summary(f, rel_, SummaryStyle::Full);
    }
    if (retx) prefix = "[TCP Retransmission]";
    return prefix;
  }

  void on_tx(const TraceEvent& e) {
    const PacketEvent& p = e.packet();
    const FrameInfo& fi = frame(p);
    if (!fi.key) return;
    auto known = by_key_.find(*fi.key);
    const int from = sender_side(e, fi.f);
    if (from < 0) {
      // A router forwarding one of ours as a new frame: remember its id for highlighting.
      if (known != by_key_.end()) add_hop(m_.arrows[known->second], p.id);
      return;
    }
    if (known != by_key_.end() && m_.arrows[known->second].has(p.id)) return;  // the same frame again
    LadderArrow a;
    a.from = from;
    a.to = 1 - from;
    a.t_tx = e.t;
    a.t_end = e.t;
    a.x_end = 0;
    a.end = LadderArrowEnd::InFlight;
    a.retx = p.retx;
    a.kind = kind_of(fi.f);
    a.packet = p.id;
    a.link = p.link;
    a.hop_ids.push_back(p.id);
    a.prefix = label_parts(fi.f, p.retx, a.text, a.summary);
    if (p.retx) a.summary = "[TCP Retransmission] " + a.summary;
    a.label = a.prefix.empty() ? a.text : a.prefix + " " + a.text;
    note_time(e.t);
    by_key_[*fi.key] = m_.arrows.size();
    in_flight_.push_back(m_.arrows.size());
    m_.arrows.push_back(std::move(a));
  }

  LadderArrow* ours(const PacketEvent& p) {
    const FrameInfo& fi = frame(p);
    if (!fi.key) return nullptr;
    auto it = by_key_.find(*fi.key);
    return it == by_key_.end() ? nullptr : &m_.arrows[it->second];
  }

  static void add_hop(LadderArrow& a, uint64_t id) {
    if (!a.has(id)) a.hop_ids.push_back(id);
  }

  void on_rx(const TraceEvent& e) {
    LadderArrow* a = ours(e.packet());
    if (!a) return;
    add_hop(*a, e.packet().id);
    if (e.node != su_.node[size_t(a->to)] || a->end == LadderArrowEnd::Arrived) return;
    // Received by the peer: it arrived (even if a copy flooded elsewhere was lost).
    a->end = LadderArrowEnd::Arrived;
    a->t_end = e.t;
    a->x_end = 1.0;
    a->why.clear();
    a->drop_node = -1;
    last_travel_[size_t(a->from)] = e.t - a->t_tx;
  }

  void on_drop(const TraceEvent& e) {
    const PacketEvent& p = e.packet();
    if (p.why == DropWhy::OtherHost) return;  // a flooded copy filtered by a third host
    LadderArrow* a = ours(p);
    if (!a) return;
    add_hop(*a, p.id);
    const bool at_peer = e.node == su_.node[size_t(a->to)];
    if (a->end == LadderArrowEnd::Arrived && !at_peer) return;
    if (a->end == LadderArrowEnd::Dropped) return;
    a->end = LadderArrowEnd::Dropped;
    a->t_end = e.t;
    a->why = to_string(p.why);
    a->drop_node = e.node;
    // Lost on the way: the ✕ stands as far along as the packet had come, judged by how
    // long packets take on this path.
    a->x_end = at_peer ? 1.0 : std::clamp(double(e.t - a->t_tx) / double(travel(a->from)), 0.12, 0.85);
  }

  Time travel(int from) const {
    if (last_travel_[size_t(from)] > 0) return last_travel_[size_t(from)];
    if (last_travel_[size_t(1 - from)] > 0) return last_travel_[size_t(1 - from)];
    return travel_fallback_;
  }

  struct Listener {
    int32_t node;
    Time t;
    Endpoint local;
    std::string why;
  };

  Setup su_;
  Time travel_fallback_;
  LadderModel m_;
  std::array<bool, 2> opened_{false, false};
  std::array<Time, 2> open_{0, 0}, close_{kNever, kNever};
  std::map<std::tuple<int32_t, std::string, int>, size_t> open_timers_, last_closed_;
  std::unordered_map<uint64_t, FrameInfo> frames_;
  std::map<PacketKey, size_t> by_key_;  // the latest arrow of each packet key
  std::vector<size_t> in_flight_;       // arrows that may still be on their way
  std::map<FourTuple, DirectionTrack> dirs_;
  TcpRelative rel_;
  std::array<Time, 2> last_travel_{0, 0};
  std::vector<Listener> listeners_;
  std::array<bool, 2> listen_done_{false, false}, has_states_{false, false};
};

}  // namespace

bool LadderArrow::has(uint64_t id) const { return std::find(hop_ids.begin(), hop_ids.end(), id) != hop_ids.end(); }

const char* to_string(LadderTimerKind k) {
  switch (k) {
    case LadderTimerKind::Rto: return "RTO";
    case LadderTimerKind::TimeWait: return "TIME-WAIT";
    case LadderTimerKind::Persist: return "persist";
  }
  return "?";
}

const char* ladder_drop_reason(std::string_view why) {
  if (why == "loss") return "link loss";
  if (why == "fault") return "fault rule";
  if (why == "queue") return "queue full";
  if (why == "ttl") return "TTL expired";
  if (why == "noroute") return "no route";
  if (why == "noarp") return "no ARP reply";
  if (why == "closed") return "port closed";
  if (why == "checksum") return "bad checksum";
  if (why == "backlog") return "backlog full";
  return "lost packet";
}

const char* ladder_timer_name(LadderTimerKind k) {
  switch (k) {
    case LadderTimerKind::Rto: return "RTO timer";
    case LadderTimerKind::TimeWait: return "TIME-WAIT timer";
    case LadderTimerKind::Persist: return "persist timer";
  }
  return "RTO timer";
}

LadderColour ladder_colour(LadderArrowKind k) {
  // One palette for both views (packet_kind.h): a SYN is the same green here as on a wire.
  auto from = [](PacketKind pk) {
    const Rgb c = packet_colour(pk);
    return LadderColour{c.r, c.g, c.b};
  };
  switch (k) {
    case LadderArrowKind::Syn: return from(PacketKind::Syn);
    case LadderArrowKind::SynAck: return from(PacketKind::SynAck);
    case LadderArrowKind::Ack: return from(PacketKind::Ack);
    case LadderArrowKind::Data: return from(PacketKind::Data);
    case LadderArrowKind::Fin: return from(PacketKind::Fin);
    case LadderArrowKind::Rst: return from(PacketKind::Rst);
    case LadderArrowKind::Other: return {251, 140, 0};  // orange: ARP, ICMP, UDP (all-traffic mode)
  }
  return {251, 140, 0};
}

LadderColour ladder_lost_colour() { return {229, 57, 53}; }

LadderColour ladder_timer_colour(LadderTimerKind k) {
  switch (k) {
    case LadderTimerKind::Rto: return {251, 140, 0};       // orange: a retransmission is pending
    case LadderTimerKind::TimeWait: return {126, 87, 194};  // violet: the closing side waits
    case LadderTimerKind::Persist: return {0, 137, 123};    // teal: probing a zero window
  }
  return {251, 140, 0};
}

// ---- LadderBuilder ---------------------------------------------------------------------------

struct LadderBuilder::State {
  std::optional<Reader> reader;
  LadderModel other;            // the empty and listener-only models
  ConnectionTracker conns;      // the connections of the visible trace, read incrementally
  // What was read: the session's trace up to `read`, recognised by its last event.
  std::string path;
  size_t text_size = 0, interventions = 0, read = 0;
  Time last_t = -1;
  EvKind last_ev = EvKind::App;
  int32_t last_node = -1;
};

LadderBuilder::LadderBuilder() : st_(std::make_unique<State>()) {}
LadderBuilder::~LadderBuilder() = default;
LadderBuilder::LadderBuilder(LadderBuilder&&) noexcept = default;
LadderBuilder& LadderBuilder::operator=(LadderBuilder&&) noexcept = default;

const LadderModel& LadderBuilder::update(const Session& s, const SocketRef& sel, bool all_between_nodes) {
  State& st = *st_;
  const auto& trace = s.trace();
  const size_t count = std::min(s.visible(), trace.size());
  const std::vector<Connection>& conns = st.conns.update(trace, count, trace_key(s));
  const std::optional<Connection> c = pick_connection(conns, sel);
  if (!c || c->a.listener) {
    st.reader.reset();
    st.other = LadderModel{};
    st.other.now = s.now();
    if (c) {  // a listener: no packets of its own (its connections are other sockets)
      st.other.has_connection = true;
      st.other.listener_only = true;
      st.other.title = c->label(s.context());
      st.other.selected = c->a.ref;
      st.other.lifelines[0] = {c->a.ref.node, node_name(s.context(), c->a.ref.node), socket_label(c->a), c->a.local};
    }
    return st.other;
  }
  Setup su = make_setup(s, *c, conns, all_between_nodes);
  const bool same_trace = st.path == s.path() && st.text_size == s.source_text().size() &&
                          st.interventions == s.interventions().size() && st.read <= count &&
                          (st.read == 0 || (trace[st.read - 1].t == st.last_t && trace[st.read - 1].ev == st.last_ev &&
                                            trace[st.read - 1].node == st.last_node));
  if (!st.reader || !same_trace || !(st.reader->setup() == su)) {
    const Time fallback = path_delay(s.world(), su.node[0], su.node[1]);
    st.reader.emplace(std::move(su), fallback);
    st.read = 0;
    st.path = s.path();
    st.text_size = s.source_text().size();
    st.interventions = s.interventions().size();
  }
  st.reader->feed(trace, st.read, count);
  st.read = count;
  if (count > 0) {
    st.last_t = trace[count - 1].t;
    st.last_ev = trace[count - 1].ev;
    st.last_node = trace[count - 1].node;
  }
  LadderModel& m = st.reader->model();
  set_labels(m, s, *c, conns, st.reader->setup());
  st.reader->finish(s.now());
  return m;
}

std::string ladder_timer_caption(const LadderTimer& t) {
  return std::string(to_string(t.kind)) + " " + format_ladder_duration(t.due - t.t_set);
}

const std::vector<Connection>& LadderBuilder::connections() const { return st_->conns.connections(); }

LadderModel build_ladder(const Session& s, const SocketRef& sel, bool all_between_nodes) {
  LadderBuilder b;
  return b.update(s, sel, all_between_nodes);
}

// ---- axis ------------------------------------------------------------------------------------

double LadderAxis::y_of(Time t) const {
  if (segments.empty()) return top + double(t) * px_per_ns;
  if (t <= segments.front().t0) return segments.front().y0 - double(segments.front().t0 - t) * px_per_ns;
  if (t >= segments.back().t1) return segments.back().y1 + double(t - segments.back().t1) * px_per_ns;
  // The segment holding t (segments are contiguous and sorted).
  auto it = std::upper_bound(segments.begin(), segments.end(), t,
                             [](Time v, const Segment& s) { return v < s.t1; });
  if (it == segments.end()) --it;
  const Segment& s = *it;
  if (s.t1 == s.t0) return s.y0;
  return s.y0 + (s.y1 - s.y0) * double(t - s.t0) / double(s.t1 - s.t0);
}

Time LadderAxis::t_of(double y) const {
  const double k = px_per_ns > 0 ? px_per_ns : 1e-6;
  if (segments.empty()) return Time((y - top) / k);
  if (y <= segments.front().y0) return segments.front().t0 - Time((segments.front().y0 - y) / k);
  if (y >= segments.back().y1) return segments.back().t1 + Time((y - segments.back().y1) / k);
  for (const Segment& s : segments) {
    if (y > s.y1) continue;
    if (s.y1 == s.y0) return s.t0;
    return s.t0 + Time(double(s.t1 - s.t0) * (y - s.y0) / (s.y1 - s.y0));
  }
  return segments.back().t1;
}

namespace {

// Walks everything shown in time order (arrows as the stretch they are on the wire,
// states and timer ends as instants); a gap between them where nothing moves becomes a
// compressed segment when that saves a good deal, so that short waits keep their length.
// The inputs are already in time order except timer ends, so this is a merge, not a sort.
LadderAxis make_axis(const LadderModel& m, const LadderLayoutParams& p) {
  LadderAxis ax;
  ax.top = p.top;
  ax.px_per_ns = std::max(1e-9, double(p.px_per_ms) / double(kMs));
  std::vector<Time> ends;  // timer ends (and the cursor, and the first time)
  ends.reserve(m.timers.size() + 2);
  for (const LadderTimer& t : m.timers) ends.push_back(t.t_end);
  ends.push_back(m.now);
  ends.push_back(m.t_first);
  std::sort(ends.begin(), ends.end());
  size_t ia = 0, is = 0, it = 0, ie = 0;
  // The next item by start time: {start, end}.
  auto next = [&](Time& start, Time& end) {
    Time best = std::numeric_limits<Time>::max();
    int which = -1;
    if (ia < m.arrows.size() && m.arrows[ia].t_tx < best) best = m.arrows[ia].t_tx, which = 0;
    if (is < m.states.size() && m.states[is].t < best) best = m.states[is].t, which = 1;
    if (it < m.timers.size() && m.timers[it].t_set < best) best = m.timers[it].t_set, which = 2;
    if (ie < ends.size() && ends[ie] < best) best = ends[ie], which = 3;
    start = end = best;
    switch (which) {
      case 0: end = std::max(best, m.arrows[ia++].t_end); return true;
      case 1: ++is; return true;
      case 2: ++it; return true;
      case 3: ++ie; return true;
    }
    return false;
  };
  Time start = 0, end = 0;
  if (!next(start, end)) return ax;
  double y = ax.top;
  Time seg_start = start, cur_end = end;
  auto push = [&](Time t0, Time t1, bool squeeze) {
    if (t1 <= t0) return;
    const double h = squeeze ? p.max_idle_px : double(t1 - t0) * ax.px_per_ns;
    ax.segments.push_back({t0, t1, y, y + h, squeeze});
    y += h;
  };
  while (next(start, end)) {
    if (start > cur_end) {  // nothing on the wire from cur_end to start
      push(seg_start, cur_end, false);
      push(cur_end, start, double(start - cur_end) * ax.px_per_ns > 1.5 * p.max_idle_px);
      seg_start = start;
    }
    cur_end = std::max(cur_end, end);
  }
  push(seg_start, cur_end, false);
  if (ax.segments.empty()) ax.segments.push_back({seg_start, seg_start, y, y, false});
  return ax;
}

// Boxes already taken by text, for label placement.
struct Box {
  float x0, y0, x1, y1;
  bool hits(const Box& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
};

class Occupied {
 public:
  void add(const Box& b) {
    by_top_.emplace(b.y0, b);
    tallest_ = std::max(tallest_, b.y1 - b.y0);
  }
  bool free(const Box& b) const {
    for (auto it = by_top_.lower_bound(b.y0 - tallest_); it != by_top_.end() && it->first < b.y1; ++it)
      if (it->second.hits(b)) return false;
    return true;
  }

 private:
  std::multimap<float, Box> by_top_;
  float tallest_ = 0;
};

// A round tick step (1, 2 or 5 × 10^k ns, from 1 µs) at least `min_ns` long.
Time tick_step(double min_ns) {
  for (Time mag = kUs;; mag *= 10) {
    for (Time f : {1, 2, 5})
      if (double(mag * f) >= min_ns) return mag * f;
    if (mag >= 1000 * kSec) return mag * 10;
  }
}

}  // namespace

std::string format_ladder_time(Time t) {
  char buf[32];
  const bool ms = std::llabs(t) < kSec;
  std::snprintf(buf, sizeof buf, "%.3f", ms ? double(t) / double(kMs) : double(t) / double(kSec));
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s + (ms ? " ms" : " s");
}

std::string format_ladder_duration(Time t) {
  const bool ms = std::llabs(t) < kSec;
  const double v = ms ? double(t) / double(kMs) : double(t) / double(kSec);
  const double a = std::fabs(v);
  const int decimals = a >= 100 ? 0 : a >= 10 ? 1 : 2;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s + (ms ? " ms" : " s");
}

std::string fit_text(std::string_view text, float max_px, const TextWidth& width) {
  if (width(text) <= max_px) return std::string(text);
  // The most columns that fit with the ellipsis (binary search: widths grow with columns).
  size_t lo = 0, hi = display_width(text);
  while (lo < hi) {
    const size_t mid = (lo + hi + 1) / 2;
    if (width(fit_width(text, mid + 1)) <= max_px) lo = mid;
    else hi = mid - 1;
  }
  return lo == 0 ? (width("…") <= max_px ? std::string("…") : std::string()) : fit_width(text, lo + 1);
}

namespace {

// Greedy word wrap into at most `max_lines` lines of `max_px`; the last line is cut with
// "…" when the words do not all fit.
std::vector<std::string> wrap_text(std::string_view text, float max_px, size_t max_lines, const TextWidth& width) {
  std::vector<std::string> lines;
  std::string line;
  size_t i = 0;
  while (i < text.size()) {
    const size_t sp = text.find(' ', i);
    const std::string_view word = text.substr(i, sp == std::string_view::npos ? std::string_view::npos : sp - i);
    i = sp == std::string_view::npos ? text.size() : sp + 1;
    const std::string joined = line.empty() ? std::string(word) : line + " " + std::string(word);
    if (line.empty() || width(joined) <= max_px) {
      line = joined;
      continue;
    }
    if (lines.size() + 1 == max_lines) {  // no more lines: the rest goes on this one, cut
      line = joined + (i < text.size() ? " " + std::string(text.substr(i)) : std::string());
      i = text.size();
      break;
    }
    lines.push_back(line);
    line = std::string(word);
  }
  if (!line.empty()) lines.push_back(line);
  for (std::string& l : lines) l = fit_text(l, max_px, width);
  return lines;
}

}  // namespace

LadderLayout layout_ladder(const LadderModel& m, const LadderLayoutParams& p, const TextWidth& width) {
  LadderLayout L;
  const float pad = p.pad;
  L.axis = make_axis(m, p);
  const LadderAxis& ax = L.axis;
  L.y_now = ax.y_of(m.now);
  auto Y = [&](Time t) { return float(ax.y_of(t)); };
  auto on_screen = [&](float y0, float y1) { return std::max(y0, y1) >= p.clip_y0 && std::min(y0, y1) <= p.clip_y1; };
  // The same window in time, to skip what is off screen without mapping it.
  const Time t_lo = p.clip_y0 < -1e20f ? std::numeric_limits<Time>::min() : ax.t_of(p.clip_y0 - 2 * p.line_h);
  const Time t_hi = p.clip_y1 > 1e20f ? std::numeric_limits<Time>::max() : ax.t_of(p.clip_y1 + 2 * p.line_h);
  auto in_window = [&](Time a, Time b) { return b >= t_lo && a <= t_hi; };

  // Ticks: a round step, at least 2.5 lines apart, in the stretches shown at scale;
  // each compressed stretch is a break with its length, and the time where it resumes.
  const double min_ns = 2.5 * p.line_h / std::max(1e-12, ax.px_per_ns);
  const Time step = tick_step(min_ns);
  float last_tick = -1e9f;
  auto add_tick = [&](Time t, bool force) {
    const float y = Y(t);
    if (!force && y - last_tick < 1.5f * p.line_h) return;
    if (force && !L.ticks.empty() && y - last_tick < 1.2f * p.line_h) L.ticks.pop_back();
    L.ticks.push_back({y, format_ladder_time(t)});
    last_tick = y;
  };
  for (const LadderAxis::Segment& s : ax.segments) {
    if (!on_screen(float(s.y0) - p.line_h, float(s.y1) + p.line_h)) continue;
    if (s.compressed) {
      L.breaks.push_back({float(s.y0), float(s.y1), "+" + format_ladder_time(s.t1 - s.t0)});
      add_tick(s.t1, true);
      continue;
    }
    const Time from = std::max(s.t0, t_lo), to = std::min(s.t1, t_hi);
    if (from > to || from < 0) continue;
    for (Time t = (from + step - 1) / step * step; t <= to; t += step) add_tick(t, false);
  }

  // Columns: time labels, then for each side its states, its timer bar, its lifeline.
  // The widest tick of this zoom ("100 ms", "60.31 s") sizes the time column.
  float aw = std::max(width("000 ms"), width(format_ladder_time(m.now)));
  for (const LadderLayout::Tick& t : L.ticks) aw = std::max(aw, width(t.text));
  for (const LadderLayout::Break& b : L.breaks) aw = std::max(aw, width(b.text));
  L.axis_w = aw + 2 * pad;
  L.bar_w = std::max(4.0f, p.line_h * 0.4f);
  // The state column: whole state names first, then timer captions; when the window is
  // narrow the column's text gets smaller (state_scale) before anything is cut, and the
  // space between the lifelines never falls below min_gap.
  float states_w = width("ESTABLISHED");
  for (const LadderStateMark& s : m.states) states_w = std::max(states_w, width(s.label));
  float captions_w = 0;
  for (const LadderTimer& t : m.timers)
    if (!t.continues && in_window(t.t_set, t.t_end)) captions_w = std::max(captions_w, width(ladder_timer_caption(t)));
  const float side_extra = pad + L.bar_w + pad;  // bar and its gaps, beside each lifeline
  const float room = p.width - L.axis_w - 2 * (side_extra + pad);
  float sw = std::max(states_w, captions_w);
  if (room - 2 * sw < p.min_gap) sw = states_w;
  if (room - 2 * sw < p.min_gap) {
    L.state_scale = p.small_scale;
    sw = states_w * L.state_scale;
    if (room - 2 * sw < p.min_gap) sw = std::max(width("CLOS…") * L.state_scale, (room - p.min_gap) / 2);
  }
  L.state_w = sw;
  L.x_state[0] = L.axis_w + pad + sw;
  L.x_bar[0] = L.x_state[0] + pad + L.bar_w / 2;
  L.x_life[0] = L.x_bar[0] + L.bar_w / 2 + pad;
  L.x_life[1] = std::max(L.x_life[0] + p.min_gap, p.width - (pad + sw + side_extra));
  L.x_bar[1] = L.x_life[1] + pad + L.bar_w / 2;
  L.x_state[1] = L.x_bar[1] + L.bar_w / 2 + pad;
  auto X = [&](int from, int to, double frac) {
    return L.x_life[size_t(from)] + (L.x_life[size_t(to)] - L.x_life[size_t(from)]) * float(frac);
  };

  Occupied taken;
  // Arrows' geometry; drop reasons, heads and crosses first, so that labels keep clear.
  const float cross = p.line_h * 0.35f, head = p.line_h * 0.6f;
  for (size_t i = 0; i < m.arrows.size(); ++i) {
    const LadderArrow& a = m.arrows[i];
    if (!in_window(a.t_tx, a.t_end)) continue;
    LadderLayout::ArrowGeom g;
    g.index = i;
    g.x0 = L.x_life[size_t(a.from & 1)];
    g.y0 = Y(a.t_tx);
    g.x1 = X(a.from & 1, a.to & 1, a.x_end);
    g.y1 = Y(a.t_end);
    if (on_screen(g.y0 - 2 * p.line_h, g.y1 + 2 * p.line_h)) {
      taken.add({g.x1 - head, g.y1 - head / 2, g.x1 + head, g.y1 + head / 2});
      if (a.end == LadderArrowEnd::Dropped) {
        const float lo_x = L.x_life[0] + pad, hi_x = L.x_life[1] - pad;
        g.why = translate(ladder_drop_reason(a.why), p.lang);
        float w = width(g.why);
        const bool rightward = a.to > a.from;
        // Beside the ✕, away from the arrow; inside the lifelines when at the peer;
        // under the ✕ when the side has no room; cut only when even that is too narrow.
        if (a.x_end >= 1.0) {
          g.why_x = rightward ? g.x1 - cross - pad - w : g.x1 + cross + pad;
          g.why_y = g.y1 + cross * 0.5f;
        } else {
          g.why_x = rightward ? g.x1 + cross + pad : g.x1 - cross - pad - w;
          g.why_y = g.y1 - p.line_h / 2;
        }
        if (g.why_x < lo_x || g.why_x + w > hi_x) {
          g.why = fit_text(g.why, hi_x - lo_x, width);
          w = width(g.why);
          g.why_x = std::clamp(g.x1 - w / 2, lo_x, std::max(lo_x, hi_x - w));
          g.why_y = g.y1 + cross + 1;
        }
        taken.add({g.why_x, g.why_y, g.why_x + w, g.why_y + p.line_h});
      }
    }
    L.arrows.push_back(std::move(g));
  }

  // Labels. A label sits on its arrow, interrupting it like "--- SYN seq=0 -->", when the
  // arrow is long enough to show on both sides; else just above or below it, so that a
  // short arrow (a packet lost near its sender) stays visible; else further along it.
  // When it does not fit on one line it wraps (the [TCP …] prefix on a line of its own),
  // and only then is it cut with "…". What finds no room is left to the tooltip.
  const float lo = L.x_life[0] + pad, hi = L.x_life[1] - pad;
  const float max_w = std::max(0.0f, hi - lo - 4);
  for (LadderLayout::ArrowGeom& g : L.arrows) {
    if (!on_screen(g.y0 - 2 * p.line_h, g.y1 + 2 * p.line_h)) continue;
    const LadderArrow& a = m.arrows[g.index];
    std::vector<std::vector<std::string>> options;
    if (width(a.label) <= max_w) {
      options.push_back({a.label});
    } else if (a.prefix.empty()) {
      options.push_back(wrap_text(a.text, max_w, 2, width));
      options.push_back(wrap_text(a.text, max_w, 3, width));
      options.push_back({fit_text(a.text, max_w, width)});
    } else {
      for (size_t n : {1, 2, 3}) {
        std::vector<std::string> lines{fit_text(a.prefix, max_w, width)};
        for (std::string& l : wrap_text(a.text, max_w, n, width)) lines.push_back(std::move(l));
        options.push_back(std::move(lines));
      }
      options.push_back({fit_text(a.label, max_w, width)});
    }
    // Whole numbers before cut ones (the prefix may be cut: its colour says it), fewer
    // lines before more.
    const bool has_prefix = !a.prefix.empty();
    auto cuts = [&](const std::vector<std::string>& lines) {
      int n = 0;
      for (size_t i = has_prefix && lines.size() > 1 ? 1 : 0; i < lines.size(); ++i)
        if (lines[i].size() >= 3 && lines[i].compare(lines[i].size() - 3, 3, "…") == 0) ++n;
      return n;
    };
    std::stable_sort(options.begin(), options.end(), [&](const auto& x, const auto& y) { return cuts(x) < cuts(y); });
    auto line_y = [&](float x) {
      if (std::fabs(g.x1 - g.x0) < 1) return std::min(g.y0, g.y1);
      const float f = std::clamp((x - g.x0) / (g.x1 - g.x0), 0.0f, 1.0f);
      return g.y0 + (g.y1 - g.y0) * f;
    };
    for (const std::vector<std::string>& lines : options) {
      float w = 0;
      for (const std::string& l : lines) w = std::max(w, width(l));
      w += 4;
      const float h = p.line_h * float(lines.size());
      const bool on_line = w <= 0.8f * std::fabs(g.x1 - g.x0);
      std::vector<Box> candidates;
      auto centred = [&](float f) {
        const float cx = g.x0 + (g.x1 - g.x0) * f, cy = g.y0 + (g.y1 - g.y0) * f;
        const float x = std::clamp(cx - w / 2, lo, std::max(lo, hi - w));
        candidates.push_back({x, cy - h / 2, x + w, cy + h / 2});
      };
      auto beside = [&](float f, bool above) {
        const float cx = g.x0 + (g.x1 - g.x0) * f;
        const float x = std::clamp(cx - w / 2, lo, std::max(lo, hi - w));
        const float ya = line_y(x), yb = line_y(x + w);
        if (above) candidates.push_back({x, std::min(ya, yb) - 2 - h, x + w, std::min(ya, yb) - 2});
        else candidates.push_back({x, std::max(ya, yb) + 2, x + w, std::max(ya, yb) + 2 + h});
      };
      if (on_line)
        for (float f : {0.5f, 0.4f, 0.6f, 0.3f, 0.7f}) centred(f);
      for (float f : {0.5f, 0.3f, 0.7f}) {
        beside(f, true);
        beside(f, false);
      }
      if (!on_line)
        for (float f : {0.5f, 0.3f, 0.7f}) centred(f);
      for (const Box& b : candidates) {
        if (!taken.free(b)) continue;
        taken.add(b);
        g.label_shown = true;
        g.lx = b.x0;
        g.ly = b.y0;
        g.lw = w;
        g.lh = h;
        g.lines = lines;
        g.prefix_line = !a.prefix.empty() && lines.size() > 1;
        break;
      }
      if (g.label_shown) break;
    }
  }

  // States beside their lifeline, centred on their time, pushed down when they would overlap.
  std::array<float, 2> below{-1e9f, -1e9f};
  float lowest = float(L.y_now);
  L.states.reserve(m.states.size());
  for (size_t i = 0; i < m.states.size(); ++i) {
    const LadderStateMark& s = m.states[i];
    const size_t k = size_t(s.side & 1);
    LadderLayout::StateGeom g;
    g.index = i;
    g.y = std::max(Y(s.t) - p.line_h / 2, below[k]);
    g.x = L.x_state[k];
    g.text = on_screen(g.y, g.y + p.line_h) ? fit_text(s.label, L.state_w / L.state_scale, width) : s.label;
    g.w = width(g.text) * L.state_scale;
    below[k] = g.y + p.line_h;
    lowest = std::max(lowest, below[k]);
    L.states.push_back(std::move(g));
  }
  // Timer bars, captioned with their length where the state column has room.
  Occupied column;
  for (const LadderLayout::StateGeom& g : L.states) {
    const bool left = m.states[g.index].side == 0;
    column.add({left ? g.x - g.w : g.x, g.y, left ? g.x : g.x + g.w, g.y + p.line_h});
  }
  Time last_end = m.now;
  for (size_t i = 0; i < m.timers.size(); ++i) {
    const LadderTimer& t = m.timers[i];
    last_end = std::max(last_end, t.t_end);
    if (!in_window(t.t_set, t.t_end)) continue;
    const size_t k = size_t(t.side & 1);
    LadderLayout::TimerGeom g;
    g.index = i;
    g.x = L.x_bar[k];
    g.y0 = Y(t.t_set);
    g.y1 = Y(t.t_end);
    if (!t.continues) {  // a re-armed timer is one wait: captioned where it began
      g.caption = fit_text(ladder_timer_caption(t), L.state_w / L.state_scale, width);
      g.cw = width(g.caption) * L.state_scale;
      g.cx = k == 0 ? L.x_state[0] - g.cw : L.x_state[1];
      for (int row = 0; row < 3 && !g.caption_shown; ++row) {
        const float y = g.y0 + float(row) * p.line_h;
        if (y + p.line_h > std::max(g.y1, g.y0 + p.line_h) + p.line_h * 0.25f) break;
        const Box b{g.cx, y, g.cx + g.cw, y + p.line_h};
        if (!column.free(b)) continue;
        column.add(b);
        g.caption_shown = true;
        g.cy = y;
      }
    }
    L.timers.push_back(std::move(g));
  }
  L.height = std::max(lowest, Y(last_end)) + 2 * p.line_h;
  return L;
}

}  // namespace tcplab
