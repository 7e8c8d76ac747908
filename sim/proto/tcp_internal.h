// What the TCP files share and nothing else needs: segment building, timers, the
// congestion-control trace, and socket lookup. See tcp.h for the map of files.
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>

#include "sim/net/layers.h"
#include "sim/proto/tcp.h"

namespace tcplab::tcp_detail {

inline TcpSocket& sock(World& w, int32_t node, int32_t i) {
  return w.node(node).tcp[static_cast<size_t>(i)];
}

// Builds and sends one segment from socket `si`: ACK = RCV.NXT when the ACK flag is set,
// our receive window, the MSS option on a SYN. Sending an ACK settles any ACK owed.
void send_segment(World& w, int32_t node, int32_t si, uint8_t flags, SeqNum seq,
                  const uint8_t* data, size_t len, bool retx);
// <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> (also the challenge ACK of RFC 5961 §3.2/§4.2).
void send_ack(World& w, int32_t node, int32_t si);
// The reset of an abort (RFC 9293 §3.10.5; Linux R. with ACK, D11).
void send_abort_rst(World& w, int32_t node, int32_t si);
// A reset for a segment no connection wants (§3.10.7.1): <SEQ=SEG.ACK><CTL=RST> when it
// had ACK, else <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. Never for a RST.
void send_reset_for(World& w, int32_t node, Ipv4 local, Ipv4 remote, const wire::TcpHeader& seg,
                    size_t payload_len);

// tcp_output with `limited_allowance` bytes beyond cwnd (RFC 3042 Limited Transmit).
void output(World& w, int32_t node, int32_t si, uint32_t limited_allowance);
// The window to advertise now, with receiver SWS avoidance (RFC 9293 §3.8.6.2.2).
uint32_t receive_window(TcpSocket& s);
// Receive-buffer space a window may offer: RCV.BUFF less unread and held data, capped
// at 65535 (the 16-bit field: tcplab does not negotiate window scaling, RFC 7323).
uint32_t receive_space(const TcpSocket& s);
// What is left of the window we last offered: RCV.ADV − RCV.NXT.
inline uint32_t offered_window(const TcpSocket& s) {
  return s.rcv_adv > s.rcv_nxt ? static_cast<uint32_t>(s.rcv_adv - s.rcv_nxt) : 0;
}
// Linux's send-buffer auto-tuning (tcp_sndbuf_expand(), net/ipv4/tcp_input.c), called
// when a connection enters ESTABLISHED (tcp_init_buffer_space()) and when an ACK frees
// room for a waiting writer that the buffer, not a window, holds back (tcp_new_space()): the
// buffer grows to two congestion windows of at least TCP_INIT_CWND = 10 segments, at
// most tcp_wmem[2] = 4 MB, and never shrinks. Linux counts one skb's memory per segment
// (4352 bytes for a 1460-byte MSS, hence `ss -m`'s tb87040 = 2 x 10 x 4352); tcplab
// counts payload, so the same 20 segments are 2 x 10 x 1460 = 29200 bytes. Nothing
// happens after SO_SNDBUF (SOCK_SNDBUF_LOCK), in the rfc profile, or with [tcp] wmem.
void sndbuf_expand(const World& w, TcpSocket& s);

// Receiver SWS avoidance's step: min(RCV.BUFF / 2, MSS) (RFC 9293 §3.8.6.2.2).
inline uint32_t sws_step(const TcpSocket& s) { return std::min<uint32_t>(s.rcvbuf / 2, s.adv_mss); }

// The pending event of timer `k` in the socket (0 when not armed).
EventId& timer_slot(TcpSocket& s, TcpTimerKind k);
void timer_set(World& w, int32_t node, int32_t si, TcpTimerKind k, Time at);
void timer_cancel(World& w, int32_t node, int32_t si, TcpTimerKind k);
void timers_cancel_all(World& w, int32_t node, int32_t si);
// (Re)arms the retransmission timer with the current RTO (RFC 6298 5.1/5.3).
void rto_restart(World& w, int32_t node, int32_t si);

// A `cc` event when cwnd, ssthresh, SRTT or the RTO changed.
void cc_trace(World& w, int32_t node, int32_t si);

// Connection table upkeep (Node::tcp_conns / tcp_listeners).
void demux_add(Node& n, int32_t si);
void demux_remove(Node& n, int32_t si);
// An open socket (listener or connection) holds `port` (Node::tcp_ports).
bool port_in_use(const Node& n, uint16_t port);
// Sets a socket's state with no trace event (tcp_set_state, or a TCB that starts as a copy
// of its listener) and keeps Node::tcp_ports, which counts the open sockets on each port.
void set_state_untraced(Node& n, int32_t si, TcpState to);
uint16_t ephemeral_port(World& w, const Node& n);
// An initial sequence number (RFC 9293 §3.4.1) from the world's seeded RNG.
inline uint32_t new_isn(World& w) {
  const TcpConfig& c = w.tcp_config();
  return c.fixed_isn ? *c.fixed_isn : w.rng().next_u32();
}
// A new socket in Node::tcp with the world's defaults; returns its index.
int32_t new_socket(World& w, int32_t node);
// MSS we advertise on the interface that reaches `remote` (MTU − 40, RFC 9293 §3.7.1).
uint16_t our_mss(World& w, int32_t node, Ipv4 remote);

// Congestion control for a connection that enters the data phase (RFC 5681 §3.1).
inline CongestionControl make_cc(const World& w, const TcpSocket& s) {
  const TcpConfig& c = w.tcp_config();
  return cc_new(CcInit{s.snd_mss, c.initial_cwnd, s.syn_lost, s.iss, c.limited_transmit});
}
// Segment arrival for a listener's child in SYN_RECV that completes: the accept queue.
void child_established(World& w, int32_t node, int32_t si);
// Gives a listener's child its NAME.k before it joins the accept queue.
void name_child(World& w, int32_t node, int32_t si);
// A socket leaves for CLOSED: timers, queues of its listener, demux, and the owner.
void become_closed(World& w, int32_t node, int32_t si, const std::string& why, std::optional<TcpNote> note);

std::string endpoint_string(Ipv4 a, uint16_t p);

}  // namespace tcplab::tcp_detail
