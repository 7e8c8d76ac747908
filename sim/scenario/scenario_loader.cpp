// Scenario files -> Scenario values (scenario_loader.h). The data flow:
//
//   text --toml++--> tree --apply --set overrides--> tree --read_top/read_node/…--> Scenario
//        --resolve_links--> switch ports, link ends --check_segments--> subnets agree
//
// Every check records a LoadError and carries on, so one run reports every mistake in the
// file (toml++ itself stops at the first syntax error, so that one is reported alone).
// Positions come from toml++ (1-based line and column, columns in code points); values that
// came from a --set override have none, and their errors name the override instead.
#include "sim/scenario/scenario_loader.h"
#include "sim/core/edit_distance.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <numeric>
#include <set>
#include <sstream>

#include <toml++/toml.h>

namespace tcplab {

std::string LoadError::format() const {
  if (line <= 0) return file + ": " + message;
  if (col <= 0) return file + ":" + std::to_string(line) + ": " + message;
  return file + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + message;
}

namespace {

// ---- words -------------------------------------------------------------------------------

using Words = std::vector<std::string_view>;

const Words kTopKeys = {"title", "title_zh", "summary", "summary_zh", "chapter", "seed", "duration",
                        "tcp", "node", "link", "step", "fault", "question", "program"};
const Words kTopSettable = {"title", "title_zh", "summary", "summary_zh", "seed", "duration"};
const Words kTcpKeys = {"profile", "time_wait", "min_rto", "max_rto", "initial_rto",
                        "delayed_ack", "fin_timeout", "syn_retries", "syn_linear_timeouts",
                        "synack_retries", "retries2", "initial_cwnd", "mss", "rmem", "wmem",
                        "nagle", "delack", "abort_on_overflow"};
const Words kNodeKeys = {"name", "type", "ifaces", "gateway", "routes", "kernel"};
const Words kLinkKeys = {"a", "b", "delay", "rate", "queue", "loss"};
const Words kStepKeys = {"at", "on", "cmd", "say", "say_zh", "pause", "line"};
const Words kQuestionKeys = {"ask", "ask_zh", "answer", "answer_zh"};
const Words kProgramKeys = {"name", "on", "code"};
const Words kFaultKeys = {"match", "action", "nth", "every", "delay", "node"};

// " (did you mean 'x'?)" when a candidate is close to `word`, else "". Close: at most one
// edit for short words, two for longer ones, never the whole word; or `word` is the start
// of exactly one candidate ("serv" -> "server").
std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates) {
  std::string_view best;
  size_t best_d = SIZE_MAX;
  for (std::string_view c : candidates) {
    size_t d = edit_distance(word, c);
    if (d < best_d) best_d = d, best = c;
  }
  size_t limit = word.size() <= 4 ? 1 : 2;
  if (best_d == SIZE_MAX || best_d > limit || best_d >= word.size()) {
    auto starts = [&](std::string_view c) { return c.starts_with(word); };
    if (word.size() < 3 || std::count_if(candidates.begin(), candidates.end(), starts) != 1) return "";
    best = *std::find_if(candidates.begin(), candidates.end(), starts);
  }
  return " (did you mean '" + std::string(best) + "'?)";
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? std::string(sep) : "") + parts[i];
  return out;
}

const char* type_name(toml::node_type t) {
  switch (t) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

// toml++ counts columns in code points; parsers report byte offsets.
int codepoints(std::string_view s) {
  int n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string number_text(double v) {
  std::ostringstream o;
  o << v;
  return o.str();
}

bool only_chars(std::string_view s, std::string_view extra) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || extra.find(c) != std::string_view::npos;
  });
}

// Why `a` cannot be an interface address at all (whatever its prefix), or "".
std::string unusable_address(Ipv4 a) {
  switch (classify(a)) {
    case AddressKind::Unspecified:
      return "0.0.0.0 is the unspecified address (\"any\"), not an interface address";
    case AddressKind::Loopback:
      return to_string(a) +
             " is a loopback address (127.0.0.0/8): it never leaves its host, so it cannot be on a link";
    case AddressKind::Multicast:
      return to_string(a) + " is a multicast address (224.0.0.0/4): it names a group, not one interface";
    case AddressKind::LimitedBroadcast:
      return "255.255.255.255 is the limited broadcast address (every host on the link), "
             "not an interface address";
    default: return "";
  }
}

// ---- the loader ----------------------------------------------------------------------------

// Where an error points: a file position, or the --set override a value came from.
struct Where {
  int line = 0, col = 0;
  std::string set;  // the override text, when the value came from --set
};

SourcePos pos_of(const Where& w) { return SourcePos{w.line, w.col}; }

struct IfaceInfo {
  bool addr_ok = false;
  Where where;  // of the address string
};

struct NodeInfo {
  bool type_ok = false;
  std::vector<IfaceInfo> ifaces;  // parallel to NodeSpec::ifaces
};

// A link end before resolution: what the file said.
struct EndDraft {
  int node = -1;       // -1: unknown or missing (already reported)
  std::string iface;   // empty: omitted
  Where where;
};

class Loader {
 public:
  explicit Loader(std::string file) : file_(std::move(file)) {}

  std::vector<LoadError> errors;

  void syntax_error(const toml::parse_error& e) {
    std::string d(e.description());
    constexpr std::string_view kPrefix = "Error while parsing ";
    if (d.starts_with(kPrefix)) d = "TOML syntax error in " + d.substr(kPrefix.size());
    errors.push_back({file_, int(e.source().begin.line), int(e.source().begin.column), d});
  }

  void apply_override(toml::table& root, const std::string& spec);
  Scenario read(const toml::table& root);

 private:
  std::string file_;
  std::map<const toml::node*, std::string> override_of_;
  std::vector<NodeInfo> node_info_;
  std::map<std::string, int, std::less<>> node_by_name_;

  // -- positions and errors
  Where at(const toml::node& n) const {
    if (auto it = override_of_.find(&n); it != override_of_.end()) return Where{0, 0, it->second};
    return Where{int(n.source().begin.line), int(n.source().begin.column), {}};
  }
  Where at(const toml::key& k) const {
    return Where{int(k.source().begin.line), int(k.source().begin.column), {}};
  }
  // A byte offset inside a string value: its column, past the opening quote(s).
  Where inside(const toml::node& n, std::string_view value, size_t offset) const {
    Where w = at(n);
    if (!w.set.empty() || w.line == 0) return w;
    const auto& r = n.source();
    int quote = 1;
    if (r.end.line == r.begin.line &&
        int(r.end.column - r.begin.column) == codepoints(value) + 6) {
      quote = 3;  // """…""" or '''…'''
    }
    w.col += quote + codepoints(value.substr(0, std::min(offset, value.size())));
    return w;
  }
  void error(const Where& w, std::string message) {
    if (!w.set.empty()) message = "--set " + w.set + ": " + message;
    errors.push_back({file_, w.line, w.col, std::move(message)});
  }
  void set_error(const std::string& spec, const std::string& message) {
    errors.push_back({file_, 0, 0, "--set " + spec + ": " + message});
  }

