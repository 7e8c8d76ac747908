// Bad input, the user's view (issue 7): every row of the table in tests/README.md is one
// TEST_CASE here, named as the table names it. Each feeds one bad input through the entry
// point a user reaches — scenario text through load_scenario_text (what `tcplab check`, `tcplab
// run` and the GUI use), a console line through Session::run_command (what the GUI's console
// does), a command line through cli_main or the tcplab binary itself — and checks what the
// user sees: the message (with FILE:LINE:COL for scenario files) and the exit code.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sim/cli/cli.h"
#include "sim/net/world.h"
#include "sim/scenario/command.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/session/session.h"

using namespace tcplab;
namespace fs = std::filesystem;

namespace {

// ---- scenario text ----------------------------------------------------------------------

// Two hosts on one link; lines 1-12, so that a key added after it is on line 13.
const std::string kTwoHosts =
    "title = \"t\"\n"                           // 1
    "[[node]]\n"                                // 2
    "name = \"a\"\n"                            // 3
    "type = \"host\"\n"                         // 4
    "ifaces = { eth0 = \"10.0.0.1/24\" }\n"     // 5
    "[[node]]\n"                                // 6
    "name = \"b\"\n"                            // 7
    "type = \"host\"\n"                         // 8
    "ifaces = { eth0 = \"10.0.0.2/24\" }\n"     // 9
    "[[link]]\n"                                // 10
    "a = \"a\"\n"                               // 11
    "b = \"b\"\n";                              // 12

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, from);
  return text.replace(at, from.size(), to);
}

// Every message the loader gives for this text, as the user sees them (FILE:LINE:COL: …).
std::vector<std::string> load_errors(const std::string& text) {
  const LoadResult r = load_scenario_text(text, "bad.toml");
  std::vector<std::string> out;
  for (const LoadError& e : r.errors) out.push_back(e.format());
  CHECK(r.scenario.has_value() == out.empty());
  return out;
}

// The one message for this text.
std::string load_error(const std::string& text) {
  const std::vector<std::string> e = load_errors(text);
  INFO("messages: ", e.size());
  for (const std::string& m : e) INFO(m);
  REQUIRE(e.size() == 1);
  return e[0];
}

// ---- the console, as the GUI's: a session on a small network ------------------------------

// a and b (hosts), r (a router) on switch sw; b listens on 80 (srv), a connects as c.
const std::string kLan =
    "title = \"lan\"\nduration = \"2s\"\n"
    "[[node]]\nname = \"a\"\ntype = \"host\"\nifaces = { eth0 = \"10.0.0.1/24\" }\n"
    "[[node]]\nname = \"b\"\ntype = \"host\"\nifaces = { eth0 = \"10.0.0.2/24\" }\n"
    "[[node]]\nname = \"r\"\ntype = \"router\"\nifaces = { eth0 = \"10.0.0.254/24\", eth1 = \"10.0.1.254/24\" }\n"
    "[[node]]\nname = \"sw\"\ntype = \"switch\"\n"
    "[[link]]\na = \"a\"\nb = \"sw\"\ndelay = \"1ms\"\n"
    "[[link]]\na = \"b\"\nb = \"sw\"\ndelay = \"1ms\"\n"
    "[[link]]\na = \"r:eth0\"\nb = \"sw\"\ndelay = \"1ms\"\n"
    "[[step]]\nat = \"0ms\"\non = \"b\"\ncmd = \"tcp listen 80 --as srv\"\n"
    "[[step]]\nat = \"10ms\"\non = \"a\"\ncmd = \"tcp connect 10.0.0.2:80 --as c\"\n";

Session lan_at(Time t) {
  std::vector<std::string> errors;
  auto s = Session::open_text(kLan, "lan.toml", &errors);
  REQUIRE_MESSAGE(s.has_value(), (errors.empty() ? "" : errors.front()));
  s->seek(t);
  return std::move(*s);
}

int32_t node_of(const Session& s, const std::string& name) {
  const int32_t i = s.world().node_index(name);
  REQUIRE(i >= 0);
  return i;
}

// What `node`'s console printed from `from` up to the cursor.
std::vector<std::string> printed(const Session& s, int32_t node, Time from) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.visible(); ++i) {
    const TraceEvent& e = s.trace()[i];
    if (e.ev == EvKind::App && e.node == node && e.t >= from) out.push_back(e.app().text);
  }
  return out;
}

