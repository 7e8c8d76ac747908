// JSON Lines rendering of trace events (see jsonl.h). Field order here is the contract's
// order; tests compare whole lines.
#include "sim/trace/jsonl.h"

#include <cstdio>
#include <type_traits>

#include "sim/wire/frame.h"

namespace tcplab {
namespace {

// Builds one object: `{"a":1,"b":"x"}` in the order fields are added.
class Object {
 public:
  Object& raw(std::string_view key, std::string_view json) {
    s_ += s_.empty() ? "{" : ",";
    s_ += '"';
    s_ += key;
    s_ += "\":";
    s_ += json;
    return *this;
  }
  Object& str(std::string_view key, std::string_view v) { return raw(key, json_string(v)); }
  Object& num(std::string_view key, int64_t v) { return raw(key, std::to_string(v)); }
  Object& boolean(std::string_view key, bool v) { return raw(key, v ? "true" : "false"); }
  Object& null(std::string_view key) { return raw(key, "null"); }
  std::string done() { return s_.empty() ? "{}" : s_ + "}"; }

 private:
  std::string s_;
};

// Length of a valid UTF-8 sequence starting at s[i] (RFC 3629: no overlongs, no
// surrogates, nothing above U+10FFFF), or 0 when the bytes there are not one.
size_t utf8_sequence_length(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const auto cont = [&](size_t k) { return i + k < s.size() && (b(k) & 0xc0) == 0x80; };
  const unsigned char c = b(0);
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xe0 && b(1) < 0xa0) return 0;   // overlong
    if (c == 0xed && b(1) >= 0xa0) return 0;  // UTF-16 surrogate
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xf0 && b(1) < 0x90) return 0;   // overlong
    if (c == 0xf4 && b(1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

const char* l4_name(uint8_t protocol) {
  switch (protocol) {
    case wire::kProtoIcmp: return "icmp";
    case wire::kProtoTcp: return "tcp";
    case wire::kProtoUdp: return "udp";
  }
  return "ip";
}

}  // namespace

std::string json_string(std::string_view utf8) {
  std::string out = "\"";
  for (size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    if (c >= 0x80) {
      const size_t n = utf8_sequence_length(utf8, i);
      if (n == 0) {
        out += "\\ufffd";
        ++i;
      } else {
        out.append(utf8.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  return out + "\"";
}

JsonlWriter::JsonlWriter(std::ostream& out, TraceContext ctx) : out_(&out), ctx_(std::move(ctx)) {}

void JsonlWriter::write(const TraceEvent& e) { *out_ << line(e) << '\n'; }

std::string JsonlWriter::line(const TraceEvent& e) {
  Object o;
  o.num("t_ns", e.t).str("ev", to_string(e.ev));
  if (e.node >= 0 && size_t(e.node) < ctx_.node_names.size()) o.str("node", ctx_.node_names[size_t(e.node)]);
  else o.null("node");

  e.visit(
      [&](const auto& d) {
        using T = std::decay_t<decltype(d)>;
        if constexpr (std::is_same_v<T, PacketEvent>) {
          o.num("id", int64_t(d.id));
          if (d.link >= 0 && size_t(d.link) < ctx_.link_names.size()) o.str("link", ctx_.link_names[size_t(d.link)]);
          else o.null("link");
          o.num("len", int64_t(d.frame.size()));
          const wire::ParsedFrame f = wire::parse_frame(d.frame);
          bool tcp = false;
          if (f.arp) {
            o.str("src", to_string(f.arp->spa)).str("dst", to_string(f.arp->tpa)).str("proto", "arp");
            o.str("op", f.arp->op == wire::kArpRequest ? "request" : "reply");
          } else if (f.ip) {
            o.str("src", to_string(f.ip->src)).str("dst", to_string(f.ip->dst));
            o.str("proto", l4_name(f.ip->protocol)).num("ttl", f.ip->ttl);
            if (f.tcp) {
              tcp = true;
              const TcpRelative::Numbers n = rel_.observe(f.ip->src, f.ip->dst, *f.tcp);
              o.num("sport", f.tcp->sport).num("dport", f.tcp->dport);
              o.str("flags", wire::tcp_flags_string(f.tcp->flags));
              o.num("seq", f.tcp->seq).num("ack", f.tcp->ack).num("rseq", n.rseq).num("rack", n.rack);
              o.num("win", f.tcp->window).num("plen", int64_t(f.payload_len));
            } else if (f.udp) {
              o.num("sport", f.udp->sport).num("dport", f.udp->dport).num("plen", int64_t(f.payload_len));
            } else if (f.icmp) {
              o.num("type", f.icmp->type).num("code", f.icmp->code);
            }
          } else {
            o.null("src").null("dst").null("proto");
          }
          if (!f.error.empty()) o.str("error", f.error);
          if (e.ev == EvKind::Drop) o.str("why", to_string(d.why));
          if (e.ev == EvKind::Tx && (tcp || d.retx)) o.boolean("retx", d.retx);
        } else if constexpr (std::is_same_v<T, StateEvent>) {
          o.str("sock", d.sock);
          if (d.name.empty()) o.null("name");
          else o.str("name", d.name);
          o.str("local", d.local).str("remote", d.remote).str("from", d.from).str("to", d.to).str("why", d.why);
        } else if constexpr (std::is_same_v<T, TimerEvent>) {
          o.str("sock", d.sock).str("timer", d.timer).str("op", d.op).num("at_ns", d.at);
        } else if constexpr (std::is_same_v<T, CcEvent>) {
          o.str("sock", d.sock).num("cwnd", d.cwnd).num("ssthresh", d.ssthresh);
          o.num("srtt_ns", d.srtt).num("rto_ns", d.rto);
        } else if constexpr (std::is_same_v<T, AppEvent>) {
          o.str("text", d.text);
          if (!d.sock.empty()) o.str("sock", d.sock);
        }
      });
  return o.done();
}

}  // namespace tcplab
