// Worlds shared by tcplab_micro_bench and tcplab_scale_bench (bench_worlds.h).
#include "tests/bench/micro/bench_worlds.h"

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "sim/scenario/scenario_loader.h"

namespace tcplab::bench {

std::string many_hosts_toml(int hosts, int subnets, Time duration) {
  if (subnets < 1 || subnets > 199 || hosts < 1 || hosts > subnets * 250) {
    std::fprintf(stderr, "many_hosts_toml: %d hosts on %d subnets do not fit\n", hosts, subnets);
    std::exit(2);
  }
  std::ostringstream t;
  t << "title = \"Benchmark: " << hosts << " hosts pinging a server\"\n"
    << "duration = \"" << format_duration(duration) << "\"\n\n";
  t << "[[node]]\nname = \"router\"\ntype = \"router\"\nifaces = { ";
  for (int s = 0; s < subnets; ++s) t << "eth" << s << " = \"10.0." << s << ".1/24\", ";
  t << "eth" << subnets << " = \"10.0.200.1/24\" }\n\n";
  t << "[[node]]\nname = \"server\"\ntype = \"host\"\nifaces = { eth0 = \"10.0.200.10/24\" }\n"
    << "gateway = \"10.0.200.1\"\n\n";
  for (int s = 0; s < subnets; ++s) t << "[[node]]\nname = \"sw" << s << "\"\ntype = \"switch\"\n\n";
  const int per_subnet = (hosts + subnets - 1) / subnets;
  for (int h = 0; h < hosts; ++h) {
    const int s = h / per_subnet, k = h % per_subnet;
    t << "[[node]]\nname = \"h" << h << "\"\ntype = \"host\"\nifaces = { eth0 = \"10.0." << s << "."
      << (k + 2) << "/24\" }\ngateway = \"10.0." << s << ".1\"\n\n";
  }
  for (int s = 0; s < subnets; ++s)
    t << "[[link]]\na = \"router:eth" << s << "\"\nb = \"sw" << s << "\"\ndelay = \"1ms\"\nrate = \"1Gbps\"\n\n";
  t << "[[link]]\na = \"router:eth" << subnets << "\"\nb = \"server\"\ndelay = \"1ms\"\nrate = \"1Gbps\"\n\n";
  for (int h = 0; h < hosts; ++h)
    t << "[[link]]\na = \"h" << h << "\"\nb = \"sw" << h / per_subnet
      << "\"\ndelay = \"1ms\"\nrate = \"100Mbps\"\n\n";
  for (int h = 0; h < hosts; ++h) {
    // Spread the first pings over the first second: not 1,000 ARP storms at once.
    const Time at = Time(h) * kSec / hosts;
    t << "[[step]]\nat = \"" << format_duration(at) << "\"\non = \"h" << h
      << "\"\ncmd = \"ping 10.0.200.10\"\n\n";
  }
  return t.str();
}

Ipv4 connections_client_addr(int i) {
  return Ipv4::of(10, 1, static_cast<uint8_t>(1 + i / 250), static_cast<uint8_t>(1 + i % 250));
}

std::string connections_toml(int clients) {
  if (clients < 1 || clients > 250 * 250) {
    std::fprintf(stderr, "connections_toml: %d clients do not fit in 10.1.0.0/16\n", clients);
    std::exit(2);
  }
  std::ostringstream t;
  t << "title = \"Benchmark: " << clients << " clients, one server\"\nduration = \"600s\"\n\n";
  t << "[[node]]\nname = \"server\"\ntype = \"host\"\nifaces = { eth0 = \"10.1.0.1/16\" }\n\n";
  t << "[[node]]\nname = \"sw\"\ntype = \"switch\"\n\n";
  for (int c = 0; c < clients; ++c)
    t << "[[node]]\nname = \"c" << c << "\"\ntype = \"host\"\nifaces = { eth0 = \""
      << to_string(connections_client_addr(c)) << "/16\" }\n\n";
  t << "[[link]]\na = \"server\"\nb = \"sw\"\ndelay = \"1ms\"\n\n";
  for (int c = 0; c < clients; ++c) t << "[[link]]\na = \"c" << c << "\"\nb = \"sw\"\ndelay = \"1ms\"\n\n";
  // somaxconn (4096) caps the backlog: the check opens connections at a pace the
  // listener's queues keep up with, and the listener accepts each at once (--read auto).
  t << "[[step]]\nat = \"0ms\"\non = \"server\"\ncmd = \"tcp listen 80 --backlog 4096\"\n";
  return t.str();
}

Scenario load_or_die(const std::string& toml, const std::string& name) {
  LoadResult r = load_scenario_text(toml, name);
  if (!r.scenario) {
    for (const LoadError& e : r.errors) std::fprintf(stderr, "%s\n", e.format().c_str());
    std::exit(1);
  }
  return std::move(*r.scenario);
}

Scenario load_file_or_die(const std::string& path) {
  LoadResult r = load_scenario_file(path);
  if (!r.scenario) {
    for (const LoadError& e : r.errors) std::fprintf(stderr, "%s\n", e.format().c_str());
    std::exit(1);
  }
  return std::move(*r.scenario);
}

World many_hosts_world(Time run_for) {
  World w = World::from_scenario(load_or_die(many_hosts_toml(1000, 10, 10 * kSec), "many-hosts"));
  w.run_until(run_for);
  w.take_trace();
  return w;
}

}  // namespace tcplab::bench