  // -- shapes
  void check_keys(const toml::table& t, const Words& known, std::string_view in) {
    for (auto&& [k, v] : t) {
      if (std::find(known.begin(), known.end(), k.str()) != known.end()) continue;
      error(at(k), "unknown key '" + std::string(k.str()) + "' " + std::string(in) +
                       did_you_mean(k.str(), known));
    }
  }
  bool require(const toml::table& t, std::string_view key, std::string_view in) {
    if (t.contains(key)) return true;
    error(at(t), std::string(in) + " is missing required key '" + std::string(key) + "'");
    return false;
  }
  void wrong_type(const toml::node& n, std::string_view key, std::string_view expected) {
    error(at(n), std::string(key) + " must be " + std::string(expected) + ", not " + type_name(n.type()));
  }
  std::vector<const toml::table*> tables(const toml::table& root, std::string_view key);

  // -- typed reads: nullopt when absent, or when wrong (and then reported)
  std::optional<std::string> str(const toml::table& t, std::string_view key) {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (!n->is_string()) return wrong_type(*n, key, "a string"), std::nullopt;
    return n->as_string()->get();
  }
  std::optional<bool> boolean(const toml::table& t, std::string_view key) {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (!n->is_boolean()) return wrong_type(*n, key, "true or false"), std::nullopt;
    return n->as_boolean()->get();
  }
  std::optional<int64_t> integer(const toml::table& t, std::string_view key, int64_t lo, int64_t hi) {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (!n->is_integer()) return wrong_type(*n, key, "an integer"), std::nullopt;
    int64_t v = n->as_integer()->get();
    if (v < lo || v > hi) {
      std::string range = hi == INT64_MAX ? (lo == 0 ? "0 or more" : "at least " + std::to_string(lo))
                                          : "between " + std::to_string(lo) + " and " + std::to_string(hi);
      error(at(*n), std::string(key) + " must be " + range + ", not " + std::to_string(v));
      return std::nullopt;
    }
    return v;
  }
  std::optional<Time> duration(const toml::table& t, std::string_view key, Time min = 0) {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (!n->is_string()) return wrong_type(*n, key, "a duration string such as \"5ms\""), std::nullopt;
    std::string why;
    std::optional<Time> d = parse_duration(n->as_string()->get(), &why);
    if (!d) return error(at(*n), std::string(key) + ": " + why), std::nullopt;
    if (*d < min) {
      error(at(*n), std::string(key) + " must be more than 0");
      return std::nullopt;
    }
    return d;
  }
  std::optional<uint64_t> rate(const toml::table& t, std::string_view key) {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (!n->is_string()) return wrong_type(*n, key, "a rate string such as \"10Mbps\""), std::nullopt;
    std::string why;
    std::optional<uint64_t> r = parse_rate(n->as_string()->get(), &why);
    if (!r) error(at(*n), std::string(key) + ": " + why);
    return r;
  }
  std::optional<double> probability(const toml::table& t, std::string_view key) {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    double v = 0;
    if (n->is_floating_point()) v = n->as_floating_point()->get();
    else if (n->is_integer()) v = double(n->as_integer()->get());
    else return wrong_type(*n, key, "a number between 0 and 1"), std::nullopt;
    if (!(v >= 0.0 && v <= 1.0)) {
      error(at(*n), std::string(key) + " must be between 0 and 1, not " + number_text(v));
      return std::nullopt;
    }
    return v;
  }
  // A node name (for `on` and `node`): its index, or -1 (reported when unknown).
  int node_ref(const toml::table& t, std::string_view key) {
    std::optional<std::string> name = str(t, key);
    if (!name) return -1;
    return lookup_node(*name, at(*t.get(key)));
  }
  int lookup_node(std::string_view name, const Where& w) {
    if (auto it = node_by_name_.find(name); it != node_by_name_.end()) return it->second;
    Words names;
    for (auto& [n, i] : node_by_name_) names.push_back(n);
    error(w, "unknown node '" + std::string(name) + "'" + did_you_mean(name, names));
    return -1;
  }

  // -- sections
  void read_top(const toml::table& root, Scenario& sc);
  void read_tcp(const toml::table& t, TcpSettings& tcp);
  void read_node(const toml::table& t, Scenario& sc);
  void read_ifaces(const toml::node& n, NodeSpec& node, NodeInfo& info);
  void read_gateway(const toml::table& t, NodeSpec& node, const NodeInfo& info);
  void read_route(const toml::node& n, NodeSpec& node, const NodeInfo& info);
  void check_unique_addresses(const Scenario& sc);
  void read_links(const std::vector<const toml::table*>& ts, Scenario& sc);
  EndDraft read_end(const toml::table& t, std::string_view key);
  void check_segments(const Scenario& sc);
  void read_chapter(const toml::table& root, Scenario& sc);
  void read_question(const toml::table& t, Scenario& sc);
  void read_program(const toml::table& t, Scenario& sc);
  void read_step(const toml::table& t, Scenario& sc);
  std::optional<ProgramLines> read_line(const toml::table& t, const Scenario& sc);
  void read_fault(const toml::table& t, Scenario& sc);

  std::string ifaces_text(const NodeSpec& node) const {
    std::vector<std::string> parts;
    for (const IfaceSpec& i : node.ifaces) parts.push_back(i.name + " is " + to_string(i.addr));
    return join(parts, ", ");
  }
  static bool all_addresses_ok(const NodeSpec& node, const NodeInfo& info) {
    return !node.ifaces.empty() &&
           std::all_of(info.ifaces.begin(), info.ifaces.end(), [](const IfaceInfo& i) { return i.addr_ok; });
  }
};

// ---- --set overrides ------------------------------------------------------------------------

// VALUE as TOML when it is one (3, 0.2, true, "quoted"), else as a bare string (5s, client:eth1).
toml::table override_value(std::string_view value) {
  toml::table out;
  try {
    toml::table parsed = toml::parse("v = " + std::string(value));
    if (parsed.size() == 1 && parsed.contains("v")) return parsed;
  } catch (const toml::parse_error&) {
  }
  out.insert_or_assign("v", std::string(value));
  return out;
}

