// plot_series.h: a sender's cwnd, ssthresh, RTO, SRTT and bytes in flight from the trace.
#include "sim/view/plot_series.h"

#include <algorithm>
#include <charconv>

#include "sim/wire/headers.h"

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

// A TCP segment's header and payload length, read straight from the frame's headers. The
// plots look at every segment of a long run on every frame, so they skip what
// wire::parse_frame also does (checksums, other protocols); a corrupted segment is
// recognised by the `drop` (why: checksum) that follows its `rx` instead.
struct Segment {
  wire::Ipv4Header ip;
  wire::TcpHeader tcp;
  size_t payload = 0;
};

std::optional<Segment> tcp_segment(const wire::Bytes& frame) {
  if (frame.size() < wire::kEthernetHeaderLen + 20 + wire::kTcpHeaderLen) return std::nullopt;
  const auto eth = wire::parse_ethernet(frame);
  if (!eth || eth->ethertype != wire::kEtherTypeIpv4) return std::nullopt;
  const wire::ByteView body(frame.data() + wire::kEthernetHeaderLen, frame.size() - wire::kEthernetHeaderLen);
  const auto ip = wire::parse_ipv4(body);
  if (!ip || ip->protocol != wire::kProtoTcp || ip->mf || ip->frag_offset != 0) return std::nullopt;
  const size_t header = size_t(ip->ihl) * 4;
  if (ip->total_len < header) return std::nullopt;
  const auto tcp = wire::parse_tcp(body.subspan(header, ip->total_len - header));
  if (!tcp) return std::nullopt;
  const size_t tcp_len = size_t(tcp->data_offset) * 4;
  const size_t l4 = ip->total_len - header;
  return Segment{*ip, *tcp, l4 > tcp_len ? l4 - tcp_len : 0};
}

