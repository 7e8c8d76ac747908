// The handshake storm in ns-3: the same work as `gen_macro_bench.py storm` in tcplab. A
// client and a server through one router (1 Gbps/1 ms links, queue 100 packets); every
// interval the client opens a connection, sends `size` bytes and closes (tcplab's
// `app bulk-send ADDR --bytes N`); the server reads each connection to its end and closes
// it (tcplab's `app bulk-sink`). Prints, at the end,
//   completed_connections=C delivered_bytes=B
// C counting the connections whose FIN reached the server after all their data.
//   ns3_storm [--connections=N] [--interval-ms=MS] [--size=BYTES]
#include "common.h"

#include "ns3/point-to-point-module.h"

using namespace ns3;

namespace {

long g_size = 1024;
uint64_t g_delivered = 0, g_completed = 0;
Ipv4Address g_server;

// Client side: connect; once connected, queue the bytes and close (the FIN follows them).
void client_connected(Ptr<Socket> s) {
  Ptr<Packet> p = Create<Packet>(static_cast<uint32_t>(g_size));
  s->Send(p);
  s->Close();
}
void client_failed(Ptr<Socket>) { std::fprintf(stderr, "ns3_storm: a connection failed\n"); }

void open_connection(Ptr<Node> client) {
  Ptr<Socket> s = Socket::CreateSocket(client, TcpSocketFactory::GetTypeId());
  s->Bind();
  s->SetConnectCallback(MakeCallback(&client_connected), MakeCallback(&client_failed));
  s->Connect(InetSocketAddress(g_server, 5001));
}

// Server side: read everything; the peer's FIN (normal close) completes the connection.
// After the peer's FIN, ns-3's Recv() returns an empty packet (end of file), not null.
void server_read(Ptr<Socket> s) {
  while (Ptr<Packet> p = s->Recv()) {
    if (p->GetSize() == 0) break;
    g_delivered += p->GetSize();
  }
}
void server_peer_closed(Ptr<Socket> s) {
  server_read(s);
  ++g_completed;
  s->Close();
}
void server_error(Ptr<Socket>) {}
void server_accepted(Ptr<Socket> s, const Address&) {
  s->SetRecvCallback(MakeCallback(&server_read));
  s->SetCloseCallbacks(MakeCallback(&server_peer_closed), MakeCallback(&server_error));
}

}  // namespace

int main(int argc, char** argv) {
  long connections = 10000, interval_ms = 1;
  bench::parse_flags(argc, argv,
                     {bench::Flag{"connections", &connections}, bench::Flag{"interval-ms", &interval_ms},
                      bench::Flag{"size", &g_size}});
  bench::configure_like_tcplab();

  NodeContainer nodes;
  nodes.Create(3);  // client, router, server
  InternetStackHelper stack;
  stack.InstallAll();
  PointToPointHelper p2p;
  p2p.SetDeviceAttribute("DataRate", StringValue("1Gbps"));
  p2p.SetChannelAttribute("Delay", StringValue("1ms"));
  p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", StringValue("100p"));
  NetDeviceContainer a = p2p.Install(nodes.Get(0), nodes.Get(1));
  NetDeviceContainer b = p2p.Install(nodes.Get(1), nodes.Get(2));
  Ipv4AddressHelper addr;
  addr.SetBase("10.1.0.0", "255.255.255.0", "0.0.0.2");
  Ipv4InterfaceContainer ia = addr.Assign(a);
  addr.SetBase("10.2.0.0", "255.255.255.0", "0.0.0.1");
  Ipv4InterfaceContainer ib = addr.Assign(b);
  bench::remove_queue_discs(a);
  bench::remove_queue_discs(b);
  g_server = ib.GetAddress(1);
  Ipv4GlobalRoutingHelper::PopulateRoutingTables();

  Ptr<Socket> listener = Socket::CreateSocket(nodes.Get(2), TcpSocketFactory::GetTypeId());
  listener->Bind(InetSocketAddress(Ipv4Address::GetAny(), 5001));
  listener->Listen();
  listener->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                              MakeCallback(&server_accepted));

  for (long i = 0; i < connections; ++i)
    Simulator::Schedule(MilliSeconds(i * interval_ms), &open_connection, nodes.Get(0));

  // As the tcplab scenario: one more second after the last connection opens.
  Simulator::Stop(MilliSeconds((connections - 1) * interval_ms + 1000));
  Simulator::Run();
  std::printf("completed_connections=%llu delivered_bytes=%llu\n", (unsigned long long)g_completed,
              (unsigned long long)g_delivered);
  Simulator::Destroy();
  return 0;
}
