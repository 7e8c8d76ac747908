// Network namespaces with one TAP device each, made without running `ip`: the same
// system calls `ip netns add` makes (iproute2 ip/ipnetns.c), then the ioctls `ifconfig`
// and `route` use (net/ipv4/devinet.c devinet_ioctl, net/ipv4/fib_frontend.c
// ip_rt_ioctl), all issued from a short-lived thread that lives inside the new namespace
// so the caller's thread never changes namespace, even when something fails half way.
//
// A namespace lives as long as something refers to it. Here three things do: the bind
// mount /run/netns/<name> (which is also what makes `ip netns list` and `ip -n` see it),
// the namespace fd, and the TAP fd (a tun file holds its namespace). Deleting = closing
// both fds and removing the mount; the kernel then destroys the namespace and every
// device in it. A TAP that is not persistent is destroyed as soon as its fd is closed.
// Where /run/netns cannot be written, the namespace is made without the mount (unnamed):
// then only the fds hold it, and it ends with the process whatever the way.
#include "sim/live/netns.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <net/route.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace tcplab::live {

namespace {

constexpr const char* kRunDir = "/run/netns";  // where iproute2 keeps named namespaces

std::string errno_text(int err) { return std::strerror(err); }

// A file descriptor closed on scope exit unless released.
struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
  int release() {
    int f = fd;
    fd = -1;
    return f;
  }
};

std::string ns_path(const std::string& name) { return std::string(kRunDir) + "/" + name; }

bool valid_node_name(const std::string& node) {
  if (node.empty()) return false;
  for (char c : node)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  return true;
}

// ---- the table the signal handler cleans from ------------------------------------------
// A second SIGINT/SIGTERM must remove the namespaces without malloc, locks or C++
// objects: the paths live in a fixed static table whose slots are claimed and published
// with lock-free atomics (async-signal-safe per [support.signal]).
constexpr int kSlots = 64;
constexpr size_t kSlotPath = 11 + NAME_MAX + 1;  // "/run/netns/" + a file name + NUL
enum SlotState : int { kFree = 0, kWriting = 1, kReady = 2 };
struct Slot {
  std::atomic<int> state{kFree};
  std::atomic<pid_t> owner{0};  // a forked child inherits the table: it is not its own
  char path[kSlotPath] = {};
};
static_assert(std::atomic<int>::is_always_lock_free && std::atomic<pid_t>::is_always_lock_free);
Slot g_slots[kSlots];
std::atomic<int> g_stop_signal{0};

bool register_path(const std::string& path) {
  if (path.size() >= kSlotPath) return false;
  for (Slot& s : g_slots) {
    int expected = kFree;
    if (!s.state.compare_exchange_strong(expected, kWriting)) continue;
    std::memcpy(s.path, path.c_str(), path.size() + 1);
    s.owner.store(getpid());
    s.state.store(kReady);
    return true;
  }
  return false;
}

void unregister_path(const std::string& path) {
  const pid_t me = getpid();
  for (Slot& s : g_slots) {
    if (s.state.load() != kReady || s.owner.load() != me || path != s.path) continue;
    s.state.store(kFree);
    return;
  }
}

bool is_registered(const std::string& path) {
  const pid_t me = getpid();
  for (Slot& s : g_slots)
    if (s.state.load() == kReady && s.owner.load() == me && path == s.path) return true;
  return false;
}

// Async-signal-safe: only umount2 and unlink on the published paths of this process.
void remove_registered_now() {
  const pid_t me = getpid();
  for (Slot& s : g_slots) {
    if (s.state.load() != kReady || s.owner.load() != me) continue;
    umount2(s.path, MNT_DETACH);
    unlink(s.path);
  }
}

void on_stop_signal(int sig) {
  int none = 0;
  if (g_stop_signal.compare_exchange_strong(none, sig)) return;  // first: ask the loops to stop
  remove_registered_now();  // second: the user insists; the TAP fds close with the process
  _exit(128 + sig);
}

