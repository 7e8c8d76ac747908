// `tcplab live connect|listen|udp …`: talk to any local program through the kernel, like
// nc, printing the exchange as it happens — data received, a ladder line per segment
// (when CAP_NET_RAW allows capturing on `lo`) and the kernel's TCP states (sock_diag).
// Loopback only unless --allow-remote. See usage_live_talk() for the options.
#pragma once
#include <ostream>
#include <string>
#include <vector>

namespace tcplab::live {

// args[0] is "connect", "listen" or "udp". Returns the exit code (0, 1 runtime, 2 bad input).
int live_talk(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
std::string usage_live_talk();

}  // namespace tcplab::live
