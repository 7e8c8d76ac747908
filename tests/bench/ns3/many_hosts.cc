// The many-hosts benchmark in ns-3: the same work as `gen_macro_bench.py many-hosts` in
// tcplab. S subnets of H/S hosts; each subnet is a switch (a bridge over one CSMA link per
// port, as tcplab's switch has one Ethernet link per port) and a router, the routers hang off
// a core router, and the server sits behind the core. Every link 1 Gbps/10 us, queue 100
// packets, Ethernet with ARP as in tcplab. (A CSMA channel stays busy for its propagation
// delay after each frame: with 1 ms a router's port would carry about 1,000 frames a second.) Host j pings the server P times, once a second,
// from j ms on. Prints, at the end,
//   pings_sent=N pings_answered=A
//   ns3_many_hosts [--hosts=H] [--subnets=S] [--pings=P]
#include "common.h"

#include "ns3/bridge-module.h"
#include "ns3/csma-module.h"
#include "ns3/internet-apps-module.h"

using namespace ns3;

namespace {

uint64_t g_answered = 0;
void on_reply(Time) { ++g_answered; }

// One Ethernet link between two nodes: a CSMA channel with just these two on it.
NetDeviceContainer ethernet(CsmaHelper& csma, Ptr<Node> a, Ptr<Node> b) {
  return csma.Install(NodeContainer(a, b));
}

}  // namespace

int main(int argc, char** argv) {
  long hosts = 1000, subnets = 10, pings = 10;
  bench::parse_flags(argc, argv,
                     {bench::Flag{"hosts", &hosts}, bench::Flag{"subnets", &subnets}, bench::Flag{"pings", &pings}});
  if (hosts % subnets) {
    std::fprintf(stderr, "%s: --hosts %ld is not a multiple of --subnets %ld\n", argv[0], hosts, subnets);
    return 2;
  }
  const long per = hosts / subnets;
  if (per > 250 || subnets > 250) {
    std::fprintf(stderr, "%s: at most 250 subnets of 250 hosts (one /24 each)\n", argv[0]);
    return 2;
  }

  bench::configure_like_tcplab();
  CsmaHelper csma;
  csma.SetChannelAttribute("DataRate", StringValue("1Gbps"));
  csma.SetChannelAttribute("Delay", StringValue("10us"));
  csma.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", StringValue("100p"));
  InternetStackHelper stack;
  Ipv4AddressHelper addr;
  BridgeHelper bridge;

  // Static routes, as the tcplab scenario has (gateway, routes): ns-3's global routing would
  // run a shortest-path computation per node, which takes over a minute with 1,000 hosts and
  // is not the work being compared. Interface 0 is the loopback; the others follow the order
  // in which the links are made.
  Ipv4StaticRoutingHelper static_routing;
  auto routes_of = [&](Ptr<Node> n) { return static_routing.GetStaticRouting(n->GetObject<Ipv4>()); };

  Ptr<Node> server = CreateObject<Node>(), core = CreateObject<Node>();
  stack.Install(NodeContainer(server, core));
  NetDeviceContainer sc = ethernet(csma, core, server);  // core 10.0.0.1, server 10.0.0.2
  addr.SetBase("10.0.0.0", "255.255.255.0", "0.0.0.1");
  const Ipv4Address server_addr = addr.Assign(sc).GetAddress(1);
  bench::remove_queue_discs(sc);
  routes_of(server)->SetDefaultRoute(Ipv4Address("10.0.0.1"), 1);

  NodeContainer all_hosts;
  for (long s = 0; s < subnets; ++s) {
    Ptr<Node> router = CreateObject<Node>(), sw = CreateObject<Node>();
    stack.Install(router);
    NetDeviceContainer up = ethernet(csma, core, router);  // core .1, router .2
    addr.SetBase(("10.255." + std::to_string(s) + ".0").c_str(), "255.255.255.252", "0.0.0.1");
    addr.Assign(up);
    bench::remove_queue_discs(up);
    const std::string core_side = "10.255." + std::to_string(s) + ".1", router_side = "10.255." + std::to_string(s) + ".2";
    const std::string subnet = "10." + std::to_string(s + 1) + ".0.0", gateway = "10." + std::to_string(s + 1) + ".0.1";
    routes_of(router)->SetDefaultRoute(Ipv4Address(core_side.c_str()), 1);
    routes_of(core)->AddNetworkRouteTo(Ipv4Address(subnet.c_str()), Ipv4Mask("255.255.255.0"),
                                       Ipv4Address(router_side.c_str()), static_cast<uint32_t>(s + 2));

    NodeContainer members(router);
    NetDeviceContainer ports, members_devs;
    for (long h = 0; h < per; ++h) {
      Ptr<Node> host = CreateObject<Node>();
      stack.Install(host);
      all_hosts.Add(host);
      members.Add(host);
    }
    for (uint32_t m = 0; m < members.GetN(); ++m) {
      NetDeviceContainer d = ethernet(csma, members.Get(m), sw);
      members_devs.Add(d.Get(0));
      ports.Add(d.Get(1));
    }
    bridge.Install(sw, ports);
    addr.SetBase(("10." + std::to_string(s + 1) + ".0.0").c_str(), "255.255.255.0", "0.0.0.1");
    addr.Assign(members_devs);  // the router first: .1, the hosts from .2
    bench::remove_queue_discs(members_devs);
    for (uint32_t m = 1; m < members.GetN(); ++m) routes_of(members.Get(m))->SetDefaultRoute(Ipv4Address(gateway.c_str()), 1);
  }

  V4PingHelper ping(server_addr);
  ping.SetAttribute("Interval", TimeValue(Seconds(1)));
  for (uint32_t j = 0; j < all_hosts.GetN(); ++j) {
    ApplicationContainer app = ping.Install(all_hosts.Get(j));
    app.Start(MilliSeconds(j));
    // Sends at start, start + 1 s, …: stopping half a second after the last gives P pings.
    app.Stop(MilliSeconds(j) + Seconds(pings - 1) + MilliSeconds(500));
  }
  Config::ConnectWithoutContext("/NodeList/*/ApplicationList/*/$ns3::V4Ping/Rtt", MakeCallback(&on_reply));

  Simulator::Stop(MilliSeconds(hosts + pings * 1000 + 1000));
  Simulator::Run();
  std::printf("pings_sent=%ld pings_answered=%llu\n", hosts * pings, (unsigned long long)g_answered);
  Simulator::Destroy();
  return 0;
}
