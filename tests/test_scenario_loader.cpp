// The scenario loader (sim/scenario/scenario_loader.cpp): a good file lands in every field
// of Scenario; every mistake is reported as FILE:LINE:COL: message, all of them at once;
// --set overrides change the parsed file before it is checked.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "sim/scenario/scenario_loader.h"

namespace tcplab {
namespace {

std::vector<std::string> errors_of(std::string_view text, const std::vector<std::string>& overrides = {}) {
  LoadResult r = load_scenario_text(text, "t.toml", overrides);
  std::vector<std::string> out;
  for (const LoadError& e : r.errors) out.push_back(e.format());
  CHECK(r.scenario.has_value() == out.empty());
  return out;
}

std::string lines(const std::vector<std::string>& errors) {
  std::string out;
  for (const std::string& e : errors) out += "\n  " + e;
  return out;
}

// The one error of `text`; fails the test when there are none or several.
std::string error_of(std::string_view text, const std::vector<std::string>& overrides = {}) {
  std::vector<std::string> errors = errors_of(text, overrides);
  std::string all = lines(errors);
  CAPTURE(all);
  REQUIRE(errors.size() == 1);
  return errors[0];
}

Scenario load_ok(std::string_view text, const std::vector<std::string>& overrides = {}) {
  LoadResult r = load_scenario_text(text, "t.toml", overrides);
  std::vector<std::string> errors;
  for (const LoadError& e : r.errors) errors.push_back(e.format());
  std::string all = lines(errors);
  CAPTURE(all);
  REQUIRE(r.scenario.has_value());
  return *r.scenario;
}

// 27 lines: client -- sw1 -- r1 -- server. Text appended to it starts at line 28.
const std::string kBase = R"(title = "t"
[[node]]
name = "client"
type = "host"
ifaces = { eth0 = "192.168.1.10/24" }
gateway = "192.168.1.1"
[[node]]
name = "server"
type = "host"
ifaces = { eth0 = "10.0.0.10/24" }
gateway = "10.0.0.1"
[[node]]
name = "r1"
type = "router"
ifaces = { eth0 = "192.168.1.1/24", eth1 = "10.0.0.1/24" }
[[node]]
name = "sw1"
type = "switch"
[[link]]
a = "client"
b = "sw1"
[[link]]
a = "sw1"
b = "r1:eth0"
[[link]]
a = "r1:eth1"
b = "server"
)";

std::string with_base(std::string_view extra) { return kBase + std::string(extra); }

Prefix pfx(const char* text) { return *parse_prefix(text); }
Ipv4 ip(const char* text) { return *parse_ipv4(text); }

}  // namespace

