// TraceLog, the Session's recorded trace in chunks that never move, and TraceView, which
// views read a trace through whether it is a TraceLog or one vector (issue 6).
#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "sim/trace/trace_log.h"
#include "sim/trace/trace_view.h"

namespace tcplab {
namespace {

TraceEvent app_at(Time t, const std::string& text) { return TraceEvent{t, EvKind::App, 0, AppEvent{text, ""}}; }

// n events, event i at time i / 3 (three to each time) with text "i".
std::vector<TraceEvent> numbered(size_t from, size_t n) {
  std::vector<TraceEvent> out;
  for (size_t i = from; i < from + n; ++i) out.push_back(app_at(Time(i / 3), std::to_string(i)));
  return out;
}

std::vector<std::string> texts(TraceView v) {
  std::vector<std::string> out;
  for (const TraceEvent& e : v) out.push_back(e.app().text);
  return out;
}

std::vector<std::string> texts(const std::vector<TraceEvent>& v) { return texts(TraceView(v)); }

}  // namespace

TEST_SUITE("trace log") {
  constexpr size_t kChunk = TraceLog::kChunkEvents;

  TEST_CASE("events appended across chunks read back in order, by index and by iterator") {
    TraceLog log;
    CHECK(log.empty());
    CHECK(log.begin() == log.end());
    const std::vector<TraceEvent> all = numbered(0, 2 * kChunk + 5);
    // In pieces of several sizes, as the world's pending trace comes after each event.
    size_t at = 0;
    for (size_t piece : {size_t(1), size_t(3), kChunk - 4, size_t(0), kChunk + 7, size_t(2)}) {
      std::vector<TraceEvent> part(all.begin() + long(at), all.begin() + long(std::min(at + piece, all.size())));
      log.append(part);
      CHECK(part.empty());  // moved out; the caller's vector is reused
      at = std::min(at + piece, all.size());
    }
    for (; at < all.size(); ++at) log.push_back(all[at]);
    REQUIRE(log.size() == all.size());
    CHECK(log.front().app().text == "0");
    CHECK(log.back().app().text == std::to_string(all.size() - 1));
    for (size_t i : {size_t(0), kChunk - 1, kChunk, kChunk + 1, 2 * kChunk, all.size() - 1})
      CHECK(log[i].app().text == std::to_string(i));
    CHECK(texts(log) == texts(all));
    CHECK(size_t(log.end() - log.begin()) == all.size());
  }

  TEST_CASE("appending never moves an event already recorded") {
    TraceLog log;
    std::vector<TraceEvent> part = numbered(0, 10);
    log.append(part);
    const TraceEvent* first = &log[0];
    const TraceEvent* tenth = &log[9];
    for (size_t i = 0; i < 3 * kChunk; ++i) log.push_back(app_at(Time(i), "more"));
    CHECK(&log[0] == first);
    CHECK(&log[9] == tenth);
  }

  TEST_CASE("binary search by time works on its iterators, as Session::visible uses it") {
    TraceLog log;
    std::vector<TraceEvent> part = numbered(0, kChunk + 10);  // times 0,0,0,1,1,1,…
    log.append(part);
    const Time t = Time(kChunk / 3);
    auto it = std::upper_bound(log.begin(), log.end(), t, [](Time x, const TraceEvent& e) { return x < e.t; });
    CHECK(size_t(it - log.begin()) == size_t(3 * (t + 1)));
    CHECK((it - 1)->t == t);
    CHECK(it->t == t + 1);
  }

  TEST_CASE("take_from hands back the tail and the log goes on from there") {
    for (size_t from : {size_t(0), size_t(5), kChunk - 1, kChunk, kChunk + 3, 2 * kChunk + 1, 2 * kChunk + 9}) {
      CAPTURE(from);
      TraceLog log;
      std::vector<TraceEvent> all = numbered(0, 2 * kChunk + 9);
      const std::vector<std::string> want = texts(all);
      log.append(all);
      std::vector<TraceEvent> tail = log.take_from(from);
      CHECK(log.size() == from);
      CHECK(tail.size() == want.size() - from);
      if (!tail.empty()) CHECK(tail.front().app().text == std::to_string(from));
      log.append(tail);  // put back: the same log as before
      CHECK(texts(log) == want);
    }
    TraceLog empty;
    CHECK(empty.take_from(0).empty());
  }

  TEST_CASE("a copy is equal to and independent of the original, and both grow on their own") {
    TraceLog a;
    std::vector<TraceEvent> part = numbered(0, kChunk + 2);
    a.append(part);
    TraceLog b = a;
    CHECK(texts(b) == texts(a));
    a.push_back(app_at(9999, "only in a"));
    for (size_t i = 0; i < kChunk; ++i) b.push_back(app_at(9999, "only in b"));
    CHECK(a.size() == kChunk + 3);
    CHECK(b.size() == 2 * kChunk + 2);
    CHECK(a.back().app().text == "only in a");
    CHECK(b[kChunk + 2].app().text == "only in b");
    CHECK(a[kChunk + 1].app().text == std::to_string(kChunk + 1));
    b.clear();
    CHECK(b.empty());
    CHECK(a.size() == kChunk + 3);
  }
}

TEST_SUITE("trace view") {
  TEST_CASE("a view of a vector and of a log read the same events") {
    std::vector<TraceEvent> events = numbered(0, TraceLog::kChunkEvents + 1);
    TraceLog log;
    std::vector<TraceEvent> moved = events;
    log.append(moved);
    const TraceView of_vector(events), of_log(log);
    REQUIRE(of_vector.size() == of_log.size());
    CHECK(texts(of_vector) == texts(of_log));
    CHECK(of_vector.back().app().text == of_log.back().app().text);
    CHECK(of_log[TraceLog::kChunkEvents].app().text == std::to_string(TraceLog::kChunkEvents));
    CHECK(std::is_sorted(of_log.begin(), of_log.end(), [](const TraceEvent& a, const TraceEvent& b) { return a.t < b.t; }));
  }

  TEST_CASE("a view of nothing is empty") {
    CHECK(TraceView().empty());
    const std::vector<TraceEvent> none;
    const TraceLog empty_log;
    const TraceView of_vector(none), of_log(empty_log);
    CHECK(of_vector.empty());
    CHECK(of_vector.begin() == of_vector.end());
    CHECK(of_log.empty());
    CHECK(of_log.begin() == of_log.end());
  }
}

}  // namespace tcplab
