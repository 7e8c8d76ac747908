// Packet kinds, colours and short labels (packet_kind.h).
#include "sim/view/packet_kind.h"

#include <algorithm>

#include "sim/trace/summary.h"

namespace tcplab {

const char* to_string(PacketKind k) {
  switch (k) {
    case PacketKind::Syn: return "SYN";
    case PacketKind::SynAck: return "SYN-ACK";
    case PacketKind::Ack: return "ACK";
    case PacketKind::Data: return "data";
    case PacketKind::Fin: return "FIN";
    case PacketKind::Rst: return "RST";
    case PacketKind::Icmp: return "ICMP";
    case PacketKind::Udp: return "UDP";
    case PacketKind::Arp: return "ARP";
    case PacketKind::Other: return "other";
  }
  return "other";
}

PacketKind classify(const wire::ParsedFrame& f) {
  if (f.arp) return PacketKind::Arp;
  if (!f.ip) return PacketKind::Other;
  if (f.icmp) return PacketKind::Icmp;
  if (f.udp) return PacketKind::Udp;
  if (!f.tcp) return PacketKind::Other;
  const uint8_t fl = f.tcp->flags;
  // RST ends everything, whatever else is set; a SYN opens (with ACK: the answer, §3.5);
  // FIN closes (it may ride on data, but the close is what the lesson is about).
  if (fl & wire::tcpflag::RST) return PacketKind::Rst;
  if (fl & wire::tcpflag::SYN) return (fl & wire::tcpflag::ACK) ? PacketKind::SynAck : PacketKind::Syn;
  if (fl & wire::tcpflag::FIN) return PacketKind::Fin;
  if (f.payload_len > 0) return PacketKind::Data;
  return PacketKind::Ack;
}

Rgb packet_colour(PacketKind k) {
  // Mid-saturation hues (Material 600-ish): none is too dark on the dark theme nor too
  // pale on white; red is kept for RST only, lost packets get a red outline and a ✕.
  switch (k) {
    case PacketKind::Syn: return {67, 160, 71};      // green: a connection starts
    case PacketKind::SynAck: return {0, 172, 193};   // cyan: the answer to a SYN
    case PacketKind::Ack: return {144, 164, 174};    // grey-blue: bare acknowledgements
    case PacketKind::Data: return {30, 136, 229};    // blue: payload
    case PacketKind::Fin: return {142, 36, 170};     // purple: closing
    case PacketKind::Rst: return {229, 57, 53};      // red: reset
    case PacketKind::Icmp: return {251, 140, 0};     // orange
    case PacketKind::Udp: return {253, 216, 53};     // yellow
    case PacketKind::Arp: return {240, 98, 146};     // pink
    case PacketKind::Other: return {189, 189, 189};  // grey
  }
  return {189, 189, 189};
}

Rgb packet_text_colour(PacketKind k) {
  const Rgb c = packet_colour(k);
  // Relative luminance (ITU-R BT.601 weights are enough to pick black or white).
  const int y = (299 * c.r + 587 * c.g + 114 * c.b) / 1000;
  return y > 150 ? Rgb{0, 0, 0} : Rgb{255, 255, 255};
}

std::string packet_label(const wire::ParsedFrame& f, const TcpRelative::Numbers& rel, Lang lang) {
  auto word = [lang](const char* en) { return std::string(translate(en, lang)); };
  if (f.arp) {
    if (f.arp->op == wire::kArpReply) return word("ARP is-at");
    return word("ARP who-has");
  }
  if (!f.ip) return word("frame");
  if (f.icmp) {
    switch (f.icmp->type) {
      case wire::kIcmpEchoRequest: return word("ICMP echo");
      case wire::kIcmpEchoReply: return word("ICMP reply");
      case wire::kIcmpTimeExceeded: return word("ICMP TTL exceeded");
      case wire::kIcmpDestUnreachable:
        return f.icmp->code == wire::kIcmpCodePortUnreachable ? word("ICMP port unreachable")
                                                              : word("ICMP unreachable");
    }
    return "ICMP " + std::to_string(f.icmp->type);
  }
  if (f.udp) return "UDP " + std::to_string(f.udp->dport);
  if (!f.tcp) return "IP";
  const uint32_t end = rel.rseq + static_cast<uint32_t>(f.payload_len);
  switch (classify(f)) {
    case PacketKind::Syn: return "SYN";
    case PacketKind::SynAck: return "SYN-ACK";
    case PacketKind::Rst: return "RST";
    case PacketKind::Fin:
      return f.payload_len > 0 ? word("data") + " " + std::to_string(rel.rseq) + ":" + std::to_string(end) + " FIN"
                               : std::string("FIN");
    case PacketKind::Data:
      // seq:end, the bytes [seq, end) it carries, as Wireshark's "Seq=1 … NextSeq=101".
      return word("data") + " " + std::to_string(rel.rseq) + ":" + std::to_string(end);
    default: break;
  }
  return (f.tcp->flags & wire::tcpflag::ACK) ? "ACK " + std::to_string(rel.rack) : std::string("TCP");
}

// ---- PacketLooks --------------------------------------------------------------------------

void PacketLooks::clear() {
  by_id_.clear();
  rel_.clear();
  read_ = 0;
  last_t_ = -1;
  last_ev_ = EvKind::App;
  last_node_ = -1;
}

bool PacketLooks::same_trace(const std::vector<TraceEvent>& trace, uint64_t generation) const {
  if (generation != generation_) return false;
  if (read_ == 0) return true;
  if (read_ > trace.size()) return false;
  const TraceEvent& last = trace[read_ - 1];
  return last.t == last_t_ && last.ev == last_ev_ && last.node == last_node_;
}

void PacketLooks::update(const std::vector<TraceEvent>& trace, size_t count, uint64_t generation) {
  if (!same_trace(trace, generation)) {
    clear();
    generation_ = generation;
  }
  count = std::min(count, trace.size());
  for (; read_ < count; ++read_) {
    const TraceEvent& e = trace[read_];
    last_t_ = e.t;
    last_ev_ = e.ev;
    last_node_ = e.node;
    if (e.ev != EvKind::Tx && e.ev != EvKind::Drop) continue;
    const PacketEvent& p = e.packet();
    if (by_id_.count(p.id)) continue;  // a switch forwards the same frame: one look per id
    const wire::ParsedFrame f = wire::parse_frame(p.frame);
    TcpRelative::Numbers n;
    if (f.ip && f.tcp) n = rel_.observe(f.ip->src, f.ip->dst, *f.tcp);
    PacketLook look;
    look.kind = classify(f);
    look.label_en = packet_label(f, n, Lang::En);
    look.label_zh = packet_label(f, n, Lang::Zh);
    // The summary learns the same numbers again (observe is idempotent for one segment).
    look.summary = packet_summary(f, rel_);
    look.retx = p.retx;
    by_id_.emplace(p.id, std::move(look));
  }
}

const PacketLook* PacketLooks::find(uint64_t id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second;
}

}  // namespace tcplab
