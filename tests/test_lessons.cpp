// The lessons check themselves (issue 8). For every scenarios/*.toml:
//  - "lesson format": it loads, is written in English and 简体中文 (title_zh, summary_zh,
//    say_zh for every say) and is a course lesson (chapter, 2-4 questions in both languages,
//    programs whose lines the steps point at);
//  - "lesson runs": it runs headless to its end and no command printed an error it did not
//    announce;
//  - "lesson checks": it has a check case asserting the facts its narration states. The
//    check cases of the earlier lessons live in tests/test_scenarios.cpp and
//    tests/test_tcp_scenarios.cpp (their lists are scenario_lessons_with_facts() and
//    tcp_lessons_with_facts()); the lessons added for the course are checked here, each
//    under LESSON_CHECK, which registers its name. A lesson none of the three covers fails.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/scenario_runner.h"

using namespace tcplab;
using namespace tcplab::scenario_testing;

namespace tcplab::scenario_testing {
std::set<std::string> tcp_lessons_with_facts();       // tests/test_tcp_scenarios.cpp
std::set<std::string> scenario_lessons_with_facts();  // tests/test_scenarios.cpp

// Lessons with a LESSON_CHECK case in this file.
std::set<std::string>& lessons_checked_here() {
  static std::set<std::string> names;
  return names;
}
}  // namespace tcplab::scenario_testing

namespace {

struct RegisterCheck {
  explicit RegisterCheck(const char* name) { lessons_checked_here().insert(name); }
};

#define LESSON_CHECK_CAT2(a, b) a##b
#define LESSON_CHECK_CAT(a, b) LESSON_CHECK_CAT2(a, b)
// A check case of lesson NAME (a string literal); DESC says what it asserts.
#define LESSON_CHECK(NAME, DESC)                                                   \
  static const RegisterCheck LESSON_CHECK_CAT(lesson_check_, __LINE__){NAME};      \
  TEST_CASE("lesson " NAME ": " DESC)

constexpr Time ms(int64_t v) { return v * kMs; }

bool is_tcp(const Pkt& p) { return p.f.tcp.has_value(); }
bool is_echo_request(const Pkt& p) { return p.is_icmp() && p.f.icmp->type == wire::kIcmpEchoRequest; }
bool arp_request_for(const Pkt& p, const std::string& target) {
  return p.is_arp() && p.f.arp->op == 1 && to_string(p.f.arp->tpa) == target;
}

template <class Pred>
std::vector<Pkt> where(const std::vector<Pkt>& pkts, Pred pred) {
  std::vector<Pkt> out;
  for (const Pkt& p : pkts)
    if (pred(p)) out.push_back(p);
  return out;
}

// What one command printed: the lines after its "$ CMD" prompt, up to the next prompt.
std::vector<std::string> output_of(const Run& r, std::string_view node, std::string_view cmd) {
  std::vector<std::string> out;
  bool in = false;
  for (const std::string& l : r.app_lines(node)) {
    if (l.starts_with("$ ")) {
      in = l == "$ " + std::string(cmd);
      continue;
    }
    if (in) out.push_back(l);
  }
  return out;
}

bool any_contains(const std::vector<std::string>& lines, std::string_view part) {
  return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return contains(l, part); });
}
size_t count_containing(const std::vector<std::string>& lines, std::string_view part) {
  return static_cast<size_t>(std::count_if(lines.begin(), lines.end(), [&](const std::string& l) { return contains(l, part); }));
}

// "time=41.6 ms" of a ping reply line, in ms.
double ping_time(const std::string& line) {
  const size_t at = line.find("time=");
  REQUIRE(at != std::string::npos);
  return std::stod(line.substr(at + 5));
}

// The states a node's sockets entered, in order, as "FROM>TO".
std::vector<std::string> transitions(const Run& r, std::string_view node) {
  std::vector<std::string> out;
  const int32_t n = r.node(node);
  for (const TraceEvent& e : r.events)
    if (e.ev == EvKind::State && e.node == n) {
      const auto& s = e.state();
      out.push_back(s.sock + " " + s.from + ">" + s.to);
    }
  return out;
}

}  // namespace

