// A full-duplex point-to-point cable between two interfaces: per direction a propagation
// delay, a serialisation rate, a drop-tail queue and a loss probability. A frame takes
// size*8/rate to put on the wire, then `delay` to reach the other end.
#pragma once
#include <array>
#include <cstdint>
#include <deque>
#include <optional>

#include "sim/core/time.h"
#include "sim/wire/headers.h"
#include "sim/wire/shared_bytes.h"

namespace tcplab {

struct LinkEnd {
  int32_t node = -1;
  int32_t iface = -1;
};

struct QueuedFrame {
  uint64_t id = 0;
  wire::SharedBytes frame;  // shared with its tx/rx/drop trace events
  bool fault_drop = false;  // a [[fault]] drop: it is sent, then lost on the way
  bool retx = false;        // a retransmitted TCP segment (the `retx` of its tx event)
};

struct LinkDirection {
  std::deque<QueuedFrame> queue;  // waiting, not counting the frame being serialised
  Time busy_until = 0;            // end of the current serialisation
  // The end of the current serialisation is an event only when a frame waits for it: its
  // place among events at busy_until is reserved when the frame starts (World::reserve_event)
  // and taken when one is queued behind it (issue 6: half of all events were ends of
  // serialisation with nothing waiting).
  uint64_t free_reserved = 0;     // the reservation; 0 when the link is idle
  bool free_scheduled = false;    // its EvLinkFree is in the event queue
  uint64_t frames = 0, bytes = 0;
};

struct Link {
  std::array<LinkEnd, 2> ends;
  Time delay = 0;
  std::optional<uint64_t> rate_bps;
  uint32_t queue_limit = 64;
  double loss = 0.0;
  std::array<LinkDirection, 2> dir;  // dir[0]: from ends[0] to ends[1]
};

}  // namespace tcplab
