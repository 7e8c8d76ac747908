// trace_indexes.h: the shared incremental indexes of the visible trace.
#include "render/trace_indexes.h"

namespace tcplab::ui {

const ConnectionTracker& tracked_connections(const Session& s) {
  static ConnectionTracker t;  // render/ only: one session shown per process
  t.update(s.trace(), s.visible(), trace_key(s));
  return t;
}

const AppEventIndex& app_events(const Session& s) {
  static AppEventIndex idx;
  idx.update(s.trace(), s.visible(), trace_key(s));
  return idx;
}

}  // namespace tcplab::ui
