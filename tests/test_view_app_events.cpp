// The console's index of app events (sim/view/app_event_index.h): per node, where its
// output is in the trace, kept up to date as the cursor moves; it must list exactly what a
// scan of the visible trace finds, or the console would show too much or too little.
#include <doctest/doctest.h>

#include "sim/session/session.h"
#include "sim/view/app_event_index.h"

using namespace tcplab;

namespace {

std::vector<size_t> scan_app_events(const Session& s, int32_t node) {
  std::vector<size_t> out;
  for (size_t i = 0; i < s.visible(); ++i)
    if (s.trace()[i].ev == EvKind::App && s.trace()[i].node == node) out.push_back(i);
  return out;
}

}  // namespace

TEST_SUITE("view: app events") {
  TEST_CASE("the index equals a scan of the visible trace as the cursor moves both ways and after a command") {
    std::vector<std::string> errors;
    auto s = Session::open_file(std::string(TCPLAB_SOURCE_DIR) + "/scenarios/handshake.toml", &errors);
    REQUIRE(s.has_value());
    const int32_t client = s->world().node_index("client");
    const int32_t server = s->world().node_index("server");
    AppEventIndex idx;
    size_t most = 0;
    auto check = [&] {
      idx.update(s->trace(), s->visible(), trace_key(*s));
      for (int32_t n : {client, server, int32_t(99)}) CHECK(idx.of(n) == scan_app_events(*s, n));
      most = std::max(most, idx.of(client).size());
    };
    check();
    while (s->step_forward(StepUnit::Event)) check();
    CHECK(most >= 1);  // the client's "$ tcp connect …" line at least
    for (Time at : {Time(0), s->end(), Time(15 * kMs), Time(5 * kMs), s->end()}) {
      s->seek(at);
      check();
    }
    while (s->step_back(StepUnit::Event)) check();
    CHECK(idx.of(client).size() <= scan_app_events(*s, client).size());
    // A typed command records the trace anew: its "$ ss -tan" line and output appear.
    s->seek(s->end());
    check();
    const size_t before = idx.of(client).size();
    REQUIRE_FALSE(s->run_command(client, "ss -tan").has_value());
    s->seek(s->end());
    check();
    CHECK(idx.of(client).size() > before);
  }
}
