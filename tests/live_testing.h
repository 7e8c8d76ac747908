// Helpers for the live-mode suites: run a scenario on the real kernel at a level and
// compare it with the simulation, and run the tcplab binary as a subprocess (for the
// signal and privilege tests). Live tests need root (CI runs as root); without it they
// say so and pass nothing else.
#pragma once
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include "sim/live/compare.h"
#include "sim/live/live_run.h"
#include "sim/net/world.h"
#include "tests/scenario_runner.h"

namespace tcplab::live_testing {

inline bool have_root() {
  if (geteuid() == 0) return true;
  MESSAGE("skipped: live tests need root (CI runs them as root)");
  return false;
}

// Held while a level-1 run is on the kernel. Level 1 puts every host on this machine's
// 127.0.0.1, so two such runs at once (ctest -j) share one port space: the lessons all
// listen on port 2000, and one run's client could connect to the other's server (seen in
// CI: an extra ESTABLISHED socket on the server). An exclusive flock on a fixed file
// makes them take turns across the test processes (tests/gui/live.sh takes it too, with
// flock(1)); it is released when the process or the lock goes away.
class Level1Lock {
 public:
  explicit Level1Lock(int level) {
    if (level != 1) return;
    fd_ = ::open("/tmp/tcplab-tests-live-level1.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd_ >= 0) ::flock(fd_, LOCK_EX);
  }
  ~Level1Lock() {
    if (fd_ >= 0) ::close(fd_);
  }
  Level1Lock(const Level1Lock&) = delete;
  Level1Lock& operator=(const Level1Lock&) = delete;

 private:
  int fd_ = -1;
};

inline live::LiveTrace run_kernel(const Scenario& sc, int level, std::optional<Time> until = std::nullopt) {
  const Level1Lock one_at_a_time(level);
  live::LiveOptions o;
  o.level = level;
  o.until = until;
  std::string error;
  auto t = live::run_live(sc, o, error);
  INFO("live run failed: ", error);
  REQUIRE(t.has_value());
  REQUIRE(t->info.level == level);
  return std::move(*t);
}

struct SimRun {
  TraceContext ctx;
  std::vector<TraceEvent> events;
};

inline SimRun run_sim(const Scenario& sc, Time until) {
  World w = World::from_scenario(sc);
  w.run_until(until);
  return SimRun{w.trace_context(), w.take_trace()};
}

// "client s1 (c1): SYN_SENT ESTABLISHED …" per socket, for readable failures.
inline std::string sequences_text(const std::vector<live::SocketStates>& v) {
  std::string out;
  for (const live::SocketStates& s : v) {
    out += s.node + " " + s.sock + (s.name.empty() ? "" : " (" + s.name + ")") + ":";
    for (const std::string& st : s.states) out += " " + st;
    out += "\n";
  }
  return out;
}

inline std::vector<std::string> app_texts(const std::vector<TraceEvent>& events, const TraceContext& ctx,
                                          const std::string& node) {
  std::vector<std::string> out;
  for (const TraceEvent& e : events)
    if (e.ev == EvKind::App && ctx.node_names[size_t(e.node)] == node) out.push_back(e.app().text);
  return out;
}

inline bool has_line(const std::vector<std::string>& lines, const std::string& part) {
  for (const std::string& l : lines)
    if (l.find(part) != std::string::npos) return true;
  return false;
}

// Runs a shell command; returns its exit status and its output (stdout and stderr).
inline int shell(const std::string& cmd, std::string* output = nullptr) {
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return -1;
  std::array<char, 4096> buf;
  std::string out;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int status = pclose(p);
  if (output) *output = out;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

inline std::string tcplab_binary() { return TCPLAB_BINARY; }

}  // namespace tcplab::live_testing
