// Connections as the views see them (sim/view/connections.h): a socket and its peer,
// paired from the trace's state events.
#include <doctest/doctest.h>

#include "sim/session/session.h"
#include "sim/view/connections.h"

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
