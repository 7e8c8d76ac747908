// tcp_flows.h: TCP connections and their segments from the `tx` events of hosts.
#include "sim/live/tcp_flows.h"

#include <map>
#include <set>
#include <tuple>

#include "sim/wire/frame.h"

namespace tcplab::live {
namespace {

// Sequence-number comparison modulo 2^32 (RFC 9293 §3.4).
bool seq_lt(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) < 0; }

std::string endpoint(Ipv4 addr, uint16_t port) { return to_string(addr) + ":" + std::to_string(port); }

// A socket as the state events name it, to label the two ends of each direction.
struct KnownSocket {
  int32_t node = -1;
  std::string sock;   // "s1"
  std::string label;  // "client s1 (client)"
  Time first = 0;     // its first state event
};

// (local, remote) -> the sockets that had those endpoints, oldest first.
using SocketsByEndpoints = std::map<std::pair<std::string, std::string>, std::vector<KnownSocket>>;

SocketsByEndpoints sockets_by_endpoints(const TraceContext& ctx, TraceView events) {
  struct Seen {
    int32_t node;
    std::string sock, name, local, remote;
    Time first;
  };
  std::vector<Seen> seen;
  std::map<std::pair<int32_t, std::string>, size_t> index;
  for (const TraceEvent& e : events) {
    if (e.ev != EvKind::State) continue;
    const auto& st = e.state();
    auto [it, fresh] = index.try_emplace({e.node, st.sock}, seen.size());
    if (fresh) seen.push_back(Seen{e.node, st.sock, "", "", "", e.t});
    Seen& s = seen[it->second];
    if (!st.name.empty()) s.name = st.name;
    if (!st.local.empty()) s.local = st.local;
    if (!st.remote.empty()) s.remote = st.remote;
  }
  SocketsByEndpoints out;
  for (const Seen& s : seen) {
    const size_t n = static_cast<size_t>(s.node);
    std::string label = (n < ctx.node_names.size() ? ctx.node_names[n] : "?") + " " + s.sock;
    if (!s.name.empty()) label += " (" + s.name + ")";
    out[{s.local, s.remote}].push_back(KnownSocket{s.node, s.sock, label, s.first});
  }
  return out;
}

// The socket with these endpoints that existed at `t` (the latest one created by then).
const KnownSocket* find_socket(const SocketsByEndpoints& by, const std::string& local, const std::string& remote,
                               Time t) {
  auto it = by.find({local, remote});
  if (it == by.end() || it->second.empty()) return nullptr;
  const KnownSocket* best = &it->second.front();
  for (const KnownSocket& k : it->second)
    if (k.first <= t) best = &k;
  return best;
}

// What the retransmission check keeps per direction.
struct Tracking {
  bool started = false;
  uint32_t isn = 0;      // seq of the direction's SYN (or first segment)
  uint32_t snd_max = 0;  // one past the highest sequence number sent
  Time last_seq_send = 0;
  // Every range first sent, to find when a retransmitted one was first sent.
  struct Range {
    uint32_t begin, end;
    Time t;
  };
  std::vector<Range> ranges;
};

void add_segment(FlowDirection& dir, Tracking& tr, FlowSegment s) {
  const wire::TcpHeader& h = s.tcp;
  const uint32_t syn = (h.flags & wire::tcpflag::SYN) ? 1 : 0;
  const uint32_t fin = (h.flags & wire::tcpflag::FIN) ? 1 : 0;
  const uint32_t seg_len = s.len + syn + fin;
  const uint32_t end = h.seq + seg_len;
  if (seg_len > 0) {
    if (!tr.started) {
      tr.started = true;
      tr.isn = h.seq;
      tr.snd_max = end;
      s.new_bytes = s.len;
    } else {
      if (seq_lt(h.seq, tr.snd_max)) {
        s.retx = true;
        s.since_last = s.t - tr.last_seq_send;
        s.tail = end == tr.snd_max;
        s.first_sent = s.t;
        for (const Tracking::Range& r : tr.ranges)
          if (!seq_lt(h.seq, r.begin) && seq_lt(h.seq, r.end)) {
            s.first_sent = r.t;
            break;
          }
      }
      // Payload bytes beyond everything sent before (the payload starts after a SYN).
      const uint32_t data_begin = h.seq + syn;
      const uint32_t data_end = data_begin + s.len;
      if (seq_lt(tr.snd_max, data_end)) {
        const uint32_t from = seq_lt(data_begin, tr.snd_max) ? tr.snd_max : data_begin;
        s.new_bytes = data_end - from;
      }
      if (seq_lt(tr.snd_max, end)) tr.snd_max = end;
    }
    if (!s.retx) tr.ranges.push_back(Tracking::Range{h.seq, end, s.t});
    tr.last_seq_send = s.t;
  } else if (!tr.started && !(h.flags & wire::tcpflag::RST)) {
    // A pure ACK first (the capture began mid-connection): its seq is where data would start.
    tr.started = true;
    tr.isn = h.seq;
    tr.snd_max = h.seq;
  }
  s.retx = s.retx || s.retx_flag;
  dir.segments.push_back(std::move(s));
}

}  // namespace

