// For the live tests: run a test body on a thread of its own inside a fresh network
// namespace, whose only device is its own `lo`. Whatever the body leaves in the kernel —
// above all the TIME-WAIT sockets that outlive their fds for 60 s — goes away with the
// namespace when the thread ends, and no other test's sockets or packets are seen.
// Creating a namespace needs CAP_SYS_ADMIN (CI runs as root). Without it the body runs
// in the current namespace and a message says that a TIME-WAIT socket may stay behind.
#pragma once
#include <doctest/doctest.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <functional>
#include <string>
#include <thread>

namespace tcplab::test {

// Brings `lo` up in the calling thread's namespace (a new namespace starts with it down).
inline std::string bring_loopback_up() {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::string("socket: ") + std::strerror(errno);
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  std::string error;
  if (::ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
    error = std::string("SIOCGIFFLAGS lo: ") + std::strerror(errno);
  } else {
    ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP | IFF_RUNNING);
    if (::ioctl(fd, SIOCSIFFLAGS, &ifr) < 0) error = std::string("SIOCSIFFLAGS lo up: ") + std::strerror(errno);
  }
  ::close(fd);
  return error;
}

// Runs `body` in a private namespace when this process may create one; exceptions
// (a failed REQUIRE) are carried back to the calling thread.
inline void in_private_netns(const std::function<void()>& body) {
  std::exception_ptr failure;
  std::string setup_error;
  bool isolated = false;
  std::thread t([&] {
    try {
      // unshare(CLONE_NEWNET) moves this thread only: the rest of the process stays.
      if (::geteuid() == 0 && ::unshare(CLONE_NEWNET) == 0) {
        isolated = true;
        setup_error = bring_loopback_up();
        if (!setup_error.empty()) return;
      }
      body();
    } catch (...) {
      failure = std::current_exception();
    }
  });
  t.join();
  if (!isolated)
    MESSAGE("not root (or unshare(CLONE_NEWNET) refused): ran in the current network namespace; "
            "a TIME-WAIT socket of this test may stay in the kernel for 60 s");
  REQUIRE_MESSAGE(setup_error.empty(), setup_error);
  if (failure) std::rethrow_exception(failure);
}

}  // namespace tcplab::test