void remove_registered_at_exit() { remove_registered_now(); }

// Removes a namespace's name: the bind mount first (MNT_DETACH, as `ip netns del` does, so
// a process still inside it keeps working), then the mount-point file.
bool unlink_namespace(const std::string& path) {
  umount2(path.c_str(), MNT_DETACH);
  return unlink(path.c_str()) == 0;
}

// ---- /run/netns, as iproute2 prepares it ----------------------------------------------
// The directory is made a mount point of its own with shared propagation, so that a
// namespace's bind mount (and its removal) reaches every mount namespace that has a copy
// of /run/netns; otherwise a copy could keep a deleted namespace alive.
bool prepare_run_dir(std::string& error) {
  if (mkdir(kRunDir, 0755) != 0 && errno != EEXIST) {
    int err = errno;
    error = std::string("cannot create ") + kRunDir + ": " + errno_text(err);
    return false;
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (mount("", kRunDir, "none", MS_SHARED | MS_REC, nullptr) == 0) return true;
    if (errno != EINVAL || attempt > 0) break;
    // EINVAL: not a mount point yet; bind it onto itself and try again.
    if (mount(kRunDir, kRunDir, "none", MS_BIND | MS_REC, nullptr) != 0) break;
  }
  int err = errno;
  error = std::string("cannot make ") + kRunDir + " a shared mount: " + errno_text(err) +
          (err == EPERM ? " (needs CAP_SYS_ADMIN)" : "");
  return false;
}