bool FlowSegment::occupies_seq() const {
  return len > 0 || (tcp.flags & (wire::tcpflag::SYN | wire::tcpflag::FIN));
}

bool FlowSegment::pure_ack() const {
  return len == 0 && !(tcp.flags & (wire::tcpflag::SYN | wire::tcpflag::FIN | wire::tcpflag::RST));
}

std::string FlowSegment::token() const {
  std::string s = wire::tcp_flags_string(tcp.flags);
  if (s.empty()) s = "none";
  if (len > 0) s += "(" + std::to_string(len) + ")";
  if (retx) s += "*";
  return s;
}

uint64_t FlowDirection::bytes() const {
  uint64_t n = 0;
  for (const FlowSegment& s : segments) n += s.new_bytes;
  return n;
}

size_t FlowDirection::retransmissions() const {
  size_t n = 0;
  for (const FlowSegment& s : segments) n += s.retx ? 1 : 0;
  return n;
}

const FlowSegment* FlowDirection::syn() const {
  for (const FlowSegment& s : segments)
    if (s.tcp.flags & wire::tcpflag::SYN) return &s;
  return nullptr;
}

std::string TcpFlow::name() const {
  std::string s = initiator_node + " → " + acceptor_node;
  if (ordinal > 1) s += " #" + std::to_string(ordinal);
  return s;
}

