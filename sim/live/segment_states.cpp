#include "sim/live/segment_states.h"

#include "sim/wire/frame.h"

namespace tcplab::live {
namespace {

bool seq_after(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) > 0; }
bool seq_at_or_after(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) >= 0; }

}  // namespace

void SegmentStates::move(size_t sock, Side& s, Time t, const char* to, const char* why, StateTracker& states) {
  if (s.state == to) return;
  s.state = to;
  states.observe(sock, t, to, why);
}

bool SegmentStates::on_packet(const TraceEvent& e, SocketRegistry& reg, StateTracker& states) {
  if (e.ev != EvKind::Tx && e.ev != EvKind::Rx) return false;
  const wire::ParsedFrame p = wire::parse_frame(e.packet().frame);
  if (!p.ip || !p.tcp) return false;
  const bool tx = e.ev == EvKind::Tx;
  const Endpoint src{p.ip->src, p.tcp->sport}, dst{p.ip->dst, p.tcp->dport};
  const Endpoint local = tx ? src : dst, remote = tx ? dst : src;
  const uint8_t f = p.tcp->flags;
  namespace fl = wire::tcpflag;
  const bool syn = f & fl::SYN, ack = f & fl::ACK, fin = f & fl::FIN, rst = f & fl::RST;

  std::optional<size_t> sock = reg.find_conn(local, remote);
  if (!sock && !rst) {
    // A listener's new connection: the SYN arriving (rx) or, on loopback where a frame is
    // seen once as tx and once as rx, whichever comes first.
    if ((!tx && syn && !ack) || (tx && syn && ack)) sock = reg.conn_or_request(local, remote);
  }
  if (!sock) return false;
  Side& s = sides_[*sock];
  if (s.state.empty()) s.state = reg.at(*sock).state;
  const uint32_t len = static_cast<uint32_t>(p.payload_len) + (syn ? 1 : 0) + (fin ? 1 : 0);
  const Time t = e.t;

  if (tx) {
    bool retx = false;
    if (len > 0) {
      if (s.syn_sent && !seq_after(p.tcp->seq + len, s.snd_max)) retx = true;
      if (!s.syn_sent || seq_after(p.tcp->seq + len, s.snd_max)) s.snd_max = p.tcp->seq + len;
      s.syn_sent = true;
    }
    if (rst) {
      move(*sock, s, t, "CLOSED", "RST sent", states);
    } else if (syn && !ack) {
      move(*sock, s, t, "SYN_SENT", "SYN sent", states);
    } else if (syn && ack) {
      move(*sock, s, t, "SYN_RECV", "SYN received, SYN-ACK sent", states);
    }
    if (fin && !rst) {
      s.fin_sent = true;
      s.fin_seq = p.tcp->seq + static_cast<uint32_t>(p.payload_len);
      if (s.state == "ESTABLISHED" || s.state == "SYN_RECV") move(*sock, s, t, "FIN_WAIT1", "FIN sent", states);
      else if (s.state == "CLOSE_WAIT") move(*sock, s, t, "LAST_ACK", "FIN sent", states);
    }
    return retx;
  }

  // Received.
  if (rst) {
    move(*sock, s, t, "CLOSED", "RST received", states);
    return false;
  }
  if (syn && !ack) {
    move(*sock, s, t, "SYN_RECV", "SYN received", states);
    return false;
  }
  if (syn && ack && s.state == "SYN_SENT") {
    move(*sock, s, t, "ESTABLISHED", "SYN-ACK received, ACK sent", states);
  } else if (ack && s.state == "SYN_RECV" && !syn) {
    move(*sock, s, t, "ESTABLISHED", "ACK of the SYN-ACK received", states);
  }
  const bool fin_acked = ack && s.fin_sent && seq_at_or_after(p.tcp->ack, s.fin_seq + 1);
  if (fin_acked) {
    if (s.state == "FIN_WAIT1") move(*sock, s, t, "FIN_WAIT2", "ACK of our FIN received", states);
    else if (s.state == "CLOSING") move(*sock, s, t, "TIME_WAIT", "ACK of our FIN received", states);
    else if (s.state == "LAST_ACK") move(*sock, s, t, "CLOSED", "ACK of our FIN received", states);
  }
  if (fin) {
    if (s.state == "ESTABLISHED") move(*sock, s, t, "CLOSE_WAIT", "FIN received", states);
    else if (s.state == "FIN_WAIT2") move(*sock, s, t, "TIME_WAIT", "FIN received", states);
    else if (s.state == "FIN_WAIT1") move(*sock, s, t, "CLOSING", "FIN received before the ACK of ours", states);
  }
  return false;
}

}  // namespace tcplab::live
