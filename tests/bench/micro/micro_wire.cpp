// Parsing and serialising the wire formats (sim/wire/headers.h, frame.h), one protocol at
// a time, with the packets the simulator really sends: an ARP request, an ICMP echo of
// ping's 56 bytes, a UDP datagram, a TCP SYN with every option tcplab sends (MSS, window
// scale, SACK-permitted, timestamps) and a full-sized data segment (1448 bytes and
// timestamps). Also the whole-frame dissection (parse_frame) that the trace formatters,
// the fault filter and the inspector run on every frame, and the frame builders the
// protocol code sends through.
#include <benchmark/benchmark.h>

#include <vector>

#include "sim/wire/frame.h"
#include "sim/wire/headers.h"

namespace tcplab {
namespace {

using namespace wire;

const Mac kMacA{{0x02, 0, 0, 0, 0, 0x01}}, kMacB{{0x02, 0, 0, 0, 0, 0x02}};
const Ipv4 kSrc = Ipv4::of(10, 0, 1, 10), kDst = Ipv4::of(10, 0, 2, 20);

EthernetHeader eth(uint16_t type) { return EthernetHeader{kMacB, kMacA, type}; }

Ipv4Header ip(uint8_t proto) {
  Ipv4Header h;
  h.protocol = proto;
  h.id = 4321;
  h.df = true;
  h.src = kSrc;
  h.dst = kDst;
  return h;
}

TcpHeader tcp_syn() {
  TcpHeader h;
  h.sport = 40000;
  h.dport = 5001;
  h.seq = 123456789;
  h.flags = tcpflag::SYN;
  h.window = 64240;
  h.mss = 1460;
  h.window_scale = 7;
  h.sack_permitted = true;
  h.timestamps = std::pair<uint32_t, uint32_t>{1000, 0};
  return h;
}

TcpHeader tcp_data() {
  TcpHeader h;
  h.sport = 40000;
  h.dport = 5001;
  h.seq = 123456790;
  h.ack = 987654321;
  h.flags = tcpflag::ACK | tcpflag::PSH;
  h.window = 502;
  h.timestamps = std::pair<uint32_t, uint32_t>{1010, 2020};
  return h;
}

ArpPacket arp_request() { return ArpPacket{kArpRequest, kMacA, kSrc, Mac{}, kDst}; }

Bytes tcp_segment(const TcpHeader& h, size_t payload) {
  Bytes out;
  emit_tcp(h, kSrc, kDst, Bytes(payload, 'x'), out);
  return out;
}

Bytes frame_of(uint8_t proto, const Bytes& l4) { return build_ipv4_frame(eth(kEtherTypeIpv4), ip(proto), l4); }

Bytes icmp_echo() {
  Bytes out;
  emit_icmp(IcmpHeader{kIcmpEchoRequest, 0, 0, 77, 1}, Bytes(56, 0x42), out);
  return out;
}

Bytes udp_datagram(size_t payload) {
  Bytes out;
  emit_udp(UdpHeader{5353, 9999, 0, 0}, kSrc, kDst, Bytes(payload, 'u'), out);
  return out;
}

// ---- serialise ------------------------------------------------------------------------------
void BM_Emit_Ethernet(benchmark::State& state) {
  Bytes out;
  out.reserve(64);
  for (auto _ : state) {
    out.clear();
    emit(eth(kEtherTypeIpv4), out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_Emit_Ethernet)->Name("Wire/Emit/Ethernet");

void BM_Emit_ArpFrame(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(build_arp_frame(eth(kEtherTypeArp), arp_request()));
}
BENCHMARK(BM_Emit_ArpFrame)->Name("Wire/Emit/ArpFrame");

void BM_Emit_Ipv4(benchmark::State& state) {
  Bytes out;
  out.reserve(64);
  Ipv4Header h = ip(kProtoTcp);
  h.total_len = 1500;
  for (auto _ : state) {
    out.clear();
    emit(h, out);  // computes the header checksum
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_Emit_Ipv4)->Name("Wire/Emit/Ipv4");

void BM_Emit_IcmpEcho(benchmark::State& state) {
  const Bytes body(56, 0x42);
  Bytes out;
  out.reserve(128);
  for (auto _ : state) {
    out.clear();
    emit_icmp(IcmpHeader{kIcmpEchoRequest, 0, 0, 77, 1}, body, out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_Emit_IcmpEcho)->Name("Wire/Emit/IcmpEcho56");

void BM_Emit_Udp(benchmark::State& state) {
  const Bytes payload(100, 'u');
  Bytes out;
  out.reserve(256);
  for (auto _ : state) {
    out.clear();
    emit_udp(UdpHeader{5353, 9999, 0, 0}, kSrc, kDst, payload, out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_Emit_Udp)->Name("Wire/Emit/Udp100");

void BM_Emit_TcpSyn(benchmark::State& state) {
  const TcpHeader h = tcp_syn();
  Bytes out;
  out.reserve(128);
  for (auto _ : state) {
    out.clear();
    emit_tcp(h, kSrc, kDst, {}, out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_Emit_TcpSyn)->Name("Wire/Emit/TcpSynOptions");

void BM_Emit_TcpData(benchmark::State& state) {
  const TcpHeader h = tcp_data();
  const Bytes payload(1448, 'x');
  Bytes out;
  out.reserve(1600);
  for (auto _ : state) {
    out.clear();
    emit_tcp(h, kSrc, kDst, payload, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * 1448);
}
BENCHMARK(BM_Emit_TcpData)->Name("Wire/Emit/TcpData1448");

// The whole frame of a data segment, as ip_send + ip_frame_send build it.
void BM_Build_TcpDataFrame(benchmark::State& state) {
  const Bytes seg = tcp_segment(tcp_data(), 1448);
  for (auto _ : state) benchmark::DoNotOptimize(frame_of(kProtoTcp, seg));
}
BENCHMARK(BM_Build_TcpDataFrame)->Name("Wire/Emit/TcpDataFrame1514");

// ---- parse ----------------------------------------------------------------------------------
void BM_Parse_Ethernet(benchmark::State& state) {
  const Bytes f = frame_of(kProtoTcp, tcp_segment(tcp_data(), 0));
  for (auto _ : state) benchmark::DoNotOptimize(parse_ethernet(f));
}
BENCHMARK(BM_Parse_Ethernet)->Name("Wire/Parse/Ethernet");

void BM_Parse_Arp(benchmark::State& state) {
  const Bytes f = build_arp_frame(eth(kEtherTypeArp), arp_request());
  const ByteView payload = ByteView(f).subspan(kEthernetHeaderLen);
  for (auto _ : state) benchmark::DoNotOptimize(parse_arp(payload));
}
BENCHMARK(BM_Parse_Arp)->Name("Wire/Parse/Arp");

void BM_Parse_Ipv4(benchmark::State& state) {
  const Bytes f = frame_of(kProtoTcp, tcp_segment(tcp_data(), 1448));
  const ByteView packet = ByteView(f).subspan(kEthernetHeaderLen);
  for (auto _ : state) {
    benchmark::DoNotOptimize(parse_ipv4(packet));
    benchmark::DoNotOptimize(ipv4_checksum_ok(packet));  // a receiver checks both
  }
}
BENCHMARK(BM_Parse_Ipv4)->Name("Wire/Parse/Ipv4+checksum");

void BM_Parse_Icmp(benchmark::State& state) {
  const Bytes m = icmp_echo();
  for (auto _ : state) {
    benchmark::DoNotOptimize(parse_icmp(m));
    benchmark::DoNotOptimize(icmp_checksum_ok(m));
  }
}
BENCHMARK(BM_Parse_Icmp)->Name("Wire/Parse/IcmpEcho56+checksum");

void BM_Parse_Udp(benchmark::State& state) {
  const Bytes d = udp_datagram(100);
  for (auto _ : state) {
    benchmark::DoNotOptimize(parse_udp(d));
    benchmark::DoNotOptimize(udp_checksum_ok(kSrc, kDst, d));
  }
}
BENCHMARK(BM_Parse_Udp)->Name("Wire/Parse/Udp100+checksum");

void BM_Parse_TcpSyn(benchmark::State& state) {
  const Bytes s = tcp_segment(tcp_syn(), 0);
  for (auto _ : state) benchmark::DoNotOptimize(parse_tcp(s));
}
BENCHMARK(BM_Parse_TcpSyn)->Name("Wire/Parse/TcpSynOptions");

void BM_Parse_TcpData(benchmark::State& state) {
  const Bytes s = tcp_segment(tcp_data(), 1448);
  for (auto _ : state) {
    benchmark::DoNotOptimize(parse_tcp(s));
    benchmark::DoNotOptimize(tcp_checksum_ok(kSrc, kDst, s));
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(s.size()));
}
BENCHMARK(BM_Parse_TcpData)->Name("Wire/Parse/TcpData1448+checksum");

// The whole-frame dissection of the views, filters and formatters.
void BM_ParseFrame(benchmark::State& state) {
  Bytes f;
  switch (state.range(0)) {
    case 0: f = build_arp_frame(eth(kEtherTypeArp), arp_request()); state.SetLabel("arp"); break;
    case 1: f = frame_of(kProtoIcmp, icmp_echo()); state.SetLabel("icmp echo"); break;
    case 2: f = frame_of(kProtoUdp, udp_datagram(100)); state.SetLabel("udp 100"); break;
    case 3: f = frame_of(kProtoTcp, tcp_segment(tcp_syn(), 0)); state.SetLabel("tcp syn"); break;
    default: f = frame_of(kProtoTcp, tcp_segment(tcp_data(), 1448)); state.SetLabel("tcp 1448"); break;
  }
  for (auto _ : state) benchmark::DoNotOptimize(parse_frame(f));
}
BENCHMARK(BM_ParseFrame)->Name("Wire/ParseFrame")->DenseRange(0, 4);

}  // namespace
}  // namespace tcplab