std::vector<TcpFlow> tcp_flows(const TraceContext& ctx, TraceView events) {
  auto node_name = [&](int32_t n) {
    return n >= 0 && static_cast<size_t>(n) < ctx.node_names.size() ? ctx.node_names[static_cast<size_t>(n)]
                                                                    : std::string("?");
  };
  auto is_host = [&](int32_t n) {
    // A trace without node types (a hand-made one) counts every node as a host.
    return n < 0 || static_cast<size_t>(n) >= ctx.node_types.size() ||
           ctx.node_types[static_cast<size_t>(n)] == NodeType::Host;
  };
  const SocketsByEndpoints sockets = sockets_by_endpoints(ctx, events);

  // Receivers of frames, for directions whose receiving socket has no state events.
  std::map<uint64_t, int32_t> receiver_of;
  for (const TraceEvent& e : events)
    if (e.ev == EvKind::Rx && is_host(e.node)) receiver_of.try_emplace(e.packet().id, e.node);

  std::vector<TcpFlow> flows;
  std::vector<std::pair<Tracking, Tracking>> tracking;  // parallel to flows
  // 4-tuple (src, dst) -> (flow index, forward?)
  std::map<std::pair<std::string, std::string>, std::pair<size_t, bool>> by_tuple;
  std::set<uint64_t> ids_seen;

  for (const TraceEvent& e : events) {
    if (e.ev != EvKind::Tx || !is_host(e.node)) continue;
    const PacketEvent& p = e.packet();
    if (!ids_seen.insert(p.id).second) continue;  // the same frame sent on again
    const wire::ParsedFrame f = wire::parse_frame(p.frame);
    if (!f.ip || !f.tcp) continue;
    const std::string src = endpoint(f.ip->src, f.tcp->sport), dst = endpoint(f.ip->dst, f.tcp->dport);
    const bool syn_only = (f.tcp->flags & wire::tcpflag::SYN) && !(f.tcp->flags & wire::tcpflag::ACK);

    auto it = by_tuple.find({src, dst});
    bool fresh = it == by_tuple.end();
    if (!fresh && syn_only && it->second.second) {
      // A SYN with another ISN on the same ports: a new connection (the old one ended).
      const Tracking& tr = tracking[it->second.first].first;
      if (tr.started && f.tcp->seq != tr.isn) fresh = true;
    }
    if (fresh) {
      TcpFlow flow;
      const std::string me = node_name(e.node);
      const KnownSocket* from = find_socket(sockets, src, dst, e.t);
      const KnownSocket* to = find_socket(sockets, dst, src, e.t);
      std::string peer = "?";
      if (to) peer = node_name(to->node);
      else if (auto r = receiver_of.find(p.id); r != receiver_of.end()) peer = node_name(r->second);
      else if (it != by_tuple.end()) peer = flows[it->second.first].acceptor_node;  // the same ports again
      flow.initiator_node = me;
      flow.acceptor_node = peer;
      flow.forward.from_node = me;
      flow.forward.to_node = peer;
      flow.forward.from_index = e.node;
      flow.forward.from_sock = from ? from->sock : "";
      flow.forward.from_label = from ? from->label : me;
      flow.forward.to_label = to ? to->label : peer;
      flow.forward.src = src;
      flow.forward.dst = dst;
      flow.backward.from_node = peer;
      flow.backward.to_node = me;
      flow.backward.from_index = to ? to->node : -1;
      flow.backward.from_sock = to ? to->sock : "";
      flow.backward.from_label = flow.forward.to_label;
      flow.backward.to_label = flow.forward.from_label;
      flow.backward.src = dst;
      flow.backward.dst = src;
      const size_t index = flows.size();
      flows.push_back(std::move(flow));
      tracking.emplace_back();
      by_tuple[{src, dst}] = {index, true};
      by_tuple[{dst, src}] = {index, false};
      it = by_tuple.find({src, dst});
    }
    const auto [index, forward] = it->second;
    FlowSegment s;
    s.t = e.t;
    s.id = p.id;
    s.tcp = *f.tcp;
    s.len = static_cast<uint32_t>(f.payload_len);
    s.retx_flag = p.retx;
    TcpFlow& flow = flows[index];
    if (!forward && flow.backward.from_index < 0) {
      // The acceptor, not known from state events or rx events, shows itself by answering.
      flow.backward.from_index = e.node;
      if (flow.acceptor_node == "?") {
        flow.acceptor_node = flow.backward.from_node = flow.forward.to_node = node_name(e.node);
        if (flow.backward.from_label == "?") flow.backward.from_label = flow.forward.to_label = flow.acceptor_node;
      }
    }
    if (forward) add_segment(flow.forward, tracking[index].first, std::move(s));
    else add_segment(flow.backward, tracking[index].second, std::move(s));
  }
  // Numbered once every acceptor is known (some only by their answer).
  std::map<std::pair<std::string, std::string>, size_t> count_between;
  for (TcpFlow& f : flows) f.ordinal = ++count_between[{f.initiator_node, f.acceptor_node}];
  return flows;
}

std::optional<Time> handshake_rtt(const TcpFlow& flow) {
  const FlowSegment* synack = nullptr;
  for (const FlowSegment& s : flow.backward.segments)
    if ((s.tcp.flags & wire::tcpflag::SYN) && (s.tcp.flags & wire::tcpflag::ACK)) {
      synack = &s;
      break;
    }
  if (!synack) return std::nullopt;
  const FlowSegment* last_syn = nullptr;
  for (const FlowSegment& s : flow.forward.segments) {
    if (s.t > synack->t) break;
    if (s.tcp.flags & wire::tcpflag::SYN) last_syn = &s;
  }
  if (!last_syn) return std::nullopt;
  for (const FlowSegment& s : flow.forward.segments)
    if (s.t >= synack->t && !(s.tcp.flags & wire::tcpflag::SYN)) return s.t - last_syn->t;
  return std::nullopt;
}

}  // namespace tcplab::live
