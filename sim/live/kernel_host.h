// One scenario host realised by the real kernel: its steps (the command language) run
// as calls on real non-blocking sockets, printing what the simulator's console prints
// for the same calls (sim/proto/tcp_console.cpp, sim/apps), so the two traces read alike.
// Level 1 and 2: every host's sockets live in this process's namespace on 127.0.0.1
// (ports remapped when taken); level 3: in the host's own namespace, with the scenario's
// addresses. Socket ids and states go through the shared SocketRegistry/StateTracker.
#pragma once
#include <chrono>
#include <cstdint>
#include <algorithm>
#include <deque>
#include <map>
#include <tuple>
#include <optional>
#include <string>
#include <vector>

#include "sim/live/kernel_sockets.h"
#include "sim/live/live_trace.h"
#include "sim/scenario/command.h"
#include "sim/scenario/scenario.h"

namespace tcplab::live {

// What the hosts of one run share.
struct KernelRunShared {
  const Scenario* scenario = nullptr;
  bool loopback = true;                 // levels 1 and 2
  SocketRegistry reg;
  StateTracker states;
  std::vector<TraceEvent> events;       // app and cc events, in the order made
  LiveInfo* info = nullptr;             // port mappings and notices go here
  // Levels 1/2: (node, scenario port) -> real port, TCP and UDP apart.
  std::map<std::pair<int32_t, uint16_t>, uint16_t> tcp_ports, udp_ports;
  std::chrono::steady_clock::time_point start;  // the run's time 0
  Time elapsed() const {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count();
  }
  uint16_t closed_port = 0;             // a port held bound and never listened on: RST
  // Levels 1/2: the scenario node a connection or datagram was meant for, by its real
  // destination (TCP or UDP), so that what comes back from a port nobody listens on (an
  // RST, an ICMP port unreachable) is attributed to that node.
  std::map<std::tuple<bool, uint32_t, uint16_t>, int32_t> dest_owner;
  int closed_fd = -1;
};

class KernelHost {
 public:
  KernelHost(int32_t node, std::string name, int netns_fd, KernelRunShared* shared);
  KernelHost(KernelHost&&) noexcept;
  KernelHost& operator=(KernelHost&&) noexcept;
  KernelHost(const KernelHost&) = delete;
  KernelHost& operator=(const KernelHost&) = delete;
  ~KernelHost();

  int32_t node() const { return node_; }
  // Runs one command at `now` (the prompt line "$ CMD" first, as the simulator prints).
  void run(const Command& cmd, const std::string& text, Time now);
  // Makes progress on every socket without blocking: accepts, reads, pending sends,
  // connects completing, programs. Reads TCP_INFO of every open TCP socket (`state`
  // and `cc` observations).
  void service(Time now);
  // The fds worth waking up for.
  void poll_fds(std::vector<int>& out) const;
  // The sockets of this host for `ss`/`netstat` (level 1/2: restricted to them).
  bool owns(size_t reg_index) const;

 private:
  struct Sock;
  struct Program;
  // When something happens: the time of the call, read as it returns (never before `now`,
  // the time the loop woke for it), so outputs follow the segments the call sent.
  Time clock(Time now) const { return std::max(now, shared_->elapsed()); }
  void print(Time now, const std::string& text, const std::string& sock = {});
  void say(Time now, const Sock& s, const std::string& text);
  std::string label(const Sock& s) const;
  Sock* find(const std::string& id_or_name, const std::string& cmd, Time now, bool tcp);
  Endpoint real_destination(Endpoint scenario_to, bool tcp) const;
  int32_t scenario_owner(Ipv4 addr) const;  // the node with that address (this one for 127/8)
  std::optional<int> tcp_socket(std::string& error);
  void observe_info(Sock& s, Time now, const char* why);
  void tcp_listen(const CmdTcpListen& c, Time now, int program);
  void tcp_connect(const CmdTcpConnect& c, Time now, int program);
  void tcp_send(Sock& s, const std::string& text, std::optional<uint32_t> bytes, Time now);
  void tcp_close(Sock& s, Time now, bool abort);
  void udp_bind(std::optional<std::string> name, uint16_t port, Time now, bool quiet, size_t* out);
  void service_sock(size_t i, Time now);
  void service_program(size_t p, Time now);
  void print_sockets(const CmdSockets& c, Time now);
  void start_program(const Command& c, Time now);
  std::string program_name(int program) const;
  size_t add_sock(int fd, int kind, const std::optional<std::string>& name, Endpoint remote, int program);
  // Level 3: a real tool (ping, ss, ip, route, …) run in the host's namespace; its output
  // lines become app events as they come.
  void start_tool(const std::string& text, Time now);
  void service_tools(Time now);
  void accept_ready(size_t listener, Time now);
  // An errno on socket i: printed as `what: strerror` ("connect" while connecting).
  void report_error(size_t i, int err, Time now, const char* what = "recv");
  uint16_t bind_port(int fd, bool tcp, uint16_t scenario_port, Time now, std::string& error);

  int32_t node_ = -1;
  std::string name_;
  int netns_fd_ = -1;
  KernelRunShared* shared_ = nullptr;
  std::vector<Sock> socks_;
  std::vector<Program> programs_;
  struct Tool {
    int pid = -1;
    int fd = -1;
    std::string name, partial;
  };
  std::vector<Tool> tools_;
};

}  // namespace tcplab::live
