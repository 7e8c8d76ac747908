// app_event_index.h: per node, where its app events are in the trace.
#include "sim/view/app_event_index.h"

namespace tcplab {

void AppEventIndex::update(TraceView events, size_t count, uint64_t key) {
  if (count > events.size()) count = events.size();
  size_t from = progress_.read;
  switch (progress_.next(events, count, key)) {
    case TraceProgress::Move::None: return;
    case TraceProgress::Move::Restart:
      by_node_.clear();
      from = 0;
      break;
    case TraceProgress::Move::Back:
      // The trace is the same, the cursor is earlier: the indices past it go.
      for (auto& [node, idx] : by_node_)
        while (!idx.empty() && idx.back() >= count) idx.pop_back();
      from = count;
      break;
    case TraceProgress::Move::Forward: break;
  }
  for (size_t i = from; i < count; ++i)
    if (events[i].ev == EvKind::App) by_node_[events[i].node].push_back(i);
  progress_.mark(events, count, key);
}

const std::vector<size_t>& AppEventIndex::of(int32_t node) const {
  const auto it = by_node_.find(node);
  return it == by_node_.end() ? none_ : it->second;
}

}  // namespace tcplab
