// What a live run produced: the same trace events as the simulator's (DESIGN.md
// principle 4), so every formatter and view works on it, plus what the user must know to
// read it — the level in use and why, the ports remapped, the kernel's own settings.
//
// How kernel facts become trace events:
//  - tx / rx: the real frames (level 2: captured on `lo`; level 3: read from and written
//    to the TAP devices), with the kernel's timestamps, attributed to the scenario node
//    that owns the sending / receiving endpoint. Frame ids are unique per run.
//  - state: kernel TCP states, from NETLINK_SOCK_DIAG samples, from what a socket call
//    proves (connect() returning EINPROGRESS means SYN_SENT) and, at level 2 and 3, from
//    the segments themselves; `why` says which ("sampled", "connect() in progress", "SYN
//    sent", …). Socket ids follow the simulator's rules (s1, s2 … per node in creation
//    order; NAME.1 … for accepted connections), so the two traces line up.
//  - cc: tcpi_snd_cwnd, tcpi_snd_ssthresh, tcpi_rtt, tcpi_rto when any changes.
//  - app: what the socket calls printed, in the simulator's words.
// Times are nanoseconds since the run started (steady clock).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sim/trace/trace_event.h"

namespace tcplab::live {

struct PortMapping {
  std::string node;
  uint16_t scenario_port = 0;  // the port the scenario names
  uint16_t real_port = 0;      // the port the kernel used (differs when it was taken)
};

struct LiveInfo {
  int level = 1;
  std::string level_why;              // one line for the badge
  std::vector<std::string> notices;   // privilege messages, remapped ports, skipped commands
  std::string kernel_release;         // uname -r
  std::string kernel_cc;              // net.ipv4.tcp_congestion_control
  std::vector<PortMapping> ports;
  std::vector<std::string> namespaces;  // level 3: the namespaces used (removed at the end)
};

struct LiveTrace {
  TraceContext ctx;
  std::vector<TraceEvent> events;
  LiveInfo info;
};

}  // namespace tcplab::live
