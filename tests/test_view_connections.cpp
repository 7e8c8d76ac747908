// Connections as the views see them (sim/view/connections.h): a socket and its peer,
// paired from the trace's state events.
#include <doctest/doctest.h>

#include "sim/session/session.h"
#include "sim/view/connections.h"
#include "sim/view/tcp_state_diagram.h"

using namespace tcplab;

TEST_SUITE("view: connections") {
  TEST_CASE("the handshake has the server's listener and one connection with both sides") {
    std::vector<std::string> errors;
    auto s = Session::open_file(std::string(TCPLAB_SOURCE_DIR) + "/scenarios/handshake.toml", &errors);
    REQUIRE(s.has_value());
    s->seek(s->end());
    const auto all = list_connections(s->trace(), s->visible(), s->context());
    REQUIRE(all.size() == 2);
    CHECK(all[0].a.listener);
    CHECK(all[0].a.state == "LISTEN");
    const Connection& c = all[1];
    REQUIRE(c.b.has_value());
    CHECK(s->context().node_names[size_t(c.a.ref.node)] == "client");
    CHECK(s->context().node_names[size_t(c.b->ref.node)] == "server");
    CHECK(c.a.local == c.b->remote);
    CHECK(c.a.remote == c.b->local);
    CHECK(c.label(s->context()).find("client s1 (client) 192.168.1.10:") == 0);

    // Nothing selected: the first real connection; selecting the server side finds it too.
    auto picked = pick_connection(all, SocketRef{});
    REQUIRE(picked.has_value());
    CHECK(picked->a.ref == c.a.ref);
    picked = pick_connection(all, c.b->ref);
    REQUIRE(picked.has_value());
    CHECK(picked->a.ref == c.a.ref);
  }

  TEST_CASE("before the connect, only the listener exists, and states follow the cursor") {
    std::vector<std::string> errors;
    auto s = Session::open_file(std::string(TCPLAB_SOURCE_DIR) + "/scenarios/handshake.toml", &errors);
    REQUIRE(s.has_value());
    s->seek(5 * kMs);
    auto all = list_connections(s->trace(), s->visible(), s->context());
    REQUIRE(all.size() == 1);
    CHECK_FALSE(pick_connection(all, SocketRef{}).has_value());
    s->seek(20 * kMs);
    all = list_connections(s->trace(), s->visible(), s->context());
    REQUIRE(all.size() == 2);
    CHECK(all[1].a.state == "SYN_SENT");
    CHECK_FALSE(all[1].b.has_value());
  }
}

namespace {

// The tracker (read incrementally) against the one-shot list, field by field.
void check_same(const std::vector<Connection>& got, const std::vector<Connection>& want) {
  REQUIRE(got.size() == want.size());
  auto same_side = [](const ConnectionSide& x, const ConnectionSide& y) {
    return x.ref == y.ref && x.name == y.name && x.local == y.local && x.remote == y.remote && x.state == y.state &&
           x.listener == y.listener;
  };
  for (size_t i = 0; i < got.size(); ++i) {
    CHECK(same_side(got[i].a, want[i].a));
    REQUIRE(got[i].b.has_value() == want[i].b.has_value());
    if (got[i].b) CHECK(same_side(*got[i].b, *want[i].b));
  }
}

// The trace indices of `who`'s state events, the slow way.
std::vector<size_t> state_events_of(const Session& s, const SocketRef& who) {
  std::vector<size_t> out;
  for (size_t i = 0; i < s.visible(); ++i) {
    const TraceEvent& e = s.trace()[i];
    if (e.ev == EvKind::State && e.node == who.node && e.state().sock == who.sock) out.push_back(i);
  }
  return out;
}

}  // namespace

TEST_SUITE("view: connections") {
  TEST_CASE("the incremental tracker equals list_connections as the cursor moves both ways and after an intervention") {
    std::vector<std::string> errors;
    auto s = Session::open_file(std::string(TCPLAB_SOURCE_DIR) + "/scenarios/four-way-close.toml", &errors);
    REQUIRE(s.has_value());
    ConnectionTracker t;
    auto check = [&] {
      const auto& got = t.update(s->trace(), s->visible(), trace_key(*s));
      const auto want = list_connections(s->trace(), s->visible(), s->context());
      check_same(got, want);
      for (const Connection& c : want) {
        CHECK(t.state_events(c.a.ref) == state_events_of(*s, c.a.ref));
        if (c.b) CHECK(t.state_events(c.b->ref) == state_events_of(*s, c.b->ref));
      }
      return want.size();
    };
    check();
    // Forwards one state change at a time: the states follow (SYN_SENT, ESTABLISHED, …).
    size_t most = 0;
    while (s->step_forward(StepUnit::StateChange)) most = std::max(most, check());
    CHECK(most >= 2);  // the listener and the connection
    // Backwards: the connection's sides go back to earlier states, then disappear.
    while (s->step_back(StepUnit::StateChange)) check();
    CHECK(t.connections().size() <= 1);
    // Jumps both ways.
    for (Time at : {s->end(), Time(30 * kMs), Time(500 * kMs), Time(0), s->end()}) {
      s->seek(at);
      check();
    }
    // An intervention records the trace anew: the tracker starts over.
    s->seek(20 * kMs);
    const uint64_t gen = s->generation();
    REQUIRE_FALSE(s->run_command(s->world().node_index("client"), "ss -tan").has_value());
    CHECK(s->generation() != gen);
    check();
    s->seek(s->end());
    check();
  }

  TEST_CASE("a socket's state events from the tracker give the same state history as the scan") {
    std::vector<std::string> errors;
    auto s = Session::open_file(std::string(TCPLAB_SOURCE_DIR) + "/scenarios/handshake.toml", &errors);
    REQUIRE(s.has_value());
    s->seek(s->end());
    ConnectionTracker t;
    const auto& all = t.update(s->trace(), s->visible(), trace_key(*s));
    REQUIRE(all.size() == 2);
    REQUIRE(all[1].b.has_value());
    CHECK(t.state_events(all[1].a.ref).size() >= 2);  // SYN_SENT, ESTABLISHED
    CHECK(t.state_events(SocketRef{99, "s1"}).empty());
    for (const SocketRef& who : {all[0].a.ref, all[1].a.ref, all[1].b->ref}) {
      const SocketStates scan = socket_states(s->trace(), s->visible(), who, s->now());
      const SocketStates fast = socket_states(s->trace(), t.state_events(who), s->now());
      CHECK(scan.current == fast.current);
      REQUIRE(scan.transitions.size() == fast.transitions.size());
      for (size_t i = 0; i < scan.transitions.size(); ++i) {
        CHECK(scan.transitions[i].t == fast.transitions[i].t);
        CHECK(scan.transitions[i].to_name == fast.transitions[i].to_name);
      }
    }
  }
}
