// The Internet checksum (sim/wire/checksum.h, RFC 1071) over the sizes the simulator sums:
// a 20-byte IPv4 header, a 40-byte ACK segment (+ pseudo-header), a full 1480-byte TCP
// segment and a 64 KB loopback segment.
#include <benchmark/benchmark.h>

#include <vector>

#include "sim/wire/checksum.h"

namespace tcplab {
namespace {

void BM_Checksum(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  std::vector<uint8_t> data(n);
  for (size_t i = 0; i < n; ++i) data[i] = static_cast<uint8_t>(i * 131 + 7);
  const Ipv4 src = Ipv4::of(10, 0, 1, 10), dst = Ipv4::of(10, 0, 2, 20);
  for (auto _ : state) {
    // What emit_tcp does: the pseudo-header sum chained into the segment's sum.
    uint32_t sum = wire::pseudo_header_sum(src, dst, 6, static_cast<uint16_t>(n));
    benchmark::DoNotOptimize(data.data());
    sum = wire::checksum_add(data, sum);
    benchmark::DoNotOptimize(wire::checksum_finish(sum));
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(n));
}
BENCHMARK(BM_Checksum)->Name("Checksum")->Arg(20)->Arg(40)->Arg(1480)->Arg(65515);

}  // namespace
}  // namespace tcplab
