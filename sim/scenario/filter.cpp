// The fault filter (filter.h): a Wireshark display-filter subset. Text -> tokens ->
// a tree of nodes by recursive descent (|| binds loosest, then &&, then ! and parentheses),
// with every field's value type checked at parse time so that a filter which parses can
// always be evaluated. Evaluation reads a PacketFields, never bytes.
#include "sim/scenario/filter.h"
#include "sim/core/edit_distance.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "sim/wire/headers.h"

namespace tcplab {
namespace {

// ---- fields -----------------------------------------------------------------------------

enum class Kind : uint8_t {
  Proto,    // arp ip icmp udp tcp: only "is this packet one?"
  Address,  // IPv4: a dotted quad, or a CIDR subnet for == / !=
  Number,   // decimal or 0x hex, 0..max
  Flag,     // one TCP flag bit: 0/1/true/false
};

struct FieldInfo {
  std::string_view name;
  Kind kind;
  uint64_t max = 0;  // Number: the largest value the field can hold
};

constexpr uint64_t kU8 = 0xff, kU16 = 0xffff, kU32 = 0xffffffff;

// Wireshark's names. tcp.flags (the whole byte), tcp.flags.reset (Wireshark's spelling of
// rst) and tcp.flags.urg are extras beyond DESIGN.md's list, so filters copied from
// Wireshark keep working.
constexpr std::array kFields = {
    FieldInfo{"arp", Kind::Proto},          FieldInfo{"ip", Kind::Proto},
    FieldInfo{"icmp", Kind::Proto},         FieldInfo{"udp", Kind::Proto},
    FieldInfo{"tcp", Kind::Proto},          FieldInfo{"ip.src", Kind::Address},
    FieldInfo{"ip.dst", Kind::Address},     FieldInfo{"ip.addr", Kind::Address},
    FieldInfo{"ip.ttl", Kind::Number, kU8}, FieldInfo{"ip.proto", Kind::Number, kU8},
    FieldInfo{"udp.port", Kind::Number, kU16},    FieldInfo{"udp.srcport", Kind::Number, kU16},
    FieldInfo{"udp.dstport", Kind::Number, kU16}, FieldInfo{"udp.length", Kind::Number, kU16},
    FieldInfo{"tcp.port", Kind::Number, kU16},    FieldInfo{"tcp.srcport", Kind::Number, kU16},
    FieldInfo{"tcp.dstport", Kind::Number, kU16}, FieldInfo{"tcp.flags", Kind::Number, kU8},
    FieldInfo{"tcp.flags.syn", Kind::Flag},  FieldInfo{"tcp.flags.ack", Kind::Flag},
    FieldInfo{"tcp.flags.fin", Kind::Flag},  FieldInfo{"tcp.flags.rst", Kind::Flag},
    FieldInfo{"tcp.flags.reset", Kind::Flag}, FieldInfo{"tcp.flags.push", Kind::Flag},
    FieldInfo{"tcp.flags.urg", Kind::Flag},  FieldInfo{"tcp.seq", Kind::Number, kU32},
    FieldInfo{"tcp.ack", Kind::Number, kU32}, FieldInfo{"tcp.len", Kind::Number, kU32},
    FieldInfo{"icmp.type", Kind::Number, kU8}, FieldInfo{"icmp.code", Kind::Number, kU8},
    FieldInfo{"frame.len", Kind::Number, kU32}, FieldInfo{"ip.id", Kind::Number, kU16},
    FieldInfo{"arp.opcode", Kind::Number, kU16}, FieldInfo{"arp.src.proto_ipv4", Kind::Address},
    FieldInfo{"arp.dst.proto_ipv4", Kind::Address},
};

const FieldInfo* find_field(std::string_view name) {
  for (const FieldInfo& f : kFields)
    if (f.name == name) return &f;
  return nullptr;
}

// The values a packet has for a field: none when the layer is absent, two for the
// either-side fields (ip.addr, tcp.port, udp.port), one otherwise. Flags read 0 or 1.
struct Values {
  std::array<uint64_t, 2> v{};
  size_t n = 0;
  void add(uint64_t x) { v[n++] = x; }
};

template <class T>
void add_opt(Values& out, const std::optional<T>& x) {
  if (x) out.add(uint64_t(*x));
}

Values values_of(std::string_view f, const PacketFields& p) {
  namespace tf = wire::tcpflag;
  Values out;
  auto ip = [](const std::optional<Ipv4>& a) { return a ? std::optional<uint32_t>(a->v) : std::nullopt; };
  auto flag = [&](uint8_t bit) {
    if (p.tcp_flags) out.add((*p.tcp_flags & bit) ? 1 : 0);
  };
  if (f == "frame.len") out.add(p.frame_len);
  else if (f == "ip.src") add_opt(out, ip(p.ip_src));
  else if (f == "ip.dst") add_opt(out, ip(p.ip_dst));
  else if (f == "ip.addr") add_opt(out, ip(p.ip_src)), add_opt(out, ip(p.ip_dst));
  else if (f == "ip.ttl") add_opt(out, p.ip_ttl);
  else if (f == "ip.proto") add_opt(out, p.ip_proto);
  else if (f == "ip.id") add_opt(out, p.ip_id);
  else if (f == "arp.opcode") add_opt(out, p.arp_opcode);
  else if (f == "arp.src.proto_ipv4") add_opt(out, ip(p.arp_spa));
  else if (f == "arp.dst.proto_ipv4") add_opt(out, ip(p.arp_tpa));
  else if (f == "udp.srcport") add_opt(out, p.udp_sport);
  else if (f == "udp.dstport") add_opt(out, p.udp_dport);
  else if (f == "udp.port") add_opt(out, p.udp_sport), add_opt(out, p.udp_dport);
  else if (f == "udp.length") add_opt(out, p.udp_length);
  else if (f == "tcp.srcport") add_opt(out, p.tcp_sport);
  else if (f == "tcp.dstport") add_opt(out, p.tcp_dport);
  else if (f == "tcp.port") add_opt(out, p.tcp_sport), add_opt(out, p.tcp_dport);
  else if (f == "tcp.flags") add_opt(out, p.tcp_flags);
  else if (f == "tcp.flags.syn") flag(tf::SYN);
  else if (f == "tcp.flags.ack") flag(tf::ACK);
  else if (f == "tcp.flags.fin") flag(tf::FIN);
  else if (f == "tcp.flags.rst" || f == "tcp.flags.reset") flag(tf::RST);
  else if (f == "tcp.flags.push") flag(tf::PSH);
  else if (f == "tcp.flags.urg") flag(tf::URG);
  else if (f == "tcp.seq") add_opt(out, p.tcp_seq);
  else if (f == "tcp.ack") add_opt(out, p.tcp_ack);
  else if (f == "tcp.len") add_opt(out, p.tcp_len);
  else if (f == "icmp.type") add_opt(out, p.icmp_type);
  else if (f == "icmp.code") add_opt(out, p.icmp_code);
  return out;
}

bool is_protocol(std::string_view f, const PacketFields& p) {
  if (f == "arp") return p.is_arp;
  if (f == "ip") return p.ip_src.has_value();
  if (f == "icmp") return p.icmp_type.has_value();
  if (f == "udp") return p.udp_sport.has_value();
  if (f == "tcp") return p.tcp_sport.has_value();
  return false;
}

// ---- tokens -------------------------------------------------------------------------------

enum class Tok : uint8_t { Word, Cmp, And, Or, Not, LParen, RParen, End };

struct Token {
  Tok kind = Tok::End;
  std::string text;
  size_t offset = 0;
  Filter::Cmp cmp = Filter::Cmp::Eq;
};

// As in command.cpp: errors unwind to parse_filter, which turns them into a Result.
struct Fail {
  ParseError error;
};

[[noreturn]] void fail(size_t offset, std::string message) {
  throw Fail{ParseError{std::move(message), offset}};
}

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

bool word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '.' || c == '/';
}

std::vector<Token> tokenize(std::string_view s) {
  using C = Filter::Cmp;
  std::vector<Token> out;
  size_t i = 0;
  auto push = [&](Tok k, size_t len, C cmp = C::Eq) {
    out.push_back(Token{k, std::string(s.substr(i, len)), i, cmp});
    i += len;
  };
  while (i < s.size()) {
    char c = s[i];
    std::string_view two = s.substr(i, 2);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') ++i;
    else if (two == "==") push(Tok::Cmp, 2, C::Eq);
    else if (two == "!=") push(Tok::Cmp, 2, C::Ne);
    else if (two == "<=") push(Tok::Cmp, 2, C::Le);
    else if (two == ">=") push(Tok::Cmp, 2, C::Ge);
    else if (two == "&&") push(Tok::And, 2);
    else if (two == "||") push(Tok::Or, 2);
    else if (c == '<') push(Tok::Cmp, 1, C::Lt);
    else if (c == '>') push(Tok::Cmp, 1, C::Gt);
    else if (c == '!') push(Tok::Not, 1);
    else if (c == '(') push(Tok::LParen, 1);
    else if (c == ')') push(Tok::RParen, 1);
    else if (c == '=') fail(i, "'=' is not an operator (did you mean '=='?)");
    else if (c == '&') fail(i, "'&' is not an operator (did you mean '&&'?)");
    else if (c == '|') fail(i, "'|' is not an operator (did you mean '||'?)");
    else if (word_char(c)) {
      size_t j = i;
      while (j < s.size() && word_char(s[j])) ++j;
      std::string_view w = s.substr(i, j - i);
      static constexpr std::array<std::pair<std::string_view, C>, 6> kCmpWords = {{
          {"eq", C::Eq}, {"ne", C::Ne}, {"lt", C::Lt}, {"gt", C::Gt}, {"le", C::Le}, {"ge", C::Ge}}};
      auto cw = std::find_if(kCmpWords.begin(), kCmpWords.end(), [&](auto& e) { return e.first == w; });
      if (cw != kCmpWords.end()) push(Tok::Cmp, w.size(), cw->second);
      else if (w == "and") push(Tok::And, w.size());
      else if (w == "or") push(Tok::Or, w.size());
      else if (w == "not") push(Tok::Not, w.size());
      else push(Tok::Word, w.size());
    } else {
      fail(i, "unexpected character " + quoted(std::string(1, c)));
    }
  }
  out.push_back(Token{Tok::End, "", s.size()});
  return out;
}

std::string unknown_field_message(std::string_view word) {
  size_t limit = std::clamp<size_t>(word.size() / 3, 1, 3);
  std::string_view best;
  size_t best_d = limit + 1;
  for (const FieldInfo& f : kFields) {
    size_t d = edit_distance(word, f.name);
    if (d < best_d) best_d = d, best = f.name;
  }
  std::string msg = "unknown field " + quoted(word);
  if (!best.empty()) msg += " (did you mean " + quoted(best) + "?)";
  return msg;
}

// ---- values -------------------------------------------------------------------------------

std::optional<uint64_t> parse_number(std::string_view s) {
  bool hex = s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
  if (hex) s.remove_prefix(2);
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    int digit = c >= '0' && c <= '9'   ? c - '0'
                : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                              : -1;
    if (digit < 0) return std::nullopt;
    uint64_t base = hex ? 16 : 10;
    if (v > (UINT64_MAX - uint64_t(digit)) / base) return uint64_t(UINT64_MAX);  // "too big"
    v = v * base + uint64_t(digit);
  }
  return v;
}

