// lsof -i (sim/net/tool_output.cpp format_lsof): which modelled process holds which
// socket. A console command that opens a socket is one `python3` process (PID 1000 + the
// socket's number) that also holds the connections its listener accepted; an `app …`
// program is a process named after it; sockets no process holds are not listed.
#include <doctest/doctest.h>

#include "tests/world_fixture.h"

using namespace tcplab;
using namespace tcplab::testing;

namespace {


std::string sim_text() {
  return two_hosts("client", "10.0.0.1/24", "server", "10.0.0.2/24", "1ms");
}

// The lines a command printed: what follows its "$ CMD" prompt up to the next prompt.
std::vector<std::string> output_of(const Sim& s, std::string_view node, std::string_view cmd) {
  std::vector<std::string> out;
  bool in = false;
  for (const std::string& l : s.lines(node)) {
    if (l.rfind("$ ", 0) == 0) {
      in = l == "$ " + std::string(cmd);
      continue;
    }
    if (in) out.push_back(l);
  }
  return out;
}

}  // namespace

TEST_SUITE("lsof") {
  TEST_CASE("lsof -i: a listener and its accepted connection share one python3 process - fds 3 and 4") {
    Sim s = Sim::text(sim_text());
    s.cmd("server", "tcp listen 2000 --as server");
    s.cmd("client", "tcp connect 10.0.0.2:2000 --sport 40000");
    s.run_until(50 * kMs);
    s.cmd("server", "lsof -i");
    const std::vector<std::string> want = {
        "COMMAND  PID USER   FD   TYPE DEVICE SIZE/OFF NODE NAME",
        "python3 1001 root    3u  IPv4  40001      0t0  TCP *:2000 (LISTEN)",
        "python3 1001 root    4u  IPv4  40002      0t0  TCP 10.0.0.2:2000->10.0.0.1:40000 (ESTABLISHED)",
    };
    CHECK(output_of(s, "server", "lsof -i") == want);
    s.cmd("client", "lsof -i tcp:2000");
    CHECK(output_of(s, "client", "lsof -i tcp:2000") ==
          std::vector<std::string>{"COMMAND  PID USER   FD   TYPE DEVICE SIZE/OFF NODE NAME",
                                   "python3 1001 root    3u  IPv4  40001      0t0  TCP 10.0.0.1:40000->10.0.0.2:2000 (ESTABLISHED)"});
  }

  TEST_CASE("filters: udp - tcp - a port on either end - @ADDR - a service name - nothing matching prints nothing") {
    Sim s = Sim::text(sim_text());
    s.cmd("server", "udp bind 53");
    s.cmd("server", "tcp listen 80");
    s.cmd("server", "app echo-server 7");
    s.cmd("client", "tcp connect 10.0.0.2:7 --sport 41000");
    s.run_until(50 * kMs);
    s.cmd("server", "lsof -i udp");
    CHECK(output_of(s, "server", "lsof -i udp") ==
          std::vector<std::string>{"COMMAND  PID USER   FD   TYPE DEVICE SIZE/OFF NODE NAME",
                                   "python3 1001 root    3u  IPv4  40001      0t0  UDP *:domain"});
    // A well-known port prints by its service name, as lsof does; -P prints the number.
    s.cmd("server", "lsof -P -i udp");
    CHECK(output_of(s, "server", "lsof -P -i udp").back() ==
          "python3 1001 root    3u  IPv4  40001      0t0  UDP *:53");
    s.cmd("server", "lsof -i TCP:http");
    CHECK(output_of(s, "server", "lsof -i TCP:http").size() == 2);
    // A built-in program is one process; COMMAND keeps lsof's 9 characters.
    s.cmd("server", "lsof -i :41000");
    CHECK(output_of(s, "server", "lsof -i :41000") ==
          std::vector<std::string>{"COMMAND     PID USER   FD   TYPE DEVICE SIZE/OFF NODE NAME",
                                   "echo-serv 30001 root    4u  IPv4  40004      0t0  TCP 10.0.0.2:7->10.0.0.1:41000 (ESTABLISHED)"});
    s.cmd("client", "lsof -n -P -i4@10.0.0.2");
    CHECK(output_of(s, "client", "lsof -n -P -i4@10.0.0.2").size() == 2);
    s.cmd("client", "lsof -i udp");
    CHECK(output_of(s, "client", "lsof -i udp").empty());
  }

  TEST_CASE("a socket its owner closed is no process's: TIME_WAIT shows in netstat but not in lsof") {
    Sim s = Sim::text(sim_text());
    s.cmd("server", "tcp listen 2000 --as server");
    s.cmd("client", "tcp connect 10.0.0.2:2000 --as c");
    s.run_until(50 * kMs);
    s.cmd("client", "tcp close c");
    s.run_until(60 * kMs);
    s.cmd("server", "tcp close server.1");
    s.run_until(100 * kMs);
    s.cmd("client", "netstat -ant");
    s.cmd("client", "lsof -i");
    const auto netstat = output_of(s, "client", "netstat -ant");
    CHECK(std::any_of(netstat.begin(), netstat.end(), [](const std::string& l) { return l.find("TIME_WAIT") != std::string::npos; }));
    CHECK(output_of(s, "client", "lsof -i").empty());
  }

  TEST_CASE("a connection not yet accepted belongs to no process") {
    Sim s = Sim::text(sim_text());
    s.cmd("server", "tcp listen 2000 --as server --manual-accept");
    s.cmd("client", "tcp connect 10.0.0.2:2000");
    s.run_until(50 * kMs);
    s.cmd("server", "lsof -i");
    CHECK(output_of(s, "server", "lsof -i").size() == 2);  // header + the listener
    s.cmd("server", "tcp accept server");
    s.cmd("server", "lsof -i -n");
    CHECK(output_of(s, "server", "lsof -i -n").size() == 3);
  }

  TEST_CASE("the port-in-use story: bind fails - lsof names the holder - once closed the port is free") {
    Sim s = Sim::text(sim_text());
    s.cmd("server", "tcp listen 2000 --as old");
    s.cmd("server", "tcp listen 2000");
    CHECK(s.output("server").back() == "bind: Address already in use");
    s.cmd("server", "sudo lsof -i tcp:2000");
    CHECK(output_of(s, "server", "sudo lsof -i tcp:2000").at(1).starts_with("python3 1001 root    3u"));
    s.cmd("server", "tcp close old");
    s.cmd("server", "tcp listen 2000 --as new");
    CHECK(s.output("server").back() == "s2 (new): listening on 0.0.0.0:2000 (backlog 128)");
  }

  TEST_CASE("kill PID closes every socket of the process: the listener and its connection (FIN) - a UDP port is free at once") {
    Sim s = Sim::text(sim_text());
    s.cmd("server", "tcp listen 2000 --as server");
    s.cmd("server", "udp bind 53");
    s.cmd("client", "tcp connect 10.0.0.2:2000 --as c --sport 40000");
    s.run_until(50 * kMs);
    s.cmd("server", "kill -9 1001");
    CHECK(s.output("server", 50 * kMs).empty());  // kill says nothing when it works
    s.run_until(100 * kMs);
    s.cmd("server", "lsof -i");
    CHECK(output_of(s, "server", "lsof -i") ==
          std::vector<std::string>{"COMMAND  PID USER   FD   TYPE DEVICE SIZE/OFF NODE NAME",
                                   "python3 1002 root    3u  IPv4  40002      0t0  UDP *:domain"});
    // The listener is gone; the connection was closed (FIN) and lives on as an orphan in
    // FIN_WAIT2, which still holds port 2000: as on Linux without SO_REUSEADDR, a new
    // server cannot bind it yet.
    s.cmd("server", "netstat -ant");
    CHECK(output_of(s, "server", "netstat -ant") ==
          std::vector<std::string>{"Active Internet connections (servers and established)",
                                   "Proto Recv-Q Send-Q Local Address           Foreign Address         State      ",
                                   "tcp        0      0 10.0.0.2:2000           10.0.0.1:40000          FIN_WAIT2  "});
    s.cmd("server", "tcp listen 2000 --as again");
    CHECK(s.output("server").back() == "bind: Address already in use");
    s.cmd("server", "kill 1002");
    s.cmd("server", "udp bind 53");
    CHECK(s.output("server").back() == "s4: UDP socket bound to 0.0.0.0:53 (a well-known port)");
  }

  TEST_CASE("kill: no such process - a built-in program is not stopped") {
    Sim s = Sim::text(sim_text());
    s.cmd("server", "app echo-server 7");
    s.cmd("server", "kill 4242");
    CHECK(s.output("server").back() == "kill: (4242) - No such process");
    s.cmd("server", "kill -9 30001");
    CHECK(s.output("server").back() ==
          "kill: 30001 is tcplab's built-in program echo-serv: tcplab cannot stop its built-in programs (on Linux, root could kill it)");
  }
}