TEST_SUITE("scenario loader") {

TEST_CASE("a complete scenario lands in every field") {
  const std::string text = R"(title = "Three-way handshake"
title_zh = "三次握手"
summary = "S"
summary_zh = "摘要"
seed = 7
duration = "3s"

[tcp]
profile = "rfc"
time_wait = "2s"
min_rto = "1s"
max_rto = "60s"
initial_rto = "1s"
delayed_ack = "40ms"
fin_timeout = "30s"
syn_retries = 5
syn_linear_timeouts = 4
synack_retries = 3
retries2 = 8
initial_cwnd = 4
mss = 536
rmem = 4096
wmem = 8192
nagle = false
delack = true
abort_on_overflow = true

[[node]]
name = "client"
type = "host"
ifaces = { eth0 = "192.168.1.10/24" }
gateway = "192.168.1.1"

[[node]]
name = "r1"
type = "router"
ifaces = { eth1 = "10.0.0.1/24", eth0 = "192.168.1.1/24" }
routes = ["default via 10.0.0.2", "172.16.0.0/12 dev eth1", "10.9.0.0/16 via 10.0.0.3 dev eth1"]

[[node]]
name = "sw1"
type = "switch"

[[node]]
name = "server"
type = "host"
ifaces = { eth0 = "192.168.1.20/24" }

[[link]]
a = "client:eth0"
b = "sw1"
delay = "5ms"
rate = "10Mbps"
queue = 32
loss = 0.25

[[link]]
a = "server"
b = "sw1"

[[link]]
a = "sw1"
b = "r1:eth0"
loss = 1

[[step]]
at = "0ms"
on = "server"
cmd = "tcp listen 2000"
say = "The server listens."
say_zh = "服务器监听。"
pause = true

[[step]]
at = "1.5s"
on = "client"
cmd = "tcp connect 192.168.1.20:2000"

[[fault]]
match = "tcp.flags.syn == 1"
action = "delay"
delay = "200ms"
nth = 2
node = "client"

[[fault]]
match = "tcp"
action = "corrupt"
every = true
)";
  Scenario sc = load_ok(text);
  CHECK(sc.path.empty());
  CHECK(sc.title == "Three-way handshake");
  CHECK(sc.title_zh == "三次握手");
  CHECK(sc.summary == "S");
  CHECK(sc.summary_zh == "摘要");
  CHECK(sc.seed == 7);
  CHECK(sc.duration == 3 * kSec);

  const TcpSettings& tcp = sc.tcp;
  CHECK(tcp.profile == "rfc");
  CHECK(tcp.time_wait == 2 * kSec);
  CHECK(tcp.min_rto == 1 * kSec);
  CHECK(tcp.max_rto == 60 * kSec);
  CHECK(tcp.initial_rto == 1 * kSec);
  CHECK(tcp.delayed_ack == 40 * kMs);
  CHECK(tcp.fin_timeout == 30 * kSec);
  CHECK(tcp.syn_retries == 5);
  CHECK(tcp.syn_linear_timeouts == 4);
  CHECK(tcp.synack_retries == 3);
  CHECK(tcp.retries2 == 8);
  CHECK(tcp.initial_cwnd == 4);
  CHECK(tcp.mss == 536);
  CHECK(tcp.rmem == 4096u);
  CHECK(tcp.wmem == 8192u);
  CHECK(tcp.nagle == false);
  CHECK(tcp.delack == true);
  CHECK(tcp.abort_on_overflow == true);

  REQUIRE(sc.nodes.size() == 4);
  const NodeSpec& client = sc.nodes[0];
  CHECK(client.name == "client");
  CHECK(client.type == NodeType::Host);
  REQUIRE(client.ifaces.size() == 1);
  CHECK(client.ifaces[0].name == "eth0");
  CHECK(client.ifaces[0].addr == pfx("192.168.1.10/24"));
  CHECK(client.ifaces[0].pos.line == 31);
  CHECK(client.gateway == ip("192.168.1.1"));
  CHECK(client.pos.line == 28);

  const NodeSpec& r1 = sc.nodes[1];
  CHECK(r1.type == NodeType::Router);
  REQUIRE(r1.ifaces.size() == 2);  // in the order written, not sorted
  CHECK(r1.ifaces[0].name == "eth1");
  CHECK(r1.ifaces[0].addr == pfx("10.0.0.1/24"));
  CHECK(r1.ifaces[1].name == "eth0");
  CHECK_FALSE(r1.gateway.has_value());
  REQUIRE(r1.routes.size() == 3);
  CHECK(r1.routes[0].dst == Prefix{Ipv4(0), 0});
  CHECK(r1.routes[0].via == ip("10.0.0.2"));
  CHECK_FALSE(r1.routes[0].dev.has_value());
  CHECK(r1.routes[1].dst == pfx("172.16.0.0/12"));
  CHECK_FALSE(r1.routes[1].via.has_value());
  CHECK(r1.routes[1].dev == "eth1");
  CHECK(r1.routes[2].dst == pfx("10.9.0.0/16"));
  CHECK(r1.routes[2].via == ip("10.0.0.3"));
  CHECK(r1.routes[2].dev == "eth1");

  CHECK(sc.nodes[2].type == NodeType::Switch);
  CHECK(sc.nodes[2].ifaces.empty());
  CHECK(sc.node_index("sw1") == 2);
  CHECK(sc.node_index("server") == 3);
  CHECK(sc.node_index("nobody") == -1);

  REQUIRE(sc.links.size() == 3);
  const LinkSpec& l1 = sc.links[0];
  CHECK(l1.a.node == 0);
  CHECK(l1.a.iface == "eth0");
  CHECK(l1.b.node == 2);
  CHECK(l1.b.iface == "p1");
  CHECK(l1.delay == 5 * kMs);
  CHECK(l1.rate_bps == 10'000'000u);
  CHECK(l1.queue == 32u);
  CHECK(l1.loss == doctest::Approx(0.25));
  CHECK(l1.pos.line == 49);
  const LinkSpec& l2 = sc.links[1];
  CHECK(l2.a.node == 3);
  CHECK(l2.a.iface == "eth0");  // omitted: the node's only interface
  CHECK(l2.b.iface == "p2");
  CHECK(l2.delay == 0);
  CHECK_FALSE(l2.rate_bps.has_value());
  CHECK(l2.queue == 64u);
  CHECK(l2.loss == 0.0);
  const LinkSpec& l3 = sc.links[2];
  CHECK(l3.a.node == 2);
  CHECK(l3.a.iface == "p3");
  CHECK(l3.b.node == 1);
  CHECK(l3.b.iface == "eth0");
  CHECK(l3.loss == 1.0);  // an integer is accepted

  REQUIRE(sc.steps.size() == 2);
  const StepSpec& s1 = sc.steps[0];
  CHECK(s1.at == 0);
  CHECK(s1.node == 3);
  CHECK(s1.cmd_text == "tcp listen 2000");
  REQUIRE(std::holds_alternative<CmdTcpListen>(s1.cmd));
  CHECK(std::get<CmdTcpListen>(s1.cmd).port == 2000);
  CHECK(s1.say == "The server listens.");
  CHECK(s1.say_zh == "服务器监听。");
  CHECK(s1.pause);
  const StepSpec& s2 = sc.steps[1];
  CHECK(s2.at == 1'500'000'000);
  CHECK(s2.node == 0);
  REQUIRE(std::holds_alternative<CmdTcpConnect>(s2.cmd));
  CHECK(std::get<CmdTcpConnect>(s2.cmd).to == Endpoint{ip("192.168.1.20"), 2000});
  CHECK_FALSE(s2.pause);

  REQUIRE(sc.faults.size() == 2);
  const FaultSpec& f1 = sc.faults[0];
  CHECK(f1.match.text == "tcp.flags.syn == 1");
  CHECK(f1.match.root >= 0);
  CHECK_FALSE(f1.match.nodes.empty());
  CHECK(f1.action == FaultAction::Delay);
  CHECK(f1.delay == 200 * kMs);
  CHECK(f1.nth == 2u);
  CHECK_FALSE(f1.every);
  CHECK(f1.node == 0);
  const FaultSpec& f2 = sc.faults[1];
  CHECK(f2.action == FaultAction::Corrupt);
  CHECK(f2.every);
  CHECK(f2.nth == 1u);
  CHECK(f2.node == -1);
}

TEST_CASE("defaults: seed 1, 10 s, linux profile with nothing overridden") {
  Scenario sc = load_ok(kBase);
  CHECK(sc.seed == 1);
  CHECK(sc.duration == 10 * kSec);
  CHECK(sc.tcp.profile == "linux");
  CHECK_FALSE(sc.tcp.min_rto.has_value());
  CHECK_FALSE(sc.tcp.mss.has_value());
  CHECK(sc.steps.empty());
  CHECK(sc.faults.empty());
}

TEST_CASE("explicit switch ports are reserved - omitted ones take the lowest free pN") {
  Scenario sc = load_ok(R"(title = "t"
[[node]]
name = "a"
type = "host"
ifaces = { eth0 = "10.0.0.1/24" }
[[node]]
name = "b"
type = "host"
ifaces = { eth0 = "10.0.0.2/24" }
[[node]]
name = "c"
type = "host"
ifaces = { eth0 = "10.0.0.3/24" }
[[node]]
name = "sw"
type = "switch"
[[link]]
a = "a"
b = "sw"
[[link]]
a = "b"
b = "sw:p2"
[[link]]
a = "sw"
b = "c"
)");
  REQUIRE(sc.links.size() == 3);
  CHECK(sc.links[0].b.iface == "p1");
  CHECK(sc.links[1].b.iface == "p2");
  CHECK(sc.links[2].a.iface == "p3");
}

TEST_CASE("a host/router interface without a link, and /31 point-to-point addresses, are fine") {
  Scenario sc = load_ok(R"(title = "t"
[[node]]
name = "r1"
type = "router"
ifaces = { eth0 = "10.0.0.0/31", eth1 = "172.16.0.1/24" }
[[node]]
name = "r2"
type = "router"
ifaces = { eth0 = "10.0.0.1/31" }
[[link]]
a = "r1:eth0"
b = "r2"
)");
  CHECK(sc.nodes[0].ifaces[0].addr == pfx("10.0.0.0/31"));
}

TEST_CASE("load_scenario_file reads a file and keeps its path") {
  std::string path = "/tmp/tcplab_test_scenario_loader.toml";
  {
    std::ofstream out(path);
    out << kBase;
  }
  LoadResult r = load_scenario_file(path);
  REQUIRE(r.scenario.has_value());
  CHECK(r.scenario->path == path);
  CHECK(r.scenario->nodes.size() == 4);
  std::remove(path.c_str());
}

TEST_CASE("a missing file is one error without a position") {
  LoadResult r = load_scenario_file("/nonexistent/dir/x.toml");
  CHECK_FALSE(r.scenario.has_value());
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].line == 0);
  CHECK(r.errors[0].format() == "/nonexistent/dir/x.toml: cannot open: No such file or directory");
}

