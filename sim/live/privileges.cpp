// Which live level this process may use: its effective capabilities (capget(2), read
// straight from the kernel so no libcap is needed) and whether /dev/net/tun opens.
// The notices are written for the person at the terminal: what is missing, what it would
// be used for, how to grant it, and which level runs instead.
#include "sim/live/privileges.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace tcplab::live {

namespace {

// capget(2) with the 64-bit layout (_LINUX_CAPABILITY_VERSION_3): two 32-bit words per
// set, capability n in word n/32, bit n%32 (include/uapi/linux/capability.h).
bool effective_has(const __user_cap_data_struct (&data)[2], int cap) {
  return (data[cap / 32].effective >> (cap % 32)) & 1u;
}

struct Missing {
  int level = 0;                    // the level that cannot run
  std::vector<std::string> caps;    // "CAP_NET_ADMIN"
  std::vector<std::string> whys;    // "CAP_NET_ADMIN (to create TAP devices …)"
  bool tun = false;                 // /dev/net/tun does not open
};

// What `level` needs that `p` lacks. Level 2 needs CAP_NET_RAW for the capture on lo;
// level 3 needs CAP_NET_ADMIN (TUNSETIFF and the SIOCSIF* / SIOCADDRT ioctls inside the
// namespace), CAP_SYS_ADMIN (unshare(CLONE_NEWNET), setns, and the bind mount under
// /run/netns that keeps the namespace alive) and a /dev/net/tun to make TAPs with.
Missing missing_for(int level, const Privileges& p) {
  Missing m;
  m.level = level;
  auto need = [&](bool held, const char* cap, const char* purpose) {
    if (held) return;
    m.caps.push_back(cap);
    m.whys.push_back(std::string(cap) + " (" + purpose + ")");
  };
  if (level == 2) need(p.net_raw, "CAP_NET_RAW", "to capture the real segments on lo");
  if (level == 3) {
    need(p.net_admin, "CAP_NET_ADMIN", "to create TAP devices and give them addresses and routes");
    need(p.sys_admin, "CAP_SYS_ADMIN", "to create network namespaces and enter them");
    m.tun = !p.tun;
  }
  return m;
}

bool empty(const Missing& m) { return m.caps.empty() && !m.tun; }

// "A", "A and B", "A, B and C".
std::string join_and(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " and " : ", ";
    out += items[i];
  }
  return out;
}

bool tun_absent(int err) { return err == ENOENT || err == ENODEV || err == ENXIO; }

// The sentence that explains why /dev/net/tun is no use, and what to do about it.
std::string tun_sentence(const Privileges& p) {
  if (tun_absent(p.tun_errno))
    return "/dev/net/tun does not exist on this machine (" + std::string(std::strerror(p.tun_errno)) +
           "): load the tun module with: sudo modprobe tun.";
  std::string s = "/dev/net/tun cannot be opened";
  if (p.tun_errno != 0) s += std::string(" (") + std::strerror(p.tun_errno) + ")";
  return s + ": run with sudo.";
}

// One notice for every level from `top` down to (not including) `chosen`.
std::string notice(int top, int chosen, bool asked, const Privileges& p, const std::string& binary) {
  std::vector<std::string> needs, caps;
  bool tun = false;
  for (int level = top; level > chosen; --level) {
    Missing m = missing_for(level, p);
    if (empty(m)) continue;
    std::vector<std::string> parts = m.whys;
    if (m.tun) parts.push_back("a /dev/net/tun that opens (TAP devices are made through it)");
    std::string head = "level " + std::to_string(level);
    if (asked && level == top) head += " (asked for with --level " + std::to_string(top) + ")";
    needs.push_back(head + " needs " + join_and(parts));
    caps.insert(caps.end(), m.caps.begin(), m.caps.end());
    tun = tun || m.tun;
  }
  std::string s = "live: ";
  for (size_t i = 0; i < needs.size(); ++i) s += (i ? "; " : "") + needs[i];
  s += ".";
  if (!caps.empty()) {
    // One setcap line that grants everything the top level wants: setcap replaces the
    // file's whole set, so two separate hints would undo each other.
    std::string set = top >= 3 ? "cap_net_raw,cap_net_admin,cap_sys_admin" : "cap_net_raw";
    s += " This process lacks " + join_and(caps) + ": run with sudo, or grant " +
         (caps.size() == 1 ? "it" : "them") + " once with: sudo setcap " + set + "+ep " +
         (binary.empty() ? std::string("build/tcplab") : binary) + ".";
  }
  if (tun) s += " " + tun_sentence(p);
  return s + " Using level " + std::to_string(chosen) + ".";
}

// The short form of what the level above `chosen` lacks, for the badge.
std::string short_missing(int chosen, const Privileges& p) {
  if (chosen >= 3) return "";
  Missing m = missing_for(chosen + 1, p);
  std::vector<std::string> parts = m.caps;
  if (m.tun) parts.push_back("/dev/net/tun");
  return "; level " + std::to_string(chosen + 1) + " needs " + join_and(parts);
}

}  // namespace

int Privileges::highest_level() const {
  if (net_admin && sys_admin && tun) return 3;
  if (net_raw) return 2;
  return 1;
}

Privileges probe_privileges() {
  Privileges p;
  __user_cap_header_struct header{};
  header.version = _LINUX_CAPABILITY_VERSION_3;
  header.pid = 0;  // this thread
  __user_cap_data_struct data[2]{};
  if (syscall(SYS_capget, &header, data) == 0) {
    p.net_raw = effective_has(data, CAP_NET_RAW);
    p.net_admin = effective_has(data, CAP_NET_ADMIN);
    p.sys_admin = effective_has(data, CAP_SYS_ADMIN);
  }
  int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
  if (fd >= 0) {
    p.tun = true;
    close(fd);
  } else {
    p.tun_errno = errno;
  }
  return p;
}

LevelChoice choose_level(int requested, const Privileges& p, const std::string& binary) {
  LevelChoice c;
  if (requested < 0 || requested > 3) {
    c.notices.push_back("live: there is no level " + std::to_string(requested) +
                        " (the levels are 1, 2 and 3); using the highest this process can run.");
    requested = 0;
  }
  const int available = p.highest_level();
  const bool asked = requested != 0;
  const int top = asked ? requested : 3;
  c.level = asked ? std::min(requested, available) : available;
  if (c.level < top) c.notices.push_back(notice(top, c.level, asked, p, binary));

  if (asked && requested < available) {
    c.why = "level " + std::to_string(c.level) + ": asked for with --level " + std::to_string(requested) +
            " (level " + std::to_string(available) + " is available)";
  } else if (c.level == 3) {
    c.why = "level 3: CAP_NET_ADMIN and CAP_SYS_ADMIN held, /dev/net/tun opens";
  } else {
    // Say what the next level up lacks only when that level was wanted.
    std::string lacking = c.level < top ? short_missing(c.level, p) : "";
    c.why = (c.level == 2 ? "level 2: CAP_NET_RAW held" : "level 1: unprivileged") + lacking;
  }
  return c;
}

}  // namespace tcplab::live
