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

// The peer's FIN, now in order.
void SegmentStates::peer_fin(size_t sock, Side& s, Time t, bool acks_our_fin, StateTracker& states) {
  s.peer_fin_pending = false;
  if (s.state == "ESTABLISHED" || s.state == "SYN_RECV") move(sock, s, t, "CLOSE_WAIT", "FIN received", states);
  else if (s.state == "FIN_WAIT2") move(sock, s, t, "TIME_WAIT", "FIN received", states);
  else if (s.state == "FIN_WAIT1")
    move(sock, s, t, acks_our_fin ? "TIME_WAIT" : "CLOSING",
         acks_our_fin ? "FIN received with the ACK of ours" : "FIN received before the ACK of ours", states);
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
  // A listener's new connection exists once it answers the SYN: its SYN-ACK. (A SYN the
  // listener drops — a full backlog — makes no connection.)
  if (tx && syn && ack && (!sock || sides_[*sock].state != "SYN_RECV"))
    sock = reg.conn_or_request(local, remote, /*fresh=*/!sock || sides_[*sock].state != "SYN_SENT");
  if (!sock) return false;
  Side& s = sides_[*sock];
  if (s.state.empty()) s.state = reg.at(*sock).state;
  const uint32_t plen = static_cast<uint32_t>(p.payload_len);
  const uint32_t len = plen + (syn ? 1 : 0) + (fin ? 1 : 0);
  const Time t = e.t;

  if (tx) {
    bool retx = false;
    if (len > 0) {
      // A SYN-ACK answering a SYN in a simultaneous open reuses our SYN's number: it is the
      // first SYN-ACK, not a retransmission.
      const bool first_synack = syn && ack && !s.synack_sent;
      if (s.syn_sent && !first_synack && !seq_after(p.tcp->seq + len, s.snd_max)) retx = true;
      if (!s.syn_sent || seq_after(p.tcp->seq + len, s.snd_max)) s.snd_max = p.tcp->seq + len;
      s.syn_sent = true;
      if (syn && ack) s.synack_sent = true;
    }
    // Our ACK field is our RCV.NXT: a FIN that came early is in order once it is covered.
    if (ack && (!s.rcv_known || seq_after(p.tcp->ack, s.rcv_nxt))) {
      s.rcv_nxt = p.tcp->ack;
      s.rcv_known = true;
    }
    if (rst) {
      move(*sock, s, t, "CLOSED", "RST sent", states);
      return retx;
    }
    if (syn && !ack) move(*sock, s, t, "SYN_SENT", "SYN sent", states);
    else if (syn && ack) move(*sock, s, t, "SYN_RECV", "SYN received, SYN-ACK sent", states);
    if (s.peer_fin_pending && s.rcv_known && seq_at_or_after(s.rcv_nxt, s.peer_fin_seq + 1))
      peer_fin(*sock, s, t, s.fin_sent && s.state == "FIN_WAIT2", states);
    if (fin) {
      s.fin_sent = true;
      s.fin_seq = p.tcp->seq + plen;
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
  const bool in_order = !s.rcv_known || p.tcp->seq == s.rcv_nxt;
  if (syn) {
    s.rcv_nxt = p.tcp->seq + 1 + plen;
    s.rcv_known = true;
  } else if (s.rcv_known && p.tcp->seq == s.rcv_nxt) {
    s.rcv_nxt = p.tcp->seq + plen + (fin ? 1 : 0);
  }
  if (syn && ack && (s.state == "SYN_SENT" || s.state == "SYN_RECV")) {
    move(*sock, s, t, "ESTABLISHED", "SYN-ACK received, ACK sent", states);
  } else if (ack && !syn && s.state == "SYN_RECV") {
    move(*sock, s, t, "ESTABLISHED", "ACK of the SYN-ACK received", states);
  }
  const bool fin_acked = ack && s.fin_sent && seq_at_or_after(p.tcp->ack, s.fin_seq + 1);
  if (fin_acked) {
    if (s.state == "FIN_WAIT1") move(*sock, s, t, "FIN_WAIT2", "ACK of our FIN received", states);
    else if (s.state == "CLOSING") move(*sock, s, t, "TIME_WAIT", "ACK of our FIN received", states);
    else if (s.state == "LAST_ACK") move(*sock, s, t, "CLOSED", "ACK of our FIN received", states);
  }
  if (fin) {
    s.peer_fin_seq = p.tcp->seq + plen;
    if (in_order) {
      peer_fin(*sock, s, t, false, states);
    } else {
      s.peer_fin_pending = true;  // data before it is missing: it waits in the queue
    }
  }
  return false;
}

}  // namespace tcplab::live
