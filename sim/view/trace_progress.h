// How far an incremental reader of the session's trace has read, and whether what it read
// still holds. The views draw 60 times a second and a long run's trace has hundreds of
// thousands of events, so the indexes they keep (sim/view/connections.h's
// ConnectionTracker, sim/view/app_event_index.h) read only the events that became visible
// since the last frame. Within one recording (Session::generation()) the trace only grows,
// so a cursor that moved forwards means "read on", one that moved back means "forget what
// is past it", and a new recording (an intervention, a reload, another scenario) means
// "start over". GL-free.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/trace/trace_event.h"
#include "sim/trace/trace_view.h"

namespace tcplab {

class Session;

// Identifies one recording of one session's trace: the session's generation, its file and
// the file's text size (another scenario opened in the same Session object restarts the
// generation count).
uint64_t trace_key(const Session& s);

struct TraceProgress {
  enum class Move : uint8_t { None, Forward, Back, Restart };
  // What happened since mark(): events[0, count) of recording `key` against what was read.
  Move next(TraceView events, size_t count, uint64_t key) const;
  // Records that events[0, count) of recording `key` have been read.
  void mark(TraceView events, size_t count, uint64_t key);

  size_t read = 0;
  bool started = false;
  uint64_t key = 0;
  // The last event read, to notice a trace recorded anew under the same key.
  Time last_t = -1;
  EvKind last_ev = EvKind::App;
  int32_t last_node = -1;
};

}  // namespace tcplab
