// `tcplab live connect|listen|udp` (sim/live/talk.h) run in-process against tiny
// programs the tests start on threads with plain sockets: what the user sees printed,
// the order of the actions, truncated datagrams, the exit codes and messages of
// failures and bad input, and a clean stop on SIGINT. As root (CI) each test runs in a
// private network namespace (tests/live_private_netns.h) and the ladder lines of the
// captured segments are checked too.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "sim/live/netns.h"
#include "sim/live/talk.h"
#include "tests/live_private_netns.h"

using namespace tcplab;
using namespace tcplab::live;

namespace {

struct Result {
  int code = -1;
  std::string out, err;
};

Result talk(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  Result r;
  r.code = live_talk(args, out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

sockaddr_in loopback(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  return a;
}

uint16_t port_of(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  return ntohs(a.sin_port);
}

// A socket of `type` bound to 127.0.0.1 on a port the kernel picked.
int bound_socket(int type) {
  const int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
  sockaddr_in a = loopback(0);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  return fd;
}

// A port nobody holds right now (bound, read back, released).
uint16_t free_port(int type) {
  const int fd = bound_socket(type);
  const uint16_t p = port_of(fd);
  ::close(fd);
  return p;
}

std::string read_some(int fd) {
  char buf[256];
  const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

void read_until_eof(int fd) {
  while (!read_some(fd).empty()) {
  }
}

// Where `needle` starts in `text`, or npos; with CHECKs, so a miss names the line.
size_t at(const std::string& text, const std::string& needle) {
  const size_t p = text.find(needle);
  CHECK_MESSAGE(p != std::string::npos, "missing: " << needle << "\n--- output:\n" << text);
  return p;
}

bool can_capture() { return ::geteuid() == 0; }

}  // namespace

TEST_SUITE("live talk") {
  TEST_CASE("connect, send, recv and close against a local server") {
    test::in_private_netns([] {
      const int lfd = bound_socket(SOCK_STREAM);
      ::listen(lfd, 5);
      const uint16_t port = port_of(lfd);
      std::string server_got;
      std::thread server([&] {
        const int c = ::accept(lfd, nullptr, nullptr);
        server_got = read_some(c);  // "hi"
        ::send(c, "hello", 5, MSG_NOSIGNAL);
        read_until_eof(c);          // the client's FIN
        ::close(c);                 // ours: the client goes to TIME_WAIT
      });
      const std::string to = "127.0.0.1:" + std::to_string(port);
      const Result r = talk({"connect", to, "--send", "hi", "--recv", "10", "--close"});
      server.join();
      ::close(lfd);
      CHECK(r.code == 0);
      CHECK(server_got == "hi");
      const std::string& o = r.out;
      const size_t connecting = at(o, "connecting to " + to + " from 127.0.0.1:");
      const size_t syn_sent = at(o, "state: SYN_SENT\n");
      const size_t established = at(o, "state: SYN_SENT → ESTABLISHED\n");
      const size_t connected = at(o, "connected to " + to + " from 127.0.0.1:");
      const size_t sent = at(o, "send returned 2\n");
      const size_t got = at(o, "recv returned 5 bytes \"hello\"\n");
      const size_t closed = at(o, "close()\n");
      at(o, "→ TIME_WAIT\n");  // sampled: FIN_WAIT1/FIN_WAIT2 may be too short to catch
      const size_t kept = at(o, "the kernel keeps the connection in TIME_WAIT for 60 s, after this program has ended\n");
      CHECK(connecting < syn_sent);
      CHECK(syn_sent < established);
      CHECK(established < connected);
      CHECK(connected < sent);
      CHECK(sent < got);
      CHECK(got < closed);
      CHECK(closed < kept);
      if (can_capture()) {
        // One ladder line per segment, seq/ack relative; loopback's MSS is 65495.
        const size_t syn = at(o, "  → [SYN] seq=0 win=65495 mss=65495");
        const size_t synack = at(o, "  ← [SYN|ACK] seq=0 ack=1 win=");
        const size_t ack = at(o, "  → [ACK] seq=1 ack=1\n");
        const size_t data = at(o, "  → [PSH|ACK] seq=1 ack=1 len=2\n");
        const size_t reply = at(o, "  ← [PSH|ACK] seq=1 ack=3 len=5\n");
        const size_t fin = at(o, "  → [FIN|ACK] seq=3 ack=6\n");
        at(o, "  ← [FIN|ACK] seq=6 ack=4\n");
        at(o, "  → [ACK] seq=4 ack=7\n");
        CHECK(syn_sent < syn);
        CHECK(syn < synack);
        CHECK(synack < ack);
        CHECK(ack < connected);
        CHECK(sent < data);
        CHECK(data < reply);
        CHECK(closed < fin);
        CHECK(r.err.empty());
      } else {
        at(r.err, "tcplab live connect: no segment ladder: cannot capture on lo: ");
        at(r.err, "needs CAP_NET_RAW");
      }
    });
  }

  TEST_CASE("connect runs its actions in the order given on the command line") {
    test::in_private_netns([] {
      const int lfd = bound_socket(SOCK_STREAM);
      ::listen(lfd, 5);
      const std::string to = "127.0.0.1:" + std::to_string(port_of(lfd));
      // The server greets first, then reads one message and answers it: whichever order
      // the client chooses, neither side waits for ever.
      std::thread server([&] {
        for (int i = 0; i < 2; ++i) {
          const int c = ::accept(lfd, nullptr, nullptr);
          ::send(c, "welcome", 7, MSG_NOSIGNAL);
          if (read_some(c) == "hi") ::send(c, "answer", 6, MSG_NOSIGNAL);
          read_until_eof(c);
          ::close(c);
        }
      });
      // --recv first: the greeting is read before anything is sent.
      const Result first = talk({"connect", to, "--recv", "7", "--send", "hi", "--close"});
      // --send first: then the reads take the greeting and the answer.
      const Result second = talk({"connect", to, "--send", "hi", "--recv", "7", "--recv", "6", "--close"});
      server.join();
      ::close(lfd);
      CHECK(first.code == 0);
      CHECK(at(first.out, "recv returned 7 bytes \"welcome\"") < at(first.out, "send returned 2"));
      CHECK(at(first.out, "send returned 2") < at(first.out, "close()"));
      CHECK(second.code == 0);
      const size_t sent = at(second.out, "send returned 2");
      const size_t welcome = at(second.out, "recv returned 7 bytes \"welcome\"");
      const size_t answer = at(second.out, "recv returned 6 bytes \"answer\"");
      CHECK(sent < welcome);
      CHECK(welcome < answer);
      CHECK(answer < at(second.out, "close()"));
    });
  }

  TEST_CASE("connect without --close prints what arrives until the peer closes, then closes") {
    test::in_private_netns([] {
      const int lfd = bound_socket(SOCK_STREAM);
      ::listen(lfd, 5);
      const std::string to = "127.0.0.1:" + std::to_string(port_of(lfd));
      std::thread server([&] {
        const int c = ::accept(lfd, nullptr, nullptr);
        ::send(c, "one", 3, MSG_NOSIGNAL);
        ::close(c);  // the server closes first: the client ends in CLOSE_WAIT, then closes
      });
      const Result r = talk({"connect", to});
      server.join();
      ::close(lfd);
      CHECK(r.code == 0);
      const size_t data = at(r.out, "received 3 bytes \"one\"\n");
      const size_t eof = at(r.out, "the peer closed its side (recv returns 0)\n");
      const size_t closed = at(r.out, "close()\n");
      const size_t gone = at(r.out, "→ CLOSED\n");  // LAST_ACK ends when the server ACKs our FIN
      CHECK(data < eof);
      CHECK(eof < closed);
      CHECK(closed < gone);
    });
  }

  TEST_CASE("listen --reply --once serves one client and stops") {
    test::in_private_netns([] {
      const uint16_t port = free_port(SOCK_STREAM);
      std::string client_got;
      std::thread client([&] {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
        while (std::chrono::steady_clock::now() < deadline) {  // until the listener is up
          const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
          sockaddr_in a = loopback(port);
          if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
            client_got = read_some(fd);  // the reply, sent at once
            ::send(fd, "hello", 5, MSG_NOSIGNAL);
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            ::close(fd);
            return;
          }
          ::close(fd);
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
      });
      const Result r = talk({"listen", std::to_string(port), "--reply", "welcome", "--once"});
      client.join();
      CHECK(r.code == 0);
      CHECK(client_got == "welcome");
      const std::string& o = r.out;
      const size_t listening = at(o, "listening on 127.0.0.1:" + std::to_string(port) + " (backlog 128)\n");
      const size_t accepted = at(o, "accepted a connection from 127.0.0.1:");
      const size_t sent = at(o, "send returned 7\n");
      const size_t got = at(o, "received 5 bytes \"hello\"\n");
      const size_t eof = at(o, "the peer closed its side (recv returns 0)\n");
      const size_t closed = at(o, "close()\n");
      at(o, "state: LISTEN\n");
      at(o, "→ CLOSE_WAIT (peer 127.0.0.1:");  // the server's side of the client's close
      CHECK(listening < accepted);
      CHECK(accepted < sent);
      CHECK(sent < got);
      CHECK(got < eof);
      CHECK(eof < closed);
      if (can_capture()) {
        CHECK(at(o, "  ← [SYN] seq=0 win=65495 mss=65495") < accepted);
        at(o, "  → [PSH|ACK] seq=1 ack=1 len=7\n");
        at(o, "  ← [PSH|ACK] seq=1 ack=8 len=5\n");
      }
    });
  }

  TEST_CASE("udp recv truncates a datagram longer than its buffer and replies to the sender") {
    test::in_private_netns([] {
      const uint16_t port = free_port(SOCK_DGRAM);
      std::string client_got;
      uint16_t client_port = 0;
      std::thread client([&] {
        const int fd = bound_socket(SOCK_DGRAM);
        client_port = port_of(fd);
        sockaddr_in to = loopback(port);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
        // Until the server answers: datagrams sent before it is bound are lost.
        while (client_got.empty() && std::chrono::steady_clock::now() < deadline) {
          ::sendto(fd, "howare", 6, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
          pollfd p{fd, POLLIN, 0};
          if (::poll(&p, 1, 20) > 0) client_got = read_some(fd);
        }
        ::close(fd);
      });
      const Result r = talk({"udp", "recv", std::to_string(port), "--bufsize", "5", "--reply", "howar", "--once"});
      client.join();
      CHECK(r.code == 0);
      CHECK(client_got == "howar");
      const std::string me = "127.0.0.1:" + std::to_string(port);
      const std::string peer = "127.0.0.1:" + std::to_string(client_port);
      const size_t bound = at(r.out, "UDP socket bound to " + me + "\n");
      const size_t waiting = at(r.out, "recvfrom(5) on " + me + ": waiting for a datagram…\n");
      const size_t got = at(r.out, "recvfrom(5) on " + me + ": 5 bytes \"howar\" from " + peer +
                                       " [truncated: the datagram had 6 bytes; 1 byte was discarded]\n");
      const size_t replied = at(r.out, "sendto " + peer + " from " + me + ": 5 bytes (a reply to the last sender)\n");
      CHECK(bound < waiting);
      CHECK(waiting < got);
      CHECK(got < replied);
      if (can_capture()) {
        at(r.out, "  ← UDP " + std::to_string(client_port) + " → " + std::to_string(port) + " len=6\n");
        at(r.out, "  → UDP " + std::to_string(port) + " → " + std::to_string(client_port) + " len=5\n");
      }
    });
  }

  TEST_CASE("udp send, then recvfrom(N) of the answer, truncated") {
    test::in_private_netns([] {
      const int sfd = bound_socket(SOCK_DGRAM);
      const uint16_t port = port_of(sfd);
      std::string server_got;
      std::thread server([&] {
        char buf[64];
        sockaddr_in from{};
        socklen_t len = sizeof from;
        const ssize_t n = ::recvfrom(sfd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
        if (n > 0) server_got.assign(buf, static_cast<size_t>(n));
        ::sendto(sfd, "0123456789", 10, 0, reinterpret_cast<sockaddr*>(&from), len);
      });
      const std::string to = "127.0.0.1:" + std::to_string(port);
      const Result r = talk({"udp", "send", to, "howare", "--recv", "4"});
      server.join();
      ::close(sfd);
      CHECK(r.code == 0);
      CHECK(server_got == "howare");
      const size_t sent = at(r.out, "sendto " + to + " from 127.0.0.1:");
      at(r.out, ": 6 bytes\n");
      const size_t got = at(r.out, ": 4 bytes \"0123\" from " + to +
                                       " [truncated: the datagram had 10 bytes; 6 bytes were discarded]\n");
      CHECK(sent < got);
    });
  }

  TEST_CASE("udp send to a port nobody listens on fails with the ICMP error explained") {
    test::in_private_netns([] {
      const std::string to = "127.0.0.1:" + std::to_string(free_port(SOCK_DGRAM));
      const Result r = talk({"udp", "send", to, "x", "--recv", "10"});
      CHECK(r.code == 1);
      at(r.err, "recvfrom: Connection refused (an ICMP port unreachable came back: nothing listens on " + to);
      if (can_capture()) at(r.out, "  ← ICMP port unreachable for UDP " + to + "\n");
    });
  }

  TEST_CASE("a refused connect says so and exits 1") {
    test::in_private_netns([] {
      // Bound but not listening: the kernel answers the SYN with an RST.
      const int fd = bound_socket(SOCK_STREAM);
      const std::string to = "127.0.0.1:" + std::to_string(port_of(fd));
      const Result r = talk({"connect", to, "--send", "hi"});
      ::close(fd);
      CHECK(r.code == 1);
      at(r.err, "connect: Connection refused\n");
      at(r.out, "state: SYN_SENT\n");
      CHECK(r.out.find("connected to") == std::string::npos);
      if (can_capture()) at(r.out, "  ← [RST|ACK] seq=0 ack=1 win=0\n");
    });
  }

  TEST_CASE("another host needs --allow-remote") {
    for (const std::vector<std::string>& args : {std::vector<std::string>{"connect", "192.0.2.1:80"},
                                                 std::vector<std::string>{"connect", "192.0.2.1:80", "--send", "x"},
                                                 std::vector<std::string>{"udp", "send", "192.0.2.1:53", "x"}}) {
      CAPTURE(args[0]);
      const Result r = talk(args);
      CHECK(r.code == 2);
      at(r.err, "192.0.2.1 is not a loopback address (127.0.0.0/8): talking to another host needs --allow-remote");
      CHECK(r.out.empty());
    }
    // Any 127/8 address is loopback.
    CHECK(talk({"connect", "127.0.0.2:0"}).code == 2);  // (port 0 is bad input, not "remote")
  }

  TEST_CASE("bad input exits 2 with what was wrong") {
    struct Case {
      std::vector<std::string> args;
      std::string says;
    };
    const std::vector<Case> cases = {
        {{"connect", "127.0.0.1:2000", "--sned", "x"}, "unknown option '--sned' (did you mean '--send'?)"},
        {{"connect", "127.0.0.1:2000", "--recv"}, "--recv needs N"},
        {{"connect", "127.0.0.1:2000", "--recv", "0"}, "--recv needs a byte count from 1 to 16777216, not '0'"},
        {{"connect", "127.0.0.1:2000", "--close", "--send", "x"}, "--send after --close: the socket is closed by then"},
        {{"connect", "127.0.0.1"}, "expected HOST:PORT, e.g. 127.0.0.1:2000, not '127.0.0.1'"},
        {{"connect", "127.0.0.1:70000"}, "bad port '70000'"},
        {{"connect"}, "where to?"},
        {{"listen"}, "which port?"},
        {{"listen", "2000", "--onse"}, "unknown option '--onse' (did you mean '--once'?)"},
        {{"listen", "http"}, "bad port 'http'"},
        {{"udp", "send", "127.0.0.1:2000"}, "usage: tcplab live udp send HOST:PORT TEXT"},
        {{"udp", "recv", "2000", "--bufsize", "big"}, "--bufsize needs a size from 1 to 16777216, not 'big'"},
        {{"udp", "recv", "2000", "--buffsize", "5"}, "did you mean '--bufsize'?"},
        {{"udp", "sned"}, "unknown command 'sned' (did you mean 'send'?)"},
        {{"conect", "127.0.0.1:2000"}, "unknown command 'conect' (did you mean 'connect'?)"},
    };
    for (const Case& c : cases) {
      CAPTURE(c.says);
      const Result r = talk(c.args);
      CHECK(r.code == 2);
      at(r.err, c.says);
    }
  }

  TEST_CASE("--help prints the usage") {
    const Result r = talk({"connect", "--help"});
    CHECK(r.code == 0);
    CHECK(r.out == usage_live_talk());
    at(r.out, "tcplab live connect HOST:PORT [--send TEXT] [--recv N] [--close] [--allow-remote]");
    at(r.out, "tcplab live udp recv PORT [--bufsize N] [--reply TEXT] [--once] [--allow-remote]");
  }

  TEST_CASE("SIGINT stops a waiting listener cleanly with exit code 130") {
    test::in_private_netns([] {
      Result r;
      std::thread t([&] { r = talk({"listen", "0"}); });
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      const auto asked = std::chrono::steady_clock::now();
      request_stop_for_tests(SIGINT);
      t.join();
      clear_stop_for_tests();
      CHECK(std::chrono::steady_clock::now() - asked < std::chrono::milliseconds(500));
      CHECK(r.code == 130);
      at(r.out, "listening on 127.0.0.1:");
    });
  }
}
