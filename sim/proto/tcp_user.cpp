// The user calls of RFC 9293 §3.10.1–3.10.6 (TCP-REFERENCE.md §1.5) as a BSD socket
// API: listen = passive OPEN, connect = active OPEN, send, recv, shutdown(SHUT_WR) =
// CLOSE, close() = CLOSE (or RST with unread data, Linux), SO_LINGER {1,0} = ABORT.
// Errors read like the errno strings a program would print.
#include <algorithm>

#include "sim/proto/tcp_internal.h"

namespace tcplab {
using namespace tcp_detail;

namespace {
using namespace wire::tcpflag;

// An abort (§3.10.5): RST where the state calls for one, then CLOSED.
void abort_connection(World& w, int32_t node, int32_t si, const std::string& why) {
  TcpSocket& s = sock(w, node, si);
  switch (s.state) {
    case TcpState::SynReceived:
    case TcpState::Established:
    case TcpState::FinWait1:
    case TcpState::FinWait2:
    case TcpState::CloseWait:
      send_abort_rst(w, node, si);
      break;
    default:
      break;  // SYN-SENT, CLOSING, LAST-ACK, TIME-WAIT: no segment
  }
  TcpSocket& t = sock(w, node, si);
  t.send_buf = {};
  t.recv_buf = {};
  t.ooo.clear();
  become_closed(w, node, si, why, std::nullopt);
}

// CLOSE (§3.10.4) in ESTABLISHED or CLOSE-WAIT: the FIN follows the queued data, and the
// state moves on at once (as Linux shows it): FIN-WAIT-1, or LAST-ACK.
void queue_fin(World& w, int32_t node, int32_t si, const std::string& call) {
  TcpSocket& s = sock(w, node, si);
  s.fin_pending = true;
  const TcpState to = s.state == TcpState::CloseWait ? TcpState::LastAck : TcpState::FinWait1;
  tcp_set_state(w, node, si, to, call + ": CLOSE (RFC 9293 §3.10.4)");
}

// A listener goes: connections nobody accepted are reset (Linux inet_csk_listen_stop).
void close_listener(World& w, int32_t node, int32_t si, const std::string& why) {
  const TcpSocket& s = sock(w, node, si);
  std::vector<int32_t> children = s.accept_queue;
  children.insert(children.end(), s.syn_queue.begin(), s.syn_queue.end());
  become_closed(w, node, si, why, std::nullopt);
  for (int32_t c : children)
    if (sock(w, node, c).open()) abort_connection(w, node, c, "listener closed: reset (Linux)");
}

// A child the user closes before accept() (the console can name one, s3) will never be
// accepted: it leaves its listener's SYN and accept queues and goes on as an orphan.
void leave_listener(World& w, int32_t node, int32_t si) {
  TcpSocket& s = sock(w, node, si);
  if (s.listener < 0) return;
  TcpSocket& l = sock(w, node, s.listener);
  auto drop = [&](std::vector<int32_t>& q) { q.erase(std::remove(q.begin(), q.end(), si), q.end()); };
  drop(l.syn_queue);
  drop(l.accept_queue);
  s.listener = -1;
}

// A --as name belongs to a socket its user has not yet closed.
bool name_in_use(const Node& n, const std::string& name) {
  const int32_t i = tcp_find_socket(n, name);
  return i >= 0 && n.tcp[static_cast<size_t>(i)].open() && !n.tcp[static_cast<size_t>(i)].released;
}

}  // namespace

int32_t tcp_listen(World& w, int32_t node, uint16_t port, const TcpOpenOptions& o, std::string& error) {
  Node& n = w.node(node);
  if (port == 0) {
    error = "listen: a port is needed";
    return -1;
  }
  if (port_in_use(n, port)) {
    error = "bind: Address already in use";
    return -1;
  }
  if (o.name && name_in_use(n, *o.name)) {
    error = "listen: a socket is already called '" + *o.name + "'";
    return -1;
  }
  const int32_t si = new_socket(w, node);
  TcpSocket& s = sock(w, node, si);
  s.name = o.name.value_or("");
  s.owner = o.owner;
  s.auto_read = o.auto_read;
  s.local_port = port;
  // Linux: the backlog is silently capped at somaxconn (net/socket.c __sys_listen).
  s.backlog = std::max(0, std::min(o.backlog, w.tcp_config().somaxconn));
  s.manual_accept = o.manual_accept;
  tcp_set_state(w, node, si, TcpState::Listen, "listen(): passive OPEN (RFC 9293 §3.10.1)");
  demux_add(w.node(node), si);
  return si;
}

int32_t tcp_connect(World& w, int32_t node, Endpoint to, const TcpOpenOptions& o, std::string& error) {
  Node& n = w.node(node);
  const auto src = ip_source_for(n, to.addr);
  if (!src) {
    error = "connect: Network is unreachable";
    return -1;
  }
  const AddressKind kind = classify(to.addr);
  if (to.port == 0 || kind == AddressKind::Unspecified || kind == AddressKind::Multicast ||
      kind == AddressKind::LimitedBroadcast) {
    error = "connect: Network is unreachable";
    return -1;
  }
  for (const Iface& f : n.ifaces)
    if (f.addr && f.addr->is_broadcast(to.addr)) {
      error = "connect: Network is unreachable";  // TCP is unicast only
      return -1;
    }
  if (o.name && name_in_use(n, *o.name)) {
    error = "connect: a socket is already called '" + *o.name + "'";
    return -1;
  }
  uint16_t port = 0;
  if (o.sport) {
    // An explicit bind() to a port still held (even in TIME-WAIT) fails without
    // SO_REUSEADDR — the lesson of the time-wait scenario.
    if (port_in_use(n, *o.sport)) {
      error = "bind: Address already in use";
      return -1;
    }
    port = *o.sport;
  } else {
    port = ephemeral_port(w, n);
    if (port == 0) {
      error = "connect: Cannot assign requested address";
      return -1;
    }
  }
  const int32_t si = new_socket(w, node);
  TcpSocket& s = sock(w, node, si);
  s.name = o.name.value_or("");
  s.owner = o.owner;
  s.auto_read = o.auto_read;
  s.local_addr = *src;
  s.local_port = port;
  s.remote_addr = to.addr;
  s.remote_port = to.port;
  s.adv_mss = our_mss(w, node, to.addr);
  s.snd_mss = std::min<uint32_t>(536, s.adv_mss);
  s.iss = SeqNum(new_isn(w));
  s.snd_una = s.iss;
  s.snd_sml = s.iss;
  s.snd_nxt = s.iss + 1;
  s.snd_max = s.snd_nxt;
  demux_add(w.node(node), si);
  tcp_set_state(w, node, si, TcpState::SynSent, "connect(): active OPEN (RFC 9293 §3.10.1)");
  TcpSocket& t = sock(w, node, si);
  t.rtt_timing = true;
  t.rtt_seq = t.snd_nxt;
  t.rtt_sent = w.now();
  send_segment(w, node, si, SYN, t.iss, nullptr, 0, false);
  rto_restart(w, node, si);
  return si;
}

int32_t tcp_accept(World& w, int32_t node, int32_t li, int32_t owner) {
  TcpSocket& l = sock(w, node, li);
  if (l.state != TcpState::Listen || l.accept_queue.empty()) return -1;
  const int32_t ci = l.accept_queue.front();
  l.accept_queue.erase(l.accept_queue.begin());
  const int32_t lowner = l.owner;
  TcpSocket& c = sock(w, node, ci);
  c.listener = -1;
  c.owner = owner == -2 ? lowner : owner;
  // Data that arrived before accept() is waiting in the buffer; an EOF too.
  if (!c.recv_buf.empty()) tcp_notify(w, node, ci, TcpNote::Readable);
  if (sock(w, node, ci).fin_received && sock(w, node, ci).open()) tcp_notify(w, node, ci, TcpNote::Eof);
  return ci;
}

void tcp_detail::sndbuf_expand(const World& w, TcpSocket& s) {
  if (!w.tcp_config().sndbuf_autotune || s.sndbuf_locked || s.snd_mss == 0) return;
  constexpr uint64_t kInitCwnd = 10;         // TCP_INIT_CWND
  constexpr uint64_t kWmemMax = 4194304;     // tcp_wmem[2]
  const uint64_t segs = std::max<uint64_t>(kInitCwnd, cc_cwnd(s.cc) / s.snd_mss);
  const uint64_t want = std::min<uint64_t>(2 * segs * s.snd_mss, kWmemMax);  // "sndmem = 2 * nr_segs * per_mss"
  if (s.sndbuf < want) s.sndbuf = static_cast<uint32_t>(want);
}

size_t tcp_send_space(const TcpSocket& s) {
  return s.send_buf.size() >= s.sndbuf ? 0 : s.sndbuf - s.send_buf.size();
}

int64_t tcp_send(World& w, int32_t node, int32_t si, wire::ByteView data, std::string& error) {
  TcpSocket& s = sock(w, node, si);
  switch (s.state) {
    case TcpState::SynSent:
    case TcpState::SynReceived:
    case TcpState::Established:
    case TcpState::CloseWait:
      break;
    case TcpState::Listen:
      error = "send: Transport endpoint is not connected";
      return -1;
    case TcpState::Closed:
      error = s.error.empty() ? "send: Transport endpoint is not connected" : "send: " + s.error;
      return -1;
    default:  // FIN-WAIT-1/2, CLOSING, LAST-ACK, TIME-WAIT: "connection closing" (EPIPE)
      error = "send: Broken pipe";
      return -1;
  }
  if (s.fin_pending) {
    error = "send: Broken pipe";  // after shutdown(SHUT_WR)
    return -1;
  }
  const size_t n = std::min(tcp_send_space(s), data.size());
  s.send_buf.append(data.data(), n);
  if (n < data.size()) s.writable_wanted = true;
  tcp_output(w, node, si);
  return static_cast<int64_t>(n);
}

wire::Bytes tcp_recv(World& w, int32_t node, int32_t si, size_t max) {
  TcpSocket& s = sock(w, node, si);
  const size_t n = std::min(max, s.recv_buf.size());
  if (n == 0) return {};
  const uint32_t before = offered_window(s);
  const uint8_t* in = s.recv_buf.contiguous(0, n);
  wire::Bytes out(in, in + n);
  s.recv_buf.consume(n);
  // Window update (RFC 9293 §3.8.6.2.2; Linux tcp_cleanup_rbuf): announce the opened
  // window when it at least doubles, or leaves zero, once it moved by the SWS step.
  if (s.state == TcpState::Established || s.state == TcpState::FinWait1 || s.state == TcpState::FinWait2) {
    const uint32_t free_wnd = receive_space(s);
    if (free_wnd >= before + sws_step(s) && (before == 0 || free_wnd >= 2 * before)) send_ack(w, node, si);
  }
  return out;
}

bool tcp_shutdown(World& w, int32_t node, int32_t si, std::string& error) {
  TcpSocket& s = sock(w, node, si);
  switch (s.state) {
    case TcpState::Established:
    case TcpState::CloseWait:
      queue_fin(w, node, si, "shutdown(SHUT_WR)");
      break;
    case TcpState::SynSent:
    case TcpState::SynReceived:
      s.fin_pending = true;  // sent once ESTABLISHED (§3.10.4: queue until ESTABLISHED)
      return true;
    case TcpState::FinWait1:
    case TcpState::FinWait2:
    case TcpState::Closing:
    case TcpState::LastAck:
    case TcpState::TimeWait:
      return true;  // already shut: "ok" without a second FIN
    default:
      error = "shutdown: Transport endpoint is not connected";
      return false;
  }
  tcp_output(w, node, si);
  return true;
}

bool tcp_close(World& w, int32_t node, int32_t si, std::string& error) {
  TcpSocket& s = sock(w, node, si);
  if (s.released) {
    error = "close: Bad file descriptor";
    return false;
  }
  s.released = true;
  s.readers.clear();
  s.console_unsent.clear();
  if (s.state != TcpState::Listen) leave_listener(w, node, si);
  switch (s.state) {
    case TcpState::Closed:
      return true;
    case TcpState::Listen:
      close_listener(w, node, si, "close() (RFC 9293 §3.10.4)");
      return true;
    case TcpState::SynSent:
      // §3.10.4: delete the TCB, no segment.
      become_closed(w, node, si, "close() in SYN-SENT: no segment (RFC 9293 §3.10.4)", std::nullopt);
      return true;
    default:
      break;
  }
  // Linux (D15, M12): unread data, or SO_LINGER {1,0}, turns close() into a reset.
  if (!s.recv_buf.empty() || s.linger_zero) {
    const std::string why = s.linger_zero ? "close() with SO_LINGER {1, 0}: abort (RFC 9293 §3.10.5)"
                                          : "close() with unread data: reset (RFC 9293 §3.6.1 SHLD-3, Linux)";
    abort_connection(w, node, si, why);
    return true;
  }
  switch (s.state) {
    case TcpState::SynReceived:
      s.fin_pending = true;
      // §3.10.4: with SENDs pending, the FIN waits for ESTABLISHED; with none, it goes now.
      if (!s.send_buf.empty()) return true;
      s.cc = make_cc(w, s);
      tcp_set_state(w, node, si, TcpState::FinWait1, "close() in SYN-RECEIVED (RFC 9293 §3.10.4)");
      break;
    case TcpState::Established:
    case TcpState::CloseWait:
      queue_fin(w, node, si, "close()");
      break;
    case TcpState::FinWait2:
      // After shutdown(), close() orphans the socket: Linux limits FIN-WAIT-2 then.
      if (w.tcp_config().fin_timeout > 0)
        timer_set(w, node, si, TcpTimerKind::FinWait2, w.now() + w.tcp_config().fin_timeout);
      return true;
    default:
      return true;  // FIN already on its way
  }
  tcp_output(w, node, si);
  return true;
}

bool tcp_abort(World& w, int32_t node, int32_t si, std::string& error) {
  TcpSocket& s = sock(w, node, si);
  if (s.state == TcpState::Closed) {
    error = "abort: the socket is already closed";
    return false;
  }
  s.released = true;
  if (s.state == TcpState::Listen) {
    close_listener(w, node, si, "abort (RFC 9293 §3.10.5)");
    return true;
  }
  abort_connection(w, node, si, "abort: SO_LINGER {1, 0} + close() (RFC 9293 §3.10.5)");
  return true;
}

void tcp_setsockopt(World& w, int32_t node, int32_t si, TcpOption opt, int64_t value) {
  TcpSocket& s = sock(w, node, si);
  switch (opt) {
    case TcpOption::NoDelay: s.nodelay = value != 0; break;
    case TcpOption::LingerZero: s.linger_zero = value != 0; break;
    case TcpOption::DelAck: s.delack_enabled = value != 0; break;
    case TcpOption::RcvBuf: s.rcvbuf = static_cast<uint32_t>(std::max<int64_t>(value, 256)); break;
    case TcpOption::SndBuf:
      s.sndbuf = static_cast<uint32_t>(std::max<int64_t>(value, 256));
      s.sndbuf_locked = true;  // Linux: SOCK_SNDBUF_LOCK, no auto-tuning from now on
      break;
  }
  if (opt == TcpOption::NoDelay && s.nodelay) tcp_output(w, node, si);
}

}  // namespace tcplab
