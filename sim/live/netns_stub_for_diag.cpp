// TEMPORARY (branch live-diag only): the stop flag of sim/live/netns.h, so that the talk
// commands link and their tests run before the lead merges the real netns.cpp, which
// implements these with the namespace clean-up. Deleted in live-diag's last commit.
#include <csignal>

#include "sim/live/netns.h"

namespace tcplab::live {
namespace {
volatile std::sig_atomic_t g_stop_signal = 0;
void on_signal(int sig) { g_stop_signal = sig; }
}  // namespace

void install_cleanup_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}
bool stop_requested() { return g_stop_signal != 0; }
int stop_signal() { return g_stop_signal; }
void request_stop_for_tests(int sig) { g_stop_signal = sig; }
void clear_stop_for_tests() { g_stop_signal = 0; }

}  // namespace tcplab::live
