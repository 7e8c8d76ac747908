// The command language parser (sim/scenario/command.h): every form DESIGN.md lists,
// the shell-like word splitting, and the tool-like error messages with their offsets.
#include <doctest/doctest.h>

#include "sim/scenario/command.h"
#include "sim/wire/headers.h"

using namespace tcplab;

namespace {

// Parses `line`, requires success and the command type T, and returns it.
template <class T>
T parse_as(std::string_view line) {
  auto r = parse_command(line);
  std::string error = r.ok() ? "" : r.error().message;
  CAPTURE(line);
  CAPTURE(error);
  REQUIRE(r.ok());
  REQUIRE(std::holds_alternative<T>(*r));
  return std::get<T>(*r);
}

// The error a line gives: its message and offset.
ParseError error_of(std::string_view line) {
  auto r = parse_command(line);
  CAPTURE(line);
  REQUIRE_FALSE(r.ok());
  return r.error();
}

void check_error(std::string_view line, std::string_view message, size_t offset) {
  ParseError e = error_of(line);
  CAPTURE(line);
  CHECK(e.message == message);
  CHECK(e.offset == offset);
}

// For messages whose tail is advice: the part that matters and the offset.
void check_error_starts(std::string_view line, std::string_view prefix, size_t offset) {
  ParseError e = error_of(line);
  CAPTURE(line);
  CAPTURE(e.message);
  CHECK(e.message.starts_with(prefix));
  CHECK(e.offset == offset);
}

constexpr Ipv4 ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d) { return Ipv4::of(a, b, c, d); }

}  // namespace

TEST_SUITE("command words") {
  TEST_CASE("double quotes group words and understand \\\" \\\\ \\n \\t") {
    auto c = parse_as<CmdTcpSend>(R"(tcp send s1 "say \"hi\"\\\n\tend")");
    CHECK(c.text == "say \"hi\"\\\n\tend");
  }
  TEST_CASE("single quotes keep everything, backslashes included") {
    CHECK(parse_as<CmdTcpSend>(R"(tcp send s1 'a \n  b')").text == R"(a \n  b)");
  }
  TEST_CASE("an unknown escape in double quotes keeps its backslash, as bash does") {
    CHECK(parse_as<CmdTcpSend>(R"(tcp send s1 "a\qb")").text == R"(a\qb)");
  }
  TEST_CASE("quotes glued to text make one word") {
    CHECK(parse_as<CmdTcpSend>(R"(tcp send s1 ab"c d"e)").text == "abc de");
  }
  TEST_CASE("tabs and repeated spaces separate words") {
    CHECK(parse_as<CmdPing>("  ping\t-c   2\t10.0.0.2  ").count == 2);
  }
  TEST_CASE("an unterminated quote is reported at the quote") {
    check_error(R"(tcp send s1 "abc)", "unterminated double quote", 12);
    check_error("tcp send s1 'abc", "unterminated single quote", 12);
  }
  TEST_CASE("an empty line is an error") {
    check_error("", "empty command", 0);
    check_error("   ", "empty command", 0);
  }
}

TEST_SUITE("command names") {
  TEST_CASE("an unknown command suggests the nearest one") {
    check_error("pong 10.0.0.1", "unknown command 'pong' (did you mean 'ping'?)", 0);
    check_error("  tarceroute 1.2.3.4", "unknown command 'tarceroute' (did you mean 'traceroute'?)", 2);
    check_error("tpc listen 80", "unknown command 'tpc' (did you mean 'tcp'?)", 0);
  }
  TEST_CASE("a word far from every command lists them instead") {
    check_error("xyzzy",
                "unknown command 'xyzzy' (commands: ifconfig, ip, route, arp, netstat, ss, lsof, kill, ping, "
                "traceroute, udp, tcp, app, hping3)",
                0);
  }
  TEST_CASE("unknown subcommands suggest too") {
    check_error("tcp lisen 80", "tcp: unknown command 'lisen' (tcp listen, accept, connect, send, recv, "
                                "shutdown, close, abort or setsockopt) (did you mean 'listen'?)", 4);
    check_error_starts("udp sendot 1.2.3.4:5 x", "udp: unknown command 'sendot'", 4);
    check_error_starts("app echo-sever 7", "app: unknown program 'echo-sever'", 4);
    CHECK(error_of("app echo-sever 7").message.ends_with("(did you mean 'echo-server'?)"));
    check_error("tcp", "tcp: missing command (e.g. tcp listen 80)", 3);
  }
  TEST_CASE("command_name gives the first words") {
    CHECK(command_name(*parse_command("ping 10.0.0.1")) == "ping");
    CHECK(command_name(*parse_command("route add default gw 10.0.0.1")) == "route add");
    CHECK(command_name(*parse_command("ip route del default")) == "route del");
    CHECK(command_name(*parse_command("route -n")) == "route");
    CHECK(command_name(*parse_command("ip r")) == "ip route");
    CHECK(command_name(*parse_command("udp sendto 1.2.3.4:5 x")) == "udp sendto");
    CHECK(command_name(*parse_command("tcp listen 80")) == "tcp listen");
    CHECK(command_name(*parse_command("tcp abort s1")) == "tcp abort");
    CHECK(command_name(*parse_command("app echo-server 7")) == "app echo-server");
    CHECK(command_name(*parse_command("app requests 1.2.3.4:80")) == "app requests");
    CHECK(command_name(*parse_command("hping3 -S -p 80 1.2.3.4")) == "hping3");
    CHECK(command_name(*parse_command("ss -tan")) == "ss");
    CHECK(command_name(*parse_command("netstat -an")) == "netstat");
    CHECK(command_name(*parse_command("arp -n")) == "arp");
    CHECK(command_name(*parse_command("ip a")) == "ip addr");
    CHECK(command_name(*parse_command("ifconfig")) == "ifconfig");
  }
}

