// The command language parser (command.h, DESIGN.md "Command language"): one line of
// console / scenario / test input -> a Command value. Words are split like a shell, then
// each command reads its words the way its real tool does (getopt for ping, traceroute,
// hping3, netstat, ss; net-tools and iproute2 keyword grammars for route; --long options
// for the tcplab-only udp/tcp/app commands). Every rejection names the word at fault.
#include "sim/scenario/command.h"
#include "sim/core/edit_distance.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <limits>

#include "sim/wire/headers.h"

namespace tcplab {
namespace {

struct Token {
  std::string text;
  size_t offset = 0;    // where the word starts in the line (its opening quote, if any)
  bool quoted = false;  // any part was quoted: "--bytes" in quotes is text, not an option
};

// Thrown inside this file only and caught by parse_command: thirty command forms read
// far better as straight-line code than with a Result check after every word.
struct Fail {
  ParseError error;
};

[[noreturn]] void fail(size_t offset, std::string message) {
  throw Fail{ParseError{std::move(message), offset}};
}

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Shell-like words: whitespace separates; "…" and '…' group (and may be glued to
// unquoted text, as in a shell: a"b c" is one word). Inside double quotes \" \\ \n \t
// are escapes and any other backslash is kept, as bash does; single quotes keep all.
std::vector<Token> tokenize(std::string_view line) {
  std::vector<Token> out;
  size_t i = 0;
  for (;;) {
    while (i < line.size() && is_space(line[i])) ++i;
    if (i >= line.size()) break;
    Token t;
    t.offset = i;
    while (i < line.size() && !is_space(line[i])) {
      char c = line[i];
      if (c == '"') {
        size_t open = i++;
        t.quoted = true;
        for (;;) {
          if (i >= line.size()) fail(open, "unterminated double quote");
          char d = line[i++];
          if (d == '"') break;
          if (d == '\\' && i < line.size()) {
            char e = line[i++];
            switch (e) {
              case 'n': t.text += '\n'; break;
              case 't': t.text += '\t'; break;
              case '"':
              case '\\': t.text += e; break;
              default: t.text += '\\'; t.text += e; break;
            }
          } else {
            t.text += d;
          }
        }
      } else if (c == '\'') {
        size_t close = line.find('\'', i + 1);
        if (close == std::string_view::npos) fail(i, "unterminated single quote");
        t.text += line.substr(i + 1, close - i - 1);
        t.quoted = true;
        i = close + 1;
      } else {
        t.text += c;
        ++i;
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

// The candidate closest to a mistyped word, if within a third of the word's length
// (at least 1, at most 3 edits): "pong" -> "ping", but "xyz" suggests nothing.
std::optional<std::string_view> closest(std::string_view word,
                                        const std::vector<std::string_view>& candidates) {
  size_t limit = std::clamp<size_t>(word.size() / 3, 1, 3);
  std::optional<std::string_view> best;
  size_t best_d = limit + 1;
  for (std::string_view c : candidates) {
    size_t d = edit_distance(word, c);
    if (d < best_d) best_d = d, best = c;
  }
  return best;
}

// " (did you mean 'ping'?)", or "" when nothing is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates,
                         std::string_view prefix = "") {
  auto best = closest(word, candidates);
  return best ? " (did you mean '" + std::string(prefix) + std::string(*best) + "'?)" : "";
}

std::string join(const std::vector<std::string_view>& words) {
  std::string s;
  for (std::string_view w : words) s += (s.empty() ? "" : ", ") + std::string(w);
  return s;
}

// The words of one command, read left to right. `tool` prefixes every message.
struct Words {
  std::vector<Token> toks;
  size_t pos = 0;
  size_t line_end = 0;  // offset reported for "missing …" at the end of the line
  std::string tool;

  bool at_end() const { return pos >= toks.size(); }
  const Token* peek() const { return at_end() ? nullptr : &toks[pos]; }
  const Token& next(std::string_view what) {
    if (at_end()) fail(line_end, tool + ": missing " + std::string(what));
    return toks[pos++];
  }
  // Offset of the next word, or the end of the line when there is none.
  size_t here() const { return at_end() ? line_end : toks[pos].offset; }
  void expect_end(std::string_view hint = "") {
    if (at_end()) return;
    std::string msg = tool + ": unexpected argument " + quoted(toks[pos].text);
    if (!hint.empty()) msg += " (" + std::string(hint) + ")";
    fail(toks[pos].offset, msg);
  }
};

// ---- values --------------------------------------------------------------------------

std::optional<uint64_t> digits_value(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;  // 19 digits always fit in uint64
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + uint64_t(c - '0');
  }
  return v;
}

// A whole number in [lo, hi]; `what` names it in the message ("count", "packet size").
uint64_t number(const Words& w, const Token& t, std::string_view what, uint64_t lo, uint64_t hi) {
  auto v = digits_value(t.text);
  if (!v || *v < lo || *v > hi)
    fail(t.offset, w.tool + ": invalid " + std::string(what) + " " + quoted(t.text) +
                       " (expected a whole number from " + std::to_string(lo) + " to " +
                       std::to_string(hi) + ")");
  return *v;
}

uint16_t port(const Words& w, const Token& t, bool zero_allowed = false) {
  auto v = digits_value(t.text);
  if (!v || *v > 65535 || (*v == 0 && !zero_allowed))
    fail(t.offset, w.tool + ": invalid port " + quoted(t.text) +
                       (zero_allowed ? " (ports are 0 to 65535; 0 picks an ephemeral port)"
                                     : " (ports are 1 to 65535)"));
  return uint16_t(*v);
}

Ipv4 address(const Words& w, const Token& t) {
  auto a = parse_ipv4(t.text);
  if (!a)
    fail(t.offset, w.tool + ": bad address " + quoted(t.text) +
                       " (addresses are IPv4 literals like 10.0.0.2)");
  return *a;
}

Endpoint endpoint(const Words& w, const Token& t) {
  size_t colon = t.text.rfind(':');
  if (colon == std::string::npos)
    fail(t.offset, w.tool + ": " + quoted(t.text) + " is not ADDR:PORT (e.g. 10.0.0.2:80)");
  Token addr{t.text.substr(0, colon), t.offset, t.quoted};
  Token p{t.text.substr(colon + 1), t.offset + colon + 1, t.quoted};
  return Endpoint{address(w, addr), port(w, p)};
}

// ping -i/-W and traceroute -w take seconds as Linux does ("0.2"); a unit is also
// accepted ("200ms") because every other duration in tcplab carries one.
Time seconds(const Words& w, const Token& t, std::string_view what, bool zero_allowed) {
  const std::string& s = t.text;
  bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '.';
  });
  auto d = parse_duration(plain ? s + "s" : s);
  if (!d || (*d == 0 && !zero_allowed))
    fail(t.offset, w.tool + ": bad " + std::string(what) + " " + quoted(s) + " (seconds like " +
                       "0.2, or a duration like 200ms" + (zero_allowed ? "" : "; must be > 0") + ")");
  return *d;
}

bool name_chars_ok(std::string_view s, bool dot_ok) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-' || (dot_ok && c == '.');
  });
}

