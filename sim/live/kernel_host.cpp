#include "sim/live/kernel_host.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "sim/apps/app_text.h"
#include "sim/core/show_data.h"
#include "sim/live/netns.h"
#include "sim/live/sock_diag.h"
#include "sim/proto/tcp_cc.h"

namespace tcplab::live {
namespace {

constexpr size_t kReadChunk = 65536;

sockaddr_in to_sockaddr(Endpoint e) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(e.port);
  a.sin_addr.s_addr = htonl(e.addr.v);
  return a;
}

Endpoint from_sockaddr(const sockaddr_in& a) {
  return Endpoint{Ipv4(ntohl(a.sin_addr.s_addr)), ntohs(a.sin_port)};
}

Endpoint local_of(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  return from_sockaddr(a);
}

Endpoint peer_of(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) return Endpoint{};
  return from_sockaddr(a);
}

std::string errno_text(int e) { return std::strerror(e); }

std::string bytes_word(size_t n) { return std::to_string(n) + (n == 1 ? " byte" : " bytes"); }

// tcpi_state of a socket the program holds: the kernel's state right now.
std::optional<tcp_info> read_tcp_info(int fd) {
  tcp_info ti{};
  socklen_t len = sizeof ti;
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0) return std::nullopt;
  return ti;
}

// The commands a Linux host has a tool for.
bool is_tool_command(const Command& c) {
  return std::holds_alternative<CmdIfconfig>(c) || std::holds_alternative<CmdIpAddr>(c) ||
         std::holds_alternative<CmdRouteShow>(c) || std::holds_alternative<CmdArpShow>(c) ||
         std::holds_alternative<CmdRouteAdd>(c) || std::holds_alternative<CmdRouteDel>(c) ||
         std::holds_alternative<CmdPing>(c) || std::holds_alternative<CmdTraceroute>(c) ||
         std::holds_alternative<CmdSockets>(c);
}

}  // namespace

struct KernelHost::Sock {
  size_t reg = 0;
  int fd = -1;
  enum Kind { Listener, Conn, Udp } kind = Conn;
  bool auto_read = true, manual_accept = false;
  int accepts_wanted = 0;
  int backlog = 128;
  bool connecting = false;
  bool eof = false;         // the peer's FIN was read (reported once)
  bool failed = false;      // an error was reported; nothing more to do
  std::deque<uint32_t> readers;
  PendingPayload unsent;    // `tcp send` bytes the kernel has not taken yet, made as it takes them
  uint64_t send_total = 0;
  int program = -1;
  std::deque<uint32_t> udp_readers;
  uint32_t cwnd = 0, ssthresh = 0;
  Time srtt = 0, rto = 0;
  uint8_t last_info_state = 0;  // tcpi_state when TCP_INFO was last read
  bool handed_to_timewait = false;  // the fd's socket reads CLOSE: the kernel's timewait socket goes on
  bool linger_zero = false;     // SO_LINGER {1, 0}: close() resets
};

struct KernelHost::Program {
  enum Kind { Echo, Requests, BulkSend, BulkSink, FileServer, Download } kind = Echo;
  int listener = -1;
  int sock = -1;
  std::map<int, std::vector<uint8_t>> pending;       // echo: bytes read, not yet written back
  std::map<int, std::pair<uint64_t, Time>> sink;     // bulk-sink: bytes and accept time
  Endpoint to;                                        // as the scenario names it
  uint32_t count = 1, size = 100;
  bool reuse = false;
  uint32_t done = 0, connections = 0;
  uint64_t req_queued = 0, awaiting = 0, mismatched = 0;
  Time started = 0, request_started = 0;
  bool connected = false;
  bool limited = false;
  uint64_t total = 0, queued = 0;
  // file-server: its files, and per connection the request and how much of the file is out
  std::vector<std::pair<std::string, uint64_t>> files;
  struct FileConn {
    std::string request, file;
    bool answered = false;
    uint64_t size = 0, queued = 0;
  };
  std::map<int, FileConn> file_conns;
  // download: the file asked for, and what came
  std::string file;
  uint64_t received = 0;
  bool finished = false;
};

KernelHost::KernelHost(int32_t node, std::string name, int netns_fd, KernelRunShared* shared)
    : node_(node), name_(std::move(name)), netns_fd_(netns_fd), shared_(shared) {}
KernelHost::KernelHost(KernelHost&&) noexcept = default;
KernelHost& KernelHost::operator=(KernelHost&&) noexcept = default;
KernelHost::~KernelHost() {
  for (Sock& s : socks_)
    if (s.fd >= 0) ::close(s.fd);
  for (Tool& t : tools_) {
    if (t.pid > 0) {
      ::kill(t.pid, SIGKILL);
      ::waitpid(t.pid, nullptr, 0);
    }
    if (t.fd >= 0) ::close(t.fd);
  }
}

void KernelHost::start_tool(const std::string& text, Time now) {
  std::vector<std::string> words;
  for (size_t i = 0; i < text.size();) {
    while (i < text.size() && text[i] == ' ') ++i;
    size_t j = i;
    while (j < text.size() && text[j] != ' ') ++j;
    if (j > i) words.push_back(text.substr(i, j - i));
    i = j;
  }
  if (words.empty()) return;
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) return print(now, "(live) pipe: " + errno_text(errno));
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(pipefd[0]);
    ::close(pipefd[1]);
    return print(now, "(live) fork: " + errno_text(errno));
  }
  if (pid == 0) {
    // The child: only async-signal-safe calls until exec.
    if (netns_fd_ >= 0 && ::setns(netns_fd_, CLONE_NEWNET) != 0) ::_exit(126);
    ::dup2(pipefd[1], 1);
    ::dup2(pipefd[1], 2);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(pipefd[1]);
  ::fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
  tools_.push_back(Tool{pid, pipefd[0], words[0], {}});
}

void KernelHost::service_tools(Time now) {
  for (Tool& t : tools_) {
    if (t.fd < 0) continue;
    char buf[4096];
    for (;;) {
      const ssize_t n = ::read(t.fd, buf, sizeof buf);
      if (n > 0) {
        t.partial.append(buf, static_cast<size_t>(n));
        size_t nl;
        while ((nl = t.partial.find('\n')) != std::string::npos) {
          print(now, t.partial.substr(0, nl));
          t.partial.erase(0, nl + 1);
        }
        continue;
      }
      if (n < 0 && errno == EAGAIN) break;
      // End of output: the tool exited.
      if (!t.partial.empty()) print(now, t.partial);
      ::close(t.fd);
      t.fd = -1;
      int status = 0;
      ::waitpid(t.pid, &status, 0);
      t.pid = -1;
      if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        print(now, "(live) " + t.name + ": command not found on this machine");
      break;
    }
  }
}