void Loader::apply_override(toml::table& root, const std::string& spec) {
  size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0) {
    set_error(spec, "expected KEY=VALUE, e.g. --set link.loss=0.2");
    return;
  }
  std::string key = spec.substr(0, eq);
  std::string_view value = std::string_view(spec).substr(eq + 1);
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    size_t dot = key.find('.', start);
    parts.push_back(key.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  auto set_in = [&](toml::table& t, const std::string& k) {
    toml::table v = override_value(value);
    t.insert_or_assign(k, std::move(*v.get("v")));
    override_of_[t.get(k)] = spec;
  };
  auto known = [&](const std::string& k, const Words& keys, std::string_view in) {
    if (std::find(keys.begin(), keys.end(), k) != keys.end()) return true;
    set_error(spec, "unknown key '" + k + "'" + std::string(in) + did_you_mean(k, keys));
    return false;
  };

  if (parts.size() == 1) {
    if (key == "tcp" || key == "node" || key == "link" || key == "step" || key == "fault" ||
        key == "question" || key == "program") {
      set_error(spec, "'" + key + "' is a section: set one of its values, e.g. " +
                          (key == "tcp" ? "tcp.min_rto=1s" : "link.loss=0.2"));
    } else if (known(key, kTopSettable, "")) {
      set_in(root, key);
    }
  } else if (parts.size() == 2 && parts[0] == "tcp") {
    if (!known(parts[1], kTcpKeys, " in [tcp]")) return;
    toml::node* tcp = root.get("tcp");
    if (!tcp) {
      root.insert_or_assign("tcp", toml::table{});
      tcp = root.get("tcp");
    }
    if (!tcp->is_table()) return set_error(spec, "tcp in the file is not a table");
    set_in(*tcp->as_table(), parts[1]);
  } else if ((parts.size() == 2 || parts.size() == 3) && parts[0] == "link") {
    const std::string& k = parts.back();
    if (!known(k, kLinkKeys, " in [[link]]")) return;
    toml::array* links = root.get("link") ? root.get("link")->as_array() : nullptr;
    size_t count = links ? links->size() : 0;
    if (count == 0) return set_error(spec, "the scenario has no links");
    if (parts.size() == 2) {
      for (toml::node& l : *links) {
        if (l.is_table()) set_in(*l.as_table(), k);
      }
      return;
    }
    const std::string& number = parts[1];
    if (number.empty() || number.find_first_not_of("0123456789") != std::string::npos || number.size() > 9) {
      return set_error(spec, "'" + number + "' is not a link number (links are numbered 1, 2 … in file order)");
    }
    size_t n = std::stoul(number);
    if (n == 0) return set_error(spec, "links are numbered from 1");
    if (n > count) {
      return set_error(spec, count == 1 ? "there is only 1 link"
                                        : "there are only " + std::to_string(count) + " links");
    }
    toml::node& l = (*links)[n - 1];
    if (l.is_table()) set_in(*l.as_table(), k);
  } else {
    set_error(spec, "cannot set '" + key + "' (expected KEY, tcp.KEY, link.KEY or link.N.KEY)");
  }
}

// ---- top level --------------------------------------------------------------------------------

std::vector<const toml::table*> Loader::tables(const toml::table& root, std::string_view key) {
  std::vector<const toml::table*> out;
  const toml::node* n = root.get(key);
  if (!n) return out;
  if (!n->is_array()) {
    wrong_type(*n, key, "an array of tables ([[" + std::string(key) + "]])");
    return out;
  }
  for (const toml::node& e : *n->as_array()) {
    if (e.is_table()) out.push_back(e.as_table());
    else error(at(e), "each " + std::string(key) + " must be a table, not " + type_name(e.type()));
  }
  return out;
}

Scenario Loader::read(const toml::table& root) {
  Scenario sc;
  read_top(root, sc);
  for (const toml::table* t : tables(root, "node")) read_node(*t, sc);
  check_unique_addresses(sc);
  read_links(tables(root, "link"), sc);
  check_segments(sc);
  for (const toml::table* t : tables(root, "question")) read_question(*t, sc);
  for (const toml::table* t : tables(root, "program")) read_program(*t, sc);  // before steps: `line`
  for (const toml::table* t : tables(root, "step")) read_step(*t, sc);
  for (const toml::table* t : tables(root, "fault")) read_fault(*t, sc);
  return sc;
}

void Loader::read_top(const toml::table& root, Scenario& sc) {
  check_keys(root, kTopKeys, "at the top level");
  if (std::optional<std::string> s = str(root, "title")) sc.title = *s;
  else if (!root.contains("title")) {
    error(Where{1, 1, {}}, "missing required key 'title' (e.g. title = \"Three-way handshake\")");
  }
  if (auto s = str(root, "title_zh")) sc.title_zh = *s;
  if (auto s = str(root, "summary")) sc.summary = *s;
  if (auto s = str(root, "summary_zh")) sc.summary_zh = *s;
  read_chapter(root, sc);
  if (auto v = integer(root, "seed", 0, INT64_MAX)) sc.seed = uint64_t(*v);
  if (auto d = duration(root, "duration", 1)) sc.duration = *d;
  if (const toml::node* tcp = root.get("tcp")) {
    if (tcp->is_table()) read_tcp(*tcp->as_table(), sc.tcp);
    else wrong_type(*tcp, "tcp", "a table ([tcp])");
  }
}

void Loader::read_tcp(const toml::table& t, TcpSettings& tcp) {
  check_keys(t, kTcpKeys, "in [tcp]");
  if (auto p = str(t, "profile")) {
    if (*p == "linux" || *p == "rfc") tcp.profile = *p;
    else {
      error(at(*t.get("profile")),
            "profile must be \"linux\" or \"rfc\", not \"" + *p + "\"" + did_you_mean(*p, {"linux", "rfc"}));
    }
  }
  tcp.time_wait = duration(t, "time_wait");
  tcp.min_rto = duration(t, "min_rto", 1);
  tcp.max_rto = duration(t, "max_rto", 1);
  tcp.initial_rto = duration(t, "initial_rto", 1);
  tcp.delayed_ack = duration(t, "delayed_ack", 1);
  tcp.fin_timeout = duration(t, "fin_timeout");
  if (tcp.min_rto && tcp.max_rto && *tcp.min_rto > *tcp.max_rto) {
    error(at(*t.get("min_rto")), "min_rto (" + format_duration(*tcp.min_rto) +
                                     ") is more than max_rto (" + format_duration(*tcp.max_rto) + ")");
  }
  auto small = [&](std::string_view key, int lo, int hi) -> std::optional<int> {
    if (auto v = integer(t, key, lo, hi)) return int(*v);
    return std::nullopt;
  };
  tcp.syn_retries = small("syn_retries", 1, 127);  // Linux: net.ipv4.tcp_syn_retries 1..127
  tcp.syn_linear_timeouts = small("syn_linear_timeouts", 0, 255);
  tcp.synack_retries = small("synack_retries", 0, 255);
  tcp.retries2 = small("retries2", 0, 255);
  tcp.initial_cwnd = small("initial_cwnd", 1, 1000);
  tcp.mss = small("mss", 88, 65495);  // Linux TCP_MIN_MSS .. 65535 - 40
  if (auto v = integer(t, "rmem", 1, INT32_MAX)) tcp.rmem = uint32_t(*v);
  if (auto v = integer(t, "wmem", 1, INT32_MAX)) tcp.wmem = uint32_t(*v);
  tcp.nagle = boolean(t, "nagle");
  tcp.delack = boolean(t, "delack");
  tcp.abort_on_overflow = boolean(t, "abort_on_overflow");
}

