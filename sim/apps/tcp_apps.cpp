// The built-in TCP programs behind `app …`: echo-server, file-server, download, bulk-sink,
// bulk-send and requests. Each is a small event-driven program over the socket calls of
// tcp.h, written the way a non-blocking BSD program would be: read until the buffer is
// empty, write until send() takes less than offered, then wait for the next note.
//
// A Program or TcpSocket lives in a vector that a TCP call may grow, and a TCP call may
// call back into tcp_app_note before it returns, so no reference is kept across a call:
// the handlers hold the program id and the socket index and look both up again after
// every call (state<S>(), conn_of()). For the same reason every handler re-checks the
// socket's own fields (recv_buf, fin_received) instead of trusting that it saw every note.
#include <algorithm>
#include <cstdio>
#include <string>
#include <type_traits>
#include <variant>

#include "sim/apps/app_text.h"
#include "sim/apps/programs.h"
#include "sim/net/layers.h"
#include "sim/proto/tcp.h"

namespace tcplab {
namespace {

// What an echo server reads at least per call.
constexpr size_t kChunk = 4096;
constexpr size_t kReadMax = 65536;

// ---- helpers ------------------------------------------------------------------------------

template <class S>
S* state(World& w, int32_t node, int32_t pid) {
  Program* p = find_program(w.node(node), pid);
  return p ? std::get_if<S>(&p->state) : nullptr;
}

void finish(World& w, int32_t node, int32_t pid) {
  if (Program* p = find_program(w.node(node), pid)) {
    w.cancel(p->timer);
    p->timer = 0;
    p->done = true;
  }
}

template <class Conn>
Conn* conn_of(std::vector<Conn>& conns, int32_t sock) {
  for (Conn& c : conns)
    if (c.sock == sock) return &c;
  return nullptr;
}

template <class Conn>
void forget(std::vector<Conn>& conns, int32_t sock) {
  std::erase_if(conns, [sock](const Conn& c) { return c.sock == sock; });
}

const TcpSocket& sock_at(World& w, int32_t node, int32_t sock) {
  return w.node(node).tcp[static_cast<size_t>(sock)];
}
std::string sid(World& w, int32_t node, int32_t sock) { return tcp_sock_id(sock_at(w, node, sock)); }

// How much a sending program offers send() at once: one byte more than the send buffer
// has room for. send() then takes what fits and, as it could not take all, asks to be
// told when room frees (TcpNote::Writable); nothing more is made only to be refused.
size_t send_size(World& w, int32_t node, int32_t sock) {
  return tcp_send_space(sock_at(w, node, sock)) + 1;
}
Endpoint peer_of(World& w, int32_t node, int32_t sock) {
  const TcpSocket& s = sock_at(w, node, sock);
  return Endpoint{s.remote_addr, s.remote_port};
}
bool has_data(World& w, int32_t node, int32_t sock) { return !sock_at(w, node, sock).recv_buf.empty(); }
// The peer's FIN has been read up to: nothing more will come (read() returns 0).
bool at_eof(World& w, int32_t node, int32_t sock) {
  const TcpSocket& s = sock_at(w, node, sock);
  return s.fin_received && s.recv_buf.empty();
}

bool is_error(TcpNote n) { return n == TcpNote::Refused || n == TcpNote::Reset || n == TcpNote::TimedOut; }

// strerror() of the errno the note stands for.
const char* error_text(TcpNote n) {
  switch (n) {
    case TcpNote::Refused: return "Connection refused";
    case TcpNote::Reset: return "Connection reset by peer";
    case TcpNote::TimedOut: return "Connection timed out";
    default: return "";
  }
}

// Opens the listener every server starts with; prints the line or the error.
// Returns false (and ends the program) when listen() fails.
template <class S>
bool open_listener(World& w, int32_t node, int32_t pid, uint16_t port, const char* name) {
  TcpOpenOptions o;
  o.owner = pid;
  std::string error;
  const int32_t l = tcp_listen(w, node, port, o, error);
  if (l < 0) {
    w.print(node, std::string(name) + ": " + error);
    finish(w, node, pid);
    return false;
  }
  if (S* s = state<S>(w, node, pid)) s->listener = l;
  w.print(node, std::string(name) + ": listening on 0.0.0.0:" + std::to_string(port), sid(w, node, l));
  return true;
}

// Takes every waiting connection off the listener's accept queue; returns them.
template <class S>
std::vector<int32_t> accept_all(World& w, int32_t node, int32_t pid, const char* name) {
  std::vector<int32_t> out;
  for (;;) {
    S* s = state<S>(w, node, pid);
    if (!s || s->listener < 0) break;
    const int32_t child = tcp_accept(w, node, s->listener);
    if (child < 0) break;
    s = state<S>(w, node, pid);
    if (!s) break;
    typename decltype(s->conns)::value_type c;
    c.sock = child;
    c.peer = peer_of(w, node, child);
    if constexpr (std::is_same_v<S, BulkSinkProgram>) c.first = w.now();
    s->conns.push_back(std::move(c));
    w.print(node, std::string(name) + ": connection from " + to_string(peer_of(w, node, child)) + " (" +
                      sid(w, node, child) + ")",
            sid(w, node, child));
    out.push_back(child);
  }
  return out;
}

void close_quietly(World& w, int32_t node, int32_t sock) {
  std::string error;
  tcp_close(w, node, sock, error);  // fails only when already closed: nothing to do then
}

// ---- echo-server ----------------------------------------------------------------------------

// Moves what can be moved: pending bytes into the send buffer, then more from the receive
// buffer; closes once the peer has finished and everything was echoed.
void echo_service(World& w, int32_t node, int32_t pid, int32_t sock) {
  for (;;) {
    EchoServerProgram* s = state<EchoServerProgram>(w, node, pid);
    if (!s) return;
    EchoServerProgram::Conn* c = conn_of(s->conns, sock);
    if (!c) return;
    if (!c->pending.empty()) {
      const wire::Bytes data = c->pending;
      std::string error;
      const int64_t n = tcp_send(w, node, sock, data, error);
      if (!(s = state<EchoServerProgram>(w, node, pid)) || !(c = conn_of(s->conns, sock))) return;
      if (n < 0) {
        w.print(node, "echo-server: " + error, sid(w, node, sock));
        forget(s->conns, sock);
        return;
      }
      c->pending.erase(c->pending.begin(), c->pending.begin() + n);
      c->echoed += static_cast<uint64_t>(n);
      if (!c->pending.empty()) return;  // the send buffer is full: wait for Writable
    }
    if (has_data(w, node, sock)) {
      const size_t room = std::max(tcp_send_space(sock_at(w, node, sock)), kChunk);
      wire::Bytes got = tcp_recv(w, node, sock, room);
      if (!(s = state<EchoServerProgram>(w, node, pid)) || !(c = conn_of(s->conns, sock))) return;
      c->pending = std::move(got);
      continue;
    }
    if (at_eof(w, node, sock)) {
      // The peer closed its side; so do we (the FIN follows the echoed bytes).
      forget(s->conns, sock);
      close_quietly(w, node, sock);
    }
    return;
  }
}

void echo_note(World& w, int32_t node, int32_t pid, int32_t sock, TcpNote note) {
  EchoServerProgram* s = state<EchoServerProgram>(w, node, pid);
  if (!s) return;
  if (sock == s->listener) {
    if (note == TcpNote::Incoming)
      for (int32_t c : accept_all<EchoServerProgram>(w, node, pid, "echo-server"))
        echo_service(w, node, pid, c);  // data (or a FIN) may have come before accept()
    return;
  }
  if (!conn_of(s->conns, sock)) return;  // not accepted yet: accept_all will service it
  if (is_error(note)) {
    w.print(node, "echo-server: " + to_string(peer_of(w, node, sock)) + ": " + error_text(note),
            sid(w, node, sock));
    forget(s->conns, sock);
  } else if (note == TcpNote::Closed) {
    forget(s->conns, sock);
  } else {
    echo_service(w, node, pid, sock);
  }
}

// ---- file-server ------------------------------------------------------------------------------

void file_service(World& w, int32_t node, int32_t pid, int32_t sock) {
  FileServerProgram* s = state<FileServerProgram>(w, node, pid);
  FileServerProgram::Conn* c = s ? conn_of(s->conns, sock) : nullptr;
  if (!c) return;

  // Everything the client sends is read: the request, and anything after it (discarded),
  // so that close() never finds unread data (which would turn the FIN into a RST).
  while (has_data(w, node, sock)) {
    const wire::Bytes got = tcp_recv(w, node, sock, kReadMax);
    if (!(s = state<FileServerProgram>(w, node, pid)) || !(c = conn_of(s->conns, sock))) return;
    if (!c->answered) c->request.append(got.begin(), got.end());
  }

  if (!c->answered) {
    if (c->request.empty()) {
      if (at_eof(w, node, sock)) {  // the client left without asking
        forget(s->conns, sock);
        close_quietly(w, node, sock);
      }
      return;
    }
    // The name ends at "\n" — or, like the course's recv(1024), with this burst of data.
    std::string name = c->request.substr(0, c->request.find('\n'));
    if (!name.empty() && name.back() == '\r') name.pop_back();
    c->answered = true;
    c->file = name;
    const auto f = std::find_if(s->files.begin(), s->files.end(),
                                [&](const auto& kv) { return kv.first == name; });
    if (f == s->files.end()) {
      w.print(node, "file-server: no file '" + name + "'", sid(w, node, sock));
      forget(s->conns, sock);
      close_quietly(w, node, sock);
      return;
    }
    c->size = f->second;
    w.print(node, "file-server: sending " + name + " (" + plural(c->size, "byte", "bytes") + ") to " +
                      to_string(c->peer),
            sid(w, node, sock));
  }

  // Queue the file as the send buffer takes it; close (FIN after the data) when all is in.
  for (;;) {
    if (!(s = state<FileServerProgram>(w, node, pid)) || !(c = conn_of(s->conns, sock))) return;
    if (c->queued >= c->size) {
      forget(s->conns, sock);
      close_quietly(w, node, sock);
      return;
    }
    const size_t want = static_cast<size_t>(std::min<uint64_t>(c->size - c->queued, send_size(w, node, sock)));
    const wire::Bytes data = filler(c->file + " ", c->queued, want);
    std::string error;
    const int64_t n = tcp_send(w, node, sock, data, error);
    if (!(s = state<FileServerProgram>(w, node, pid)) || !(c = conn_of(s->conns, sock))) return;
    if (n < 0) {
      w.print(node, "file-server: " + error, sid(w, node, sock));
      forget(s->conns, sock);
      return;
    }
    c->queued += static_cast<uint64_t>(n);
    if (static_cast<size_t>(n) < want) return;  // full: wait for Writable
  }
}

void file_note(World& w, int32_t node, int32_t pid, int32_t sock, TcpNote note) {
  FileServerProgram* s = state<FileServerProgram>(w, node, pid);
  if (!s) return;
  if (sock == s->listener) {
    if (note == TcpNote::Incoming)
      for (int32_t c : accept_all<FileServerProgram>(w, node, pid, "file-server"))
        file_service(w, node, pid, c);
    return;
  }
  if (!conn_of(s->conns, sock)) return;
  if (is_error(note)) {
    w.print(node, "file-server: " + to_string(peer_of(w, node, sock)) + ": " + error_text(note),
            sid(w, node, sock));
    forget(s->conns, sock);
  } else if (note == TcpNote::Closed) {
    forget(s->conns, sock);
  } else {
    file_service(w, node, pid, sock);
  }
}

// ---- bulk-sink ----------------------------------------------------------------------------------

void sink_service(World& w, int32_t node, int32_t pid, int32_t sock) {
  while (has_data(w, node, sock)) {
    const size_t n = tcp_recv(w, node, sock, kReadMax).size();
    BulkSinkProgram* s = state<BulkSinkProgram>(w, node, pid);
    BulkSinkProgram::Conn* c = s ? conn_of(s->conns, sock) : nullptr;
    if (!c) return;
    c->received += n;
  }
  if (!at_eof(w, node, sock)) return;
  BulkSinkProgram* s = state<BulkSinkProgram>(w, node, pid);
  BulkSinkProgram::Conn* c = s ? conn_of(s->conns, sock) : nullptr;
  if (!c) return;
  const Time t = w.now() - c->first;
  w.print(node, "bulk-sink: " + to_string(c->peer) + ": " + plural(c->received, "byte", "bytes") + " in " +
                    format_elapsed(t) + " (" + format_rate(c->received, t) + ")",
          sid(w, node, sock));
  forget(s->conns, sock);
  close_quietly(w, node, sock);
}

void sink_note(World& w, int32_t node, int32_t pid, int32_t sock, TcpNote note) {
  BulkSinkProgram* s = state<BulkSinkProgram>(w, node, pid);
  if (!s) return;
  if (sock == s->listener) {
    if (note == TcpNote::Incoming)
      for (int32_t c : accept_all<BulkSinkProgram>(w, node, pid, "bulk-sink")) sink_service(w, node, pid, c);
    return;
  }
  BulkSinkProgram::Conn* c = conn_of(s->conns, sock);
  if (!c) return;
  if (is_error(note)) {
    w.print(node, "bulk-sink: " + to_string(c->peer) + ": " + error_text(note) + " after " +
                      plural(c->received, "byte", "bytes"),
            sid(w, node, sock));
    forget(s->conns, sock);
  } else if (note == TcpNote::Closed) {
    forget(s->conns, sock);
  } else {
    sink_service(w, node, pid, sock);
  }
}

// ---- download ------------------------------------------------------------------------------------

void download_note(World& w, int32_t node, int32_t pid, int32_t sock, TcpNote note) {
  DownloadProgram* s = state<DownloadProgram>(w, node, pid);
  if (!s || sock != s->sock) return;
  if (is_error(note)) {
    w.print(node, std::string("download: ") + (s->connected ? "recv: " : "connect: ") + error_text(note) +
                      (s->received ? " (" + plural(s->received, "byte", "bytes") + " received)" : ""),
            sid(w, node, sock));
    finish(w, node, pid);
    return;
  }
  if (note == TcpNote::Connected && !s->connected) {
    s->connected = true;
    w.print(node, "download: connected to " + to_string(s->server) + ", asking for " + s->file,
            sid(w, node, sock));
    const std::string req = s->file + "\n";
    std::string error;
    if (tcp_send(w, node, sock, wire::ByteView(reinterpret_cast<const uint8_t*>(req.data()), req.size()),
                 error) < 0) {
      w.print(node, "download: " + error, sid(w, node, sock));
      finish(w, node, pid);
      return;
    }
  }
  while (has_data(w, node, sock)) {
    const size_t n = tcp_recv(w, node, sock, kReadMax).size();
    if (!(s = state<DownloadProgram>(w, node, pid))) return;
    s->received += n;
  }
  if (!at_eof(w, node, sock)) return;
  if (!(s = state<DownloadProgram>(w, node, pid))) return;
  const Time t = w.now() - s->started;
  w.print(node, "download: " + s->file + ": " + plural(s->received, "byte", "bytes") + " in " +
                    format_elapsed(t) + " (" + format_rate(s->received, t) + ")",
          sid(w, node, sock));
  // The server closed first (its side goes to TIME_WAIT); our close() answers its FIN.
  close_quietly(w, node, sock);
  finish(w, node, pid);
}

// ---- bulk-send -----------------------------------------------------------------------------------

void bulk_send_fill(World& w, int32_t node, int32_t pid) {
  static const std::string kPattern = "0123456789";
  for (;;) {
    BulkSendProgram* s = state<BulkSendProgram>(w, node, pid);
    if (!s) return;
    const int32_t sock = s->sock;
    if (s->limited && s->queued >= s->total) {
      w.print(node, "bulk-send: all " + plural(s->total, "byte", "bytes") + " queued, closing",
              sid(w, node, sock));
      close_quietly(w, node, sock);
      finish(w, node, pid);
      return;
    }
    size_t want = send_size(w, node, sock);
    if (s->limited) want = static_cast<size_t>(std::min<uint64_t>(want, s->total - s->queued));
    const wire::Bytes data = filler(kPattern, s->queued, want);
    std::string error;
    const int64_t n = tcp_send(w, node, sock, data, error);
    if (!(s = state<BulkSendProgram>(w, node, pid))) return;
    if (n < 0) {
      w.print(node, "bulk-send: " + error + " (" + plural(s->queued, "byte", "bytes") + " queued)",
              sid(w, node, sock));
      finish(w, node, pid);
      return;
    }
    s->queued += static_cast<uint64_t>(n);
    if (static_cast<size_t>(n) < want) return;  // full: wait for Writable
  }
}

void bulk_send_note(World& w, int32_t node, int32_t pid, int32_t sock, TcpNote note) {
  BulkSendProgram* s = state<BulkSendProgram>(w, node, pid);
  if (!s || sock != s->sock) return;
  if (is_error(note)) {
    w.print(node, std::string("bulk-send: ") + (s->connected ? "send: " : "connect: ") + error_text(note) +
                      (s->connected ? " (" + plural(s->queued, "byte", "bytes") + " queued)" : ""),
            sid(w, node, sock));
    finish(w, node, pid);
    return;
  }
  if (note == TcpNote::Connected && !s->connected) {
    s->connected = true;
    w.print(node, "bulk-send: connected to " + to_string(s->to) + ", sending " +
                      (s->limited ? plural(s->total, "byte", "bytes") : std::string("until the end of the run")),
            sid(w, node, sock));
    bulk_send_fill(w, node, pid);
  } else if (note == TcpNote::Writable) {
    if (s->connected) bulk_send_fill(w, node, pid);
  } else if (note == TcpNote::Readable) {
    // Nothing is expected back; whatever comes is read and dropped so the window stays open.
    while (has_data(w, node, sock)) tcp_recv(w, node, sock, kReadMax);
  } else if (note == TcpNote::Eof) {
    w.print(node, "bulk-send: the peer closed the connection after " + plural(s->queued, "byte", "bytes") +
                      " were queued",
            sid(w, node, sock));
    close_quietly(w, node, sock);
    finish(w, node, pid);
  }
}

// ---- requests ------------------------------------------------------------------------------------


void requests_connect(World& w, int32_t node, int32_t pid) {
  RequestsProgram* s = state<RequestsProgram>(w, node, pid);
  if (!s) return;
  TcpOpenOptions o;
  o.owner = pid;
  std::string error;
  const Endpoint to = s->to;
  const int32_t sock = tcp_connect(w, node, to, o, error);
  if (!(s = state<RequestsProgram>(w, node, pid))) return;
  if (sock < 0) {
    w.print(node, "requests: " + error);
    finish(w, node, pid);
    return;
  }
  s->sock = sock;
  s->connected = false;
  s->connections++;
  s->request_started = w.now();
}

// Queues what is left of the current request.
void requests_send(World& w, int32_t node, int32_t pid) {
  for (;;) {
    RequestsProgram* s = state<RequestsProgram>(w, node, pid);
    if (!s || s->req_queued >= s->size) return;
    const int32_t sock = s->sock;
    const size_t want = static_cast<size_t>(std::min<uint64_t>(s->size - s->req_queued, send_size(w, node, sock)));
    const wire::Bytes data = filler(request_pattern(s->done + 1), s->req_queued, want);
    std::string error;
    const int64_t n = tcp_send(w, node, sock, data, error);
    if (!(s = state<RequestsProgram>(w, node, pid))) return;
    if (n < 0) {
      w.print(node, "requests: " + error, sid(w, node, sock));
      finish(w, node, pid);
      return;
    }
    s->req_queued += static_cast<uint64_t>(n);
    if (static_cast<size_t>(n) < want) return;  // full: wait for Writable
  }
}

void requests_start_request(World& w, int32_t node, int32_t pid) {
  RequestsProgram* s = state<RequestsProgram>(w, node, pid);
  if (!s) return;
  s->req_queued = 0;
  s->awaiting = s->size;
  if (s->reuse) s->request_started = w.now();  // otherwise it started with its connect()
  requests_send(w, node, pid);
}

void requests_summary(World& w, int32_t node, int32_t pid) {
  RequestsProgram* s = state<RequestsProgram>(w, node, pid);
  if (!s) return;
  const int32_t sock = s->sock;
  w.print(node, "requests: " + plural(s->count, "request", "requests") + " of " +
                    plural(s->size, "byte", "bytes") + " over " +
                    plural(s->connections, "connection", "connections") + ": " +
                    format_elapsed(w.now() - s->started),
          sid(w, node, sock));
  if (s->mismatched)
    w.print(node, "requests: " + plural(s->mismatched, "byte", "bytes") +
                      " of the responses differ from the requests",
            sid(w, node, sock));
}

// Reads the response; when it is complete, starts the next request (on this connection,
// or on a new one after closing this one) or, after the last, reports and closes.
void requests_read(World& w, int32_t node, int32_t pid) {
  for (;;) {
    RequestsProgram* s = state<RequestsProgram>(w, node, pid);
    if (!s) return;
    const int32_t sock = s->sock;
    if (s->awaiting == 0 || !has_data(w, node, sock)) break;
    const wire::Bytes got = tcp_recv(w, node, sock, static_cast<size_t>(std::min<uint64_t>(s->awaiting, kReadMax)));
    if (!(s = state<RequestsProgram>(w, node, pid))) return;
    const wire::Bytes want = filler(request_pattern(s->done + 1), s->size - s->awaiting, got.size());
    for (size_t i = 0; i < got.size(); ++i) s->mismatched += got[i] != want[i];
    s->awaiting -= got.size();
    if (s->awaiting > 0) continue;

    s->done++;
    if (s->count <= 5)
      w.print(node, "requests: request " + std::to_string(s->done) + ": " + plural(s->size, "byte", "bytes") +
                        " echoed in " + format_elapsed(w.now() - s->request_started),
              sid(w, node, sock));
    if (s->done >= s->count) {
      requests_summary(w, node, pid);
      close_quietly(w, node, sock);
      finish(w, node, pid);
      return;
    }
    if (s->reuse) {
      requests_start_request(w, node, pid);
    } else {
      // A short connection: the client closes after its one exchange (so the client side
      // goes to TIME_WAIT), and the next request pays for a new handshake.
      close_quietly(w, node, sock);
      requests_connect(w, node, pid);
      return;
    }
  }
  RequestsProgram* s = state<RequestsProgram>(w, node, pid);
  if (s && at_eof(w, node, s->sock)) {
    const int32_t sock = s->sock;
    w.print(node, "requests: the server closed the connection after " +
                      plural(s->done, "response", "responses") + " of " + std::to_string(s->count),
            sid(w, node, sock));
    close_quietly(w, node, sock);
    finish(w, node, pid);
  }
}

void requests_note(World& w, int32_t node, int32_t pid, int32_t sock, TcpNote note) {
  RequestsProgram* s = state<RequestsProgram>(w, node, pid);
  if (!s || sock != s->sock) return;  // an earlier connection, already closed by us
  if (is_error(note)) {
    w.print(node, std::string("requests: ") + (s->connected ? "recv: " : "connect: ") + error_text(note) +
                      " (" + std::to_string(s->done) + " of " + std::to_string(s->count) + " done)",
            sid(w, node, sock));
    finish(w, node, pid);
    return;
  }
  switch (note) {
    case TcpNote::Connected:
      if (!s->connected) {
        s->connected = true;
        requests_start_request(w, node, pid);
      }
      break;
    case TcpNote::Writable:
      requests_send(w, node, pid);
      break;
    case TcpNote::Readable:
    case TcpNote::Eof:
      requests_read(w, node, pid);
      break;
    default:
      break;
  }
}

template <class S>
int32_t new_program(World& w, int32_t node, S s) {
  return add_program(w.node(node), ProgramState{std::move(s)});
}

// connect() for the client programs; prints the error and ends the program on failure.
int32_t client_connect(World& w, int32_t node, int32_t pid, Endpoint to, const char* name) {
  TcpOpenOptions o;
  o.owner = pid;
  std::string error;
  const int32_t sock = tcp_connect(w, node, to, o, error);
  if (sock < 0) {
    w.print(node, std::string(name) + ": " + error);
    finish(w, node, pid);
  }
  return sock;
}

}  // namespace

// ---- entry points ---------------------------------------------------------------------------------

void echo_server_start(World& w, int32_t node, const CmdAppEchoServer& cmd) {
  EchoServerProgram s;
  s.port = cmd.port;
  const int32_t pid = new_program(w, node, std::move(s));
  open_listener<EchoServerProgram>(w, node, pid, cmd.port, "echo-server");
}

void file_server_start(World& w, int32_t node, const CmdAppFileServer& cmd) {
  FileServerProgram s;
  s.port = cmd.port;
  s.files = cmd.files;
  const int32_t pid = new_program(w, node, std::move(s));
  if (!open_listener<FileServerProgram>(w, node, pid, cmd.port, "file-server")) return;
  std::string list;
  for (const auto& [name, bytes] : cmd.files)
    list += (list.empty() ? "" : ", ") + name + " (" + plural(bytes, "byte", "bytes") + ")";
  w.print(node, "file-server: serving " + list);
}

void download_start(World& w, int32_t node, const CmdAppDownload& cmd) {
  DownloadProgram s;
  s.server = cmd.from;
  s.file = cmd.file;
  s.started = w.now();
  const int32_t pid = new_program(w, node, std::move(s));
  const int32_t sock = client_connect(w, node, pid, cmd.from, "download");
  if (DownloadProgram* p = state<DownloadProgram>(w, node, pid)) p->sock = sock;
}

void bulk_sink_start(World& w, int32_t node, const CmdAppBulkSink& cmd) {
  BulkSinkProgram s;
  s.port = cmd.port;
  const int32_t pid = new_program(w, node, std::move(s));
  open_listener<BulkSinkProgram>(w, node, pid, cmd.port, "bulk-sink");
}

void bulk_send_start(World& w, int32_t node, const CmdAppBulkSend& cmd) {
  BulkSendProgram s;
  s.to = cmd.to;
  s.limited = cmd.bytes.has_value();
  s.total = cmd.bytes.value_or(0);
  const int32_t pid = new_program(w, node, std::move(s));
  const int32_t sock = client_connect(w, node, pid, cmd.to, "bulk-send");
  if (BulkSendProgram* p = state<BulkSendProgram>(w, node, pid)) p->sock = sock;
}

void requests_start(World& w, int32_t node, const CmdAppRequests& cmd) {
  RequestsProgram s;
  s.to = cmd.to;
  s.count = cmd.count;
  s.size = cmd.size;
  s.reuse = cmd.reuse;
  s.started = w.now();
  const int32_t pid = new_program(w, node, std::move(s));
  requests_connect(w, node, pid);
}

void tcp_app_note(World& w, int32_t node, Program& p, int32_t sock, TcpNote note) {
  // `p` may move during the calls below (a TCP call can start another note): only the
  // id is kept, and each handler looks the program up again.
  const int32_t pid = p.id;
  const ProgramState& st = p.state;
  if (std::holds_alternative<EchoServerProgram>(st)) echo_note(w, node, pid, sock, note);
  else if (std::holds_alternative<FileServerProgram>(st)) file_note(w, node, pid, sock, note);
  else if (std::holds_alternative<DownloadProgram>(st)) download_note(w, node, pid, sock, note);
  else if (std::holds_alternative<BulkSinkProgram>(st)) sink_note(w, node, pid, sock, note);
  else if (std::holds_alternative<BulkSendProgram>(st)) bulk_send_note(w, node, pid, sock, note);
  else if (std::holds_alternative<RequestsProgram>(st)) requests_note(w, node, pid, sock, note);
}

// The TCP programs are driven by their sockets alone; none arms a timer (a stray one,
// e.g. from a snapshot of an older build, is simply ignored).
}  // namespace tcplab