bool write_proc(const std::string& path, const char* value, bool missing_ok, std::string& error) {
  Fd f(open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (f.fd < 0) {
    if (missing_ok && errno == ENOENT) return true;  // a kernel without IPv6 has no such file
    error = "cannot open " + path + ": " + errno_text(errno);
    return false;
  }
  if (write(f.fd, value, std::strlen(value)) < 0) {
    error = "cannot write " + path + ": " + errno_text(errno);
    return false;
  }
  return true;
}

sockaddr ipv4_sockaddr(Ipv4 a) {
  sockaddr sa{};
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(a.v);
  std::memcpy(&sa, &sin, sizeof sin);
  return sa;
}

ifreq named_ifreq(const std::string& ifname) {
  ifreq ifr{};
  std::memcpy(ifr.ifr_name, ifname.c_str(), std::min(ifname.size(), size_t(IFNAMSIZ - 1)));
  return ifr;
}

bool set_up(int ctl, const std::string& ifname, std::string& error) {
  ifreq ifr = named_ifreq(ifname);
  if (ioctl(ctl, SIOCGIFFLAGS, &ifr) != 0 ||
      (ifr.ifr_flags = short(ifr.ifr_flags | IFF_UP), ioctl(ctl, SIOCSIFFLAGS, &ifr) != 0)) {
    error = "cannot bring " + ifname + " up: " + errno_text(errno);
    return false;
  }
  return true;
}

// A route through the classic SIOCADDRT ioctl (what `route add` uses): it lands in the
// main table, like `ip route add`. The gateway must be on the TAP's subnet.
bool add_route(int ctl, const std::string& dev, Prefix dst, Ipv4 gateway, std::string& error) {
  rtentry rt{};
  rt.rt_dst = ipv4_sockaddr(dst.network());
  rt.rt_genmask = ipv4_sockaddr(dst.netmask());
  rt.rt_gateway = ipv4_sockaddr(gateway);
  rt.rt_flags = RTF_UP | RTF_GATEWAY | (dst.len == 32 ? RTF_HOST : 0);
  std::string dev_copy = dev;  // rt_dev is a non-const char*
  rt.rt_dev = dev_copy.data();
  if (ioctl(ctl, SIOCADDRT, &rt) == 0) return true;
  int err = errno;
  std::string what = dst.len == 0 ? std::string("the default route") : "the route to " + to_string(Prefix{dst.network(), dst.len});
  error = "cannot add " + what + " via " + to_string(gateway) + ": " + errno_text(err);
  if (err == ENETUNREACH) error += " (the gateway must be an address on the TAP's own subnet)";
  return false;
}

// Everything that happens inside the new namespace. Runs on its own thread: unshare()
// moves only that thread, which ends when this returns.
struct Built {
  int netns_fd = -1;
  int tap_fd = -1;
  std::string error;
};

void build_inside_new_namespace(const std::string& name, const std::string& path, const std::string& tap,
                                const TapConfig& cfg, Built& out) {
  std::string& error = out.error;
  auto fail = [&](const std::string& what, int err, const char* cap) {
    error = what + ": " + errno_text(err);
    if (cap && (err == EPERM || err == EACCES)) error += std::string(" (needs ") + cap + ")";
  };
  if (unshare(CLONE_NEWNET) != 0)
    return fail("cannot create namespace " + name + ": unshare(CLONE_NEWNET)", errno, "CAP_SYS_ADMIN");
  // `path` empty: the namespace stays unnamed, alive through our fds only.
  if (!path.empty() && mount("/proc/thread-self/ns/net", path.c_str(), "none", MS_BIND, nullptr) != 0)
    return fail("cannot create namespace " + name + ": bind mount onto " + path, errno, "CAP_SYS_ADMIN");
  Fd netns(open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
  if (netns.fd < 0) return fail("cannot open namespace " + name, errno, nullptr);

  // IPv6 off before the TAP exists, so it is born without it: no router solicitation,
  // DAD or MLD report ever reaches the simulated wire (net/ipv6/addrconf.c copies the
  // namespace's conf/default into a new device).
  if (!write_proc("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1", true, error)) return;

  // O_NONBLOCK: tcplab polls many fds from one loop.
  Fd tapfd(open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK));
  if (tapfd.fd < 0) {
    int err = errno;
    fail("cannot open /dev/net/tun to create TAP device " + tap, err, nullptr);
    if (err == ENOENT || err == ENODEV) error += " (load the tun module: sudo modprobe tun)";
    return;
  }
  ifreq ifr = named_ifreq(tap);
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;  // whole Ethernet frames, no packet-info prefix
  if (ioctl(tapfd.fd, TUNSETIFF, &ifr) != 0)
    return fail("cannot create TAP device " + tap + " in " + name, errno, "CAP_NET_ADMIN");

  Fd ctl(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));  // inside: addresses the namespace's devices
  if (ctl.fd < 0) return fail("cannot open a control socket in " + name, errno, nullptr);
  const std::string in = " on " + tap + " in " + name;

  ifr = named_ifreq(tap);
  ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
  std::memcpy(ifr.ifr_hwaddr.sa_data, cfg.mac.b.data(), 6);
  if (ioctl(ctl.fd, SIOCSIFHWADDR, &ifr) != 0)
    return fail("cannot set MAC " + to_string(cfg.mac) + in, errno, "CAP_NET_ADMIN");
  ifr = named_ifreq(tap);
  ifr.ifr_mtu = int(cfg.mtu);
  if (ioctl(ctl.fd, SIOCSIFMTU, &ifr) != 0)
    return fail("cannot set MTU " + std::to_string(cfg.mtu) + in, errno, "CAP_NET_ADMIN");
  if (!write_proc("/proc/sys/net/ipv6/conf/" + tap + "/disable_ipv6", "1", true, error)) return;

  // SIOCSIFADDR gives the address a classful mask; SIOCSIFNETMASK then sets the real one
  // and moves the broadcast address and the subnet route with it (devinet_ioctl).
  ifr = named_ifreq(tap);
  ifr.ifr_addr = ipv4_sockaddr(cfg.addr.addr);
  if (ioctl(ctl.fd, SIOCSIFADDR, &ifr) != 0)
    return fail("cannot set address " + to_string(cfg.addr.addr) + in, errno, "CAP_NET_ADMIN");
  ifr = named_ifreq(tap);
  ifr.ifr_netmask = ipv4_sockaddr(cfg.addr.netmask());
  if (ioctl(ctl.fd, SIOCSIFNETMASK, &ifr) != 0)
    return fail("cannot set netmask " + to_string(cfg.addr.netmask()) + " (/" + std::to_string(cfg.addr.len) + ")" + in,
                errno, "CAP_NET_ADMIN");

  // lo too: the namespace's own sockets talk to their own addresses through it.
  if (!set_up(ctl.fd, "lo", error) || !set_up(ctl.fd, tap, error)) {
    error += " (in " + name + ")";
    return;
  }
  // Routes last: a gateway is only reachable once the TAP is up with its subnet.
  if (cfg.gateway && !add_route(ctl.fd, tap, Prefix{Ipv4(0), 0}, *cfg.gateway, error)) {
    error += " (in " + name + ")";
    return;
  }
  for (const auto& [dst, via] : cfg.routes) {
    if (!add_route(ctl.fd, tap, dst, via, error)) {
      error += " (in " + name + ")";
      return;
    }
  }
  out.netns_fd = netns.release();
  out.tap_fd = tapfd.release();
}

