// ASCII sequence diagram of a trace (see ladder.h for how events map onto it). Works in
// three passes over the finished trace: learn who owns which address (to aim lost
// frames), gather each frame's sender, receivers and drops into rows, then lay the rows
// out on a character grid whose gap between lifelines fits the labels.
#include "sim/trace/ladder.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "sim/trace/summary.h"
#include "sim/trace/tcp_relative.h"
#include "sim/wire/frame.h"

namespace tcplab {
namespace {

constexpr size_t kTimeWidth = 10;            // "  1234.567"
constexpr size_t kMargin = kTimeWidth + 2;   // where the first lifeline stands
constexpr size_t kMinGap = 24, kMaxGap = 40; // columns between two adjacent lifelines
constexpr size_t kTargetWidth = 160;         // time + lifelines; more columns get narrower gaps
constexpr size_t kArrowExtra = 5;            // "- " label " ->"
constexpr size_t kLostBlank = 2;             // a lost arrow stops this far before its target
constexpr size_t kLostExtra = 7 + kLostBlank; // "- " label " --✕ " why "  "

// Lost on the way (the frame never reached the next node) rather than refused by a
// node it reached.
bool in_flight(DropWhy w) { return w == DropWhy::Loss || w == DropWhy::Fault || w == DropWhy::Queue; }

// A row of character cells; a cell holds one code point (a wide one leaves the next
// cell empty), so UTF-8 labels line up.
class Canvas {
 public:
  void put(size_t x, std::string_view text) {
    for (size_t i = 0; i < text.size();) {
      const auto lead = static_cast<unsigned char>(text[i]);
      const size_t n = lead < 0x80 ? 1 : (lead >> 5) == 6 ? 2 : (lead >> 4) == 14 ? 3 : (lead >> 3) == 30 ? 4 : 1;
      const std::string_view cp = text.substr(i, n);
      i += n;
      const size_t w = display_width(cp);
      if (w == 0) {  // a combining mark joins the previous cell
        if (x > 0) at(x - 1) += cp;
        continue;
      }
      at(x) = std::string(cp);
      if (w == 2) at(x + 1).clear();
      x += w;
    }
  }
  std::string str() const {
    std::string s;
    for (const std::string& c : cells_) s += c;
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s;
  }