bool looks_like_auto_id(std::string_view s) {
  return s.size() >= 2 && s[0] == 's' && digits_value(s.substr(1)).has_value();
}

// A reference to an existing socket: an id (s1), a --as name, or NAME.1 for an accepted one.
std::string sock_ref(const Words& w, const Token& t) {
  if (!name_chars_ok(t.text, true))
    fail(t.offset, w.tool + ": bad socket " + quoted(t.text) +
                       " (a socket is an id like s1, or a name given with --as)");
  return t.text;
}

// A name given with --as. No dots: NAME.1, NAME.2 … are the connections a listener accepts.
std::string new_name(const Words& w, const Token& t) {
  if (!name_chars_ok(t.text, false))
    fail(t.offset, w.tool + ": bad name " + quoted(t.text) +
                       " (use letters, digits, '_' and '-'; NAME.1, NAME.2 … are kept for "
                       "accepted connections)");
  if (looks_like_auto_id(t.text))
    fail(t.offset, w.tool + ": name " + quoted(t.text) +
                       " looks like a socket id; ids s1, s2 … are taken by the system, choose "
                       "another name");
  return t.text;
}

std::string iface_name(const Words& w, const Token& t) {
  if (!name_chars_ok(t.text, true))
    fail(t.offset, w.tool + ": bad interface name " + quoted(t.text));
  return t.text;
}

// ---- getopt-style short options (ping, traceroute, hping3, netstat, ss, arp) ---------

// Reads the rest of `w` like GNU getopt: flags cluster ("-an", "-SA"), an option's
// argument may be glued ("-c3") or the next word ("-c 3"), operands may come before or
// after options, and "--" ends the options. `spec` is getopt's: "c:i:b" = -c and -i
// take an argument, -b does not. Returns the operands.
std::vector<Token> getopt(Words& w, std::string_view spec, std::string_view usage,
                          const std::function<void(char, const Token& opt, const Token* arg)>& on) {
  std::vector<Token> operands;
  bool options_over = false;
  while (!w.at_end()) {
    const Token& t = w.toks[w.pos++];
    if (options_over || t.text.size() < 2 || t.text[0] != '-') {
      operands.push_back(t);
      continue;
    }
    if (t.text == "--") {
      options_over = true;
      continue;
    }
    if (t.text[1] == '-')
      fail(t.offset, w.tool + ": unrecognized option " + quoted(t.text) + " (usage: " +
                         std::string(usage) + ")");
    for (size_t i = 1; i < t.text.size(); ++i) {
      char c = t.text[i];
      size_t at = spec.find(c);
      if (c == ':' || at == std::string_view::npos)
        fail(t.offset, w.tool + ": invalid option -- '" + std::string(1, c) + "' (usage: " +
                           std::string(usage) + ")");
      bool takes_arg = at + 1 < spec.size() && spec[at + 1] == ':';
      if (!takes_arg) {
        on(c, t, nullptr);
        continue;
      }
      if (i + 1 < t.text.size()) {
        Token glued{t.text.substr(i + 1), t.offset + i + 1, t.quoted};
        on(c, t, &glued);
      } else {
        if (w.at_end())
          fail(t.offset, w.tool + ": option requires an argument -- '" + std::string(1, c) + "'");
        on(c, t, &w.toks[w.pos++]);
      }
      break;
    }
  }
  return operands;
}

// The one ADDR operand of ping, traceroute and hping3.
Ipv4 host_operand(const Words& w, const std::vector<Token>& operands) {
  if (operands.empty()) fail(w.line_end, w.tool + ": missing host operand");
  if (operands.size() > 1)
    fail(operands[1].offset, w.tool + ": extra operand " + quoted(operands[1].text) +
                                 " (give one destination address)");
  return address(w, operands[0]);
}

// ---- --long options (udp, tcp, app: tcplab's own commands) ----------------------------

struct LongOpt {
  std::string_view name;  // without the dashes
  bool takes_arg;
};

struct LongArgs {
  std::vector<Token> operands;
  // name -> (the option word, its value); a repeated option keeps the last, like getopt.
  std::vector<std::pair<std::string, std::pair<Token, Token>>> given;

  const Token* value(std::string_view name) const {
    for (auto it = given.rbegin(); it != given.rend(); ++it)
      if (it->first == name) return &it->second.second;
    return nullptr;
  }
  bool has(std::string_view name) const { return value(name) != nullptr; }
};

std::string option_list(const std::vector<LongOpt>& opts) {
  std::string s;
  for (const LongOpt& o : opts) s += (s.empty() ? "--" : ", --") + std::string(o.name);
  return s;
}

LongArgs long_options(Words& w, const std::vector<LongOpt>& opts) {
  LongArgs out;
  while (!w.at_end()) {
    const Token& t = w.toks[w.pos++];
    if (t.quoted || t.text.size() < 2 || t.text[0] != '-') {
      out.operands.push_back(t);
      continue;
    }
    std::string name = t.text.substr(t.text[1] == '-' ? 2 : 1);
    std::optional<Token> glued;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      size_t name_start = t.text[1] == '-' ? 2 : 1;
      glued = Token{name.substr(eq + 1), t.offset + name_start + eq + 1, t.quoted};
      name.resize(eq);
    }
    auto it = std::find_if(opts.begin(), opts.end(), [&](const LongOpt& o) { return o.name == name; });
    if (t.text[1] != '-' || it == opts.end()) {
      std::vector<std::string_view> names;
      for (const LongOpt& o : opts) names.push_back(o.name);
      std::string hint = did_you_mean(name, names, "--");
      fail(t.offset, w.tool + ": unknown option " + quoted(t.text) +
                         (hint.empty() ? opts.empty() ? " (it takes no options)"
                                                      : " (options: " + option_list(opts) + ")"
                                       : hint));
    }
    Token value{"", t.offset, false};
    if (it->takes_arg) {
      if (glued) {
        value = *glued;
      } else {
        if (w.at_end()) fail(t.offset, w.tool + ": option --" + name + " requires an argument");
        value = w.toks[w.pos++];
      }
    } else if (glued) {
      fail(t.offset, w.tool + ": option --" + name + " takes no argument");
    }
    out.given.push_back({name, {t, value}});
  }
  return out;
}