TEST_CASE("LoadError::format leaves out what is unknown") {
  CHECK(LoadError{"f.toml", 3, 7, "m"}.format() == "f.toml:3:7: m");
  CHECK(LoadError{"f.toml", 3, 0, "m"}.format() == "f.toml:3: m");
  CHECK(LoadError{"f.toml", 0, 0, "m"}.format() == "f.toml: m");
}

TEST_CASE("fault actions have their file spellings") {
  CHECK(std::string(to_string(FaultAction::Drop)) == "drop");
  CHECK(std::string(to_string(FaultAction::Delay)) == "delay");
  CHECK(std::string(to_string(FaultAction::Duplicate)) == "duplicate");
  CHECK(std::string(to_string(FaultAction::Corrupt)) == "corrupt");
}

// ---- syntax and shape ---------------------------------------------------------------------

TEST_CASE("a TOML syntax error is reported at toml++'s line and column") {
  std::string e = error_of("title = \"t\"\nseed = [1,\n 2\nduration = \"1s\"\n");
  CHECK(e.starts_with("t.toml:4:1: TOML syntax error in array: "));
}

TEST_CASE("a missing title is reported at the top of the file") {
  CHECK(error_of("seed = 1\n") == "t.toml:1:1: missing required key 'title' (e.g. title = \"Three-way handshake\")");
}

