// The trace indices of each node's `app` events (the "$ cmd" lines and what programs print:
// the console view's output), kept up to date as the cursor moves so that the console does
// not scan the whole trace every frame (sim/view/trace_progress.h). GL-free.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "sim/trace/trace_event.h"
#include "sim/trace/trace_view.h"
#include "sim/view/trace_progress.h"

namespace tcplab {

class AppEventIndex {
 public:
  // Reads events[0, count) of recording `key` (trace_key()): only what is new, forgets what
  // is past a cursor that moved back, starts over for a new recording.
  void update(TraceView events, size_t count, uint64_t key);
  // Node `node`'s app events in events[0, count) of the last update, oldest first.
  const std::vector<size_t>& of(int32_t node) const;

 private:
  std::map<int32_t, std::vector<size_t>> by_node_;
  std::vector<size_t> none_;  // of() a node without app events
  TraceProgress progress_;
};

}  // namespace tcplab