TEST_SUITE("lesson checks") {
// =======================================================================================
// Chapter 1
LESSON_CHECK("lan-and-wan", "inside the LAN only the switch carries the ping - across the WAN two routers and about 42 ms") {
  const Run r = run_builtin("lan-and-wan");
  // a1 -> a2: no echo reaches the router.
  CHECK(where(r.packets_at(EvKind::Rx, "ra"), [](const Pkt& p) { return p.is_icmp() && p.ip_dst() == "192.168.1.11"; }).empty());
  const auto a2 = lines_starting(output_of(r, "a1", "ping -c 2 192.168.1.11"), "64 bytes");
  REQUIRE(a2.size() == 2);
  for (const std::string& l : a2) CHECK((contains(l, "ttl=64") && ping_time(l) < 1.0));
  // a1 -> b1: forwarded by ra and rb, replies with ttl=62, the second about 42 ms.
  for (const char* router : {"ra", "rb"})
    CHECK(where(r.packets_at(EvKind::Tx, router), [](const Pkt& p) { return is_echo_request(p) && p.ip_dst() == "192.168.2.10"; }).size() == 2);
  const auto b1 = lines_starting(output_of(r, "a1", "ping -c 2 192.168.2.10"), "64 bytes");
  REQUIRE(b1.size() == 2);
  for (const std::string& l : b1) CHECK(contains(l, "ttl=62"));
  CHECK(ping_time(b1[0]) > 80.0);  // ra first asks rb's MAC over the WAN line
  CHECK((ping_time(b1[1]) > 40.0 && ping_time(b1[1]) < 45.0));
  // a1 asked ARP for a2 and for its gateway, never for b1.
  CHECK(where(r.packets_at(EvKind::Tx, "a1"), [](const Pkt& p) { return arp_request_for(p, "192.168.2.10"); }).empty());
  CHECK(where(r.packets_at(EvKind::Tx, "a1"), [](const Pkt& p) { return arp_request_for(p, "192.168.1.1"); }).size() == 1);
  const auto arp = output_of(r, "a1", "arp -n");
  CHECK((any_contains(arp, "192.168.1.11") && any_contains(arp, "192.168.1.1 ") && !any_contains(arp, "192.168.2.10")));
}

// =======================================================================================
// Chapter 2
LESSON_CHECK("ip-addresses", "loopback and own-address pings never touch the wire - the NAS ping ARPs first - lo counts 8") {
  const Run r = run_builtin("ip-addresses");
  const auto ip_addr = output_of(r, "pc", "ip addr");
  CHECK(any_contains(ip_addr, "inet 127.0.0.1/8 scope host lo"));
  CHECK(any_contains(ip_addr, "inet 192.168.1.10/24 brd 192.168.1.255"));
  // Nothing on any link while pinging 127.0.0.1 and 192.168.1.10.
  REQUIRE(!r.packets().empty());
  CHECK(r.packets().front().t() >= ms(3000));
  for (const char* cmd : {"ping -c 2 127.0.0.1", "ping -c 2 192.168.1.10"})
    CHECK(any_contains(output_of(r, "pc", cmd), "2 packets transmitted, 2 received, 0% packet loss"));
  // The NAS: an ARP request first, then the echoes on the wire.
  const auto tx = r.packets_at(EvKind::Tx, "pc");
  REQUIRE(!tx.empty());
  CHECK(arp_request_for(tx.front(), "192.168.1.20"));
  CHECK(where(tx, is_echo_request).size() == 2);
  const auto ifc = output_of(r, "pc", "ifconfig");
  const auto lo = std::find_if(ifc.begin(), ifc.end(), [](const std::string& l) { return l.starts_with("lo:"); });
  REQUIRE(lo != ifc.end());
  CHECK(any_contains(std::vector<std::string>(lo, ifc.end()), "RX packets 8 "));
  CHECK(any_contains(std::vector<std::string>(lo, ifc.end()), "TX packets 8 "));
  CHECK(any_contains(std::vector<std::string>(ifc.begin(), lo), "TX packets 3 "));
}

// =======================================================================================
// Chapter 3
LESSON_CHECK("ifconfig-and-ping", "0.0.0.0 is listed first yet the NAS is reached directly - the server via gw - .99 is unreachable") {
  const Run r = run_builtin("ifconfig-and-ping");
  const auto routes = output_of(r, "pc", "route -n");
  REQUIRE(routes.size() == 5);
  CHECK(routes[2].starts_with("0.0.0.0         192.168.19.2    0.0.0.0         UG"));
  CHECK(routes[3].starts_with("169.254.0.0     0.0.0.0         255.255.0.0     U "));
  CHECK(routes[4].starts_with("192.168.19.0    0.0.0.0         255.255.255.0   U "));
  const std::string nas_mac = r.mac_of("nas"), gw_mac = r.mac_of("gw");
  const auto tx = r.packets_at(EvKind::Tx, "pc");
  // Longest prefix: echoes to the NAS go to the NAS's MAC; the gateway forwards none.
  const auto to_nas = where(tx, [](const Pkt& p) { return is_echo_request(p) && p.ip_dst() == "192.168.19.50"; });
  REQUIRE(to_nas.size() == 2);
  for (const Pkt& p : to_nas) CHECK(to_string(p.f.eth.dst) == nas_mac);
  CHECK(where(r.packets_at(EvKind::Tx, "gw"), [](const Pkt& p) { return p.is_icmp() && p.ip_dst() == "192.168.19.50"; }).empty());
  // The server: through the gateway's MAC, replies with ttl=63.
  const auto to_server = where(tx, [](const Pkt& p) { return is_echo_request(p) && p.ip_dst() == "10.0.0.10"; });
  REQUIRE(to_server.size() == 2);
  for (const Pkt& p : to_server) CHECK(to_string(p.f.eth.dst) == gw_mac);
  const auto server_replies = lines_starting(output_of(r, "pc", "ping -c 2 10.0.0.10"), "64 bytes");
  REQUIRE(server_replies.size() == 2);
  for (const std::string& l : server_replies) CHECK(contains(l, "ttl=63"));
  // .99: ARP goes unanswered, no echo is sent, pc itself reports the error after ~3 s.
  CHECK(where(tx, [](const Pkt& p) { return p.is_icmp() && p.ip_dst() == "192.168.19.99"; }).empty());
  const auto unreachable = output_of(r, "pc", "ping -c 2 192.168.19.99");
  CHECK(count_containing(unreachable, "From 192.168.19.128 icmp_seq=") == 2);
  CHECK(any_contains(unreachable, "Destination Host Unreachable"));
  const auto arp = output_of(r, "pc", "arp -n");
  CHECK((any_contains(arp, "192.168.19.50") && any_contains(arp, "192.168.19.2 ")));
  CHECK((!any_contains(arp, "10.0.0.10") && !any_contains(arp, "192.168.19.99")));
}

// =======================================================================================
// Chapter 4
LESSON_CHECK("ports", "three ephemeral client ports - netstat shows two connections on port 80 - lsof names one process") {
  const Run r = run_builtin("ports");
  std::set<uint16_t> sports;
  for (const Pkt& p : r.packets_at(EvKind::Tx, "client"))
    if (is_tcp(p) && (p.f.tcp->flags & wire::tcpflag::SYN)) {
      CHECK((p.f.tcp->sport >= 32768 && p.f.tcp->sport <= 60999));
      sports.insert(p.f.tcp->sport);
    }
  CHECK(sports.size() == 3);
  const auto ns = output_of(r, "server", "netstat -an");
  CHECK(any_contains(ns, "0.0.0.0:22              0.0.0.0:*               LISTEN"));
  CHECK(any_contains(ns, "0.0.0.0:80              0.0.0.0:*               LISTEN"));
  CHECK(count_containing(ns, "192.168.1.20:80         192.168.1.10:") == 2);
  CHECK(any_contains(ns, "udp        0      0 0.0.0.0:53"));
  const auto lsof80 = output_of(r, "server", "lsof -i tcp:80");
  REQUIRE(lsof80.size() == 4);
  CHECK(lsof80[1].starts_with("python3 1002 root    3u"));
  CHECK(contains(lsof80[1], "TCP *:http (LISTEN)"));  // lsof names port 80 (no -P)
  CHECK((lsof80[2].starts_with("python3 1002 root    4u") && lsof80[3].starts_with("python3 1002 root    5u")));
  CHECK(count_containing(output_of(r, "server", "lsof -i"), "python3") == 6);
}

LESSON_CHECK("port-in-use", "bind fails without a packet - lsof names PID 1001 - after kill -9 the new server runs") {
  const Run r = run_builtin("port-in-use");
  CHECK(output_of(r, "server", "tcp listen 2000 --as new") == std::vector<std::string>{"bind: Address already in use"});
  REQUIRE(!r.packets().empty());
  CHECK(r.packets().front().t() >= ms(60));
  const auto holder = output_of(r, "server", "sudo lsof -i tcp:2000");
  REQUIRE(holder.size() == 2);
  CHECK(holder[1] == "python3 1001 root    3u  IPv4  40001      0t0  TCP *:2000 (LISTEN)");
  CHECK(output_of(r, "server", "kill -9 1001").empty());  // kill says nothing, closing a listener sends nothing
  const auto relisten = output_of(r, "server", "tcp listen 2000 --as server");
  REQUIRE(!relisten.empty());
  CHECK(relisten[0] == "s2 (server): listening on 0.0.0.0:2000 (backlog 128)");
  CHECK(any_contains(transitions(r, "client"), "SYN_SENT>ESTABLISHED"));
  const auto after = output_of(r, "server", "lsof -i :2000");
  REQUIRE(after.size() == 3);
  CHECK((after[1].starts_with("python3 1002 root    3u") && contains(after[1], "(LISTEN)")));
  CHECK((after[2].starts_with("python3 1002 root    4u") && contains(after[2], "(ESTABLISHED)")));
}

// =======================================================================================
// Chapter 5
LESSON_CHECK("tcp-vs-udp", "UDP and TCP share port 2000 - one datagram against eight segments") {
  const Run r = run_builtin("tcp-vs-udp");
  std::vector<Pkt> udp, tcp;
  for (const Pkt& p : r.packets(EvKind::Tx)) {
    if (p.node == "sw1") continue;  // the switch forwards each frame once more
    if (p.is_udp()) udp.push_back(p);
    if (is_tcp(p)) tcp.push_back(p);
  }
  REQUIRE(udp.size() == 1);
  CHECK((udp[0].node == "client" && udp[0].payload() == "hello" && udp[0].f.udp->dport == 2000));
  CHECK(tcp.size() == 8);
  CHECK(where(tcp, [](const Pkt& p) { return p.f.payload_len > 0; }).size() == 1);
  CHECK(any_contains(r.app_lines("server"), "5 bytes \"hello\" from 192.168.1.10:"));
  const auto ns = output_of(r, "server", "netstat -an");
  CHECK(any_contains(ns, "tcp        0      0 0.0.0.0:2000            0.0.0.0:*               LISTEN"));
  CHECK(std::any_of(ns.begin(), ns.end(), [](const std::string& l) { return l.starts_with("udp") && contains(l, "0.0.0.0:2000") && !contains(l, "LISTEN"); }));
  CHECK(count_containing(ns, "tcp ") == 1);  // the connection is gone
}

// =======================================================================================
// Chapter 7
LESSON_CHECK("tcp-server-client", "handshake before accept - recv(5) gets hello and leaves world - close with it unread resets") {
  const Run r = run_builtin("tcp-server-client");
  const auto server_states = transitions(r, "server");
  CHECK(any_contains(server_states, "SYN_RECV>ESTABLISHED"));
  for (const TraceEvent& e : r.events)
    if (e.ev == EvKind::State && r.node_name(e.node) == "server" && e.state().to == "ESTABLISHED")
      CHECK(e.t < ms(65));  // the kernel finished the handshake before accept()
  CHECK(any_contains(output_of(r, "server", "tcp accept server"), "accepted s2 (server.1) from 192.168.5.10:"));
  CHECK(output_of(r, "client", "tcp recv client 5") == std::vector<std::string>{"s1 (client): recv returned 5 bytes \"hello\""});
  CHECK(any_contains(output_of(r, "server", "tcp recv server.1 100"), "recv returned 18 bytes"));
  const auto client_tx = where(r.packets_at(EvKind::Tx, "client"), is_tcp);
  CHECK(where(client_tx, [](const Pkt& p) { return (p.f.tcp->flags & wire::tcpflag::FIN) != 0; }).empty());
  const auto rsts = where(client_tx, [](const Pkt& p) { return (p.f.tcp->flags & wire::tcpflag::RST) != 0; });
  REQUIRE(rsts.size() == 1);
  CHECK(rsts[0].t() == ms(150));
  CHECK(any_contains(transitions(r, "server"), "ESTABLISHED>CLOSED"));
  CHECK(any_contains(transitions(r, "server"), "LISTEN>CLOSED"));
}

}  // TEST_SUITE("lesson checks")