TEST_CASE("unknown keys are reported at the key, with the closest known one") {
  CHECK(error_of("title = \"t\"\nsed = 3\n") == "t.toml:2:1: unknown key 'sed' at the top level (did you mean 'seed'?)");
  CHECK(error_of(with_base("delai = \"1ms\"\n")) == "t.toml:28:1: unknown key 'delai' in [[link]] (did you mean 'delay'?)");
  CHECK(error_of(with_base("[tcp]\nmin_rot = \"1s\"\n")) == "t.toml:29:1: unknown key 'min_rot' in [tcp] (did you mean 'min_rto'?)");
  // Nothing close: no suggestion.
  CHECK(error_of(with_base("colour = \"red\"\n")) == "t.toml:28:1: unknown key 'colour' in [[link]]");
}

TEST_CASE("a value of the wrong type is reported at the value") {
  CHECK(error_of("title = \"t\"\nseed = \"7\"\n") == "t.toml:2:8: seed must be an integer, not a string");
  CHECK(error_of("title = 3\n") == "t.toml:1:9: title must be a string, not an integer");
  CHECK(error_of("title = \"t\"\nduration = 5\n") ==
        "t.toml:2:12: duration must be a duration string such as \"5ms\", not an integer");
  CHECK(error_of("title = \"t\"\nseed = -1\n") == "t.toml:2:8: seed must be 0 or more, not -1");
  CHECK(error_of("title = \"t\"\n[[node]]\nname = 'x'\ntype = 'switch'\n[[node]]\ntype = 'switch'\n") ==
        "t.toml:5:1: [[node]] is missing required key 'name'");
  CHECK(error_of("title = \"t\"\nnode = 3\n") == "t.toml:2:8: node must be an array of tables ([[node]]), not an integer");
  CHECK(error_of("title = \"t\"\ntcp = 3\n") == "t.toml:2:7: tcp must be a table ([tcp]), not an integer");
}

TEST_CASE("durations and rates carry time.h's reason, prefixed with the key") {
  CHECK(error_of("title = \"t\"\nduration = \"5sec\"\n") ==
        "t.toml:2:12: duration: unknown duration unit 'sec' in '5sec' (expected ns, us, ms or s)");
  CHECK(error_of("title = \"t\"\nduration = \"0s\"\n") == "t.toml:2:12: duration must be more than 0");
  CHECK(error_of(with_base("rate = \"10mbit\"\n")) ==
        "t.toml:28:8: rate: unknown rate unit 'mbit' in '10mbit' (expected bps, kbps, Mbps or Gbps)");
}

// ---- [tcp] ---------------------------------------------------------------------------------

TEST_CASE("[tcp] values are checked") {
  CHECK(error_of(with_base("[tcp]\nprofile = \"linx\"\n")) ==
        "t.toml:29:11: profile must be \"linux\" or \"rfc\", not \"linx\" (did you mean 'linux'?)");
  CHECK(error_of(with_base("[tcp]\nmss = 20\n")) == "t.toml:29:7: mss must be between 88 and 65495, not 20");
  CHECK(error_of(with_base("[tcp]\nsyn_retries = 0\n")) == "t.toml:29:15: syn_retries must be between 1 and 127, not 0");
  CHECK(error_of(with_base("[tcp]\nrmem = \"64KB\"\n")) == "t.toml:29:8: rmem must be an integer, not a string");
  CHECK(error_of(with_base("[tcp]\nnagle = \"no\"\n")) == "t.toml:29:9: nagle must be true or false, not a string");
  CHECK(error_of(with_base("[tcp]\nmin_rto = \"0ms\"\n")) == "t.toml:29:11: min_rto must be more than 0");
  CHECK(error_of(with_base("[tcp]\nmin_rto = \"2s\"\nmax_rto = \"1s\"\n")) ==
        "t.toml:29:11: min_rto (2s) is more than max_rto (1s)");
}

// ---- [[node]] ------------------------------------------------------------------------------

TEST_CASE("node names: required, a-z 0-9 _ -, unique") {
  CHECK(error_of("title = \"t\"\n[[node]]\nname = \"Client\"\ntype = \"switch\"\n") ==
        "t.toml:3:8: node name 'Client' may only use a-z, 0-9, '_' and '-'");
  CHECK(error_of(with_base("[[node]]\nname = \"r1\"\ntype = \"switch\"\n")) ==
        "t.toml:29:8: node 'r1' is already defined at line 12");
}

TEST_CASE("node types: host, router or switch") {
  CHECK(error_of("title = \"t\"\n[[node]]\nname = \"a\"\ntype = \"hots\"\n") ==
        "t.toml:4:8: type must be host, router or switch, not 'hots' (did you mean 'host'?)");
  CHECK(error_of("title = \"t\"\n[[node]]\nname = \"a\"\n") == "t.toml:2:1: [[node]] is missing required key 'type'");
}

