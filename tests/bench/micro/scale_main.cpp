// tcplab_scale_bench: the scale figures of issue 6 next to their targets.
//   tcplab_scale_bench [--only connections,snapshot,trace,resimulate] [--connections N]
//                      [--clients N] [--rounds N]
// Each check runs in a child process of its own, so that its peak memory is its own and
// a check that crashes is reported while the others still run.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "tests/bench/micro/scale_checks.h"

namespace tcplab::bench {

void print_figure(const std::string& name, double value, const std::string& unit, double target,
                  bool lower_is_better) {
  const bool pass = lower_is_better ? value <= target : value >= target;
  std::printf("  %-44s %12.2f %-4s  target %s %g %-4s  %s\n", name.c_str(), value, unit.c_str(),
              lower_is_better ? "<=" : ">=", target, unit.c_str(), pass ? "PASS" : "MISS");
  std::fflush(stdout);
}

void print_info(const std::string& name, const std::string& text) {
  std::printf("  %-44s %s\n", name.c_str(), text.c_str());
  std::fflush(stdout);
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

double wall_seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

long peak_rss_kib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;  // KiB on Linux
}

}  // namespace tcplab::bench

namespace {

using tcplab::bench::ScaleOptions;

struct Check {
  const char* name;
  const char* title;
  void (*run)(const ScaleOptions&);
};

const Check kChecks[] = {
    {"connections", "(a) concurrent established TCP connections in one world", tcplab::bench::check_connections},
    {"snapshot", "(b) snapshot (copy) of a 1,000-host world", tcplab::bench::check_snapshot},
    {"trace", "(c) recording the full trace", tcplab::bench::check_trace_overhead},
    {"resimulate", "(d) re-simulating the default lesson (GUI)", tcplab::bench::check_resimulate},
};

[[noreturn]] void usage_error(const std::string& message) {
  std::fprintf(stderr,
               "tcplab_scale_bench: %s\n"
               "usage: tcplab_scale_bench [--only CHECK,...] [--connections N] [--clients N] [--rounds N]\n"
               "checks: connections, snapshot, trace, resimulate (default: all)\n",
               message.c_str());
  std::exit(2);
}

int positive_int(const char* flag, const char* text, int max) {
  char* end = nullptr;
  errno = 0;
  const long v = std::strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v < 1 || v > max)
    usage_error(std::string(flag) + " wants a whole number from 1 to " + std::to_string(max) + ", not '" + text + "'");
  return static_cast<int>(v);
}

bool known_check(const std::string& name) {
  for (const Check& c : kChecks)
    if (name == c.name) return true;
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  ScaleOptions o;
  std::vector<std::string> only;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) usage_error(a + " needs a value");
      return argv[++i];
    };
    if (a == "--only") {
      std::string list = value();
      size_t start = 0;
      while (start <= list.size()) {
        const size_t comma = std::min(list.find(',', start), list.size());
        const std::string name = list.substr(start, comma - start);
        if (!known_check(name)) usage_error("unknown check '" + name + "'");
        only.push_back(name);
        start = comma + 1;
      }
    } else if (a == "--connections") {
      o.connections = positive_int("--connections", value(), 1'000'000);
    } else if (a == "--clients") {
      o.clients = positive_int("--clients", value(), 250 * 250);
    } else if (a == "--rounds") {
      o.rounds = positive_int("--rounds", value(), 100);
    } else if (a == "--help" || a == "-h") {
      std::printf("tcplab_scale_bench [--only CHECK,...] [--connections N] [--clients N] [--rounds N]\n"
                  "Prints issue 6's scale figures next to their targets (PASS/MISS); exits 0 either way.\n"
                  "checks: connections, snapshot, trace, resimulate (default: all)\n");
      return 0;
    } else {
      usage_error("unknown argument '" + a + "'");
    }
  }
  if (o.connections / o.clients > 28'000)
    usage_error("more than 28,000 connections per client would run out of ephemeral ports (32768-60999): add --clients");

  int failed = 0;
  for (const Check& c : kChecks) {
    if (!only.empty() && std::find(only.begin(), only.end(), c.name) == only.end()) continue;
    std::printf("%s [%s]\n", c.title, c.name);
    std::fflush(stdout);
    const pid_t pid = fork();
    if (pid < 0) {
      std::perror("fork");
      return 1;
    }
    if (pid == 0) {
      c.run(o);
      std::fflush(stdout);
      _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::printf("  the check did not finish (%s %d)\n", WIFSIGNALED(status) ? "signal" : "exit status",
                  WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
      ++failed;
    }
  }
  // A check that could not run is a broken benchmark, not a missed target.
  return failed ? 1 : 0;
}