TEST_SUITE("inspection commands") {
  TEST_CASE("ifconfig with and without an interface") {
    CHECK_FALSE(parse_as<CmdIfconfig>("ifconfig").iface.has_value());
    CHECK_FALSE(parse_as<CmdIfconfig>("ifconfig -a").iface.has_value());
    CHECK(parse_as<CmdIfconfig>("ifconfig eth0").iface == "eth0");
    check_error_starts("ifconfig eth0 10.0.0.1", "ifconfig: unexpected argument '10.0.0.1'", 14);
    check_error_starts("ifconfig -z", "ifconfig: invalid option '-z'", 9);
  }
  TEST_CASE("ip addr in its spellings") {
    parse_as<CmdIpAddr>("ip addr");
    parse_as<CmdIpAddr>("ip a");
    parse_as<CmdIpAddr>("ip addr show");
    parse_as<CmdIpAddr>("ip address");
    check_error("ip addr show dev", "ip addr: unexpected argument 'dev'", 13);
    check_error("ip link", "ip: object 'link' is unknown (objects: addr, route, neigh)", 3);
    check_error("ip", "ip: missing object (addr, route or neigh)", 2);
  }
  TEST_CASE("route tables: net-tools and iproute2") {
    CHECK_FALSE(parse_as<CmdRouteShow>("route -n").iproute2);
    CHECK_FALSE(parse_as<CmdRouteShow>("route").iproute2);
    CHECK(parse_as<CmdRouteShow>("ip route").iproute2);
    CHECK(parse_as<CmdRouteShow>("ip route show").iproute2);
    CHECK(parse_as<CmdRouteShow>("ip r").iproute2);
    check_error("route -x", "route: invalid option -- 'x' (usage: route [-n] | route add|del …)", 6);
    check_error("route ad", "route: unknown action 'ad' (expected add or del) (did you mean 'add'?)", 6);
    check_error_starts("ip route flush", "ip route: unknown command 'flush'", 9);
  }
  TEST_CASE("the ARP cache in its spellings") {
    for (const char* line : {"arp", "arp -n", "arp -an", "arp -a", "arp -na", "ip neigh", "ip neigh show", "ip n"})
      parse_as<CmdArpShow>(line);
    check_error("arp -x", "arp: invalid option -- 'x' (usage: arp [-an])", 4);
    check_error_starts("arp 10.0.0.1", "arp: unexpected argument '10.0.0.1'", 4);
  }
  TEST_CASE("lsof -i reads lsof's [4][tcp|udp][@ADDR][:PORT] - glued or apart - and sudo is optional") {
    auto all = parse_as<CmdLsof>("lsof -i");
    CHECK((all.tcp && all.udp && !all.addr && !all.port));
    auto t = parse_as<CmdLsof>("sudo lsof -i tcp:22");
    CHECK((t.tcp && !t.udp && t.port == std::optional<uint16_t>(22)));
    auto u = parse_as<CmdLsof>("lsof -n -P -iUDP@10.0.0.2:2425");
    CHECK((!u.tcp && u.udp && u.addr == std::optional<Ipv4>(ip(10, 0, 0, 2)) && u.port == std::optional<uint16_t>(2425)));
    CHECK(parse_as<CmdLsof>("lsof -i4:https").port == std::optional<uint16_t>(443));
    CHECK(parse_as<CmdLsof>("lsof -i @10.0.0.1").addr == std::optional<Ipv4>(ip(10, 0, 0, 1)));
    CHECK(command_name(*parse_command("sudo lsof -i")) == "lsof");
    CHECK_FALSE(all.numeric_ports);
    CHECK(u.numeric_ports);
    CHECK(parse_as<CmdLsof>("lsof -nP -i").numeric_ports);
    CHECK_FALSE(parse_as<CmdLsof>("lsof -n -i").numeric_ports);
  }
  TEST_CASE("kill takes PIDs and a signal it checks") {
    CHECK(parse_as<CmdKill>("kill -9 1001").pids == std::vector<int>{1001});
    CHECK(parse_as<CmdKill>("kill -TERM 1001 1002").pids == std::vector<int>{1001, 1002});
    CHECK(parse_as<CmdKill>("kill -s KILL 1001").pids == std::vector<int>{1001});
    check_error("kill", "kill: usage: kill [-9|-TERM] PID… (lsof -i shows the PID)", 4);
    check_error("kill -HUP 1001", "kill: HUP: invalid signal specification (use -9, -KILL, -15 or -TERM)", 5);
    check_error_starts("kill -9 abc", "kill: invalid process id 'abc'", 8);
  }
  TEST_CASE("lsof: bad specs and options are named") {
    check_error("lsof", "lsof: only network files are listed here: give -i (usage: lsof -i [tcp|udp][@ADDR][:PORT])", 4);
    check_error("lsof -i xyz:2000", "lsof: unknown protocol name (xyz) in: -i xyz:2000 (tcp or udp)", 8);
    check_error_starts("lsof -i :ssx", "lsof: unknown service 'ssx' in: -i :ssx", 9);
    check_error_starts("lsof -i :70000", "lsof: invalid port '70000'", 9);
    check_error_starts("lsof -i @10.0.0:80", "lsof: bad address '10.0.0'", 9);
    check_error_starts("lsof -i6", "lsof: IPv6 is not simulated", 7);
    check_error_starts("lsof -p 1234", "lsof: option '-p' is not supported here", 5);
    check_error_starts("lsof -i tcp -i udp", "lsof: give -i once", 12);
    check_error_starts("lsof 2000", "lsof: unexpected argument '2000'", 5);
    check_error_starts("lsof -i ''", "lsof: empty address after -i", 8);
    check_error("sudo", "sudo: a command is needed (consoles here run as root: sudo is optional)", 4);
  }
  TEST_CASE("netstat flag clusters choose protocols and states") {
    auto an = parse_as<CmdSockets>("netstat -an");
    CHECK_FALSE(an.ss);
    CHECK((an.tcp && an.udp));
    CHECK_FALSE(an.listening_only);
    CHECK_FALSE(an.connected_only);

    auto anu = parse_as<CmdSockets>("netstat -anu");
    CHECK((!anu.tcp && anu.udp));
    auto ant = parse_as<CmdSockets>("netstat -ant");
    CHECK((ant.tcp && !ant.udp));
    auto tan = parse_as<CmdSockets>("netstat -tan");
    CHECK((tan.tcp && !tan.udp));

    auto tulnp = parse_as<CmdSockets>("netstat -tulnp");
    CHECK((tulnp.tcp && tulnp.udp));
    CHECK(tulnp.listening_only);

    auto split = parse_as<CmdSockets>("netstat -t -a -n");
    CHECK((split.tcp && !split.udp && !split.listening_only));

    // Like Linux: without -a or -l, listening sockets are hidden.
    auto plain = parse_as<CmdSockets>("netstat -n");
    CHECK(plain.connected_only);
    CHECK_FALSE(plain.listening_only);
    auto la = parse_as<CmdSockets>("netstat -la");
    CHECK_FALSE(la.listening_only);
    CHECK_FALSE(la.connected_only);

    check_error("netstat -i", "netstat: invalid option -- 'i' (usage: netstat [-tulnap])", 8);
    check_error("netstat -an extra", "netstat: unexpected argument 'extra' (usage: netstat [-tulnap])", 12);
  }
  TEST_CASE("ss flag clusters, with -i for TCP internals") {
    auto tan = parse_as<CmdSockets>("ss -tan");
    CHECK(tan.ss);
    CHECK((tan.tcp && !tan.udp && !tan.info));
    auto uan = parse_as<CmdSockets>("ss -uan");
    CHECK((!uan.tcp && uan.udp));
    auto an = parse_as<CmdSockets>("ss -an");
    CHECK((an.tcp && an.udp));
    auto tln = parse_as<CmdSockets>("ss -tln");
    CHECK(tln.listening_only);
    auto ti = parse_as<CmdSockets>("ss -ti");
    CHECK((ti.info && ti.tcp && !ti.udp && ti.connected_only));
    auto tai = parse_as<CmdSockets>("ss -tai");
    CHECK((tai.info && !tai.connected_only));
    check_error("ss -x", "ss: invalid option -- 'x' (usage: ss [-tulnapi])", 3);
    check_error("ss --tcp", "ss: unrecognized option '--tcp' (usage: ss [-tulnapi])", 3);
  }
}

