// The Internet checksum (RFC 1071), shared by IPv4, ICMP, UDP and TCP (see checksum.h).
#include "sim/wire/checksum.h"

#include <bit>
#include <cstring>

namespace tcplab::wire {

uint32_t checksum_add(std::span<const uint8_t> data, uint32_t initial) {
  // RFC 1071 §2(A),(B): the sum is order-independent, so accumulate wide and fold the
  // carries back only at the end. 64 bits cannot overflow for any buffer that fits in memory.
  uint64_t sum = initial;
  size_t i = 0;
  // Eight bytes at a time, read in the machine's byte order: by §2(B) the one's-complement
  // sum of byte-swapped words is the byte-swapped sum, so fold the native sum to 16 bits
  // and swap it once (a segment's payload is most of what is summed, once per hop).
  if (data.size() >= 16) {
    uint64_t native = 0;
    for (; i + 8 <= data.size(); i += 8) {
      uint64_t v;
      std::memcpy(&v, data.data() + i, 8);
      native += (v & 0xffffffffu) + (v >> 32);
    }
    while (native >> 16) native = (native & 0xffffu) + (native >> 16);
    if constexpr (std::endian::native == std::endian::little)
      native = ((native & 0xffu) << 8) | (native >> 8);
    sum += native;
  }
  for (; i + 1 < data.size(); i += 2) sum += uint32_t(data[i]) << 8 | data[i + 1];
  // An odd trailing byte is the high half of a word whose low half is zero (RFC 1071 §4.1).
  if (i < data.size()) sum += uint32_t(data[i]) << 8;
  // End-around carry keeps the value congruent in one's-complement arithmetic while
  // fitting the 32-bit return type; checksum_finish() does the final fold to 16 bits.
  while (sum >> 32) sum = (sum & 0xffffffffu) + (sum >> 32);
  return uint32_t(sum);
}

uint16_t checksum_finish(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffffu) + (sum >> 16);
  return uint16_t(~sum);
}

uint32_t pseudo_header_sum(Ipv4 src, Ipv4 dst, uint8_t protocol, uint16_t length) {
  // RFC 768 / RFC 9293 §3.1: src, dst, a zero byte, the protocol, the transport length.
  // Added word by word in host order: that is the same as summing the big-endian bytes.
  uint32_t sum = 0;
  sum += src.v >> 16;
  sum += src.v & 0xffffu;
  sum += dst.v >> 16;
  sum += dst.v & 0xffffu;
  sum += protocol;
  sum += length;
  return sum;
}

bool fill_transport_checksum(std::span<uint8_t> f) {
  constexpr size_t eth = 14;
  if (f.size() < eth + 20 || f[12] != 0x08 || f[13] != 0x00 || (f[eth] >> 4) != 4) return false;
  const size_t ihl = size_t(f[eth] & 0x0f) * 4;
  const size_t total = size_t(f[eth + 2]) << 8 | f[eth + 3];
  const uint8_t proto = f[eth + 9];
  if (ihl < 20 || total < ihl || eth + total > f.size()) return false;
  // A fragment holds part of the datagram only: the checksum covers the whole of it, so
  // neither the first fragment (MF set) nor the others can be filled in here.
  if ((f[eth + 6] & 0x20) != 0 || (size_t(f[eth + 6] & 0x1f) << 8 | f[eth + 7]) != 0) return false;
  const size_t l4 = eth + ihl;
  size_t len = total - ihl, at;
  if (proto == 6 && len >= 20) {
    at = l4 + 16;
  } else if (proto == 17 && len >= 8) {
    // UDP's sum covers its own length field's bytes (RFC 768), as a receiver checks it;
    // bytes the IP datagram carries beyond it are not part of the datagram.
    const size_t ulen = size_t(f[l4 + 4]) << 8 | f[l4 + 5];
    if (ulen < 8 || ulen > len) return false;
    len = ulen;
    at = l4 + 6;
  } else {
    return false;
  }
  auto ip = [&](size_t o) { return Ipv4(uint32_t(f[o]) << 24 | uint32_t(f[o + 1]) << 16 | uint32_t(f[o + 2]) << 8 | f[o + 3]); };
  f[at] = f[at + 1] = 0;
  uint16_t c = checksum_finish(checksum_add(f.subspan(l4, len), pseudo_header_sum(ip(eth + 12), ip(eth + 16), proto, uint16_t(len))));
  if (proto == 17 && c == 0) c = 0xffff;  // RFC 768: a computed zero is sent as all ones
  f[at] = uint8_t(c >> 8);
  f[at + 1] = uint8_t(c);
  return true;
}

}  // namespace tcplab::wire
