// The trace indexes the views share (issue 4 "Performance"): kept up to date incrementally
// (sim/view/trace_progress.h) so that no view scans the whole trace every frame. One of
// each per process, like the views' other caches; a view asks for them every frame and gets
// them as of the session's cursor.
#pragma once
#include "sim/session/session.h"
#include "sim/view/app_event_index.h"
#include "sim/view/connections.h"

namespace tcplab::ui {

// The connections of s.trace()[0, s.visible()) (list_connections()), and where each
// socket's state events are (state diagram, plots).
const ConnectionTracker& tracked_connections(const Session& s);

// Each node's app events in s.trace()[0, s.visible()) (console).
const AppEventIndex& app_events(const Session& s);

}  // namespace tcplab::ui