TEST_SUITE("route edits") {
  TEST_CASE("route add -net with a prefix length") {
    auto c = parse_as<CmdRouteAdd>("route add -net 10.0.0.0/8 gw 192.168.1.2 dev eth0 metric 5");
    CHECK(c.dst == Prefix{ip(10, 0, 0, 0), 8});
    CHECK(c.gateway == ip(192, 168, 1, 2));
    CHECK(c.dev == "eth0");
    CHECK(c.metric == 5);
  }
  TEST_CASE("route add -net with a netmask") {
    auto c = parse_as<CmdRouteAdd>("route add -net 172.16.0.0 netmask 255.240.0.0 gw 10.0.0.1");
    CHECK(c.dst == Prefix{ip(172, 16, 0, 0), 12});
    CHECK_FALSE(c.dev.has_value());
    CHECK(c.metric == 0);
  }
  TEST_CASE("route add -host is a /32 - default is 0/0") {
    CHECK(parse_as<CmdRouteAdd>("route add -host 10.1.2.3 gw 10.0.0.1").dst == Prefix{ip(10, 1, 2, 3), 32});
    CHECK(parse_as<CmdRouteAdd>("route add 10.1.2.3 dev eth1").dst == Prefix{ip(10, 1, 2, 3), 32});
    auto d = parse_as<CmdRouteAdd>("route add default gw 192.168.1.1");
    CHECK(d.dst == Prefix{ip(0, 0, 0, 0), 0});
    CHECK(d.gateway == ip(192, 168, 1, 1));
  }
  TEST_CASE("a leading -n is allowed before add") {
    CHECK(parse_as<CmdRouteAdd>("route -n add default gw 10.0.0.1").gateway == ip(10, 0, 0, 1));
  }
  TEST_CASE("net-tools allows the interface last without 'dev'") {
    CHECK(parse_as<CmdRouteAdd>("route add -net 10.0.0.0/8 eth1").dev == "eth1");
  }
  TEST_CASE("route del takes the same target forms") {
    auto c = parse_as<CmdRouteDel>("route del -net 10.0.0.0/8");
    CHECK(c.dst == Prefix{ip(10, 0, 0, 0), 8});
    CHECK(parse_as<CmdRouteDel>("route del default").dst == Prefix{ip(0, 0, 0, 0), 0});
    CHECK(parse_as<CmdRouteDel>("route del -net 10.0.0.0 netmask 255.0.0.0 gw 1.2.3.4").gateway == ip(1, 2, 3, 4));
  }
  TEST_CASE("route errors") {
    check_error("route add -net 10.0.0.0 netmask 255.0.255.0 gw 1.1.1.1",
                "route: netmask 255.0.255.0 is not contiguous", 32);
    check_error_starts("route add -net 10.0.0.1/8 gw 1.1.1.1",
                       "route: netmask doesn't match route address (10.0.0.1/8 has host bits set; did you "
                       "mean 10.0.0.0/8?)", 15);
    check_error_starts("route add -net 10.0.0.0 gw 1.1.1.1", "route: -net 10.0.0.0 needs a netmask", 15);
    check_error("route add -net 10.0.0.0/8", "route: say where the route leads: gw ADDR and/or dev IF", 25);
    check_error("route add -net 10.0.0.0/8 gw foo",
                "route: bad address 'foo' (addresses are IPv4 literals like 10.0.0.2)", 29);
    check_error("route add -net 10.0.0.0/8 gw", "route: missing gateway address after 'gw'", 28);
    check_error_starts("route add -net 10.0.0.0/8 10.0.0.1", "route: unexpected address '10.0.0.1'", 26);
    check_error_starts("route add -net 10.0.0.0/8 gw 1.1.1.1 via 2.2.2.2", "route: unexpected 'via'", 37);
    check_error_starts("route add -host 10.0.0.0/8 gw 1.1.1.1", "route: -host takes an address", 16);
    check_error_starts("route add -net 10.0.0.0/8 netmask 255.0.0.0 gw 1.1.1.1",
                       "route: give the prefix length (/LEN) or a netmask, not both", 26);
    check_error_starts("route del default metric 3", "route: metric is not used when deleting", 18);
    check_error_starts("route add -net 10.0.0.0/33 gw 1.1.1.1", "route: bad prefix '10.0.0.0/33'", 15);
    check_error_starts("route add", "route: missing target", 9);
  }
  TEST_CASE("ip route add and del") {
    auto c = parse_as<CmdRouteAdd>("ip route add 10.0.0.0/8 via 192.168.1.2 dev eth0 metric 7");
    CHECK(c.dst == Prefix{ip(10, 0, 0, 0), 8});
    CHECK(c.gateway == ip(192, 168, 1, 2));
    CHECK(c.dev == "eth0");
    CHECK(c.metric == 7);
    CHECK(parse_as<CmdRouteAdd>("ip route add default via 10.0.0.1").dst == Prefix{ip(0, 0, 0, 0), 0});
    CHECK(parse_as<CmdRouteAdd>("ip r add 10.9.9.9 dev eth1").dst == Prefix{ip(10, 9, 9, 9), 32});
    CHECK(parse_as<CmdRouteDel>("ip route del 10.0.0.0/8").dst == Prefix{ip(10, 0, 0, 0), 8});
    check_error_starts("ip route add 10.0.0.1/8 via 1.1.1.1",
                       "ip route add: invalid prefix for given prefix length", 13);
    check_error_starts("ip route add 10.0.0.0/8 gw 1.1.1.1", "ip route add: unexpected 'gw'", 24);
    check_error("ip route add 10.0.0.0/8", "ip route add: say where the route leads: via ADDR and/or dev IF", 23);
  }
}