ReadMode read_mode(const Words& w, const Token& t) {
  if (t.text == "auto") return ReadMode::Auto;
  if (t.text == "manual") return ReadMode::Manual;
  fail(t.offset, w.tool + ": --read takes auto or manual, not " + quoted(t.text));
}

// The operands must be `names` (in order; the last `optional_tail` may be left out).
void want_operands(const Words& w, const LongArgs& a, const std::vector<std::string_view>& names,
                   size_t optional_tail = 0) {
  size_t need = names.size() - optional_tail;
  if (a.operands.size() < need) fail(w.line_end, w.tool + ": missing " + std::string(names[a.operands.size()]));
  if (a.operands.size() > names.size())
    fail(a.operands[names.size()].offset,
         w.tool + ": unexpected argument " + quoted(a.operands[names.size()].text));
}

// ---- payload text (udp sendto, tcp send) -------------------------------------------------

struct Payload {
  std::string text;
  std::optional<uint64_t> bytes;
};

// TEXT… or --bytes N from word `from` on. One quoted word is taken verbatim (so "" is an
// empty message and "a  b" keeps both spaces); several words are joined by single spaces
// as a shell's echo would. An unquoted --bytes anywhere means the byte-count form.
Payload payload(Words& w, uint64_t max_bytes, bool empty_ok) {
  std::vector<Token> rest(w.toks.begin() + std::ptrdiff_t(w.pos), w.toks.end());
  w.pos = w.toks.size();
  if (rest.empty()) fail(w.line_end, w.tool + ": missing text (or --bytes N)");
  for (size_t i = 0; i < rest.size(); ++i) {
    const Token& t = rest[i];
    bool bytes_opt = !t.quoted && (t.text == "--bytes" || t.text.starts_with("--bytes="));
    if (!bytes_opt) continue;
    if (i != 0) fail(t.offset, w.tool + ": give either TEXT or --bytes N, not both (quote text that contains --bytes)");
    Token n{"", t.offset, false};
    size_t end = 1;
    if (t.text.size() > 7) {
      n = Token{t.text.substr(8), t.offset + 8, false};
    } else {
      if (rest.size() < 2) fail(t.offset, w.tool + ": option --bytes requires an argument");
      n = rest[1];
      end = 2;
    }
    if (rest.size() > end)
      fail(rest[end].offset, w.tool + ": unexpected argument " + quoted(rest[end].text) + " after --bytes N");
    return Payload{"", number(w, n, "byte count", empty_ok ? 0 : 1, max_bytes)};
  }
  if (!rest[0].quoted && rest[0].text.starts_with("--"))
    fail(rest[0].offset, w.tool + ": unknown option " + quoted(rest[0].text) +
                             " (to send text that starts with --, quote it)");
  Payload p;
  if (rest.size() == 1 && rest[0].quoted) {
    p.text = rest[0].text;
  } else {
    for (size_t i = 0; i < rest.size(); ++i) p.text += (i == 0 ? "" : " ") + rest[i].text;
  }
  if (p.text.empty() && !empty_ok) fail(rest[0].offset, w.tool + ": nothing to send (empty text)");
  if (p.text.size() > max_bytes)
    fail(rest[0].offset, w.tool + ": text is " + std::to_string(p.text.size()) + " bytes; at most " +
                             std::to_string(max_bytes) + " fit");
  return p;
}

constexpr uint64_t kMaxUdpPayload = 65507;  // 65535 - 20 (IPv4) - 8 (UDP)
constexpr uint64_t kGiB = uint64_t(1) << 30;

// ---- inspection ---------------------------------------------------------------------------

Command parse_ifconfig(Words& w) {
  CmdIfconfig c;
  if (const Token* t = w.peek(); t && t->text == "-a") ++w.pos;  // all interfaces: the default here
  if (const Token* t = w.peek(); t && t->text.starts_with("-"))
    fail(t->offset, "ifconfig: invalid option " + quoted(t->text) + " (usage: ifconfig [-a] [IFACE])");
  if (!w.at_end()) c.iface = iface_name(w, w.next("interface"));
  w.expect_end("ifconfig only shows interfaces here; addresses come from the scenario");
  return c;
}

// netstat -tulnp…, ss -tani…: which sockets to list. Without -a or -l Linux lists only
// sockets that are not listening; -a lists all, -l only listening ones.
Command parse_sockets(Words& w, bool ss) {
  CmdSockets c;
  c.ss = ss;
  bool t = false, u = false, a = false, l = false;
  std::string_view spec = ss ? "tulnapi" : "tulnap";
  std::string_view usage = ss ? "ss [-tulnapi]" : "netstat [-tulnap]";
  auto operands = getopt(w, spec, usage, [&](char o, const Token&, const Token*) {
    switch (o) {
      case 't': t = true; break;
      case 'u': u = true; break;
      case 'l': l = true; break;
      case 'a': a = true; break;
      case 'i': c.info = true; break;
      default: break;  // -n (numeric: always) and -p (program: shown when known)
    }
  });
  if (!operands.empty())
    fail(operands[0].offset, w.tool + ": unexpected argument " + quoted(operands[0].text) +
                                 " (usage: " + std::string(usage) + ")");
  if (t || u) c.tcp = t, c.udp = u;
  c.listening_only = l && !a;
  c.connected_only = !l && !a;
  return c;
}

// kill -9 PID, kill -KILL PID, kill -s TERM PID …: every signal ends the program here (a
// Python program dies on KILL and TERM alike), so the signal is checked, then ignored.
Command parse_kill(Words& w) {
  static const std::vector<std::string_view> signals = {"9", "KILL", "SIGKILL", "15", "TERM", "SIGTERM", "2", "INT", "SIGINT"};
  auto check_signal = [&](const Token& t, std::string_view sig) {
    if (std::find(signals.begin(), signals.end(), sig) == signals.end())
      fail(t.offset, "kill: " + std::string(sig) + ": invalid signal specification (use -9, -KILL, -15 or -TERM)");
  };
  CmdKill c;
  while (!w.at_end()) {
    const Token& t = w.toks[w.pos++];
    if (t.text == "-s") {
      const Token& sig = w.next("signal name after -s");
      check_signal(sig, sig.text);
      continue;
    }
    if (t.text.size() > 1 && t.text[0] == '-') {
      check_signal(t, std::string_view(t.text).substr(1));
      continue;
    }
    c.pids.push_back(int(number(w, t, "process id", 1, 4194304)));
  }
  if (c.pids.empty()) fail(w.line_end, "kill: usage: kill [-9|-TERM] PID… (lsof -i shows the PID)");
  return c;
}