 private:
  std::string& at(size_t x) {
    if (x >= cells_.size()) cells_.resize(x + 1, " ");
    return cells_[x];
  }
  std::vector<std::string> cells_;
};

std::string repeat(std::string_view s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

// The label an arrow of `inner` columns can hold: the full summary, else the compact
// one cut to fit.
std::string choose_label(const std::string& full, const std::string& compact, size_t room) {
  if (display_width(full) <= room) return full;
  return fit_width(compact, room);
}

// The characters between two lifelines for an arrow, `inner` columns wide.
std::string arrow_body(size_t inner, const std::string& full, const std::string& compact,
                       const std::string& why, bool rightward) {
  if (why.empty()) {
    const std::string label = choose_label(full, compact, inner >= kArrowExtra ? inner - kArrowExtra : 0);
    const size_t dashes = inner - display_width(label) - 3;  // around the label, head excluded
    const size_t tail = dashes / 2, head = dashes - tail;
    return rightward ? repeat("-", tail) + " " + label + " " + repeat("-", head) + ">"
                     : "<" + repeat("-", head) + " " + label + " " + repeat("-", tail);
  }
  const size_t wl = display_width(why);
  const size_t room = inner >= kLostExtra + wl ? inner - kLostExtra - wl : 0;
  const std::string label = choose_label(full, compact, room);
  const size_t lw = display_width(label);
  // Keep the label where an arrow that arrived would have it, if the ✕ still fits.
  const size_t centred = (inner - lw - 3) / 2;
  const size_t tail = std::max<size_t>(1, std::min(centred, inner - lw - wl - 6 - kLostBlank));
  const size_t blank = inner - (tail + lw + wl + 6);
  return rightward ? repeat("-", tail) + " " + label + " --✕ " + why + repeat(" ", blank)
                   : repeat(" ", blank) + why + " ✕-- " + label + " " + repeat("-", tail);
}

// Which node sits at the other end of a link named "a:eth0-b:p1", seen from `node`.
int other_end_of_link(const std::string& link, int node, const std::vector<std::string>& names) {
  auto is_end = [&](const std::string& n) {
    return link.rfind(n + ":", 0) == 0 || link.find("-" + n + ":") != std::string::npos;
  };
  if (node < 0 || size_t(node) >= names.size() || !is_end(names[size_t(node)])) return -1;
  for (size_t m = 0; m < names.size(); ++m)
    if (int(m) != node && is_end(names[m])) return int(m);
  return -1;
}

struct Drop {
  size_t index;
  Time t;
  int node;
  int32_t link;
  DropWhy why;
};

// What the trace says about one frame id.
struct FrameStory {
  int origin = -1;  // the host or router that sent it
  size_t tx_index = 0;
  Time tx_time = 0;
  std::string full, compact;  // labels
  wire::ParsedFrame parsed;
  std::vector<int> receivers;  // hosts/routers with an rx, in order
  std::vector<Drop> drops;
};

enum class RowKind { Arrow, Mark, Side, Note };

struct Row {
  Time t = 0;
  size_t order = 0, sub = 0;  // event index, then position among the rows it made
  RowKind kind = RowKind::Note;
  int from = -1, to = -1;     // Arrow: columns
  std::string full, compact;  // Arrow: labels
  std::string why;            // Arrow: reason it was lost, "" when it arrived; Mark: reason
  int col = -1;               // Mark, Side: column
  std::string text;           // Side: beside the lifeline; Note: right of the diagram
};

class Ladder {
 public:
  Ladder(TraceView events, const TraceContext& ctx) : events_(events), ctx_(ctx) {
    size_t n = ctx.node_names.size();
    for (const TraceEvent& e : events)
      if (e.node >= 0) n = std::max(n, size_t(e.node) + 1);
    for (size_t i = 0; i < n; ++i) {
      names_.push_back(i < ctx.node_names.size() ? ctx.node_names[i] : "node" + std::to_string(i));
      const NodeType t = i < ctx.node_types.size() ? ctx.node_types[i] : NodeType::Host;
      column_.push_back(t == NodeType::Switch ? -1 : int(column_node_.size()));
      if (t != NodeType::Switch) column_node_.push_back(int(i));
      types_.push_back(t);
    }
  }

  std::string render() {
    learn_owners();
    gather_frames();
    build_rows();
    return draw();
  }

 private:
  bool is_column(int node) const { return node >= 0 && size_t(node) < column_.size() && column_[size_t(node)] >= 0; }
  int col(int node) const { return column_[size_t(node)]; }

  // Pass 1: which MAC and IPv4 address belongs to which host or router, from what they
  // send (an ARP sender speaks for itself; a host only sends from its own address).
  void learn_owners() {
    for (const TraceEvent& e : events_) {
      const auto* p = std::get_if<PacketEvent>(&e.data);
      if (!p || e.ev != EvKind::Tx || !is_column(e.node)) continue;
      const wire::ParsedFrame f = wire::parse_frame(p->frame);
      if (!f.error.empty() && !f.arp && !f.ip) continue;
      mac_owner_.emplace(f.eth.src, e.node);
      if (f.arp) ip_owner_.emplace(f.arp->spa.v, e.node);
      if (f.ip && types_[size_t(e.node)] == NodeType::Host) ip_owner_.emplace(f.ip->src.v, e.node);
    }
  }

  // Pass 2: each frame's sender, receivers and drops; labels in trace order, so that
  // relative TCP numbers learn ISNs as a reader of the trace would.
  void gather_frames() {
    for (size_t i = 0; i < events_.size(); ++i) {
      const TraceEvent& e = events_[i];
      const auto* p = std::get_if<PacketEvent>(&e.data);
      if (!p) continue;
      FrameStory& s = frames_[p->id];
      if (e.ev == EvKind::Tx && is_column(e.node) && s.origin < 0) {
        s.origin = e.node;
        s.tx_index = i;
        s.tx_time = e.t;
        s.parsed = wire::parse_frame(p->frame);
        const std::string retx = p->retx ? "retx " : "";
        s.full = retx + packet_summary(s.parsed, rel_, SummaryStyle::Full);
        s.compact = retx + packet_summary(s.parsed, rel_, SummaryStyle::Compact);
      } else if (e.ev == EvKind::Rx && is_column(e.node) && e.node != s.origin &&
                 std::find(s.receivers.begin(), s.receivers.end(), e.node) == s.receivers.end()) {
        s.receivers.push_back(e.node);
      } else if (e.ev == EvKind::Drop) {
        s.drops.push_back(Drop{i, e.t, e.node, p->link, p->why});
      }
    }
  }

  // Where a frame lost on the way was going: the far end of the link it was lost on,
  // else the owner of its destination MAC, else of its destination IPv4 address, else
  // the next column.
  int target_of(const FrameStory& s, const Drop& d) const {
    auto usable = [&](int n) { return is_column(n) && n != s.origin; };
    if (d.link >= 0 && size_t(d.link) < ctx_.link_names.size()) {
      const int m = other_end_of_link(ctx_.link_names[size_t(d.link)], d.node, names_);
      if (usable(m)) return m;
    }
    if (!s.parsed.eth.dst.is_multicast()) {
      auto it = mac_owner_.find(s.parsed.eth.dst);
      if (it != mac_owner_.end() && usable(it->second)) return it->second;
    }
    std::optional<Ipv4> dst;
    if (s.parsed.arp) dst = s.parsed.arp->tpa;
    if (s.parsed.ip) dst = s.parsed.ip->dst;
    if (dst) {
      auto it = ip_owner_.find(dst->v);
      if (it != ip_owner_.end() && usable(it->second)) return it->second;
    }
    const int c = col(s.origin);
    if (size_t(c + 1) < column_node_.size()) return column_node_[size_t(c + 1)];
    if (c > 0) return column_node_[size_t(c - 1)];
    return -1;
  }

  void add_mark(const Drop& d) {
    Row r;
    r.t = d.t;
    r.order = d.index;
    if (is_column(d.node)) {
      r.kind = RowKind::Mark;
      r.col = col(d.node);
      r.why = to_string(d.why);
    } else {  // a switch dropped a frame nobody was seen sending
      r.kind = RowKind::Note;
      r.text = names_[size_t(d.node)] + ": ✕ " + to_string(d.why);
    }
    rows_.push_back(r);
  }

  void add_arrow(const FrameStory& s, int to, std::string why, size_t sub) {
    if (col(to) == col(s.origin)) return;
    Row r;
    r.kind = RowKind::Arrow;
    r.t = s.tx_time;
    r.order = s.tx_index;
    r.sub = sub;
    r.from = col(s.origin);
    r.to = col(to);
    r.full = s.full;
    r.compact = s.compact;
    r.why = std::move(why);
    rows_.push_back(r);
  }

  // Pass 3a: rows for frames, then for the other events.
  void build_rows() {
    for (const auto& [id, s] : frames_) {
      size_t sub = 0;
      if (s.origin >= 0)
        for (int r : s.receivers) add_arrow(s, r, "", sub++);
      for (const Drop& d : s.drops) {
        if (d.node < 0 || size_t(d.node) >= names_.size()) continue;
        const bool reached = std::find(s.receivers.begin(), s.receivers.end(), d.node) != s.receivers.end();
        if (s.origin < 0 || reached || (d.node == s.origin && !in_flight(d.why))) {
          add_mark(d);
        } else if (is_column(d.node) && d.node != s.origin) {
          add_arrow(s, d.node, to_string(d.why), sub++);
        } else if (const int to = target_of(s, d); to >= 0) {
          add_arrow(s, to, to_string(d.why), sub++);
        } else {
          add_mark(d);
        }
      }
    }

    std::map<int, std::set<std::string>> socks;  // per node, to tell sockets apart
    for (const TraceEvent& e : events_)
      if (const auto* st = e.get_if<StateEvent>()) socks[e.node].insert(st->sock);

    for (size_t i = 0; i < events_.size(); ++i) {
      const TraceEvent& e = events_[i];
      const bool known = e.node >= 0 && size_t(e.node) < names_.size();
      Row r;
      r.t = e.t;
      r.order = i;
      if (const auto* st = e.get_if<StateEvent>(); st && is_column(e.node)) {
        r.kind = RowKind::Side;
        r.col = col(e.node);
        r.text = socks[e.node].size() > 1 ? st->sock + " " + st->to : st->to;
        rows_.push_back(r);
      } else if (const auto* tm = e.get_if<TimerEvent>();
                 tm && is_column(e.node) && tm->op == "fire" && tm->timer != "delack" && tm->timer != "time_wait") {
        r.kind = RowKind::Side;
        r.col = col(e.node);
        r.text = tm->timer + " fires";
        rows_.push_back(r);
      } else if (const auto* app = e.get_if<AppEvent>()) {
        const std::string who = known ? names_[size_t(e.node)] + ": " : "";
        size_t start = 0;
        do {  // one row per printed line
          const size_t end = app->text.find('\n', start);
          r.kind = RowKind::Note;
          r.text = who + app->text.substr(start, end == std::string::npos ? std::string::npos : end - start);
          while (!r.text.empty() && r.text.back() == ' ') r.text.pop_back();
          rows_.push_back(r);
          ++r.sub;
          start = end == std::string::npos ? end : end + 1;
        } while (start != std::string::npos && start < app->text.size());
      }
    }
    std::stable_sort(rows_.begin(), rows_.end(), [](const Row& a, const Row& b) {
      return std::tie(a.t, a.order, a.sub) < std::tie(b.t, b.order, b.sub);
    });
  }

  // The gap that lets most labels show whole, within [kMinGap, kMaxGap], narrower when
  // many columns would make the diagram wider than kTargetWidth.
  size_t choose_gap() const {
    size_t max_gap = kMaxGap;
    if (column_node_.size() > 1)
      max_gap = std::clamp((kTargetWidth - kMargin) / (column_node_.size() - 1) - 1, kMinGap, kMaxGap);
    size_t gap = kMinGap;
    for (const Row& r : rows_) {
      if (r.kind != RowKind::Arrow) continue;
      const size_t span = size_t(std::abs(r.to - r.from));
      const size_t extra = r.why.empty() ? kArrowExtra : kLostExtra + display_width(r.why);
      size_t need = display_width(r.full) + extra;
      if (need > span * (max_gap + 1) - 1) need = display_width(r.compact) + extra;
      gap = std::max(gap, (need + 1 + span - 1) / span - 1);  // inner = span*(gap+1)-1
    }
    return std::min(gap, max_gap);
  }

  size_t x_of(int column) const { return kMargin + size_t(column) * (gap_ + 1); }

  Canvas lifelines() const {
    Canvas c;
    for (size_t k = 0; k < column_node_.size(); ++k) c.put(x_of(int(k)), "|");
    return c;
  }

  // Pass 3b: the grid.
  std::string draw() {
    gap_ = choose_gap();
    const size_t ncols = column_node_.size();
    const size_t note_x = ncols == 0 ? kMargin : x_of(int(ncols - 1)) + 3;
    std::string out = ctx_.title.empty() ? "tcplab trace" : ctx_.title;
    // TCP behaviour depends on the profile (TCP-REFERENCE.md §0.1): say which one ran.
    const bool tcp = std::any_of(events_.begin(), events_.end(),
                                 [](const TraceEvent& e) { return e.ev == EvKind::State; });
    out += " (seed " + std::to_string(ctx_.seed) + (tcp ? ", tcp profile " + ctx_.profile : std::string()) + ")\n\n";

    Canvas head;
    head.put(0, pad_left("time ms", kTimeWidth));
    for (size_t k = 0; k < ncols; ++k) head.put(x_of(int(k)), fit_width(names_[size_t(column_node_[k])], gap_));
    out += head.str() + "\n" + lifelines().str() + "\n";
    if (rows_.empty()) out += lifelines().str() + "   (no events)\n";

    for (const Row& r : rows_) {
      Canvas c = lifelines();
      c.put(0, pad_left(format_ms(r.t), kTimeWidth));
      switch (r.kind) {
        case RowKind::Arrow: {
          const bool right = r.to > r.from;
          const size_t a = x_of(std::min(r.from, r.to)), b = x_of(std::max(r.from, r.to));
          c.put(a + 1, arrow_body(b - a - 1, r.full, r.compact, r.why, right));
          break;
        }
        case RowKind::Mark:
        case RowKind::Side: {
          const size_t x = x_of(r.col);
          const bool last = size_t(r.col) + 1 == ncols;
          const std::string text = r.kind == RowKind::Mark ? r.why : r.text;
          if (r.kind == RowKind::Mark) c.put(x, "✕");
          c.put(x + 2, last ? text : fit_width(text, gap_ - 2));
          break;
        }
        case RowKind::Note:
          c.put(note_x, r.text);
          break;
      }
      out += c.str() + "\n";
    }
    return out;
  }

  TraceView events_;
  const TraceContext& ctx_;
  std::vector<std::string> names_;
  std::vector<NodeType> types_;
  std::vector<int> column_;       // per node: its column, -1 for a switch
  std::vector<int> column_node_;  // per column: its node
  std::map<Mac, int> mac_owner_;
  std::map<uint32_t, int> ip_owner_;
  std::map<uint64_t, FrameStory> frames_;
  std::vector<Row> rows_;
  TcpRelative rel_;
  size_t gap_ = kMinGap;
};

}  // namespace

std::string render_ladder(TraceView events, const TraceContext& ctx) {
  return Ladder(events, ctx).render();
}

}  // namespace tcplab
