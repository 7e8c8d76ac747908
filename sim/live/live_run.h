// A scenario run on the real Linux kernel (issue 5), at the highest level the process's
// privileges allow (privileges.h):
//   1  the scenario's TCP/UDP steps on real non-blocking sockets bound to 127.0.0.1;
//      kernel states sampled through NETLINK_SOCK_DIAG every millisecond;
//   2  + the real segments captured on `lo`;
//   3  every realised host in a namespace of its own, joined only through tcplab: the
//      scenario's world (switches, routers, links with their delay, rate, queue, loss and
//      [[fault]] rules) runs in real time and carries the kernels' frames, so the real
//      kernels retransmit and recover. Hosts marked `kernel = true` in the scenario are
//      the realised ones when any is marked (the others stay simulated hosts, talking to
//      the real kernels: a simulated TCP against Linux's); otherwise every host with steps.
// Timed steps run at their wall-clock offsets from the start.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/live/live_trace.h"
#include "sim/scenario/scenario.h"

namespace tcplab::live {

struct LiveOptions {
  int level = 0;                        // 0: the highest available
  std::optional<Time> until;            // default: the scenario's duration
  std::string binary = "tcplab";        // for the setcap hint
  std::vector<std::string> kernel_nodes;  // level 3: overrides the scenario's `kernel` marks
};

class LiveRun {
 public:
  // Prepares the run (level choice, namespaces, sockets not yet opened). nullptr with
  // `error` when it cannot run at all (e.g. a command no level can run).
  static std::unique_ptr<LiveRun> start(const Scenario& sc, const LiveOptions& o, std::string& error);
  virtual ~LiveRun() = default;

  // Does what is due and waits at most `max_wait` for more. False once the run is over
  // (its end time reached, or stop_requested()).
  virtual bool advance(Time max_wait) = 0;
  // Trace events since the last call, in time order.
  virtual std::vector<TraceEvent> take_trace() = 0;
  virtual const TraceContext& context() const = 0;
  virtual const LiveInfo& info() const = 0;
  virtual Time now() const = 0;        // since the start
  virtual Time end_time() const = 0;
  // Drop the next frame matching what the user clicked (level 3; GUI): as a [[fault]].
  virtual bool add_fault(const FaultSpec& f, std::string& error) = 0;
};

// The whole run, collected (tests, `live run`, `live compare`).
std::optional<LiveTrace> run_live(const Scenario& sc, const LiveOptions& o, std::string& error);

}  // namespace tcplab::live