// Types `line` into `node`'s console at the cursor, lets `settle` pass, and returns what
// that console printed meanwhile (the echoed "$ line" first).
std::vector<std::string> type_line(Session& s, const std::string& node, const std::string& line,
                                   Time settle = kMs) {
  const int32_t n = node_of(s, node);
  const Time t = s.now();
  const std::optional<std::string> refused = s.run_command(n, line);
  INFO("refused: ", refused.value_or(""));
  REQUIRE_FALSE(refused.has_value());
  s.seek(s.now() + settle);
  return printed(s, n, t);
}

// The console's refusal of `line` (the GUI shows it under the input; nothing is recorded).
std::string refusal(Session& s, const std::string& node, const std::string& line) {
  const size_t before = s.interventions().size();
  const std::optional<std::string> refused = s.run_command(node_of(s, node), line);
  REQUIRE(refused.has_value());
  CHECK(s.interventions().size() == before);
  return *refused;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

// ---- the command line --------------------------------------------------------------------

struct Proc {
  int code = -1;
  std::string out, err;
};

Proc cli(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  Proc p;
  const std::optional<int> code = cli_main(args, out, err);
  REQUIRE(code.has_value());
  p.code = *code;
  p.out = out.str();
  p.err = err.str();
  return p;
}

std::string temp_dir() {
  static const std::string dir = [] {
    char tmpl[] = "/tmp/tcplab_bad_XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    static struct Cleanup {
      std::string d;
      ~Cleanup() {
        std::error_code ec;
        fs::remove_all(d, ec);
      }
    } cleanup{tmpl};
    return std::string(tmpl);
  }();
  return dir;
}