TEST_CASE("hosts and routers need an interface - switches have none") {
  CHECK(error_of("title = \"t\"\n[[node]]\nname = \"a\"\ntype = \"host\"\n") ==
        "t.toml:2:1: a host needs at least one interface, e.g. ifaces = { eth0 = \"192.168.1.10/24\" }");
  CHECK(error_of("title = \"t\"\n[[node]]\nname = \"a\"\ntype = \"router\"\nifaces = {}\n") ==
        "t.toml:5:10: a router needs at least one interface, e.g. ifaces = { eth0 = \"192.168.1.10/24\" }");
  CHECK(error_of("title = \"t\"\n[[node]]\nname = \"sw\"\ntype = \"switch\"\nifaces = { eth0 = \"10.0.0.1/24\" }\n") ==
        "t.toml:5:10: a switch has no addresses: remove ifaces from 'sw' (its ports p1, p2 … come from its links)");
  CHECK(error_of("title = \"t\"\n[[node]]\nname = \"sw\"\ntype = \"switch\"\ngateway = \"10.0.0.1\"\n") ==
        "t.toml:5:11: a switch has no gateway: remove gateway from 'sw'");
}

TEST_CASE("interface addresses must be host addresses of their prefix") {
  auto node = [](std::string_view iface) {
    return "title = \"t\"\n[[node]]\nname = \"a\"\ntype = \"host\"\nifaces = { " + std::string(iface) + " }\n";
  };
  // `ifaces = { eth0 = "` puts the address string at column 19.
  CHECK(error_of(node("eth0 = \"192.168.1.10\"")) ==
        "t.toml:5:19: interface address '192.168.1.10' needs a prefix length, e.g. 192.168.1.10/24");
  CHECK(error_of(node("eth0 = \"192.168.1.300/24\"")) ==
        "t.toml:5:19: '192.168.1.300/24' is not an address with a prefix length (expected e.g. 192.168.1.10/24)");
  CHECK(error_of(node("eth0 = \"192.168.1.0/24\"")) ==
        "t.toml:5:19: 192.168.1.0/24 is the network address of 192.168.1.0/24, not a host address");
  CHECK(error_of(node("eth0 = \"192.168.1.255/24\"")) ==
        "t.toml:5:19: 192.168.1.255/24 is the broadcast address of 192.168.1.0/24, not a host address");
  CHECK(error_of(node("eth0 = \"0.0.0.0/8\"")).starts_with("t.toml:5:19: 0.0.0.0 is the unspecified address"));
  CHECK(error_of(node("eth0 = \"127.0.0.1/8\"")).starts_with("t.toml:5:19: 127.0.0.1 is a loopback address (127.0.0.0/8)"));
  CHECK(error_of(node("eth0 = \"224.0.0.5/24\"")).starts_with("t.toml:5:19: 224.0.0.5 is a multicast address"));
  CHECK(error_of(node("eth0 = \"255.255.255.255/32\"")).starts_with("t.toml:5:19: 255.255.255.255 is the limited broadcast"));
  CHECK(error_of(node("eth0 = 5")) == "t.toml:5:19: interface eth0 must be an address string such as \"192.168.1.10/24\", not an integer");
  CHECK(error_of(node("Eth0 = \"10.0.0.1/24\"")) == "t.toml:5:12: interface name 'Eth0' may only use a-z and 0-9");
  CHECK(errors_of(node("eth0 = \"10.0.0.1/32\"")).empty());  // a /32 has no network or broadcast address
}

TEST_CASE("two interfaces with one address: reported at the second, naming the first") {
  CHECK(error_of(with_base("[[node]]\nname = \"dup\"\ntype = \"host\"\nifaces = { eth0 = \"192.168.1.10/24\" }\n")) ==
        "t.toml:31:19: address 192.168.1.10 is already used by client:eth0");
}

TEST_CASE("a gateway is an address on one of the node's own subnets") {
  auto host = [](std::string_view gw) {
    return "title = \"t\"\n[[node]]\nname = \"a\"\ntype = \"host\"\nifaces = { eth0 = \"192.168.1.10/24\" }\ngateway = \"" +
           std::string(gw) + "\"\n";
  };
  CHECK(error_of(host("10.0.0.1")) ==
        "t.toml:6:11: gateway 10.0.0.1 is not on any of a's subnets (eth0 is 192.168.1.10/24): a gateway must be reachable directly");
  CHECK(error_of(host("192.168.1.10")) == "t.toml:6:11: gateway 192.168.1.10 is a's own address (eth0)");
  CHECK(error_of(host("192.168.1.255")) == "t.toml:6:11: gateway 192.168.1.255 is the broadcast address of 192.168.1.0/24");
  CHECK(error_of(host("192.168.1")) == "t.toml:6:11: gateway '192.168.1' is not an IPv4 address");
}

