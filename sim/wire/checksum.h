// The Internet checksum (RFC 1071) and the IPv4 pseudo-header sum used by UDP and TCP
// (RFC 768, RFC 9293 §3.1).
#pragma once
#include <cstdint>
#include <span>

#include "sim/wire/address.h"

namespace tcplab::wire {

// One's-complement sum of 16-bit big-endian words, not yet folded or inverted; an odd
// trailing byte is padded with zero. Chain partial sums through `initial`.
uint32_t checksum_add(std::span<const uint8_t> data, uint32_t initial = 0);
// Folds carries and inverts: the value to store in a checksum field.
uint16_t checksum_finish(uint32_t sum);
// Sum of the IPv4 pseudo-header: src, dst, zero, protocol, transport length.
uint32_t pseudo_header_sum(Ipv4 src, Ipv4 dst, uint8_t protocol, uint16_t length);

// Recomputes the TCP or UDP checksum of an Ethernet/IPv4 frame in place. A kernel that
// sends on `lo` or a TAP leaves it to checksum offload (CHECKSUM_PARTIAL): a capture holds
// only the pseudo-header sum there, which Wireshark flags. False when the frame is not
// IPv4 TCP/UDP or is cut short.
bool fill_transport_checksum(std::span<uint8_t> frame);

}  // namespace tcplab::wire
