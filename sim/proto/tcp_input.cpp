// Segment arrival (RFC 9293 §3.10.7), in the RFC's order: first the connection the
// segment belongs to (or a listener, or none: §3.10.7.1), then for a LISTEN socket
// §3.10.7.2, for SYN-SENT §3.10.7.3, and for every other state the eight ordered steps
// of §3.10.7.4 (sequence check, RST, SYN, ACK, text, FIN), with Linux's choices where
// the reference (TCP-REFERENCE.md §1.6, §8) says so.
#include <algorithm>

#include "sim/proto/tcp_internal.h"

namespace tcplab {
using namespace tcp_detail;

namespace {

using namespace wire::tcpflag;

// The segment as the RFC's SEG.* variables (§3.3.1), with its text.
struct Segment {
  wire::TcpHeader h;
  Ipv4 src, dst;
  SeqNum seq, ack;
  const uint8_t* data = nullptr;
  uint32_t len = 0;  // text only
  bool syn = false, fin = false, rst = false, has_ack = false;
  uint32_t seg_len() const { return len + (syn ? 1 : 0) + (fin ? 1 : 0); }
};

bool text_and_fin(World& w, int32_t node, int32_t si, Segment& seg, bool& readable, bool& eof);

// The owner hit a full send buffer and room is there now (an ACK freed some, or the
// buffer grew): tell it (Linux sk_stream_write_space()).
void writable_if_waiting(World& w, int32_t node, int32_t si) {
  TcpSocket& s = sock(w, node, si);
  if (s.open() && s.writable_wanted && tcp_send_space(s) > 0) {
    s.writable_wanted = false;
    tcp_notify(w, node, si, TcpNote::Writable);
  }
}

// RFC 6298: the handshake's RTT sample (Karn: none if the SYN or SYN-ACK was resent,
// and then (5.7) RTO = 3 s for the data phase).
void handshake_rtt(World& w, int32_t node, int32_t si) {
  TcpSocket& s = sock(w, node, si);
  if (s.syn_lost) {
    s.rtt.fallback_after_handshake(w.tcp_config());
  } else if (s.rtt_timing) {
    s.rtt.sample(w.now() - s.rtt_sent, w.tcp_config());
  }
  s.rtt_timing = false;
  s.retransmits = 0;
}

// The window and its update rule (§3.10.7.4 step 5: "If SND.WL1 < SEG.SEQ or (SND.WL1 =
// SEG.SEQ and SND.WL2 =< SEG.ACK), set SND.WND <- SEG.WND …"). Like Linux
// (tcp_may_update_window), an ACK that advances SND.UNA also carries the window that
// goes with it, even on an old segment (a retransmission, or a pure ACK sent after the
// peer's RTO rewound its SND.NXT): otherwise SND.UNA + SND.WND could pass the edge the
// receiver offered.
void update_window(World& w, int32_t node, int32_t si, const Segment& seg, bool advanced) {
  TcpSocket& s = sock(w, node, si);
  if (advanced || s.snd_wl1 < seg.seq || (s.snd_wl1 == seg.seq && s.snd_wl2 <= seg.ack)) {
    s.snd_wnd = seg.h.window;
    s.snd_wl1 = seg.seq;
    s.snd_wl2 = seg.ack;
    s.max_snd_wnd = std::max(s.max_snd_wnd, s.snd_wnd);
    if (s.snd_wnd > 0 && s.timer_persist != 0) {
      timer_cancel(w, node, si, TcpTimerKind::Persist);
      s.persist_backoff = 0;
    }
  }
}

// One segment from SND.UNA again: fast retransmit (RFC 5681 §3.2 step 3) or a NewReno
// partial ACK (RFC 6582 §3.2 step 3).
void retransmit_head(World& w, int32_t node, int32_t si) {
  TcpSocket& s = sock(w, node, si);
  const uint32_t outstanding = static_cast<uint32_t>(std::min<size_t>(s.send_buf.size(), uint32_t(s.snd_max - s.snd_una)));
  const uint32_t len = std::min(outstanding, s.snd_mss);
  s.rtt_timing = false;  // Karn (RFC 6298 §3)
  s.total_retrans++;
  if (len > 0) {
    const bool fin = s.fin_sent && s.fin_seq == s.snd_una + len;
    send_segment(w, node, si, uint8_t(ACK | (fin ? FIN : 0)), s.snd_una, s.send_buf.contiguous(0, len), len, true);
  } else if (s.fin_sent) {
    send_segment(w, node, si, FIN | ACK, s.fin_seq, nullptr, 0, true);
  }
}

// A SYN reaches a LISTEN socket (§3.10.7.2), or a SYN kills a TIME-WAIT socket and is
// passed on to the listener.
void listen_input(World& w, int32_t node, int32_t li, const Segment& seg, wire::ByteView pkt,
                  const RxContext& rx) {
  if (seg.rst) return;  // first check: an RST is ignored
  if (seg.has_ack) {    // second check: any ACK is bad here
    send_reset_for(w, node, seg.dst, seg.src, seg.h, seg.len);
    return;
  }
  if (!seg.syn) return;  // fourth: anything else is dropped
  {
    const TcpSocket& l = sock(w, node, li);
    // Linux (§4.3): a SYN that finds the accept queue full is dropped without a word
    // (sk_acceptq_is_full: more than `backlog` waiting, so backlog + 1 fit).
    if (static_cast<int>(l.accept_queue.size()) > l.backlog) {
      drop_received(w, node, rx, pkt, DropWhy::Backlog);
      return;
    }
  }
  const int32_t ci = new_socket(w, node);  // may move Node::tcp: take references after
  // The child inherits the listener's owner and socket options (Linux clones the
  // listener: buffer sizes, TCP_NODELAY, delayed ACKs, SO_LINGER).
  const TcpSocket& l = sock(w, node, li);
  TcpSocket& c = sock(w, node, ci);
  c.owner = l.owner;
  c.auto_read = l.auto_read;
  c.rcvbuf = l.rcvbuf;
  c.sndbuf = l.sndbuf;
  c.sndbuf_locked = l.sndbuf_locked;
  c.nodelay = l.nodelay;
  c.delack_enabled = l.delack_enabled;
  c.linger_zero = l.linger_zero;
  c.listener = li;
  c.passive_origin = true;
  c.local_addr = seg.dst;
  c.local_port = seg.h.dport;
  c.remote_addr = seg.src;
  c.remote_port = seg.h.sport;
  c.irs = seg.seq;
  c.rcv_nxt = seg.seq + 1;
  c.rcv_wup = c.rcv_nxt;
  c.iss = SeqNum(new_isn(w));
  c.snd_una = c.iss;
  c.snd_sml = c.iss;
  c.snd_nxt = c.iss + 1;
  c.snd_max = c.snd_nxt;
  c.adv_mss = our_mss(w, node, seg.src);
  // MSS option, or 536 without it (RFC 9293 §3.7.1, MUST-15).
  c.snd_mss = std::min<uint32_t>(seg.h.mss.value_or(536), c.adv_mss);
  c.snd_wnd = seg.h.window;  // a SYN's window is never scaled
  c.max_snd_wnd = c.snd_wnd;
  c.snd_wl1 = seg.seq;
  c.snd_wl2 = c.iss;
  if (w.tcp_config().syn_data && seg.len > 0)  // "any other control or text is queued" (§3.10.7.2)
    c.ooo.push_back(OutOfOrder{seg.seq + 1, std::vector<uint8_t>(seg.data, seg.data + seg.len), false});
  // The new TCB starts as a copy of the listener (§3.10.7.2): LISTEN, untraced, so the
  // trace shows the child's LISTEN -> SYN_RECV; it holds the port from here on.
  set_state_untraced(w.node(node), ci, TcpState::Listen);
  sock(w, node, li).syn_queue.push_back(ci);
  tcp_set_state(w, node, ci, TcpState::SynReceived, "SYN received (RFC 9293 §3.10.7.2)");
  demux_add(w.node(node), ci);
  TcpSocket& c2 = sock(w, node, ci);
  c2.rtt_timing = true;
  c2.rtt_seq = c2.snd_nxt;
  c2.rtt_sent = w.now();
  send_segment(w, node, ci, SYN | ACK, c2.iss, nullptr, 0, false);
  rto_restart(w, node, ci);
}

// §3.10.7.3.
void syn_sent_input(World& w, int32_t node, int32_t si, const Segment& seg) {
  TcpSocket& s = sock(w, node, si);
  // First: the ACK bit.
  if (seg.has_ack && (seg.ack <= s.iss || seg.ack > s.snd_nxt)) {
    if (!seg.rst) {  // 1a
      send_reset_for(w, node, seg.dst, seg.src, seg.h, seg.len);
      if (w.tcp_config().syn_quick_retry && sock(w, node, si).retransmits == 0)
        timer_set(w, node, si, TcpTimerKind::Rto, w.now() + 2 * kMs);
    }
    return;  // 1b
  }
  const bool ack_ok = seg.has_ack && s.snd_una < seg.ack && seg.ack <= s.snd_nxt;
  // Second: the RST bit — acceptable only if it acknowledges our SYN.
  if (seg.rst) {
    if (ack_ok) {
      sock(w, node, si).error = "Connection refused";
      become_closed(w, node, si, "RST in SYN-SENT: connection refused (RFC 9293 §3.10.7.3)", TcpNote::Refused);
    }
    return;
  }
  // Fourth: the SYN bit.
  if (!seg.syn) return;
  s.irs = seg.seq;
  s.rcv_nxt = seg.seq + 1;
  s.rcv_wup = s.rcv_nxt;
  s.rcv_adv = s.rcv_nxt;
  s.snd_mss = std::min<uint32_t>(seg.h.mss.value_or(536), s.adv_mss);
  if (ack_ok) {
    s.snd_una = seg.ack;
    s.snd_wnd = seg.h.window;
    s.max_snd_wnd = s.snd_wnd;
    s.snd_wl1 = seg.seq;
    s.snd_wl2 = seg.ack;
    timer_cancel(w, node, si, TcpTimerKind::Rto);
    handshake_rtt(w, node, si);
    TcpSocket& s2 = sock(w, node, si);
    s2.cc = make_cc(w, s2);
    sndbuf_expand(w, s2);  // Linux tcp_init_buffer_space()
    tcp_set_state(w, node, si, TcpState::Established, "SYN-ACK received (RFC 9293 §3.10.7.3)");
    if (sock(w, node, si).fin_pending)  // shutdown() while connecting: now the FIN can go
      tcp_set_state(w, node, si, TcpState::FinWait1, "shutdown() before ESTABLISHED (RFC 9293 §3.10.4)");
    cc_trace(w, node, si);
    // "If there are other controls or text in the segment, continue processing at the
    // sixth step" (§3.10.7.3) — the rfc profile; Linux without Fast Open drops them.
    bool readable = false, eof = false;
    if (w.tcp_config().syn_data && (seg.len > 0 || seg.fin)) {
      Segment rest = seg;
      rest.syn = false;
      rest.seq = seg.seq + 1;
      if (!text_and_fin(w, node, si, rest, readable, eof)) return;
    }
    sock(w, node, si).ack_now = true;
    tcp_output(w, node, si);  // the ACK of the SYN-ACK (carrying queued data if any)
    tcp_notify(w, node, si, TcpNote::Connected);
    writable_if_waiting(w, node, si);  // a send() made while connecting, now with the grown buffer
    if (readable && sock(w, node, si).open()) tcp_notify(w, node, si, TcpNote::Readable);
    if (eof && sock(w, node, si).open()) tcp_notify(w, node, si, TcpNote::Eof);
    return;
  }
  // A SYN without ACK: simultaneous open (Figure 7). Our SYN-ACK repeats our ISS.
  s.passive_origin = false;
  s.snd_wnd = seg.h.window;
  s.max_snd_wnd = s.snd_wnd;
  s.snd_wl1 = seg.seq;
  tcp_set_state(w, node, si, TcpState::SynReceived, "SYN received in SYN-SENT: simultaneous open (RFC 9293 §3.10.7.3)");
  send_segment(w, node, si, SYN | ACK, sock(w, node, si).iss, nullptr, 0, false);
}

void enter_time_wait(World& w, int32_t node, int32_t si, const std::string& why) {
  timers_cancel_all(w, node, si);  // §3.10.7.4 step 8: "stop other timers"
  tcp_set_state(w, node, si, TcpState::TimeWait, why);
  timer_set(w, node, si, TcpTimerKind::TimeWait, w.now() + w.tcp_config().time_wait);
}

// The ACK for in-order data: now or delayed (RFC 9293 §3.8.6.3; Linux §4.5).
void ack_data(World& w, int32_t node, int32_t si, bool immediate, bool allow_quick = true) {
  TcpSocket& s = sock(w, node, si);
  const TcpConfig& c = w.tcp_config();
  // Linux __tcp_ack_snd_check: more than one full segment unacknowledged.
  const bool two_segments = static_cast<uint32_t>(s.rcv_nxt - s.rcv_wup) > s.adv_mss;
  if (!s.delack_enabled || immediate || two_segments) {
    s.ack_now = true;
  } else if (allow_quick && s.quickacks > 0) {  // quickack mode at the start of a connection
    s.quickacks--;
    s.ack_now = true;
  } else if (s.timer_delack == 0) {
    timer_set(w, node, si, TcpTimerKind::DelAck, w.now() + c.delayed_ack);
  }
}

// Held segments that now follow on (§3.10.7.4, SHLD-31): into the receive buffer.
// Returns true when any did; `fin` when a held FIN is now in sequence.
bool deliver_held(TcpSocket& s, bool& fin) {
  bool any = false;
  while (!s.ooo.empty() && s.ooo.front().seq <= s.rcv_nxt) {
    OutOfOrder o = std::move(s.ooo.front());
    s.ooo.erase(s.ooo.begin());
    any = true;
    const uint32_t skip = static_cast<uint32_t>(s.rcv_nxt - o.seq);
    if (skip < o.data.size()) {
      s.recv_buf.append(o.data.data() + skip, o.data.size() - skip);
      s.rcv_nxt = s.rcv_nxt + static_cast<uint32_t>(o.data.size() - skip);
    }
    if (o.fin && o.seq + static_cast<uint32_t>(o.data.size()) == s.rcv_nxt) fin = true;
  }
  return any;
}

// Steps 7 and 8: text and FIN. Returns false when the socket is gone.
bool text_and_fin(World& w, int32_t node, int32_t si, Segment& seg, bool& readable, bool& eof) {
  TcpSocket& s = sock(w, node, si);
  const bool text_state = s.state == TcpState::Established || s.state == TcpState::FinWait1 ||
                          s.state == TcpState::FinWait2;
  if (seg.len > 0 && text_state) {
    // Linux (T28): new data for a socket the user has closed draws a reset (RFC 9293
    // §3.6.1 SHLD-3, RFC 2525 §2.17).
    if (s.released && s.state != TcpState::Established) {
      send_abort_rst(w, node, si);
      become_closed(w, node, si, "data after close(): reset (Linux, RFC 9293 §3.6.1)", std::nullopt);
      return false;
    }
    if (seg.seq == s.rcv_nxt) {
      s.recv_buf.append(seg.data, seg.len);
      s.rcv_nxt = s.rcv_nxt + seg.len;
      bool held_fin = false;
      const bool filled_gap = deliver_held(s, held_fin);
      readable = true;
      // RFC 5681 §4.2: a segment that fills a gap is ACKed at once.
      ack_data(w, node, si, filled_gap || !sock(w, node, si).ooo.empty());
      // What is left for step 8: this segment's FIN, or a held one that now follows on.
      if (filled_gap) seg.fin = held_fin;
      seg.seq = sock(w, node, si).rcv_nxt;
      seg.len = 0;
    } else {
      // Out of order: hold it and send an immediate duplicate ACK (RFC 5681 §4.2).
      OutOfOrder o{seg.seq, std::vector<uint8_t>(seg.data, seg.data + seg.len), seg.fin};
      auto it = std::find_if(s.ooo.begin(), s.ooo.end(), [&](const OutOfOrder& x) { return o.seq < x.seq; });
      const bool dup = std::any_of(s.ooo.begin(), s.ooo.end(), [&](const OutOfOrder& x) { return x.seq == o.seq; });
      if (!dup) s.ooo.insert(it, std::move(o));
      s.ack_now = true;
      return true;
    }
  }
  if (seg.len == 0 && seg.fin && text_state && seg.seq > s.rcv_nxt) {
    // A FIN ahead of missing data: hold it, and send a duplicate ACK (RFC 5681 §4.2).
    const bool dup = std::any_of(s.ooo.begin(), s.ooo.end(), [&](const OutOfOrder& x) { return x.seq == seg.seq; });
    if (!dup) {
      auto it = std::find_if(s.ooo.begin(), s.ooo.end(), [&](const OutOfOrder& x) { return seg.seq < x.seq; });
      s.ooo.insert(it, OutOfOrder{seg.seq, {}, true});
    }
    s.ack_now = true;
    return true;
  }
  // Step 8: FIN, when everything before it has arrived.
  TcpSocket& s2 = sock(w, node, si);
  if (!seg.fin || seg.seq + seg.len != s2.rcv_nxt) return true;
  if (s2.state == TcpState::Closed || s2.state == TcpState::Listen || s2.state == TcpState::SynSent) return true;
  if (s2.fin_received) {  // a retransmitted FIN: ACK it again
    s2.ack_now = true;
    if (s2.state == TcpState::TimeWait)
      timer_set(w, node, si, TcpTimerKind::TimeWait, w.now() + w.tcp_config().time_wait);
    return true;
  }
  s2.rcv_nxt = s2.rcv_nxt + 1;
  s2.fin_received = true;
  eof = true;
  switch (s2.state) {
    case TcpState::SynReceived:
    case TcpState::Established:
      tcp_set_state(w, node, si, TcpState::CloseWait, "FIN received (RFC 9293 §3.10.7.4 step 8)");
      // Linux enters "pingpong" mode (tcp_fin): no quick ACK, so the FIN's ACK is delayed
      // and may ride on our own FIN if the application closes at once.
      ack_data(w, node, si, false, /*allow_quick=*/false);
      break;
    case TcpState::FinWait1:
      // Our FIN is not yet acknowledged (step 5 would have moved us to FIN-WAIT-2).
      tcp_set_state(w, node, si, TcpState::Closing, "FIN received before the ACK of ours: simultaneous close (RFC 9293 §3.10.7.4 step 8)");
      sock(w, node, si).ack_now = true;
      break;
    case TcpState::FinWait2:
      sock(w, node, si).ack_now = true;
      enter_time_wait(w, node, si, "FIN received (RFC 9293 §3.10.7.4 step 8)");
      break;
    default:
      sock(w, node, si).ack_now = true;
      break;
  }
  return true;
}

// §3.10.7.4: SYN-RECEIVED and the synchronized states.
void established_input(World& w, int32_t node, int32_t si, Segment seg, wire::ByteView pkt,
                       const RxContext& rx) {
  const TcpConfig& cfg = w.tcp_config();
  {
    TcpSocket& s = sock(w, node, si);
    // An old SYN (its sequence number is RCV.NXT − 1).
    if (seg.syn && !seg.rst && seg.seq + 1 == s.rcv_nxt) {
      if (s.state == TcpState::SynReceived && s.passive_origin) {
        if (!seg.has_ack) {
          // D12 (Linux tcp_check_req): a retransmitted SYN gets the SYN-ACK again.
          s.total_retrans++;
          send_segment(w, node, si, SYN | ACK, s.iss, nullptr, 0, true);
          return;
        }
      } else if (s.state == TcpState::SynReceived) {
        // Simultaneous open: the peer's SYN-ACK; trim the SYN (the idealized segment).
        seg.syn = false;
        seg.seq = seg.seq + 1;
      } else {
        // A retransmitted SYN or SYN-ACK on a synchronized connection: answer with an ACK
        // (RFC 5961 §4.2 challenge ACK; this is how a client re-ACKs a SYN-ACK).
        send_ack(w, node, si);
        if (s.state == TcpState::TimeWait)
          timer_set(w, node, si, TcpTimerKind::TimeWait, w.now() + cfg.time_wait);
        return;
      }
    }
  }
  TcpSocket& s = sock(w, node, si);
  // ---- Step 1: sequence number (Table 6) ---------------------------------------------------
  const uint32_t wnd = offered_window(s);
  const uint32_t seg_len = seg.seg_len();
  bool acceptable;
  if (seg_len == 0)
    acceptable = wnd == 0 ? seg.seq == s.rcv_nxt : seq_in(seg.seq, s.rcv_nxt, s.rcv_nxt + wnd);
  else
    acceptable = wnd > 0 && (seq_in(seg.seq, s.rcv_nxt, s.rcv_nxt + wnd) ||
                             seq_in(seg.seq + (seg_len - 1), s.rcv_nxt, s.rcv_nxt + wnd));
  bool text_refused = false;
  if (!acceptable && seg_len > 0 && wnd == 0 && seg.seq == s.rcv_nxt && !seg.rst) {
    // MUST-66: with a zero window, ACK and RST are still processed; the text is not.
    acceptable = true;
    text_refused = true;
  }
  if (!acceptable) {
    if (!seg.rst) {
      send_ack(w, node, si);
      // Linux: in TIME-WAIT a retransmitted FIN (or any ACK) restarts the 2MSL timer (D14).
      if (sock(w, node, si).state == TcpState::TimeWait && seg.has_ack)
        timer_set(w, node, si, TcpTimerKind::TimeWait, w.now() + cfg.time_wait);
    }
    return;
  }
  const SeqNum seg_seq = seg.seq;  // before trimming: RFC 5961 §3.2 tests the RST's own SEG.SEQ
  if (text_refused) {
    seg.len = 0;
    seg.fin = false;
    s.ack_now = true;
  }
  // The idealized segment: trim what lies before RCV.NXT and beyond the window.
  if (seg.seq < s.rcv_nxt) {
    const uint32_t cut = static_cast<uint32_t>(s.rcv_nxt - seg.seq);
    if (cut >= seg.len) {
      if (cut > seg.len) seg.fin = false;  // the FIN is old too
      seg.data += seg.len;
      seg.len = 0;
    } else {
      seg.data += cut;
      seg.len -= cut;
    }
    seg.seq = s.rcv_nxt;
    s.ack_now = true;  // part of it was a duplicate: tell the sender where we are
  }
  // The FIN counts: data that fills the window to its right edge leaves the FIN just
  // outside it, and it is trimmed too (the sender repeats it once the window opens).
  if (seg.len > 0 && seg.seq + seg.len + (seg.fin ? 1u : 0u) > s.rcv_nxt + wnd) {
    seg.len = std::min<uint32_t>(seg.len, static_cast<uint32_t>((s.rcv_nxt + wnd) - seg.seq));
    seg.fin = false;
  }
  // ---- Step 2: RST (RFC 5961 §3) --------------------------------------------------------
  if (seg.rst) {
    if (cfg.rfc5961 && seg_seq != s.rcv_nxt) {
      send_ack(w, node, si);  // challenge ACK
      return;
    }
    switch (s.state) {
      case TcpState::SynReceived:
        if (s.passive_origin) {
          become_closed(w, node, si, "RST in SYN-RECEIVED: the listener forgets it (RFC 9293 §3.10.7.4 step 2)", std::nullopt);
        } else {
          s.error = "Connection refused";
          become_closed(w, node, si, "RST in SYN-RECEIVED: connection refused (RFC 9293 §3.10.7.4 step 2)", TcpNote::Refused);
        }
        return;
      case TcpState::Established:
      case TcpState::FinWait1:
      case TcpState::FinWait2:
      case TcpState::CloseWait:
        s.error = "Connection reset by peer";
        s.send_buf = {};
        become_closed(w, node, si, "RST received: connection reset (RFC 9293 §3.10.7.4 step 2)", TcpNote::Reset);
        return;
      default:
        become_closed(w, node, si, "RST received (RFC 9293 §3.10.7.4 step 2)", std::nullopt);
        return;
    }
  }
  // ---- Step 4: SYN in the window ----------------------------------------------------------
  if (seg.syn) {
    if (s.state == TcpState::SynReceived && s.passive_origin) {
      become_closed(w, node, si, "SYN in SYN-RECEIVED: back to LISTEN (RFC 9293 §3.10.7.4 step 4)", std::nullopt);
      return;
    }
    send_ack(w, node, si);  // RFC 5961 §4.2 challenge ACK
    return;
  }
  // ---- Step 5: ACK --------------------------------------------------------------------------
  if (!seg.has_ack) return;
  bool held_readable = false;
  if (s.state == TcpState::SynReceived) {
    if (!(s.snd_una < seg.ack && seg.ack <= s.snd_nxt)) {
      send_reset_for(w, node, seg.dst, seg.src, seg.h, seg.len);
      return;
    }
    if (s.passive_origin && s.listener >= 0) {
      const TcpSocket& l = sock(w, node, s.listener);
      if (static_cast<int>(l.accept_queue.size()) > l.backlog) {
        // The accept queue filled up since the SYN (§4.3): tcp_abort_on_overflow = 0
        // drops the ACK and lets the SYN-ACK timer try again; = 1 resets.
        if (cfg.abort_on_overflow) {
          send_reset_for(w, node, seg.dst, seg.src, seg.h, seg.len);
          become_closed(w, node, si, "accept queue full: reset (tcp_abort_on_overflow = 1)", std::nullopt);
        } else {
          drop_received(w, node, rx, pkt, DropWhy::Backlog);
        }
        return;
      }
    }
    s.snd_una = seg.ack;
    s.snd_wnd = seg.h.window;
    s.max_snd_wnd = std::max(s.max_snd_wnd, s.snd_wnd);
    s.snd_wl1 = seg.seq;
    s.snd_wl2 = seg.ack;
    s.last_ack_wnd = seg.h.window;
    if (s.rcv_adv < s.rcv_nxt) s.rcv_adv = s.rcv_nxt;
    timer_cancel(w, node, si, TcpTimerKind::Rto);
    handshake_rtt(w, node, si);
    TcpSocket& s2 = sock(w, node, si);
    s2.cc = make_cc(w, s2);
    sndbuf_expand(w, s2);  // Linux tcp_init_buffer_space()
    const bool passive = s2.passive_origin;
    if (passive) name_child(w, node, si);
    tcp_set_state(w, node, si, TcpState::Established, "ACK of our SYN (RFC 9293 §3.10.7.4 step 5)");
    cc_trace(w, node, si);
    if (sock(w, node, si).fin_pending)  // close() in SYN-RECEIVED with data queued
      tcp_set_state(w, node, si, TcpState::FinWait1, "CLOSE queued until ESTABLISHED (RFC 9293 §3.10.4)");
    if (passive) child_established(w, node, si);
    else tcp_notify(w, node, si, TcpNote::Connected);
    if (!passive) writable_if_waiting(w, node, si);  // simultaneous open: as after a SYN-ACK
    if (!sock(w, node, si).open()) return;
    // Text that came with the SYN (rfc profile) is processed now that we are synchronized.
    bool held_fin = false;
    if (deliver_held(sock(w, node, si), held_fin)) {
      held_readable = true;
      sock(w, node, si).ack_now = true;
    }
  } else {
    TcpSocket& t = sock(w, node, si);
    if (seg.ack > t.snd_max) {  // acknowledges something not yet sent
      send_ack(w, node, si);
      return;
    }
    if (seg.ack <= t.snd_una) {
      // Old or duplicate. RFC 5681 §2: a duplicate ACK has outstanding data, no text,
      // no SYN/FIN, SEG.ACK = SND.UNA and an unchanged window.
      const uint32_t flight = static_cast<uint32_t>(t.snd_max - t.snd_una);
      const bool duplicate = flight > 0 && seg.len == 0 && !seg.fin && seg.ack == t.snd_una &&
                             seg.h.window == t.last_ack_wnd && t.state != TcpState::TimeWait;
      // §3.10.7.4 step 5: the window is updated only "if SND.UNA =< SEG.ACK =< SND.NXT";
      // an older ACK (delayed or reordered) is ignored, window and all (Linux old_ack).
      if (seg.ack == t.snd_una) update_window(w, node, si, seg, false);
      if (duplicate) {
        TcpSocket& u = sock(w, node, si);
        const CcAction a = cc_on_ack(u.cc, CcAck{seg.ack, 0, flight, u.snd_max, true});
        if (a.retransmit_head) retransmit_head(w, node, si);
        if (a.limited_transmit > 0) output(w, node, si, a.limited_transmit);
        else tcp_output(w, node, si);
        cc_trace(w, node, si);
      }
      sock(w, node, si).last_ack_wnd = seg.h.window;
    } else {
      // New data acknowledged (SND.UNA < SEG.ACK =< SND.MAX).
      const uint32_t flight = static_cast<uint32_t>(t.snd_max - t.snd_una);
      const uint32_t acked_seq = static_cast<uint32_t>(seg.ack - t.snd_una);
      const bool fin_acked = t.fin_sent && seg.ack == t.fin_seq + 1;
      const uint32_t data_acked = std::min<uint32_t>(acked_seq - (fin_acked ? 1 : 0),
                                                     static_cast<uint32_t>(t.send_buf.size()));
      t.send_buf.consume(data_acked);
      t.snd_una = seg.ack;
      if (t.snd_nxt < t.snd_una) t.snd_nxt = t.snd_una;
      if (t.rtt_timing && seg.ack >= t.rtt_seq) {  // RFC 6298 (2.2)/(2.3)
        t.rtt.sample(w.now() - t.rtt_sent, cfg);
        t.rtt_timing = false;
      }
      t.retransmits = 0;
      t.last_ack_wnd = seg.h.window;
      const CcAction a = cc_on_ack(t.cc, CcAck{seg.ack, data_acked, flight, t.snd_max, false});
      update_window(w, node, si, seg, true);
      TcpSocket& u = sock(w, node, si);
      if (u.snd_una == u.snd_max)
        timer_cancel(w, node, si, TcpTimerKind::Rto);  // (5.2)
      else if (!cc_in_recovery(u.cc) || a.restart_rto)
        rto_restart(w, node, si);  // (5.3); in recovery only on the first partial ACK (RFC 6582 §3.2)
      if (a.retransmit_head) retransmit_head(w, node, si);
      cc_trace(w, node, si);
      if (fin_acked) {
        switch (sock(w, node, si).state) {
          case TcpState::FinWait1:
            tcp_set_state(w, node, si, TcpState::FinWait2, "ACK of our FIN (RFC 9293 §3.10.7.4 step 5)");
            if (sock(w, node, si).released && cfg.fin_timeout > 0)  // Linux: orphaned FIN-WAIT-2
              timer_set(w, node, si, TcpTimerKind::FinWait2, w.now() + cfg.fin_timeout);
            break;
          case TcpState::Closing:
            enter_time_wait(w, node, si, "ACK of our FIN (RFC 9293 §3.10.7.4 step 5)");
            break;
          case TcpState::LastAck:
            become_closed(w, node, si, "ACK of our FIN (RFC 9293 §3.10.7.4 step 5)", TcpNote::Closed);
            return;
          default:
            break;
        }
      }
      TcpSocket& v = sock(w, node, si);
      // A writer waits for room (Linux SOCK_NOSPACE, tcp_new_space()). If the buffer is
      // what holds the sender back — all of it in flight would still be less than the
      // window allows (tcp_should_expand_sndbuf(): fewer packets in flight than cwnd) —
      // it grows first. The peer's window counts too: Linux's cwnd stops growing while
      // the window limits the sender (tcp_is_cwnd_limited()), tcplab's does not.
      if (v.writable_wanted && v.send_buf.size() < std::min(cc_cwnd(v.cc), v.snd_wnd))
        sndbuf_expand(w, v);
      writable_if_waiting(w, node, si);
    }
  }
  // ---- Steps 7 and 8 --------------------------------------------------------------------------
  bool readable = held_readable, eof = false;
  if (!text_and_fin(w, node, si, seg, readable, eof)) return;
  tcp_output(w, node, si);  // data the ACK allowed, and any ACK owed (sent before the owner reads)
  if (readable && sock(w, node, si).open()) tcp_notify(w, node, si, TcpNote::Readable);
  if (eof && sock(w, node, si).open()) tcp_notify(w, node, si, TcpNote::Eof);
}

}  // namespace

void tcp_input(World& w, int32_t node, const wire::Ipv4Header& ip, wire::ByteView ip_packet,
               size_t l4_offset, bool broadcast, const RxContext& rx) {
  const size_t end = std::min<size_t>(ip.total_len, ip_packet.size());
  if (end < l4_offset) return;
  wire::ByteView l4(ip_packet.data() + l4_offset, end - l4_offset);
  auto h = wire::parse_tcp(l4);
  if (!h) {
    drop_received(w, node, rx, ip_packet, DropWhy::Checksum);
    return;
  }
  // TCP is unicast only (RFC 1122 §4.2.3.10): a segment to a broadcast address is dropped.
  if (broadcast) {
    drop_received(w, node, rx, ip_packet, DropWhy::Closed);
    return;
  }
  Segment seg;
  seg.h = *h;
  seg.src = ip.src;
  seg.dst = ip.dst;
  seg.seq = SeqNum(h->seq);
  seg.ack = SeqNum(h->ack);
  const size_t hlen = h->data_offset * 4u;
  seg.data = l4.data() + std::min(hlen, l4.size());
  seg.len = static_cast<uint32_t>(l4.size() > hlen ? l4.size() - hlen : 0);
  seg.syn = h->flags & SYN;
  seg.fin = h->flags & FIN;
  seg.rst = h->flags & RST;
  seg.has_ack = h->flags & ACK;
  hping3_observe(w, node, ip, *h, seg.len);

  Node& n = w.node(node);
  int32_t si = -1;
  if (auto it = n.tcp_conns.find(Node::tcp_conn_key(ip.src, h->sport, ip.dst, h->dport)); it != n.tcp_conns.end())
    si = it->second;
  if (si >= 0) {
    TcpSocket& s = n.tcp[static_cast<size_t>(si)];
    // Linux (tcp_timewait_state_process): a new SYN with a higher sequence number ends
    // TIME-WAIT and opens a new connection (RFC 9293 §3.6.1 MAY-2).
    if (s.state == TcpState::TimeWait && seg.syn && !seg.has_ack && !seg.rst && seg.seq > s.rcv_nxt &&
        n.tcp_listeners.count(h->dport)) {
      become_closed(w, node, si, "new SYN in TIME-WAIT (RFC 9293 §3.6.1 MAY-2)", std::nullopt);
      si = -1;
    } else if (s.state == TcpState::SynSent) {
      syn_sent_input(w, node, si, seg);
      return;
    } else {
      established_input(w, node, si, seg, ip_packet, rx);
      return;
    }
  }
  Node& n2 = w.node(node);
  if (auto it = n2.tcp_listeners.find(h->dport); it != n2.tcp_listeners.end()) {
    listen_input(w, node, it->second, seg, ip_packet, rx);
    return;
  }
  // CLOSED (§3.10.7.1): no socket. Reset it unless it is a reset.
  drop_received(w, node, rx, ip_packet, DropWhy::Closed);
  send_reset_for(w, node, ip.dst, ip.src, *h, seg.len);
}

}  // namespace tcplab