TEST_CASE("routes: PREFIX via ADDR | dev IFACE, checked word by word") {
  auto router = [](std::string_view route) {
    return "title = \"t\"\n[[node]]\nname = \"r\"\ntype = \"router\"\n"
           "ifaces = { eth0 = \"192.168.1.1/24\", eth1 = \"10.0.0.1/24\" }\nroutes = [\"" + std::string(route) + "\"]\n";
  };
  // The route string's quote is at column 11, so its first character is at 12.
  CHECK(error_of(router("172.16.0.0/12 via 10.1.1.1")) ==
        "t.toml:6:30: via 10.1.1.1 is not on a connected subnet of r (eth0 is 192.168.1.1/24, eth1 is 10.0.0.1/24)");
  CHECK(error_of(router("172.16.0.0/12 dev eth3")) == "t.toml:6:30: r has no interface 'eth3' (did you mean 'eth0'?)");
  CHECK(error_of(router("172.16.0.0/12 via 10.0.0.2 dev eth0")) ==
        "t.toml:6:30: via 10.0.0.2 is not on eth0's subnet 192.168.1.0/24");
  CHECK(error_of(router("172.16.0.0/12 gw 10.0.0.2")) ==
        "t.toml:6:26: unexpected 'gw' in route (expected 'via ADDR' or 'dev IFACE'): this is ip-route syntax, so 'via', not 'gw'");
  CHECK(error_of(router("172.16.0.1/12 via 10.0.0.2")) ==
        "t.toml:6:12: route destination 172.16.0.1/12 has host bits set (the network is 172.16.0.0/12)");
  CHECK(error_of(router("default")) == "t.toml:6:12: route needs 'via ADDR' or 'dev IFACE'");
  CHECK(error_of(router("default via 10.0.0.1")) == "t.toml:6:24: via 10.0.0.1 is r's own address (eth1)");
}

// ---- [[link]] ------------------------------------------------------------------------------

TEST_CASE("link ends name known nodes and interfaces") {
  const std::string host_h = "[[node]]\nname = \"h\"\ntype = \"host\"\nifaces = { eth0 = \"192.168.1.11/24\" }\n";
  CHECK(error_of(with_base("[[link]]\na = \"sw1\"\nb = \"sever\"\n")) ==
        "t.toml:30:5: unknown node 'sever' (did you mean 'server'?)");
  CHECK(error_of(with_base("[[node]]\nname = \"h\"\ntype = \"host\"\nifaces = { eth0 = \"192.168.1.11/24\" }\n"
                           "[[link]]\na = \"h\"\nb = \"r1:eth2\"\n")) ==
        "t.toml:34:5: r1 has no interface 'eth2' (did you mean 'eth0'?)");
  CHECK(error_of(with_base("[[node]]\nname = \"h\"\ntype = \"host\"\nifaces = { eth0 = \"192.168.1.11/24\" }\n"
                           "[[link]]\na = \"h\"\nb = \"r1\"\n")) ==
        "t.toml:34:5: r1 has 2 interfaces (eth0, eth1): say which one, e.g. \"r1:eth0\"");
  CHECK(error_of(with_base("[[link]]\na = \"client:eth0\"\nb = \"sw1\"\n")) ==
        "t.toml:29:5: client:eth0 is already connected by link 1 (line 19)");
  CHECK(error_of(with_base("[[link]]\na = \"sw1\"\nb = \"sw1\"\n")) == "t.toml:30:5: a link cannot connect sw1 to itself");
  const std::string host_h2 = "[[node]]\nname = \"h2\"\ntype = \"host\"\nifaces = { eth0 = \"192.168.1.12/24\" }\n";
  CHECK(error_of(with_base(host_h + host_h2 + "[[link]]\na = \"h\"\nb = \"sw1:p5\"\n[[link]]\na = \"sw1:p5\"\nb = \"h2\"\n")) ==
        "t.toml:40:5: sw1:p5 is already connected by link 4 (line 36)");
  CHECK(error_of(with_base(host_h + "[[link]]\na = \"h\"\nb = \"sw1:eth0\"\n")) ==
        "t.toml:34:5: switch ports are named p1, p2 …, not 'eth0' (or write just \"sw1\" for a new port)");
  CHECK(error_of(with_base("[[link]]\nb = \"sw1\"\n")) == "t.toml:28:1: [[link]] is missing required key 'a'");
}

TEST_CASE("link numbers: queue at least 1, loss a probability") {
  CHECK(error_of(with_base("queue = 0\n")) == "t.toml:28:9: queue must be between 1 and 1000000, not 0");
  CHECK(error_of(with_base("loss = 1.5\n")) == "t.toml:28:8: loss must be between 0 and 1, not 1.5");
  CHECK(error_of(with_base("loss = \"10%\"\n")) == "t.toml:28:8: loss must be a number between 0 and 1, not a string");
  CHECK(error_of(with_base("delay = 5\n")) == "t.toml:28:9: delay must be a duration string such as \"5ms\", not an integer");
}