bool is_ordering(Filter::Cmp c) { return c != Filter::Cmp::Eq && c != Filter::Cmp::Ne; }

// Checks a comparison's value against its field's type and stores it in `n`.
void set_value(Filter::Node& n, const FieldInfo& f, const Token& cmp, const Token& v) {
  const std::string& s = v.text;
  switch (f.kind) {
    case Kind::Proto:
      break;  // refused before a value is read
    case Kind::Address: {
      std::optional<Prefix> p = s.find('/') != std::string::npos ? parse_prefix(s) : parse_prefix(s, 32);
      if (!p)
        fail(v.offset, std::string(f.name) + " is an IPv4 address; " + quoted(s) +
                           " is not one (expected e.g. 10.0.0.2 or a subnet like 10.0.0.0/8)");
      if (p->len < 32 && is_ordering(n.cmp))
        fail(cmp.offset, quoted(cmp.text) + " cannot compare with a subnet; use == or != with " + s);
      n.value = p->network().v;  // a subnet written with host bits still means the subnet
      n.prefix_len = p->len;
      return;
    }
    case Kind::Flag: {
      std::string lower = s;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) { return char(std::tolower(c)); });
      if (lower == "1" || lower == "true") n.value = 1;
      else if (lower == "0" || lower == "false") n.value = 0;
      else
        fail(v.offset, std::string(f.name) + " is a flag; compare it with 1, 0, true or false, not " + quoted(s));
      return;
    }
    case Kind::Number: {
      if (parse_ipv4(s) || s.find('/') != std::string::npos)
        fail(v.offset, std::string(f.name) + " is a number; " + quoted(s) + " is an address");
      auto x = parse_number(s);
      if (!x) fail(v.offset, std::string(f.name) + " is a number; " + quoted(s) + " is not one (decimal or 0x hex)");
      if (*x > f.max)
        fail(v.offset, s + " is out of range for " + std::string(f.name) + " (0 to " + std::to_string(f.max) + ")");
      n.value = *x;
      return;
    }
  }
}