// ---- [[node]] -------------------------------------------------------------------------------

void Loader::read_node(const toml::table& t, Scenario& sc) {
  check_keys(t, kNodeKeys, "in [[node]]");
  NodeSpec node;
  NodeInfo info;
  node.pos = pos_of(at(t));
  if (require(t, "name", "[[node]]")) {
    if (std::optional<std::string> name = str(t, "name")) {
      Where w = at(*t.get("name"));
      if (!only_chars(*name, "_-")) {
        error(w, "node name '" + *name + "' may only use a-z, 0-9, '_' and '-'");
      } else if (auto it = node_by_name_.find(*name); it != node_by_name_.end()) {
        error(w, "node '" + *name + "' is already defined at line " +
                     std::to_string(sc.nodes[size_t(it->second)].pos.line));
      } else {
        node_by_name_[*name] = int(sc.nodes.size());
      }
      node.name = *name;
    }
  }
  if (require(t, "type", "[[node]]")) {
    if (std::optional<std::string> type = str(t, "type")) {
      info.type_ok = true;
      if (*type == "host") node.type = NodeType::Host;
      else if (*type == "router") node.type = NodeType::Router;
      else if (*type == "switch") node.type = NodeType::Switch;
      else {
        info.type_ok = false;
        error(at(*t.get("type")), "type must be host, router or switch, not '" + *type + "'" +
                                      did_you_mean(*type, {"host", "router", "switch"}));
      }
    }
  }
  if (info.type_ok && node.type == NodeType::Switch) {
    // A switch is layer 2 only: no addresses, so no gateway or routes; its ports come
    // from its links (p1, p2 …).
    std::string from = " from '" + node.name + "'";
    if (const toml::node* n = t.get("ifaces")) {
      error(at(*n), "a switch has no addresses: remove ifaces" + from + " (its ports p1, p2 … come from its links)");
    }
    if (const toml::node* n = t.get("gateway")) error(at(*n), "a switch has no gateway: remove gateway" + from);
    if (const toml::node* n = t.get("routes")) error(at(*n), "a switch has no routes: remove routes" + from);
    if (const toml::node* n = t.get("kernel")) error(at(*n), "only a host can be a real kernel (kernel = true), not a switch");
  } else {
    if (auto b = boolean(t, "kernel")) {
      // Live level 3 only: this host is realised by a real Linux network namespace.
      if (*b && info.type_ok && node.type != NodeType::Host)
        error(at(*t.get("kernel")), "only a host can be a real kernel (kernel = true), not a " +
                                        std::string(to_string(node.type)));
      node.kernel = *b;
    }
    const toml::node* ifaces = t.get("ifaces");
    if (ifaces) read_ifaces(*ifaces, node, info);
    if (info.type_ok && node.ifaces.empty() && (!ifaces || ifaces->is_table())) {
      error(ifaces ? at(*ifaces) : at(t), std::string("a ") + to_string(node.type) +
                                              " needs at least one interface, e.g. ifaces = { eth0 = \"192.168.1.10/24\" }");
    }
    if (t.contains("gateway")) read_gateway(t, node, info);
    if (const toml::node* n = t.get("routes")) {
      if (!n->is_array()) {
        wrong_type(*n, "routes", "an array of strings such as [\"10.0.0.0/8 via 192.168.1.2\"]");
      } else {
        for (const toml::node& r : *n->as_array()) read_route(r, node, info);
      }
    }
  }
  sc.nodes.push_back(std::move(node));
  node_info_.push_back(std::move(info));
}

void Loader::read_ifaces(const toml::node& n, NodeSpec& node, NodeInfo& info) {
  if (!n.is_table()) {
    wrong_type(n, "ifaces", "a table such as { eth0 = \"192.168.1.10/24\" }");
    return;
  }
  // toml++ keeps keys sorted; interfaces keep the order they were written in.
  std::vector<std::pair<const toml::key*, const toml::node*>> entries;
  for (auto&& [k, v] : *n.as_table()) entries.emplace_back(&k, &v);
  std::stable_sort(entries.begin(), entries.end(), [](const auto& x, const auto& y) {
    return x.first->source().begin < y.first->source().begin;
  });
  for (auto [k, v] : entries) {
    std::string name(k->str());
    if (!only_chars(name, "")) error(at(*k), "interface name '" + name + "' may only use a-z and 0-9");
    IfaceSpec spec{name, Prefix{}, pos_of(at(*v))};
    IfaceInfo ii{false, at(*v)};
    if (!v->is_string()) {
      wrong_type(*v, "interface " + name, "an address string such as \"192.168.1.10/24\"");
    } else {
      const std::string& text = v->as_string()->get();
      std::optional<Prefix> p = parse_prefix(text);
      if (!p) {
        if (parse_ipv4(text)) {
          error(at(*v), "interface address '" + text + "' needs a prefix length, e.g. " + text + "/24");
        } else {
          error(at(*v), "'" + text + "' is not an address with a prefix length (expected e.g. 192.168.1.10/24)");
        }
      } else if (std::string why = unusable_address(p->addr); !why.empty()) {
        error(at(*v), why);
      } else if (p->len == 0) {
        error(at(*v), "prefix length /0 would put the whole Internet on one link; use e.g. /24");
      } else if (p->len <= 30 && p->addr == p->network()) {
        error(at(*v), text + " is the network address of " + to_string(Prefix{p->network(), p->len}) +
                          ", not a host address");
      } else if (p->is_broadcast(p->addr)) {
        error(at(*v), text + " is the broadcast address of " + to_string(Prefix{p->network(), p->len}) +
                          ", not a host address");
      } else {
        spec.addr = *p;
        ii.addr_ok = true;
      }
    }
    node.ifaces.push_back(std::move(spec));
    info.ifaces.push_back(std::move(ii));
  }
}

