// trace_progress.h: the reset rule shared by the views' incremental trace indexes.
#include "sim/view/trace_progress.h"

#include <functional>
#include <string>

#include "sim/session/session.h"

namespace tcplab {

uint64_t trace_key(const Session& s) {
  const uint64_t h = std::hash<std::string>{}(s.path()) ^ (uint64_t(s.source_text().size()) * 0x9E3779B97F4A7C15ULL);
  return (h * 0x100000001B3ULL) ^ s.generation();
}

TraceProgress::Move TraceProgress::next(TraceView events, size_t count, uint64_t k) const {
  if (count > events.size()) count = events.size();
  if (!started || k != key || read > events.size()) return Move::Restart;
  if (read > 0) {
    const TraceEvent& e = events[read - 1];
    if (e.t != last_t || e.ev != last_ev || e.node != last_node) return Move::Restart;
  }
  if (count > read) return Move::Forward;
  if (count < read) return Move::Back;
  return Move::None;
}

void TraceProgress::mark(TraceView events, size_t count, uint64_t k) {
  if (count > events.size()) count = events.size();
  started = true;
  key = k;
  read = count;
  if (count > 0) {
    last_t = events[count - 1].t;
    last_ev = events[count - 1].ev;
    last_node = events[count - 1].node;
  }
}

}  // namespace tcplab