std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = temp_dir() + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs `argv` (argv[0] a path or a name on PATH) with stdin from /dev/null and, when
// `max_address_space` is set, that limit on its memory (RLIMIT_AS).
Proc spawn(const std::vector<std::string>& argv, rlim_t max_address_space = 0) {
  static int counter = 0;
  const std::string base = temp_dir() + "/p" + std::to_string(++counter);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int in = ::open("/dev/null", O_RDONLY);
    const int out = ::open((base + ".out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = ::open((base + ".err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    if (max_address_space) {
      const rlimit lim{max_address_space, max_address_space};
      setrlimit(RLIMIT_AS, &lim);
    }
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  Proc p;
  p.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  p.out = slurp(base + ".out");
  p.err = slurp(base + ".err");
  return p;
}

bool has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

std::string builtin(const std::string& name) { return std::string(TCPLAB_SOURCE_DIR) + "/scenarios/" + name + ".toml"; }

}  // namespace

TEST_SUITE("bad input") {

// ==== malformed scenario files ==============================================================

TEST_CASE("scenario: TOML syntax error") {
  const std::string e = load_error("title = \"t\"\n[[node]\nname = \"a\"\n");
  // toml++ stops at the first syntax error; its description follows.
  CHECK(e.starts_with("bad.toml:2:8: TOML syntax error in table header: expected ']'"));
}

TEST_CASE("scenario: a value of the wrong type") {
  CHECK(load_error(replace(kTwoHosts, "title = \"t\"\n", "title = \"t\"\nseed = \"one\"\n")) ==
        "bad.toml:2:8: seed must be an integer, not a string");
  CHECK(load_error(kTwoHosts + "delay = 5\n") ==
        "bad.toml:13:9: delay must be a duration string such as \"5ms\", not an integer");
}

TEST_CASE("scenario: an unknown key") {
  CHECK(load_error(kTwoHosts + "dealy = \"5ms\"\n") ==
        "bad.toml:13:1: unknown key 'dealy' in [[link]] (did you mean 'delay'?)");
}

TEST_CASE("scenario: two nodes with one name") {
  // (b is gone, so the link to it is a second mistake.)
  CHECK(load_errors(replace(kTwoHosts, "name = \"b\"", "name = \"a\"")) ==
        std::vector<std::string>{"bad.toml:7:8: node 'a' is already defined at line 2",
                                 "bad.toml:12:5: unknown node 'b'"});
}

TEST_CASE("scenario: a link to an unknown node") {
  CHECK(load_error(replace(kTwoHosts, "b = \"b\"", "b = \"bb\"")) ==
        "bad.toml:12:5: unknown node 'bb' (did you mean 'b'?)");
}

TEST_CASE("scenario: a link to an unknown interface") {
  CHECK(load_error(replace(kTwoHosts, "b = \"b\"", "b = \"b:eth1\"")) ==
        "bad.toml:12:5: b has no interface 'eth1' (did you mean 'eth0'?)");
}

TEST_CASE("scenario: address 300.1.1.1/24") {
  CHECK(load_error(replace(kTwoHosts, "10.0.0.1/24", "300.1.1.1/24")) ==
        "bad.toml:5:19: '300.1.1.1/24' is not an address with a prefix length (expected e.g. 192.168.1.10/24)");
}

TEST_CASE("scenario: prefix length /33") {
  CHECK(load_error(replace(kTwoHosts, "10.0.0.1/24", "10.0.0.1/33")) ==
        "bad.toml:5:19: '10.0.0.1/33' is not an address with a prefix length (expected e.g. 192.168.1.10/24)");
}

TEST_CASE("scenario: a gateway off the subnet") {
  CHECK(load_error(replace(kTwoHosts, "ifaces = { eth0 = \"10.0.0.1/24\" }\n",
                           "ifaces = { eth0 = \"10.0.0.1/24\" }\ngateway = \"10.0.1.1\"\n")) ==
        "bad.toml:6:11: gateway 10.0.1.1 is not on any of a's subnets (eth0 is 10.0.0.1/24): "
        "a gateway must be reachable directly");
}

TEST_CASE("scenario: a host address equal to the network address") {
  CHECK(load_error(replace(kTwoHosts, "10.0.0.1/24", "10.0.0.0/24")) ==
        "bad.toml:5:19: 10.0.0.0/24 is the network address of 10.0.0.0/24, not a host address");
}

TEST_CASE("scenario: a host address equal to the broadcast address") {
  CHECK(load_error(replace(kTwoHosts, "10.0.0.1/24", "10.0.0.255/24")) ==
        "bad.toml:5:19: 10.0.0.255/24 is the broadcast address of 10.0.0.0/24, not a host address");
}

TEST_CASE("scenario: one address on two nodes") {
  CHECK(load_error(replace(kTwoHosts, "10.0.0.2/24", "10.0.0.1/24")) ==
        "bad.toml:9:19: address 10.0.0.1 is already used by a:eth0");
}

TEST_CASE("scenario: two subnets on one link") {
  CHECK(load_error(replace(kTwoHosts, "10.0.0.2/24", "10.0.1.2/24")) ==
        "bad.toml:9:19: 10.0.1.2/24 (b:eth0) is not in subnet 10.0.0.0/24 that its link reaches "
        "(a:eth0 is 10.0.0.1/24)");
  CHECK(load_error(replace(kTwoHosts, "10.0.0.2/24", "10.0.0.2/16")) ==
        "bad.toml:9:19: 10.0.0.2/16 (b:eth0) has prefix length /16 but its link reaches subnet 10.0.0.0/24 "
        "(a:eth0 is 10.0.0.1/24)");
}

// ==== absurd values ===========================================================================

TEST_CASE("value: loss 2.0") {
  CHECK(load_error(kTwoHosts + "loss = 2.0\n") == "bad.toml:13:8: loss must be between 0 and 1, not 2");
}

TEST_CASE("value: loss -0.1") {
  CHECK(load_error(kTwoHosts + "loss = -0.1\n") == "bad.toml:13:8: loss must be between 0 and 1, not -0.1");
}

TEST_CASE("value: rate 0") {
  CHECK(load_error(kTwoHosts + "rate = \"0bps\"\n") == "bad.toml:13:8: rate: rate '0bps' must be at least 1bps");
  CHECK(load_error(kTwoHosts + "rate = 0\n") ==
        "bad.toml:13:8: rate must be a rate string such as \"10Mbps\", not an integer");
}

TEST_CASE("value: delay -1") {
  CHECK(load_error(kTwoHosts + "delay = \"-1ms\"\n") == "bad.toml:13:9: delay: duration '-1ms' is negative");
  CHECK(load_error(kTwoHosts + "delay = -1\n") ==
        "bad.toml:13:9: delay must be a duration string such as \"5ms\", not an integer");
}

TEST_CASE("value: queue 0") {
  CHECK(load_error(kTwoHosts + "queue = 0\n") == "bad.toml:13:9: queue must be between 1 and 1000000, not 0");
}

TEST_CASE("value: duration 0") {
  CHECK(load_error(replace(kTwoHosts, "title = \"t\"\n", "title = \"t\"\nduration = \"0s\"\n")) ==
        "bad.toml:2:12: duration must be more than 0");
  const Proc p = cli({"run", "handshake", "--set", "duration=0s"});
  CHECK(p.code == 2);
  CHECK(p.err == builtin("handshake") + ": --set duration=0s: duration must be more than 0\n");
}

TEST_CASE("value: duration of 10 years") {
  // Accepted: the run ends when nothing is left to happen, and the clock then jumps to the
  // end without stepping through the years.
  const Proc p = cli({"run", "handshake", "--set", "duration=315360000s", "--format", "table"});
  CHECK(p.code == 0);
  CHECK(p.err.empty());
  CHECK(has(p.out, "ESTABLISHED"));
  LoadResult lr = load_scenario_file(builtin("handshake"), {"duration=315360000s"});
  REQUIRE(lr.scenario);
  World w = World::from_scenario(*lr.scenario);
  w.run_until(lr.scenario->duration);
  CHECK(w.now() == 315360000 * kSec);
  CHECK(w.events_executed() < 1000);
}

TEST_CASE("value: 10000 nodes") {
  // 10,000 hosts on one switch (a /16), the first pinging the last: it loads, and the ARP
  // broadcast floods to 9,999 ports, in a world of ordinary size.
  std::string text = "title = \"big\"\nduration = \"1s\"\n[[node]]\nname = \"sw\"\ntype = \"switch\"\n";
  constexpr int kHosts = 10000;
  for (int i = 0; i < kHosts; ++i) {
    text += "[[node]]\nname = \"h" + std::to_string(i) + "\"\ntype = \"host\"\nifaces = { eth0 = \"10.1." +
            std::to_string(i / 250) + "." + std::to_string(i % 250 + 1) + "/16\" }\n";
  }
  for (int i = 0; i < kHosts; ++i) text += "[[link]]\na = \"h" + std::to_string(i) + "\"\nb = \"sw\"\n";
  text += "[[step]]\nat = \"0ms\"\non = \"h0\"\ncmd = \"ping -c 1 10.1.39.250\"\n";
  const LoadResult lr = load_scenario_text(text, "big.toml");
  REQUIRE(lr.errors.empty());
  REQUIRE(lr.scenario);
  CHECK(lr.scenario->nodes.size() == kHosts + 1);
  World w = World::from_scenario(*lr.scenario);
  w.run_until(lr.scenario->duration);
  const std::vector<TraceEvent> trace = w.take_trace();
  bool replied = false;
  for (const TraceEvent& e : trace)
    if (e.ev == EvKind::App && has(e.app().text, "1 packets transmitted, 1 received")) replied = true;
  CHECK(replied);
}

TEST_CASE("value: tcp send of 1 GB") {
  // Accepted (as send() of 1 GB is), and sent as the buffer frees: the filler is made as the
  // send buffer takes it, so the process never holds the gigabyte. The binary runs with
  // 768 MiB of address space; holding 1 GB at once would end it with std::bad_alloc.
  const std::string file = write_temp(
      "gigabyte.toml", kLan + "[[step]]\nat = \"100ms\"\non = \"a\"\ncmd = \"tcp send c --bytes 1000000000\"\n");
#if defined(__SANITIZE_ADDRESS__)
  const rlim_t limit = 0;  // ASan reserves terabytes of address space for its shadow
#else
  const rlim_t limit = rlim_t(768) << 20;
#endif
  const Proc p = spawn({TCPLAB_BINARY, "run", file, "--until", "300ms", "--format", "table"}, limit);
  INFO(p.err);
  CHECK(p.code == 0);
  CHECK(has(p.out, "s1 (c): send blocks: 29200 bytes of 1000000000 fit in the send buffer; the rest follows as ACKs free it"));
  // In the GUI: the session keeps snapshots (copies of the world) of the send in progress.
  Session s = lan_at(100 * kMs);
  const std::vector<std::string> said = type_line(s, "a", "tcp send c --bytes 1000000000", 200 * kMs);
  CHECK(joined(said).starts_with("$ tcp send c --bytes 1000000000\ns1 (c): send blocks: 29200 bytes of 1000000000"));
  const int32_t a = node_of(s, "a");
  const TcpSocket* c = nullptr;
  for (const TcpSocket& t : s.world().nodes()[size_t(a)].tcp)
    if (t.name == "c") c = &t;
  REQUIRE(c != nullptr);
  CHECK(c->console_unsent.size() > 900'000'000);
  CHECK(c->console_send_total == 1'000'000'000);
}

TEST_CASE("value: UDP datagram over 65507 bytes") {
  Session s = lan_at(100 * kMs);
  CHECK(refusal(s, "a", "udp sendto 10.0.0.2:7 --bytes 65508") ==
        "udp sendto: invalid byte count '65508' (expected a whole number from 0 to 65507)");
  CHECK(refusal(s, "a", "udp sendto 10.0.0.2:7 '" + std::string(65508, 'x') + "'") ==
        "udp sendto: text is 65508 bytes; at most 65507 fit");
  // The largest one goes, in fragments.
  const std::vector<std::string> said = type_line(s, "a", "udp sendto 10.0.0.2:7 --bytes 65507");
  CHECK(has(joined(said), ": 65507 bytes"));
}

TEST_CASE("value: ping -c 0") {
  Session s = lan_at(0);
  CHECK(refusal(s, "a", "ping -c 0 10.0.0.2") ==
        "ping: invalid count '0' (expected a whole number from 1 to 2147483647)");
}

TEST_CASE("value: ping -i 0") {
  Session s = lan_at(0);
  CHECK(refusal(s, "a", "ping -i 0 10.0.0.2") ==
        "ping: bad timing interval '0' (seconds like 0.2, or a duration like 200ms; must be > 0)");
  // Fixed: 1 ns was accepted and a 1 s run then sent a billion echoes (it never ended).
  CHECK(refusal(s, "a", "ping -i 1ns 10.0.0.2") ==
        "ping: cannot flood, minimal interval must be >= 2 ms, use -i 0.002 (or higher), not '1ns'");
  CHECK(refusal(s, "a", "ping -i 0.001 10.0.0.2") ==
        "ping: cannot flood, minimal interval must be >= 2 ms, use -i 0.002 (or higher), not '0.001'");
  CHECK(s.run_command(node_of(s, "a"), "ping -c 2 -i 0.002 10.0.0.2") == std::nullopt);
}

TEST_CASE("value: ping ttl 0 and 256") {
  Session s = lan_at(0);
  CHECK(refusal(s, "a", "ping -t 0 10.0.0.2") == "ping: invalid ttl '0' (expected a whole number from 1 to 255)");
  CHECK(refusal(s, "a", "ping -t 256 10.0.0.2") == "ping: invalid ttl '256' (expected a whole number from 1 to 255)");
}

// ==== unknown commands and options ============================================================

TEST_CASE("command: unknown command") {
  Session s = lan_at(0);
  CHECK(refusal(s, "a", "pnig 10.0.0.2") == "unknown command 'pnig' (did you mean 'ping'?)");
  CHECK(refusal(s, "a", "xyzzy") ==
        "unknown command 'xyzzy' (commands: ifconfig, ip, route, arp, netstat, ss, lsof, kill, ping, traceroute, udp, tcp, app, hping3)");
}

TEST_CASE("command: unknown option") {
  Session s = lan_at(0);
  CHECK(refusal(s, "b", "tcp listen 81 --backlg 5") == "tcp listen: unknown option '--backlg' (did you mean '--backlog'?)");
  CHECK(refusal(s, "a", "ping -x 10.0.0.2").starts_with("ping: invalid option -- 'x'"));
}

TEST_CASE("command: missing argument") {
  Session s = lan_at(0);
  CHECK(refusal(s, "a", "tcp connect") == "tcp connect: missing destination ADDR:PORT");
}

// ==== commands where they cannot run ==========================================================

TEST_CASE("command: on a switch") {
  Session s = lan_at(0);
  CHECK(refusal(s, "sw", "ifconfig") == "sw is a switch: switches have no console");
  CHECK(load_errors(kLan + "[[step]]\nat = \"0ms\"\non = \"sw\"\ncmd = \"ifconfig\"\n") ==
        std::vector<std::string>{"bad.toml:40:6: sw is a switch: switches have no console"});
}

TEST_CASE("command: tcp connect on a router") {
  // A router is a host that forwards: it has sockets, as a Linux router does.
  Session s = lan_at(100 * kMs);
  const std::string said = joined(type_line(s, "r", "tcp connect 10.0.0.2:80", 50 * kMs));
  CHECK(has(said, "s1: connecting to 10.0.0.2:80 from 10.0.0.254:"));
  CHECK(has(said, "s1: connected to 10.0.0.2:80"));
}

TEST_CASE("command: an unknown socket id") {
  Session s = lan_at(100 * kMs);
  CHECK(type_line(s, "a", "tcp send s9 hello") ==
        std::vector<std::string>{"$ tcp send s9 hello", "tcp send: no TCP socket 's9' on a (its sockets: s1 (c))"});
  CHECK(type_line(s, "a", "udp recvfrom s9") ==
        std::vector<std::string>{"$ udp recvfrom s9", "udp recvfrom: no UDP socket 's9' on a (it has none)"});
}

TEST_CASE("command: a socket closed already") {
  Session s = lan_at(100 * kMs);
  type_line(s, "a", "tcp close c");
  CHECK(type_line(s, "a", "tcp close c") == std::vector<std::string>{"$ tcp close c", "close: Bad file descriptor"});
  CHECK(type_line(s, "a", "tcp send c hello") == std::vector<std::string>{"$ tcp send c hello", "s1 (c): send: Broken pipe"});
}

TEST_CASE("command: an unknown node") {
  Session s = lan_at(0);
  CHECK(s.run_command(99, "ifconfig") == std::optional<std::string>("no such node"));
}

// ==== the command line ==========================================================================

TEST_CASE("cli: tcplab run with an unknown flag") {
  const Proc p = cli({"run", "handshake", "--untill", "1s"});
  CHECK(p.code == 2);
  CHECK(p.err.starts_with("tcplab run: unknown option '--untill' (did you mean '--until'?)"));
  CHECK(p.out.empty());
}

TEST_CASE("cli: an option without its value") {
  const Proc p = cli({"run", "handshake", "--until"});
  CHECK(p.code == 2);
  CHECK(p.err == "tcplab run: option --until needs a value\n");
}

TEST_CASE("cli: a bad --set") {
  Proc p = cli({"run", "handshake", "--set", "link.loss=2.0"});
  CHECK(p.code == 2);
  CHECK(p.err == builtin("handshake") + ": --set link.loss=2.0: loss must be between 0 and 1, not 2\n");
  p = cli({"run", "handshake", "--set", "link.los=0.1"});
  CHECK(p.code == 2);
  CHECK(p.err == builtin("handshake") + ": --set link.los=0.1: unknown key 'los' in [[link]] (did you mean 'loss'?)\n");
}

TEST_CASE("cli: a bad --until") {
  const Proc p = cli({"run", "handshake", "--until", "5parsecs"});
  CHECK(p.code == 2);
  CHECK(has(p.err, "unknown duration unit 'parsecs' in '5parsecs' (expected ns, us, ms or s)"));
}

TEST_CASE("cli: a missing scenario file") {
  const std::string missing = temp_dir() + "/missing.toml";
  Proc p = cli({"run", missing});
  CHECK(p.code == 2);
  CHECK(p.err == "tcplab run: no scenario '" + missing + "' (not a file, nor a name from `tcplab list`)\n");
  p = cli({"check", missing});
  CHECK(p.code == 2);
  CHECK(p.err == missing + ": cannot open: No such file or directory\n");
}

TEST_CASE("cli: an unreadable scenario file") {
  const std::string file = write_temp("unreadable.toml", slurp(builtin("handshake")));
  REQUIRE(::chmod(file.c_str(), 0) == 0);
  // Root reads any file: take away the capabilities that let it, as a user lacks them.
  std::vector<std::string> argv;
  if (geteuid() == 0) {
    argv = {"setpriv", "--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search"};
  }
  argv.push_back(TCPLAB_BINARY);
  argv.push_back("run");
  argv.push_back(file);
  const Proc p = spawn(argv);
  CHECK(p.code == 2);
  CHECK(p.err == file + ": cannot open: Permission denied\n");
  CHECK(p.out.empty());
}

TEST_CASE("cli: a directory for a scenario") {
  const std::string dir = temp_dir();
  Proc p = cli({"run", dir});
  CHECK(p.code == 2);
  CHECK(p.err == "tcplab run: no scenario '" + dir + "' (not a file, nor a name from `tcplab list`)\n");
  p = cli({"check", dir});
  CHECK(p.code == 2);
  CHECK(p.err == dir + ": cannot read: Is a directory\n");
}

TEST_CASE("cli: exit codes of the binary") {
  // The same refusals seen from a shell: 2 for bad input, nothing on stdout.
  const std::string bad = write_temp("bad.toml", kTwoHosts + "loss = 2.0\n");
  Proc p = spawn({TCPLAB_BINARY, "run", bad});
  CHECK(p.code == 2);
  CHECK(p.err == bad + ":13:8: loss must be between 0 and 1, not 2\n");
  CHECK(p.out.empty());
  p = spawn({TCPLAB_BINARY, "rnu", "handshake"});
  CHECK(p.code == 2);
  CHECK(has(p.err, "did you mean 'run'"));
}

}  // TEST_SUITE