// ---- parser -------------------------------------------------------------------------------

// Recursive descent over the grammar
//   or  := and ( ("||" | "or") and )*
//   and := unary ( ("&&" | "and") unary )*
//   unary := ("!" | "not") unary | "(" or ")" | FIELD [CMP VALUE]
class Parser {
 public:
  explicit Parser(std::string_view text) : toks_(tokenize(text)) {}

  Filter run(std::string_view text) {
    if (peek().kind == Tok::End) fail(0, "empty filter");
    f_.root = or_expr();
    const Token& t = peek();
    if (t.kind == Tok::RParen) fail(t.offset, "unbalanced parentheses: ')' has no matching '('");
    if (t.kind != Tok::End)
      fail(t.offset, "unexpected " + quoted(t.text) + " after a complete expression" +
                         (t.kind == Tok::Word || t.kind == Tok::Cmp ? " (missing && or || before it?)" : ""));
    f_.text = std::string(text);
    return f_;
  }

 private:
  static constexpr int kMaxDepth = 200;  // a hostile "((((…" must not exhaust the stack

  const Token& peek() const { return toks_[pos_]; }
  const Token& take() { return toks_[pos_++]; }

  int add(Filter::Node n) {
    f_.nodes.push_back(std::move(n));
    return int(f_.nodes.size()) - 1;
  }

