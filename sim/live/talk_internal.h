// The parts of `tcplab live connect|listen|udp` (talk.h), shared by its files:
//   talk.cpp          the command line: options into the structs below, usage, dispatch
//   talk_observer.cpp what the kernel shows meanwhile: segments (capture) and states
//   talk_tcp.cpp      connect and listen
//   talk_udp.cpp      udp send and udp recv
#pragma once
#include <netinet/in.h>

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "sim/core/time.h"
#include "sim/live/capture.h"
#include "sim/live/sock_diag.h"
#include "sim/trace/tcp_relative.h"
#include "sim/wire/address.h"

namespace tcplab::live::talk {

// ---- the commands, parsed ----------------------------------------------------------------

struct TcpAction {
  enum Kind { Send, Recv, Close } kind = Send;
  std::string text;  // Send
  uint32_t max = 0;  // Recv: recv(fd, buf, max)
};

struct ConnectArgs {
  Endpoint to;
  std::vector<TcpAction> actions;  // in command-line order
  bool allow_remote = false;
};

struct ListenArgs {
  uint16_t port = 0;  // 0: the kernel picks one (printed)
  std::optional<std::string> reply;
  bool once = false;
  bool allow_remote = false;
};

struct UdpSendArgs {
  Endpoint to;
  std::string text;
  std::optional<uint32_t> recv;  // recvfrom(N) for the answer
  bool allow_remote = false;
};

struct UdpRecvArgs {
  uint16_t port = 0;
  uint32_t bufsize = 65536;  // as the simulator's `udp recvfrom SOCK [BUFSIZE]`
  std::optional<std::string> reply;
  bool once = false;
  bool allow_remote = false;
};

int run_connect(const ConnectArgs& a, std::ostream& out, std::ostream& err);
int run_listen(const ListenArgs& a, std::ostream& out, std::ostream& err);
int run_udp_send(const UdpSendArgs& a, std::ostream& out, std::ostream& err);
int run_udp_recv(const UdpRecvArgs& a, std::ostream& out, std::ostream& err);

// ---- shared helpers --------------------------------------------------------------------------

// A file descriptor closed when it goes out of scope (the early returns of errors).
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const { return fd_; }
  void reset();  // close now
 private:
  int fd_;
};

sockaddr_in to_sockaddr(Endpoint e);
Endpoint from_sockaddr(const sockaddr_in& a);
Endpoint local_endpoint(int fd);  // getsockname

Time realtime_now();                 // CLOCK_REALTIME in ns: the capture's clock
std::string errno_text(int e);       // strerror
std::string bytes_word(size_t n);    // "1 byte", "5 bytes"
// The exit code after a stop request: 128 + the signal (130 for SIGINT), as a shell shows.
int stopped_exit_code();

// ---- the observer ----------------------------------------------------------------------------

// Prints the exchange as it happens, in time order: the program's own lines ("connected
// to …"), a ladder line per captured segment ("  → [SYN] seq=0 win=65495 mss=65495"),
// and the kernel's state changes of the followed sockets ("state: SYN_SENT →
// ESTABLISHED"). Lines from the three sources are stamped on the same clock
// (CLOCK_REALTIME, as the kernel stamps captured frames) and held for a few
// milliseconds before they are printed, so that a segment captured a little late is
// still printed in its place.
class Observer {
 public:
  Observer(std::string command, std::ostream& out, std::ostream& err);
  Observer(const Observer&) = delete;
  Observer& operator=(const Observer&) = delete;
  ~Observer();  // prints whatever is still held

  // Captures on `lo` the segments of these ports (when the privilege allows; otherwise a
  // notice on err says why there is no ladder), and the ICMP errors that quote a
  // datagram sent from one of the UDP ports (port unreachable).
  void capture_ports(const std::vector<uint16_t>& tcp_ports, const std::vector<uint16_t>& udp_ports);
  void no_capture(const std::string& why);  // a notice on err instead
  // Follows the kernel TCP sockets whose local port is `port` (sampled with sock_diag).
  // `show_peer`: state lines name the peer (a listener's connections).
  void follow_tcp(uint16_t port, bool show_peer);
  // A state the program knows from a call (connect() in progress: SYN_SENT; listen():
  // LISTEN), stamped `t`: when the call began, since on loopback the segments it
  // causes may be processed before it returns.
  void note_state(Endpoint local, Endpoint remote, uint8_t state, Time t);
  // The last state seen for a connection; nullopt when never seen or gone (CLOSED).
  std::optional<uint8_t> state_of(Endpoint local, Endpoint remote) const;

  void say(const std::string& text);   // a line of the program's, stamped now
  // …stamped `t`: a call's line goes where the call began ("send returned 5" before the
  // segment it sent, which loopback may deliver and answer before send() returns).
  void say_at(Time t, const std::string& text);
  void fail(const std::string& text);  // prints everything held, then `text` on err

  int capture_fd() const;              // -1 without capture
  // Reads captured frames (when `capture_ready`), samples the states when a millisecond
  // has passed since the last sample, prints what is old enough.
  void service(bool capture_ready);
  void sample();                       // a sock_diag sample now
  // The end: a short grace for the last segments to be captured, then everything held.
  void finish();

 private:
  struct Line {
    Time t;
    uint64_t seq;
    std::string text;
  };
  struct Followed {
    uint8_t state = 0;
    int missing = 0;  // consecutive samples without it; -1: there before us, not ours
  };
  struct Key {
    Endpoint local, remote;
    bool operator<(const Key& o) const;
  };
  void add(Time t, std::string text);
  void flush(Time older_than);
  void on_frame(const CapturedFrame& f);
  void print_state(const Key& k, std::optional<uint8_t> from, uint8_t to, Time t);

  std::string command_;  // "tcplab live connect", for notices
  std::ostream& out_;
  std::ostream& err_;
  std::vector<Line> held_;
  uint64_t next_seq_ = 0;

  std::optional<Capture> capture_;
  std::vector<uint16_t> our_ports_;
  TcpRelative rel_;

  std::optional<SockDiag> diag_;
  bool diag_failed_ = false;
  std::vector<uint16_t> tcp_follow_;
  bool show_peer_ = false;
  bool baselining_ = false;  // follow_tcp()'s first sample: what exists is not ours
  std::map<Key, Followed> followed_;
  Time last_sample_ = 0;
};

// Waits (servicing the observer) until the connection local→remote is gone or in a
// state that lasts (TIME_WAIT, FIN_WAIT2 with the peer silent), at most `limit`; then
// says what the kernel keeps after the program ends. False when a stop was requested.
bool follow_close(Observer& obs, Endpoint local, Endpoint remote, Time limit);

// poll() on `fd` (events, may be -1 for none) and the observer's capture fd for at most
// 1 ms, servicing the observer. Returns fd's revents (0 on timeout).
short wait_once(Observer& obs, int fd, short events);

}  // namespace tcplab::live::talk