void KernelHost::print(Time now, const std::string& text, const std::string& sock) {
  // A multi-line output (ss) gives one app event per line, as the simulator's tools do.
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start || text.empty()) {
      TraceEvent e;
      e.t = clock(now);
      e.ev = EvKind::App;
      e.node = node_;
      e.data = AppEvent{text.substr(start, end - start), sock};
      shared_->events.push_back(std::move(e));
    }
    if (end == text.size()) break;
    start = end + 1;
  }
}

std::string KernelHost::label(const Sock& s) const {
  const KernelSockEntry& e = shared_->reg.at(s.reg);
  return e.name.empty() ? e.id : e.id + " (" + e.name + ")";
}

void KernelHost::say(Time now, const Sock& s, const std::string& text) {
  print(now, label(s) + ": " + text, shared_->reg.at(s.reg).id);
}

bool KernelHost::owns(size_t reg_index) const { return shared_->reg.at(reg_index).node == node_; }

void KernelHost::poll_fds(std::vector<int>& out) const {
  for (const Sock& s : socks_)
    if (s.fd >= 0) out.push_back(s.fd);
}

std::optional<int> KernelHost::tcp_socket(std::string& error) {
  // Sockets made inside the host's namespace belong to it for life (level 3).
  std::optional<EnterNamespace> in;
  if (netns_fd_ >= 0) {
    in.emplace(netns_fd_);
    if (!in->ok()) {
      error = in->error();
      return std::nullopt;
    }
  }
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = "socket: " + errno_text(errno);
    return std::nullopt;
  }
  return fd;
}

// Binds `fd` to the scenario's port, or, at levels 1 and 2 when another program holds
// it, to a free one, remembered so the scenario's later uses of that port agree.
uint16_t KernelHost::bind_port(int fd, bool tcp, uint16_t scenario_port, Time now, std::string& error) {
  const Ipv4 addr = shared_->loopback ? Ipv4(0x7f000001) : Ipv4(0);
  auto& map = tcp ? shared_->tcp_ports : shared_->udp_ports;
  uint16_t want = scenario_port;
  if (shared_->loopback && scenario_port != 0) {
    if (auto it = map.find({node_, scenario_port}); it != map.end()) want = it->second;
  }
  sockaddr_in a = to_sockaddr(Endpoint{addr, want});
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    const uint16_t got = local_of(fd).port;
    if (shared_->loopback && scenario_port != 0) map[{node_, scenario_port}] = got;
    return got;
  }
  const int err = errno;
  const bool remap = shared_->loopback && scenario_port != 0 && err == EADDRINUSE &&
                     map.find({node_, scenario_port}) == map.end();
  if (!remap) {
    error = "bind: " + errno_text(err);
    return 0;
  }
  a = to_sockaddr(Endpoint{addr, 0});
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    error = "bind: " + errno_text(errno);
    return 0;
  }
  const uint16_t got = local_of(fd).port;
  map[{node_, scenario_port}] = got;
  shared_->info->ports.push_back(PortMapping{name_, scenario_port, got});
  const std::string note = name_ + ": port " + std::to_string(scenario_port) + " is taken on this machine; " +
                           (tcp ? "TCP" : "UDP") + " port " + std::to_string(got) + " stands in for it";
  shared_->info->notices.push_back(note);
  print(now, "(live) " + note);
  return got;
}

// Where a scenario address really is: at levels 1 and 2 every host is 127.0.0.1, and a
// port the scenario's server listens on may have been remapped; a port nobody in the
// scenario listens on is our bound-but-closed port, so the kernel answers RST as a
// closed port should, and no real service on this machine is ever reached.
int32_t KernelHost::scenario_owner(Ipv4 addr) const {
  if (addr.v >> 24 == 127) return node_;
  const Scenario& sc = *shared_->scenario;
  for (size_t n = 0; n < sc.nodes.size(); ++n)
    for (const IfaceSpec& i : sc.nodes[n].ifaces)
      if (i.addr.addr == addr) return static_cast<int32_t>(n);
  return -1;
}

Endpoint KernelHost::real_destination(Endpoint to, bool tcp) const {
  if (!shared_->loopback) return to;
  const int32_t owner = scenario_owner(to.addr);
  const auto& map = tcp ? shared_->tcp_ports : shared_->udp_ports;
  if (owner >= 0) {
    if (auto it = map.find({owner, to.port}); it != map.end()) return Endpoint{Ipv4(0x7f000001), it->second};
  }
  return Endpoint{Ipv4(0x7f000001), shared_->closed_port};
}

KernelHost::Sock* KernelHost::find(const std::string& id, const std::string& cmd, Time now, bool tcp) {
  for (Sock& s : socks_) {
    const KernelSockEntry& e = shared_->reg.at(s.reg);
    // A socket the program closed is gone from its point of view, as in the simulator.
    if (s.fd >= 0 && (e.id == id || (!e.name.empty() && e.name == id)) && (s.kind == Sock::Udp) != tcp) {
      if (s.program >= 0) {
        print(now, cmd + ": " + label(s) + " belongs to a program");
        return nullptr;
      }
      return &s;
    }
  }
  print(now, cmd + ": no " + std::string(tcp ? "TCP" : "UDP") + " socket '" + id + "' on " + name_);
  return nullptr;
}

void KernelHost::observe_info(Sock& s, Time now, const char* why) {
  if (s.fd < 0 || s.kind == Sock::Udp) return;
  const auto ti = read_tcp_info(s.fd);
  if (!ti) return;
  // Entering TIME_WAIT, Linux hands the connection to a separate timewait socket
  // (tcp_time_wait()) and the fd's own socket reads CLOSE: from FIN_WAIT1, FIN_WAIT2 or
  // CLOSING with no error that is TIME_WAIT, which the samples and segments report.
  const uint8_t st = ti->tcpi_state;
  if (st == kernel_tcp::closed &&
      (s.last_info_state == kernel_tcp::fin_wait1 || s.last_info_state == kernel_tcp::fin_wait2 ||
       s.last_info_state == kernel_tcp::closing))
    s.handed_to_timewait = true;
  s.last_info_state = st;
  if (!(s.handed_to_timewait && st == kernel_tcp::closed))
    shared_->states.observe(s.reg, clock(now), kernel_state_name(st), why);
  if (s.kind != Sock::Conn || ti->tcpi_state == kernel_tcp::listen) return;
  const uint32_t mss = ti->tcpi_snd_mss ? ti->tcpi_snd_mss : 1;
  const uint32_t cwnd = ti->tcpi_snd_cwnd * mss;
  const uint32_t ssthresh =
      ti->tcpi_snd_ssthresh >= 0x7fffffffu ? kInfiniteSsthresh : ti->tcpi_snd_ssthresh * mss;
  const Time srtt = Time(ti->tcpi_rtt) * 1000, rto = Time(ti->tcpi_rto) * 1000;
  now = clock(now);
  if (cwnd == 0 || (cwnd == s.cwnd && ssthresh == s.ssthresh && srtt == s.srtt && rto == s.rto)) return;
  s.cwnd = cwnd, s.ssthresh = ssthresh, s.srtt = srtt, s.rto = rto;
  TraceEvent e;
  e.t = now;
  e.ev = EvKind::Cc;
  e.node = node_;
  e.data = CcEvent{shared_->reg.at(s.reg).id, cwnd, ssthresh, srtt, rto};
  shared_->events.push_back(std::move(e));
}