// A host's default route. It must be reachable directly: on one of the node's own subnets.
void Loader::read_gateway(const toml::table& t, NodeSpec& node, const NodeInfo& info) {
  std::optional<std::string> text = str(t, "gateway");
  if (!text) return;
  Where w = at(*t.get("gateway"));
  std::optional<Ipv4> gw = parse_ipv4(*text);
  if (!gw) return error(w, "gateway '" + *text + "' is not an IPv4 address");
  node.gateway = *gw;
  if (!all_addresses_ok(node, info)) return;  // judged against wrong interfaces: reported already
  for (const IfaceSpec& i : node.ifaces) {
    if (i.addr.addr == *gw) {
      return error(w, "gateway " + *text + " is " + node.name + "'s own address (" + i.name + ")");
    }
  }
  for (const IfaceSpec& i : node.ifaces) {
    if (!i.addr.contains(*gw)) continue;
    std::string subnet = to_string(Prefix{i.addr.network(), i.addr.len});
    if (i.addr.len <= 30 && *gw == i.addr.network()) {
      return error(w, "gateway " + *text + " is the network address of " + subnet);
    }
    if (i.addr.is_broadcast(*gw)) {
      return error(w, "gateway " + *text + " is the broadcast address of " + subnet);
    }
    return;
  }
  error(w, "gateway " + *text + " is not on any of " + node.name + "'s subnets (" + ifaces_text(node) +
               "): a gateway must be reachable directly");
}

// "PREFIX via ADDR", "PREFIX dev IFACE", "PREFIX via ADDR dev IFACE"; PREFIX may be "default".
void Loader::read_route(const toml::node& n, NodeSpec& node, const NodeInfo& info) {
  if (!n.is_string()) return wrong_type(n, "each route", "a string such as \"10.0.0.0/8 via 192.168.1.2\"");
  const std::string& text = n.as_string()->get();
  struct Word { std::string_view s; size_t off; };
  std::vector<Word> words;
  for (size_t i = 0; i < text.size();) {
    if (text[i] == ' ' || text[i] == '\t') { ++i; continue; }
    size_t j = text.find_first_of(" \t", i);
    if (j == std::string::npos) j = text.size();
    words.push_back({std::string_view(text).substr(i, j - i), i});
    i = j;
  }
  auto err = [&](size_t off, std::string msg) { error(inside(n, text, off), std::move(msg)); };
  if (words.empty()) return err(0, "empty route (expected e.g. \"10.0.0.0/8 via 192.168.1.2\")");

  RouteSpec route;
  route.pos = pos_of(at(n));
  if (words[0].s == "default") {
    route.dst = Prefix{Ipv4(0), 0};
  } else {
    std::optional<Prefix> p = parse_prefix(words[0].s, 32);
    if (!p) {
      return err(0, "'" + std::string(words[0].s) +
                        "' is not a route destination (expected e.g. 10.0.0.0/8 or default)");
    }
    if (p->addr != p->network()) {
      return err(0, "route destination " + std::string(words[0].s) + " has host bits set (the network is " +
                        to_string(Prefix{p->network(), p->len}) + ")");
    }
    route.dst = *p;
  }
  size_t via_off = 0, dev_off = 0;
  for (size_t i = 1; i < words.size(); i += 2) {
    std::string_view w = words[i].s;
    if (w != "via" && w != "dev") {
      return err(words[i].off, "unexpected '" + std::string(w) + "' in route (expected 'via ADDR' or 'dev IFACE')" +
                                   (w == "gw" ? ": this is ip-route syntax, so 'via', not 'gw'" : ""));
    }
    if (i + 1 >= words.size()) {
      return err(words[i].off, "'" + std::string(w) + "' needs " + (w == "via" ? "an address" : "an interface name"));
    }
    const Word& arg = words[i + 1];
    if ((w == "via" && route.via) || (w == "dev" && route.dev)) {
      return err(words[i].off, "'" + std::string(w) + "' given twice");
    }
    if (w == "via") {
      std::optional<Ipv4> a = parse_ipv4(arg.s);
      if (!a) return err(arg.off, "'" + std::string(arg.s) + "' is not an IPv4 address");
      route.via = *a;
      via_off = arg.off;
    } else {
      route.dev = std::string(arg.s);
      dev_off = arg.off;
    }
  }
  if (!route.via && !route.dev) return err(0, "route needs 'via ADDR' or 'dev IFACE'");

  // Checks against the node's own interfaces (skipped when those are already wrong).
  bool ifaces_ok = all_addresses_ok(node, info);
  const IfaceSpec* dev = nullptr;
  if (route.dev) {
    for (const IfaceSpec& i : node.ifaces) {
      if (i.name == *route.dev) dev = &i;
    }
    if (!dev) {
      Words names;
      for (const IfaceSpec& i : node.ifaces) names.push_back(i.name);
      return err(dev_off, node.name + " has no interface '" + *route.dev + "'" + did_you_mean(*route.dev, names));
    }
  }
  if (route.via && ifaces_ok) {
    std::string via = to_string(*route.via);
    for (const IfaceSpec& i : node.ifaces) {
      if (i.addr.addr == *route.via) {
        return err(via_off, "via " + via + " is " + node.name + "'s own address (" + i.name + ")");
      }
    }
    if (dev && !dev->addr.contains(*route.via)) {
      return err(via_off, "via " + via + " is not on " + dev->name + "'s subnet " +
                              to_string(Prefix{dev->addr.network(), dev->addr.len}));
    }
    auto holds_via = [&](const IfaceSpec& i) { return i.addr.contains(*route.via); };
    if (std::none_of(node.ifaces.begin(), node.ifaces.end(), holds_via)) {
      return err(via_off, "via " + via + " is not on a connected subnet of " + node.name + " (" +
                              ifaces_text(node) + ")");
    }
  }
  node.routes.push_back(std::move(route));
}

// Two interfaces anywhere with one address: reported at the later one, naming the first.
void Loader::check_unique_addresses(const Scenario& sc) {
  struct Use { Ipv4 addr; Where where; std::string who; };
  std::vector<Use> uses;
  for (size_t n = 0; n < sc.nodes.size(); ++n) {
    for (size_t i = 0; i < sc.nodes[n].ifaces.size(); ++i) {
      if (!node_info_[n].ifaces[i].addr_ok) continue;
      uses.push_back({sc.nodes[n].ifaces[i].addr.addr, node_info_[n].ifaces[i].where,
                      sc.nodes[n].name + ":" + sc.nodes[n].ifaces[i].name});
    }
  }
  std::stable_sort(uses.begin(), uses.end(), [](const Use& a, const Use& b) {
    return std::pair(a.where.line, a.where.col) < std::pair(b.where.line, b.where.col);
  });
  std::map<Ipv4, const Use*> first;
  for (const Use& u : uses) {
    auto [it, fresh] = first.emplace(u.addr, &u);
    if (!fresh) error(u.where, "address " + to_string(u.addr) + " is already used by " + it->second->who);
  }
}

// ---- [[link]] -------------------------------------------------------------------------------

EndDraft Loader::read_end(const toml::table& t, std::string_view key) {
  EndDraft end;
  std::optional<std::string> text = str(t, key);
  if (!text) return end;
  end.where = at(*t.get(key));
  size_t colon = text->find(':');
  std::string name = text->substr(0, colon);
  if (colon != std::string::npos) {
    end.iface = text->substr(colon + 1);
    if (end.iface.empty()) {
      error(end.where, "'" + *text + "' has an empty interface name (write \"" + name + "\" or \"" + name + ":eth0\")");
      return end;
    }
  }
  end.node = lookup_node(name, end.where);
  return end;
}

