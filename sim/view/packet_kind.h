// What kind of packet a frame is, as the topology view colours and labels it (issue 4
// "Views → Topology": SYN, SYN-ACK, ACK, data, FIN, RST, ICMP, UDP, ARP, with a legend).
// Data flow: trace tx/drop events (frame bytes) -> wire::parse_frame -> PacketFacts (kind and
// the few numbers a label needs, TCP ones relative) kept by packet id in PacketLooks ->
// render/topology_view.cpp draws a coloured box with packet_label() on it.
// GL-free, so that tests check the classification of real frames.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/trace/tcp_relative.h"
#include "sim/trace/trace_event.h"
#include "sim/trace/trace_view.h"
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

// What a packet's box needs to know, kept per packet id (16 bytes, so that a long run's
// hundreds of thousands of packets stay cheap). TCP numbers are relative (tcp_relative.h).
struct PacketFacts {
  PacketKind kind = PacketKind::Other;
  bool known = false;    // false: no tx or drop of this id has been read
  bool retx = false;     // its first tx was a retransmission
  bool has_ack = false;  // TCP: the ACK flag
  uint8_t sub = 0;       // ICMP type; ARP op; for Other: 1 when it is IPv4
  uint8_t code = 0;      // ICMP code
  uint16_t port = 0;     // UDP destination port
  uint32_t rseq = 0, rack = 0;
  uint32_t payload = 0;  // TCP/UDP payload bytes
};
PacketFacts packet_facts(const wire::ParsedFrame& f, const TcpRelative::Numbers& rel, bool retx);

// The short label on a packet box: "SYN", "SYN-ACK", "ACK 1", "data 1:101", "FIN",
// "RST", "ICMP echo", "ICMP reply", "UDP 53", "ARP who-has", "ARP is-at". `lang`
// translates the words that are not protocol names ("data" -> "数据"). Written into `out`
// (always terminated; 48 bytes are enough for every label) so that drawing thousands of
// boxes a frame allocates nothing.
void packet_label(const PacketFacts& p, Lang lang, char* out, size_t cap);
std::string packet_label(const PacketFacts& p, Lang lang = Lang::En);

// The one-line summary (sim/trace/summary.h) of a frame whose facts were read in trace
// order, with the same relative numbers as everywhere else. For tooltips: one at a time.
std::string packet_summary_of(const wire::ParsedFrame& f, const PacketFacts& p);

// Facts of every packet in a trace, by packet id. Reading the trace is incremental: each
// frame the view calls update() with the visible part and only new events are parsed, so
// the per-frame cost does not grow with the run. A trace that is not the one read before
// (a rebuilt session after an intervention or a reload) is noticed and read again.
class PacketLooks {
 public:
  // `generation` changes whenever the session's trace may have been rebuilt (the view
  // passes a key made of the interventions and the scenario text size).
  void update(TraceView trace, size_t count, uint64_t generation);
  // Nullptr when the id has not been read.
  const PacketFacts* find(uint64_t id) const;
  void clear();
  size_t size() const { return known_; }

 private:
  bool same_trace(TraceView trace, uint64_t generation) const;
  std::vector<PacketFacts> by_id_;  // packet ids are small and dense (World::new_frame_id)
  size_t known_ = 0;
  TcpRelative rel_;
  size_t read_ = 0;          // events of the trace read so far
  uint64_t generation_ = 0;
  Time last_t_ = -1;         // the last read event, to notice a different trace
  EvKind last_ev_ = EvKind::App;
  int32_t last_node_ = -1;
};

}  // namespace tcplab
