// InlineString: the short names of trace events (a socket's "s3", a timer's "rto"), held
// inside the event so that building and keeping one allocates nothing (issue 6).
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <type_traits>

#include "sim/core/inline_string.h"
#include "sim/trace/trace_event.h"

namespace tcplab {

TEST_SUITE("inline string") {
  TEST_CASE("reads, compares and concatenates as text") {
    const InlineString<11> s = std::string("s12");
    CHECK(s.size() == 3);
    CHECK(s == "s12");
    CHECK(s == std::string("s12"));
    CHECK(s == std::string_view("s12"));
    CHECK(s != "s1");
    CHECK("s12" == s);
    CHECK(s == InlineString<11>("s12"));
    CHECK(std::string(s) == "s12");
    CHECK("socket " + s + " closed" == "socket s12 closed");
    CHECK(s + std::string("!") == "s12!");
    std::map<std::pair<int, std::string>, int> by_name{{{1, "s12"}, 7}};
    CHECK(by_name.at({1, s}) == 7);  // a key built from it, as the views build theirs
    CHECK(InlineString<11>().empty());
  }

  TEST_CASE("holds up to its capacity and cuts longer text there") {
    CHECK(InlineString<9>("time_wait") == "time_wait");
    CHECK(InlineString<9>("keepalive") == "keepalive");
    CHECK(InlineString<6>("cancel") == "cancel");
    CHECK(InlineString<11>("s2147483647") == "s2147483647");  // the longest socket name
    CHECK(InlineString<4>("abcdefg") == "abcd");
  }

  TEST_CASE("timer and cc events are held inline: no bigger than a packet event, and copied whole") {
    static_assert(sizeof(TimerEvent) <= sizeof(PacketEvent));
    static_assert(sizeof(CcEvent) <= sizeof(PacketEvent));
    static_assert(std::is_trivially_copyable_v<TimerEvent>);
    TraceEvent a{7, EvKind::Timer, 0, TimerEvent{"s1", "rto", "set", 1'000}};
    TraceEvent b = a;
    CHECK(&b.timer() != &a.timer());  // not a shared box: its own copy
    CHECK(b.get_if<TimerEvent>() == &b.timer());
    CHECK(b.get_if<CcEvent>() == nullptr);
    CHECK(b.visit([](const auto& d) {
      if constexpr (std::is_same_v<std::decay_t<decltype(d)>, TimerEvent>) return d.timer == "rto" && d.at == 1'000;
      else return false;
    }));
  }
}

}  // namespace tcplab
