#include "sim/trace/trace_log.h"

namespace tcplab {

std::vector<TraceEvent> TraceLog::take_from(size_t from) {
  std::vector<TraceEvent> out;
  if (from >= size_) return out;
  out.reserve(size_ - from);
  for (size_t i = from; i < size_; ++i) out.push_back(std::move(chunks_[i / kChunkEvents][i % kChunkEvents]));
  // Keep the chunks before `from` and the part of its own chunk before it.
  chunks_.resize(from / kChunkEvents + (from % kChunkEvents != 0 ? 1 : 0));
  if (!chunks_.empty() && from % kChunkEvents != 0) chunks_.back().resize(from % kChunkEvents);
  size_ = from;
  return out;
}

}  // namespace tcplab