Command parse_arp(Words& w) {
  auto operands = getopt(w, "ane", "arp [-an]", [](char, const Token&, const Token*) {});
  if (!operands.empty())
    fail(operands[0].offset, "arp: unexpected argument " + quoted(operands[0].text) +
                                 " (arp -n lists the whole cache)");
  return CmdArpShow{};
}

// lsof -i SPEC, lsof -iSPEC, lsof -n -P -i …: SPEC is lsof's [46][protocol][@host][:port]
// (see lsof(8), "-i [i]"). Only network files exist here, so -i is required; the few
// service names a lesson meets are known, as /etc/services would know them.
Command parse_lsof(Words& w) {
  static constexpr std::string_view usage = "lsof -i [tcp|udp][@ADDR][:PORT]";
  CmdLsof c;
  bool have_i = false;
  while (!w.at_end()) {
    const Token& t = w.toks[w.pos++];
    if (t.text.size() < 2 || t.text[0] != '-')
      fail(t.offset, "lsof: unexpected argument " + quoted(t.text) + " (usage: " + std::string(usage) + ")");
    if (t.text == "-n") continue;  // host names are never looked up: the addresses print as numbers
    if (t.text == "-P" || t.text == "-nP" || t.text == "-Pn") {
      c.numeric_ports = true;
      continue;
    }
    if (!t.text.starts_with("-i"))
      fail(t.offset, "lsof: option " + quoted(t.text) + " is not supported here: only network files are listed (usage: " +
                         std::string(usage) + ")");
    if (have_i) fail(t.offset, "lsof: give -i once (usage: " + std::string(usage) + ")");
    have_i = true;
    Token spec{t.text.substr(2), t.offset + 2, t.quoted};
    if (spec.text.empty()) {
      const Token* n = w.peek();
      if (!n || n->text.starts_with("-")) continue;  // plain -i: every network file
      spec = *n;
      ++w.pos;
    }
    if (spec.text.empty()) fail(spec.offset, "lsof: empty address after -i (usage: " + std::string(usage) + ")");
    std::string_view s = spec.text;
    size_t at = 0;
    if (s[0] == '6')
      fail(spec.offset, "lsof: IPv6 is not simulated: tcplab speaks IPv4 only (use -i or -i4)");
    if (s[0] == '4') at = 1;
    const size_t proto_end = std::min(s.find_first_of("@:", at), s.size());
    std::string proto(s.substr(at, proto_end - at));
    std::transform(proto.begin(), proto.end(), proto.begin(), [](char ch) { return char(std::tolower(ch)); });
    if (proto == "tcp") c.udp = false;
    else if (proto == "udp") c.tcp = false;
    else if (!proto.empty())
      fail(spec.offset + at, "lsof: unknown protocol name (" + std::string(s.substr(at, proto_end - at)) + ") in: -i " +
                                 std::string(s) + " (tcp or udp)");
    at = proto_end;
    if (at < s.size() && s[at] == '@') {
      const size_t end = std::min(s.find(':', at), s.size());
      Token a{std::string(s.substr(at + 1, end - at - 1)), spec.offset + at + 1, spec.quoted};
      if (a.text.empty()) fail(a.offset, "lsof: missing address after '@' in: -i " + std::string(s));
      c.addr = address(w, a);
      at = end;
    }
    if (at < s.size()) {  // s[at] == ':'
      Token p{std::string(s.substr(at + 1)), spec.offset + at + 1, spec.quoted};
      c.port = service_port(p.text);
      if (!c.port) {
        if (p.text.empty() || !std::isdigit(static_cast<unsigned char>(p.text[0])))
          fail(p.offset, "lsof: unknown service " + quoted(p.text) + " in: -i " + std::string(s) +
                             " (a port number, or ftp, ssh, telnet, smtp, domain, http, https)");
        c.port = port(w, p);
      }
    }
  }
  if (!have_i)
    fail(w.line_end, "lsof: only network files are listed here: give -i (usage: " + std::string(usage) + ")");
  return c;
}

// ---- routes -------------------------------------------------------------------------------

// "route: netmask doesn't match route address" is net-tools' own wording; the hint adds
// what it should have been.
void check_host_bits(const Words& w, const Token& t, Prefix p, std::string_view msg) {
  if (p.addr != p.network())
    fail(t.offset, w.tool + ": " + std::string(msg) + " (" + to_string(p.addr) + "/" +
                       std::to_string(p.len) + " has host bits set; did you mean " +
                       to_string(p.network()) + "/" + std::to_string(p.len) + "?)");
}

// net-tools: route add|del [-net|-host] TARGET [netmask M] [gw G] [metric N] [[dev] IF]
Command parse_route_edit(Words& w, bool add) {
  w.tool = "route";
  enum class Kind { Guess, Net, Host } kind = Kind::Guess;
  if (const Token* t = w.peek(); t && (t->text == "-net" || t->text == "-host")) {
    kind = t->text == "-net" ? Kind::Net : Kind::Host;
    ++w.pos;
  }
  const Token& target = w.next("target (e.g. -net 10.0.0.0/8, -host 10.0.0.5 or default)");
  std::optional<Prefix> dst;
  bool plain = false;      // TARGET is an address without /LEN: a netmask may follow
  bool need_mask = false;  // -net with a plain address: the netmask must follow
  if (target.text == "default") {
    if (kind == Kind::Host) fail(target.offset, "route: -host needs an address, not default");
    dst = Prefix{Ipv4(0), 0};
  } else if (target.text.find('/') != std::string::npos) {
    dst = parse_prefix(target.text);
    if (!dst)
      fail(target.offset, "route: bad prefix " + quoted(target.text) +
                              " (expected A.B.C.D/LEN like 10.0.0.0/8)");
    if (kind == Kind::Host && dst->len != 32)
      fail(target.offset, "route: -host takes an address, not a prefix");
  } else {
    Ipv4 a = address(w, target);
    plain = kind != Kind::Host;
    need_mask = kind == Kind::Net;
    dst = Prefix{a, 32};  // a plain address without -net is a host route, as in net-tools
  }
  bool mask_given = false;
  std::optional<Ipv4> gateway;
  std::optional<std::string> dev;
  uint32_t metric = 0;
  while (!w.at_end()) {
    const Token& k = w.next("");
    if (k.text == "netmask") {
      const Token& m = w.next("netmask after 'netmask'");
      if (kind == Kind::Host) fail(k.offset, "route: -host takes no netmask (a host route is a /32)");
      if (target.text == "default") fail(k.offset, "route: default is 0.0.0.0/0 and takes no netmask");
      if (!plain) fail(k.offset, "route: give the prefix length (/LEN) or a netmask, not both");
      if (mask_given) fail(k.offset, "route: netmask given twice");
      auto mask = parse_ipv4(m.text);
      if (!mask) fail(m.offset, "route: bad netmask " + quoted(m.text) + " (e.g. 255.255.255.0)");
      auto len = netmask_length(*mask);
      if (!len) fail(m.offset, "route: netmask " + m.text + " is not contiguous");
      dst->len = *len;
      need_mask = false;
      mask_given = true;
    } else if (k.text == "gw" || k.text == "gateway") {
      gateway = address(w, w.next("gateway address after 'gw'"));
    } else if (k.text == "metric") {
      const Token& n = w.next("number after 'metric'");
      if (!add) fail(k.offset, "route: metric is not used when deleting a route");
      metric = uint32_t(number(w, n, "metric", 0, std::numeric_limits<uint32_t>::max()));
    } else if (k.text == "dev") {
      dev = iface_name(w, w.next("interface after 'dev'"));
    } else if (parse_ipv4(k.text)) {
      fail(k.offset, "route: unexpected address " + quoted(k.text) + " (a gateway is written gw " +
                         k.text + ")");
    } else if (w.at_end() && !dev && !k.text.starts_with("-")) {
      dev = iface_name(w, k);  // net-tools allows the interface last without "dev"
    } else {
      fail(k.offset, "route: unexpected " + quoted(k.text) +
                         " (expected netmask M, gw ADDR, metric N or dev IF)" +
                         did_you_mean(k.text, {"netmask", "gw", "metric", "dev"}));
    }
  }
  if (need_mask)
    fail(target.offset, "route: -net " + target.text + " needs a netmask (netmask 255.0.0.0) or a "
                            "prefix length (" + target.text + "/8)");
  check_host_bits(w, target, *dst, "netmask doesn't match route address");
  if (add) {
    if (!gateway && !dev)
      fail(w.line_end, "route: say where the route leads: gw ADDR and/or dev IF");
    return CmdRouteAdd{*dst, gateway, dev, metric};
  }
  return CmdRouteDel{*dst, gateway, dev};
}

