// plot_series.h: a sender's cwnd, ssthresh, RTO, SRTT and bytes in flight from the trace.
#include "sim/view/plot_series.h"

#include <algorithm>
#include <charconv>

#include "sim/proto/tcp_seq.h"
#include "sim/trace/tcp_relative.h"
#include "sim/wire/frame.h"

namespace tcplab {
namespace {

struct Endpoint {
  Ipv4 addr;
  uint16_t port = 0;
};

std::optional<Endpoint> parse_endpoint(std::string_view s) {  // "192.168.1.10:40312"
  const size_t colon = s.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const auto addr = parse_ipv4(s.substr(0, colon));
  unsigned port = 0;
  const std::string_view p = s.substr(colon + 1);
  const auto r = std::from_chars(p.data(), p.data() + p.size(), port);
  if (!addr || r.ec != std::errc() || r.ptr != p.data() + p.size() || port == 0 || port > 65535) return std::nullopt;
  return Endpoint{*addr, static_cast<uint16_t>(port)};
}

void push(PlotLine& line, Time t, double v, bool known = true) {
  if (!line.steps.empty()) {
    PlotStep& last = line.steps.back();
    if (last.known == known && (!known || last.v == v)) return;  // no change
    if (last.t == t) {  // several changes at one instant: the last one stands
      last.v = v;
      last.known = known;
      if (line.steps.size() >= 2) {
        const PlotStep& before = line.steps[line.steps.size() - 2];
        if (before.known == known && (!known || before.v == v)) line.steps.pop_back();
      }
      return;
    }
  }
  line.steps.push_back(PlotStep{t, v, known});
}

}  // namespace

std::optional<double> PlotLine::at(Time t) const {
  auto it = std::upper_bound(steps.begin(), steps.end(), t, [](Time x, const PlotStep& s) { return x < s.t; });
  if (it == steps.begin()) return std::nullopt;
  --it;
  if (!it->known) return std::nullopt;
  return it->v;
}

double PlotLine::max_known() const {
  double m = 0;
  for (const PlotStep& s : steps)
    if (s.known) m = std::max(m, s.v);
  return m;
}

SenderSeries sender_series(const std::vector<TraceEvent>& events, size_t count, const ConnectionSide& side,
                           Time now) {
  SenderSeries out;
  out.ref = side.ref;
  out.local = side.local;
  out.remote = side.remote;
  out.end = now;
  const auto local = parse_endpoint(side.local), remote = parse_endpoint(side.remote);

  // Bytes in flight = SND.NXT - SND.UNA, in sequence space (RFC 9293 §3.3.1): the highest
  // seq + SEG.LEN this socket sent (SEG.LEN counts SYN and FIN, §3.4) minus the highest
  // acceptable ACK it received. Both are read off the socket's own segments (its host's
  // tx and rx of this 4-tuple, in relative numbers so that comparisons start near 0; the
  // SeqNum comparisons stay right across a wrap anyway). Retransmissions do not move
  // SND.NXT back: what was sent once counts as outstanding until acknowledged, which is
  // the RFC's definition; Linux's own packets_in_flight estimate differs while it
  // recovers. When the socket reaches CLOSED its TCB and queues are gone: 0.
  TcpRelative rel;
  bool started = false;
  SeqNum snd_nxt, snd_una;
  uint32_t own_mss = 0, peer_mss = 0;
  std::optional<Time> first;
  for (size_t i = 0; i < count && i < events.size(); ++i) {
    const TraceEvent& e = events[i];
    if (e.node != side.ref.node) continue;
    switch (e.ev) {
      case EvKind::Tx:
      case EvKind::Rx: {
        if (!local || !remote) break;
        const PacketEvent& p = e.packet();
        const wire::ParsedFrame f = wire::parse_frame(p.frame);
        if (!f.ip || !f.tcp || !f.l4_checksum_ok) break;
        const wire::TcpHeader& tcp = *f.tcp;
        const bool out_dir = e.ev == EvKind::Tx && f.ip->src == local->addr && tcp.sport == local->port &&
                             f.ip->dst == remote->addr && tcp.dport == remote->port;
        const bool in_dir = e.ev == EvKind::Rx && f.ip->src == remote->addr && tcp.sport == remote->port &&
                            f.ip->dst == local->addr && tcp.dport == local->port;
        if (!out_dir && !in_dir) break;
        if (!first) first = e.t;
        const auto n = rel.observe(f.ip->src, f.ip->dst, tcp);
        const bool syn = tcp.flags & wire::tcpflag::SYN, fin = tcp.flags & wire::tcpflag::FIN;
        if (out_dir) {
          if (syn && tcp.mss) own_mss = *tcp.mss;
          if (f.payload_len > 0) out.sent_data = true;
          if (!p.retx) out.data_bytes += f.payload_len;
          if (p.retx) out.retransmits.push_back(e.t);
          const SeqNum end =
              SeqNum(n.rseq) + static_cast<uint32_t>(f.payload_len) + (syn ? 1u : 0u) + (fin ? 1u : 0u);
          if (!started) {
            started = true;
            snd_una = SeqNum(n.rseq);
            snd_nxt = end;
          } else if (end > snd_nxt) {
            snd_nxt = end;
          }
        } else {
          if (syn && tcp.mss) peer_mss = *tcp.mss;
          // An acceptable ACK (RFC 9293 §3.4): SND.UNA < SEG.ACK =< SND.NXT.
          const SeqNum ack(n.rack);
          if (started && (tcp.flags & wire::tcpflag::ACK) && ack > snd_una && ack <= snd_nxt) snd_una = ack;
        }
        if (started) push(out.flight, e.t, static_cast<double>(snd_nxt - snd_una));
        break;
      }
      case EvKind::Cc: {
        const auto& cc = std::get<CcEvent>(e.data);
        if (cc.sock != side.ref.sock) break;
        if (!first) first = e.t;
        push(out.cwnd, e.t, cc.cwnd);
        const bool unset = cc.ssthresh >= kInfiniteSsthresh / 2;
        if (unset) out.ssthresh_unset = true;
        push(out.ssthresh, e.t, unset ? 0.0 : cc.ssthresh, !unset);
        push(out.rto, e.t, static_cast<double>(cc.rto));
        push(out.srtt, e.t, static_cast<double>(cc.srtt));
        break;
      }
      case EvKind::Timer: {
        const auto& tm = std::get<TimerEvent>(e.data);
        if (tm.sock == side.ref.sock && tm.timer == "rto" && tm.op == "fire") out.rto_expiries.push_back(e.t);
        break;
      }
      case EvKind::State: {
        const auto& st = std::get<StateEvent>(e.data);
        if (st.sock != side.ref.sock) break;
        if (!first) first = e.t;
        if (st.to == "CLOSED" && started) push(out.flight, e.t, 0);
        break;
      }
      default:
        break;
    }
  }
  if (own_mss && peer_mss) out.mss = std::min(own_mss, peer_mss);
  else out.mss = own_mss ? own_mss : peer_mss;
  out.start = first.value_or(now);
  return out;
}

std::vector<SenderSeries> plot_series(const std::vector<TraceEvent>& events, size_t count, const Connection& c,
                                      Time now) {
  std::vector<SenderSeries> all;
  if (c.a.listener) return all;  // a listener sends nothing
  all.push_back(sender_series(events, count, c.a, now));
  if (c.b) all.push_back(sender_series(events, count, *c.b, now));
  std::vector<SenderSeries> out;
  for (SenderSeries& s : all)
    if (s.sent_data) out.push_back(std::move(s));
  std::stable_sort(out.begin(), out.end(),
                   [](const SenderSeries& x, const SenderSeries& y) { return x.data_bytes > y.data_bytes; });
  if (out.empty())
    for (SenderSeries& s : all)
      if (!s.cwnd.steps.empty()) out.push_back(std::move(s));
  return out;
}

}  // namespace tcplab