TEST_CASE("every interface of one layer-2 segment is on one subnet") {
  // The client moves to 192.168.2.5/24 while the switch joins it to r1's 192.168.1.1/24.
  std::string text = kBase;
  text.replace(text.find("192.168.1.10/24"), 15, "192.168.2.5/24");
  text.replace(text.find("192.168.1.1\""), 12, "192.168.2.1\"");  // keep the gateway check quiet
  CHECK(error_of(text) ==
        "t.toml:5:19: 192.168.2.5/24 (client:eth0) is not in subnet 192.168.1.0/24 that its link reaches "
        "(r1:eth0 is 192.168.1.1/24)");

  // Two hosts linked directly are a segment too; the same network with another length is wrong.
  CHECK(error_of(R"(title = "t"
[[node]]
name = "a"
type = "host"
ifaces = { eth0 = "10.0.0.1/24" }
[[node]]
name = "b"
type = "host"
ifaces = { eth0 = "10.0.0.2/25" }
[[link]]
a = "a"
b = "b"
)") == "t.toml:9:19: 10.0.0.2/25 (b:eth0) has prefix length /25 but its link reaches subnet 10.0.0.0/24 "
       "(a:eth0 is 10.0.0.1/24)");
}

// ---- [[step]] ------------------------------------------------------------------------------

TEST_CASE("steps run on a known node that has a console") {
  CHECK(error_of(with_base("[[step]]\nat = \"1s\"\non = \"sw1\"\ncmd = \"ping 10.0.0.10\"\n")) ==
        "t.toml:30:6: sw1 is a switch: switches have no console");
  CHECK(error_of(with_base("[[step]]\nat = \"1s\"\non = \"clinet\"\ncmd = \"ping 10.0.0.10\"\n")) ==
        "t.toml:30:6: unknown node 'clinet' (did you mean 'client'?)");
  CHECK(error_of(with_base("[[step]]\non = \"client\"\ncmd = \"ping 10.0.0.10\"\n")) ==
        "t.toml:28:1: [[step]] is missing required key 'at'");
  CHECK(error_of(with_base("[[step]]\nat = \"1s\"\non = \"client\"\ncmd = \"ping 10.0.0.10\"\npause = 1\n")) ==
        "t.toml:32:9: pause must be true or false, not an integer");
}

TEST_CASE("a command error points into the cmd string at parse_command's offset") {
  for (std::string cmd : {"pong 10.0.0.10", "tcp listen port80"}) {
    CAPTURE(cmd);
    Result<Command> parsed = parse_command(cmd);
    REQUIRE_FALSE(parsed.ok());
    // `cmd = "` : the quote is column 7, the command's first character column 8.
    std::string expected = "t.toml:31:" + std::to_string(8 + parsed.error().offset) + ": " + parsed.error().message;
    CHECK(error_of(with_base("[[step]]\nat = \"1s\"\non = \"client\"\ncmd = \"" + cmd + "\"\n")) == expected);
  }
}

// ---- [[fault]] -----------------------------------------------------------------------------

TEST_CASE("a filter error points into the match string at parse_filter's offset") {
  std::string match = "tcp.port == 80 && tcp.flag.syn == 1";
  Result<Filter> parsed = parse_filter(match);
  REQUIRE_FALSE(parsed.ok());
  // `match = "` : the first character is at column 10.
  std::string expected = "t.toml:29:" + std::to_string(10 + parsed.error().offset) + ": " + parsed.error().message;
  CHECK(error_of(with_base("[[fault]]\nmatch = \"" + match + "\"\naction = \"drop\"\n")) == expected);
}

TEST_CASE("fault actions, nth/every and delay are checked") {
  auto fault = [](std::string_view body) { return with_base("[[fault]]\nmatch = \"tcp\"\n" + std::string(body)); };
  CHECK(error_of(fault("action = \"dorp\"\n")) ==
        "t.toml:30:10: action must be drop, delay, duplicate or corrupt, not 'dorp' (did you mean 'drop'?)");
  CHECK(error_of(fault("action = \"drop\"\nnth = 2\nevery = true\n")) ==
        "t.toml:31:7: nth and every = true cannot be used together: every matches all packets");
  CHECK(error_of(fault("action = \"drop\"\nnth = 0\n")) == "t.toml:31:7: nth must be between 1 and 4294967295, not 0");
  CHECK(error_of(fault("action = \"delay\"\n")) == "t.toml:30:10: action = \"delay\" needs a delay, e.g. delay = \"100ms\"");
  CHECK(error_of(fault("action = \"drop\"\ndelay = \"1s\"\n")) ==
        "t.toml:31:9: delay is only for action = \"delay\" (this fault's action is \"drop\")");
  CHECK(error_of(fault("action = \"drop\"\nnode = \"serv\"\n")) == "t.toml:31:8: unknown node 'serv' (did you mean 'server'?)");
  CHECK(error_of(with_base("[[fault]]\naction = \"drop\"\n")) == "t.toml:28:1: [[fault]] is missing required key 'match'");
}

