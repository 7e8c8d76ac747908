// The bridge from a parsed frame to what the fault filter may look at (filter.h): the
// filter stays free of wire code, and this is the one place that knows which header
// field feeds which filter field.
#pragma once
#include <cstddef>

#include "sim/scenario/filter.h"
#include "sim/wire/frame.h"

namespace tcplab {

// The filter's view of one frame; `frame_len` is the length on the wire (frame.len).
// TCP seq/ack are the absolute values from the header: a frame alone does not know the
// connection's ISNs, so a caller that does (the world, which has the sockets) subtracts
// them to give the relative numbers Wireshark shows and PacketFields documents.
// ICMP errors are not looked into: `udp` does not match a port-unreachable that quotes a
// UDP header (Wireshark would), because a fault rule on UDP means UDP datagrams.
PacketFields packet_fields(const wire::ParsedFrame& f, size_t frame_len);

}  // namespace tcplab
