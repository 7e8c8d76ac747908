// What kind of packet a frame is, as the topology view colours and labels it (issue 4
// "Views → Topology": SYN, SYN-ACK, ACK, data, FIN, RST, ICMP, UDP, ARP, with a legend).
// Data flow: trace tx/drop events (frame bytes) -> wire::parse_frame -> classify here ->
// a PacketLooks cache keyed by packet id -> render/topology_view.cpp draws boxes from it.
// GL-free, so that tests check the classification of real frames.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/trace/tcp_relative.h"
#include "sim/trace/trace_event.h"
#include "sim/view/ui_strings.h"
#include "sim/wire/frame.h"

namespace tcplab {

// In legend order. A TCP segment is classified by its most telling flag: RST over SYN over
// FIN; without those, by whether it carries data (RFC 9293 §3.1 header flags).
enum class PacketKind : uint8_t { Syn, SynAck, Ack, Data, Fin, Rst, Icmp, Udp, Arp, Other };
constexpr size_t kPacketKindCount = 10;
const char* to_string(PacketKind k);  // "SYN", "SYN-ACK", "ACK", "data", … (legend names)

PacketKind classify(const wire::ParsedFrame& f);

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
  bool operator==(const Rgb&) const = default;
};
// The fill colour of a packet box: distinct hues that read on a dark window and on the
// white presentation theme alike.
Rgb packet_colour(PacketKind k);
// Black or white, whichever is readable on packet_colour(k).
Rgb packet_text_colour(PacketKind k);

// The short label on a packet box: "SYN", "SYN-ACK", "ACK 1", "data 1:101", "FIN",
// "RST", "ICMP echo", "ICMP reply", "UDP 53", "ARP who-has", "ARP is-at". TCP numbers are
// relative (tcp_relative.h): `rel` are the segment's numbers. `lang` translates the words
// that are not protocol names ("data" -> "数据").
std::string packet_label(const wire::ParsedFrame& f, const TcpRelative::Numbers& rel, Lang lang = Lang::En);

// How one packet looks, worked out once from its first tx (or drop) event.
struct PacketLook {
  PacketKind kind = PacketKind::Other;
  std::string label_en, label_zh;  // packet_label() in both languages
  std::string summary;             // packet_summary(): the tooltip line
  bool retx = false;               // the first tx was a retransmission
  const std::string& label(Lang l) const { return l == Lang::Zh ? label_zh : label_en; }
};

// Looks of every packet in a trace, by packet id. Reading the trace is incremental: each
// frame the view calls update() with the visible part and only new events are parsed, so
// the per-frame cost does not grow with the run. A trace that is not the one read before
// (a rebuilt session after an intervention or a reload) is noticed and read again.
class PacketLooks {
 public:
  // `generation` changes whenever the session's trace may have been rebuilt (the view
  // passes the number of interventions and the scenario text size).
  void update(const std::vector<TraceEvent>& trace, size_t count, uint64_t generation);
  const PacketLook* find(uint64_t id) const;
  void clear();
  size_t size() const { return by_id_.size(); }

 private:
  bool same_trace(const std::vector<TraceEvent>& trace, uint64_t generation) const;
  std::unordered_map<uint64_t, PacketLook> by_id_;
  TcpRelative rel_;
  size_t read_ = 0;          // events of the trace read so far
  uint64_t generation_ = 0;
  Time last_t_ = -1;         // the last read event, to notice a different trace
  EvKind last_ev_ = EvKind::App;
  int32_t last_node_ = -1;
};

}  // namespace tcplab
