// The timeline's markers and the lesson panel's model (sim/view/timeline_markers.h,
// sim/view/lesson_model.h), on real sessions of the built-in lessons: what the seek bar
// marks and where, and which narration a student sees at a given time.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "sim/session/session.h"
#include "sim/view/lesson_model.h"
#include "sim/view/timeline_markers.h"

using namespace tcplab;

namespace {

Session open_lesson(const std::string& name) {
  std::vector<std::string> errs;
  auto s = Session::open_file(std::string(TCPLAB_SOURCE_DIR) + "/scenarios/" + name + ".toml", &errs);
  REQUIRE_MESSAGE(s.has_value(), (errs.empty() ? std::string("?") : errs.front()));
  return std::move(*s);
}

std::vector<Time> times_of(const std::vector<TimelineMarker>& ms, MarkerKind k) {
  std::vector<Time> out;
  for (const TimelineMarker& m : ms)
    if (m.kind == k) out.push_back(m.t);
  return out;
}

std::vector<Time> trace_times(const Session& s, EvKind ev, bool retx_only = false) {
  std::vector<Time> out;
  for (const TraceEvent& e : s.trace()) {
    if (e.ev != ev) continue;
    if (ev == EvKind::Drop && e.packet().why == DropWhy::OtherHost) continue;
    if (retx_only && !e.packet().retx) continue;
    out.push_back(e.t);
  }
  return out;
}

}  // namespace

