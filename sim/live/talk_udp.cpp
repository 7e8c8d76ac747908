// `tcplab live udp send` and `tcplab live udp recv`: the course notes' UDP client
// (sendto, then recvfrom) and server (bind, recvfrom, sendto back to the sender), on
// real sockets, printed in the simulator's words (sim/proto/udp.cpp): one datagram per
// recvfrom, and a datagram longer than the buffer truncated, the rest discarded
// (MSG_TRUNC; TCP-REFERENCE.md §4.6).
#include <netinet/ip.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "sim/core/show_data.h"
#include "sim/live/netns.h"
#include "sim/live/talk_internal.h"

namespace tcplab::live::talk {
namespace {

const Ipv4 kLoopback = Ipv4::of(127, 0, 0, 1);

struct Datagram {
  std::vector<uint8_t> data;  // what recvfrom copied
  size_t length = 0;          // the datagram's real length
  Endpoint from;
};

enum class Io { Done, Stopped, Failed };

// A blocking recvfrom(fd, buf, bufsize). recvmsg with the MSG_TRUNC flag returns the
// datagram's real length even when only `bufsize` bytes were copied (recv(2)).
Io recv_datagram(Observer& obs, int fd, uint32_t bufsize, Datagram& d, int& error) {
  d.data.resize(bufsize);
  while (true) {
    sockaddr_in from{};
    iovec iov{d.data.data(), d.data.size()};
    msghdr msg{};
    msg.msg_name = &from;
    msg.msg_namelen = sizeof from;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    const ssize_t n = ::recvmsg(fd, &msg, MSG_TRUNC);
    if (n >= 0) {
      d.length = static_cast<size_t>(n);
      d.data.resize(std::min<size_t>(bufsize, d.length));
      d.from = from_sockaddr(from);
      return Io::Done;
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      error = errno;
      return Io::Failed;
    }
    if (stop_requested()) return Io::Stopped;
    wait_once(obs, fd, POLLIN);
  }
}

// "recvfrom(5) on 127.0.0.1:2000: 5 bytes "howar" from 127.0.0.1:46013 [truncated: the
// datagram had 6 bytes; 1 byte was discarded]", as the simulator's udp_recvfrom says it.
std::string recvfrom_line(uint32_t bufsize, Endpoint local, const Datagram& d) {
  std::string line = "recvfrom(" + std::to_string(bufsize) + ") on " + to_string(local) + ": " +
                     bytes_word(d.data.size()) + " " + show_data(d.data) + " from " + to_string(d.from);
  if (d.data.size() < d.length) {
    const size_t lost = d.length - d.data.size();
    line += " [truncated: the datagram had " + bytes_word(d.length) + "; " + std::to_string(lost) +
            (lost == 1 ? " byte was" : " bytes were") + " discarded]";
  }
  return line;
}

std::string waiting_line(uint32_t bufsize, Endpoint local) {
  return "recvfrom(" + std::to_string(bufsize) + ") on " + to_string(local) + ": waiting for a datagram…";
}

bool send_to(int fd, Endpoint to, const std::string& text, int& error) {
  const sockaddr_in a = to_sockaddr(to);
  if (::sendto(fd, text.data(), text.size(), 0, reinterpret_cast<const sockaddr*>(&a), sizeof a) < 0) {
    error = errno;
    return false;
  }
  return true;
}

// A UDP socket bound to `local` (port 0: an ephemeral one). -1 with `what` on failure.
int open_udp(Endpoint local, std::string& what) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    what = "socket: " + errno_text(errno);
    return -1;
  }
  const sockaddr_in a = to_sockaddr(local);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) < 0) {
    what = "bind: " + errno_text(errno);
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

int run_udp_send(const UdpSendArgs& a, std::ostream& out, std::ostream& err) {
  Observer obs("tcplab live udp send", out, err);
  const bool loopback = classify(a.to.addr) == AddressKind::Loopback;
  std::string what;
  Fd fd(open_udp(Endpoint{loopback ? kLoopback : Ipv4(0), 0}, what));
  if (fd.get() < 0) {
    obs.fail(what);
    return 1;
  }
  // Report an ICMP port unreachable to recvfrom (ECONNREFUSED) instead of waiting
  // forever: without IP_RECVERR an unconnected socket never hears of it (udp(7);
  // net/ipv4/udp.c __udp4_lib_err()).
  const int one = 1;
  ::setsockopt(fd.get(), IPPROTO_IP, IP_RECVERR, &one, sizeof one);
  const Endpoint local = local_endpoint(fd.get());
  if (loopback)
    obs.capture_ports({}, {local.port});
  else
    obs.no_capture("only loopback traffic is captured (on lo)");
  obs.say("UDP socket bound to " + to_string(local));

  int error = 0;
  const Time called = realtime_now();
  if (!send_to(fd.get(), a.to, a.text, error)) {
    obs.fail("sendto: " + errno_text(error));
    return 1;
  }
  obs.say_at(called, "sendto " + to_string(a.to) + " from " + to_string(local) + ": " + bytes_word(a.text.size()));
  if (a.recv) {
    obs.say(waiting_line(*a.recv, local));
    Datagram d;
    const Io io = recv_datagram(obs, fd.get(), *a.recv, d, error);
    if (io == Io::Stopped) {
      obs.finish();
      return stopped_exit_code();
    }
    if (io == Io::Failed) {
      std::string text = "recvfrom: " + errno_text(error);
      if (error == ECONNREFUSED)
        text += " (an ICMP port unreachable came back: nothing listens on " + to_string(a.to) +
                "; a program without IP_RECVERR would wait forever)";
      obs.fail(text);
      return 1;
    }
    obs.say(recvfrom_line(*a.recv, local, d));
  }
  obs.finish();
  return 0;
}

int run_udp_recv(const UdpRecvArgs& a, std::ostream& out, std::ostream& err) {
  Observer obs("tcplab live udp recv", out, err);
  // A datagram may arrive the moment the port is bound: capture from before, when
  // the port is known (port 0: nobody can know it before it is printed).
  if (a.port != 0) obs.capture_ports({}, {a.port});
  std::string what;
  Fd fd(open_udp(Endpoint{a.allow_remote ? Ipv4(0) : kLoopback, a.port}, what));
  if (fd.get() < 0) {
    obs.fail(what);
    return 1;
  }
  const Endpoint local = local_endpoint(fd.get());
  if (a.port == 0) obs.capture_ports({}, {local.port});
  obs.say("UDP socket bound to " + to_string(local));

  while (true) {
    obs.say(waiting_line(a.bufsize, local));
    Datagram d;
    int error = 0;
    const Io io = recv_datagram(obs, fd.get(), a.bufsize, d, error);
    if (io == Io::Stopped) {
      obs.finish();
      return stopped_exit_code();
    }
    if (io == Io::Failed) {
      obs.fail("recvfrom: " + errno_text(error));
      return 1;
    }
    obs.say(recvfrom_line(a.bufsize, local, d));
    if (a.reply) {
      // The course's server.sendto(data, client_addr): back to whoever sent it.
      const Time called = realtime_now();
      if (send_to(fd.get(), d.from, *a.reply, error))
        obs.say_at(called, "sendto " + to_string(d.from) + " from " + to_string(local) + ": " + bytes_word(a.reply->size()) +
                " (a reply to the last sender)");
      else
        obs.say("sendto: " + errno_text(error));
    }
    if (a.once) break;
  }
  obs.finish();
  return 0;
}

}  // namespace tcplab::live::talk