// "tcplab-<pid>-<node>" -> pid, or 0 when the name is not one of ours.
int pid_in_name(const std::string& name, const std::string& prefix, bool rest_digits) {
  if (name.compare(0, prefix.size(), prefix) != 0) return 0;
  size_t i = prefix.size(), start = i;
  long pid = 0;
  while (i < name.size() && name[i] >= '0' && name[i] <= '9' && i - start < 10) pid = pid * 10 + (name[i++] - '0');
  if (i == start || i >= name.size() || name[i] != '-' || i + 1 >= name.size()) return 0;
  if (rest_digits)
    for (size_t j = i + 1; j < name.size(); ++j)
      if (name[j] < '0' || name[j] > '9') return 0;
  return pid > 0 && pid <= INT_MAX ? int(pid) : 0;
}

bool process_gone(int pid) { return kill(pid, 0) != 0 && errno == ESRCH; }

std::vector<std::string> list_dir(const char* dir) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir)) {
    while (dirent* e = readdir(d))
      if (e->d_name[0] != '.') names.push_back(e->d_name);
    closedir(d);
  }
  return names;
}

// A TAP left in this namespace by a crashed run can only still exist if it was made
// persistent. Attaching to it (TUNSETIFF on its name) and clearing persistence deletes it
// when our fd closes; the ioctl refuses anything that is not a tun/tap device, so no
// other interface can be touched this way.
bool remove_stale_tap(const std::string& ifname) {
  const std::string sys = "/sys/class/net/" + ifname;
  FILE* f = std::fopen((sys + "/tun_flags").c_str(), "r");
  if (!f) return false;  // not a tun/tap device: never ours to remove
  unsigned flags = 0;
  int got = std::fscanf(f, "%x", &flags);
  std::fclose(f);
  if (got != 1) return false;
  {
    Fd tun(open("/dev/net/tun", O_RDWR | O_CLOEXEC));
    if (tun.fd < 0) return false;
    ifreq ifr = named_ifreq(ifname);
    ifr.ifr_flags = short(flags & (IFF_TUN | IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE));
    if (ioctl(tun.fd, TUNSETIFF, &ifr) != 0) return false;
    if (ioctl(tun.fd, TUNSETPERSIST, 0) != 0) return false;
  }
  return access(sys.c_str(), F_OK) != 0;
}

}  // namespace

std::string netns_name(int pid, const std::string& node) { return "tcplab-" + std::to_string(pid) + "-" + node; }

std::string tap_name(int pid, int k) { return "tl" + std::to_string(pid) + "-" + std::to_string(k); }