TEST_SUITE("view: timeline and lesson") {

TEST_CASE("lost-data: the seek bar marks each drop and each retransmission at the trace's times") {
  Session s = open_lesson("lost-data");
  s.seek(s.scenario().duration);
  const auto markers = timeline_markers(s);

  const auto drops = times_of(markers, MarkerKind::Drop);
  const auto retx = times_of(markers, MarkerKind::Retransmission);
  REQUIRE(drops.size() >= 2);  // the segment and its first retransmission are both lost
  REQUIRE(!retx.empty());
  CHECK(drops == trace_times(s, EvKind::Drop));
  CHECK(retx == trace_times(s, EvKind::Tx, true));
  // The first loss is the data segment sent at 300 ms, lost 5 ms later at the switch; the
  // first retransmission leaves after it (the RTO), and is itself lost.
  CHECK(drops.front() > 300 * kMs);
  CHECK(drops.front() < 400 * kMs);
  CHECK(retx.front() > drops.front());
  CHECK(drops[1] > retx.front());

  // Every marker of the trace points at an event of its kind at its time.
  for (const TimelineMarker& m : markers) {
    if (m.kind != MarkerKind::Drop && m.kind != MarkerKind::Retransmission && m.kind != MarkerKind::StateChange)
      continue;
    REQUIRE(m.index < s.trace().size());
    CHECK(s.trace()[m.index].t == m.t);
  }
}

TEST_CASE("there is one state-change marker per state event of the trace") {
  Session s = open_lesson("handshake");
  s.seek(s.scenario().duration);
  const auto markers = timeline_markers(s);
  const auto states = times_of(markers, MarkerKind::StateChange);
  CHECK(states.size() == trace_times(s, EvKind::State).size());
  CHECK(states.size() >= 5);  // LISTEN, SYN_SENT, SYN_RECV and both ESTABLISHED
  CHECK(times_of(markers, MarkerKind::Drop).empty());
  CHECK(times_of(markers, MarkerKind::Retransmission).empty());
}

TEST_CASE("after a step back the markers still show the future the session has simulated") {
  Session s = open_lesson("lost-data");
  s.seek(s.scenario().duration);
  const size_t drops_at_end = times_of(timeline_markers(s), MarkerKind::Drop).size();
  s.seek(0);
  CHECK(s.visible() < s.trace().size());
  CHECK(times_of(timeline_markers(s), MarkerKind::Drop).size() == drops_at_end);
}

TEST_CASE("the handshake's pause points and narration are flags at the steps' times") {
  Session s = open_lesson("handshake");
  const auto markers = timeline_markers(s);
  const std::vector<Time> pauses{0, 10 * kMs, 45 * kMs, 55 * kMs, 70 * kMs, 100 * kMs, 150 * kMs};
  CHECK(times_of(markers, MarkerKind::Pause) == pauses);
  CHECK(times_of(markers, MarkerKind::Narration) == std::vector<Time>{300 * kMs});
  for (size_t i = 1; i < markers.size(); ++i) CHECK(markers[i - 1].t <= markers[i].t);
}

TEST_CASE("a console command is marked as an intervention and the marker index is rebuilt") {
  Session s = open_lesson("handshake");
  s.seek(200 * kMs);
  MarkerIndex idx;
  CHECK(update_marker_index(idx, s));
  CHECK_FALSE(update_marker_index(idx, s));
  const size_t before = idx.markers.size();

  s.seek(400 * kMs);  // playing on: only the new events are scanned, as a full scan finds
  CHECK_FALSE(update_marker_index(idx, s));
  std::vector<TimelineMarker> full;
  append_trace_markers(s.trace(), 0, full);
  CHECK(idx.markers.size() == full.size());
  CHECK(idx.markers.size() >= before);

  REQUIRE_FALSE(s.run_command(s.world().node_index("client"), "tcp close client").has_value());
  CHECK(update_marker_index(idx, s));
  const auto markers = timeline_markers(s);
  const auto iv = times_of(markers, MarkerKind::Intervention);
  REQUIRE(iv.size() == 1);
  CHECK(iv.front() >= 400 * kMs);
  s.seek(s.scenario().duration);
  update_marker_index(idx, s);
  // The close is a new FIN_WAIT1 … on the client: more state changes than before.
  std::vector<TimelineMarker> after;
  append_trace_markers(s.trace(), 0, after);
  CHECK(idx.markers.size() == after.size());
  CHECK(times_of(after, MarkerKind::StateChange).size() > times_of(full, MarkerKind::StateChange).size());
}

TEST_CASE("clustering 100 000 markers leaves at most one mark per pixel and kind") {
  std::vector<TimelineMarker> ms;
  const MarkerKind kinds[] = {MarkerKind::Drop, MarkerKind::Retransmission, MarkerKind::StateChange};
  const Time end = 60 * kSec;
  for (size_t i = 0; i < 100000; ++i)
    ms.push_back({static_cast<Time>(i) * (end / 100000), kinds[i % 3], i});
  const int width = 800;
  const auto cl = cluster_markers(ms, end, width);

  CHECK(cl.size() <= static_cast<size_t>(width) * 3);
  uint64_t total = 0;
  std::set<std::pair<int, int>> seen;  // (kind, column) once each
  for (const MarkerCluster& c : cl) {
    total += c.count;
    CHECK(c.column >= 0);
    CHECK(c.column < width);
    CHECK(seen.insert({static_cast<int>(c.kind), c.column}).second);
    CHECK(ms[c.first].t == c.t_first);
    CHECK(ms[c.first].kind == c.kind);
    CHECK(c.t_first <= c.t_last);
  }
  CHECK(total == ms.size());  // nothing lost, only merged
  for (MarkerKind k : kinds) {
    const auto n = std::count_if(cl.begin(), cl.end(), [&](const MarkerCluster& c) { return c.kind == k; });
    CHECK(n > 0);
    CHECK(n <= width);
  }
}

TEST_CASE("markers far apart stay apart and a marker at the end is on the last column") {
  std::vector<TimelineMarker> ms{{0, MarkerKind::Drop, 0},
                                 {500 * kMs, MarkerKind::Drop, 1},
                                 {500 * kMs, MarkerKind::StateChange, 2},
                                 {kSec, MarkerKind::Drop, 3}};
  const auto cl = cluster_markers(ms, kSec, 100);
  REQUIRE(cl.size() == 4);
  CHECK(cl[0].column == 0);
  CHECK(cl[1].column == 50);
  CHECK(cl[2].column == 50);
  CHECK(cl[2].kind == MarkerKind::StateChange);
  CHECK(cl[3].column == 99);
  CHECK(cluster_markers(ms, kSec, 0).empty());
  CHECK(cluster_markers({}, kSec, 100).empty());
}

TEST_CASE("the handshake lesson at time 0: the first narration is current and the class is paused") {
  Session s = open_lesson("handshake");
  const LessonModel m = lesson_model(s.scenario(), s.now(), Lang::En);
  CHECK(m.title == "TCP three-way handshake");
  CHECK(m.summary.find("SYN, SYN-ACK, ACK") != std::string::npos);
  REQUIRE(m.lines.size() == 8);
  CHECK(m.said == 1);
  CHECK(m.has_current());
  CHECK(m.is_current(0));
  CHECK_FALSE(m.is_current(1));
  CHECK(m.lines[0].t == 0);
  CHECK(m.lines[0].text.find("LISTEN") != std::string::npos);
  CHECK(m.at_pause);
  REQUIRE(m.next() != nullptr);
  CHECK(m.next()->t == 10 * kMs);
}

TEST_CASE("between two steps the latest narration is current and the next one is still to come") {
  Session s = open_lesson("handshake");
  s.seek(50 * kMs);  // after the step at 45 ms, before the one at 55 ms
  const LessonModel m = lesson_model(s.scenario(), s.now(), Lang::En);
  CHECK(m.said == 3);
  CHECK(m.is_current(2));
  CHECK_FALSE(m.is_current(1));
  CHECK(m.lines[2].t == 45 * kMs);
  CHECK(m.lines[2].text.find("SYN-ACK") != std::string::npos);
  CHECK_FALSE(m.at_pause);
  REQUIRE(m.next() != nullptr);
  CHECK(m.next()->t == 55 * kMs);

  s.seek(55 * kMs);  // exactly at a pause step
  const LessonModel p = lesson_model(s.scenario(), s.now(), Lang::En);
  CHECK(p.at_pause);
  CHECK(p.is_current(3));
  CHECK_FALSE(p.at_end);

  s.seek(s.scenario().duration);
  const LessonModel e = lesson_model(s.scenario(), s.now(), Lang::En);
  CHECK(e.said == e.lines.size());
  CHECK(e.next() == nullptr);
  CHECK(e.at_end);
}

TEST_CASE("narration said at the same time is current together") {
  Session s = open_lesson("lost-data");  // two steps with a say at 0 ms
  const LessonModel m = lesson_model(s.scenario(), 0, Lang::En);
  REQUIRE(m.said == 2);
  CHECK(m.is_current(0));
  CHECK(m.is_current(1));
  CHECK(m.lines[0].text.find("listens") != std::string::npos);  // file order among equals
  CHECK(m.lines[1].text.find("ping") != std::string::npos);
}

TEST_CASE("Chinese texts are used when the language is Chinese") {
  Session s = open_lesson("handshake");
  const LessonModel m = lesson_model(s.scenario(), 60 * kMs, Lang::Zh);
  CHECK(m.title == "TCP 三次握手");
  CHECK(m.summary.find("课程中的 TCP 服务器和客户端") == 0);
  REQUIRE(m.lines.size() == 8);
  CHECK(m.lines[0].text.find("套接字进入 LISTEN 状态") != std::string::npos);
  CHECK(m.lines[3].text.find("SYN-ACK 到达客户端") == 0);
  CHECK(m.is_current(3));

  // A scenario without Chinese texts falls back to English.
  std::vector<std::string> errs;
  auto t = Session::open_text(R"(title = "Only English"
summary = "No translation."
[[node]]
name = "a"
type = "host"
ifaces = { eth0 = "10.0.0.1/24" }
[[step]]
at = "0ms"
on = "a"
cmd = "ifconfig"
say = "Interfaces."
)", "test", &errs);
  REQUIRE(t.has_value());
  const LessonModel e = lesson_model(t->scenario(), 0, Lang::Zh);
  CHECK(e.title == "Only English");
  CHECK(e.summary == "No translation.");
  REQUIRE(e.lines.size() == 1);
  CHECK(e.lines[0].text == "Interfaces.");
  CHECK(e.pause_points.empty());
  CHECK_FALSE(e.at_pause);
}

TEST_CASE("the lesson lists the pause points in time order") {
  Session s = open_lesson("handshake");
  const LessonModel m = lesson_model(s.scenario(), 0, Lang::En);
  const std::vector<Time> pauses{0, 10 * kMs, 45 * kMs, 55 * kMs, 70 * kMs, 100 * kMs, 150 * kMs};
  CHECK(m.pause_points == pauses);
  CHECK(m.lines.back().t == 300 * kMs);
  CHECK_FALSE(m.lines.back().pause);
  CHECK(m.lines.front().pause);
}

TEST_CASE("times are written for students") {
  CHECK(format_timeline_time(123456789) == "123.457 ms");
  CHECK(format_timeline_time(0) == "0.000 ms");
  CHECK(format_timeline_time(12 * kSec + 345678 * kUs / 1000) == "12.000346 s");
  CHECK(format_time_short(0) == "0 ms");
  CHECK(format_time_short(45 * kMs) == "45 ms");
  CHECK(format_time_short(45 * kMs + 500 * kUs) == "45.5 ms");
  CHECK(format_time_short(1500 * kMs) == "1.5 s");
  CHECK(format_time_short(60 * kSec) == "60 s");
}

}  // TEST_SUITE