// ---- all at once ---------------------------------------------------------------------------

TEST_CASE("every mistake in a file is reported, in file order") {
  std::vector<std::string> errors = errors_of(R"(title = "t"
seed = "one"
[[node]]
name = "a"
type = "hots"
[[node]]
name = "b"
type = "host"
ifaces = { eth0 = "10.0.0.0/24" }
[[link]]
a = "b"
b = "c"
queue = 0
[[step]]
at = "1s"
on = "b"
cmd = "ping 10.0.0.1"
sya = "hi"
)");
  CHECK(errors == std::vector<std::string>{
                      "t.toml:2:8: seed must be an integer, not a string",
                      "t.toml:5:8: type must be host, router or switch, not 'hots' (did you mean 'host'?)",
                      "t.toml:9:19: 10.0.0.0/24 is the network address of 10.0.0.0/24, not a host address",
                      "t.toml:12:5: unknown node 'c'",
                      "t.toml:13:9: queue must be between 1 and 1000000, not 0",
                      "t.toml:18:1: unknown key 'sya' in [[step]] (did you mean 'say'?)",
                  });
}

// ---- --set ---------------------------------------------------------------------------------

TEST_CASE("--set changes top-level, tcp and link values before checking") {
  Scenario sc = load_ok(kBase, {"seed=3", "duration=5s", "title=Hello world", "summary=\"quoted\"",
                                "tcp.min_rto=1s", "tcp.nagle=false", "link.loss=0.2", "link.2.delay=7ms",
                                "link.3.b=server:eth0"});
  CHECK(sc.seed == 3);
  CHECK(sc.duration == 5 * kSec);
  CHECK(sc.title == "Hello world");
  CHECK(sc.summary == "quoted");
  CHECK(sc.tcp.min_rto == 1 * kSec);
  CHECK(sc.tcp.nagle == false);
  REQUIRE(sc.links.size() == 3);
  for (const LinkSpec& l : sc.links) CHECK(l.loss == doctest::Approx(0.2));
  CHECK(sc.links[0].delay == 0);
  CHECK(sc.links[1].delay == 7 * kMs);
  CHECK(sc.links[2].delay == 0);
  CHECK(sc.links[2].b.iface == "eth0");
}

TEST_CASE("--set overrides the file's own value, and later --set wins") {
  std::string text = with_base("loss = 0.5\n");
  CHECK(load_ok(text, {"link.3.loss=0"}).links[2].loss == 0.0);
  CHECK(load_ok(text, {"seed=4", "seed=9"}).seed == 9);
}

TEST_CASE("--set errors name the override and have no position") {
  CHECK(error_of(kBase, {"link.7.loss=0.1"}) == "t.toml: --set link.7.loss=0.1: there are only 3 links");
  CHECK(error_of(kBase, {"link.0.loss=0.1"}) == "t.toml: --set link.0.loss=0.1: links are numbered from 1");
  CHECK(error_of(kBase, {"link.x.loss=0.1"}).starts_with("t.toml: --set link.x.loss=0.1: 'x' is not a link number"));
  CHECK(error_of(kBase, {"sed=3"}) == "t.toml: --set sed=3: unknown key 'sed' (did you mean 'seed'?)");
  CHECK(error_of(kBase, {"link.los=0.1"}) == "t.toml: --set link.los=0.1: unknown key 'los' in [[link]] (did you mean 'loss'?)");
  CHECK(error_of(kBase, {"tcp.mss=abc"}) == "t.toml: --set tcp.mss=abc: mss must be an integer, not a string");
  CHECK(error_of(kBase, {"link.loss=2"}).starts_with("t.toml: --set link.loss=2: loss must be between 0 and 1, not 2"));
  CHECK(error_of(kBase, {"duration=5"}) == "t.toml: --set duration=5: duration must be a duration string such as \"5ms\", not an integer");
  CHECK(error_of(kBase, {"seed"}) == "t.toml: --set seed: expected KEY=VALUE, e.g. --set link.loss=0.2");
  CHECK(error_of(kBase, {"link=1"}) == "t.toml: --set link=1: 'link' is a section: set one of its values, e.g. link.loss=0.2");
  CHECK(error_of(kBase, {"node.1.name=x"}) ==
        "t.toml: --set node.1.name=x: cannot set 'node.1.name' (expected KEY, tcp.KEY, link.KEY or link.N.KEY)");
  CHECK(error_of("title = \"t\"\n", {"link.loss=0.1"}) == "t.toml: --set link.loss=0.1: the scenario has no links");
}

TEST_CASE("--set errors come first, then the file's own") {
  std::vector<std::string> errors = errors_of(with_base("queue = 0\n"), {"link.9.queue=3"});
  CHECK(errors == std::vector<std::string>{"t.toml: --set link.9.queue=3: there are only 3 links",
                                           "t.toml:28:9: queue must be between 1 and 1000000, not 0"});
}

}  // TEST_SUITE

}  // namespace tcplab
