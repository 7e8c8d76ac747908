// What goes out: segments built from a socket's variables (RFC 9293 §3.1, §3.4), the
// sender's decision of how much to send now — within min(cwnd, rwnd) (RFC 5681 §3.1),
// Nagle (RFC 9293 §3.7.4) and sender SWS avoidance (§3.8.6.2.1) — the FIN after the
// queued data (§3.10.4), and the resets of §3.10.7.1 and §3.10.5.
#include <algorithm>

#include "sim/proto/tcp_internal.h"

namespace tcplab {
using namespace tcp_detail;

namespace tcp_detail {

uint32_t receive_space(const TcpSocket& s) {
  size_t used = s.recv_buf.size();  // data held out of order counts as used
  for (const OutOfOrder& o : s.ooo) used += o.data.size();
  return static_cast<uint32_t>(std::min<size_t>(used >= s.rcvbuf ? 0 : s.rcvbuf - used, 65535));
}

uint32_t receive_window(TcpSocket& s) {
  const uint32_t free_wnd = receive_space(s);
  const uint32_t current = offered_window(s);
  // Receiver SWS avoidance (RFC 9293 §3.8.6.2.2): move the right edge only by at least
  // min(RCV.BUFF / 2, MSS); never move it left (§3.8.6.2.2, "shrinking the window").
  const uint32_t step = sws_step(s);
  if (free_wnd >= current + step || (current == 0 && free_wnd >= step) || free_wnd == std::min<uint32_t>(s.rcvbuf, 65535)) {
    s.rcv_adv = s.rcv_nxt + free_wnd;
    return free_wnd;
  }
  return current;
}

void send_segment(World& w, int32_t node, int32_t si, uint8_t flags, SeqNum seq, const uint8_t* data,
                  size_t len, bool retx) {
  TcpSocket& s = sock(w, node, si);
  wire::TcpHeader h;
  h.sport = s.local_port;
  h.dport = s.remote_port;
  h.seq = seq.v;
  h.flags = flags;
  if (flags & wire::tcpflag::ACK) h.ack = s.rcv_nxt.v;
  if (flags & wire::tcpflag::RST) {
    h.window = 0;
  } else if (flags & wire::tcpflag::SYN) {
    // The SYN's window is never scaled (RFC 7323 §2.2); Linux offers a multiple of the MSS.
    const uint32_t wnd = std::min<uint32_t>(s.rcvbuf, 65535);
    h.window = static_cast<uint16_t>(wnd - wnd % s.adv_mss);
    s.rcv_adv = s.rcv_nxt + h.window;
    h.mss = s.adv_mss;
  } else {
    h.window = static_cast<uint16_t>(receive_window(s));
  }
  // Written behind room for the IP and Ethernet headers, and sent from there uncopied.
  wire::Bytes seg = make_l4_framed(wire::kTcpMaxHeaderLen + len);
  wire::emit_tcp(h, s.local_addr, s.remote_addr, wire::ByteView(data, len), seg);
  if (flags & wire::tcpflag::ACK) {
    s.rcv_wup = s.rcv_nxt;
    s.ack_now = false;
  }
  // RFC 5681 §4.1's idle time counts from the last data sent (Linux lsndtime), so a
  // pure ACK does not keep a connection "busy".
  if (len > 0 || (flags & (wire::tcpflag::SYN | wire::tcpflag::FIN))) s.last_send = w.now();
  IpSendOptions opt;
  opt.src = s.local_addr;
  opt.retx = retx;
  const bool had_delack = s.timer_delack != 0;
  ip_send_framed(w, node, s.remote_addr, wire::kProtoTcp, std::move(seg), opt);
  if (had_delack && (flags & wire::tcpflag::ACK)) timer_cancel(w, node, si, TcpTimerKind::DelAck);
}

// An ACK (or reset) carries the highest sequence number sent, SND.MAX: after an RTO
// the sending point SND.NXT goes back to SND.UNA to resend (go-back-N), but a pure ACK
// must not look older than what the peer has seen, or the peer's window-update test
// (§3.10.7.4 step 5, SND.WL1) would take a stale window from a delayed one. Linux keeps
// SND.NXT there and resends from a separate queue, with the same effect on the wire.
void send_ack(World& w, int32_t node, int32_t si) {
  const TcpSocket& s = sock(w, node, si);
  send_segment(w, node, si, wire::tcpflag::ACK, s.snd_max, nullptr, 0, false);
}

void send_abort_rst(World& w, int32_t node, int32_t si) {
  const TcpSocket& s = sock(w, node, si);
  const bool with_ack = w.tcp_config().rst_with_ack;
  send_segment(w, node, si, with_ack ? uint8_t(wire::tcpflag::RST | wire::tcpflag::ACK) : wire::tcpflag::RST,
               s.snd_max, nullptr, 0, false);
}

void send_reset_for(World& w, int32_t node, Ipv4 local, Ipv4 remote, const wire::TcpHeader& seg,
                    size_t payload_len) {
  using namespace wire::tcpflag;
  if (seg.flags & RST) return;  // never answer a reset (§3.10.7.1)
  wire::TcpHeader h;
  h.sport = seg.dport;
  h.dport = seg.sport;
  if (seg.flags & ACK) {
    h.seq = seg.ack;
    h.flags = RST;
  } else {
    const uint32_t seg_len = static_cast<uint32_t>(payload_len) + ((seg.flags & SYN) ? 1 : 0) + ((seg.flags & FIN) ? 1 : 0);
    h.seq = 0;
    h.ack = seg.seq + seg_len;
    h.flags = RST | ACK;
  }
  wire::Bytes out;
  wire::emit_tcp(h, local, remote, {}, out);
  IpSendOptions opt;
  opt.src = local;
  ip_send(w, node, remote, wire::kProtoTcp, out, opt);
}

}  // namespace tcp_detail

namespace {

bool may_send_data(const TcpSocket& s) {
  switch (s.state) {
    case TcpState::Established:
    case TcpState::CloseWait:
      return true;
    case TcpState::FinWait1:
    case TcpState::LastAck:
    case TcpState::Closing:
      return true;  // data queued before close() still goes, then the FIN
    default:
      return false;
  }
}

// Sends `len` bytes of data from the sending point SND.NXT (and the FIN after them when
// `flags` has it), with the bookkeeping every transmission needs: SND.NXT/SND.MAX, the
// FIN's place, a retransmission mark when the sequence space was sent before, Karn's
// one timed segment (RFC 6298 §3), and the retransmission timer (5.1).
void transmit(World& w, int32_t node, int32_t si, const uint8_t* data, uint32_t len, uint8_t flags) {
  TcpSocket& s = sock(w, node, si);
  const SeqNum seq = s.snd_nxt;
  const bool retx = seq < s.snd_max;
  s.snd_nxt = s.snd_nxt + len;
  if (flags & wire::tcpflag::FIN) {
    s.fin_sent = true;
    s.fin_seq = s.snd_nxt;
    s.snd_nxt = s.snd_nxt + 1;
  }
  s.snd_max = seq_max(s.snd_max, s.snd_nxt);
  if (len > 0 && !s.rtt_timing && !retx) {  // Karn: time only new data
    s.rtt_timing = true;
    s.rtt_seq = s.snd_nxt;
    s.rtt_sent = w.now();
  }
  if (retx) s.total_retrans++;
  if (len > 0 && len < s.snd_mss) s.snd_sml = seq + len;  // for Minshall's Nagle
  const bool arm = s.timer_rto == 0;
  // The payload is read straight from the send buffer: sending never runs TCP input
  // re-entrantly (a frame to ourselves is an event for later), so the buffer cannot
  // move while send_segment copies it into the segment.
  send_segment(w, node, si, flags, seq, data, len, retx);
  if (arm) rto_restart(w, node, si);  // RFC 6298 (5.1)
}

}  // namespace

void tcp_output(World& w, int32_t node, int32_t si) { tcp_detail::output(w, node, si, 0); }

void tcp_detail::output(World& w, int32_t node, int32_t si, uint32_t limited_allowance) {
  using namespace wire::tcpflag;
  const TcpConfig& cfg = w.tcp_config();
  bool sent_any = false;
  if (may_send_data(sock(w, node, si))) {
    // RFC 5681 §4.1: after an idle period longer than the RTO, restart from min(IW, cwnd).
    {
      TcpSocket& s = sock(w, node, si);
      if (s.snd_nxt == s.snd_una && s.last_send > 0 && w.now() - s.last_send > s.rtt.rto(cfg) &&
          !s.send_buf.empty())
        cc_on_idle(s.cc, cfg.initial_cwnd);
    }
    while (true) {
      TcpSocket& s = sock(w, node, si);
      // Data bytes from SND.UNA already sent (SND.NXT may include our FIN).
      const uint32_t in_flight_seq = static_cast<uint32_t>(s.snd_nxt - s.snd_una);
      const bool fin_in_flight = s.fin_sent && s.snd_nxt > s.fin_seq;
      const uint32_t data_sent = in_flight_seq - (fin_in_flight ? 1 : 0);
      if (data_sent > s.send_buf.size()) break;  // cannot happen; guards the arithmetic
      const uint32_t available = static_cast<uint32_t>(s.send_buf.size() - data_sent);
      const uint32_t cwnd = cc_cwnd(s.cc) + limited_allowance;
      // The sender never exceeds min(cwnd, rwnd) (RFC 5681 §3.1, RFC 9293 §3.8.6).
      const uint32_t wnd = std::min(cwnd, s.snd_wnd);
      const uint32_t usable = wnd > in_flight_seq ? wnd - in_flight_seq : 0;
      uint32_t len = std::min({available, s.snd_mss, usable});
      // The FIN goes after the last data byte: the first time, or again at its own
      // sequence number after an RTO rewound the sending point.
      const bool fin_due = s.fin_pending && (!s.fin_sent || s.snd_nxt + len == s.fin_seq);
      if (available == 0) break;
      if (len == 0) {
        // Zero window with data waiting and nothing in flight to bring an ACK: probe
        // (RFC 9293 §3.8.6.1, SHLD-29: the first probe after one RTO).
        if (s.snd_wnd == 0 && in_flight_seq == 0 && s.timer_persist == 0 && s.timer_rto == 0) {
          s.persist_backoff = 0;
          timer_set(w, node, si, TcpTimerKind::Persist, w.now() + s.rtt.rto(cfg));
        }
        break;
      }
      const bool last = len == available;
      if (len < s.snd_mss) {
        // Nagle (RFC 9293 §3.7.4): hold a small segment while data is unacknowledged,
        // unless TCP_NODELAY — or this is the last data before our FIN (Linux pushes).
        // Linux uses Minshall's variant (tcp_minshall_check): only an unacknowledged
        // *small* segment holds the next one back.
        const bool unacked =
            cfg.nagle_minshall ? s.snd_sml > s.snd_una && s.snd_sml <= s.snd_nxt : in_flight_seq > 0;
        const bool nagle = !s.nodelay && in_flight_seq > 0 && unacked && !(fin_due && last);
        // Sender SWS avoidance (§3.8.6.2.1): a runt that the window, not the data, cut
        // short waits until half the largest window opens, unless nothing is in flight.
        const bool sws = !last && usable < s.max_snd_wnd / 2 && in_flight_seq > 0;
        if (nagle || sws) break;
      }
      uint8_t flags = ACK;
      if (last) flags |= PSH;                 // the write's last segment (Linux)
      if (fin_due && last) flags |= FIN;      // the FIN rides on the last data
      if (limited_allowance > 0) cc_on_limited_sent(s.cc, len);
      transmit(w, node, si, s.send_buf.contiguous(data_sent, len), len, flags);
      sent_any = true;
      limited_allowance = 0;
    }
  }
  TcpSocket& s = sock(w, node, si);
  // A FIN with no data left to carry it (§3.10.4: "after queued data, send FIN").
  if (may_send_data(s) && s.fin_pending && (!s.fin_sent || s.snd_nxt == s.fin_seq)) {
    if (static_cast<uint32_t>(s.snd_nxt - s.snd_una) >= s.send_buf.size()) {
      transmit(w, node, si, nullptr, 0, FIN | ACK);
      sent_any = true;
    }
  }
  TcpSocket& s2 = sock(w, node, si);
  if (s2.ack_now && !sent_any) send_ack(w, node, si);
}

}  // namespace tcplab
