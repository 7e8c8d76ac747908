// TCP (RFC 9293) as free functions over the world, like the other layers (layers.h).
// Files:
//   tcp_input.cpp   segment arrival, in the order of RFC 9293 §3.10.7
//   tcp_output.cpp  what to send now: data within min(cwnd, rwnd), Nagle, FIN, ACKs, RSTs
//   tcp_timers.cpp  RTO, TIME-WAIT, delayed ACK, persist, FIN-WAIT-2
//   tcp_user.cpp    the socket calls (RFC 9293 §3.10.1–3.10.6 in BSD clothes)
//   tcp_state.cpp   the one place a state changes (and emits its `state` event)
//   tcp_console.cpp what the console prints for a socket that no program owns
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/net/layers.h"
#include "sim/net/world.h"
#include "sim/proto/tcp_socket.h"

namespace tcplab {

// ---- the stack -----------------------------------------------------------------------------
// A TCP segment for this node (ipv4.cpp calls it after the checksum passed).
void tcp_input(World& w, int32_t node, const wire::Ipv4Header& ip, wire::ByteView ip_packet,
               size_t l4_offset, bool broadcast, const RxContext& rx);
void tcp_timer(World& w, const EvTcpTimer& e);

// ---- sockets (indices into Node::tcp) ---------------------------------------------------------
// "s3", a --as name, or "server.2". -1 when none matches.
int32_t tcp_find_socket(const Node& n, std::string_view sock);
std::string tcp_socket_label(const TcpSocket& s);  // "s3", or "s3 (server.1)"
std::string tcp_sock_id(const TcpSocket& s);       // "s3"

struct TcpOpenOptions {
  std::optional<std::string> name;
  bool auto_read = true;
  int32_t owner = -1;            // program id; -1: the console
  int backlog = 128;             // listen
  bool manual_accept = false;    // listen
  std::optional<uint16_t> sport; // connect: bind to this port first
};

// listen(): a socket in LISTEN on 0.0.0.0:port. Returns its index, or -1 with `error`
// in the words of the tool ("bind: Address already in use").
int32_t tcp_listen(World& w, int32_t node, uint16_t port, const TcpOpenOptions& o, std::string& error);
// connect(): sends the SYN. Returns the index (the socket is SYN_SENT), or -1 with `error`
// ("connect: Network is unreachable", "bind: Address already in use").
int32_t tcp_connect(World& w, int32_t node, Endpoint to, const TcpOpenOptions& o, std::string& error);
// accept(): the oldest waiting connection, now owned like the listener (or by `owner`
// when >= 0). -1 when none is waiting (nothing is printed).
int32_t tcp_accept(World& w, int32_t node, int32_t listener, int32_t owner = -2);
// send(): queues as much as the send buffer takes and returns that count; -1 with `error`
// ("send: Broken pipe", "send: Transport endpoint is not connected"). Data given in
// SYN_SENT waits for the connection (RFC 9293 §3.10.2).
int64_t tcp_send(World& w, int32_t node, int32_t sock, wire::ByteView data, std::string& error);
size_t tcp_send_space(const TcpSocket& s);
// recv(): takes up to `max` bytes from the receive buffer (may open the window and send
// a window update). Empty when nothing is buffered.
wire::Bytes tcp_recv(World& w, int32_t node, int32_t sock, size_t max);
// shutdown(SHUT_WR), close(), and abort (SO_LINGER {1,0} + close()). False with `error`
// when the call makes no sense in this state.
bool tcp_shutdown(World& w, int32_t node, int32_t sock, std::string& error);
bool tcp_close(World& w, int32_t node, int32_t sock, std::string& error);
bool tcp_abort(World& w, int32_t node, int32_t sock, std::string& error);

void tcp_setsockopt(World& w, int32_t node, int32_t sock, TcpOption opt, int64_t value);

// ---- for the rest of the stack ----------------------------------------------------------------
// The only way a socket changes state: emits `state` with the cause (RFC section).
void tcp_set_state(World& w, int32_t node, int32_t sock, TcpState to, const std::string& why);
// Sends what the windows, Nagle and the FIN allow, then any ACK owed.
void tcp_output(World& w, int32_t node, int32_t sock);
// Tells the socket's owner: a program (apps/tcp_apps.cpp) or the console (tcp_console.cpp).
void tcp_notify(World& w, int32_t node, int32_t sock, TcpNote note);
// The console's side of tcp_notify, and `tcp recv` for a console-owned socket.
void tcp_console_note(World& w, int32_t node, int32_t sock, TcpNote note);
void tcp_console_recv(World& w, int32_t node, int32_t sock, std::optional<uint32_t> max);
// `tcp send SOCK TEXT` or `--bytes N` (then nothing of size N is made at once).
void tcp_console_send(World& w, int32_t node, int32_t sock, const std::string& text,
                      std::optional<uint32_t> bytes);
// hping3 sees every TCP segment that reaches its node, before the stack does (as a
// packet capture would), so that it can print the answers to what it sent.
void hping3_observe(World& w, int32_t node, const wire::Ipv4Header& ip, const wire::TcpHeader& tcp,
                    size_t payload_len);

}  // namespace tcplab