void Loader::read_links(const std::vector<const toml::table*>& ts, Scenario& sc) {
  // Pass 1: read every link and check its named ends; pass 2: give switch ends that name
  // no port the lowest free pN, in link order (explicit ports are reserved first).
  struct Draft { EndDraft a, b; };
  std::vector<Draft> drafts;
  std::map<std::pair<int, std::string>, size_t> used;  // (node, iface or port) -> link index
  std::vector<std::set<int>> taken_ports(sc.nodes.size());

  auto end_name = [&](int node, const std::string& iface) { return sc.nodes[size_t(node)].name + ":" + iface; };
  for (const toml::table* t : ts) {
    check_keys(*t, kLinkKeys, "in [[link]]");
    LinkSpec link;
    link.pos = pos_of(at(*t));
    Draft d;
    if (require(*t, "a", "[[link]]")) d.a = read_end(*t, "a");
    if (require(*t, "b", "[[link]]")) d.b = read_end(*t, "b");
    if (auto v = duration(*t, "delay")) link.delay = *v;
    link.rate_bps = rate(*t, "rate");
    if (auto v = integer(*t, "queue", 1, 1'000'000)) link.queue = uint32_t(*v);
    if (auto v = probability(*t, "loss")) link.loss = *v;

    if (d.a.node >= 0 && d.a.node == d.b.node) {
      error(d.b.where, "a link cannot connect " + sc.nodes[size_t(d.a.node)].name + " to itself");
      d.b.node = -1;
    }
    for (EndDraft* e : {&d.a, &d.b}) {
      if (e->node < 0) continue;
      if (!node_info_[size_t(e->node)].type_ok) {  // reported at the node
        e->node = -1;
        continue;
      }
      const NodeSpec& node = sc.nodes[size_t(e->node)];
      if (node.type == NodeType::Switch) {
        if (e->iface.empty()) continue;  // a new port, pass 2
        const std::string& p = e->iface;
        bool port = p.size() >= 2 && p.size() <= 6 && p[0] == 'p' && p[1] != '0' &&
                    p.find_first_not_of("0123456789", 1) == std::string::npos;
        if (!port) {
          error(e->where, "switch ports are named p1, p2 …, not '" + p + "' (or write just \"" + node.name +
                              "\" for a new port)");
          e->node = -1;
          continue;
        }
        taken_ports[size_t(e->node)].insert(std::stoi(p.substr(1)));
      } else if (e->iface.empty()) {
        if (node.ifaces.size() == 1) {
          e->iface = node.ifaces[0].name;
        } else {
          if (node.ifaces.size() > 1) {
            std::vector<std::string> names;
            for (const IfaceSpec& i : node.ifaces) names.push_back(i.name);
            error(e->where, node.name + " has " + std::to_string(names.size()) + " interfaces (" + join(names, ", ") +
                                "): say which one, e.g. \"" + node.name + ":" + names[0] + "\"");
          }  // no interfaces at all: reported at the node
          e->node = -1;
          continue;
        }
      } else if (std::none_of(node.ifaces.begin(), node.ifaces.end(),
                              [&](const IfaceSpec& i) { return i.name == e->iface; })) {
        Words names;
        std::vector<std::string> list;
        for (const IfaceSpec& i : node.ifaces) names.push_back(i.name), list.push_back(i.name);
        std::string hint = did_you_mean(e->iface, names);
        if (hint.empty()) hint = list.empty() ? " (it has none)" : " (it has " + join(list, ", ") + ")";
        error(e->where, node.name + " has no interface '" + e->iface + "'" + hint);
        e->node = -1;
        continue;
      }
      auto [it, fresh] = used.emplace(std::pair(e->node, e->iface), sc.links.size());
      if (!fresh) {
        error(e->where, end_name(e->node, e->iface) + " is already connected by link " +
                            std::to_string(it->second + 1) + " (line " +
                            std::to_string(sc.links[it->second].pos.line) + ")");
      }
    }
    sc.links.push_back(std::move(link));
    drafts.push_back(std::move(d));
  }

  // Every port below a switch's next_port is taken, so the search starts there: a switch
  // with 10,000 links costs 10,000 steps, not 50 million.
  std::vector<int> next_port(sc.nodes.size(), 1);
  for (size_t l = 0; l < drafts.size(); ++l) {
    for (auto [e, out] : {std::pair(&drafts[l].a, &sc.links[l].a), std::pair(&drafts[l].b, &sc.links[l].b)}) {
      bool new_port = e->node >= 0 && e->iface.empty() && sc.nodes[size_t(e->node)].type == NodeType::Switch;
      if (new_port) {
        std::set<int>& taken = taken_ports[size_t(e->node)];
        int p = next_port[size_t(e->node)];
        while (taken.count(p)) ++p;
        taken.insert(p);
        next_port[size_t(e->node)] = p + 1;
        e->iface = "p" + std::to_string(p);
      }
      out->node = e->node;
      out->iface = e->iface;
    }
  }
}