TEST_SUITE("ping") {
  TEST_CASE("defaults follow iputils") {
    auto c = parse_as<CmdPing>("ping 10.0.0.2");
    CHECK(c.dst == ip(10, 0, 0, 2));
    CHECK_FALSE(c.count.has_value());
    CHECK(c.interval == kSec);
    CHECK(c.size == 56);
    CHECK(c.ttl == 64);
    CHECK(c.linger == 10 * kSec);
    CHECK_FALSE(c.broadcast);
  }
  TEST_CASE("every option, separate and glued") {
    auto c = parse_as<CmdPing>("ping -c 3 -i 0.2 -s 100 -t 5 -W 2 -b 10.0.0.255");
    CHECK(c.count == 3);
    CHECK(c.interval == 200 * kMs);
    CHECK(c.size == 100);
    CHECK(c.ttl == 5);
    CHECK(c.linger == 2 * kSec);
    CHECK(c.broadcast);
    auto g = parse_as<CmdPing>("ping -c3 -i200ms -bc 4 10.0.0.2");
    CHECK(g.count == 4);
    CHECK(g.interval == 200 * kMs);
    CHECK(g.broadcast);
  }
  TEST_CASE("intervals are seconds like Linux, or durations with a unit") {
    CHECK(parse_as<CmdPing>("ping -i 1.5 10.0.0.2").interval == 1500 * kMs);
    CHECK(parse_as<CmdPing>("ping -i 200ms 10.0.0.2").interval == 200 * kMs);
    CHECK(parse_as<CmdPing>("ping -W 0 10.0.0.2").linger == 0);
  }
  TEST_CASE("the host may come before the options, as GNU getopt allows") {
    auto c = parse_as<CmdPing>("ping 10.0.0.2 -c 2");
    CHECK(c.count == 2);
    CHECK(c.dst == ip(10, 0, 0, 2));
  }
  TEST_CASE("ping errors") {
    check_error("ping -c", "ping: option requires an argument -- 'c'", 5);
    check_error("ping", "ping: missing host operand", 4);
    check_error("ping -c 2", "ping: missing host operand", 9);
    check_error("ping foo", "ping: bad address 'foo' (addresses are IPv4 literals like 10.0.0.2)", 5);
    check_error("ping 10.0.0.256", "ping: bad address '10.0.0.256' (addresses are IPv4 literals like 10.0.0.2)", 5);
    check_error("ping -c 0 10.0.0.2", "ping: invalid count '0' (expected a whole number from 1 to 2147483647)", 8);
    check_error("ping -c abc 10.0.0.2", "ping: invalid count 'abc' (expected a whole number from 1 to 2147483647)", 8);
    check_error("ping -s 65508 10.0.0.2", "ping: invalid packet size '65508' (expected a whole number from 0 to 65507)", 8);
    check_error("ping -t 0 10.0.0.2", "ping: invalid ttl '0' (expected a whole number from 1 to 255)", 8);
    check_error("ping -i 0 10.0.0.2",
                "ping: bad timing interval '0' (seconds like 0.2, or a duration like 200ms; must be > 0)", 8);
    check_error_starts("ping -i 2x 10.0.0.2", "ping: bad timing interval '2x'", 8);
    check_error("ping -x 10.0.0.2",
                "ping: invalid option -- 'x' (usage: ping [-c N] [-i SEC] [-s SIZE] [-t TTL] [-W SEC] [-b] ADDR)", 5);
    check_error_starts("ping --count 3 10.0.0.2", "ping: unrecognized option '--count'", 5);
    check_error("ping 10.0.0.1 10.0.0.2", "ping: extra operand '10.0.0.2' (give one destination address)", 14);
  }
}

