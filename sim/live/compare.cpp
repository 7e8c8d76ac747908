// compare.h: the `live compare` report — header, the two ladders, the states per socket,
// the segments and retransmissions per direction, then the known model differences that
// explain what differs (TCP-REFERENCE.md §3.7, §4, §8).
#include "sim/live/compare.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <sstream>

#include "sim/live/tcp_flows.h"
#include "sim/trace/ladder.h"
#include "sim/trace/summary.h"

namespace tcplab::live {
namespace {

using wire::tcpflag::ACK;
using wire::tcpflag::FIN;
using wire::tcpflag::RST;
using wire::tcpflag::SYN;

// ---- text layout ---------------------------------------------------------------------

std::string ms(Time t) {
  char buf[32];
  const double v = static_cast<double>(t) / 1e6;
  std::snprintf(buf, sizeof buf, std::fabs(v) < 1.0 ? "%.3f ms" : "%.1f ms", v);
  return buf;
}

std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// Words laid out in lines of at most `width` columns: the first line starts with `first`,
// the others with `rest` (both counted in the width). A word longer than a line gets one.
std::string wrap_words(const std::vector<std::string>& words, const std::string& first, const std::string& rest,
                       size_t width) {
  std::string out = first, line_start = first;
  size_t used = display_width(first);
  bool empty_line = true;
  for (const std::string& w : words) {
    const size_t ww = display_width(w);
    if (!empty_line && used + 1 + ww > width) {
      out += "\n" + rest;
      used = display_width(rest);
      empty_line = true;
    }
    if (!empty_line) {
      out += " ";
      ++used;
    }
    out += w;
    used += ww;
    empty_line = false;
  }
  return out + "\n";
}

std::string wrap(const std::string& text, const std::string& first, const std::string& rest, size_t width) {
  return wrap_words(words_of(text), first, rest, width);
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

// "a, b and c"
std::string listing(const std::vector<std::string>& v) {
  if (v.empty()) return "";
  if (v.size() == 1) return v[0];
  std::vector<std::string> head(v.begin(), v.end() - 1);
  return join(head, ", ") + " and " + v.back();
}

// "1 segment", "5 segments"
std::string count(uint64_t n, const std::string& what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

// Runs of one token shortened: "ACK ACK ACK" -> "ACK×3".
std::vector<std::string> runs(const std::vector<std::string>& tokens) {
  std::vector<std::string> out;
  for (size_t i = 0; i < tokens.size();) {
    size_t j = i;
    while (j < tokens.size() && tokens[j] == tokens[i]) ++j;
    out.push_back(j - i > 1 ? tokens[i] + "×" + std::to_string(j - i) : tokens[i]);
    i = j;
  }
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

size_t widest(const std::string& text, size_t skip = 0) {
  size_t w = 0;
  const std::vector<std::string> lines = lines_of(text);
  for (size_t i = skip; i < lines.size(); ++i) w = std::max(w, display_width(lines[i]));
  return w;
}

std::string cut_lines(const std::string& text, size_t width) {
  std::string out;
  for (const std::string& l : lines_of(text)) out += fit_width(l, width) + "\n";
  return out;
}

// ---- the ladders -----------------------------------------------------------------------

std::vector<TraceEvent> without_app(TraceView events) {
  std::vector<TraceEvent> out;
  for (const TraceEvent& e : events)
    if (e.ev != EvKind::App) out.push_back(e);
  return out;
}

std::string ladders(const TraceContext& sim_ctx, TraceView sim, const LiveTrace& kernel,
                    size_t width) {
  const std::string left = render_ladder(sim, sim_ctx);
  const std::string right = render_ladder(kernel.events, kernel.ctx);
  const std::string left_title = "simulation (tcp profile " + sim_ctx.profile + ", NewReno)";
  std::string right_title = "kernel (level " + std::to_string(kernel.info.level);
  if (!kernel.info.kernel_release.empty()) right_title += ", Linux " + kernel.info.kernel_release;
  if (!kernel.info.kernel_cc.empty()) right_title += ", " + kernel.info.kernel_cc;
  right_title += ")";
  // The lifelines must fit whole; what programs printed, right of them, may be cut.
  const size_t half = width > 3 ? (width - 3) / 2 : 1;
  // (Not counting the ladder's first line, its title, which may be cut.)
  const size_t left_core = widest(render_ladder(without_app(sim), sim_ctx), 1);
  const size_t right_core = widest(render_ladder(without_app(kernel.events), kernel.ctx), 1);
  if (left_core <= half && right_core <= half) {
    // The left column as wide as its text, up to half the width (more when the right
    // text is narrow); the right column gets the rest.
    const size_t lw = std::max(left_core, std::min(widest(left), std::max(half, width - 3 - std::min(width - 3, widest(right)))));
    const size_t rw = width - 3 - lw;
    return side_by_side(left_title, left, fit_width(right_title, rw), cut_lines(right, rw), lw);
  }
  // Too narrow for two: one above the other.
  std::string rule;
  for (size_t i = 0; i < std::min<size_t>(width, 40); ++i) rule += "─";
  return fit_width(left_title, width) + "\n" + rule + "\n" + cut_lines(left, width) + "\n" +
         fit_width(right_title, width) + "\n" + rule + "\n" + cut_lines(right, width);
}

// ---- segments --------------------------------------------------------------------------

struct Controls {
  size_t syn = 0, fin = 0, rst = 0;
  bool operator==(const Controls&) const = default;
};

// "the same 5 bytes, SYN and FIN": what two directions that agree in content both carried.
std::string same_content(uint64_t bytes, const Controls& c) {
  std::vector<std::string> parts;
  if (bytes > 0) parts.push_back(count(bytes, "byte"));
  if (c.syn) parts.push_back("SYN");
  if (c.fin) parts.push_back("FIN");
  if (c.rst) parts.push_back("RST");
  if (parts.empty()) return "";  // pure ACKs only
  return "the same " + listing(parts);
}

Controls controls(const FlowDirection& d) {
  Controls c;
  for (const FlowSegment& s : d.segments) {
    if (s.retx) continue;
    if (s.tcp.flags & SYN) ++c.syn;
    if (s.tcp.flags & FIN) ++c.fin;
    if (s.tcp.flags & RST) ++c.rst;
  }
  return c;
}

std::vector<std::string> tokens(const FlowDirection& d, bool with_retx, bool with_pure_acks) {
  std::vector<std::string> out;
  for (const FlowSegment& s : d.segments) {
    if (s.retx && !with_retx) continue;
    if (s.pure_ack() && !with_pure_acks) continue;
    out.push_back(s.token());
  }
  return out;
}

std::vector<const FlowSegment*> retransmitted(const FlowDirection& d) {
  std::vector<const FlowSegment*> out;
  for (const FlowSegment& s : d.segments)
    if (s.retx) out.push_back(&s);
  return out;
}

// "[PSH|ACK] len=5" as the ladder writes a segment.
std::string segment_words(const FlowSegment& s) {
  std::string out = "[" + wire::tcp_flags_string(s.tcp.flags) + "]";
  if (s.len > 0) out += " len=" + std::to_string(s.len);
  return out;
}

std::string syn_options(const wire::TcpHeader& h) {
  std::vector<std::string> o;
  if (h.mss) o.push_back("MSS " + std::to_string(*h.mss));
  if (h.sack_permitted) o.push_back("SACK-permitted");
  if (h.timestamps) o.push_back("timestamps");
  if (h.window_scale) o.push_back("window scale " + std::to_string(*h.window_scale));
  return o.empty() ? "no options" : listing(o);
}

bool has_linux_options(const wire::TcpHeader& h) { return h.sack_permitted || h.timestamps || h.window_scale; }

// The kernel's SRTT and RTO for a socket just before time t, from its `cc` events (one at
// t itself already shows what a retransmission at t changed, such as a backed-off RTO).
struct CcAt {
  std::optional<Time> srtt, rto;
};
CcAt cc_at(TraceView events, int32_t node, const std::string& sock, Time t) {
  CcAt out;
  for (const TraceEvent& e : events) {
    if (e.t >= t) break;
    if (e.ev != EvKind::Cc || e.node != node) continue;
    const auto& c = e.cc();
    if (!sock.empty() && c.sock != sock) continue;
    if (c.srtt > 0) out.srtt = c.srtt;
    if (c.rto > 0) out.rto = c.rto;
  }
  return out;
}

// What the explanations section needs to know, gathered while the diff is written.
struct Findings {
  struct SynOptions {
    std::string what;           // "SYN (client → server)"
    std::string kernel, model;  // "MSS 65495, SACK-permitted, …"
    bool timestamps = false;
  };
  std::vector<SynOptions> syn_options;
  struct Advertised {  // MSS and window of the first SYN whose values differ
    std::string what;
    uint16_t kernel_mss = 0, model_mss = 0, kernel_win = 0, model_win = 0;
    std::optional<uint8_t> kernel_ws;
  };
  std::optional<Advertised> advertised;
  struct Tlp {
    std::string dir, segment;
    Time t = 0, since_last = 0;
    Time srtt = 0;
  };
  std::vector<Tlp> tlps;
  struct Coalesced {
    std::string dir;
    size_t kernel_segments = 0, model_segments = 0;
    std::string content;  // "the same 5 bytes, SYN and FIN"
    bool only_acks = false;  // the segments with data, SYN or FIN are the same
  };
  std::vector<Coalesced> coalesced;
  bool any_retx = false;
  bool syn_timing_differs = false;
  size_t directions_differ = 0;
  size_t retx_differ = 0;
};

// Is kernel retransmission `r` a tail loss probe (RACK-TLP, RFC 8985 §7; Linux
// tcp_schedule_loss_probe())? The probe timeout is 2·SRTT (+ 200 ms when one segment is in
// flight), capped at the RTO; the probe sends the last segment again. So: the last segment
// sent, sent again for the first time, about 2·SRTT after the last send, before the RTO,
// on a connection that negotiated SACK (Linux sends probes only then).
std::optional<Findings::Tlp> tail_loss_probe(const FlowSegment& r, const FlowDirection& d, const TcpFlow& flow,
                                             const LiveTrace& kernel, bool sack) {
  if (!sack || !r.tail || (r.tcp.flags & SYN)) return std::nullopt;
  for (const FlowSegment& s : d.segments) {
    if (&s == &r) break;
    if (s.retx && s.tcp.seq == r.tcp.seq) return std::nullopt;  // not the first time
  }
  const CcAt cc = cc_at(kernel.events, d.from_index, d.from_sock, r.t);
  std::optional<Time> srtt = cc.srtt;
  if (!srtt) srtt = handshake_rtt(flow);
  if (!srtt || *srtt <= 0) return std::nullopt;
  const Time low = *srtt * 3 / 2;
  const Time high = (2 * *srtt + 200'000'000) * 11 / 10;
  if (r.since_last < low || r.since_last > high) return std::nullopt;
  if (cc.rto && r.since_last >= *cc.rto * 95 / 100) return std::nullopt;  // the RTO's time: a timeout
  return Findings::Tlp{d.from_node + " → " + d.to_node, segment_words(r), r.t, r.since_last, *srtt};
}

bool same_wait(Time model, Time kernel) {
  const Time diff = model > kernel ? model - kernel : kernel - model;
  return diff <= std::max<Time>(model / 10, 10'000'000);
}

std::string retx_line(const FlowSegment& s) {
  return segment_words(s) + " at " + ms(s.t) + ", " + ms(s.t - s.first_sent) + " after its first send";
}

// One direction of a connection: the two segment sequences, the verdict, the
// retransmissions. Appends to `out`; records what the explanations need in `found`.
void compare_direction(const FlowDirection& m, const FlowDirection& k, const TcpFlow& kflow, const LiveTrace& kernel,
                       bool kernel_sack, size_t width, std::string& out, Findings& found) {
  const std::string dir = m.from_node + " → " + m.to_node;
  out += "    " + dir + "\n";
  auto seq_line = [&](const char* who, const FlowDirection& d) {
    std::vector<std::string> words = runs(tokens(d, true, true));
    if (words.empty()) words.push_back("(nothing)");
    words.push_back("—");
    words.push_back(count(d.segments.size(), "segment") + ",");
    words.push_back(count(d.bytes(), "byte"));
    out += wrap_words(words, std::string("      ") + who, "                  ", width);
  };
  seq_line("simulation: ", m);
  seq_line("kernel:     ", k);

  std::string verdict;
  const bool bytes_same = m.bytes() == k.bytes();
  if (tokens(m, true, true) == tokens(k, true, true)) {
    verdict = "same";
  } else if (tokens(m, false, true) == tokens(k, false, true)) {
    verdict = "same apart from the retransmissions";
  } else if (bytes_same && controls(m) == controls(k)) {
    const bool only_acks = tokens(m, false, false) == tokens(k, false, false);
    const std::string content = same_content(m.bytes(), controls(m));
    if (only_acks)
      verdict = "explained: only pure ACKs differ" + (content.empty() ? "" : " (" + content + " on both sides)");
    else
      verdict = "explained: " + content + " on both sides, in differently cut segments";
    found.coalesced.push_back(Findings::Coalesced{dir, k.segments.size(), m.segments.size(), content, only_acks});
  } else {
    std::vector<std::string> why;
    if (!bytes_same)
      why.push_back("the simulation sent " + std::to_string(m.bytes()) + " bytes, the kernel " +
                    std::to_string(k.bytes()));
    const Controls a = controls(m), b = controls(k);
    if (a.syn != b.syn) why.push_back("SYN " + std::to_string(a.syn) + " vs " + std::to_string(b.syn));
    if (a.fin != b.fin) why.push_back("FIN " + std::to_string(a.fin) + " vs " + std::to_string(b.fin));
    if (a.rst != b.rst) why.push_back("RST " + std::to_string(a.rst) + " vs " + std::to_string(b.rst));
    if (why.empty()) why.push_back("the flags differ");
    verdict = "DIFFERS: " + join(why, "; ");
    ++found.directions_differ;
  }
  out += wrap(verdict, "      → ", "        ", width);

  // Retransmissions: the kernel's tail loss probes set aside, the rest paired in order.
  const std::vector<const FlowSegment*> mr = retransmitted(m), kr = retransmitted(k);
  if (mr.empty() && kr.empty()) return;
  found.any_retx = true;
  out += "      retransmissions:\n";
  auto list = [&](const char* who, const std::vector<const FlowSegment*>& v,
                  const std::vector<std::optional<Findings::Tlp>>* tlp) {
    if (v.empty()) {
      out += std::string("        ") + who + "none\n";
      return;
    }
    for (size_t i = 0; i < v.size(); ++i) {
      std::string line = retx_line(*v[i]);
      if (tlp && (*tlp)[i]) line += " (tail loss probe)";
      out += wrap(line, std::string("        ") + (i == 0 ? who : "            "), "              ", width);
    }
  };
  std::vector<std::optional<Findings::Tlp>> tlp;
  std::vector<const FlowSegment*> k_rest;
  for (const FlowSegment* r : kr) {
    tlp.push_back(tail_loss_probe(*r, k, kflow, kernel, kernel_sack));
    if (!tlp.back()) k_rest.push_back(r);
  }
  list("simulation: ", mr, nullptr);
  list("kernel:     ", kr, &tlp);

  auto same_segments = [](const std::vector<const FlowSegment*>& a, const std::vector<const FlowSegment*>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (a[i]->tcp.flags != b[i]->tcp.flags || a[i]->len != b[i]->len) return false;
    return true;
  };
  const bool probes = k_rest.size() != kr.size();
  std::string verdict2;
  if (same_segments(mr, k_rest)) {
    std::vector<std::string> slower;
    for (size_t i = 0; i < mr.size(); ++i) {
      const Time wm = mr[i]->t - mr[i]->first_sent, wk = k_rest[i]->t - k_rest[i]->first_sent;
      if (!same_wait(wm, wk)) {
        slower.push_back(segment_words(*mr[i]) + ": the model waited " + ms(wm) + ", the kernel " + ms(wk));
        if (mr[i]->tcp.flags & SYN) found.syn_timing_differs = true;
      }
    }
    if (slower.empty()) {
      verdict2 = "agree: the same segments, sent again after the same waits";
      if (probes) verdict2 += ", apart from the kernel's tail loss probe (explained below)";
    } else {
      verdict2 = "the same segments, after different waits: " + join(slower, "; ");
      ++found.retx_differ;
    }
  } else {
    verdict2 = mr.size() == k_rest.size()
                   ? "DIFFER: the model and the kernel sent different segments again"
                   : "DIFFER: the model sent " + std::to_string(mr.size()) + " again, the kernel " +
                         std::to_string(kr.size());
    if (probes) verdict2 += " (tail loss probes explained below)";
    ++found.retx_differ;
  }
  for (const auto& p : tlp)
    if (p) found.tlps.push_back(*p);
  out += wrap(verdict2, "        → ", "          ", width);
}

// The SYN options and advertised values of one direction's SYN, held against the model's.
void compare_syns(const TcpFlow& m, const TcpFlow& k, Findings& found) {
  const std::pair<const FlowDirection*, const FlowDirection*> dirs[] = {{&m.forward, &k.forward},
                                                                         {&m.backward, &k.backward}};
  for (const auto& [md, kd] : dirs) {
    const FlowSegment* ms_ = md->syn();
    const FlowSegment* ks = kd->syn();
    if (!ms_ || !ks) continue;
    const std::string what = std::string((ks->tcp.flags & ACK) ? "SYN-ACK" : "SYN") + " (" + kd->from_node +
                             " → " + kd->to_node + ")";
    if (has_linux_options(ks->tcp) && !has_linux_options(ms_->tcp))
      found.syn_options.push_back(Findings::SynOptions{what, syn_options(ks->tcp), syn_options(ms_->tcp),
                                                       ks->tcp.timestamps.has_value()});
    const uint16_t kmss = ks->tcp.mss.value_or(0), mmss = ms_->tcp.mss.value_or(0);
    if (!found.advertised && (kmss != mmss || ks->tcp.window != ms_->tcp.window))
      found.advertised = Findings::Advertised{what, kmss, mmss, ks->tcp.window, ms_->tcp.window, ks->tcp.window_scale};
  }
}

// ---- explanations --------------------------------------------------------------------

// Linux release "6.1.0-18-amd64" -> {6, 1}; {0, 0} when it cannot be read.
std::pair<int, int> release_version(const std::string& r) {
  int major = 0, minor = 0;
  if (std::sscanf(r.c_str(), "%d.%d", &major, &minor) != 2) return {0, 0};
  return {major, minor};
}

// `any_retx`: whether either side sent something again; nullopt when the kernel's
// segments were not seen (level 1), so nothing can be said about losses.
std::string cc_explanation(const std::string& cc, std::optional<bool> any_retx) {
  std::string lower;
  for (char c : cc) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string s;
  if (lower == "cubic") {
    s = "Congestion control: the kernel runs CUBIC, the model NewReno (RFC 5681/6582). Both start with 10 "
        "segments and double per round trip in slow start; after a loss CUBIC sets ssthresh to 0.7 × cwnd and "
        "grows along a cubic curve, NewReno halves it and adds one segment per round trip. Linux counts cwnd in "
        "segments, the model in bytes (TCP-REFERENCE.md §3.7).";
  } else if (lower == "bbr") {
    s = "Congestion control: the kernel runs BBR, the model NewReno (RFC 5681/6582). BBR paces its sending "
        "from its estimates of the path's bandwidth and round-trip time and does not cut its window by a fixed "
        "factor on a loss, as NewReno does; its cwnd and ssthresh do not compare with the model's.";
  } else if (lower == "reno") {
    s = "Congestion control: the kernel runs Reno, like the model, but recovers with PRR and RACK-TLP and "
        "counts cwnd in segments (TCP-REFERENCE.md §3.7).";
  } else {
    s = "Congestion control: the kernel runs " + cc + ", the model NewReno (RFC 5681/6582); their windows "
        "differ after a loss.";
  }
  if (any_retx)
    s += *any_retx ? " Segments were sent again in this run: after a loss the two windows differ."
                   : " Nothing was sent again in this run, so it made no difference here.";
  return s;
}

std::vector<std::string> explanations(const Findings& f, const LiveTrace& kernel,
                                      const std::vector<SocketComparison>& states, bool kernel_has_segments) {
  std::vector<std::string> out;
  if (!f.syn_options.empty()) {
    bool timestamps = false, alike = true;
    std::vector<std::string> whats, parts;
    for (const auto& s : f.syn_options) {
      whats.push_back(s.what);
      parts.push_back("the kernel's " + s.what + " carried " + s.kernel + ", the model's " + s.model);
      timestamps = timestamps || s.timestamps;
      alike = alike && s.kernel == f.syn_options[0].kernel && s.model == f.syn_options[0].model;
    }
    // One sentence when every SYN carried the same (the usual case: both ends are Linux).
    const std::string said = alike && whats.size() > 1
                                 ? "the kernel's " + listing(whats) + " each carried " + f.syn_options[0].kernel +
                                       ", the model's " + f.syn_options[0].model
                                 : join(parts, "; ");
    std::string e = "Options in the SYN: " + said +
                    ". The model sends MSS only: tcplab implements neither SACK (RFC 2018) nor timestamps and "
                    "window scaling (RFC 7323), so it leaves them out (TCP-REFERENCE.md §8).";
    if (timestamps)
      e += " Every later kernel segment carries the 12-byte timestamps option too, so a full segment holds 12 "
           "bytes less data than the MSS.";
    out.push_back(e);
  }
  if (f.advertised) {
    const auto& a = *f.advertised;
    std::string e = "MSS and window: the kernel's " + a.what + " advertised MSS " + std::to_string(a.kernel_mss) +
                    " and window " + std::to_string(a.kernel_win) + ", the model's MSS " +
                    std::to_string(a.model_mss) + " and window " + std::to_string(a.model_win) + ".";
    if (a.kernel_mss == 65495)
      e += " The kernel talks over the loopback interface, whose MTU is 65536 (an IPv4 packet is at most 65535 "
           "bytes, so MSS 65535 − 40 = 65495); the model's hosts are on Ethernet (MTU 1500, MSS 1460).";
    else if (a.kernel_mss != a.model_mss && a.kernel_mss > 40)
      e += " The MSS is the interface's MTU − 40: the kernel's interface has MTU " +
           std::to_string(a.kernel_mss + 40) + ".";
    e += " A SYN's window is the receive buffer rounded down to a multiple of the MSS, at most 65535 "
         "(tcp_select_initial_window()).";
    if (a.kernel_ws)
      e += " After the handshake the kernel's window fields are scaled by 2^" + std::to_string(*a.kernel_ws) +
           ", so their raw values look small.";
    out.push_back(e);
  }
  if (!kernel.info.kernel_cc.empty()) {
    const std::optional<bool> retx = kernel_has_segments ? std::optional<bool>(f.any_retx) : std::nullopt;
    out.push_back(cc_explanation(kernel.info.kernel_cc, retx));
  }
  for (const auto& t : f.tlps)
    out.push_back("Tail loss probe: in " + t.dir + " the kernel sent " + t.segment + " again at " + ms(t.t) + ", " +
                  ms(t.since_last) + " after its last send — about 2 × SRTT (SRTT " + ms(t.srtt) +
                  ") — before any retransmission timeout. This is Linux's RACK-TLP (RFC 8985): it probes with the "
                  "last segment so that a lost tail is repaired without waiting for the RTO. The model has no "
                  "tail loss probe and waits for the RTO (TCP-REFERENCE.md §8, D16).");
  for (const auto& c : f.coalesced) {
    std::string e = "Segments in " + c.dir + ": the kernel sent " + count(c.kernel_segments, "segment") +
                    " where the model sent " + std::to_string(c.model_segments) +
                    (c.content.empty() ? ", all pure ACKs. " : ", with " + c.content + ". ");
    if (c.only_acks)
      e += "Only pure ACKs differ: Linux ACKs at once in quick-ACK mode (the first ACKs of a connection) and "
           "otherwise delays an ACK up to 40 ms or sends it with data, so ACKs appear, merge or vanish "
           "differently (TCP-REFERENCE.md §4.5).";
    else
      e += "The data went in differently cut segments: the MSS differs, Linux merges small writes (Nagle's "
           "algorithm, autocorking) and ACKs differently (TCP-REFERENCE.md §4.5).";
    out.push_back(e);
  }
  if (f.syn_timing_differs) {
    const auto [major, minor] = release_version(kernel.info.kernel_release);
    if (major > 0 && (major < 6 || (major == 6 && minor < 5)))
      out.push_back("SYN retransmissions: Linux " + kernel.info.kernel_release +
                    " is older than 6.5 and doubles the SYN timeout each time (1, 3, 7 s …); the model's linux "
                    "profile follows 6.5 and later, whose first four SYN timeouts are 1 s each "
                    "(TCP-REFERENCE.md §8, D1).");
  }
  std::vector<std::string> remapped;
  for (const PortMapping& p : kernel.info.ports)
    if (p.real_port != p.scenario_port)
      remapped.push_back(p.node + "'s port " + std::to_string(p.scenario_port) + " became " +
                         std::to_string(p.real_port));
  if (!remapped.empty())
    out.push_back("Ports: " + listing(remapped) +
                  " on the kernel, because the scenario's port was taken on this machine; the kernel's ladder "
                  "shows the real ports.");
  if (kernel_has_segments)
    out.push_back("Ephemeral ports and ISNs: each side picks its own, so the numbers differ; both ladders count "
                  "sequence numbers from each side's ISN (as Wireshark does), so they start at 0 on both.");
  if (kernel.info.level < 3)
    out.push_back("Addresses: at level " + std::to_string(kernel.info.level) +
                  " every kernel socket is on 127.0.0.1 (the loopback interface); the scenario's addresses and "
                  "links are used at level 3 only.");
  if (!kernel_has_segments && kernel.info.level == 1)
    out.push_back("Segments: level 1 sees no segments (capturing them needs CAP_NET_RAW, which gives level 2), "
                  "so only the states are compared.");
  std::vector<std::string> gaps;
  for (const SocketComparison& c : states)
    if (c.verdict == SocketComparison::Verdict::Tolerated)
      gaps.push_back(listing(c.unseen) + " of " + c.label());
  if (!gaps.empty())
    out.push_back("Sampling: at level 1 the kernel's states are read by sampling (NETLINK_SOCK_DIAG) and from "
                  "what socket calls prove, so a state shorter than a sample can be missed. Not seen: " +
                  join(gaps, "; ") +
                  ". They count as agreement: the kernel was seen in the states before and after each of them, "
                  "in the model's order.");
  return out;
}

// ---- the report ------------------------------------------------------------------------

std::string header(const TraceContext& sim_ctx, const LiveTrace& kernel, size_t width) {
  std::string out = "Live compare: " + (sim_ctx.title.empty() ? kernel.ctx.title : sim_ctx.title) + "\n";
  const LiveInfo& i = kernel.info;
  // The badge line already names the level ("level 3: CAP_NET_ADMIN … held").
  std::string level = "level " + std::to_string(i.level);
  if (i.level_why.rfind("level ", 0) == 0) level = i.level_why;
  else if (!i.level_why.empty()) level += " — " + i.level_why;
  out += wrap(level, "  kernel:  ", "           ", width);
  std::string k;
  if (!i.kernel_release.empty()) k = "Linux " + i.kernel_release;
  if (!i.kernel_cc.empty()) k += std::string(k.empty() ? "" : ", ") + "congestion control " + i.kernel_cc;
  if (!k.empty()) out += wrap(k, "           ", "           ", width);
  out += wrap("seed " + std::to_string(sim_ctx.seed) + ", tcp profile " + sim_ctx.profile + ", NewReno",
              "  model:   ", "           ", width);
  if (!i.ports.empty()) {
    std::vector<std::string> ports;
    for (const PortMapping& p : i.ports)
      ports.push_back(p.node + " " + std::to_string(p.scenario_port) + " → " + std::to_string(p.real_port) +
                      (p.real_port == p.scenario_port ? "" : " (remapped)") + ",");
    ports.back().pop_back();
    out += wrap_words(ports, "  ports:   ", "           ", width);
  }
  for (const std::string& n : i.notices) out += wrap(n, "  notice:  ", "           ", width);
  return out;
}

const char* verdict_word(SocketComparison::Verdict v) {
  switch (v) {
    case SocketComparison::Verdict::Same: return "same";
    case SocketComparison::Verdict::Tolerated: return "tolerated";
    case SocketComparison::Verdict::Differs: return "DIFFERS";
    case SocketComparison::Verdict::OnlySim: return "MISSING";
    case SocketComparison::Verdict::OnlyKernel: return "EXTRA";
  }
  return "?";
}

std::string states_section(const std::vector<SocketComparison>& states, size_t width) {
  std::string out = wrap("States per socket (matched by node and --as name, else by creation order)", "", "  ", width);
  if (states.empty()) return out + "  no TCP socket on either side\n";
  size_t label_w = 0;
  for (const SocketComparison& c : states) label_w = std::max(label_w, display_width(c.label()));
  label_w = std::min<size_t>(label_w, 32);
  const std::string indent = "               ";
  for (const SocketComparison& c : states) {
    const std::string head = "  " + pad_right(verdict_word(c.verdict), 11) + pad_right(c.label(), label_w) + "  ";
    const std::string cont(display_width(head), ' ');
    using V = SocketComparison::Verdict;
    switch (c.verdict) {
      case V::Same:
        out += wrap_words(c.sim.states, head, cont, width);
        break;
      case V::Differs:
      case V::Tolerated:
        out += "  " + pad_right(verdict_word(c.verdict), 11) + c.label() + "\n";
        out += wrap_words(c.sim.states, indent + "simulation: ", indent + "            ", width);
        out += wrap_words(c.kernel.states, indent + "kernel:     ", indent + "            ", width);
        if (c.verdict == V::Tolerated)
          out += wrap("the kernel's samples missed " + listing(c.unseen) + " (see Sampling below)", indent,
                      indent, width);
        break;
      case V::OnlySim:
        out += "  " + pad_right(verdict_word(c.verdict), 11) + c.label() + ": not in the kernel trace\n";
        out += wrap_words(c.sim.states, indent + "simulation: ", indent + "            ", width);
        break;
      case V::OnlyKernel:
        out += "  " + pad_right(verdict_word(c.verdict), 11) + c.label() + ": only in the kernel trace\n";
        out += wrap_words(c.kernel.states, indent + "kernel:     ", indent + "            ", width);
        break;
    }
  }
  return out;
}

bool sack_negotiated(const TcpFlow& f) {
  const FlowSegment* a = f.forward.syn();
  const FlowSegment* b = f.backward.syn();
  return a && b && a->tcp.sack_permitted && b->tcp.sack_permitted;
}

std::string segments_section(const TraceContext& sim_ctx, TraceView sim,
                             const LiveTrace& kernel, size_t width, Findings& found, bool& kernel_has_segments) {
  const std::vector<TcpFlow> mf = tcp_flows(sim_ctx, sim);
  const std::vector<TcpFlow> kf = tcp_flows(kernel.ctx, kernel.events);
  kernel_has_segments = !kf.empty();
  std::string out = "Segments per direction\n" +
                    wrap("FLAGS(n): n bytes of data; *: sent again; ×n: n times in a row", "  ", "  ", width);
  if (mf.empty() && kf.empty()) {
    if (kernel.info.level == 1) return out + "  not compared: level 1 sees no segments\n";
    return out + "  no TCP segment on either side\n";
  }
  if (kf.empty() && kernel.info.level == 1) {
    return out + "  not compared: level 1 sees no segments (the simulation had " + count(mf.size(), "TCP connection") +
           ")\n";
  }
  std::vector<bool> used(kf.size(), false);
  for (const TcpFlow& m : mf) {
    std::optional<size_t> match;
    for (size_t j = 0; j < kf.size() && !match; ++j)
      if (!used[j] && kf[j].initiator_node == m.initiator_node && kf[j].acceptor_node == m.acceptor_node &&
          kf[j].ordinal == m.ordinal)
        match = j;
    out += wrap("connection " + m.name() + ": " + m.forward.from_label + " ↔ " + m.forward.to_label, "  ", "    ",
                width);
    if (!match) {
      out += "    MISSING: the kernel trace has no such connection\n";
      ++found.directions_differ;
      continue;
    }
    used[*match] = true;
    const TcpFlow& k = kf[*match];
    out += wrap("model " + m.forward.src + " → " + m.forward.dst + ", kernel " + k.forward.src + " → " + k.forward.dst,
                "    ", "      ", width);
    compare_syns(m, k, found);
    const bool sack = sack_negotiated(k);
    compare_direction(m.forward, k.forward, k, kernel, sack, width, out, found);
    compare_direction(m.backward, k.backward, k, kernel, sack, width, out, found);
  }
  for (size_t j = 0; j < kf.size(); ++j)
    if (!used[j]) {
      out += "  connection " + kf[j].name() + ": " + kf[j].forward.from_label + " ↔ " + kf[j].forward.to_label +
             "\n    EXTRA: only in the kernel trace (" +
             std::to_string(kf[j].forward.segments.size() + kf[j].backward.segments.size()) + " segments)\n";
      ++found.directions_differ;
    }
  return out;
}

}  // namespace

CompareResult compare_runs(const TraceContext& sim_ctx, TraceView sim,
                           const LiveTrace& kernel) {
  return compare_runs(sim_ctx, sim, kernel, CompareOptions{});
}

CompareResult compare_runs(const TraceContext& sim_ctx, TraceView sim, const LiveTrace& kernel,
                           const CompareOptions& options) {
  const size_t width = std::max<size_t>(options.width, 40);
  const std::vector<SocketComparison> states =
      compare_states(state_sequences(sim_ctx, sim), state_sequences(kernel.ctx, kernel.events), kernel.info.level);

  Findings found;
  bool kernel_has_segments = false;
  const std::string segments = segments_section(sim_ctx, sim, kernel, width, found, kernel_has_segments);
  const std::vector<std::string> notes = explanations(found, kernel, states, kernel_has_segments);

  CompareResult r;
  r.states_agree = std::all_of(states.begin(), states.end(), [](const SocketComparison& c) { return c.agrees(); });
  std::string& out = r.report;
  out += header(sim_ctx, kernel, width) + "\n";
  out += ladders(sim_ctx, sim, kernel, width) + "\n";
  out += states_section(states, width) + "\n";
  out += segments + "\n";
  if (!notes.empty()) {
    out += wrap("Known differences between the model and Linux (explained, not failures)", "", "  ", width);
    for (const std::string& n : notes) out += wrap(n, "  - ", "    ", width);
    out += "\n";
  }

  std::vector<std::string> bad;
  size_t tolerated = 0;
  for (const SocketComparison& c : states) {
    if (!c.agrees()) bad.push_back(c.label());
    if (c.verdict == SocketComparison::Verdict::Tolerated) ++tolerated;
  }
  std::string result;
  if (r.states_agree) {
    result = "Result: the states agree (" + std::to_string(states.size()) +
             (states.size() == 1 ? " socket" : " sockets");
    if (tolerated) result += ", " + std::to_string(tolerated) + " with states the sampling missed";
    result += ").";
  } else {
    result = "Result: the states DIFFER for " + std::to_string(bad.size()) + " of " + std::to_string(states.size()) +
             (states.size() == 1 ? " socket: " : " sockets: ") + join(bad, ", ") + ".";
  }
  if (found.directions_differ)
    result += " " + std::to_string(found.directions_differ) + " segment " +
              (found.directions_differ == 1 ? "sequence differs" : "sequences differ") + " unexplained.";
  if (found.retx_differ)
    result += " Retransmissions differ in " + std::to_string(found.retx_differ) +
              (found.retx_differ == 1 ? " direction." : " directions.");
  if (!notes.empty()) result += " " + std::to_string(notes.size()) + " known differences explained above.";
  out += wrap(result, "", "", width);
  return r;
}

}  // namespace tcplab::live