// =======================================================================================
TEST_SUITE("lessons") {
  TEST_CASE("every lesson has a check case asserting its narration") {
    std::set<std::string> checked = lessons_checked_here();
    checked.merge(tcp_lessons_with_facts());
    checked.merge(scenario_lessons_with_facts());
    for (const std::string& name : builtin_scenarios()) {
      CAPTURE(name);
      CHECK_MESSAGE(checked.count(name) == 1,
                    "no check case: add a LESSON_CHECK in tests/test_lessons.cpp asserting what its narration says");
    }
  }

  TEST_CASE("every lesson is written in English and Chinese") {
    for (const std::string& name : builtin_scenarios()) {
      CAPTURE(name);
      const Scenario s = load_builtin(name);
      CHECK(!s.title.empty());
      CHECK(!s.title_zh.empty());
      CHECK(!s.summary.empty());
      CHECK(!s.summary_zh.empty());
      size_t narrated = 0;
      for (const StepSpec& st : s.steps) {
        CAPTURE(st.cmd_text);
        CHECK(st.say.empty() == st.say_zh.empty());
        narrated += !st.say.empty();
      }
      CHECK(narrated > 0);
    }
  }

  TEST_CASE("every lesson is a course lesson: chapter M.N - 2 to 4 questions in both languages") {
    std::map<int, std::set<int>> chapters;  // major -> minors
    for (const std::string& name : builtin_scenarios()) {
      CAPTURE(name);
      const Scenario s = load_builtin(name);
      CHECK(!s.chapter.empty());
      CHECK((s.chapter_major >= 1 && s.chapter_major <= 8));
      CHECK(s.chapter_minor >= 1);
      CHECK_MESSAGE(chapters[s.chapter_major].insert(s.chapter_minor).second, "two lessons share chapter ", s.chapter);
      CHECK((s.questions.size() >= 2 && s.questions.size() <= 4));
      for (const QuestionSpec& q : s.questions) {
        CAPTURE(q.ask);
        CHECK(!q.ask.empty());
        CHECK(!q.ask_zh.empty());
        CHECK(!q.answer.empty());
        CHECK(!q.answer_zh.empty());
      }
    }
    // Each chapter of the course has lessons numbered 1, 2, 3 … without gaps.
    for (int major = 1; major <= 8; ++major) {
      CAPTURE(major);
      const std::set<int>& minors = chapters[major];
      CHECK(!minors.empty());
      int expect = 1;
      for (int m : minors) CHECK(m == expect++);
    }
  }

  TEST_CASE("the course's Python programs are shown beside the steps that perform them") {
    // The seed's programs (course-notes.zh.md): UDP server and client, TCP server and
    // client, the file downloader.
    const std::map<std::string, std::vector<std::string>> programs = {
        {"udp-echo", {"udp_server.py", "udp_client.py"}},
        {"tcp-server-client", {"tcp_server.py", "tcp_client.py"}},
        {"file-download", {"file_server.py", "file_client.py"}},
    };
    for (const auto& [name, files] : programs) {
      CAPTURE(name);
      const Scenario s = load_builtin(name);
      REQUIRE(s.programs.size() == files.size());
      std::set<int> pointed;
      for (const StepSpec& st : s.steps)
        if (st.line) {
          pointed.insert(st.line->program);
          // The step runs on the node that runs the program.
          CHECK(s.programs[static_cast<size_t>(st.line->program)].node == st.node);
        }
      for (size_t i = 0; i < files.size(); ++i) {
        CHECK(s.programs[i].name == files[i]);
        CHECK(s.programs[i].lines().size() > 10);
        CHECK(pointed.count(static_cast<int>(i)) == 1);
      }
    }
    // tcp-server-client mirrors the programs call by call: each step's lines hold its call.
    const Scenario s = load_builtin("tcp-server-client");
    const std::vector<std::pair<std::string, std::string>> calls = {
        {"tcp listen", "server.listen(128)"}, {"tcp connect", "client.connect(dest_addr)"},
        {"tcp accept", "server.accept()"},     {"tcp send server.1", "new_client.send("},
        {"tcp recv client 5", "client.recv(5)"}, {"tcp recv server.1 100", "new_client.recv(100)"},
        {"tcp send client", "client.send("},   {"tcp close client", "client.close()"},
        {"tcp close server", "server.close()"}};
    REQUIRE(s.steps.size() == calls.size());
    for (size_t i = 0; i < calls.size(); ++i) {
      const StepSpec& st = s.steps[i];
      CAPTURE(st.cmd_text);
      CHECK(st.cmd_text.starts_with(calls[i].first));
      REQUIRE(st.line.has_value());
      const auto code = s.programs[static_cast<size_t>(st.line->program)].lines();
      std::string text;
      for (int l = st.line->first; l <= st.line->last; ++l) text += code[static_cast<size_t>(l - 1)] + "\n";
      CHECK(contains(text, calls[i].second));
    }
  }

  TEST_CASE("every lesson runs headless to its end - no command fails unannounced") {
    // Errors a lesson shows on purpose, and the lessons that show them.
    const std::map<std::string, std::vector<std::string>> expected = {
        {"port-in-use", {"bind: Address already in use"}},
        {"time-wait", {"bind: Address already in use"}},
        {"connection-refused", {"connect: Connection refused"}},
        {"tcp-server-client", {"recv: Connection reset by peer"}},
        {"close-with-unread-data", {"Connection reset by peer"}},
    };
    const std::vector<std::string> error_words = {"usage:", "unknown", "no TCP socket", "no UDP socket", "belongs to a program",
                                                  "Address already in use", "Connection refused", "Connection reset",
                                                  "is not listening", "SIOCADDRT", "SIOCDELRT", "Device not found",
                                                  "No such process", "cannot stop", "invalid"};
    for (const std::string& name : builtin_scenarios()) {
      CAPTURE(name);
      const Run r = run_builtin(name);
      for (const TraceEvent& e : r.events) {
        if (e.ev != EvKind::App) continue;
        const std::string& text = e.app().text;
        bool announced = false;
        if (auto it = expected.find(name); it != expected.end())
          for (const std::string& ok : it->second) announced |= contains(text, ok);
        for (const std::string& word : error_words) {
          CAPTURE(text);
          CHECK_MESSAGE((announced || !contains(text, word)), "unexpected error output");
        }
      }
    }
  }
}