TEST_SUITE("traceroute") {
  TEST_CASE("defaults and options") {
    auto d = parse_as<CmdTraceroute>("traceroute 10.0.0.9");
    CHECK(d.dst == ip(10, 0, 0, 9));
    CHECK(d.max_hops == 30);
    CHECK(d.queries == 3);
    CHECK(d.wait == 5 * kSec);
    CHECK(d.base_port == 33434);
    auto c = parse_as<CmdTraceroute>("traceroute -n -m 5 -q 1 -w 0.5 -p 40000 10.0.0.9");
    CHECK(c.max_hops == 5);
    CHECK(c.queries == 1);
    CHECK(c.wait == 500 * kMs);
    CHECK(c.base_port == 40000);
  }
  TEST_CASE("traceroute errors") {
    check_error("traceroute -m 0 10.0.0.9", "traceroute: invalid max hops '0' (expected a whole number from 1 to 255)", 14);
    check_error("traceroute -p 70000 10.0.0.9", "traceroute: invalid port '70000' (ports are 1 to 65535)", 14);
    check_error("traceroute -q", "traceroute: option requires an argument -- 'q'", 11);
    check_error("traceroute", "traceroute: missing host operand", 10);
  }
}

TEST_SUITE("udp") {
  TEST_CASE("udp bind: a port, 0 for ephemeral, and an optional name") {
    auto c = parse_as<CmdUdpBind>("udp bind 5000 --as srv");
    CHECK(c.port == 5000);
    CHECK(c.name == "srv");
    CHECK(parse_as<CmdUdpBind>("udp bind 0").port == 0);
    CHECK(parse_as<CmdUdpBind>("udp bind --as=x 53").name == "x");
    check_error("udp bind 70000", "udp bind: invalid port '70000' (ports are 0 to 65535; 0 picks an ephemeral port)", 9);
    check_error("udp bind", "udp bind: missing PORT", 8);
    check_error("udp bind 53 54", "udp bind: unexpected argument '54'", 12);
  }
  TEST_CASE("--as refuses names that look like socket ids") {
    check_error("udp bind 53 --as s7",
                "udp bind: name 's7' looks like a socket id; ids s1, s2 … are taken by the system, choose "
                "another name",
                17);
    CHECK(parse_as<CmdUdpBind>("udp bind 53 --as s7x").name == "s7x");
    CHECK(parse_as<CmdUdpBind>("udp bind 53 --as server").name == "server");
    check_error_starts("udp bind 53 --as a.1", "udp bind: bad name 'a.1'", 17);
    check_error("udp bind 53 --as", "udp bind: option --as requires an argument", 12);
  }
  TEST_CASE("unknown long options suggest the nearest") {
    check_error("udp bind 53 --ass x", "udp bind: unknown option '--ass' (did you mean '--as'?)", 12);
    check_error("udp bind 53 --zzzzzz x", "udp bind: unknown option '--zzzzzz' (options: --as)", 12);
  }
  TEST_CASE("udp sendto: with and without a socket, text joined or verbatim") {
    auto a = parse_as<CmdUdpSendto>("udp sendto 10.0.0.2:7 hello   world");
    CHECK_FALSE(a.sock.has_value());
    CHECK(a.to == Endpoint{ip(10, 0, 0, 2), 7});
    CHECK(a.text == "hello world");
    CHECK_FALSE(a.bytes.has_value());
    auto b = parse_as<CmdUdpSendto>("udp sendto s1 10.0.0.2:7 \"hello   world\"");
    CHECK(b.sock == "s1");
    CHECK(b.text == "hello   world");
    auto e = parse_as<CmdUdpSendto>("udp sendto 10.0.0.2:7 \"\"");
    CHECK(e.text.empty());
    auto n = parse_as<CmdUdpSendto>("udp sendto srv 10.0.0.2:7 --bytes 1000");
    CHECK(n.bytes == 1000u);
    CHECK(parse_as<CmdUdpSendto>("udp sendto 10.0.0.2:7 --bytes=0").bytes == 0u);
    CHECK(parse_as<CmdUdpSendto>("udp sendto 10.0.0.2:7 \"--bytes\" 5").text == "--bytes 5");
  }
  TEST_CASE("udp sendto errors") {
    check_error("udp sendto 10.0.0.2:7", "udp sendto: missing text (or --bytes N)", 21);
    check_error("udp sendto 10.0.0.2:7 --bytes 65508",
                "udp sendto: invalid byte count '65508' (expected a whole number from 0 to 65507)", 30);
    check_error("udp sendto 10.0.0.2:7 hi --bytes 5",
                "udp sendto: give either TEXT or --bytes N, not both (quote text that contains --bytes)", 25);
    check_error("udp sendto 10.0.0.2:0 hi", "udp sendto: invalid port '0' (ports are 1 to 65535)", 20);
    check_error("udp sendto 10.0.0.2 hi", "udp sendto: '10.0.0.2' needs a port: ADDR:PORT (e.g. 10.0.0.2:7)", 11);
    check_error("udp sendto s1 hi", "udp sendto: 'hi' is not ADDR:PORT (e.g. 10.0.0.2:80)", 14);
    check_error("udp sendto 10.0.0.x:7 hi", "udp sendto: bad address '10.0.0.x' (addresses are IPv4 literals like 10.0.0.2)", 11);
    check_error("udp sendto", "udp sendto: missing destination ADDR:PORT", 10);
    check_error("udp sendto 1.2.3.4:5 --bytes 3 more", "udp sendto: unexpected argument 'more' after --bytes N", 31);
    check_error("udp sendto 1.2.3.4:5 --byts 3",
                "udp sendto: unknown option '--byts' (to send text that starts with --, quote it)", 21);
  }
  TEST_CASE("udp recvfrom") {
    auto c = parse_as<CmdUdpRecvfrom>("udp recvfrom s1");
    CHECK(c.sock == "s1");
    CHECK(c.bufsize == 65536);
    CHECK(parse_as<CmdUdpRecvfrom>("udp recvfrom srv 10").bufsize == 10);
    check_error("udp recvfrom s1 0", "udp recvfrom: invalid buffer size '0' (expected a whole number from 1 to 4294967295)", 16);
    check_error("udp recvfrom", "udp recvfrom: missing SOCK", 12);
    check_error_starts("udp recvfrom a/b", "udp recvfrom: bad socket 'a/b'", 13);
  }
}

