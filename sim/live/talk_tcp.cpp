// `tcplab live connect` and `tcplab live listen`: a TCP client and an iterative TCP
// server on real non-blocking sockets, printing their calls in the simulator's words
// (sim/proto/tcp_console.cpp: "connected to … from …", "received 5 bytes \"hello\"")
// beside the observer's segments and kernel states.
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "sim/core/show_data.h"
#include "sim/live/netns.h"
#include "sim/live/talk_internal.h"

namespace tcplab::live::talk {
namespace {

const Ipv4 kLoopback = Ipv4::of(127, 0, 0, 1);
// How long the kernel's side of a close is followed after close(): on loopback the
// peer's FIN or ACK takes microseconds, so a state still there after this lasts (the
// peer keeps its side open, or TIME_WAIT).
constexpr Time kFollowClose = 1 * kSec;
constexpr int kBacklog = 128;  // listen(fd, 128), as the simulator's default

enum class Io { Done, Stopped, Failed };

std::string received(const std::vector<uint8_t>& buf, size_t n) {
  return bytes_word(n) + " " + show_data(std::span<const uint8_t>(buf.data(), n));
}

// A blocking program's send(): everything, waiting for room when the buffer is full.
Io send_all(Observer& obs, int fd, const std::string& text, std::string& error) {
  const Time called = realtime_now();
  size_t off = 0;
  while (off < text.size()) {
    const ssize_t n = ::send(fd, text.data() + off, text.size() - off, MSG_NOSIGNAL);
    if (n > 0) {
      off += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      error = "send: " + errno_text(errno);
      return Io::Failed;
    }
    if (stop_requested()) return Io::Stopped;
    wait_once(obs, fd, POLLOUT);
  }
  obs.say_at(called, "send returned " + std::to_string(text.size()));
  return Io::Done;
}

// A blocking recv(fd, buf, max): waits for data, EOF or an error. `n` is what it returned.
Io recv_some(Observer& obs, int fd, std::vector<uint8_t>& buf, size_t max, ssize_t& n, std::string& error) {
  buf.resize(max);
  while (true) {
    n = ::recv(fd, buf.data(), max, 0);
    if (n >= 0) return Io::Done;
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      error = "recv: " + errno_text(errno);
      return Io::Failed;
    }
    if (stop_requested()) return Io::Stopped;
    wait_once(obs, fd, POLLIN);
  }
}

// close() and what the kernel then does with the connection.
bool close_and_follow(Observer& obs, Fd& fd, Endpoint local, Endpoint remote) {
  int unread = 0;
  ::ioctl(fd.get(), FIONREAD, &unread);
  const Time called = realtime_now();
  fd.reset();
  // Linux resets a connection closed with data unread (RFC 2525 §2.17; tcp_close()):
  // the peer sees an RST, not a FIN.
  obs.say_at(called, unread > 0 ? "close() with " + bytes_word(static_cast<size_t>(unread)) +
                                      " unread: the kernel resets the connection (RST) instead of a FIN"
                                : std::string("close()"));
  obs.sample();
  return follow_close(obs, local, remote, kFollowClose);
}

int stopped(Observer& obs) {
  obs.finish();
  return stopped_exit_code();
}

}  // namespace

void Fd::reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

sockaddr_in to_sockaddr(Endpoint e) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(e.addr.v);
  a.sin_port = htons(e.port);
  return a;
}

Endpoint from_sockaddr(const sockaddr_in& a) { return Endpoint{Ipv4(ntohl(a.sin_addr.s_addr)), ntohs(a.sin_port)}; }

Endpoint local_endpoint(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  return from_sockaddr(a);
}

