// Per-direction ISN bookkeeping for relative sequence numbers (see tcp_relative.h).
#include "sim/trace/tcp_relative.h"

namespace tcplab {

TcpRelative::Numbers TcpRelative::observe(Ipv4 src, Ipv4 dst, const wire::TcpHeader& tcp) {
  const Direction fwd{src.v, dst.v, tcp.sport, tcp.dport};
  const Direction rev{dst.v, src.v, tcp.dport, tcp.sport};
  const bool syn = (tcp.flags & wire::tcpflag::SYN) != 0;
  const bool ack = (tcp.flags & wire::tcpflag::ACK) != 0;

  auto it = base_.find(fwd);
  if (syn) {
    const bool new_connection = !ack && it != base_.end() && it->second != tcp.seq;
    if (new_connection) base_.erase(rev);
    base_[fwd] = tcp.seq;
  } else if (it == base_.end()) {
    base_[fwd] = tcp.seq;
  }

  Numbers n;
  n.rseq = tcp.seq - base_[fwd];  // unsigned: wraps mod 2^32 as sequence space does
  if (ack) {
    auto r = base_.find(rev);
    if (r == base_.end()) r = base_.emplace(rev, tcp.ack).first;
    n.rack = tcp.ack - r->second;
  }
  return n;
}

}  // namespace tcplab