TEST_SUITE("tcp") {
  TEST_CASE("tcp listen with every option") {
    auto d = parse_as<CmdTcpListen>("tcp listen 2000");
    CHECK(d.port == 2000);
    CHECK(d.backlog == 128);
    CHECK_FALSE(d.name.has_value());
    CHECK_FALSE(d.manual_accept);
    CHECK(d.read == ReadMode::Auto);
    auto c = parse_as<CmdTcpListen>("tcp listen 80 --backlog 2 --as web --manual-accept --read manual");
    CHECK(c.port == 80);
    CHECK(c.backlog == 2);
    CHECK(c.name == "web");
    CHECK(c.manual_accept);
    CHECK(c.read == ReadMode::Manual);
  }
  TEST_CASE("tcp listen errors") {
    check_error("tcp listen 0", "tcp listen: invalid port '0' (ports are 1 to 65535)", 11);
    check_error("tcp listen 80 --backlog 0", "tcp listen: invalid backlog '0' (expected a whole number from 1 to 65535)", 24);
    check_error("tcp listen 80 --read later", "tcp listen: --read takes auto or manual, not 'later'", 21);
    check_error("tcp listen 80 --manual-accept=yes", "tcp listen: option --manual-accept takes no argument", 14);
    check_error("tcp listen 80 --as s2", "tcp listen: name 's2' looks like a socket id; ids s1, s2 … are taken by the system, choose another name", 19);
  }
  TEST_CASE("tcp accept, connect") {
    CHECK(parse_as<CmdTcpAccept>("tcp accept web").listener == "web");
    auto c = parse_as<CmdTcpConnect>("tcp connect 10.0.0.2:80 --sport 40000 --as cli --read manual");
    CHECK(c.to == Endpoint{ip(10, 0, 0, 2), 80});
    CHECK(c.sport == 40000);
    CHECK(c.name == "cli");
    CHECK(c.read == ReadMode::Manual);
    auto d = parse_as<CmdTcpConnect>("tcp connect 10.0.0.2:80");
    CHECK_FALSE(d.sport.has_value());
    CHECK(d.read == ReadMode::Auto);
    check_error("tcp connect", "tcp connect: missing destination ADDR:PORT", 11);
    check_error("tcp connect 10.0.0.2:80 --sport 0", "tcp connect: invalid port '0' (ports are 1 to 65535)", 32);
    check_error("tcp accept", "tcp accept: missing listener NAME", 10);
  }
  TEST_CASE("tcp send text or bytes") {
    auto t = parse_as<CmdTcpSend>("tcp send web.1 GET / HTTP/1.0");
    CHECK(t.sock == "web.1");
    CHECK(t.text == "GET / HTTP/1.0");
    auto b = parse_as<CmdTcpSend>("tcp send s3 --bytes 1048576");
    CHECK(b.bytes == 1048576u);
    CHECK(parse_as<CmdTcpSend>("tcp send s3 --bytes 1073741824").bytes == 1073741824u);
    check_error("tcp send s3 --bytes 1073741825",
                "tcp send: invalid byte count '1073741825' (expected a whole number from 1 to 1073741824)", 20);
    check_error("tcp send s3 --bytes 0", "tcp send: invalid byte count '0' (expected a whole number from 1 to 1073741824)", 20);
    check_error("tcp send s3 \"\"", "tcp send: nothing to send (empty text)", 12);
    check_error("tcp send s3", "tcp send: missing text (or --bytes N)", 11);
    check_error("tcp send s3 --bytes", "tcp send: option --bytes requires an argument", 12);
  }
  TEST_CASE("tcp recv, shutdown, close, abort") {
    auto r = parse_as<CmdTcpRecv>("tcp recv s1");
    CHECK(r.sock == "s1");
    CHECK_FALSE(r.max.has_value());
    CHECK(parse_as<CmdTcpRecv>("tcp recv s1 100").max == 100u);
    CHECK(parse_as<CmdTcpShutdown>("tcp shutdown s1").sock == "s1");
    CHECK(parse_as<CmdTcpClose>("tcp close web.2").sock == "web.2");
    CHECK(parse_as<CmdTcpAbort>("tcp abort cli").sock == "cli");
    check_error("tcp close", "tcp close: missing SOCK", 9);
    check_error("tcp close s1 s2", "tcp close: unexpected argument 's2'", 13);
    check_error("tcp recv s1 0", "tcp recv: invalid byte count '0' (expected a whole number from 1 to 4294967295)", 12);
  }
}