int run_connect(const ConnectArgs& a, std::ostream& out, std::ostream& err) {
  Observer obs("tcplab live connect", out, err);
  const bool loopback = classify(a.to.addr) == AddressKind::Loopback;
  Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) {
    obs.fail("socket: " + errno_text(errno));
    return 1;
  }
  // Bound before connect() so that the port is known before the SYN leaves: the
  // capture filter and the state sampling need it.
  const sockaddr_in any = to_sockaddr(Endpoint{loopback ? kLoopback : Ipv4(0), 0});
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&any), sizeof any) < 0) {
    obs.fail("bind: " + errno_text(errno));
    return 1;
  }
  Endpoint local = local_endpoint(fd.get());
  if (loopback)
    obs.capture_ports({local.port}, {});
  else
    obs.no_capture("only loopback traffic is captured (on lo)");
  obs.follow_tcp(local.port, false);

  obs.say("connecting to " + to_string(a.to) + " from " + to_string(local));
  const sockaddr_in to = to_sockaddr(a.to);
  const Time called = realtime_now();
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&to), sizeof to) < 0) {
    if (errno != EINPROGRESS) {
      obs.fail("connect: " + errno_text(errno));
      return 1;
    }
    local = local_endpoint(fd.get());
    // A non-blocking connect() in progress: the SYN is out (SYN_SENT) — a state that
    // lasts microseconds on loopback, shorter than any sampling could catch.
    obs.note_state(local, a.to, kernel_tcp::syn_sent, called);
    while (true) {
      if (stop_requested()) return stopped(obs);
      if (wait_once(obs, fd.get(), POLLOUT) != 0) break;
    }
    int so_error = 0;
    socklen_t len = sizeof so_error;
    ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &so_error, &len);
    if (so_error != 0) {
      obs.sample();
      obs.fail("connect: " + errno_text(so_error));
      return 1;
    }
  }
  local = local_endpoint(fd.get());
  obs.sample();
  obs.say("connected to " + to_string(a.to) + " from " + to_string(local));

  std::vector<uint8_t> buf;
  std::string error;
  bool peer_closed = false;
  for (const TcpAction& act : a.actions) {
    Io io = Io::Done;
    switch (act.kind) {
      case TcpAction::Send:
        io = send_all(obs, fd.get(), act.text, error);
        break;
      case TcpAction::Recv: {
        ssize_t n = 0;
        io = recv_some(obs, fd.get(), buf, act.max, n, error);
        if (io != Io::Done) break;
        if (n > 0) {
          obs.say("recv returned " + received(buf, static_cast<size_t>(n)));
        } else {
          obs.sample();
          obs.say("recv returned 0: the peer closed its side");
          peer_closed = true;
        }
        break;
      }
      case TcpAction::Close:
        // The parser refuses actions after --close: this is the last one.
        if (!close_and_follow(obs, fd, local, a.to)) return stopped(obs);
        obs.finish();
        return 0;
    }
    if (io == Io::Stopped) return stopped(obs);
    if (io == Io::Failed) {
      obs.sample();
      obs.fail(error);
      return 1;
    }
  }

  // No --close: like a program that reads until the peer closes, then closes too.
  while (!peer_closed) {
    ssize_t n = 0;
    const Io io = recv_some(obs, fd.get(), buf, 65536, n, error);
    if (io == Io::Stopped) return stopped(obs);
    if (io == Io::Failed) {
      obs.sample();
      obs.fail(error);
      return 1;
    }
    if (n > 0) {
      obs.say("received " + received(buf, static_cast<size_t>(n)));
    } else {
      obs.sample();
      obs.say("the peer closed its side (recv returns 0)");
      peer_closed = true;
    }
  }
  if (!close_and_follow(obs, fd, local, a.to)) return stopped(obs);
  obs.finish();
  return 0;
}

int run_listen(const ListenArgs& a, std::ostream& out, std::ostream& err) {
  Observer obs("tcplab live listen", out, err);
  Fd lfd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (lfd.get() < 0) {
    obs.fail("socket: " + errno_text(errno));
    return 1;
  }
  // As servers do: a restarted server may bind while its old connections are in TIME_WAIT.
  const int one = 1;
  ::setsockopt(lfd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  const sockaddr_in addr = to_sockaddr(Endpoint{a.allow_remote ? Ipv4(0) : kLoopback, a.port});
  if (::bind(lfd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) < 0) {
    obs.fail("bind: " + errno_text(errno));
    return 1;
  }
  const Endpoint local = local_endpoint(lfd.get());
  obs.capture_ports({local.port}, {});
  obs.follow_tcp(local.port, true);
  if (::listen(lfd.get(), kBacklog) < 0) {
    obs.fail("listen: " + errno_text(errno));
    return 1;
  }
  obs.note_state(local, Endpoint{}, kernel_tcp::listen, realtime_now());
  obs.say("listening on " + to_string(local) + " (backlog " + std::to_string(kBacklog) + ")");

  std::vector<uint8_t> buf;
  while (true) {
    if (stop_requested()) return stopped(obs);
    if (!(wait_once(obs, lfd.get(), POLLIN) & POLLIN)) continue;
    sockaddr_in peer_addr{};
    socklen_t len = sizeof peer_addr;
    Fd cfd(::accept4(lfd.get(), reinterpret_cast<sockaddr*>(&peer_addr), &len, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (cfd.get() < 0) continue;  // the client went away before accept(): wait for the next
    const Endpoint peer = from_sockaddr(peer_addr);
    const Endpoint me = local_endpoint(cfd.get());
    obs.sample();
    obs.say("accepted a connection from " + to_string(peer));

    std::string error;
    Io io = Io::Done;
    if (a.reply) {
      io = send_all(obs, cfd.get(), *a.reply, error);
      if (io == Io::Failed) obs.say(error);  // the client's trouble, not the server's
    }
    while (io == Io::Done) {
      ssize_t n = 0;
      io = recv_some(obs, cfd.get(), buf, 65536, n, error);
      if (io == Io::Failed) {
        obs.sample();
        obs.say(error);
      } else if (io == Io::Done && n > 0) {
        obs.say("received " + received(buf, static_cast<size_t>(n)));
      } else if (io == Io::Done) {
        obs.sample();
        obs.say("the peer closed its side (recv returns 0)");
        break;
      }
    }
    if (io == Io::Stopped) return stopped(obs);
    if (!close_and_follow(obs, cfd, me, peer)) return stopped(obs);
    if (a.once) break;
  }
  obs.finish();
  return 0;
}

}  // namespace tcplab::live::talk
