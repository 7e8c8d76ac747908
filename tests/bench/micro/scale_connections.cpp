// (a) 100,000 concurrent established TCP connections in one world (issue 6: within 1 GB).
// A server listening on port 80 and 100 client hosts on one switch (bench_worlds.h); each
// client opens its share with `tcp connect` typed on its console, as a student would,
// paced so that the listener's SYN queue (backlog 4096, somaxconn) never overflows. The
// connections then stay open and idle. The trace is taken and dropped as the run goes:
// what is measured is the world holding the connections.
#include <cstdio>
#include <string>
#include <vector>

#include "sim/scenario/command.h"
#include "tests/bench/micro/bench_worlds.h"
#include "tests/bench/micro/scale_checks.h"

namespace tcplab::bench {
namespace {

// Connections opened per simulated millisecond. The round trip is 4 ms (two 1 ms links
// each way), so about 4 × this many are half-open at a time: well under the 4096 backlog.
constexpr int kPerMs = 500;

struct Count {
  size_t client_established = 0, server_established = 0, sockets = 0;
};

Count count(const World& w) {
  Count c;
  for (size_t i = 0; i < w.nodes().size(); ++i)
    for (const TcpSocket& s : w.nodes()[i].tcp) {
      ++c.sockets;
      if (s.state != TcpState::Established) continue;
      (i == 0 ? c.server_established : c.client_established)++;
    }
  return c;
}

}  // namespace

void check_connections(const ScaleOptions& o) {
  const long rss_start = peak_rss_kib();
  const double t0 = wall_seconds();
  World w = World::from_scenario(load_or_die(connections_toml(o.clients), "connections"));
  w.run_until(0);  // the server's `tcp listen`
  w.take_trace();
  const std::string text = "tcp connect 10.1.0.1:80";
  const Command cmd = *parse_command(text);
  std::vector<int32_t> clients;
  for (int i = 0; i < o.clients; ++i) clients.push_back(w.node_index("c" + std::to_string(i)));
  int opened = 0;
  size_t client = 0;
  while (opened < o.connections) {
    for (int k = 0; k < kPerMs && opened < o.connections; ++k, ++opened) {
      w.run_command(clients[client], cmd, text);
      client = (client + 1) % clients.size();
    }
    w.run_until(w.now() + kMs);
    w.take_trace();
  }
  // Let the last handshakes finish (and the delayed ACK timers fire), then leave the
  // connections idle.
  w.run_until(w.now() + kSec);
  w.take_trace();
  const double setup = wall_seconds() - t0;
  const Count c = count(w);
  const long rss_peak = peak_rss_kib();

  char buf[256];
  std::snprintf(buf, sizeof buf, "%d opened from %d clients; established: %zu client side, %zu server side",
                o.connections, o.clients, c.client_established, c.server_established);
  print_info("connections", buf);
  std::snprintf(buf, sizeof buf, "%.3f s simulated, %llu events, %zu sockets in the world", double(w.now()) / kSec,
                static_cast<unsigned long long>(w.events_executed()), c.sockets);
  print_info("run", buf);
  if (c.client_established != size_t(o.connections) || c.server_established != size_t(o.connections))
    print_info("WARNING", "not every connection is established: the figures below do not measure the target");
  const double mib = rss_peak / 1024.0;
  print_figure("peak memory (whole process)", mib, "MiB", 1024.0 * o.connections / 100'000);
  if (o.connections != 100'000) print_info("", "(the target scaled to this many connections: 1 GB per 100,000)");
  std::snprintf(buf, sizeof buf, "%.0f bytes per connection (peak minus start, both ends)",
                (rss_peak - rss_start) * 1024.0 / o.connections);
  print_info("per connection", buf);
  print_info("set-up time (wall)", std::to_string(setup).substr(0, 6) + " s (no target; "
             + std::to_string(static_cast<long long>(w.events_executed() / setup)) + " events/s)");
}

}  // namespace tcplab::bench
