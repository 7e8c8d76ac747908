// The dumbbell benchmark in ns-3: the same work as `gen_macro_bench.py dumbbell` in tcplab.
// N senders behind r1, N receivers behind r2, each on its own 10 Gbps/1 ms link (queue 1000
// packets); r1-r2 is the 1 Gbps/20 ms bottleneck with a drop-tail queue of 100 packets.
// Sender i starts a bulk NewReno transfer to receiver i at 200 + i ms (tcplab's scenario
// resolves ARP with one ping per pair before; point-to-point links have no ARP). Prints, at the end,
//   delivered_bytes=B flows=N
// where B is what the receivers' programs read, in order, over all flows.
//   ns3_dumbbell [--flows=N] [--seconds=S]
#include "common.h"

#include "ns3/applications-module.h"
#include "ns3/point-to-point-module.h"

using namespace ns3;

int main(int argc, char** argv) {
  long flows = 1, seconds = 10;
  bench::parse_flags(argc, argv, {bench::Flag{"flows", &flows}, bench::Flag{"seconds", &seconds}});
  if (flows > 250) {
    std::fprintf(stderr, "%s: at most 250 flows (one /24 per access link)\n", argv[0]);
    return 2;
  }
  bench::configure_like_tcplab();

  NodeContainer routers, senders, receivers;
  routers.Create(2);
  senders.Create(flows);
  receivers.Create(flows);
  InternetStackHelper stack;
  stack.InstallAll();

  PointToPointHelper access, bottleneck;
  access.SetDeviceAttribute("DataRate", StringValue("10Gbps"));
  access.SetChannelAttribute("Delay", StringValue("1ms"));
  access.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", StringValue("1000p"));
  bottleneck.SetDeviceAttribute("DataRate", StringValue("1Gbps"));
  bottleneck.SetChannelAttribute("Delay", StringValue("20ms"));
  bottleneck.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", StringValue("100p"));

  Ipv4AddressHelper addr;
  NetDeviceContainer core = bottleneck.Install(routers.Get(0), routers.Get(1));
  addr.SetBase("10.255.0.0", "255.255.255.252");
  addr.Assign(core);
  bench::remove_queue_discs(core);
  std::vector<Ipv4Address> receiver_addrs;
  for (long i = 0; i < flows; ++i) {
    NetDeviceContainer s = access.Install(senders.Get(i), routers.Get(0));
    addr.SetBase(("10.1." + std::to_string(i) + ".0").c_str(), "255.255.255.0", "0.0.0.2");
    addr.Assign(s);
    bench::remove_queue_discs(s);
    NetDeviceContainer d = access.Install(receivers.Get(i), routers.Get(1));
    addr.SetBase(("10.2." + std::to_string(i) + ".0").c_str(), "255.255.255.0", "0.0.0.2");
    receiver_addrs.push_back(addr.Assign(d).GetAddress(0));
    bench::remove_queue_discs(d);
  }
  Ipv4GlobalRoutingHelper::PopulateRoutingTables();

  std::vector<Ptr<PacketSink>> sinks;
  for (long i = 0; i < flows; ++i) {
    PacketSinkHelper sink("ns3::TcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), 5001));
    ApplicationContainer a = sink.Install(receivers.Get(i));
    a.Start(Seconds(0));
    sinks.push_back(DynamicCast<PacketSink>(a.Get(0)));
    BulkSendHelper send("ns3::TcpSocketFactory", InetSocketAddress(receiver_addrs[i], 5001));
    send.SetAttribute("MaxBytes", UintegerValue(0));  // until the end, as `app bulk-send`
    send.SetAttribute("SendSize", UintegerValue(1448));
    ApplicationContainer b = send.Install(senders.Get(i));
    b.Start(MilliSeconds(200 + i));
  }

  Simulator::Stop(Seconds(seconds));
  Simulator::Run();
  uint64_t delivered = 0;
  for (const auto& s : sinks) delivered += s->GetTotalRx();
  std::printf("delivered_bytes=%llu flows=%ld\n", (unsigned long long)delivered, flows);
  Simulator::Destroy();
  return 0;
}
