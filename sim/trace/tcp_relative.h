// Relative TCP sequence numbers, as Wireshark shows them: each side's numbers counted
// from its own ISN, so a handshake reads seq=0, seq=0 ack=1, ack=1 whatever the random
// ISNs were. Used by the trace formatters (summary, jsonl, table, ladder), which feed it
// every TCP segment in trace order; it never looks at bytes, only at parsed headers.
#pragma once
#include <compare>
#include <cstdint>
#include <map>

#include "sim/wire/address.h"
#include "sim/wire/headers.h"

namespace tcplab {

class TcpRelative {
 public:
  struct Numbers {
    uint32_t rseq = 0;  // seq - ISN of the sender, mod 2^32
    uint32_t rack = 0;  // ack - ISN of the receiver, mod 2^32 (0 when ACK is not set)
  };

  // Learns from the segment and returns its relative numbers. Feeding the same segment
  // twice (its tx and then its rx) gives the same answer.
  //  - A SYN sets the base of its direction to its seq (the ISN, RFC 9293 §3.4.1).
  //    A SYN without ACK whose seq differs from the known base starts a new connection
  //    on the same 4-tuple, so the reverse direction's base is forgotten too.
  //  - With no SYN seen, the first seq seen in a direction is its base (rseq 0).
  //  - An ACK whose reverse direction is still unknown makes `ack` that direction's
  //    base, which is where the peer's next seq will be.
  Numbers observe(Ipv4 src, Ipv4 dst, const wire::TcpHeader& tcp);

  void clear() { base_.clear(); }

 private:
  struct Direction {  // one half of a connection: sender -> receiver
    uint32_t src = 0, dst = 0;
    uint16_t sport = 0, dport = 0;
    auto operator<=>(const Direction&) const = default;
  };
  std::map<Direction, uint32_t> base_;
};

}  // namespace tcplab
