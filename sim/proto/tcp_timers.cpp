// Timer expiries (RFC 9293 §3.10.8; RFC 6298 §5): retransmission with backoff and the
// give-up limits of §3.8.3 (Linux's tcp_syn_retries, tcp_synack_retries, tcp_retries2,
// and the linear first SYN backoffs of D1), TIME-WAIT, the delayed ACK, the persist
// timer's zero-window probes (§3.8.6.1) and Linux's orphaned FIN-WAIT-2 limit.
#include "sim/proto/tcp_internal.h"

namespace tcplab {
using namespace tcp_detail;

namespace {

using namespace wire::tcpflag;

void emit_fire(World& w, int32_t node, int32_t si, TcpTimerKind k) {
  if (!w.tracing()) return;
  TraceEvent e;
  e.t = w.now();
  e.ev = EvKind::Timer;
  e.node = node;
  e.data = TimerEvent{tcp_sock_id(sock(w, node, si)), to_string(k), "fire", w.now()};
  w.emit(std::move(e));
}

void rto_fires(World& w, int32_t node, int32_t si) {
  const TcpConfig& c = w.tcp_config();
  TcpSocket& s = sock(w, node, si);
  switch (s.state) {
    case TcpState::SynSent: {
      // D1: Linux >= 6.5 adds tcp_syn_linear_timeouts retries that do not back off.
      const int max_retx = c.syn_retries + c.syn_linear_timeouts;
      if (s.retransmits >= max_retx) {
        s.error = "Connection timed out";
        become_closed(w, node, si, "SYN retries exhausted (RFC 9293 §3.8.3, tcp_syn_retries)", TcpNote::TimedOut);
        return;
      }
      s.retransmits++;
      s.total_retrans++;
      s.syn_lost = true;
      s.rtt_timing = false;
      if (s.retransmits > c.syn_linear_timeouts) s.rtt.on_timeout();
      send_segment(w, node, si, SYN, s.iss, nullptr, 0, true);
      rto_restart(w, node, si);
      cc_trace(w, node, si);
      return;
    }
    case TcpState::SynReceived: {
      const int max_retx = s.passive_origin ? c.synack_retries : c.syn_retries;
      if (s.retransmits >= max_retx) {
        if (s.passive_origin) {
          // Linux drops the request silently (reqsk_timer_handler).
          become_closed(w, node, si, "SYN-ACK retries exhausted: the request is dropped (tcp_synack_retries)", std::nullopt);
        } else {
          s.error = "Connection timed out";
          become_closed(w, node, si, "SYN-ACK retries exhausted (RFC 9293 §3.8.3)", TcpNote::TimedOut);
        }
        return;
      }
      s.retransmits++;
      s.total_retrans++;
      s.syn_lost = true;
      s.rtt_timing = false;
      s.rtt.on_timeout();
      send_segment(w, node, si, SYN | ACK, s.iss, nullptr, 0, true);
      rto_restart(w, node, si);
      return;
    }
    default:
      break;
  }
  if (s.snd_una == s.snd_max) return;  // nothing outstanding (a stale expiry)
  if (s.retransmits >= c.retries2) {
    // R2 (§3.8.3): give up. Linux's tcp_write_err sends nothing and reports ETIMEDOUT.
    s.error = "Connection timed out";
    s.send_buf = {};
    become_closed(w, node, si, "retransmissions exhausted (RFC 9293 §3.8.3, tcp_retries2)", TcpNote::TimedOut);
    return;
  }
  // RFC 5681 eq. (4) on the first expiry for this segment; cwnd = 1 SMSS.
  cc_on_rto(s.cc, static_cast<uint32_t>(s.snd_max - s.snd_una), s.snd_max, s.retransmits == 0);
  s.retransmits++;
  s.rtt_timing = false;  // Karn (RFC 6298 §3)
  s.rtt.on_timeout();    // (5.5)
  // (5.4) retransmit the earliest unacknowledged segment; everything after it is sent
  // again as the window opens (go-back-N from SND.UNA, as Linux marks it all lost).
  // A FIN already sent keeps its sequence number (fin_seq) and goes again in its turn.
  s.snd_nxt = s.snd_una;
  rto_restart(w, node, si);  // (5.6)
  tcp_output(w, node, si);
  cc_trace(w, node, si);
}

void persist_fires(World& w, int32_t node, int32_t si) {
  TcpSocket& s = sock(w, node, si);
  if (s.snd_wnd > 0 || s.send_buf.empty()) return;
  // Linux's window probe (tcp_xmit_probe_skb): an ACK with SEG.SEQ = SND.UNA − 1, which
  // the peer cannot accept and so answers with an ACK that shows its window.
  send_segment(w, node, si, ACK, s.snd_una - 1, nullptr, 0, false);
  TcpSocket& t = sock(w, node, si);
  t.persist_backoff++;
  // SHLD-30: back off exponentially, bounded like the RTO.
  const Time max = w.tcp_config().max_rto;
  timer_set(w, node, si, TcpTimerKind::Persist, w.now() + backed_off(t.rtt.rto(w.tcp_config()), t.persist_backoff, max));
}

}  // namespace

void tcp_timer(World& w, const EvTcpTimer& e) {
  Node& n = w.node(e.node);
  if (e.sock < 0 || static_cast<size_t>(e.sock) >= n.tcp.size()) return;
  TcpSocket& s = n.tcp[static_cast<size_t>(e.sock)];
  timer_slot(s, e.kind) = 0;
  if (!s.open()) return;
  emit_fire(w, e.node, e.sock, e.kind);
  switch (e.kind) {
    case TcpTimerKind::Rto: rto_fires(w, e.node, e.sock); break;
    case TcpTimerKind::TimeWait:
      become_closed(w, e.node, e.sock, "2MSL timer expired (RFC 9293 §3.10.8)", std::nullopt);
      break;
    case TcpTimerKind::DelAck:
      send_ack(w, e.node, e.sock);
      break;
    case TcpTimerKind::Persist: persist_fires(w, e.node, e.sock); break;
    case TcpTimerKind::FinWait2:
      become_closed(w, e.node, e.sock, "orphaned FIN-WAIT-2 timeout (Linux tcp_fin_timeout)", std::nullopt);
      break;
  }
}

}  // namespace tcplab
