// Packet kinds, colours and short labels (packet_kind.h).
#include "sim/view/packet_kind.h"

#include <algorithm>
#include <cstdio>

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

PacketFacts packet_facts(const wire::ParsedFrame& f, const TcpRelative::Numbers& rel, bool retx) {
  PacketFacts p;
  p.known = true;
  p.kind = classify(f);
  p.retx = retx;
  if (f.arp) {
    p.sub = static_cast<uint8_t>(f.arp->op);
  } else if (f.icmp) {
    p.sub = f.icmp->type;
    p.code = f.icmp->code;
  } else if (f.udp) {
    p.port = f.udp->dport;
    p.payload = static_cast<uint32_t>(f.payload_len);
  } else if (f.tcp) {
    p.has_ack = (f.tcp->flags & wire::tcpflag::ACK) != 0;
    p.rseq = rel.rseq;
    p.rack = rel.rack;
    p.payload = static_cast<uint32_t>(f.payload_len);
  } else if (f.ip) {
    p.sub = 1;
  }
  return p;
}

void packet_label(const PacketFacts& p, Lang lang, char* out, size_t cap) {
  if (cap == 0) return;
  auto put = [&](const char* text) { std::snprintf(out, cap, "%s", text); };
  auto word = [lang](const char* en) { return translate(en, lang); };
  // seq:end, the bytes [seq, end) a segment carries, as Wireshark's "Seq=1 … NextSeq=101".
  const unsigned seq = p.rseq, end = p.rseq + p.payload;
  switch (p.kind) {
    case PacketKind::Syn: return put("SYN");
    case PacketKind::SynAck: return put("SYN-ACK");
    case PacketKind::Rst: return put("RST");
    case PacketKind::Ack:
      if (!p.has_ack) return put("TCP");
      std::snprintf(out, cap, "ACK %u", static_cast<unsigned>(p.rack));
      return;
    case PacketKind::Data: std::snprintf(out, cap, "%s %u:%u", word("data"), seq, end); return;
    case PacketKind::Fin:
      if (p.payload == 0) return put("FIN");
      std::snprintf(out, cap, "%s %u:%u FIN", word("data"), seq, end);
      return;
    case PacketKind::Udp: std::snprintf(out, cap, "UDP %u", static_cast<unsigned>(p.port)); return;
    case PacketKind::Arp: return put(word(p.sub == wire::kArpReply ? "ARP is-at" : "ARP who-has"));
    case PacketKind::Icmp:
      switch (p.sub) {
        case wire::kIcmpEchoRequest: return put(word("ICMP echo"));
        case wire::kIcmpEchoReply: return put(word("ICMP reply"));
        case wire::kIcmpTimeExceeded: return put(word("ICMP TTL exceeded"));
        case wire::kIcmpDestUnreachable:
          return put(word(p.code == wire::kIcmpCodePortUnreachable ? "ICMP port unreachable" : "ICMP unreachable"));
      }
      std::snprintf(out, cap, "ICMP %u", static_cast<unsigned>(p.sub));
      return;
    case PacketKind::Other: return put(p.sub == 1 ? "IP" : word("frame"));
  }
  put("?");
}

std::string packet_label(const PacketFacts& p, Lang lang) {
  char buf[64];
  packet_label(p, lang, buf, sizeof buf);
  return buf;
}

std::string packet_summary_of(const wire::ParsedFrame& f, const PacketFacts& p) {
  TcpRelative rel;
  if (f.ip && f.tcp) {
    // Teach a fresh TcpRelative the two bases this segment's numbers were counted from:
    // the reverse direction first (a SYN), then this one (a SYN-ACK, which keeps the other).
    const wire::TcpHeader& h = *f.tcp;
    wire::TcpHeader rev;
    rev.sport = h.dport;
    rev.dport = h.sport;
    rev.flags = wire::tcpflag::SYN;
    rev.seq = h.ack - p.rack;
    if (p.has_ack) rel.observe(f.ip->dst, f.ip->src, rev);
    wire::TcpHeader fwd;
    fwd.sport = h.sport;
    fwd.dport = h.dport;
    fwd.flags = wire::tcpflag::SYN | wire::tcpflag::ACK;
    fwd.seq = h.seq - p.rseq;
    fwd.ack = rev.seq + 1;
    rel.observe(f.ip->src, f.ip->dst, fwd);
  }
  return packet_summary(f, rel);
}

// ---- PacketLooks --------------------------------------------------------------------------

void PacketLooks::clear() {
  by_id_.clear();
  known_ = 0;
  rel_.clear();
  read_ = 0;
  last_t_ = -1;
  last_ev_ = EvKind::App;
  last_node_ = -1;
}

bool PacketLooks::same_trace(TraceView trace, uint64_t generation) const {
  if (generation != generation_) return false;
  if (read_ == 0) return true;
  if (read_ > trace.size()) return false;
  const TraceEvent& last = trace[read_ - 1];
  return last.t == last_t_ && last.ev == last_ev_ && last.node == last_node_;
}

void PacketLooks::update(TraceView trace, size_t count, uint64_t generation) {
  if (!same_trace(trace, generation)) {
    clear();
    generation_ = generation;
  }
  // Far beyond any real run: such an id is not kept (its box says "?") rather than
  // making the table huge.
  constexpr uint64_t kMaxId = 1ULL << 26;
  count = std::min(count, trace.size());
  for (; read_ < count; ++read_) {
    const TraceEvent& e = trace[read_];
    last_t_ = e.t;
    last_ev_ = e.ev;
    last_node_ = e.node;
    if (e.ev != EvKind::Tx && e.ev != EvKind::Drop) continue;
    const PacketEvent& p = e.packet();
    if (p.id >= kMaxId) continue;
    if (p.id < by_id_.size() && by_id_[p.id].known) continue;  // a switch forwards the same frame
    const wire::ParsedFrame f = wire::parse_frame(p.frame);
    TcpRelative::Numbers n;
    if (f.ip && f.tcp) n = rel_.observe(f.ip->src, f.ip->dst, *f.tcp);
    if (p.id >= by_id_.size()) by_id_.resize(std::max<size_t>(p.id + 1, by_id_.size() * 3 / 2));
    by_id_[p.id] = packet_facts(f, n, p.retx);
    ++known_;
  }
}

const PacketFacts* PacketLooks::find(uint64_t id) const {
  if (id >= by_id_.size() || !by_id_[id].known) return nullptr;
  return &by_id_[id];
}

}  // namespace tcplab
