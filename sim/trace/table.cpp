// Fixed-width table rendering of the trace (see table.h for which events get a line).
#include "sim/trace/table.h"

#include <algorithm>
#include <sstream>
#include <type_traits>

#include "sim/trace/summary.h"
#include "sim/wire/frame.h"

namespace tcplab {
namespace {

constexpr size_t kTimeWidth = 10;   // "  1234.567"
constexpr size_t kEvWidth = 5;      // "state"
constexpr size_t kAddrWidth = 15;   // "255.255.255.255"
constexpr size_t kProtoWidth = 5;   // "icmp"
constexpr size_t kMaxNodeWidth = 16;

const char* proto_name(const wire::ParsedFrame& f) {
  if (f.arp) return "arp";
  if (!f.ip) return "eth";
  switch (f.ip->protocol) {
    case wire::kProtoIcmp: return "icmp";
    case wire::kProtoTcp: return "tcp";
    case wire::kProtoUdp: return "udp";
  }
  return "ip";
}

}  // namespace

TableWriter::TableWriter(std::ostream& out, TraceContext ctx) : out_(&out), ctx_(std::move(ctx)) {
  for (const std::string& n : ctx_.node_names) node_width_ = std::max(node_width_, display_width(n));
  node_width_ = std::min(node_width_, kMaxNodeWidth);
  *out_ << header() << '\n';
}

std::string TableWriter::header() const {
  return pad_left("time ms", kTimeWidth) + "  " + pad_right("node", node_width_) + "  " +
         pad_right("event", kEvWidth) + "  " + pad_right("src", kAddrWidth) + "   " +
         pad_right("dst", kAddrWidth) + "  " + pad_right("proto", kProtoWidth) + "  info";
}

void TableWriter::write(const TraceEvent& e) {
  const std::string l = line(e);
  if (!l.empty()) *out_ << l << '\n';
}

std::string TableWriter::line(const TraceEvent& e) {
  const bool known = e.node >= 0 && size_t(e.node) < ctx_.node_names.size();
  const std::string node = known ? ctx_.node_names[size_t(e.node)] : "?";
  const bool is_switch = e.node >= 0 && size_t(e.node) < ctx_.node_types.size() &&
                         ctx_.node_types[size_t(e.node)] == NodeType::Switch;
  const std::string start = pad_left(format_ms(e.t), kTimeWidth) + "  " +
                            pad_right(fit_width(node, node_width_), node_width_) + "  " +
                            pad_right(to_string(e.ev), kEvWidth) + "  ";

  return e.visit(
      [&](const auto& d) -> std::string {
        using T = std::decay_t<decltype(d)>;
        if constexpr (std::is_same_v<T, PacketEvent>) {
          if (e.ev == EvKind::Rx || (e.ev == EvKind::Tx && is_switch)) return "";
          const wire::ParsedFrame f = wire::parse_frame(d.frame);
          std::string src = "-", dst = "-";
          if (f.arp) src = to_string(f.arp->spa), dst = to_string(f.arp->tpa);
          if (f.ip) src = to_string(f.ip->src), dst = to_string(f.ip->dst);
          std::string info = packet_summary(f, rel_);
          if (e.ev == EvKind::Drop) info = std::string("✕ ") + to_string(d.why) + "  " + info;
          if (e.ev == EvKind::Tx && d.retx) info = "retx " + info;
          return start + pad_right(src, kAddrWidth) + " → " + pad_right(dst, kAddrWidth) + "  " +
                 pad_right(proto_name(f), kProtoWidth) + "  " + info;
        } else if constexpr (std::is_same_v<T, StateEvent>) {
          std::string s = start + d.sock + " " + d.from + " → " + d.to;
          if (!d.why.empty()) s += " (" + d.why + ")";
          return s;
        } else if constexpr (std::is_same_v<T, AppEvent>) {
          // A printed text of several lines gives several table lines, each with the
          // time and node, so the columns stay straight.
          std::string out;
          size_t from = 0;
          while (true) {
            const size_t end = d.text.find('\n', from);
            if (!out.empty()) out += '\n';
            std::string l = start + d.text.substr(from, end == std::string::npos ? end : end - from);
            while (!l.empty() && l.back() == ' ') l.pop_back();
            out += l;
            if (end == std::string::npos || end + 1 == d.text.size()) break;
            from = end + 1;
          }
          return out;
        } else {
          return "";  // timer, cc: see --format jsonl
        }
      });
}

std::string render_table(TraceView events, const TraceContext& ctx) {
  std::ostringstream out;
  TableWriter w(out, ctx);
  for (const TraceEvent& e : events) w.write(e);
  return out.str();
}

}  // namespace tcplab