Command parse_route(Words& w) {
  while (w.peek() && w.peek()->text == "-n") ++w.pos;  // `route -n add …` is accepted by net-tools
  const Token* t = w.peek();
  if (t && (t->text == "add" || t->text == "del" || t->text == "delete")) {
    ++w.pos;
    return parse_route_edit(w, t->text == "add");
  }
  auto operands = getopt(w, "ne", "route [-n] | route add|del …", [](char, const Token&, const Token*) {});
  if (!operands.empty())
    fail(operands[0].offset, "route: unknown action " + quoted(operands[0].text) +
                                 " (expected add or del)" + did_you_mean(operands[0].text, {"add", "del"}));
  return CmdRouteShow{false};
}

// iproute2: ip route add|del PREFIX|default [via G] [dev IF] [metric N]
Command parse_ip_route_edit(Words& w, bool add) {
  w.tool = add ? "ip route add" : "ip route del";
  const Token& target = w.next("prefix (e.g. 10.0.0.0/8 or default)");
  Prefix dst;
  if (target.text == "default") {
    dst = Prefix{Ipv4(0), 0};
  } else {
    auto p = parse_prefix(target.text, 32);  // a bare address is a /32, as in iproute2
    if (!p)
      fail(target.offset, w.tool + ": bad prefix " + quoted(target.text) +
                              " (expected A.B.C.D/LEN like 10.0.0.0/8, or default)");
    dst = *p;
    check_host_bits(w, target, dst, "invalid prefix for given prefix length");
  }
  std::optional<Ipv4> via;
  std::optional<std::string> dev;
  uint32_t metric = 0;
  while (!w.at_end()) {
    const Token& k = w.next("");
    if (k.text == "via") {
      via = address(w, w.next("address after 'via'"));
    } else if (k.text == "dev") {
      dev = iface_name(w, w.next("interface after 'dev'"));
    } else if (k.text == "metric") {
      const Token& n = w.next("number after 'metric'");
      if (!add) fail(k.offset, w.tool + ": metric is not used when deleting a route");
      metric = uint32_t(number(w, n, "metric", 0, std::numeric_limits<uint32_t>::max()));
    } else {
      fail(k.offset, w.tool + ": unexpected " + quoted(k.text) + " (expected via ADDR, dev IF" +
                         (add ? ", metric N)" : ")") + did_you_mean(k.text, {"via", "dev", "metric"}));
    }
  }
  if (add) {
    if (!via && !dev) fail(w.line_end, w.tool + ": say where the route leads: via ADDR and/or dev IF");
    return CmdRouteAdd{dst, via, dev, metric};
  }
  return CmdRouteDel{dst, via, dev};
}

bool is_show(std::string_view s) { return s == "show" || s == "list" || s == "ls"; }

Command parse_ip(Words& w) {
  const Token& obj = w.next("object (addr, route or neigh)");
  auto one_of = [&](std::initializer_list<std::string_view> names) {
    return std::find(names.begin(), names.end(), obj.text) != names.end();
  };
  auto show_only = [&](std::string_view tool) {
    w.tool = std::string(tool);
    if (const Token* t = w.peek(); t && is_show(t->text)) ++w.pos;
    w.expect_end();
  };
  if (one_of({"addr", "address", "a"})) {
    show_only("ip addr");
    return CmdIpAddr{};
  }
  if (one_of({"neigh", "neighbor", "neighbour", "n"})) {
    show_only("ip neigh");
    return CmdArpShow{};
  }
  if (one_of({"route", "ro", "r"})) {
    w.tool = "ip route";
    const Token* t = w.peek();
    if (t && (t->text == "add" || t->text == "del" || t->text == "delete")) {
      ++w.pos;
      return parse_ip_route_edit(w, t->text == "add");
    }
    if (t && !is_show(t->text))
      fail(t->offset, "ip route: unknown command " + quoted(t->text) + " (expected show, add or del)" +
                          did_you_mean(t->text, {"show", "add", "del"}));
    show_only("ip route");
    return CmdRouteShow{true};
  }
  fail(obj.offset, "ip: object " + quoted(obj.text) + " is unknown (objects: addr, route, neigh)" +
                       did_you_mean(obj.text, {"addr", "address", "route", "neigh"}));
}

// ---- tools --------------------------------------------------------------------------------

