// The GUI's model without graphics (sim/session): seeking both ways gives the same world
// and trace as one straight run; interventions are recorded and replay exactly from the
// saved scenario; snapshots stay bounded; pause points stop playback.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "sim/scenario/scenario_loader.h"
#include "sim/session/session.h"
#include "sim/trace/jsonl.h"
#include "sim/wire/frame.h"

using namespace tcplab;

namespace {

std::string scenario_path(const std::string& name) {
  return std::string(TCPLAB_SOURCE_DIR) + "/scenarios/" + name + ".toml";
}

Session open(const std::string& name) {
  std::vector<std::string> errors;
  auto s = Session::open_file(scenario_path(name), &errors);
  REQUIRE_MESSAGE(s.has_value(), (errors.empty() ? "" : errors.front()));
  return std::move(*s);
}

// The visible trace as JSON Lines (what `tcplab run --format jsonl` prints).
std::string jsonl(const Session& s) {
  std::ostringstream out;
  JsonlWriter w(out, s.context());
  for (size_t i = 0; i < s.visible(); ++i) w.write(s.trace()[i]);
  return out.str();
}

// A straight run of a scenario, no session involved.
std::string straight_run(const Scenario& sc, Time until) {
  World w = World::from_scenario(sc);
  w.run_until(until);
  std::ostringstream out;
  JsonlWriter jw(out, w.trace_context());
  for (const TraceEvent& e : w.take_trace()) jw.write(e);
  return out.str();
}

size_t count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

// The first in-flight frame on `link` whose frame holds `flags` TCP bits exactly.
const InFlightFrame* flying_tcp(const std::vector<InFlightFrame>& f, uint8_t flags, int32_t link = -1) {
  for (const InFlightFrame& x : f) {
    const auto p = wire::parse_frame(*x.frame);
    if (p.tcp && p.tcp->flags == flags && (link < 0 || x.link == link)) return &x;
  }
  return nullptr;
}

}  // namespace

