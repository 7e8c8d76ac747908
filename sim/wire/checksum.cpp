// The Internet checksum (RFC 1071), shared by IPv4, ICMP, UDP and TCP (see checksum.h).
#include "sim/wire/checksum.h"

namespace tcplab::wire {

uint32_t checksum_add(std::span<const uint8_t> data, uint32_t initial) {
  // RFC 1071 §2(A),(B): the sum is order-independent, so accumulate wide and fold the
  // carries back only at the end. 64 bits cannot overflow for any buffer that fits in memory.
  uint64_t sum = initial;
  size_t i = 0;
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

}  // namespace tcplab::wire
