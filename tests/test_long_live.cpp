// Long run (issue 7, "Long runs"; ctest label `long`, not in the default run): live mode
// at level 3 started and interrupted 100 times, at moments spread over set-up, the run and
// the clean-up, and then nothing of it may be left: no network namespace tcplab-<pid>-*, no
// TAP device tl<pid>-*, and a bounded number of open files in every run. The single-run
// version is "SIGINT in the middle of a level-3 run …" in test_live_run.cpp.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/live_testing.h"

namespace tcplab {
using namespace live_testing;

namespace {

// Open file descriptors of a process (-1 when it is gone).
int open_fds(pid_t pid) {
  DIR* d = ::opendir(("/proc/" + std::to_string(pid) + "/fd").c_str());
  if (!d) return -1;
  int n = 0;
  while (const dirent* e = ::readdir(d))
    if (e->d_name[0] != '.') ++n;
  ::closedir(d);
  return n;
}

}  // namespace

TEST_SUITE("long") {

TEST_CASE("long: live level 3 interrupted 100 times leaves no namespace or TAP device or open file") {
  if (!have_root()) return;
  const std::string bin = tcplab_binary();
  std::vector<pid_t> children;
  int most_fds = 0, interrupted = 0;
  for (int i = 0; i < 100; ++i) {
    // 0 to 1.29 s after the start, in steps of 13 ms, visited out of order: the handshake
    // lasts 1 s, so the late ones land in the clean-up or after the end.
    const int delay_ms = (i * 37) % 100 * 13;
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      const int null = ::open("/dev/null", O_RDWR);
      dup2(null, 0);
      dup2(null, 1);
      dup2(null, 2);
      execl(bin.c_str(), bin.c_str(), "live", "run", "handshake", "--level", "3", static_cast<char*>(nullptr));
      _exit(127);
    }
    children.push_back(child);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    const int fds = open_fds(child);
    if (fds > most_fds) most_fds = fds;
    kill(child, SIGINT);
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    CAPTURE(i);
    CAPTURE(delay_ms);
    // Ctrl-C ends the run with 130 (128 + SIGINT), whether the handler was in place yet or
    // not; a run that had already finished exits 0.
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    CHECK((code == 130 || code == 0));
    interrupted += code == 130;
  }
  MESSAGE(interrupted, " of 100 runs interrupted, at most ", most_fds, " open files in one");
  CHECK(interrupted >= 50);
  // A level-3 run of the handshake holds its TAPs, namespace handles, sockets, netlink and
  // the standard streams: a few dozen at most, never one per packet or per step.
  CHECK(most_fds < 64);
  std::string netns, links;
  shell("ip netns list", &netns);
  shell("ip -o link show", &links);
  for (const pid_t pid : children) {
    CAPTURE(pid);
    CHECK(netns.find("tcplab-" + std::to_string(pid) + "-") == std::string::npos);
    CHECK(links.find("tl" + std::to_string(pid) + "-") == std::string::npos);
  }
}

TEST_CASE("long: live level 3 started and stopped 100 times in one process closes every file") {
  if (!have_root()) return;
  const Scenario sc = scenario_testing::load_builtin("handshake");
  const int before = open_fds(getpid());
  for (int i = 0; i < 100; ++i) {
    live::LiveOptions o;
    o.level = 3;
    std::string error;
    std::unique_ptr<live::LiveRun> run = live::LiveRun::start(sc, o, error);
    INFO(error);
    REQUIRE(run != nullptr);
    REQUIRE(run->info().level == 3);
    // Stopped after 0 to 99 advances of at most 10 ms: before the first step, in the
    // handshake, or after it.
    for (int k = 0; k < (i * 37) % 100 && run->advance(10 * kMs); ++k) run->take_trace();
    run.reset();
  }
  CHECK(open_fds(getpid()) == before);
  std::string netns;
  shell("ip netns list", &netns);
  CHECK(netns.find("tcplab-" + std::to_string(getpid()) + "-") == std::string::npos);
}

}  // TEST_SUITE
}  // namespace tcplab
