// What the console prints for sockets it owns (those opened by `tcp …` commands): a
// blocking program's view of its calls — connect() returning, accept() returning, data
// read as it arrives (--read auto) or when `tcp recv` asks (--read manual), and errors
// with their errno text ("connect: Connection refused").
#include <algorithm>

#include "sim/core/show_data.h"
#include "sim/proto/tcp_internal.h"

namespace tcplab {
using namespace tcp_detail;

namespace {

void say(World& w, int32_t node, int32_t si, const std::string& text) {
  const TcpSocket& s = sock(w, node, si);
  w.print(node, tcp_socket_label(s) + ": " + text, tcp_sock_id(s));
}

std::string bytes_word(size_t n) { return std::to_string(n) + (n == 1 ? " byte" : " bytes"); }

void print_received(World& w, int32_t node, int32_t si, const wire::Bytes& data, const char* call) {
  say(w, node, si, std::string(call) + bytes_word(data.size()) + " " + show_data(data));
}

// Pending `tcp recv` calls take what is buffered, in call order.
void serve_readers(World& w, int32_t node, int32_t si) {
  while (true) {
    TcpSocket& s = sock(w, node, si);
    if (s.readers.empty()) return;
    if (!s.recv_buf.empty()) {
      const uint32_t max = s.readers.front();
      s.readers.pop_front();
      const wire::Bytes data = tcp_recv(w, node, si, max);
      print_received(w, node, si, data, "recv returned ");
    } else if (s.fin_received || !s.open()) {
      s.readers.pop_front();
      say(w, node, si, s.error.empty() ? "recv returned 0: the peer closed its side"
                                       : "recv: " + s.error);
    } else {
      return;
    }
  }
}

// Hands the send buffer the waiting `tcp send` bytes, made only now: one more than it has
// room for, so that tcp_send sees data left over and asks to be told when space frees.
void push_unsent(World& w, int32_t node, int32_t si) {
  TcpSocket& s = sock(w, node, si);
  if (s.console_unsent.empty()) return;
  const wire::Bytes part = s.console_unsent.peek(tcp_send_space(s) + 1);
  std::string error;
  const int64_t n = tcp_send(w, node, si, part, error);
  TcpSocket& t = sock(w, node, si);
  if (n < 0) {
    t.console_unsent.clear();
    say(w, node, si, error);
    return;
  }
  t.console_unsent.consume(static_cast<uint64_t>(n));
  if (t.console_unsent.empty())
    say(w, node, si, "send returned " + std::to_string(t.console_send_total) + ": all of it is in the send buffer");
}

}  // namespace

void tcp_console_note(World& w, int32_t node, int32_t si, TcpNote note) {
  TcpSocket& s = sock(w, node, si);
  switch (note) {
    case TcpNote::Connected:
      say(w, node, si, "connected to " + endpoint_string(s.remote_addr, s.remote_port) + " from " +
                           endpoint_string(s.local_addr, s.local_port));
      return;
    case TcpNote::Incoming: {
      if (s.manual_accept && s.console_accepts == 0) {
        const TcpSocket& c = sock(w, node, s.accept_queue.back());
        say(w, node, si, "a connection from " + endpoint_string(c.remote_addr, c.remote_port) +
                             " waits in the accept queue (" + std::to_string(s.accept_queue.size()) + " of " +
                             std::to_string(s.backlog + 1) + "); `tcp accept` takes it");
        return;
      }
      // accept() as many times as the console asked (or always, without
      // --manual-accept). The accept line is printed before accept() runs, because
      // accept() hands over data that arrived meanwhile and that prints too.
      while (true) {
        TcpSocket& l = sock(w, node, si);
        if (l.accept_queue.empty() || (l.manual_accept && l.console_accepts == 0)) return;
        if (l.manual_accept) l.console_accepts--;
        const TcpSocket& c = sock(w, node, l.accept_queue.front());
        w.print(node, tcp_socket_label(l) + ": accepted " + tcp_socket_label(c) + " from " +
                          endpoint_string(c.remote_addr, c.remote_port),
                tcp_sock_id(l));
        tcp_accept(w, node, si, /*owner=*/-1);
      }
    }
    case TcpNote::Readable:
      if (s.auto_read) {
        const wire::Bytes data = tcp_recv(w, node, si, SIZE_MAX);
        if (!data.empty()) print_received(w, node, si, data, "received ");
      } else {
        serve_readers(w, node, si);
      }
      return;
    case TcpNote::Eof:
      if (s.auto_read) say(w, node, si, "the peer closed its side (recv returns 0)");
      else serve_readers(w, node, si);
      return;
    case TcpNote::Writable:
      push_unsent(w, node, si);
      return;
    case TcpNote::Refused:
      say(w, node, si, "connect: Connection refused");
      return;
    case TcpNote::Reset:
      if (!s.released) say(w, node, si, "recv: Connection reset by peer");
      serve_readers(w, node, si);
      return;
    case TcpNote::TimedOut:
      if (!s.released) say(w, node, si, s.irs == SeqNum() && s.rcv_nxt == SeqNum() ? "connect: Connection timed out"
                                                                                  : "Connection timed out");
      serve_readers(w, node, si);
      return;
    case TcpNote::Closed:
      return;
  }
}

void tcp_console_recv(World& w, int32_t node, int32_t si, std::optional<uint32_t> max) {
  TcpSocket& s = sock(w, node, si);
  if (s.state == TcpState::Listen) {
    say(w, node, si, "recv: Transport endpoint is not connected");
    return;
  }
  s.readers.push_back(max.value_or(65536));
  serve_readers(w, node, si);
  const TcpSocket& t = sock(w, node, si);
  if (!t.readers.empty() && t.recv_buf.empty())
    say(w, node, si, "recv waits: the receive buffer is empty");
}

// Used by commands.cpp for `tcp send`: a blocking send() queues everything eventually.
void tcp_console_send(World& w, int32_t node, int32_t si, const std::string& text,
                      std::optional<uint32_t> bytes) {
  TcpSocket& s = sock(w, node, si);
  const uint64_t size = bytes ? *bytes : text.size();
  if (!s.console_unsent.empty()) {
    s.console_unsent.push(text, bytes);
    s.console_send_total += size;
    return;
  }
  PendingPayload data;
  data.push(text, bytes);
  std::string error;
  const int64_t n = tcp_send(w, node, si, data.peek(tcp_send_space(s) + 1), error);
  if (n < 0) {
    say(w, node, si, error);
    return;
  }
  TcpSocket& t = sock(w, node, si);
  if (static_cast<uint64_t>(n) == size) {
    say(w, node, si, "send returned " + std::to_string(n));
    return;
  }
  data.consume(static_cast<uint64_t>(n));
  t.console_unsent = std::move(data);
  t.console_send_total = size;
  say(w, node, si, "send blocks: " + bytes_word(static_cast<size_t>(n)) + " of " + std::to_string(size) +
                       " fit in the send buffer; the rest follows as ACKs free it");
}

}  // namespace tcplab
