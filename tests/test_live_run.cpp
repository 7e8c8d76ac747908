// Live mode end to end (issue 5): the lessons on the real kernel at levels 1–3, their
// TCP state sequences against the simulation's, the kernel's own segments, the simulated
// TCP talking to Linux's through a TAP device, and clean-up after SIGINT.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "sim/live/netns.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/trace/pcap_writer.h"
#include "tests/live_testing.h"

namespace tcplab {
using namespace live_testing;
using scenario_testing::load_builtin;

namespace {

// The state sequences of the simulation and of the kernel, socket by socket.
void check_states_agree(const std::string& name, int level, std::optional<Time> until = std::nullopt,
                        std::vector<std::string> sets = {}) {
  const Scenario sc = load_builtin(name, sets);
  const Time end = until.value_or(sc.duration);
  const SimRun sim = run_sim(sc, end);
  const live::LiveTrace kernel = run_kernel(sc, level, end);
  const auto want = live::state_sequences(sim.ctx, sim.events);
  const auto got = live::state_sequences(kernel.ctx, kernel.events);
  INFO(name, " at level ", level, "\nsimulation:\n", sequences_text(want), "kernel:\n", sequences_text(got));
  const live::CompareResult r = live::compare_runs(sim.ctx, sim.events, kernel);
  INFO("report:\n", r.report);
  // Level 1 may miss a state shorter than its sampling between two it saw (compare.h
  // says when that is tolerated); levels 2 and 3 see every segment.
  if (level > 1) CHECK(sequences_text(got) == sequences_text(want));
  CHECK(r.states_agree);
}

}  // namespace

TEST_SUITE("live run") {

TEST_CASE("level 1: the handshake on real sockets gives the simulation's states and words") {
  if (!have_root()) return;
  check_states_agree("handshake", 1);
  const live::LiveTrace k = run_kernel(load_builtin("handshake"), 1);
  const auto client = app_texts(k.events, k.ctx, "client");
  const auto server = app_texts(k.events, k.ctx, "server");
  CHECK(has_line(server, "s1 (server): listening on 127.0.0.1:"));
  CHECK(has_line(client, "s1 (client): connected to 127.0.0.1:"));
  CHECK(has_line(server, "received 5 bytes \"hello\""));
  CHECK(has_line(client, "received 10 bytes \"helloworld\""));
  // No segments at level 1: nothing is captured.
  for (const TraceEvent& e : k.events) CHECK(e.ev != EvKind::Tx);
}

TEST_CASE("level 1: four-way close and TIME_WAIT agree with the simulation") {
  if (!have_root()) return;
  check_states_agree("four-way-close", 1);
  check_states_agree("time-wait", 1, 2500 * kMs);
}

TEST_CASE("level 2: the kernel's own segments on lo and a pcap tshark reads") {
  if (!have_root()) return;
  check_states_agree("handshake", 2);
  check_states_agree("four-way-close", 2);
  check_states_agree("time-wait", 2, 2500 * kMs);
  const live::LiveTrace k = run_kernel(load_builtin("handshake"), 2);
  std::vector<std::string> flags;
  for (const TraceEvent& e : k.events) {
    if (e.ev != EvKind::Tx) continue;
    const wire::ParsedFrame p = wire::parse_frame(e.packet().frame);
    REQUIRE(p.tcp);
    std::string f;
    if (p.tcp->flags & wire::tcpflag::SYN) f += "S";
    if (p.tcp->flags & wire::tcpflag::ACK) f += "A";
    flags.push_back(f);
  }
  REQUIRE(flags.size() >= 3);
  CHECK(flags[0] == "S");
  CHECK(flags[1] == "SA");
  CHECK(flags[2] == "A");
  if (tshark::available()) {
    const std::string pcap = std::filesystem::temp_directory_path() / ("tcplab-live-" + std::to_string(getpid()) + ".pcap");
    std::string error;
    REQUIRE(write_pcap_file(pcap, k.events, error));
    std::string out;
    CHECK(shell("/usr/bin/tshark -r " + pcap + " -Y 'tcp.flags.syn == 1' -T fields -e tcp.flags.str", &out) == 0);
    CHECK(out.find("S") != std::string::npos);
    std::filesystem::remove(pcap);
  }
}

TEST_CASE("level 3: the simulator is the wire between two namespaces") {
  if (!have_root()) return;
  check_states_agree("handshake", 3);
  check_states_agree("four-way-close", 3);
  check_states_agree("time-wait", 3, 2500 * kMs);
  const live::LiveTrace k = run_kernel(load_builtin("handshake"), 3);
  // The real kernels ARP through the simulated switch, with the scenario's addresses.
  bool arp = false, syn = false;
  for (const TraceEvent& e : k.events) {
    if (e.ev != EvKind::Tx) continue;
    const wire::ParsedFrame p = wire::parse_frame(e.packet().frame);
    if (p.arp) arp = true;
    if (p.tcp && p.ip && to_string(p.ip->src) == "192.168.1.10" && (p.tcp->flags & wire::tcpflag::SYN)) syn = true;
  }
  CHECK(arp);
  CHECK(syn);
  CHECK(k.info.namespaces.size() == 2);
  std::string netns;
  shell("ip netns list", &netns);
  for (const std::string& n : k.info.namespaces) CHECK(netns.find(n) == std::string::npos);
}

TEST_CASE("level 3: a lost SYN that the real kernel retransmits after its 1 s RTO") {
  if (!have_root()) return;
  check_states_agree("lost-syn", 3);
  const live::LiveTrace k = run_kernel(load_builtin("lost-syn"), 3);
  std::vector<Time> syns;
  bool dropped = false;
  for (const TraceEvent& e : k.events) {
    if (e.ev != EvKind::Tx && e.ev != EvKind::Drop) continue;
    const wire::ParsedFrame p = wire::parse_frame(e.packet().frame);
    if (!p.tcp || !(p.tcp->flags & wire::tcpflag::SYN) || (p.tcp->flags & wire::tcpflag::ACK)) continue;
    if (e.ev == EvKind::Drop) dropped = e.packet().why == DropWhy::Fault;
    else if (k.ctx.node_names[size_t(e.node)] == "client") syns.push_back(e.t);
  }
  CHECK(dropped);
  REQUIRE(syns.size() == 2);
  // Linux: TCP_TIMEOUT_INIT = 1 s (TCP-REFERENCE.md §4).
  CHECK(syns[1] - syns[0] >= 950 * kMs);
  CHECK(syns[1] - syns[0] <= 1200 * kMs);
}

// More lessons, chosen for what the first review of the runner found: TIME_WAIT reached
// while the program still holds the fd (half-close), SYNs a full backlog drops, RSTs from
// unread data and from a closed port, crossing SYNs and FINs (level 3 only: on `lo` there is
// no delay for them to cross), FINs behind lost data, the file server and downloader.
TEST_CASE("level 3: half-close and backlog and resets and crossing segments agree with the simulation") {
  if (!have_root()) return;
  for (const char* name : {"half-close", "backlog", "close-with-unread-data", "connection-refused",
                           "simultaneous-open", "simultaneous-close"})
    check_states_agree(name, 3);
}

TEST_CASE("level 3: lost segments and zero window and the file download agree with the simulation") {
  if (!have_root()) return;
  for (const char* name : {"lost-final-ack", "lost-synack", "lost-data", "zero-window", "file-download"})
    check_states_agree(name, 3);
}

TEST_CASE("levels 1 and 2: half-close and the file download agree and lo shows ICMP port unreachable") {
  if (!have_root()) return;
  for (int level : {1, 2}) {
    check_states_agree("half-close", level);
    check_states_agree("file-download", level);
  }
  check_states_agree("close-with-unread-data", 2);
  check_states_agree("connection-refused", 2);
  const live::LiveTrace k = run_kernel(load_builtin("udp-port-unreachable"), 2);
  bool unreachable = false;
  for (const TraceEvent& e : k.events) {
    if (e.ev != EvKind::Tx) continue;
    const wire::ParsedFrame p = wire::parse_frame(e.packet().frame);
    if (p.icmp && p.icmp->type == 3 && p.icmp->code == 3 && k.ctx.node_names[size_t(e.node)] == "server")
      unreachable = true;
  }
  CHECK(unreachable);
}

namespace {

// Runs a level-3 scenario with a simulated and a real host until `done` appears in an
// app line of `node`, then two more seconds (for the close), or until `limit`.
live::LiveTrace run_interop(const std::string& file, const std::string& node, const std::string& done, Time limit) {
  LoadResult lr = load_scenario_file(std::string(TCPLAB_SOURCE_DIR) + "/tests/data/live/" + file);
  REQUIRE(lr.scenario);
  live::LiveOptions o;
  o.level = 3;
  o.until = limit;
  std::string error;
  auto run = live::LiveRun::start(*lr.scenario, o, error);
  INFO(error);
  REQUIRE(run);
  live::LiveTrace out;
  std::optional<Time> finished;
  while (run->advance(50 * kMs)) {
    for (TraceEvent& e : run->take_trace()) {
      if (e.ev == EvKind::App && run->context().node_names[size_t(e.node)] == node &&
          e.app().text.find(done) != std::string::npos && !finished)
        finished = e.t;
      out.events.push_back(std::move(e));
    }
    if (finished && run->now() > *finished + 2 * kSec) break;
  }
  for (TraceEvent& e : run->take_trace()) out.events.push_back(std::move(e));
  out.ctx = run->context();
  out.info = run->info();
  return out;
}

void check_transfer(const live::LiveTrace& k, const std::string& client, const std::string& server) {
  const auto lines = app_texts(k.events, k.ctx, client);
  std::string all;
  for (const std::string& l : lines) all += l + "\n";
  INFO(all);
  CHECK(has_line(lines, "requests: 1 request of 1048576 bytes over 1 connection"));
  CHECK_FALSE(has_line(lines, "differ from the requests"));
  // Loss really happened, and was recovered from.
  size_t lost = 0, retx = 0;
  for (const TraceEvent& e : k.events) {
    if (e.ev == EvKind::Drop && e.packet().why == DropWhy::Loss) lost++;
    if (e.ev == EvKind::Tx && e.packet().retx) retx++;
  }
  CHECK(lost > 50);
  CHECK(retx > 20);
  // A clean close on both sides: each connection socket ends in TIME_WAIT or CLOSED.
  for (const live::SocketStates& s : live::state_sequences(k.ctx, k.events)) {
    if (s.states.empty() || s.states.front() == "LISTEN") continue;
    INFO(s.node, " ", s.sock, ": ", sequences_text({s}));
    CHECK((s.states.back() == "TIME_WAIT" || s.states.back() == "CLOSED"));
    CHECK(std::find(s.states.begin(), s.states.end(), "ESTABLISHED") != s.states.end());
  }
  (void)server;
}

}  // namespace

TEST_CASE("interop: the simulated TCP sends 1 MB to a real Linux echo server and back with 10 percent loss") {
  if (!have_root()) return;
  const live::LiveTrace k = run_interop("interop-1mb.toml", "sim", "requests: 1 request", 110 * kSec);
  check_transfer(k, "sim", "linux");
}

TEST_CASE("interop: a real Linux client sends 1 MB to the simulated echo server and back with 10 percent loss") {
  if (!have_root()) return;
  const live::LiveTrace k = run_interop("interop-linux-client.toml", "linux", "requests: 1 request", 110 * kSec);
  check_transfer(k, "linux", "sim");
}

TEST_CASE("SIGINT in the middle of a level-3 run leaves no namespace or device or socket") {
  if (!have_root()) return;
  const std::string out_file = std::filesystem::temp_directory_path() / ("tcplab-sigint-" + std::to_string(getpid()));
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    const std::string bin = tcplab_binary();
    const int fd = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    execl(bin.c_str(), bin.c_str(), "live", "run", "time-wait", "--level", "3", static_cast<char*>(nullptr));
    _exit(127);
  }
  // Let it set up and open its connections, then interrupt it.
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  std::string netns;
  shell("ip netns list", &netns);
  CHECK(netns.find("tcplab-" + std::to_string(child) + "-") != std::string::npos);
  // Its sockets, inside the server's namespace: the listener on port 80 (and c1's
  // connection), owned by the child.
  std::string socks;
  shell("ip netns exec tcplab-" + std::to_string(child) + "-server ss -tanp", &socks);
  CHECK(socks.find("pid=" + std::to_string(child) + ",") != std::string::npos);
  kill(child, SIGINT);
  int status = 0;
  waitpid(child, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  shell("ip netns list", &netns);
  CHECK(netns.find("tcplab-" + std::to_string(child) + "-") == std::string::npos);
  std::string links;
  shell("ip -o link show", &links);
  CHECK(links.find("tl" + std::to_string(child) + "-") == std::string::npos);
  shell("ss -tanp", &socks);
  CHECK(socks.find("pid=" + std::to_string(child) + ",") == std::string::npos);
  std::filesystem::remove(out_file);
}

TEST_CASE("without the capabilities live mode says which one is missing and runs at level 1") {
  if (!have_root()) return;
  const Level1Lock one_at_a_time(1);  // both runs fall back to level 1 (127.0.0.1, port 2000)
  std::string out;
  // Root without CAP_NET_RAW, CAP_NET_ADMIN and CAP_SYS_ADMIN, as an unprivileged user is.
  const int rc = shell("setpriv --inh-caps=-net_raw,-net_admin,-sys_admin --bounding-set=-net_raw,-net_admin,-sys_admin " +
                           tcplab_binary() + " live run handshake --level 3 --format table",
                       &out);
  INFO(out);
  CHECK(rc == 0);
  CHECK(out.find("CAP_NET_ADMIN") != std::string::npos);
  CHECK(out.find("setcap") != std::string::npos);
  CHECK(out.find("level 1") != std::string::npos);
  CHECK(out.find("received 5 bytes") != std::string::npos);
  const int rc2 = shell("setpriv --inh-caps=-net_raw --bounding-set=-net_raw " + tcplab_binary() +
                            " live run handshake --level 2 --format table",
                        &out);
  INFO(out);
  CHECK(rc2 == 0);
  CHECK(out.find("CAP_NET_RAW") != std::string::npos);
}

TEST_CASE("kernel = true marks a host for live level 3 and only a host") {
  const std::string base = "title = \"t\"\n[[node]]\nname = \"a\"\ntype = \"host\"\nifaces = { eth0 = \"10.0.0.1/24\" }\n";
  LoadResult ok = load_scenario_text(base + "kernel = true\n", "k.toml");
  REQUIRE(ok.scenario);
  CHECK(ok.scenario->nodes[0].kernel);
  LoadResult router = load_scenario_text(
      "title = \"t\"\n[[node]]\nname = \"r\"\ntype = \"router\"\nifaces = { eth0 = \"10.0.0.1/24\" }\nkernel = true\n", "r.toml");
  REQUIRE_FALSE(router.scenario);
  CHECK(router.errors[0].format() == "r.toml:6:10: only a host can be a real kernel (kernel = true), not a router");
  LoadResult sw = load_scenario_text("title = \"t\"\n[[node]]\nname = \"s\"\ntype = \"switch\"\nkernel = true\n", "s.toml");
  REQUIRE_FALSE(sw.scenario);
  CHECK(sw.errors[0].format().find("only a host can be a real kernel") != std::string::npos);
  LoadResult typo = load_scenario_text(base + "kernle = true\n", "t.toml");
  REQUIRE_FALSE(typo.scenario);
  CHECK(typo.errors[0].format().find("did you mean 'kernel'") != std::string::npos);
  // The simulator ignores the mark: the host is simulated like any other.
  World w = World::from_scenario(*ok.scenario);
  CHECK_FALSE(w.nodes()[0].kernel);
}

TEST_CASE("bad input to tcplab live gets a clear error and exit 2") {
  std::string out;
  CHECK(shell(tcplab_binary() + " live run handshake --levle 2", &out) == 2);
  CHECK(out.find("did you mean '--level'") != std::string::npos);
  CHECK(shell(tcplab_binary() + " live run handshake --level 4", &out) == 2);
  CHECK(out.find("1, 2 or 3") != std::string::npos);
  CHECK(shell(tcplab_binary() + " live run no-such-lesson", &out) == 2);
  CHECK(shell(tcplab_binary() + " live compar handshake", &out) == 2);
  CHECK(out.find("did you mean 'compare'") != std::string::npos);
  if (geteuid() == 0) {  // level 3 is where --kernel matters
    CHECK(shell(tcplab_binary() + " live run handshake --level 3 --kernel sw1", &out) == 1);
    CHECK(out.find("only hosts") != std::string::npos);
  }
}

}  // TEST_SUITE
}  // namespace tcplab