// Whether the frame received at events[i] was then dropped for a bad checksum (the drop
// follows its rx at the same node and time).
bool dropped_as_corrupt(TraceView events, size_t count, size_t i) {
  const TraceEvent& rx = events[i];
  for (size_t j = i + 1; j < count && j < events.size() && events[j].t == rx.t; ++j) {
    const TraceEvent& e = events[j];
    if (e.ev == EvKind::Drop && e.node == rx.node && e.packet().id == rx.packet().id &&
        e.packet().why == DropWhy::Checksum)
      return true;
  }
  return false;
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

SenderSeriesBuilder::SenderSeriesBuilder(const ConnectionSide& side) {
  out_.ref = side.ref;
  out_.local = side.local;
  out_.remote = side.remote;
  if (const auto l = parse_endpoint(side.local)) local_ = Endpoint{l->addr, l->port};
  if (const auto r = parse_endpoint(side.remote)) remote_ = Endpoint{r->addr, r->port};
}

// Bytes in flight = SND.NXT - SND.UNA, in sequence space (RFC 9293 §3.3.1): the highest
// seq + SEG.LEN this socket sent (SEG.LEN counts SYN and FIN, §3.4) minus the highest
// acceptable ACK it received. Both are read off the socket's own segments (its host's tx
// and rx of this 4-tuple, in relative numbers so that comparisons start near 0; the
// SeqNum comparisons stay right across a wrap anyway). Retransmissions do not move
// SND.NXT back: what was sent once counts as outstanding until acknowledged, which is the
// RFC's definition; Linux's own packets_in_flight estimate differs while it recovers.
// When the socket reaches CLOSED its TCB and queues are gone: 0.
void SenderSeriesBuilder::feed(TraceView events, size_t count) {
  const SocketRef& me = out_.ref;
  count = std::min(count, events.size());
  for (size_t i = fed_; i < count; ++i) {
    const TraceEvent& e = events[i];
    if (e.node != me.node) continue;
    switch (e.ev) {
      case EvKind::Tx:
      case EvKind::Rx: {
        if (!local_ || !remote_) break;
        const PacketEvent& p = e.packet();
        const auto seg = tcp_segment(p.frame);
        if (!seg) break;
        const wire::TcpHeader& tcp = seg->tcp;
        const bool out_dir = e.ev == EvKind::Tx && seg->ip.src == local_->addr && tcp.sport == local_->port &&
                             seg->ip.dst == remote_->addr && tcp.dport == remote_->port;
        const bool in_dir = e.ev == EvKind::Rx && seg->ip.src == remote_->addr && tcp.sport == remote_->port &&
                            seg->ip.dst == local_->addr && tcp.dport == local_->port;
        if (!out_dir && !(in_dir && !dropped_as_corrupt(events, count, i))) break;
        if (!first_) first_ = e.t;
        const auto n = rel_.observe(seg->ip.src, seg->ip.dst, tcp);
        const bool syn = tcp.flags & wire::tcpflag::SYN, fin = tcp.flags & wire::tcpflag::FIN;
        if (out_dir) {
          if (syn && tcp.mss) own_mss_ = *tcp.mss;
          if (seg->payload > 0) out_.sent_data = true;
          if (p.retx) out_.retransmits.push_back(e.t);
          else out_.data_bytes += seg->payload;
          const SeqNum end =
              SeqNum(n.rseq) + static_cast<uint32_t>(seg->payload) + (syn ? 1u : 0u) + (fin ? 1u : 0u);
          if (!started_) {
            started_ = true;
            snd_una_ = SeqNum(n.rseq);
            snd_nxt_ = end;
          } else if (end > snd_nxt_) {
            snd_nxt_ = end;
          }
        } else {
          if (syn && tcp.mss) peer_mss_ = *tcp.mss;
          // An acceptable ACK (RFC 9293 §3.4): SND.UNA < SEG.ACK =< SND.NXT.
          const SeqNum ack(n.rack);
          if (started_ && (tcp.flags & wire::tcpflag::ACK) && ack > snd_una_ && ack <= snd_nxt_) snd_una_ = ack;
        }
        if (started_) push(out_.flight, e.t, static_cast<double>(snd_nxt_ - snd_una_));
        break;
      }
      case EvKind::Cc: {
        const auto& cc = e.cc();
        if (cc.sock != me.sock) break;
        if (!first_) first_ = e.t;
        push(out_.cwnd, e.t, cc.cwnd);
        const bool unset = cc.ssthresh >= kInfiniteSsthresh / 2;
        if (unset) out_.ssthresh_unset = true;
        push(out_.ssthresh, e.t, unset ? 0.0 : cc.ssthresh, !unset);
        push(out_.rto, e.t, static_cast<double>(cc.rto));
        push(out_.srtt, e.t, static_cast<double>(cc.srtt));
        break;
      }
      case EvKind::Timer: {
        const auto& tm = e.timer();
        if (tm.sock == me.sock && tm.timer == "rto" && tm.op == "fire") out_.rto_expiries.push_back(e.t);
        break;
      }
      case EvKind::State: {
        const auto& st = e.state();
        if (st.sock != me.sock) break;
        if (!first_) first_ = e.t;
        if (st.to == "CLOSED" && started_) push(out_.flight, e.t, 0);
        break;
      }
      default:
        break;
    }
  }
  fed_ = std::max(fed_, count);
}

const SenderSeries& SenderSeriesBuilder::series(Time now) {
  // cwnd counts in the smaller MSS of the two SYNs (RFC 9293 §3.7.1, RFC 5681's SMSS).
  out_.mss = own_mss_ && peer_mss_ ? std::min(own_mss_, peer_mss_) : (own_mss_ ? own_mss_ : peer_mss_);
  out_.start = first_.value_or(now);
  out_.end = now;
  return out_;
}

SenderSeries sender_series(TraceView events, size_t count, const ConnectionSide& side,
                           Time now) {
  SenderSeriesBuilder b(side);
  b.feed(events, count);
  return b.series(now);
}

std::vector<size_t> plotted_senders(const std::vector<const SenderSeries*>& sides) {
  std::vector<size_t> out;
  for (size_t i = 0; i < sides.size(); ++i)
    if (sides[i] && sides[i]->sent_data) out.push_back(i);
  std::stable_sort(out.begin(), out.end(),
                   [&](size_t x, size_t y) { return sides[x]->data_bytes > sides[y]->data_bytes; });
  if (out.empty())
    for (size_t i = 0; i < sides.size(); ++i)
      if (sides[i] && !sides[i]->cwnd.steps.empty()) out.push_back(i);
  return out;
}

std::vector<SenderSeries> plot_series(TraceView events, size_t count, const Connection& c,
                                      Time now) {
  std::vector<SenderSeries> all, out;
  if (c.a.listener) return out;  // a listener sends nothing
  all.push_back(sender_series(events, count, c.a, now));
  if (c.b) all.push_back(sender_series(events, count, *c.b, now));
  std::vector<const SenderSeries*> ptrs;
  for (const SenderSeries& s : all) ptrs.push_back(&s);
  for (size_t i : plotted_senders(ptrs)) out.push_back(all[i]);
  return out;
}

}  // namespace tcplab
