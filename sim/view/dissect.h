// The packet inspector's model (issue 4 "Views → Inspector"): a frame's bytes taken apart
// into a layered tree like Wireshark's (Ethernet II → ARP | IPv4 → ICMP | UDP | TCP → data),
// every field with its value, the bytes of the frame that hold it, and a one-line
// explanation in English and Chinese. GL-free: the view (render/inspector_view.cpp) only
// draws this. Values come from sim/wire's parsers; this file adds where each field sits
// and what it means. Relative TCP numbers come from the trace (sim/trace/tcp_relative.h).
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/session/session.h"
#include "sim/trace/tcp_relative.h"
#include "sim/trace/trace_event.h"
#include "sim/trace/trace_view.h"
#include "sim/wire/headers.h"

namespace tcplab {

// A checksum field's verdict (the view writes it in the user's language).
enum class ChecksumCheck : uint8_t { None, Good, Bad };

// One row of the tree: a layer (depth 0), one of its fields (depth 1) or part of a field
// (depth 2: a flag bit, one TCP option, a field of a quoted header).
struct DissectField {
  std::string key;    // what the field is ("ip.ttl"): names its explanation
  std::string name;   // "Time to Live", as Wireshark names it (protocol terms stay English)
  std::string value;  // "64"; empty for a layer, whose name says it all
  size_t offset = 0;  // first byte in the frame
  size_t len = 0;     // how many bytes; a bit field gives the bytes that hold it
  int depth = 0;
  ChecksumCheck check = ChecksumCheck::None;
  std::string expected;  // a bad checksum: the value it should have ("0x1c46")
  bool problem = false;  // malformed, bad checksum: drawn as a warning
};

struct Dissection {
  std::vector<DissectField> fields;  // depth first: a row's children follow it
  std::vector<uint8_t> frame;        // the bytes, for the hex dump
  std::string summary;               // the one-line summary (sim/trace/summary.h)
  // TCP only: the relative numbers shown (seq and ack counted from each side's ISN).
  std::optional<TcpRelative::Numbers> tcp_relative;
};

// Takes a frame apart. `rel` supplies relative TCP numbers: feed it the earlier segments
// of the trace first (dissect_trace_event does); a fresh one counts from this segment.
Dissection dissect_frame(wire::ByteView frame, TcpRelative& rel);
Dissection dissect_frame(wire::ByteView frame);

// The innermost field (deepest, then shortest) whose bytes hold frame byte `byte`, or -1:
// what the hex dump highlights in the tree when the mouse is over a byte.
int field_at(const Dissection& d, size_t byte);

// The one-line explanation of a field key, in both languages; nullptr when unknown.
struct FieldExplanation {
  const char* key;
  const char* en;
  const char* zh;
};
const FieldExplanation* explain_field(std::string_view key);
std::span<const FieldExplanation> field_explanations();  // the whole table (tests, fonts)

// ---- packets of a session ---------------------------------------------------------------
// The event to show for the packet `id` seen on `link`, among events[0, count): its tx on
// that link, else any event of that id (a drop, an rx, a tx on another hop).
std::optional<size_t> find_packet_event(TraceView events, size_t count,
                                        uint64_t id, int32_t link);

// Dissects events[index] (a tx, rx or drop), with relative TCP numbers learned from every
// TCP segment of the trace before it, as the trace formatters count them.
Dissection dissect_trace_event(TraceView events, size_t index);

// What the inspector's header line says about a packet, and its dissection.
struct InspectedPacket {
  uint64_t id = 0;
  size_t event = 0;        // index in the trace of the event shown
  EvKind ev = EvKind::Tx;
  Time t = 0;
  int32_t link = -1;
  int32_t from_node = -1;  // the link end that sent it
  int32_t to_node = -1;    // the other end
  bool retx = false;       // [TCP Retransmission]
  std::optional<DropWhy> dropped;  // lost on the way or refused at a node (visible so far)
  int32_t drop_node = -1;
  Time drop_t = 0;
  Dissection dissection;
};

// The packet `id` seen on `link`, as of the session's cursor (only events at or before it
// count); nullopt when it has not been sent yet.
std::optional<InspectedPacket> inspect_packet(const Session& s, uint64_t id, int32_t link);

// inspect_packet() for a view that asks every frame: it remembers how far it has read the
// trace and the dissection it made, so that playing a long run costs only the new events
// (a 60 s congestion run has ~50,000). Anything that rewrites the trace (an intervention,
// a reload) or a step back makes it start over.
class PacketInspector {
 public:
  const InspectedPacket* inspect(const Session& s, uint64_t id, int32_t link);

 private:
  struct Key {
    const Session* session = nullptr;
    size_t interventions = 0, text_size = 0;
    uint64_t id = 0;
    int32_t link = -1;
    bool operator==(const Key&) const = default;
  };
  void reset(const Key& k);

  Key key_;
  size_t read_ = 0;  // events[0, read_) have been looked through
  std::optional<size_t> tx_on_link_, any_tx_, any_;  // find_packet_event()'s candidates
  std::vector<size_t> drops_;                         // drop events of the packet
  bool retx_ = false;
  std::optional<InspectedPacket> shown_;
};

}  // namespace tcplab