TEST_SUITE("app") {
  TEST_CASE("servers and clients") {
    CHECK(parse_as<CmdAppEchoServer>("app echo-server 7").port == 7);
    CHECK(parse_as<CmdAppBulkSink>("app bulk-sink 9000").port == 9000);
    auto fs = parse_as<CmdAppFileServer>("app file-server 80 index.html=5000 big.bin=1000000");
    CHECK(fs.port == 80);
    REQUIRE(fs.files.size() == 2);
    CHECK(fs.files[0] == std::pair<std::string, uint64_t>{"index.html", 5000});
    CHECK(fs.files[1] == std::pair<std::string, uint64_t>{"big.bin", 1000000});
    auto dl = parse_as<CmdAppDownload>("app download 10.0.0.2:80 index.html");
    CHECK(dl.from == Endpoint{ip(10, 0, 0, 2), 80});
    CHECK(dl.file == "index.html");
    auto bs = parse_as<CmdAppBulkSend>("app bulk-send 10.0.0.2:9000 --bytes 100000");
    CHECK(bs.bytes == 100000u);
    CHECK_FALSE(parse_as<CmdAppBulkSend>("app bulk-send 10.0.0.2:9000").bytes.has_value());
    auto rq = parse_as<CmdAppRequests>("app requests 10.0.0.2:80 --count 5 --size 200 --reuse");
    CHECK(rq.count == 5);
    CHECK(rq.size == 200);
    CHECK(rq.reuse);
    auto rd = parse_as<CmdAppRequests>("app requests 10.0.0.2:80");
    CHECK(rd.count == 1);
    CHECK(rd.size == 100);
    CHECK_FALSE(rd.reuse);
  }
  TEST_CASE("app errors") {
    check_error("app file-server 80", "app file-server: missing files (NAME=BYTES, e.g. index.html=5000)", 18);
    check_error("app file-server 80 index.html", "app file-server: bad file 'index.html' (expected NAME=BYTES, e.g. index.html=5000)", 19);
    check_error("app file-server 80 a=1 a=2", "app file-server: file 'a' is listed twice", 23);
    check_error("app file-server 80 a=x", "app file-server: invalid file size 'x' (expected a whole number from 0 to 1073741824)", 21);
    check_error("app requests 10.0.0.2:80 --count 0", "app requests: invalid count '0' (expected a whole number from 1 to 1000000)", 33);
    check_error("app download 10.0.0.2:80", "app download: missing file NAME", 24);
    check_error("app echo-server", "app echo-server: missing PORT", 15);
    check_error("app bulk-sink 9000 --bytes 5", "app bulk-sink: unknown option '--bytes' (it takes no options)", 19);
  }
}

