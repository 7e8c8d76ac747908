// Which live level runs, and what the user is told when a privilege is missing: the
// notice must name the capability, say what it is for, say how to grant it, and say
// which level runs instead. choose_level is pure and tested on hand-made Privileges;
// probe_privileges is tested for real, as root and in a child that gave up capabilities.
#include <doctest/doctest.h>

#include <linux/capability.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <initializer_list>
#include <optional>
#include <string>
#include <type_traits>

#include "sim/live/privileges.h"

using namespace tcplab::live;

namespace {

Privileges all_held() { return Privileges{true, true, true, true, 0}; }

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Takes `caps` out of this thread's effective set (they stay permitted, the uid stays 0):
// the kernel then checks exactly as for a user who never had them.
bool drop_effective(std::initializer_list<int> caps) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (syscall(SYS_capget, &header, data) != 0) return false;
  for (int c : caps) data[c / 32].effective &= ~(1u << (c % 32));
  return syscall(SYS_capset, &header, data) == 0;
}

static_assert(std::is_trivially_copyable_v<Privileges>);

// probe_privileges() in a forked child without `caps`; nullopt when the child failed.
std::optional<Privileges> probe_without(std::initializer_list<int> caps) {
  int fds[2];
  if (pipe(fds) != 0) return std::nullopt;
  pid_t child = fork();
  if (child == 0) {
    close(fds[0]);
    if (!drop_effective(caps)) _exit(2);
    Privileges p = probe_privileges();
    _exit(write(fds[1], &p, sizeof p) == ssize_t(sizeof p) ? 0 : 3);
  }
  close(fds[1]);
  Privileges p;
  pollfd pfd{fds[0], POLLIN, 0};
  bool got = poll(&pfd, 1, 10000) == 1 && read(fds[0], &p, sizeof p) == ssize_t(sizeof p);
  close(fds[0]);
  if (!got) kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  if (!got || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
  return p;
}

}  // namespace