// All host/router interfaces on one layer-2 segment (links joined through switches) must be
// on one subnet; those that disagree with the segment's subnet are reported at their address.
void Loader::check_segments(const Scenario& sc) {
  // Vertices: each switch is one, and so is each host/router interface.
  std::map<std::pair<int, std::string>, int> vertex;
  auto vertex_of = [&](const LinkEndSpec& e) {
    const NodeSpec& n = sc.nodes[size_t(e.node)];
    std::string key = n.type == NodeType::Switch ? std::string() : e.iface;
    return vertex.emplace(std::pair(e.node, key), int(vertex.size())).first->second;
  };
  std::vector<std::pair<int, int>> edges;
  for (const LinkSpec& l : sc.links) {
    if (l.a.node < 0 || l.b.node < 0) continue;
    edges.emplace_back(vertex_of(l.a), vertex_of(l.b));
  }
  std::vector<int> parent(vertex.size());
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](int v) {
    while (parent[size_t(v)] != v) v = parent[size_t(v)] = parent[size_t(parent[size_t(v)])];
    return v;
  };
  for (auto [a, b] : edges) parent[size_t(find(a))] = find(b);

  struct Member { int node; size_t iface; };
  std::map<int, std::vector<Member>> segments;
  for (auto& [key, v] : vertex) {
    auto& [node, iface] = key;
    if (iface.empty()) continue;  // a switch
    const NodeSpec& n = sc.nodes[size_t(node)];
    for (size_t i = 0; i < n.ifaces.size(); ++i) {
      if (n.ifaces[i].name == iface && node_info_[size_t(node)].ifaces[i].addr_ok) {
        segments[find(v)].push_back({node, i});
      }
    }
  }
  for (auto& [root, members] : segments) {
    auto where = [&](const Member& m) { return node_info_[size_t(m.node)].ifaces[m.iface].where; };
    std::sort(members.begin(), members.end(), [&](const Member& x, const Member& y) {
      return std::pair(where(x).line, where(x).col) < std::pair(where(y).line, where(y).col);
    });
    auto is_router = [&](const Member& m) { return sc.nodes[size_t(m.node)].type == NodeType::Router; };
    auto name = [&](const Member& m) {
      return sc.nodes[size_t(m.node)].name + ":" + sc.nodes[size_t(m.node)].ifaces[m.iface].name;
    };
    auto prefix = [&](const Member& m) { return sc.nodes[size_t(m.node)].ifaces[m.iface].addr; };
    auto subnet = [&](const Member& m) { return std::pair(prefix(m).network(), prefix(m).len); };
    // The segment's subnet: the most common one; ties go to a router's, then file order.
    std::map<std::pair<Ipv4, int>, int> count;
    for (const Member& m : members) ++count[subnet(m)];
    const Member* ref = nullptr;
    auto better = [&](const Member& m) {
      if (!ref) return true;
      int cm = count[subnet(m)], cr = count[subnet(*ref)];
      if (cm != cr) return cm > cr;
      return is_router(m) && !is_router(*ref);
    };
    for (const Member& m : members) {
      if (better(m)) ref = &m;
    }
    for (const Member& m : members) {
      if (subnet(m) == subnet(*ref)) continue;
      Prefix p = prefix(m), r = prefix(*ref);
      std::string subnet_text = to_string(Prefix{r.network(), r.len});
      std::string ref_text = " (" + name(*ref) + " is " + to_string(r) + ")";
      if (p.network() == r.network()) {
        error(where(m), to_string(p) + " (" + name(m) + ") has prefix length /" + std::to_string(p.len) +
                            " but its link reaches subnet " + subnet_text + ref_text);
      } else {
        error(where(m), to_string(p) + " (" + name(m) + ") is not in subnet " + subnet_text +
                            " that its link reaches" + ref_text);
      }
    }
  }
}

// ---- [[step]] and [[fault]] -----------------------------------------------------------------

void Loader::read_step(const toml::table& t, Scenario& sc) {
  check_keys(t, kStepKeys, "in [[step]]");
  StepSpec step;
  step.pos = pos_of(at(t));
  if (require(t, "at", "[[step]]")) {
    if (auto d = duration(t, "at")) step.at = *d;
  }
  if (require(t, "on", "[[step]]")) {
    step.node = node_ref(t, "on");
    if (step.node >= 0 && node_info_[size_t(step.node)].type_ok &&
        sc.nodes[size_t(step.node)].type == NodeType::Switch) {
      error(at(*t.get("on")), sc.nodes[size_t(step.node)].name + " is a switch: switches have no console");
    }
  }
  if (require(t, "cmd", "[[step]]")) {
    if (std::optional<std::string> cmd = str(t, "cmd")) {
      step.cmd_text = *cmd;
      step.pos = pos_of(at(*t.get("cmd")));  // later errors (running it) concern the command
      Result<Command> parsed = parse_command(*cmd);
      if (parsed) step.cmd = std::move(*parsed);
      else error(inside(*t.get("cmd"), *cmd, parsed.error().offset), parsed.error().message);
    }
  }
  if (auto s = str(t, "say")) step.say = *s;
  if (auto s = str(t, "say_zh")) step.say_zh = *s;
  if (auto b = boolean(t, "pause")) step.pause = *b;
  step.line = read_line(t, sc);
  sc.steps.push_back(std::move(step));
}

// `line = "NAME:N"` or `"NAME:N-M"`: lines of a [[program]] (1-based, within its code).
std::optional<ProgramLines> Loader::read_line(const toml::table& t, const Scenario& sc) {
  std::optional<std::string> text = str(t, "line");
  if (!text) return std::nullopt;
  const toml::node& n = *t.get("line");
  const std::string example = " (e.g. line = \"tcp_server.py:3\" or \"tcp_server.py:3-5\")";
  size_t colon = text->rfind(':');
  if (colon == std::string::npos) {
    error(at(n), "line must be PROGRAM:N or PROGRAM:N-M, not '" + *text + "'" + example);
    return std::nullopt;
  }
  std::string name = text->substr(0, colon);
  int program = sc.program_index(name);
  if (program < 0) {
    Words names;
    for (const ProgramSpec& p : sc.programs) names.push_back(p.name);
    std::string hint = did_you_mean(name, names);
    if (hint.empty()) {
      std::vector<std::string> list;
      for (const ProgramSpec& p : sc.programs) list.push_back(p.name);
      hint = list.empty() ? " (the scenario has no [[program]])" : " (programs: " + join(list, ", ") + ")";
    }
    error(at(n), "unknown program '" + name + "'" + hint);
    return std::nullopt;
  }
  // N or N-M, each a positive decimal number.
  std::string_view range = std::string_view(*text).substr(colon + 1);
  auto number = [](std::string_view d) -> int {
    if (d.empty() || d.size() > 6 || d.find_first_not_of("0123456789") != std::string_view::npos) return 0;
    return std::stoi(std::string(d));
  };
  size_t dash = range.find('-');
  int first = number(range.substr(0, dash));
  int last = dash == std::string_view::npos ? first : number(range.substr(dash + 1));
  if (first <= 0 || last <= 0) {
    error(inside(n, *text, colon + 1), "'" + std::string(range) + "' is not a line number or range N-M (lines count from 1)" + example);
    return std::nullopt;
  }
  if (last < first) {
    error(inside(n, *text, colon + 1), "line range " + std::string(range) + " ends before it starts");
    return std::nullopt;
  }
  int count = int(sc.programs[size_t(program)].lines().size());
  if (last > count) {
    error(inside(n, *text, colon + 1 + (first > count ? 0 : dash + 1)),
          name + " has " + std::to_string(count) + (count == 1 ? " line" : " lines") + ", so it has no line " +
              std::to_string(first > count ? first : last));
    return std::nullopt;
  }
  return ProgramLines{program, first, last};
}

// ---- chapter, [[question]] and [[program]] ---------------------------------------------------

