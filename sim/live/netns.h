// Network namespaces and TAP devices for live level 3 ("the simulator is the wire") and
// for a simulated host talking to a real kernel. Each realised host gets a namespace of
// its own, `tcplab-<pid>-<node>`, whose only interface is a TAP device `tl<pid>-<k>` that
// this process holds open: every Ethernet frame the namespace's kernel sends is read from
// the fd, and every frame written to the fd arrives at that kernel. The namespaces are
// joined by nothing else, so the only path between them is tcplab.
//
// Clean-up: everything created is removed by the destructors, at exit, and on SIGINT or
// SIGTERM (install_cleanup_handlers); what a crashed run left (a pid that is no longer
// alive) is removed by remove_stale() at the next start. Nothing outside the namespaces
// is ever changed: the host's interfaces, routes and firewall are untouched.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/wire/address.h"

namespace tcplab::live {

// "tcplab-<pid>-<node>" (node names are [a-z0-9_-], so this is a valid netns name).
std::string netns_name(int pid, const std::string& node);
// "tl<pid>-<k>": at most 15 characters (IFNAMSIZ) for any pid up to 2^22 and k < 100.
std::string tap_name(int pid, int k);

// What a realised host's interface looks like inside its namespace.
struct TapConfig {
  std::string node;                 // scenario node name: the namespace is named after it
  Mac mac;                          // the scenario's MAC for that interface
  Prefix addr;                      // interface form, e.g. 192.168.1.10/24
  std::optional<Ipv4> gateway;      // default route
  std::vector<std::pair<Prefix, Ipv4>> routes;  // static routes: prefix via gateway
  uint32_t mtu = 1500;
};

// One namespace with its TAP device. Movable, not copyable; the destructor closes the
// TAP fd and deletes the namespace (and its /run/netns entry).
class HostNamespace {
 public:
  // Creates the namespace and the TAP inside it, brings `lo` and the TAP up with the
  // address, MAC, MTU and routes, and turns IPv6 off on the TAP (so the kernel sends no
  // router solicitations or DAD probes onto the simulated wire). `k` numbers the TAP.
  // Errors say what failed and the errno text ("cannot create namespace tcplab-42-client:
  // unshare(CLONE_NEWNET): Operation not permitted (needs CAP_SYS_ADMIN)"); nothing is
  // left behind on failure. The calling thread never changes namespace: the work is done
  // by a short-lived thread of its own. A node name is [a-z0-9_-]+, and a second namespace
  // for the same node in one process is refused; `k` must keep tap_name() within 15
  // characters.
  static std::optional<HostNamespace> create(int pid, int k, const TapConfig& cfg, std::string& error);

  HostNamespace(HostNamespace&&) noexcept;
  HostNamespace& operator=(HostNamespace&&) noexcept;
  HostNamespace(const HostNamespace&) = delete;
  HostNamespace& operator=(const HostNamespace&) = delete;
  ~HostNamespace();

  const std::string& name() const { return name_; }       // tcplab-<pid>-<node>
  // True when /run/netns/<name> exists, so `ip netns list`, `ip -n NAME …` and `ip netns
  // exec NAME …` see the namespace (always as root). False when this process may not
  // write /run/netns (a non-root user given the capabilities with setcap lacks
  // CAP_DAC_OVERRIDE): the namespace works the same but has no name outside tcplab, and
  // the kernel removes it when the process ends, however it ends. why_unnamed() says why
  // ("cannot create /run/netns/tcplab-42-client: Permission denied"), for a notice.
  bool named() const { return why_unnamed_.empty(); }
  const std::string& why_unnamed() const { return why_unnamed_; }
  const std::string& tap() const { return tap_; }         // tl<pid>-<k>
  int tap_fd() const { return tap_fd_; }                  // non-blocking; read()/write() whole frames
  int netns_fd() const { return netns_fd_; }              // for setns

 private:
  HostNamespace() = default;
  void destroy();
  std::string name_, tap_;
  std::string why_unnamed_;
  int tap_fd_ = -1;
  int netns_fd_ = -1;
};

// While alive, the calling thread is inside `netns_fd`'s namespace; sockets created then
// stay in that namespace for their whole life. The destructor returns the thread to the
// namespace it was in. ok() is false (with error()) when setns failed.
class EnterNamespace {
 public:
  explicit EnterNamespace(int netns_fd);
  ~EnterNamespace();
  EnterNamespace(const EnterNamespace&) = delete;
  EnterNamespace& operator=(const EnterNamespace&) = delete;
  bool ok() const { return ok_; }
  const std::string& error() const { return error_; }

 private:
  int saved_fd_ = -1;
  bool ok_ = false;
  std::string error_;
};

// Removes namespaces named tcplab-<pid>-* (and TAP devices tl<pid>-*) whose pid is not a
// running process, and those named with this process's own pid that it did not create
// (an earlier run that had the same pid: pids are reused, quickly in containers). Only
// tun/tap devices are ever removed (a persistent TAP is the only kind a dead process can
// leave). Returns the names removed. Needs root (writing /run/netns, CAP_SYS_ADMIN to
// unmount, CAP_NET_ADMIN for a TAP); without it nothing is removed. Pids are judged in
// this process's pid namespace.
std::vector<std::string> remove_stale();

// On SIGINT and SIGTERM: sets the flag that stop_requested() reads. The live loops poll it
// at least every 50 ms, return, and let the destructors clean up; the process then exits
// with 128 + stop_signal(): 130 (SIGINT) or 143 (SIGTERM). A second signal exits at once
// with 128 + that signal after removing the namespaces registered so far
// (async-signal-safe: the names are kept in a fixed table; the TAP fds close with the
// process). Also registers an atexit handler that removes the names of namespaces still
// alive at exit() (one a destructor never reached). Installing twice is harmless.
void install_cleanup_handlers();
bool stop_requested();
int stop_signal();  // the signal that asked to stop, 0 if none
void request_stop_for_tests(int sig);  // as if `sig` had arrived (tests)
void clear_stop_for_tests();

}  // namespace tcplab::live