TEST_SUITE("hping3") {
  namespace f = wire::tcpflag;
  TEST_CASE("flags map to TCP bits and may cluster") {
    auto c = parse_as<CmdHping3>("hping3 -S -p 80 10.0.0.2");
    CHECK(c.flags == f::SYN);
    CHECK(c.dport == 80);
    CHECK(c.dst == ip(10, 0, 0, 2));
    CHECK(c.window == 64);
    CHECK(c.count == 1);
    CHECK(c.data_len == 0);
    CHECK(parse_as<CmdHping3>("hping3 -SA -p 80 10.0.0.2").flags == (f::SYN | f::ACK));
    CHECK(parse_as<CmdHping3>("hping3 -F -R -P -p 80 10.0.0.2").flags == (f::FIN | f::RST | f::PSH));
    CHECK(parse_as<CmdHping3>("hping3 -p 80 10.0.0.2").flags == 0);
  }
  TEST_CASE("every numeric option") {
    auto c = parse_as<CmdHping3>("hping3 -A -p 80 -s 1234 -M 4294967295 -L 7 -d 10 -w 0 -c 3 10.0.0.2");
    CHECK(c.sport == 1234);
    CHECK(c.seq == 4294967295u);
    CHECK(c.ack == 7u);
    CHECK(c.data_len == 10);
    CHECK(c.window == 0);
    CHECK(c.count == 3);
  }
  TEST_CASE("hping3 errors") {
    check_error("hping3 -S 10.0.0.2", "hping3: missing destination port (-p PORT); hping3 would send to port 0", 18);
    check_error("hping3 -S -p 80", "hping3: missing host operand", 15);
    check_error("hping3 -p 80 -M 4294967296 10.0.0.2",
                "hping3: invalid sequence number '4294967296' (expected a whole number from 0 to 4294967295)", 16);
    check_error_starts("hping3 -SX -p 80 10.0.0.2", "hping3: invalid option -- 'X'", 7);
    check_error("hping3 -S -p", "hping3: option requires an argument -- 'p'", 10);
  }
}