void Loader::read_chapter(const toml::table& root, Scenario& sc) {
  std::optional<std::string> c = str(root, "chapter");
  if (!c) return;
  // ^[1-9][0-9]*\.[1-9][0-9]*$, each number small enough for an int.
  auto part = [](std::string_view d) -> int {
    if (d.empty() || d.size() > 6 || d[0] == '0' || d.find_first_not_of("0123456789") != std::string_view::npos) return 0;
    return std::stoi(std::string(d));
  };
  size_t dot = c->find('.');
  int major = dot == std::string::npos ? 0 : part(std::string_view(*c).substr(0, dot));
  int minor = dot == std::string::npos ? 0 : part(std::string_view(*c).substr(dot + 1));
  if (major <= 0 || minor <= 0) {
    error(at(*root.get("chapter")), "chapter must be \"M.N\" (course chapter M, N-th lesson in it; both from 1), "
                                    "e.g. chapter = \"7.3\", not \"" + *c + "\"");
    return;
  }
  sc.chapter = *c;
  sc.chapter_major = major;
  sc.chapter_minor = minor;
}

void Loader::read_question(const toml::table& t, Scenario& sc) {
  check_keys(t, kQuestionKeys, "in [[question]]");
  QuestionSpec q;
  q.pos = pos_of(at(t));
  if (require(t, "ask", "[[question]]")) {
    if (auto s = str(t, "ask")) q.ask = *s;
  }
  if (auto s = str(t, "ask_zh")) q.ask_zh = *s;
  if (require(t, "answer", "[[question]]")) {
    if (auto s = str(t, "answer")) q.answer = *s;
  }
  if (auto s = str(t, "answer_zh")) q.answer_zh = *s;
  sc.questions.push_back(std::move(q));
}

void Loader::read_program(const toml::table& t, Scenario& sc) {
  check_keys(t, kProgramKeys, "in [[program]]");
  ProgramSpec p;
  p.pos = pos_of(at(t));
  if (require(t, "name", "[[program]]")) {
    if (std::optional<std::string> name = str(t, "name")) {
      Where w = at(*t.get("name"));
      if (name->empty() || name->find_first_of(":\n") != std::string::npos) {
        error(w, "program name '" + *name + "' must not be empty or contain ':' (steps name its lines as NAME:N)");
      } else if (int other = sc.program_index(*name); other >= 0) {
        error(w, "program '" + *name + "' is already defined at line " +
                     std::to_string(sc.programs[size_t(other)].pos.line));
      }
      p.name = *name;
    }
  }
  if (t.contains("on")) {
    p.node = node_ref(t, "on");
    if (p.node >= 0 && node_info_[size_t(p.node)].type_ok && sc.nodes[size_t(p.node)].type == NodeType::Switch) {
      error(at(*t.get("on")), sc.nodes[size_t(p.node)].name + " is a switch: switches run no programs");
    }
  }
  if (require(t, "code", "[[program]]")) {
    if (auto s = str(t, "code")) p.code = *s;
  }
  sc.programs.push_back(std::move(p));
}

void Loader::read_fault(const toml::table& t, Scenario& sc) {
  check_keys(t, kFaultKeys, "in [[fault]]");
  FaultSpec fault;
  fault.pos = pos_of(at(t));
  if (require(t, "match", "[[fault]]")) {
    if (std::optional<std::string> text = str(t, "match")) {
      Result<Filter> parsed = parse_filter(*text);
      if (parsed) {
        fault.match = std::move(*parsed);
        if (fault.match.text.empty()) fault.match.text = *text;
      } else {
        error(inside(*t.get("match"), *text, parsed.error().offset), parsed.error().message);
      }
    }
  }
  std::optional<FaultAction> action;
  if (require(t, "action", "[[fault]]")) {
    if (std::optional<std::string> a = str(t, "action")) {
      if (*a == "drop") action = FaultAction::Drop;
      else if (*a == "delay") action = FaultAction::Delay;
      else if (*a == "duplicate") action = FaultAction::Duplicate;
      else if (*a == "corrupt") action = FaultAction::Corrupt;
      else {
        error(at(*t.get("action")), "action must be drop, delay, duplicate or corrupt, not '" + *a + "'" +
                                        did_you_mean(*a, {"drop", "delay", "duplicate", "corrupt"}));
      }
    }
  }
  if (auto v = integer(t, "nth", 1, UINT32_MAX)) fault.nth = uint32_t(*v);
  if (auto b = boolean(t, "every")) fault.every = *b;
  if (fault.every && t.contains("nth")) {
    error(at(*t.get("nth")), "nth and every = true cannot be used together: every matches all packets");
  }
  if (action) fault.action = *action;
  bool is_delay = action == FaultAction::Delay;
  if (const toml::node* d = t.get("delay")) {
    if (!action || is_delay) {
      if (auto v = duration(t, "delay")) fault.delay = *v;
    } else {
      error(at(*d), std::string("delay is only for action = \"delay\" (this fault's action is \"") +
                        to_string(*action) + "\")");
    }
  } else if (is_delay) {
    error(at(*t.get("action")), "action = \"delay\" needs a delay, e.g. delay = \"100ms\"");
  }
  if (t.contains("node")) fault.node = node_ref(t, "node");
  sc.faults.push_back(std::move(fault));
}

}  // namespace

// ---- entry points ---------------------------------------------------------------------------

LoadResult load_scenario_text(std::string_view text, const std::string& display_name,
                              const std::vector<std::string>& overrides) {
  LoadResult result;
  Loader loader(display_name);
  toml::table root;
  try {
    root = toml::parse(text, std::string_view(display_name));
  } catch (const toml::parse_error& e) {
    loader.syntax_error(e);
    result.errors = std::move(loader.errors);
    return result;
  }
  for (const std::string& spec : overrides) loader.apply_override(root, spec);
  Scenario sc = loader.read(root);
  result.errors = std::move(loader.errors);
  // In file order (--set errors, which have no line, first); ties keep discovery order.
  // A `link.KEY` override that is wrong for every link is said once, not once per link.
  std::vector<LoadError>& errors = result.errors;
  std::stable_sort(errors.begin(), errors.end(), [](const LoadError& a, const LoadError& b) {
    return std::pair(a.line, a.col) < std::pair(b.line, b.col);
  });
  errors.erase(std::unique(errors.begin(), errors.end(), [](const LoadError& a, const LoadError& b) {
                 return a.line == b.line && a.col == b.col && a.message == b.message;
               }),
               errors.end());
  if (result.errors.empty()) result.scenario = std::move(sc);
  return result;
}

LoadResult load_scenario_file(const std::string& path, const std::vector<std::string>& overrides) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  auto fail = [&](const char* what, int err) {
    return LoadResult{std::nullopt, {LoadError{path, 0, 0, std::string(what) + ": " + std::strerror(err)}}};
  };
  if (!f) return fail("cannot open", errno);
  std::string text;
  char buf[65536];
  size_t got = 0;
  while ((got = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, got);
  int read_errno = std::ferror(f) ? errno : 0;
  std::fclose(f);
  if (read_errno) return fail("cannot read", read_errno);
  LoadResult r = load_scenario_text(text, path, overrides);
  if (r.scenario) r.scenario->path = path;
  return r;
}

}  // namespace tcplab