std::optional<HostNamespace> HostNamespace::create(int pid, int k, const TapConfig& cfg, std::string& error) {
  error.clear();
  if (!valid_node_name(cfg.node)) {
    error = "cannot create a namespace for node '" + cfg.node + "': a node name may only use a-z, 0-9, '_' and '-'" +
            (cfg.node.empty() ? " and cannot be empty" : "");
    return std::nullopt;
  }
  const std::string name = netns_name(pid, cfg.node);
  if (name.size() > NAME_MAX) {
    error = "cannot create a namespace for node '" + cfg.node.substr(0, 20) + "...' (" +
            std::to_string(cfg.node.size()) + " characters): its name tcplab-<pid>-<node> would have " +
            std::to_string(name.size()) + " characters, more than the " + std::to_string(NAME_MAX) +
            " a file name in " + kRunDir + " may have";
    return std::nullopt;
  }
  const std::string tap = tap_name(pid, k);
  if (k < 0 || tap.size() >= IFNAMSIZ) {
    error = "cannot create TAP device " + tap + ": an interface name has at most " + std::to_string(IFNAMSIZ - 1) +
            " characters (IFNAMSIZ) and its number must not be negative";
    return std::nullopt;
  }
  if (cfg.addr.addr.v == 0 || cfg.addr.len < 1 || cfg.addr.len > 32) {
    error = "cannot create namespace " + name + ": " + to_string(cfg.addr) + " is not an interface address";
    return std::nullopt;
  }
  // The name under /run/netns, made as iproute2 makes it. A process that may not write
  // there (a non-root user given the capabilities with setcap has no CAP_DAC_OVERRIDE)
  // still gets a working namespace, only without a name outside tcplab: `why_unnamed`.
  const std::string path = ns_path(name);
  std::string why_unnamed;
  prepare_run_dir(why_unnamed);
  // The mount point is created exclusively: an existing name is either a namespace of
  // this run (refused) or one a dead process with the same pid left behind.
  for (int attempt = 0; why_unnamed.empty(); ++attempt) {
    int fd = open(path.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
    if (fd >= 0) {
      close(fd);
      break;
    }
    int err = errno;
    if (err == EEXIST && is_registered(path)) {
      error = "cannot create namespace " + name + ": this run already has a namespace for node '" + cfg.node + "'";
      return std::nullopt;
    }
    if (err == EEXIST && attempt == 0 && pid == getpid()) {
      unlink_namespace(path);  // left by an earlier process that had our pid
      continue;
    }
    if (err == EEXIST) {
      error = "cannot create namespace " + name + ": " + path + " already exists";
      return std::nullopt;
    }
    why_unnamed = "cannot create " + path + ": " + errno_text(err);
  }
  const bool named = why_unnamed.empty();
  if (named && !register_path(path)) {
    unlink(path.c_str());
    error = "cannot create namespace " + name + ": tcplab keeps at most " + std::to_string(kSlots) +
            " namespaces at a time";
    return std::nullopt;
  }

  Built built;
  std::thread worker([&] { build_inside_new_namespace(name, named ? path : std::string(), tap, cfg, built); });
  worker.join();
  if (built.tap_fd < 0) {
    if (built.netns_fd >= 0) close(built.netns_fd);
    if (named) {
      unlink_namespace(path);
      unregister_path(path);
    }
    error = built.error.empty() ? "cannot create namespace " + name : built.error;
    return std::nullopt;
  }
  HostNamespace h;
  h.name_ = name;
  h.tap_ = tap;
  h.tap_fd_ = built.tap_fd;
  h.netns_fd_ = built.netns_fd;
  h.why_unnamed_ = why_unnamed;
  return h;
}

HostNamespace::HostNamespace(HostNamespace&& o) noexcept
    : name_(std::move(o.name_)),
      tap_(std::move(o.tap_)),
      why_unnamed_(std::move(o.why_unnamed_)),
      tap_fd_(o.tap_fd_),
      netns_fd_(o.netns_fd_) {
  o.name_.clear();
  o.why_unnamed_.clear();
  o.tap_.clear();
  o.tap_fd_ = o.netns_fd_ = -1;
}

HostNamespace& HostNamespace::operator=(HostNamespace&& o) noexcept {
  if (this != &o) {
    destroy();
    name_ = std::move(o.name_);
    tap_ = std::move(o.tap_);
    why_unnamed_ = std::move(o.why_unnamed_);
    tap_fd_ = o.tap_fd_;
    netns_fd_ = o.netns_fd_;
    o.name_.clear();
    o.tap_.clear();
    o.why_unnamed_.clear();
    o.tap_fd_ = o.netns_fd_ = -1;
  }
  return *this;
}

HostNamespace::~HostNamespace() { destroy(); }

void HostNamespace::destroy() {
  if (tap_fd_ >= 0) close(tap_fd_);  // the TAP disappears with its last fd
  if (netns_fd_ >= 0) close(netns_fd_);
  tap_fd_ = netns_fd_ = -1;
  if (!name_.empty() && named()) {
    const std::string path = ns_path(name_);
    unlink_namespace(path);
    unregister_path(path);
  }
  name_.clear();
  tap_.clear();
  why_unnamed_.clear();
}

EnterNamespace::EnterNamespace(int netns_fd) {
  saved_fd_ = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (saved_fd_ < 0) {
    error_ = "cannot enter a network namespace: cannot open /proc/thread-self/ns/net to come back later: " +
             errno_text(errno);
    return;
  }
  if (setns(netns_fd, CLONE_NEWNET) != 0) {
    int err = errno;
    error_ = "cannot enter a network namespace: setns: " + errno_text(err) +
             (err == EPERM ? " (needs CAP_SYS_ADMIN)" : "");
    close(saved_fd_);
    saved_fd_ = -1;
    return;
  }
  ok_ = true;
}

EnterNamespace::~EnterNamespace() {
  if (ok_ && setns(saved_fd_, CLONE_NEWNET) != 0) {
    // Cannot happen with the privileges that let us in; if it does, say so: this thread
    // would go on creating sockets inside the namespace.
    std::fprintf(stderr, "tcplab: cannot return to the original network namespace: %s\n", std::strerror(errno));
  }
  if (saved_fd_ >= 0) close(saved_fd_);
}

std::vector<std::string> remove_stale() {
  std::vector<std::string> removed;
  const int me = getpid();
  // Without write access the unlink would fail after the unmount, leaving a name that
  // `ip netns list` still shows but that no longer is a namespace: leave it whole.
  const bool may_unlink = faccessat(AT_FDCWD, kRunDir, W_OK, AT_EACCESS) == 0;
  for (const std::string& name : may_unlink ? list_dir(kRunDir) : std::vector<std::string>{}) {
    int pid = pid_in_name(name, "tcplab-", false);
    if (pid == 0) continue;
    const std::string path = ns_path(name);
    // Our own pid but not created by this process: an earlier run that had the same pid
    // (pids are reused, often in containers) crashed and left it.
    bool stale = pid == me ? !is_registered(path) : process_gone(pid);
    if (stale && unlink_namespace(path)) removed.push_back(name);
  }
  for (const std::string& ifname : list_dir("/sys/class/net")) {
    int pid = pid_in_name(ifname, "tl", true);
    if (pid != 0 && pid != me && process_gone(pid) && remove_stale_tap(ifname)) removed.push_back(ifname);
  }
  return removed;
}

void install_cleanup_handlers() {
  static std::atomic<bool> installed{false};
  if (installed.exchange(true)) return;
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGINT);  // one handler at a time: the second signal waits its turn
  sigaddset(&sa.sa_mask, SIGTERM);
  sa.sa_flags = SA_RESTART;  // poll() still returns EINTR; plain reads and writes go on
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  // An exit() that skips the destructors (a static object, an early exit) still removes
  // the names; the TAP and namespace fds close with the process.
  std::atexit(remove_registered_at_exit);
}

bool stop_requested() { return g_stop_signal.load() != 0; }
int stop_signal() { return g_stop_signal.load(); }
void request_stop_for_tests(int sig) { g_stop_signal.store(sig); }
void clear_stop_for_tests() { g_stop_signal.store(0); }

}  // namespace tcplab::live
