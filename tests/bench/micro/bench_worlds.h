// Worlds the micro benchmarks and the scale checks share, built the way a user builds
// one: scenario text through the loader, then World::from_scenario. Generated in code
// rather than kept as .toml files because their size is a parameter.
#pragma once
#include <cstdint>
#include <string>

#include "sim/net/world.h"
#include "sim/scenario/scenario.h"

namespace tcplab::bench {

// Issue 6's "many hosts" shape: `hosts` hosts spread over `subnets` switched subnets
// (10.0.S.0/24, at most 250 hosts each) behind one router, and a server on a subnet of
// its own (10.0.200.10). Each host pings the server once a second, the first pings
// spread over the first second. Nodes: hosts + subnets switches + router + server.
std::string many_hosts_toml(int hosts, int subnets, Time duration);

// A server (10.1.0.1, `tcp listen 80`) and `clients` client hosts on one switch, in
// 10.1.0.0/16 with 1 ms links. The scale check opens connections from the clients.
std::string connections_toml(int clients);
// The address of client `i` (0-based) in connections_toml().
Ipv4 connections_client_addr(int i);

// Loads scenario text or exits with the loader's messages (a generator bug, not user input).
Scenario load_or_die(const std::string& toml, const std::string& name);
// A lesson from scenarios/ (e.g. "handshake.toml") or a file under tests/bench/.
Scenario load_file_or_die(const std::string& path);

// The 1,000-host world of the snapshot benchmarks (1,012 nodes), after `run_for` of
// simulated time so that ARP caches, MAC tables, pings and timers are filled in. Its
// pending trace is taken, as the Session does after every event.
World many_hosts_world(Time run_for);

}  // namespace tcplab::bench
