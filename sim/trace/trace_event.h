// Trace events: the one stream every view is a function of (DESIGN.md principle 4 and
// "Trace events"). The simulator appends them; formatters (jsonl, table, ladder, pcap)
// and, later, the GUI read them. Node and link are indices into the world's tables;
// TraceContext carries their names so formatters need not know the world.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "sim/core/inline_string.h"
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

// Timer and cc events are a fifth of a bulk transfer's trace (an RTO set and cancelled on
// every ACK, RFC 6298 §5.3), so they are held inline, names and all, with no allocation to
// build or keep them (issue 6); they are no bigger than a packet event.
struct TimerEvent {
  InlineString<11> sock;  // "s3"
  InlineString<9> timer;  // rto|time_wait|delack|persist|keepalive
  InlineString<6> op;     // set|fire|cancel
  Time at = 0;
};

struct CcEvent {
  InlineString<11> sock;
  uint32_t cwnd = 0, ssthresh = 0;
  Time srtt = 0, rto = 0;
};
static_assert(sizeof(TimerEvent) <= sizeof(PacketEvent) && sizeof(CcEvent) <= sizeof(PacketEvent),
              "held inline, a timer or cc event must not make every trace event bigger");

struct AppEvent {  // one line a program or console command printed
  std::string text;
  std::string sock;  // empty when it does not concern one socket
};

// One immutable value behind a shared pointer, as wire::SharedBytes holds a frame. The
// state and app events are rare (well under 1 % of a busy trace) but big (a state event
// holds seven strings, 224 bytes); held inline, they made every event 248 bytes,
// packets included, and the trace of 100 bulk flows spent most of its time moving and
// faulting in those bytes (issue 6). Boxed, a packet event is 64 bytes. Nothing can change
// the value once boxed, so a copy of the trace is still a plain value (DESIGN.md principle
// 2): equal to and independent of the original. To change one, box a new value.
template <class T>
class Shared {
 public:
  Shared(T&& v) : p_(std::make_shared<const T>(std::move(v))) {}  // NOLINT implicit: `e.data = StateEvent{…}`
  Shared(const T& v) : p_(std::make_shared<const T>(v)) {}        // NOLINT implicit
  const T& operator*() const { return *p_; }
  const T* operator->() const { return p_.get(); }

 private:
  std::shared_ptr<const T> p_;
};

struct TraceEvent {
  Time t = 0;
  EvKind ev = EvKind::App;
  int32_t node = -1;
  // Assigning a StateEvent or AppEvent boxes it; read them through the accessors below,
  // which see through the box.
  std::variant<PacketEvent, Shared<StateEvent>, TimerEvent, CcEvent, Shared<AppEvent>> data;

  // The event's details; each throws std::bad_variant_access for another kind of event.
  const PacketEvent& packet() const { return std::get<PacketEvent>(data); }
  const StateEvent& state() const { return *std::get<Shared<StateEvent>>(data); }
  const TimerEvent& timer() const { return std::get<TimerEvent>(data); }
  const CcEvent& cc() const { return std::get<CcEvent>(data); }
  const AppEvent& app() const { return *std::get<Shared<AppEvent>>(data); }

  // The kinds held in `data` as they are, not boxed.
  template <class T>
  static constexpr bool kInline =
      std::is_same_v<T, PacketEvent> || std::is_same_v<T, TimerEvent> || std::is_same_v<T, CcEvent>;

  // The details if they are a T (PacketEvent, StateEvent, …), else nullptr.
  template <class T>
  const T* get_if() const {
    if constexpr (kInline<T>) {
      return std::get_if<T>(&data);
    } else {
      const auto* box = std::get_if<Shared<T>>(&data);
      return box ? &**box : nullptr;
    }
  }

  // std::visit on the details, with f called on the PacketEvent, StateEvent, … itself.
  template <class F>
  decltype(auto) visit(F&& f) const {
    return std::visit(
        [&](const auto& d) -> decltype(auto) {
          if constexpr (kInline<std::decay_t<decltype(d)>>) return f(d);
          else return f(*d);
        },
        data);
  }
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