// Registers a socket this host opened (its id is the next on the node, as the simulator
// counts) and keeps its fd; returns its index in socks_.
size_t KernelHost::add_sock(int fd, int kind, const std::optional<std::string>& name, Endpoint remote, int program) {
  KernelSockEntry e;
  e.node = node_;
  e.id = shared_->reg.next_id(node_);
  e.name = name.value_or("");
  e.local = local_of(fd);
  e.remote = remote;
  e.listener = kind == Sock::Listener;
  e.tcp = kind != Sock::Udp;
  Sock s;
  s.reg = shared_->reg.add(std::move(e));
  s.fd = fd;
  s.kind = static_cast<Sock::Kind>(kind);
  s.program = program;
  socks_.push_back(std::move(s));
  return socks_.size() - 1;
}

// ---- commands ------------------------------------------------------------------------------

void KernelHost::tcp_listen(const CmdTcpListen& c, Time now, int program) {
  std::string error;
  auto fd = tcp_socket(error);
  if (!fd) return print(now, error);
  const int one = 1;
  // The simulator lets a listener take a port whose old connections sit in TIME_WAIT,
  // as every real server does with SO_REUSEADDR.
  setsockopt(*fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  const uint16_t port = bind_port(*fd, true, c.port, now, error);
  if (port == 0 || ::listen(*fd, c.backlog) != 0) {
    if (error.empty()) error = "listen: " + errno_text(errno);
    ::close(*fd);
    return print(now, program >= 0 ? program_name(program) + ": " + error : error);
  }
  Sock& t = socks_[add_sock(*fd, Sock::Listener, c.name, Endpoint{}, program)];
  t.auto_read = c.read == ReadMode::Auto;
  t.manual_accept = c.manual_accept;
  t.backlog = c.backlog;
  observe_info(t, now, "listen()");
  const std::string where = to_string(shared_->reg.at(t.reg).local);
  if (program >= 0)
    print(now, program_name(program) + ": listening on " + where, shared_->reg.at(t.reg).id);
  else
    say(now, t, "listening on " + where + " (backlog " + std::to_string(c.backlog) + ")");
}

void KernelHost::tcp_connect(const CmdTcpConnect& c, Time now, int program) {
  std::string error;
  auto fd = tcp_socket(error);
  if (!fd) return print(now, error);
  if (c.sport) {
    if (bind_port(*fd, true, *c.sport, now, error) == 0) {
      ::close(*fd);
      return print(now, error);
    }
  } else if (shared_->loopback) {
    sockaddr_in a = to_sockaddr(Endpoint{Ipv4(0x7f000001), 0});
    ::bind(*fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  }
  const Endpoint to = real_destination(c.to, true);
  shared_->dest_owner[{true, to.addr.v, to.port}] = scenario_owner(c.to.addr);
  sockaddr_in a = to_sockaddr(to);
  const int rc = ::connect(*fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  const int err = errno;
  if (rc != 0 && err != EINPROGRESS) {
    ::close(*fd);
    return print(now, "connect: " + errno_text(err));
  }
  Sock& t = socks_[add_sock(*fd, Sock::Conn, c.name, to, program)];
  t.auto_read = c.read == ReadMode::Auto;
  t.connecting = true;
  // connect() returning EINPROGRESS has sent the SYN (tcp_v4_connect -> tcp_connect):
  // the socket was SYN_SENT, even if on loopback the handshake is over before we look.
  shared_->states.observe(t.reg, clock(now), "SYN_SENT", "connect() sent a SYN (EINPROGRESS)");
  observe_info(t, now, "connect() in progress");
  if (program < 0)
    say(now, t, "connecting to " + to_string(to) + " from " + to_string(shared_->reg.at(t.reg).local));
}

// send() of the waiting bytes, made 1 MiB at a time, until the kernel takes less than it
// was offered. The bytes taken, or -1 with errno when the first send() failed.
static ssize_t send_pending(int fd, PendingPayload& q) {
  constexpr size_t kPiece = size_t(1) << 20;
  ssize_t total = 0;
  while (!q.empty()) {
    const std::vector<uint8_t> part = q.peek(kPiece);
    const ssize_t n = ::send(fd, part.data(), part.size(), MSG_NOSIGNAL);
    if (n < 0) return total > 0 ? total : n;
    q.consume(static_cast<uint64_t>(n));
    total += n;
    if (static_cast<size_t>(n) < part.size()) break;
  }
  return total;
}

void KernelHost::tcp_send(Sock& s, const std::string& text, std::optional<uint32_t> bytes, Time now) {
  const uint64_t size = bytes ? *bytes : text.size();
  if (!s.unsent.empty()) {
    s.unsent.push(text, bytes);
    s.send_total += size;
    return;
  }
  PendingPayload data;
  data.push(text, bytes);
  const ssize_t n = send_pending(s.fd, data);
  if (n < 0 && errno != EAGAIN) return say(now, s, "send: " + errno_text(errno));
  const uint64_t sent = n < 0 ? 0 : static_cast<uint64_t>(n);
  if (sent == size) {
    if (s.program < 0) say(now, s, "send returned " + std::to_string(sent));
    return;
  }
  s.unsent = std::move(data);
  s.send_total = size;
  if (s.program < 0)
    say(now, s, "send blocks: " + bytes_word(sent) + " of " + std::to_string(size) +
                    " fit in the send buffer; the rest follows as ACKs free it");
}

void KernelHost::tcp_close(Sock& s, Time now, bool abort) {
  if (s.fd < 0) return;
  observe_info(s, now, "before close()");
  std::string before;
  if (auto ti = read_tcp_info(s.fd)) before = kernel_state_name(ti->tcpi_state);
  // Unread data makes close() send RST instead of FIN (RFC 2525 §2.17; tcp_close()).
  int unread = 0;
  if (s.kind == Sock::Conn) ioctl(s.fd, FIONREAD, &unread);
  abort = abort || s.linger_zero;
  if (abort) {
    const linger l{1, 0};
    setsockopt(s.fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  }
  ::close(s.fd);
  s.fd = -1;
  // What close() certainly did (tcp_close() in net/ipv4/tcp.c): a FIN from ESTABLISHED
  // or CLOSE_WAIT, an RST when aborting. Later states come from the segments and the
  // samples, since the fd is gone.
  if (abort || unread > 0) {
    shared_->states.observe(s.reg, clock(now), "CLOSED", abort ? "close() with SO_LINGER 0 sends RST"
                                                        : "close() with unread data sends RST");
  } else if (s.kind == Sock::Listener) {
    shared_->states.observe(s.reg, clock(now), "CLOSED", "close() of a listener");
  } else if (before == "ESTABLISHED" || before == "SYN_RECV") {
    shared_->states.observe(s.reg, clock(now), "FIN_WAIT1", "close() sends FIN");
  } else if (before == "CLOSE_WAIT") {
    shared_->states.observe(s.reg, clock(now), "LAST_ACK", "close() sends FIN");
  } else if (before == "SYN_SENT") {
    shared_->states.observe(s.reg, clock(now), "CLOSED", "close() before the handshake ended");
  }
}

void KernelHost::udp_bind(std::optional<std::string> name, uint16_t port, Time now, bool quiet, size_t* out) {
  std::optional<EnterNamespace> in;
  if (netns_fd_ >= 0) {
    in.emplace(netns_fd_);
    // Never fall back to this machine's own namespace: that would touch its real network.
    if (!in->ok()) return print(now, "(live) " + in->error());
  }
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  in.reset();
  if (fd < 0) return print(now, "socket: " + errno_text(errno));
  std::string error;
  if (bind_port(fd, false, port, now, error) == 0) {
    ::close(fd);
    return print(now, error);
  }
  const size_t i = add_sock(fd, Sock::Udp, name, Endpoint{}, -1);
  if (out) *out = i;
  if (!quiet) {
    const Sock& t = socks_.back();
    print(now, label(t) + ": UDP socket bound to " + to_string(shared_->reg.at(t.reg).local) +
                   (port != 0 && port < 1024 ? " (a well-known port)" : ""),
          shared_->reg.at(t.reg).id);
  }
}

void KernelHost::print_sockets(const CmdSockets& c, Time now) {
  std::string error;
  std::optional<SockDiag> diag;
  {
    std::optional<EnterNamespace> in;
    if (netns_fd_ >= 0) {
      in.emplace(netns_fd_);
      if (!in->ok()) return print(now, "(live) " + in->error());
    }
    diag = SockDiag::open(error);
  }
  if (!diag) return print(now, "(live) cannot list the kernel's sockets: " + error);
  std::vector<KernelSocket> all, mine;
  if (c.tcp && !diag->dump_tcp(all, error)) return print(now, "(live) " + error);
  if (c.udp && !diag->dump_udp(all, error)) return print(now, "(live) " + error);
  for (const KernelSocket& k : all) {
    // Level 3: the namespace holds only this host's sockets. Levels 1 and 2 share the
    // machine's namespace: keep the sockets this run made for this node.
    bool keep = !shared_->loopback;
    if (!keep) {
      // This run's sockets of this node only: a listener it opened, a connection it knows.
      std::optional<size_t> r;
      if (!k.tcp) r = shared_->reg.node_of(k.local, false) == node_ ? std::optional<size_t>(0) : std::nullopt;
      else if (k.state == kernel_tcp::listen) r = shared_->reg.find_listener(k.local);
      else r = shared_->reg.find_conn(k.local, k.remote);
      keep = r && (!k.tcp || shared_->reg.at(*r).node == node_);
    }
    if (!keep) continue;
    const bool listening = k.tcp ? k.state == kernel_tcp::listen : k.remote.port == 0;
    if (c.listening_only && !listening) continue;
    if (c.connected_only && listening) continue;
    mine.push_back(k);
  }
  print(now, c.ss ? format_ss(mine, c.tcp, c.udp) : format_netstat(mine, c));
}

std::string KernelHost::program_name(int program) const {
  switch (programs_[static_cast<size_t>(program)].kind) {
    case Program::Echo: return "echo-server";
    case Program::Requests: return "requests";
    case Program::BulkSend: return "bulk-send";
    case Program::BulkSink: return "bulk-sink";
    case Program::FileServer: return "file-server";
    case Program::Download: return "download";
  }
  return "program";
}

void KernelHost::report_error(size_t i, int err, Time now, const char* what) {
  Sock& s = socks_[i];
  if (s.failed) return;
  s.failed = true;
  const std::string call = std::string(s.connecting ? "connect" : what) + ": ";
  if (s.program >= 0) {
    print(now, program_name(s.program) + ": " + call + errno_text(err), shared_->reg.at(s.reg).id);
    programs_[static_cast<size_t>(s.program)].finished = true;
  } else {
    say(now, s, call + errno_text(err));
  }
  shared_->states.observe(s.reg, clock(now), "CLOSED", call + errno_text(err));
  s.connecting = false;
}

void KernelHost::accept_ready(size_t li, Time now) {
  for (;;) {
    Sock& l = socks_[li];
    if (l.fd < 0) return;
    if (l.manual_accept && l.program < 0 && l.accepts_wanted == 0) return;
    sockaddr_in peer{};
    socklen_t len = sizeof peer;
    const int fd = ::accept4(l.fd, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    if (l.manual_accept && l.program < 0) l.accepts_wanted--;
    const Endpoint local = local_of(fd), remote = from_sockaddr(peer);
    auto ri = shared_->reg.conn_or_request(local, remote, /*fresh=*/true);
    if (!ri) {  // the listener is registered, so this cannot happen; keep going anyway
      KernelSockEntry e;
      e.node = node_;
      e.id = shared_->reg.next_id(node_);
      e.local = local, e.remote = remote;
      ri = shared_->reg.add(std::move(e));
    }
    shared_->reg.name_connection(*ri);  // if its ESTABLISHED has not been reported yet
    KernelSockEntry& le = shared_->reg.at(l.reg);
    KernelSockEntry& ce = shared_->reg.at(*ri);
    Sock c;
    c.reg = *ri;
    c.fd = fd;
    c.kind = Sock::Conn;
    c.auto_read = l.auto_read;
    c.program = l.program;
    const int program = l.program;
    const std::string llabel = label(l), lid = le.id;
    socks_.push_back(std::move(c));
    const size_t ci = socks_.size() - 1;
    // Every accepted connection was a request socket in SYN_RECV first (tcp_check_req);
    // on loopback that lasts microseconds, too short for any sample.
    if (shared_->reg.at(*ri).state.empty())
      shared_->states.observe(*ri, clock(now), "SYN_RECV", "accept(): the connection was SYN_RECV before");
    observe_info(socks_[ci], now, "accept() returned");
    if (program >= 0) {
      Program& p = programs_[static_cast<size_t>(program)];
      if (p.kind == Program::BulkSink) p.sink[static_cast<int>(ci)] = {0, now};
      if (p.kind == Program::Echo) p.pending[static_cast<int>(ci)];
      if (p.kind == Program::FileServer) p.file_conns[static_cast<int>(ci)];
      print(now, program_name(program) + ": connection from " + to_string(remote) + " (" + ce.id + ")", ce.id);
    } else {
      print(now, llabel + ": accepted " + label(socks_[ci]) + " from " + to_string(remote), lid);
    }
  }
}

void KernelHost::service_sock(size_t i, Time now) {
  Sock& s = socks_[i];
  if (s.fd < 0 || s.failed) return;
  if (s.kind == Sock::Listener) {
    accept_ready(i, now);
    return;
  }
  if (s.kind == Sock::Udp) {
    while (!socks_[i].udp_readers.empty()) {
      Sock& u = socks_[i];
      const uint32_t bufsize = u.udp_readers.front();
      std::vector<uint8_t> buf(std::max<uint32_t>(bufsize, 1));
      sockaddr_in from{};
      socklen_t len = sizeof from;
      // MSG_TRUNC: the real length of a datagram longer than the buffer (recv(2)).
      const ssize_t n = ::recvfrom(u.fd, buf.data(), bufsize, MSG_TRUNC, reinterpret_cast<sockaddr*>(&from), &len);
      if (n < 0) break;
      u.udp_readers.pop_front();
      const size_t copied = std::min<size_t>(bufsize, static_cast<size_t>(n));
      std::string line = "recvfrom(" + std::to_string(bufsize) + ") on " + label(u) + ": " +
                         std::to_string(copied) + " bytes " + show_data(std::span(buf.data(), copied)) + " from " +
                         to_string(from_sockaddr(from));
      if (copied < static_cast<size_t>(n)) {
        const size_t lost = static_cast<size_t>(n) - copied;
        line += " [truncated: the datagram had " + std::to_string(n) + " bytes; " + std::to_string(lost) +
                (lost == 1 ? " byte was" : " bytes were") + " discarded]";
      }
      shared_->reg.at(u.reg).remote = from_sockaddr(from);  // `udp reply` answers it
      print(now, line, shared_->reg.at(u.reg).id);
    }
    return;
  }
  // A TCP connection.
  if (s.connecting) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return report_error(i, err, now);
    // connect() returns once the handshake is over for this side: ESTABLISHED (or a FIN
    // already after it), not SYN_RECV of a simultaneous open.
    const auto ti = read_tcp_info(s.fd);
    if (!ti || ti->tcpi_state == kernel_tcp::syn_sent || ti->tcpi_state == kernel_tcp::syn_recv) return;
    s.connecting = false;
    KernelSockEntry& e = shared_->reg.at(s.reg);
    e.remote = peer_of(s.fd);
    observe_info(s, now, "connect() returned");
    if (s.program < 0) {
      say(now, s, "connected to " + to_string(e.remote) + " from " + to_string(e.local));
    } else {
      Program& p = programs_[static_cast<size_t>(s.program)];
      p.connected = true;
      if (p.kind == Program::BulkSend)
        print(now, "bulk-send: connected to " + to_string(e.remote) + ", sending " +
                       (p.limited ? plural(p.total, "byte", "bytes") : std::string("until the end of the run")),
              e.id);
      if (p.kind == Program::Download) {
        print(now, "download: connected to " + to_string(e.remote) + ", asking for " + p.file, e.id);
        const std::string req = p.file + "\n";
        if (::send(s.fd, req.data(), req.size(), MSG_NOSIGNAL) < 0) report_error(i, errno, now, "send");
      }
    }
  }
  observe_info(socks_[i], now, "sampled (TCP_INFO)");
  if (socks_[i].program >= 0) return;  // the program reads and writes
  // Pending send() data, as the kernel frees buffer space.
  if (!socks_[i].unsent.empty()) {
    Sock& w = socks_[i];
    const ssize_t n = send_pending(w.fd, w.unsent);
    if (n > 0) {
      if (w.unsent.empty()) say(now, w, "send returned " + std::to_string(w.send_total) + ": all of it is in the send buffer");
    } else if (n < 0 && errno != EAGAIN) {
      say(now, w, "send: " + errno_text(errno));
      w.unsent.clear();
    }
  }
  // Reads: at once (--read auto) or for the `tcp recv` calls waiting (manual).
  for (;;) {
    Sock& r = socks_[i];
    if (r.eof || r.fd < 0) break;
    if (!r.auto_read && r.readers.empty()) break;
    const size_t max = r.auto_read ? kReadChunk : r.readers.front();
    std::vector<uint8_t> buf(std::max<size_t>(max, 1));
    const ssize_t n = ::recv(r.fd, buf.data(), max, 0);
    if (n < 0) {
      if (errno == EAGAIN) break;
      return report_error(i, errno, now);
    }
    if (!r.auto_read) r.readers.pop_front();
    if (n == 0) {
      r.eof = true;
      observe_info(r, now, "recv() returned 0");
      say(now, r, r.auto_read ? "the peer closed its side (recv returns 0)"
                              : "recv returned 0: the peer closed its side");
      break;
    }
    say(now, r, std::string(r.auto_read ? "received " : "recv returned ") + bytes_word(static_cast<size_t>(n)) + " " +
                    show_data(std::span(buf.data(), static_cast<size_t>(n))));
  }
}

void KernelHost::service_program(size_t pi, Time now) {
  if (programs_[pi].finished) return;
  // Indices, not references: accept_ready() appends to socks_.
  auto sid = [&](int si) { return shared_->reg.at(socks_[static_cast<size_t>(si)].reg).id; };
  switch (programs_[pi].kind) {
    case Program::Echo:
    case Program::BulkSink: {
      const bool echo = programs_[pi].kind == Program::Echo;
      std::vector<int> conns;
      if (echo) for (auto& [si, _] : programs_[pi].pending) conns.push_back(si);
      else for (auto& [si, _] : programs_[pi].sink) conns.push_back(si);
      for (int si : conns) {
        Sock& c = socks_[static_cast<size_t>(si)];
        if (c.fd < 0 || c.failed) continue;
        std::vector<uint8_t>& pending = programs_[pi].pending[si];
        // Back-pressure as a blocking read()/write() loop: read only once all is written.
        while (!pending.empty()) {
          const ssize_t n = ::send(c.fd, pending.data(), pending.size(), MSG_NOSIGNAL);
          if (n <= 0) break;
          pending.erase(pending.begin(), pending.begin() + n);
        }
        if (!pending.empty()) continue;
        std::vector<uint8_t> buf(kReadChunk);
        const ssize_t n = ::recv(c.fd, buf.data(), buf.size(), 0);
        if (n > 0) {
          if (echo) {
            pending.assign(buf.begin(), buf.begin() + n);
          } else {
            programs_[pi].sink[si].first += static_cast<uint64_t>(n);
          }
        } else if (n == 0) {
          if (!echo) {
            const auto [bytes, first] = programs_[pi].sink[si];
            print(now, "bulk-sink: " + to_string(shared_->reg.at(c.reg).remote) + ": " + plural(bytes, "byte", "bytes") +
                           " in " + format_elapsed(now - first) + " (" + format_rate(bytes, now - first) + ")",
                  sid(si));
          }
          tcp_close(c, now, false);
        } else if (errno != EAGAIN) {
          report_error(static_cast<size_t>(si), errno, now);
          programs_[pi].finished = false;  // a server goes on with its other clients
        }
      }
      if (!echo) for (auto& [si, _] : programs_[pi].sink) programs_[pi].pending.erase(si);
      return;
    }
    case Program::FileServer: {
      std::vector<int> conns;
      for (auto& [si, _] : programs_[pi].file_conns) conns.push_back(si);
      for (int si : conns) {
        Sock& c = socks_[static_cast<size_t>(si)];
        Program::FileConn& fc = programs_[pi].file_conns[si];
        if (c.fd < 0 || c.failed) {
          programs_[pi].file_conns.erase(si);
          continue;
        }
        // Everything the client sends is read (the request, then anything after it), so
        // that close() never finds unread data, which would turn its FIN into an RST.
        bool eof = false;
        for (;;) {
          char buf[4096];
          const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
          if (n > 0) {
            if (!fc.answered) fc.request.append(buf, static_cast<size_t>(n));
            continue;
          }
          eof = n == 0;
          break;
        }
        if (!fc.answered) {
          if (fc.request.empty()) {
            if (eof) {  // the client left without asking
              tcp_close(c, now, false);
              programs_[pi].file_conns.erase(si);
            }
            continue;
          }
          // The name ends at "\n" — or, like the course's recv(1024), with this burst.
          std::string name = fc.request.substr(0, fc.request.find('\n'));
          if (!name.empty() && name.back() == '\r') name.pop_back();
          fc.answered = true;
          fc.file = name;
          const auto& files = programs_[pi].files;
          const auto f = std::find_if(files.begin(), files.end(), [&](const auto& kv) { return kv.first == name; });
          if (f == files.end()) {
            print(now, "file-server: no file '" + name + "'", sid(si));
            tcp_close(c, now, false);
            programs_[pi].file_conns.erase(si);
            continue;
          }
          fc.size = f->second;
          print(now, "file-server: sending " + name + " (" + plural(fc.size, "byte", "bytes") + ") to " +
                         to_string(shared_->reg.at(c.reg).remote),
                sid(si));
        }
        while (fc.queued < fc.size) {
          const wire::Bytes data = filler(fc.file + " ", fc.queued,
                                          static_cast<size_t>(std::min<uint64_t>(fc.size - fc.queued, kReadChunk)));
          const ssize_t n = ::send(c.fd, data.data(), data.size(), MSG_NOSIGNAL);
          if (n <= 0) {
            if (n < 0 && errno != EAGAIN) {
              report_error(static_cast<size_t>(si), errno, now, "send");
              programs_[pi].finished = false;  // a server goes on with its other clients
            }
            break;
          }
          fc.queued += static_cast<uint64_t>(n);
        }
        if (fc.queued >= fc.size && !c.failed) {
          // All of it is in the send buffer: close, and the FIN follows the data (the
          // course's short connection: the server closes first and goes to TIME_WAIT).
          tcp_close(c, now, false);
          programs_[pi].file_conns.erase(si);
        }
      }
      return;
    }
    case Program::Download: {
      Program& p = programs_[pi];
      if (!p.connected || p.sock < 0) return;
      Sock& c = socks_[static_cast<size_t>(p.sock)];
      if (c.fd < 0 || c.failed) return;
      for (;;) {
        std::vector<uint8_t> buf(kReadChunk);
        const ssize_t n = ::recv(c.fd, buf.data(), buf.size(), 0);
        if (n > 0) {
          p.received += static_cast<uint64_t>(n);
          continue;
        }
        if (n < 0) {
          if (errno != EAGAIN) report_error(static_cast<size_t>(p.sock), errno, now);
          return;
        }
        const Time t = clock(now) - p.started;
        print(now, "download: " + p.file + ": " + plural(p.received, "byte", "bytes") + " in " + format_elapsed(t) +
                       " (" + format_rate(p.received, t) + ")",
              sid(p.sock));
        // The server closed first; our close() answers its FIN.
        tcp_close(c, now, false);
        p.finished = true;
        return;
      }
    }
    case Program::BulkSend: {
      Program& p = programs_[pi];
      if (!p.connected || p.sock < 0) return;
      Sock& c = socks_[static_cast<size_t>(p.sock)];
      if (c.fd < 0) return;
      for (;;) {
        const uint64_t left = p.limited ? p.total - p.queued : kReadChunk;
        if (left == 0) break;
        const wire::Bytes data = filler("0123456789", p.queued, static_cast<size_t>(std::min<uint64_t>(left, kReadChunk)));
        const ssize_t n = ::send(c.fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n <= 0) {
          if (n < 0 && errno != EAGAIN) report_error(static_cast<size_t>(p.sock), errno, now, "send");
          break;
        }
        p.queued += static_cast<uint64_t>(n);
      }
      if (p.limited && p.queued == p.total && !p.finished) {
        print(now, "bulk-send: all " + plural(p.total, "byte", "bytes") + " queued, closing", sid(p.sock));
        tcp_close(c, now, false);
        p.finished = true;
      }
      return;
    }
    case Program::Requests: {
      Program& p = programs_[pi];
      if (!p.connected || p.sock < 0) return;
      const int si = p.sock;
      if (socks_[static_cast<size_t>(si)].fd < 0) return;
      // Queue what is left of the current request.
      while (p.req_queued < p.size) {
        const size_t want = static_cast<size_t>(std::min<uint64_t>(p.size - p.req_queued, kReadChunk));
        const wire::Bytes data = filler(request_pattern(p.done + 1), p.req_queued, want);
        const ssize_t n = ::send(socks_[static_cast<size_t>(si)].fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n <= 0) break;
        p.req_queued += static_cast<uint64_t>(n);
      }
      // Read the echo and check it byte by byte.
      for (;;) {
        if (p.awaiting == 0) break;
        std::vector<uint8_t> buf(static_cast<size_t>(std::min<uint64_t>(p.awaiting, kReadChunk)));
        const ssize_t n = ::recv(socks_[static_cast<size_t>(si)].fd, buf.data(), buf.size(), 0);
        if (n < 0) {
          if (errno != EAGAIN) report_error(static_cast<size_t>(si), errno, now);
          return;
        }
        if (n == 0) {
          print(now, "requests: the server closed the connection after " + plural(p.done, "response", "responses"), sid(si));
          tcp_close(socks_[static_cast<size_t>(si)], now, false);
          p.finished = true;
          return;
        }
        const wire::Bytes want = filler(request_pattern(p.done + 1), p.size - p.awaiting, static_cast<size_t>(n));
        for (size_t k = 0; k < static_cast<size_t>(n); ++k) p.mismatched += buf[k] != want[k];
        p.awaiting -= static_cast<uint64_t>(n);
      }
      p.done++;
      if (p.count <= 5)
        print(now, "requests: request " + std::to_string(p.done) + ": " + plural(p.size, "byte", "bytes") +
                       " echoed in " + format_elapsed(now - p.request_started),
              sid(si));
      if (p.done >= p.count) {
        print(now, "requests: " + plural(p.count, "request", "requests") + " of " + plural(p.size, "byte", "bytes") +
                       " over " + plural(p.connections, "connection", "connections") + ": " +
                       format_elapsed(now - p.started),
              sid(si));
        if (p.mismatched)
          print(now, "requests: " + plural(p.mismatched, "byte", "bytes") + " of the responses differ from the requests",
                sid(si));
        tcp_close(socks_[static_cast<size_t>(si)], now, false);
        p.finished = true;
        return;
      }
      p.req_queued = 0;
      p.awaiting = p.size;
      p.request_started = now;
      if (!p.reuse) {
        tcp_close(socks_[static_cast<size_t>(si)], now, false);
        p.connected = false;
        CmdTcpConnect c;
        c.to = p.to;
        const size_t before = socks_.size();
        tcp_connect(c, now, static_cast<int>(pi));
        if (socks_.size() == before) {
          programs_[pi].finished = true;  // connect() failed and said why
        } else {
          programs_[pi].sock = static_cast<int>(socks_.size()) - 1;
          programs_[pi].connections++;
        }
      }
      return;
    }
  }
}

void KernelHost::start_program(const Command& cmd, Time now) {
  Program p;
  if (const auto* c = std::get_if<CmdAppEchoServer>(&cmd)) {
    p.kind = Program::Echo;
    programs_.push_back(p);
    CmdTcpListen l;
    l.port = c->port;
    const size_t before = socks_.size();
    tcp_listen(l, now, static_cast<int>(programs_.size()) - 1);
    if (socks_.size() == before) programs_.back().finished = true;
  } else if (const auto* c = std::get_if<CmdAppFileServer>(&cmd)) {
    p.kind = Program::FileServer;
    p.files = c->files;
    programs_.push_back(p);
    CmdTcpListen l;
    l.port = c->port;
    const size_t before = socks_.size();
    tcp_listen(l, now, static_cast<int>(programs_.size()) - 1);
    if (socks_.size() == before) programs_.back().finished = true;
    else {
      std::string list;
      for (const auto& [name, size] : c->files) list += (list.empty() ? "" : ", ") + name + " (" + plural(size, "byte", "bytes") + ")";
      print(now, "file-server: serving " + list);
    }
  } else if (const auto* c = std::get_if<CmdAppBulkSink>(&cmd)) {
    p.kind = Program::BulkSink;
    programs_.push_back(p);
    CmdTcpListen l;
    l.port = c->port;
    const size_t before = socks_.size();
    tcp_listen(l, now, static_cast<int>(programs_.size()) - 1);
    if (socks_.size() == before) programs_.back().finished = true;
  } else {
    CmdTcpConnect conn;
    if (const auto* r = std::get_if<CmdAppRequests>(&cmd)) {
      p.kind = Program::Requests;
      p.to = r->to, p.count = r->count, p.size = r->size, p.reuse = r->reuse;
      p.awaiting = r->size;
      conn.to = r->to;
    } else if (const auto* d = std::get_if<CmdAppDownload>(&cmd)) {
      p.kind = Program::Download;
      p.to = d->from;
      p.file = d->file;
      conn.to = d->from;
    } else if (const auto* b = std::get_if<CmdAppBulkSend>(&cmd)) {
      p.kind = Program::BulkSend;
      p.to = b->to;
      p.limited = b->bytes.has_value();
      p.total = b->bytes.value_or(0);
      conn.to = b->to;
    } else {
      return;
    }
    p.started = p.request_started = now;
    p.connections = 1;
    programs_.push_back(p);
    const size_t before = socks_.size();
    tcp_connect(conn, now, static_cast<int>(programs_.size()) - 1);
    if (socks_.size() == before) programs_.back().finished = true;
    else programs_.back().sock = static_cast<int>(socks_.size()) - 1;
  }
}

void KernelHost::service(Time now) {
  for (size_t i = 0; i < socks_.size(); ++i) service_sock(i, now);
  for (size_t p = 0; p < programs_.size(); ++p) service_program(p, now);
  service_tools(now);
}

void KernelHost::run(const Command& cmd, const std::string& text, Time now) {
  print(now, "$ " + text);
  std::visit(
      [&](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, CmdTcpListen>) {
          tcp_listen(c, now, -1);
        } else if constexpr (std::is_same_v<T, CmdTcpConnect>) {
          tcp_connect(c, now, -1);
        } else if constexpr (std::is_same_v<T, CmdTcpAccept>) {
          for (size_t i = 0; i < socks_.size(); ++i) {
            const KernelSockEntry& e = shared_->reg.at(socks_[i].reg);
            if (socks_[i].kind == Sock::Listener && (e.id == c.listener || e.name == c.listener)) {
              socks_[i].accepts_wanted++;
              const size_t before = socks_.size();
              accept_ready(i, now);
              if (socks_.size() == before) say(now, socks_[i], "accept waits: the accept queue is empty");
              return;
            }
          }
          print(now, "tcp accept: no listening socket '" + c.listener + "' on " + name_);
        } else if constexpr (std::is_same_v<T, CmdTcpSend>) {
          if (Sock* s = find(c.sock, "tcp send", now, true)) tcp_send(*s, c.text, c.bytes, now);
        } else if constexpr (std::is_same_v<T, CmdTcpRecv>) {
          if (Sock* s = find(c.sock, "tcp recv", now, true)) {
            if (s->kind == Sock::Listener) return say(now, *s, "recv: Transport endpoint is not connected");
            s->readers.push_back(c.max.value_or(65536));
            const size_t i = static_cast<size_t>(s - socks_.data());
            service_sock(i, now);
            if (!socks_[i].readers.empty()) say(now, socks_[i], "recv waits: the receive buffer is empty");
          }
        } else if constexpr (std::is_same_v<T, CmdTcpShutdown>) {
          if (Sock* s = find(c.sock, "tcp shutdown", now, true)) {
            if (s->fd >= 0 && ::shutdown(s->fd, SHUT_WR) != 0) say(now, *s, "shutdown: " + errno_text(errno));
            // The fd stays open: TCP_INFO gives the state the FIN left it in.
            observe_info(*s, now, "shutdown(SHUT_WR) sends FIN");
          }
        } else if constexpr (std::is_same_v<T, CmdTcpClose>) {
          if (Sock* s = find(c.sock, "tcp close", now, true)) tcp_close(*s, now, false);
        } else if constexpr (std::is_same_v<T, CmdTcpAbort>) {
          if (Sock* s = find(c.sock, "tcp abort", now, true)) tcp_close(*s, now, true);
        } else if constexpr (std::is_same_v<T, CmdTcpSetsockopt>) {
          if (Sock* s = find(c.sock, "tcp setsockopt", now, true)) {
            int v = static_cast<int>(c.value);
            int rc = 0;
            const char* what = "";
            switch (c.option) {
              case TcpOption::NoDelay: rc = setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &v, sizeof v); what = "TCP_NODELAY (Nagle off)"; break;
              case TcpOption::DelAck: { int q = !v; rc = setsockopt(s->fd, IPPROTO_TCP, TCP_QUICKACK, &q, sizeof q); what = "delayed ACKs"; break; }
              case TcpOption::LingerZero: { linger l{v ? 1 : 0, 0}; rc = setsockopt(s->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l); s->linger_zero = rc == 0 && v; what = "SO_LINGER {1, 0} (close() resets)"; break; }
              case TcpOption::RcvBuf: rc = setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof v); what = "SO_RCVBUF"; break;
              case TcpOption::SndBuf: rc = setsockopt(s->fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof v); what = "SO_SNDBUF"; break;
            }
            const bool flag = c.option != TcpOption::RcvBuf && c.option != TcpOption::SndBuf;
            if (rc != 0) say(now, *s, std::string("setsockopt ") + what + ": " + errno_text(errno));
            else say(now, *s, std::string(what) + " " + (flag ? (c.value ? "on" : "off") : std::to_string(c.value) + " bytes"));
          }
        } else if constexpr (std::is_same_v<T, CmdUdpBind>) {
          udp_bind(c.name, c.port, now, false, nullptr);
        } else if constexpr (std::is_same_v<T, CmdUdpSendto> || std::is_same_v<T, CmdUdpReply>) {
          size_t si = 0;
          Endpoint to;
          if constexpr (std::is_same_v<T, CmdUdpSendto>) {
            if (c.sock) {
              Sock* s = find(*c.sock, "udp sendto", now, false);
              if (!s) return;
              si = static_cast<size_t>(s - socks_.data());
            } else {
              const size_t before = socks_.size();
              udp_bind(std::nullopt, 0, now, true, &si);
              if (socks_.size() == before) return;
            }
            to = real_destination(c.to, false);
            shared_->dest_owner[{false, to.addr.v, to.port}] = scenario_owner(c.to.addr);
          } else {
            Sock* s = find(c.sock, "udp reply", now, false);
            if (!s) return;
            si = static_cast<size_t>(s - socks_.data());
            to = shared_->reg.at(s->reg).remote;
            if (to.port == 0)
              return say(now, *s, "udp reply: " + label(*s) + " has not received a datagram yet (udp recvfrom first)");
          }
          const Sock& s = socks_[si];
          const std::vector<uint8_t> payload = command_payload(c.text, c.bytes);
          const sockaddr_in a = to_sockaddr(to);
          const std::string sid = shared_->reg.at(s.reg).id;
          if (::sendto(s.fd, payload.data(), payload.size(), 0, reinterpret_cast<const sockaddr*>(&a), sizeof a) < 0)
            return print(now, "sendto: " + errno_text(errno), sid);
          if constexpr (std::is_same_v<T, CmdUdpSendto>)
            print(now, "sendto " + to_string(to) + " from " + label(s) + " (port " +
                           std::to_string(shared_->reg.at(s.reg).local.port) + "): " + std::to_string(payload.size()) + " bytes",
                  sid);
          else
            print(now, "sendto " + to_string(to) + " from " + label(s) + ": " + std::to_string(payload.size()) +
                           " bytes (a reply to the last sender)",
                  sid);
        } else if constexpr (std::is_same_v<T, CmdUdpRecvfrom>) {
          if (Sock* s = find(c.sock, "udp recvfrom", now, false)) {
            s->udp_readers.push_back(c.bufsize);
            const size_t i = static_cast<size_t>(s - socks_.data());
            service_sock(i, now);
            if (!socks_[i].udp_readers.empty())
              print(now, "recvfrom(" + std::to_string(c.bufsize) + ") on " + label(socks_[i]) + ": waiting for a datagram…",
                    shared_->reg.at(socks_[i].reg).id);
          }
        } else if constexpr (std::is_same_v<T, CmdAppEchoServer> || std::is_same_v<T, CmdAppBulkSink> ||
                             std::is_same_v<T, CmdAppRequests> || std::is_same_v<T, CmdAppBulkSend> ||
                             std::is_same_v<T, CmdAppFileServer> || std::is_same_v<T, CmdAppDownload>) {
          start_program(cmd, now);
        } else if constexpr (std::is_same_v<T, CmdSockets>) {
          if (shared_->loopback) print_sockets(c, now);
          else start_tool(text, now);
        } else {
          // ping, traceroute, ifconfig, route, arp, hping3, file-server, download: the real
          // tools in the host's namespace at level 3; at levels 1 and 2 every host is
          // 127.0.0.1, where they would say nothing true about the scenario's network.
          if (!shared_->loopback && is_tool_command(cmd)) return start_tool(text, now);
          const std::string note = "`" + command_name(cmd) + "` is not run on the kernel at level " +
                                   std::to_string(shared_->info->level) +
                                   (shared_->loopback && is_tool_command(cmd)
                                        ? " (the hosts share 127.0.0.1; level 3 runs it in the host's own namespace)"
                                        : " (the simulator's own program; live mode runs the socket calls and the "
                                          "app programs)");
          print(now, "(live) " + note);
          shared_->info->notices.push_back(name_ + ": " + note);
        }
      },
      cmd);
}

}  // namespace tcplab::live