Command parse_ping(Words& w) {
  CmdPing c;
  constexpr std::string_view usage = "ping [-c N] [-i SEC] [-s SIZE] [-t TTL] [-W SEC] [-b] ADDR";
  auto operands = getopt(w, "c:i:s:t:W:bn", usage, [&](char o, const Token&, const Token* a) {
    switch (o) {
      case 'c': c.count = int(number(w, *a, "count", 1, std::numeric_limits<int>::max())); break;
      case 'i':
        c.interval = seconds(w, *a, "timing interval", false);
        // iputils' floor for a user: below it one ping would be millions of echoes a run.
        if (c.interval < 2 * kMs)
          fail(a->offset, "ping: cannot flood, minimal interval must be >= 2 ms, use -i 0.002 (or higher), not " +
                              quoted(a->text));
        break;
      case 's': c.size = int(number(w, *a, "packet size", 0, kMaxUdpPayload)); break;
      case 't': c.ttl = int(number(w, *a, "ttl", 1, 255)); break;
      case 'W': c.linger = seconds(w, *a, "linger time", true); break;
      case 'b': c.broadcast = true; break;
      default: break;  // -n: addresses are always numeric here
    }
  });
  c.dst = host_operand(w, operands);
  return c;
}

Command parse_traceroute(Words& w) {
  CmdTraceroute c;
  constexpr std::string_view usage = "traceroute [-m MAX] [-q N] [-w SEC] [-p PORT] [-n] ADDR";
  auto operands = getopt(w, "m:q:w:p:n", usage, [&](char o, const Token&, const Token* a) {
    switch (o) {
      case 'm': c.max_hops = int(number(w, *a, "max hops", 1, 255)); break;
      case 'q': c.queries = int(number(w, *a, "number of queries", 1, 10)); break;
      case 'w': c.wait = seconds(w, *a, "wait time", false); break;
      case 'p': c.base_port = port(w, *a); break;
      default: break;  // -n: addresses are always numeric here
    }
  });
  c.dst = host_operand(w, operands);
  return c;
}

Command parse_hping3(Words& w) {
  namespace f = wire::tcpflag;
  CmdHping3 c;
  bool have_dport = false;
  constexpr std::string_view usage =
      "hping3 [-S] [-A] [-F] [-R] [-P] [-U] -p DPORT [-s SPORT] [-M SEQ] [-L ACK] [-d LEN] "
      "[-w WIN] [-c N] ADDR";
  constexpr uint64_t u32max = std::numeric_limits<uint32_t>::max();
  auto operands = getopt(w, "SAFRPUp:s:M:L:d:w:c:", usage, [&](char o, const Token&, const Token* a) {
    switch (o) {
      case 'S': c.flags |= f::SYN; break;
      case 'A': c.flags |= f::ACK; break;
      case 'F': c.flags |= f::FIN; break;
      case 'R': c.flags |= f::RST; break;
      case 'P': c.flags |= f::PSH; break;
      case 'U': c.flags |= f::URG; break;
      case 'p': c.dport = port(w, *a), have_dport = true; break;
      case 's': c.sport = port(w, *a); break;
      case 'M': c.seq = uint32_t(number(w, *a, "sequence number", 0, u32max)); break;
      case 'L': c.ack = uint32_t(number(w, *a, "ack number", 0, u32max)); break;
      // 65535 - 20 (IPv4) - 20 (TCP): the most one segment can carry.
      case 'd': c.data_len = uint32_t(number(w, *a, "data size", 0, 65495)); break;
      case 'w': c.window = uint16_t(number(w, *a, "window", 0, 65535)); break;
      case 'c': c.count = int(number(w, *a, "count", 1, 1'000'000)); break;
      default: break;
    }
  });
  c.dst = host_operand(w, operands);
  if (!have_dport)
    fail(w.line_end, "hping3: missing destination port (-p PORT); hping3 would send to port 0");
  return c;
}

// ---- udp / tcp / app ------------------------------------------------------------------------

Command parse_udp(Words& w, const Token& sub) {
  w.tool = "udp " + sub.text;
  if (sub.text == "bind") {
    auto a = long_options(w, {{"as", true}});
    want_operands(w, a, {"PORT"});
    CmdUdpBind c{port(w, a.operands[0], true), std::nullopt};
    if (const Token* n = a.value("as")) c.name = new_name(w, *n);
    return c;
  }
  if (sub.text == "sendto") {
    CmdUdpSendto c;
    const Token& first = w.next("destination ADDR:PORT");
    if (first.text.find(':') == std::string::npos) {
      if (parse_ipv4(first.text))
        fail(first.offset, w.tool + ": " + quoted(first.text) + " needs a port: ADDR:PORT (e.g. " +
                               first.text + ":7)");
      c.sock = sock_ref(w, first);
      c.to = endpoint(w, w.next("destination ADDR:PORT"));
    } else {
      c.to = endpoint(w, first);
    }
    Payload p = payload(w, kMaxUdpPayload, true);
    c.text = std::move(p.text);
    if (p.bytes) c.bytes = uint32_t(*p.bytes);
    return c;
  }
  if (sub.text == "recvfrom") {
    auto a = long_options(w, {});
    want_operands(w, a, {"SOCK", "BUFSIZE"}, 1);
    CmdUdpRecvfrom c{sock_ref(w, a.operands[0])};
    if (a.operands.size() > 1)
      c.bufsize = uint32_t(number(w, a.operands[1], "buffer size", 1, std::numeric_limits<uint32_t>::max()));
    return c;
  }
  if (sub.text == "reply") {
    CmdUdpReply c;
    c.sock = sock_ref(w, w.next("SOCK"));
    Payload p = payload(w, kMaxUdpPayload, true);
    c.text = std::move(p.text);
    if (p.bytes) c.bytes = uint32_t(*p.bytes);
    return c;
  }
  fail(sub.offset, "udp: unknown command " + quoted(sub.text) + " (udp bind, sendto, recvfrom or reply)" +
                       did_you_mean(sub.text, {"bind", "sendto", "recvfrom", "reply"}));
}