TEST_SUITE("live privileges") {
  TEST_CASE("the highest level follows the capabilities") {
    Privileges p;
    CHECK(p.highest_level() == 1);
    p.net_raw = true;
    CHECK(p.highest_level() == 2);
    p.net_admin = true;
    CHECK(p.highest_level() == 2);  // no namespace without CAP_SYS_ADMIN
    p.sys_admin = true;
    CHECK(p.highest_level() == 2);  // no TAP without /dev/net/tun
    p.tun = true;
    CHECK(p.highest_level() == 3);
    p.net_raw = false;
    CHECK(p.highest_level() == 3);  // level 3 reads its frames from the TAPs, not from lo
  }

  TEST_CASE("with every privilege level 3 runs and nothing is said") {
    LevelChoice c = choose_level(0, all_held(), "build/tcplab");
    CHECK(c.level == 3);
    CHECK(c.notices.empty());
    CHECK(c.why == "level 3: CAP_NET_ADMIN and CAP_SYS_ADMIN held, /dev/net/tun opens");
  }

  TEST_CASE("without CAP_NET_ADMIN the notice names it and says why and how to grant it - level 2 runs") {
    Privileges p = all_held();
    p.net_admin = false;
    LevelChoice c = choose_level(0, p, "/home/ana/tcplab/build/tcplab");
    CHECK(c.level == 2);
    REQUIRE(c.notices.size() == 1);
    const std::string& n = c.notices[0];
    CHECK(n ==
          "live: level 3 needs CAP_NET_ADMIN (to create TAP devices and give them addresses and routes). "
          "This process lacks CAP_NET_ADMIN: run with sudo, or grant it once with: "
          "sudo setcap cap_net_raw,cap_net_admin,cap_sys_admin+ep /home/ana/tcplab/build/tcplab. Using level 2.");
    CHECK(c.why == "level 2: CAP_NET_RAW held; level 3 needs CAP_NET_ADMIN");
  }

  TEST_CASE("without CAP_SYS_ADMIN the notice says namespaces need it") {
    Privileges p = all_held();
    p.sys_admin = false;
    LevelChoice c = choose_level(0, p, "");
    CHECK(c.level == 2);
    REQUIRE(c.notices.size() == 1);
    CHECK(has(c.notices[0], "CAP_SYS_ADMIN (to create network namespaces and enter them)"));
    CHECK(has(c.notices[0], "sudo setcap cap_net_raw,cap_net_admin,cap_sys_admin+ep build/tcplab."));
    CHECK(has(c.notices[0], "Using level 2."));
  }

  TEST_CASE("unprivileged: one notice lists what levels 3 and 2 need with one setcap that grants it all") {
    LevelChoice c = choose_level(0, Privileges{false, false, false, true, 0}, "build/tcplab");
    CHECK(c.level == 1);
    REQUIRE(c.notices.size() == 1);
    const std::string& n = c.notices[0];
    CHECK(has(n, "level 3 needs CAP_NET_ADMIN (to create TAP devices and give them addresses and routes) and "
                 "CAP_SYS_ADMIN (to create network namespaces and enter them)"));
    CHECK(has(n, "; level 2 needs CAP_NET_RAW (to capture the real segments on lo)."));
    CHECK(has(n, "This process lacks CAP_NET_ADMIN, CAP_SYS_ADMIN and CAP_NET_RAW: run with sudo, or grant them once"));
    CHECK(has(n, "sudo setcap cap_net_raw,cap_net_admin,cap_sys_admin+ep build/tcplab."));
    CHECK(has(n, "Using level 1."));
    CHECK(c.why == "level 1: unprivileged; level 2 needs CAP_NET_RAW");
  }

  TEST_CASE("a missing /dev/net/tun is reported as such with the module to load") {
    Privileges p = all_held();
    p.tun = false;
    p.tun_errno = ENOENT;
    LevelChoice c = choose_level(0, p, "build/tcplab");
    CHECK(c.level == 2);
    REQUIRE(c.notices.size() == 1);
    CHECK(c.notices[0] ==
          "live: level 3 needs a /dev/net/tun that opens (TAP devices are made through it). /dev/net/tun does not "
          "exist on this machine (No such file or directory): load the tun module with: sudo modprobe tun. "
          "Using level 2.");
    CHECK_FALSE(has(c.notices[0], "setcap"));  // the capabilities are there
    CHECK(c.why == "level 2: CAP_NET_RAW held; level 3 needs /dev/net/tun");
  }

  TEST_CASE("a /dev/net/tun that cannot be opened says why") {
    Privileges p = all_held();
    p.tun = false;
    p.tun_errno = EACCES;
    LevelChoice c = choose_level(0, p, "build/tcplab");
    REQUIRE(c.notices.size() == 1);
    CHECK(has(c.notices[0], "/dev/net/tun cannot be opened (Permission denied): run with sudo."));
  }

  TEST_CASE("an explicit --level that is not available says it was asked for and falls back") {
    LevelChoice c = choose_level(3, Privileges{true, false, false, true, 0}, "build/tcplab");
    CHECK(c.level == 2);
    REQUIRE(c.notices.size() == 1);
    CHECK(has(c.notices[0], "live: level 3 (asked for with --level 3) needs CAP_NET_ADMIN"));
    CHECK(has(c.notices[0], "Using level 2."));

    c = choose_level(2, Privileges{}, "build/tcplab");
    CHECK(c.level == 1);
    REQUIRE(c.notices.size() == 1);
    CHECK(c.notices[0] ==
          "live: level 2 (asked for with --level 2) needs CAP_NET_RAW (to capture the real segments on lo). "
          "This process lacks CAP_NET_RAW: run with sudo, or grant it once with: sudo setcap cap_net_raw+ep "
          "build/tcplab. Using level 1.");
  }

  TEST_CASE("a lower --level than available is obeyed without a notice") {
    LevelChoice c = choose_level(1, all_held(), "build/tcplab");
    CHECK(c.level == 1);
    CHECK(c.notices.empty());
    CHECK(c.why == "level 1: asked for with --level 1 (level 3 is available)");
    c = choose_level(2, all_held(), "build/tcplab");
    CHECK(c.level == 2);
    CHECK(c.notices.empty());
    c = choose_level(1, Privileges{}, "build/tcplab");
    CHECK(c.level == 1);
    CHECK(c.notices.empty());
    CHECK(c.why == "level 1: unprivileged");
  }

  TEST_CASE("a level that does not exist is said so and the highest available runs") {
    LevelChoice c = choose_level(7, all_held(), "build/tcplab");
    CHECK(c.level == 3);
    REQUIRE(c.notices.size() == 1);
    CHECK(c.notices[0] == "live: there is no level 7 (the levels are 1, 2 and 3); using the highest this process can run.");
  }

  TEST_CASE("probe_privileges as root finds every capability and a working /dev/net/tun") {
    if (geteuid() != 0) {
      MESSAGE("skipped: needs root (CI runs as root); run the tests with sudo to include it");
      return;
    }
    Privileges p = probe_privileges();
    CHECK(p.net_raw);
    CHECK(p.net_admin);
    CHECK(p.sys_admin);
    CHECK(p.tun);
    CHECK(p.highest_level() == 3);
  }

  TEST_CASE("probe_privileges sees capabilities a process gave up") {
    if (geteuid() != 0) {
      MESSAGE("skipped: needs root to give capabilities up (CI runs as root)");
      return;
    }
    std::optional<Privileges> none = probe_without({CAP_NET_RAW, CAP_NET_ADMIN, CAP_SYS_ADMIN});
    REQUIRE(none);
    CHECK_FALSE(none->net_raw);
    CHECK_FALSE(none->net_admin);
    CHECK_FALSE(none->sys_admin);
    CHECK(none->tun);  // opening /dev/net/tun needs no capability; making a TAP does
    CHECK(none->highest_level() == 1);
    LevelChoice c = choose_level(0, *none, "build/tcplab");
    CHECK(c.level == 1);
    REQUIRE(c.notices.size() == 1);
    CHECK(has(c.notices[0], "This process lacks CAP_NET_ADMIN, CAP_SYS_ADMIN and CAP_NET_RAW"));

    std::optional<Privileges> no_admin = probe_without({CAP_NET_ADMIN});
    REQUIRE(no_admin);
    CHECK(no_admin->net_raw);
    CHECK_FALSE(no_admin->net_admin);
    CHECK(no_admin->sys_admin);
    CHECK(no_admin->highest_level() == 2);
  }
}