  int binary(Filter::Op op, int lhs, int rhs) {
    Filter::Node n;
    n.op = op;
    n.lhs = lhs;
    n.rhs = rhs;
    return add(std::move(n));
  }

  int or_expr() {
    int lhs = and_expr();
    while (peek().kind == Tok::Or) {
      take();
      lhs = binary(Filter::Op::Or, lhs, and_expr());
    }
    return lhs;
  }

  int and_expr() {
    int lhs = unary();
    while (peek().kind == Tok::And) {
      take();
      lhs = binary(Filter::Op::And, lhs, unary());
    }
    return lhs;
  }

  int unary() {
    if (++depth_ > kMaxDepth) fail(peek().offset, "filter is nested too deeply");
    int r = unary_inner();
    --depth_;
    return r;
  }

  int unary_inner() {
    const Token& t = peek();
    switch (t.kind) {
      case Tok::Not: {
        take();
        return binary(Filter::Op::Not, unary(), -1);
      }
      case Tok::LParen: {
        const Token& open = take();
        int inner = or_expr();
        if (peek().kind != Tok::RParen)
          fail(peek().kind == Tok::End ? open.offset : peek().offset,
               peek().kind == Tok::End ? "unbalanced parentheses: '(' is never closed"
                                       : "expected ')' but found " + quoted(peek().text));
        take();
        return inner;
      }
      case Tok::Word:
        return field_term();
      case Tok::End:
        fail(t.offset, pos_ == 0 ? "empty filter"
                                 : "missing expression after " + quoted(toks_[pos_ - 1].text));
      default:
        fail(t.offset, "expected a field, '(' or '!' but found " + quoted(t.text));
    }
  }