Command parse_tcp(Words& w, const Token& sub) {
  w.tool = "tcp " + sub.text;
  const std::string& s = sub.text;
  if (s == "listen") {
    auto a = long_options(w, {{"backlog", true}, {"as", true}, {"manual-accept", false}, {"read", true}});
    want_operands(w, a, {"PORT"});
    CmdTcpListen c;
    c.port = port(w, a.operands[0]);
    if (const Token* t = a.value("backlog")) c.backlog = int(number(w, *t, "backlog", 1, 65535));
    if (const Token* t = a.value("as")) c.name = new_name(w, *t);
    c.manual_accept = a.has("manual-accept");
    if (const Token* t = a.value("read")) c.read = read_mode(w, *t);
    return c;
  }
  if (s == "connect") {
    auto a = long_options(w, {{"sport", true}, {"as", true}, {"read", true}});
    want_operands(w, a, {"destination ADDR:PORT"});
    CmdTcpConnect c;
    c.to = endpoint(w, a.operands[0]);
    if (const Token* t = a.value("sport")) c.sport = port(w, *t);
    if (const Token* t = a.value("as")) c.name = new_name(w, *t);
    if (const Token* t = a.value("read")) c.read = read_mode(w, *t);
    return c;
  }
  if (s == "send") {
    CmdTcpSend c;
    c.sock = sock_ref(w, w.next("SOCK"));
    Payload p = payload(w, kGiB, false);
    c.text = std::move(p.text);
    if (p.bytes) c.bytes = uint32_t(*p.bytes);
    return c;
  }
  if (s == "recv") {
    auto a = long_options(w, {});
    want_operands(w, a, {"SOCK", "N"}, 1);
    CmdTcpRecv c{sock_ref(w, a.operands[0]), std::nullopt};
    if (a.operands.size() > 1)
      c.max = uint32_t(number(w, a.operands[1], "byte count", 1, std::numeric_limits<uint32_t>::max()));
    return c;
  }
  if (s == "accept" || s == "shutdown" || s == "close" || s == "abort") {
    auto a = long_options(w, {});
    want_operands(w, a, {s == "accept" ? "listener NAME" : "SOCK"});
    std::string sock = sock_ref(w, a.operands[0]);
    if (s == "accept") return CmdTcpAccept{sock};
    if (s == "shutdown") return CmdTcpShutdown{sock};
    if (s == "close") return CmdTcpClose{sock};
    return CmdTcpAbort{sock};
  }
  if (s == "setsockopt") {
    auto a = long_options(w, {});
    want_operands(w, a, {"SOCK", "OPTION", "VALUE"});
    CmdTcpSetsockopt c;
    c.sock = sock_ref(w, a.operands[0]);
    const Token& opt = a.operands[1];
    const Token& val = a.operands[2];
    static const std::vector<std::string_view> names = {"nodelay", "delack", "linger0", "rcvbuf", "sndbuf"};
    if (opt.text == "rcvbuf" || opt.text == "sndbuf") {
      c.option = opt.text == "rcvbuf" ? TcpOption::RcvBuf : TcpOption::SndBuf;
      c.value = number(w, val, "buffer size", 256, 64 * 1024 * 1024);
      return c;
    }
    if (opt.text == "nodelay") c.option = TcpOption::NoDelay;
    else if (opt.text == "delack") c.option = TcpOption::DelAck;
    else if (opt.text == "linger0") c.option = TcpOption::LingerZero;
    else
      fail(opt.offset, w.tool + ": unknown option " + quoted(opt.text) +
                           " (nodelay, delack, linger0, rcvbuf or sndbuf)" + did_you_mean(opt.text, names));
    if (val.text == "on" || val.text == "1") c.value = 1;
    else if (val.text == "off" || val.text == "0") c.value = 0;
    else fail(val.offset, w.tool + ": " + opt.text + " takes on or off, not " + quoted(val.text));
    return c;
  }
  fail(sub.offset, "tcp: unknown command " + quoted(s) +
                       " (tcp listen, accept, connect, send, recv, shutdown, close, abort or setsockopt)" +
                       did_you_mean(s, {"listen", "accept", "connect", "send", "recv", "shutdown", "close", "abort", "setsockopt"}));
}

Command parse_app(Words& w, const Token& sub) {
  w.tool = "app " + sub.text;
  const std::string& s = sub.text;
  if (s == "echo-server" || s == "bulk-sink") {
    auto a = long_options(w, {});
    want_operands(w, a, {"PORT"});
    uint16_t p = port(w, a.operands[0]);
    if (s == "echo-server") return CmdAppEchoServer{p};
    return CmdAppBulkSink{p};
  }
  if (s == "file-server") {
    auto a = long_options(w, {});
    if (a.operands.empty()) fail(w.line_end, w.tool + ": missing PORT");
    if (a.operands.size() < 2) fail(w.line_end, w.tool + ": missing files (NAME=BYTES, e.g. index.html=5000)");
    CmdAppFileServer c;
    c.port = port(w, a.operands[0]);
    for (size_t i = 1; i < a.operands.size(); ++i) {
      const Token& t = a.operands[i];
      size_t eq = t.text.find('=');
      std::string name = t.text.substr(0, eq);
      if (eq == std::string::npos || !name_chars_ok(name, true))
        fail(t.offset, w.tool + ": bad file " + quoted(t.text) + " (expected NAME=BYTES, e.g. index.html=5000)");
      Token size{t.text.substr(eq + 1), t.offset + eq + 1, t.quoted};
      uint64_t bytes = number(w, size, "file size", 0, kGiB);
      for (const auto& [other, _] : c.files)
        if (other == name) fail(t.offset, w.tool + ": file " + quoted(name) + " is listed twice");
      c.files.emplace_back(name, bytes);
    }
    return c;
  }
  if (s == "download") {
    auto a = long_options(w, {});
    want_operands(w, a, {"server ADDR:PORT", "file NAME"});
    Endpoint from = endpoint(w, a.operands[0]);
    const Token& f = a.operands[1];
    if (!name_chars_ok(f.text, true)) fail(f.offset, w.tool + ": bad file name " + quoted(f.text));
    return CmdAppDownload{from, f.text};
  }
  if (s == "bulk-send") {
    auto a = long_options(w, {{"bytes", true}});
    want_operands(w, a, {"destination ADDR:PORT"});
    CmdAppBulkSend c{endpoint(w, a.operands[0]), std::nullopt};
    if (const Token* t = a.value("bytes")) c.bytes = number(w, *t, "byte count", 1, kGiB);
    return c;
  }
  if (s == "requests") {
    auto a = long_options(w, {{"count", true}, {"size", true}, {"reuse", false}});
    want_operands(w, a, {"destination ADDR:PORT"});
    CmdAppRequests c;
    c.to = endpoint(w, a.operands[0]);
    if (const Token* t = a.value("count")) c.count = uint32_t(number(w, *t, "count", 1, 1'000'000));
    if (const Token* t = a.value("size")) c.size = uint32_t(number(w, *t, "size", 1, kGiB));
    c.reuse = a.has("reuse");
    return c;
  }
  fail(sub.offset, "app: unknown program " + quoted(s) +
                       " (echo-server, file-server, download, bulk-sink, bulk-send, requests)" +
                       did_you_mean(s, {"echo-server", "file-server", "download", "bulk-sink", "bulk-send", "requests"}));
}

const std::vector<std::string_view> kCommandWords = {
    "ifconfig", "ip", "route", "arp", "netstat", "ss", "lsof", "kill", "ping", "traceroute", "udp", "tcp", "app", "hping3"};

