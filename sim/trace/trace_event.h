// Trace events: the one stream every view is a function of (DESIGN.md principle 4 and
// "Trace events"). The simulator appends them; formatters (jsonl, table, ladder, pcap)
// and, later, the GUI read them. Node and link are indices into the world's tables;
// TraceContext carries their names so formatters need not know the world.
#pragma once
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "sim/core/time.h"
#include "sim/wire/shared_bytes.h"

namespace tcplab {

enum class EvKind : uint8_t { Tx, Rx, Drop, State, Timer, Cc, App };
const char* to_string(EvKind k);  // "tx", "rx", …

// Why a packet was lost (the `why` field of a `drop` event).
enum class DropWhy : uint8_t {
  Loss,       // the link's random loss
  Fault,      // a [[fault]] rule or a user's click
  Queue,      // drop-tail queue full
  Ttl,        // TTL reached zero at a router
  NoRoute,    // no route to the destination
  NoArp,      // ARP resolution failed (3 tries, 1 s apart)
  Closed,     // no socket on the destination port
  Checksum,   // a corrupted packet failed its checksum at the receiver
  OtherHost,  // a frame for another MAC reached a host (flooded by a switch) and was filtered
  Backlog,    // a listener's accept queue was full: SYN or final ACK dropped (Linux, §4.3)
};
const char* to_string(DropWhy w);  // "loss", "fault", …

// tx / rx / drop: the frame's bytes are kept so that every view can parse what it needs;
// the tx, rx and drop of one frame on one link share one immutable copy of them.
// `id` names the frame: a switch forwards the same frame (same id); a router sends a new one.
struct PacketEvent {
  uint64_t id = 0;
  int32_t link = -1;
  wire::SharedBytes frame;
  DropWhy why = DropWhy::Loss;  // drop only
  bool retx = false;            // tx of a retransmitted TCP segment
};

struct StateEvent {  // a TCP socket changes state
  std::string sock, name, local, remote, from, to, why;
};

struct TimerEvent {
  std::string sock, timer, op;  // timer: rto|time_wait|delack|persist|keepalive; op: set|fire|cancel
  Time at = 0;
};

struct CcEvent {
  std::string sock;
  uint32_t cwnd = 0, ssthresh = 0;
  Time srtt = 0, rto = 0;
};

struct AppEvent {  // one line a program or console command printed
  std::string text;
  std::string sock;  // empty when it does not concern one socket
};

struct TraceEvent {
  Time t = 0;
  EvKind ev = EvKind::App;
  int32_t node = -1;
  std::variant<PacketEvent, StateEvent, TimerEvent, CcEvent, AppEvent> data;

  const PacketEvent& packet() const { return std::get<PacketEvent>(data); }
  const AppEvent& app() const { return std::get<AppEvent>(data); }
};

enum class NodeType : uint8_t { Host, Router, Switch };
const char* to_string(NodeType t);  // "host", "router", "switch"

// Names for the indices in events, taken from the world once.
struct TraceContext {
  std::vector<std::string> node_names;
  std::vector<NodeType> node_types;
  std::vector<std::string> link_names;  // "client:eth0-sw1:p1"
  std::string title;
  uint64_t seed = 1;
  std::string profile = "linux";
};

}  // namespace tcplab