TEST_SUITE("session") {
  TEST_CASE("seeking back and forth gives the trace of one straight run") {
    Session s = open("lost-data");
    const Time end = s.end();
    s.seek(end);
    const std::string forward = jsonl(s);
    CHECK(forward == straight_run(s.scenario(), end));
    s.seek(end / 3);
    s.seek(end / 7);
    s.restart();
    s.seek(end / 2);
    s.seek(end);
    CHECK(jsonl(s) == forward);
  }

  TEST_CASE("the trace shown stops at the cursor, and the recorded future is kept") {
    Session s = open("handshake");
    s.seek(s.end());
    const size_t all = s.visible();
    s.seek(30 * kMs);
    CHECK(s.visible() < all);
    CHECK(s.trace().size() == all);  // the future already simulated is still recorded
    for (size_t i = 0; i < s.visible(); ++i) CHECK(s.trace()[i].t <= 30 * kMs);
    CHECK(s.trace()[s.visible()].t > 30 * kMs);
  }

  TEST_CASE("stepping by state change visits every state event, forwards and back") {
    Session s = open("handshake");
    std::vector<Time> forward;
    while (s.step_forward(StepUnit::StateChange)) forward.push_back(s.now());
    std::vector<Time> expected;
    for (const TraceEvent& e : s.trace())
      if (e.ev == EvKind::State && e.t > 0 && (expected.empty() || expected.back() != e.t)) expected.push_back(e.t);
    CHECK(forward == expected);
    REQUIRE(forward.size() >= 4);
    // Back by the same unit: the previous state change, then the one before.
    s.seek(forward[3]);
    REQUIRE(s.step_back(StepUnit::StateChange));
    CHECK(s.now() == forward[2]);
    REQUIRE(s.step_back(StepUnit::StateChange));
    CHECK(s.now() == forward[1]);
  }

  TEST_CASE("a packet step lands where a packet event is, and the world there is complete") {
    Session s = open("handshake");
    REQUIRE(s.step_forward(StepUnit::Packet));
    const Time t = s.now();
    bool found = false;
    for (size_t i = 0; i < s.visible(); ++i)
      if (s.trace()[i].t == t && s.trace()[i].ev == EvKind::Tx) found = true;
    CHECK(found);
    World w = s.world();  // nothing due at t is left undone
    CHECK(w.next_event_time().value_or(t + 1) > t);
  }

  TEST_CASE("snapshots stay within their limit and seeking stays exact") {
    Session s = open("congestion");
    s.set_snapshot_limit(4);
    const Time end = s.end();
    s.seek(end);
    CHECK(s.snapshot_count() <= 5);
    const std::string full = jsonl(s);
    s.seek(end / 4);
    s.seek(end);
    CHECK(jsonl(s) == full);
  }

  TEST_CASE("play stops at a pause step") {
    Session s = open("handshake");
    CHECK(s.now() == 0);
    // The connect step at 10 ms has pause = true.
    CHECK(s.advance(20 * kMs));
    CHECK(s.now() == 10 * kMs);
    CHECK_FALSE(s.advance(1 * kMs));
    CHECK(s.now() == 11 * kMs);
  }

  TEST_CASE("a console command runs at the cursor and replays exactly from the saved scenario") {
    Session s = open("handshake");
    s.seek(200 * kMs);
    REQUIRE_FALSE(s.run_command(s.world().node_index("client"), "ping -c 1 192.168.1.20").has_value());
    REQUIRE(s.interventions().size() == 1);
    CHECK(s.interventions()[0].at == 200 * kMs);
    s.seek(s.end());
    const std::string session_trace = jsonl(s);
    CHECK(session_trace.find("$ ping -c 1 192.168.1.20") != std::string::npos);
    CHECK(session_trace.find("1 packets transmitted, 1 received") != std::string::npos);

    const std::string saved = s.save_as_scenario();
    CHECK(saved.find("[[step]]\nat = \"200ms\"\non = \"client\"\ncmd = \"ping -c 1 192.168.1.20\"") != std::string::npos);
    LoadResult lr = load_scenario_text(saved, "saved.toml");
    REQUIRE(lr.scenario.has_value());
    CHECK(straight_run(*lr.scenario, s.end()) == session_trace);
  }

  TEST_CASE("a command typed at the time an event ran sees that event's result") {
    Session s = open("handshake");
    // Step to the client's ESTABLISHED (its second state change), then ask ss.
    const int32_t client = s.world().node_index("client");
    Time established = -1;
    while (established < 0 && s.step_forward(StepUnit::StateChange)) {
      for (size_t i = 0; i < s.visible(); ++i) {
        const TraceEvent& e = s.trace()[i];
        if (e.t == s.now() && e.ev == EvKind::State && e.node == client &&
            e.state().to == "ESTABLISHED")
          established = s.now();
      }
    }
    REQUIRE(established > 0);
    REQUIRE_FALSE(s.run_command(client, "ss -tan").has_value());
    CHECK(s.interventions()[0].at == established + 1);  // just after, on replay too
    const std::string out = jsonl(s);
    const size_t prompt = out.rfind("$ ss -tan");
    REQUIRE(prompt != std::string::npos);
    CHECK(out.find("ESTAB", prompt) != std::string::npos);
  }

  TEST_CASE("a bad command is refused and changes nothing") {
    Session s = open("handshake");
    s.seek(100 * kMs);
    const std::string before = jsonl(s);
    auto err = s.run_command(0, "tcp conect 1.2.3.4:5");
    REQUIRE(err.has_value());
    CHECK(err->find("conect") != std::string::npos);
    CHECK(s.interventions().empty());
    CHECK(s.run_command(99, "ifconfig").has_value());
    CHECK(jsonl(s) == before);
  }

  TEST_CASE("dropping the SYN in flight: it is lost, retransmitted 1 s after connect, and the save replays it") {
    Session s = open("handshake");
    // Find a time when the SYN is on the wire.
    const InFlightFrame* syn = nullptr;
    while (s.step_forward(StepUnit::Packet)) {
      auto f = s.world().in_flight();
      if ((syn = flying_tcp(f, wire::tcpflag::SYN))) break;
    }
    REQUIRE(syn);
    const auto flying = s.world().in_flight();
    syn = flying_tcp(flying, wire::tcpflag::SYN);
    REQUIRE(syn);
    const uint64_t id = syn->id;
    const int32_t link = syn->link;
    REQUIRE_FALSE(s.intervene_packet(id, link, FaultAction::Drop).has_value());
    REQUIRE(s.interventions().size() == 1);
    CHECK(s.interventions()[0].kind == Intervention::Kind::Fault);
    // The clicked frame is still drawn on the wire, now doomed.
    bool doomed = false;
    for (const InFlightFrame& f : s.world().in_flight())
      if (f.id == id && f.link == link) doomed = f.lost;
    CHECK(doomed);
    s.seek(3 * kSec);  // past the scenario's 1 s: the retransmission comes 1 s later
    const std::string trace = jsonl(s);
    CHECK(count(trace, "\"why\":\"fault\"") == 1);
    CHECK(trace.find("\"retx\":true") != std::string::npos);
    // The retransmitted SYN leaves 1 s after the first (Linux's initial RTO).
    Time first = -1, second = -1;
    for (const TraceEvent& e : s.trace()) {
      if (e.ev != EvKind::Tx || e.node != s.world().node_index("client")) continue;
      const auto p = wire::parse_frame(e.packet().frame);
      if (p.tcp && p.tcp->flags == wire::tcpflag::SYN) (first < 0 ? first : second) = e.t;
    }
    REQUIRE(second > 0);
    // The RTO runs from connect() at 10 ms (the first SYN waited 20 ms for ARP).
    CHECK(first == 30 * kMs);
    CHECK(second == 10 * kMs + 1 * kSec);
    const std::string saved = s.save_as_scenario();
    CHECK(saved.find("[[fault]]") != std::string::npos);
    LoadResult lr = load_scenario_text(saved, "saved.toml");
    REQUIRE(lr.scenario.has_value());
    CHECK(straight_run(*lr.scenario, 3 * kSec) == trace);
  }

  TEST_CASE("a packet clicked on the switch's side of the path is dropped on that hop") {
    Session s = open("handshake");
    const int32_t sw = s.world().node_index("sw1");
    const InFlightFrame* synack = nullptr;
    std::vector<InFlightFrame> f;
    while (s.step_forward(StepUnit::Packet)) {
      f = s.world().in_flight();
      synack = flying_tcp(f, wire::tcpflag::SYN | wire::tcpflag::ACK);
      if (synack && s.world().links()[size_t(synack->link)].ends[synack->side].node == sw) break;
      synack = nullptr;
    }
    REQUIRE(synack);
    const uint64_t id = synack->id;
    const int32_t link = synack->link;
    REQUIRE_FALSE(s.intervene_packet(id, link, FaultAction::Drop).has_value());
    CHECK(s.interventions()[0].node == sw);
    s.seek(s.end());
    int drops = 0;
    for (const TraceEvent& e : s.trace())
      if (e.ev == EvKind::Drop && e.packet().why == DropWhy::Fault) {
        ++drops;
        CHECK(e.packet().link == link);
        CHECK(e.packet().id == id);
      }
    CHECK(drops == 1);
  }

  TEST_CASE("acting again before an intervention replaces the future") {
    Session s = open("handshake");
    const int32_t client = s.world().node_index("client");
    s.seek(300 * kMs);
    REQUIRE_FALSE(s.run_command(client, "ifconfig").has_value());
    s.seek(100 * kMs);
    REQUIRE_FALSE(s.run_command(client, "route -n").has_value());
    REQUIRE(s.interventions().size() == 1);
    CHECK(s.interventions()[0].text == "route -n");
    s.seek(s.end());
    const std::string t = jsonl(s);
    CHECK(t.find("$ route -n") != std::string::npos);
    CHECK(t.find("$ ifconfig") == std::string::npos);
  }

  TEST_CASE("an edited scenario file is reloaded - a broken edit is refused with its line") {
    const std::string dir = std::filesystem::temp_directory_path() / "tcplab_session_reload";
    std::filesystem::create_directories(dir);
    const std::string path = dir + "/lesson.toml";
    std::filesystem::copy_file(scenario_path("handshake"), path, std::filesystem::copy_options::overwrite_existing);
    std::vector<std::string> errors;
    auto s = Session::open_file(path, &errors);
    REQUIRE(s.has_value());
    s->seek(100 * kMs);
    REQUIRE_FALSE(s->run_command(s->world().node_index("client"), "arp -n").has_value());

    std::string text = s->source_text();
    text.replace(text.find("TCP three-way handshake"), 23, "Edited handshake");
    std::ofstream(path) << text;
    CHECK_FALSE(s->reload().has_value());
    CHECK(s->scenario().title == "Edited handshake");
    CHECK(s->interventions().size() == 1);  // kept: its node still exists
    CHECK(s->now() == s->interventions()[0].at);  // the cursor stays where it was

    std::ofstream(path) << text << "\n[[node]]\nname = 42\n";
    auto bad = s->reload();
    REQUIRE(bad.has_value());
    REQUIRE_FALSE(bad->empty());
    CHECK(bad->front().find("lesson.toml:") != std::string::npos);
    CHECK(s->scenario().title == "Edited handshake");
    std::filesystem::remove_all(dir);
  }

  TEST_CASE("a scenario with errors does not open, and says where") {
    std::vector<std::string> errors;
    auto s = Session::open_text("title = \"x\"\n[[node]]\nname = \"a\"\ntype = \"hots\"\n", "bad.toml", &errors);
    CHECK_FALSE(s.has_value());
    REQUIRE_FALSE(errors.empty());
    CHECK(errors.front().find("bad.toml:4:") == 0);
  }
}