Command parse_words(Words& w) {
  if (w.at_end()) fail(0, "empty command");
  // `sudo lsof -i …` as the course types it: every console here is already root's.
  if (w.toks[w.pos].text == "sudo" && ++w.pos == w.toks.size())
    fail(w.line_end, "sudo: a command is needed (consoles here run as root: sudo is optional)");
  const Token& first = w.toks[w.pos++];
  const std::string& c = first.text;
  w.tool = c;
  if (c == "ifconfig") return parse_ifconfig(w);
  if (c == "ip") return parse_ip(w);
  if (c == "route") return parse_route(w);
  if (c == "arp") return parse_arp(w);
  if (c == "netstat" || c == "ss") return parse_sockets(w, c == "ss");
  if (c == "lsof") return parse_lsof(w);
  if (c == "kill") return parse_kill(w);
  if (c == "ping") return parse_ping(w);
  if (c == "traceroute") return parse_traceroute(w);
  if (c == "hping3") return parse_hping3(w);
  if (c == "udp" || c == "tcp" || c == "app") {
    const Token& sub = w.next(c == "app" ? "program (e.g. app echo-server 7)" : "command (e.g. " + c + " " +
                                                  (c == "udp" ? "bind 5000)" : "listen 80)"));
    if (c == "udp") return parse_udp(w, sub);
    if (c == "tcp") return parse_tcp(w, sub);
    return parse_app(w, sub);
  }
  std::string hint = did_you_mean(c, kCommandWords);
  fail(first.offset, "unknown command " + quoted(c) +
                         (hint.empty() ? " (commands: " + join(kCommandWords) + ")" : hint));
}

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

}  // namespace

Result<Command> parse_command(std::string_view line) {
  try {
    Words w;
    w.toks = tokenize(line);
    w.line_end = line.size();
    return parse_words(w);
  } catch (const Fail& f) {
    return f.error;
  }
}

std::string command_name(const Command& c) {
  return std::visit(
      Overloaded{
          [](const CmdIfconfig&) -> std::string { return "ifconfig"; },
          [](const CmdIpAddr&) -> std::string { return "ip addr"; },
          [](const CmdRouteShow& r) -> std::string { return r.iproute2 ? "ip route" : "route"; },
          [](const CmdArpShow&) -> std::string { return "arp"; },
          [](const CmdSockets& s) -> std::string { return s.ss ? "ss" : "netstat"; },
          [](const CmdLsof&) -> std::string { return "lsof"; },
          [](const CmdKill&) -> std::string { return "kill"; },
          [](const CmdRouteAdd&) -> std::string { return "route add"; },
          [](const CmdRouteDel&) -> std::string { return "route del"; },
          [](const CmdPing&) -> std::string { return "ping"; },
          [](const CmdTraceroute&) -> std::string { return "traceroute"; },
          [](const CmdUdpBind&) -> std::string { return "udp bind"; },
          [](const CmdUdpSendto&) -> std::string { return "udp sendto"; },
          [](const CmdUdpRecvfrom&) -> std::string { return "udp recvfrom"; },
          [](const CmdUdpReply&) -> std::string { return "udp reply"; },
          [](const CmdTcpListen&) -> std::string { return "tcp listen"; },
          [](const CmdTcpAccept&) -> std::string { return "tcp accept"; },
          [](const CmdTcpConnect&) -> std::string { return "tcp connect"; },
          [](const CmdTcpSend&) -> std::string { return "tcp send"; },
          [](const CmdTcpRecv&) -> std::string { return "tcp recv"; },
          [](const CmdTcpShutdown&) -> std::string { return "tcp shutdown"; },
          [](const CmdTcpClose&) -> std::string { return "tcp close"; },
          [](const CmdTcpAbort&) -> std::string { return "tcp abort"; },
          [](const CmdTcpSetsockopt&) -> std::string { return "tcp setsockopt"; },
          [](const CmdAppEchoServer&) -> std::string { return "app echo-server"; },
          [](const CmdAppFileServer&) -> std::string { return "app file-server"; },
          [](const CmdAppDownload&) -> std::string { return "app download"; },
          [](const CmdAppBulkSink&) -> std::string { return "app bulk-sink"; },
          [](const CmdAppBulkSend&) -> std::string { return "app bulk-send"; },
          [](const CmdAppRequests&) -> std::string { return "app requests"; },
          [](const CmdHping3&) -> std::string { return "hping3"; },
      },
      c);
}

std::vector<uint8_t> command_payload(const std::string& text, std::optional<uint32_t> bytes) {
  if (!bytes) return std::vector<uint8_t>(text.begin(), text.end());
  std::vector<uint8_t> b(*bytes);
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>('0' + i % 10);
  return b;
}

void PendingPayload::push(const std::string& text, std::optional<uint32_t> bytes) {
  Piece p;
  if (bytes) p.bytes = *bytes;
  else p.text = text, p.bytes = text.size();
  if (p.bytes == 0) return;
  size_ += p.bytes;
  pieces_.push_back(std::move(p));
}

std::vector<uint8_t> PendingPayload::peek(size_t max) const {
  std::vector<uint8_t> out;
  out.reserve(static_cast<size_t>(std::min<uint64_t>(max, size_)));
  for (const Piece& p : pieces_) {
    for (uint64_t i = p.done; i < p.bytes && out.size() < max; ++i)
      out.push_back(p.text.empty() ? static_cast<uint8_t>('0' + i % 10) : static_cast<uint8_t>(p.text[i]));
    if (out.size() >= max) break;
  }
  return out;
}

void PendingPayload::consume(uint64_t n) {
  n = std::min(n, size_);
  size_ -= n;
  size_t gone = 0;
  while (n > 0) {
    Piece& p = pieces_[gone];
    const uint64_t take = std::min(n, p.bytes - p.done);
    p.done += take;
    n -= take;
    if (p.done == p.bytes) ++gone;
  }
  pieces_.erase(pieces_.begin(), pieces_.begin() + static_cast<long>(gone));
}

// /etc/services' names of the well-known ports the lessons use.
constexpr std::pair<std::string_view, uint16_t> kServices[] = {
    {"ftp", 21}, {"ssh", 22}, {"telnet", 23}, {"smtp", 25}, {"domain", 53}, {"http", 80}, {"https", 443}};

std::optional<std::string_view> service_name(uint16_t port) {
  for (const auto& [name, number] : kServices)
    if (number == port) return name;
  return std::nullopt;
}
std::optional<uint16_t> service_port(std::string_view name) {
  for (const auto& [service, number] : kServices)
    if (service == name) return number;
  return std::nullopt;
}

}  // namespace tcplab