  int field_term() {
    const Token& name = take();
    const FieldInfo* f = find_field(name.text);
    if (!f) {
      if (!name.text.empty() && (std::isdigit(static_cast<unsigned char>(name.text[0]))))
        fail(name.offset, "expected a field name but found the value " + quoted(name.text) +
                              " (write the field first, e.g. tcp.port == 80)");
      fail(name.offset, unknown_field_message(name.text));
    }
    Filter::Node n;
    n.field = std::string(f->name);
    if (peek().kind != Tok::Cmp) {
      n.op = Filter::Op::Exists;
      return add(std::move(n));
    }
    const Token& cmp = take();
    if (f->kind == Kind::Proto)
      fail(cmp.offset, quoted(f->name) + " is a protocol and has no value to compare; write it alone (e.g. " +
                           std::string(f->name) + " && …)");
    const Token& v = peek();
    if (v.kind != Tok::Word) fail(v.offset, "missing value after " + quoted(cmp.text));
    take();
    n.op = Filter::Op::Compare;
    n.cmp = cmp.cmp;
    set_value(n, *f, cmp, v);
    return add(std::move(n));
  }

  std::vector<Token> toks_;
  size_t pos_ = 0;
  int depth_ = 0;
  Filter f_;
};

// ---- evaluation ----------------------------------------------------------------------------

bool compare(uint64_t x, Filter::Cmp c, uint64_t v) {
  switch (c) {
    case Filter::Cmp::Eq: return x == v;
    case Filter::Cmp::Ne: return x != v;
    case Filter::Cmp::Lt: return x < v;
    case Filter::Cmp::Gt: return x > v;
    case Filter::Cmp::Le: return x <= v;
    case Filter::Cmp::Ge: return x >= v;
  }
  return false;
}

bool eval(const Filter& f, int i, const PacketFields& p) {
  const Filter::Node& n = f.nodes[size_t(i)];
  switch (n.op) {
    case Filter::Op::And: return eval(f, n.lhs, p) && eval(f, n.rhs, p);
    case Filter::Op::Or: return eval(f, n.lhs, p) || eval(f, n.rhs, p);
    case Filter::Op::Not: return !eval(f, n.lhs, p);
    case Filter::Op::Exists: {
      const FieldInfo* info = find_field(n.field);
      if (info && info->kind == Kind::Proto) return is_protocol(n.field, p);
      Values vs = values_of(n.field, p);
      // A flag alone means "the bit is set", not Wireshark's "the field exists" (true for
      // every TCP segment), which is what someone writing `tcp.flags.syn` means.
      if (info && info->kind == Kind::Flag) return vs.n == 1 && vs.v[0] == 1;
      return vs.n > 0;
    }
    case Filter::Op::Compare: {
      Values vs = values_of(n.field, p);
      if (vs.n == 0) return false;  // absent field: every comparison is false
      uint32_t mask = mask_of(n.prefix_len);
      // A subnet compares the network part; a plain value (prefix_len 32) the whole value.
      auto one = [&](uint64_t x) {
        if (n.prefix_len < 32) x &= mask;
        return compare(x, n.cmp, n.value);
      };
      // "!=" on a two-sided field means neither side equals; everything else, either side.
      if (n.cmp == Filter::Cmp::Ne) return std::all_of(vs.v.begin(), vs.v.begin() + std::ptrdiff_t(vs.n), one);
      return std::any_of(vs.v.begin(), vs.v.begin() + std::ptrdiff_t(vs.n), one);
    }
  }
  return false;
}

}  // namespace

Result<Filter> parse_filter(std::string_view text) {
  try {
    Parser p(text);
    return p.run(text);
  } catch (const Fail& f) {
    return f.error;
  }
}

bool matches(const Filter& f, const PacketFields& p) {
  return f.root >= 0 && eval(f, f.root, p);
}

}  // namespace tcplab
