// The command-line contract (DESIGN.md "Command line", README "Command line"), checked by
// running the real tcplab executable (TCPLAB_BINARY) and looking at its stdout, stderr and
// exit code: 0 success, 1 runtime failure, 2 bad input.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "sim/scenario/scenario_loader.h"
#include "sim/wire/address.h"
#include "tests/scenario_runner.h"

extern char** environ;

namespace fs = std::filesystem;
using tcplab::scenario_testing::contains;
using tcplab::scenario_testing::show;
using tcplab::scenario_testing::split_lines;

namespace {

// ---- running the binary ------------------------------------------------------------------

struct Proc {
  int code = -1;  // exit status; 128 + signal when killed
  std::string out, err;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A directory of its own for this process, removed at exit.
const std::string& temp_dir() {
  static const std::string dir = [] {
    char tmpl[] = "/tmp/tcplab_cli_XXXXXX";
    if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    std::string d = tmpl;
    static struct Cleanup {
      std::string d;
      ~Cleanup() {
        std::error_code ec;
        fs::remove_all(d, ec);
      }
    } cleanup{d};
    return d;
  }();
  return dir;
}

// Runs tcplab with these arguments, exactly as given: posix_spawn passes them straight to
// the program (no shell, so nothing needs quoting). stdout and stderr go to files, so a
// large output cannot block the child; stdin is /dev/null. `cwd` empty: ours.
Proc tcplab_run(const std::vector<std::string>& args, const std::string& cwd = "") {
  static int counter = 0;
  const std::string base = temp_dir() + "/proc" + std::to_string(++counter);
  const std::string out_path = base + ".out", err_path = base + ".err";
  std::vector<std::string> argv_s = {TCPLAB_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, cwd.c_str());
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  Proc p;
  if (rc != 0) {
    p.err = std::string("posix_spawn failed: ") + std::strerror(rc);
    return p;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  p.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  p.out = slurp(out_path);
  p.err = slurp(err_path);
  fs::remove(out_path);
  fs::remove(err_path);
  return p;
}

std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = temp_dir() + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string scenario_path(const std::string& name) { return tcplab::scenario_testing::scenario_file(name); }

// ---- a small JSON reader: one flat object per line ---------------------------------------

struct Null {};
using JsonValue = std::variant<Null, bool, long long, double, std::string>;
using JsonObject = std::map<std::string, JsonValue>;

class FlatJson {
 public:
  explicit FlatJson(std::string_view s) : s_(s) {}
  // The object, or an error message; duplicate keys are an error.
  bool parse(JsonObject& obj, std::string& error) {
    try {
      ws();
      expect('{');
      ws();
      if (peek() == '}') {
        ++i_;
      } else {
        while (true) {
          ws();
          std::string key = string();
          ws();
          expect(':');
          ws();
          JsonValue v = value();
          if (!obj.emplace(key, std::move(v)).second) throw std::runtime_error("duplicate key " + key);
          ws();
          if (peek() == ',') {
            ++i_;
            continue;
          }
          expect('}');
          break;
        }
      }
      ws();
      if (i_ != s_.size()) throw std::runtime_error("trailing characters");
      return true;
    } catch (const std::exception& e) {
      error = std::string(e.what()) + " at offset " + std::to_string(i_);
      return false;
    }
  }

 private:
  char peek() const {
    if (i_ >= s_.size()) throw std::runtime_error("unexpected end");
    return s_[i_];
  }
  void expect(char c) {
    if (peek() != c) throw std::runtime_error(std::string("expected '") + c + "'");
    ++i_;
  }
  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
  }
  std::string string() {
    expect('"');
    std::string out;
    while (true) {
      const char c = peek();
      ++i_;
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) throw std::runtime_error("control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      const char e = peek();
      ++i_;
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u':
          for (int k = 0; k < 4; ++k) {
            if (!std::isxdigit(static_cast<unsigned char>(peek()))) throw std::runtime_error("bad \\u escape");
            ++i_;
          }
          out += '?';
          break;
        default: throw std::runtime_error("bad escape");
      }
    }
  }
  JsonValue value() {
    const char c = peek();
    if (c == '"') return string();
    if (s_.substr(i_, 4) == "true") return i_ += 4, JsonValue(true);
    if (s_.substr(i_, 5) == "false") return i_ += 5, JsonValue(false);
    if (s_.substr(i_, 4) == "null") return i_ += 4, JsonValue(Null{});
    const size_t start = i_;
    if (peek() == '-') ++i_;
    if (!std::isdigit(static_cast<unsigned char>(peek()))) throw std::runtime_error("expected a value");
    if (peek() == '0' && i_ + 1 < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_ + 1])))
      throw std::runtime_error("leading zero");
    bool fractional = false;
    while (i_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '.' || s_[i_] == 'e' ||
                              s_[i_] == 'E' || s_[i_] == '+' || s_[i_] == '-')) {
      fractional = fractional || !std::isdigit(static_cast<unsigned char>(s_[i_]));
      ++i_;
    }
    const std::string num(s_.substr(start, i_ - start));
    if (fractional) return std::stod(num);
    return std::stoll(num);
  }

  std::string_view s_;
  size_t i_ = 0;
};

bool is_int(const JsonObject& o, const std::string& k) {
  auto it = o.find(k);
  return it != o.end() && std::holds_alternative<long long>(it->second);
}
bool is_str(const JsonObject& o, const std::string& k) {
  auto it = o.find(k);
  return it != o.end() && std::holds_alternative<std::string>(it->second);
}
long long int_of(const JsonObject& o, const std::string& k) { return std::get<long long>(o.at(k)); }
std::string str_of(const JsonObject& o, const std::string& k) { return std::get<std::string>(o.at(k)); }

// What DESIGN.md "Trace events" requires of one event; empty when it is all there.
std::vector<std::string> missing_fields(const JsonObject& o) {
  std::vector<std::string> bad;
  auto need_int = [&](const char* k) {
    if (!is_int(o, k)) bad.push_back(std::string(k) + " (integer)");
  };
  auto need_str = [&](const char* k) {
    if (!is_str(o, k)) bad.push_back(std::string(k) + " (string)");
  };
  need_int("t_ns");
  need_str("ev");
  if (!is_str(o, "ev")) return bad;
  const std::string ev = str_of(o, "ev");
  if (ev == "tx" || ev == "rx" || ev == "drop") {
    need_int("id");
    need_str("node");
    need_str("link");
    need_int("len");
    need_str("src");
    need_str("dst");
    need_str("proto");
    for (const char* k : {"src", "dst"})
      if (is_str(o, k) && !tcplab::parse_ipv4(str_of(o, k))) bad.push_back(std::string(k) + " (an IPv4 address)");
    const std::string proto = is_str(o, "proto") ? str_of(o, "proto") : "";
    if (proto == "udp") {
      for (const char* k : {"sport", "dport", "plen"}) need_int(k);
    } else if (proto == "icmp") {
      for (const char* k : {"type", "code"}) need_int(k);
    } else if (proto == "tcp") {
      for (const char* k : {"sport", "dport", "seq", "ack", "rseq", "rack", "win", "plen"}) need_int(k);
      need_str("flags");
    } else if (proto != "arp") {
      bad.push_back("proto (tcp|udp|icmp|arp, not '" + proto + "')");
    }
    if (ev == "drop") {
      static const std::set<std::string> whys = {"loss", "fault", "queue", "ttl", "noroute",
                                                 "noarp", "closed", "checksum", "otherhost", "backlog"};
      if (!is_str(o, "why") || !whys.count(str_of(o, "why"))) bad.push_back("why (one of DESIGN.md's reasons)");
    }
  } else if (ev == "app") {
    need_str("node");
    need_str("text");
    if (o.count("sock") && !is_str(o, "sock")) bad.push_back("sock (string)");
  } else if (ev == "state" || ev == "timer" || ev == "cc") {
    need_str("node");
    need_str("sock");
  } else {
    bad.push_back("ev (unknown kind '" + ev + "')");
  }
  return bad;
}

std::vector<JsonObject> parse_jsonl(const std::string& text) {
  std::vector<JsonObject> out;
  for (const std::string& l : split_lines(text)) {
    JsonObject o;
    std::string error;
    INFO("line: ", l);
    CHECK_MESSAGE(FlatJson(l).parse(o, error), error);
    out.push_back(std::move(o));
  }
  return out;
}

// The first UDP packet's source port in a JSONL trace (an ephemeral port), or -1.
long long first_udp_sport(const std::vector<JsonObject>& events, const std::string& node) {
  for (const JsonObject& o : events)
    if (is_str(o, "ev") && str_of(o, "ev") == "tx" && is_str(o, "proto") && str_of(o, "proto") == "udp" &&
        str_of(o, "node") == node)
      return int_of(o, "sport");
  return -1;
}

// Records in a pcap file (classic format, little-endian, as PcapWriter writes it).
long pcap_records(const std::string& bytes) {
  if (bytes.size() < 24) return -1;
  long n = 0;
  size_t at = 24;
  while (at + 16 <= bytes.size()) {
    const auto u8 = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])); };
    const uint32_t incl = u8(at + 8) | u8(at + 9) << 8 | u8(at + 10) << 16 | u8(at + 11) << 24;
    at += 16 + incl;
    ++n;
  }
  return at == bytes.size() ? n : -1;
}

}  // namespace

// =======================================================================================
TEST_SUITE("cli: top level") {
  TEST_CASE("--help lists the subcommands and exits 0") {
    const Proc p = tcplab_run({"--help"});
    CAPTURE(p.err);
    CHECK(p.code == 0);
    CHECK(contains(p.out, "tcplab run SCENARIO"));
    CHECK(contains(p.out, "tcplab check FILE"));
    CHECK(contains(p.out, "tcplab list"));
    for (const char* opt : {"--until", "--seed", "--format", "--out", "--pcap", "--set", "--stats"}) {
      CAPTURE(opt);
      CHECK(contains(p.out, opt));
    }
    CHECK(p.err.empty());
  }

  TEST_CASE("--version prints the version and exits 0") {
    const Proc p = tcplab_run({"--version"});
    CHECK(p.code == 0);
    CHECK(p.out == std::string("tcplab ") + TCPLAB_VERSION + "\n");
    CHECK(p.err.empty());
  }

  TEST_CASE("an unknown top-level flag is bad input and is named") {
    const Proc p = tcplab_run({"--frobnicate"});
    CHECK(p.code == 2);
    CHECK(contains(p.err, "'--frobnicate'"));
    CHECK(p.out.empty());
  }

  TEST_CASE("an unknown command is bad input") {
    const Proc p = tcplab_run({"nosuchthing"});
    CHECK(p.code == 2);
    CHECK(contains(p.err, "'nosuchthing'"));
    CHECK(p.out.empty());
  }

  TEST_CASE("bare tcplab without a display says so and points to tcplab run") {
    // No X or Wayland display: the GUI cannot open, and the message says what to do.
    const std::string display = std::getenv("DISPLAY") ? std::getenv("DISPLAY") : "";
    const std::string wayland = std::getenv("WAYLAND_DISPLAY") ? std::getenv("WAYLAND_DISPLAY") : "";
    ::unsetenv("DISPLAY");
    ::unsetenv("WAYLAND_DISPLAY");
    const Proc p = tcplab_run({});
    if (!display.empty()) ::setenv("DISPLAY", display.c_str(), 1);
    if (!wayland.empty()) ::setenv("WAYLAND_DISPLAY", wayland.c_str(), 1);
    CHECK(p.code == 1);
    CHECK(contains(p.err, "no display"));
    CHECK(contains(p.err, "tcplab run handshake"));
  }
  TEST_CASE("a GUI option that does not exist is refused before any window opens") {
    const Proc p = tcplab_run({"handshake", "--presnt"});
    CHECK(p.code == 2);
    CHECK(contains(p.err, "unknown option '--presnt'"));
    CHECK(contains(p.err, "did you mean '--present'"));
  }
}

// =======================================================================================
TEST_SUITE("cli: run, bad input") {
  TEST_CASE("an unknown option suggests the right one") {
    const Proc p = tcplab_run({"run", "udp-echo", "--untill", "5ms"});
    CHECK(p.code == 2);
    CHECK(contains(p.err, "'--untill'"));
    CHECK(contains(p.err, "did you mean '--until'"));
    CHECK(p.out.empty());
  }

  TEST_CASE("a missing or unknown scenario") {
    Proc p = tcplab_run({"run"});
    CHECK(p.code == 2);
    CHECK(!p.err.empty());
    CHECK(p.out.empty());
    p = tcplab_run({"run", "no-such-lesson"});
    CHECK(p.code == 2);
    CHECK(contains(p.err, "'no-such-lesson'"));
    CHECK(p.out.empty());
    p = tcplab_run({"run", "--format", "jsonl"});
    CHECK(p.code == 2);
    CHECK(p.out.empty());
  }

  TEST_CASE("two scenarios at once are bad input") {
    const Proc p = tcplab_run({"run", "udp-echo", "arp"});
    CHECK(p.code == 2);
    CHECK(contains(p.err, "'arp'"));
    CHECK(p.out.empty());
  }

  TEST_CASE("a bad --format") {
    const Proc p = tcplab_run({"run", "udp-echo", "--format", "xml"});
    CHECK(p.code == 2);
    CHECK(contains(p.err, "'xml'"));
    CHECK(p.out.empty());
  }

  TEST_CASE("--format none prints nothing - the same run as any other format - and --pcap still gets every packet") {
    // The world does not record its trace then (issue 6: the simulation alone, measured by
    // --stats), but what happens is the same: as many events, the same packets.
    auto executed = [](const std::string& err) {
      const size_t at = err.find("events executed: ");
      return at == std::string::npos ? std::string() : err.substr(at + 17, err.find('\n', at) - at - 17);
    };
    const Proc none = tcplab_run({"run", "lost-data", "--format", "none", "--stats"});
    CHECK(none.code == 0);
    CHECK(none.out.empty());
    const Proc table = tcplab_run({"run", "lost-data", "--format", "table", "--stats"});
    CHECK(table.code == 0);
    CHECK(!executed(none.err).empty());
    CHECK(executed(none.err) == executed(table.err));

    const std::string a = temp_dir() + "/none.pcap", b = temp_dir() + "/jsonl.pcap";
    CHECK(tcplab_run({"run", "lost-data", "--format", "none", "--pcap", a}).code == 0);
    CHECK(tcplab_run({"run", "lost-data", "--format", "jsonl", "--pcap", b}).code == 0);
    CHECK(pcap_records(slurp(a)) > 10);
    CHECK(slurp(a) == slurp(b));
  }

  TEST_CASE("a bad --until") {
    for (const char* v : {"5parsecs", "abc", "-5ms", ""}) {
      CAPTURE(v);
      const Proc p = tcplab_run({"run", "udp-echo", "--until", v});
      CHECK(p.code == 2);
      CHECK(!p.err.empty());
      CHECK(p.out.empty());
    }
    const Proc p = tcplab_run({"run", "udp-echo", "--until"});  // no value at all
    CHECK(p.code == 2);
    CHECK(contains(p.err, "--until"));
  }

  TEST_CASE("a bad --seed") {
    for (const char* v : {"-3", "abc", "1.5", "", "99999999999999999999999"}) {
      CAPTURE(v);
      const Proc p = tcplab_run({"run", "udp-echo", "--seed", v});
      CHECK(p.code == 2);
      CHECK(contains(p.err, "--seed"));
      CHECK(p.out.empty());
    }
  }

  TEST_CASE("--set without '='") {
    const Proc p = tcplab_run({"run", "udp-echo", "--set", "link.loss"});
    CHECK(p.code == 2);
    CHECK(contains(p.err, "KEY=VALUE"));
    CHECK(p.out.empty());
  }

  TEST_CASE("--set of an unknown key or a bad value is reported against the scenario file") {
    const std::string file = scenario_path("udp-echo");
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"link.bogus=1", "'bogus'"},   {"link.loss=abc", "loss"}, {"link.loss=1.5", "loss"},
        {"seed=x", "seed"},            {"duration=5parsecs", "parsecs"}, {"link.7.delay=1ms", "7"},
        {"nonsense=1", "'nonsense'"},  {"link.delay=fast", "fast"},
    };
    for (const auto& [set, mention] : cases) {
      CAPTURE(set);
      const Proc p = tcplab_run({"run", "udp-echo", "--set", set});
      CAPTURE(p.err);
      CHECK(p.code == 2);
      CHECK(p.err.starts_with(file + ": "));  // FILE: message (no line: it came from the command line)
      CHECK(contains(p.err, set));
      CHECK(contains(p.err, mention));
      CHECK(p.out.empty());
    }
  }

  TEST_CASE("--set takes effect: a slower link moves every arrival") {
    const Proc p = tcplab_run({"run", "udp-echo", "--format", "jsonl", "--set", "link.delay=5ms"});
    REQUIRE(p.code == 0);
    const auto ev = parse_jsonl(p.out);
    // The ARP request leaves the client at 11 ms and reaches the switch 5 ms later.
    bool seen = false;
    for (const auto& o : ev)
      if (str_of(o, "ev") == "rx" && int_of(o, "id") == 1 && str_of(o, "node") == "sw1") {
        CHECK(int_of(o, "t_ns") == 16'000'000);
        seen = true;
      }
    CHECK(seen);
  }
}

// =======================================================================================
TEST_SUITE("cli: run") {
  TEST_CASE("a scenario is a built-in name or a path, relative or absolute") {
    const Proc by_name = tcplab_run({"run", "udp-echo", "--format", "jsonl"});
    REQUIRE(by_name.code == 0);
    CHECK(!by_name.out.empty());
    const Proc by_path = tcplab_run({"run", scenario_path("udp-echo"), "--format", "jsonl"});
    CHECK(by_path.code == 0);
    CHECK(by_path.out == by_name.out);
    const Proc relative = tcplab_run({"run", "scenarios/udp-echo.toml", "--format", "jsonl"}, TCPLAB_SOURCE_DIR);
    CHECK(relative.code == 0);
    CHECK(relative.out == by_name.out);
    // A file of one's own, under a name that is not built in (and with a space in its path).
    const std::string mine = write_temp("my lesson.toml", slurp(scenario_path("udp-echo")));
    const Proc own = tcplab_run({"run", mine, "--format", "jsonl"});
    CHECK(own.code == 0);
    CHECK(own.out == by_name.out);
  }

  TEST_CASE("every format prints something - the ladder and table have their headers") {
    const Proc ladder = tcplab_run({"run", "udp-echo"});
    CHECK(ladder.code == 0);
    CHECK(ladder.out.starts_with("UDP server and client: recvfrom(5) (seed 1)"));
    const Proc table = tcplab_run({"run", "udp-echo", "--format", "table"});
    CHECK(table.code == 0);
    CHECK(table.out.starts_with("   time ms  node"));
    CHECK(contains(table.out, "howar"));
  }

  TEST_CASE("--out writes the trace to the file and nothing to stdout") {
    const Proc ref = tcplab_run({"run", "arp", "--format", "jsonl"});
    REQUIRE(ref.code == 0);
    const std::string path = temp_dir() + "/out.jsonl";
    const Proc p = tcplab_run({"run", "arp", "--format", "jsonl", "--out", path});
    CHECK(p.code == 0);
    CHECK(p.out.empty());
    CHECK(p.err.empty());
    CHECK(slurp(path) == ref.out);
    const Proc bad = tcplab_run({"run", "arp", "--out", "/nonexistent-dir/x.txt"});
    CHECK(bad.code == 1);
    CHECK(contains(bad.err, "/nonexistent-dir/x.txt"));
    const Proc dir = tcplab_run({"run", "arp", "--out", temp_dir()});  // a directory is not writable as a file
    CHECK(dir.code == 1);
    CHECK(contains(dir.err, temp_dir()));
  }

  TEST_CASE("--pcap writes one record per tx - an unwritable path is a runtime failure") {
    const std::string path = temp_dir() + "/run.pcap";
    const Proc p = tcplab_run({"run", "traceroute", "--format", "jsonl", "--pcap", path});
    REQUIRE(p.code == 0);
    const std::string bytes = slurp(path);
    REQUIRE(bytes.size() >= 24);
    CHECK(bytes.substr(0, 4) == std::string("\x4d\x3c\xb2\xa1", 4));  // nanosecond pcap, little-endian
    long tx = 0;
    for (const auto& o : parse_jsonl(p.out)) tx += str_of(o, "ev") == "tx";
    CHECK(tx > 0);
    CHECK(pcap_records(bytes) == tx);

    const Proc bad = tcplab_run({"run", "traceroute", "--pcap", "/nonexistent-dir/x.pcap"});
    CHECK(bad.code == 1);
    CHECK(contains(bad.err, "cannot write pcap '/nonexistent-dir/x.pcap'"));
    CHECK(bad.out.empty());  // nothing is simulated when the pcap cannot be written
  }

  TEST_CASE("--stats prints five lines on stderr") {
    const Proc p = tcplab_run({"run", "udp-echo", "--format", "jsonl", "--stats"});
    REQUIRE(p.code == 0);
    CHECK(!p.out.empty());
    const auto l = split_lines(p.err);
    CAPTURE(p.err);
    REQUIRE(l.size() == 5);
    const char* labels[] = {"events executed:", "simulated time:", "wall time:", "events/s:", "peak memory:"};
    for (size_t i = 0; i < 5; ++i) CHECK(l[i].starts_with(labels[i]));
    const std::string events = tcplab::scenario_testing::trim(l[0].substr(16));
    CHECK(!events.empty());
    CHECK(events.find_first_not_of("0123456789") == std::string::npos);
    CHECK(events != "0");
    CHECK(tcplab::scenario_testing::trim(l[1].substr(15)) == "1s");  // the scenario's duration
    CHECK(l[2].ends_with(" s"));
    CHECK(l[4].ends_with(" MiB"));
  }

  TEST_CASE("--until 15ms stops early: a prefix of the full run, nothing after 15 ms") {
    const Proc full = tcplab_run({"run", "udp-echo", "--format", "jsonl"});
    const Proc early = tcplab_run({"run", "udp-echo", "--format", "jsonl", "--until", "15ms"});
    REQUIRE(full.code == 0);
    REQUIRE(early.code == 0);
    const auto ev = parse_jsonl(early.out);
    REQUIRE(!ev.empty());
    for (const auto& o : ev) CHECK(int_of(o, "t_ns") <= 15'000'000);
    CHECK(early.out.size() < full.out.size());
    CHECK(full.out.starts_with(early.out));
    // It stopped at 15 ms, not before: the client had sent by then.
    CHECK(int_of(ev.back(), "t_ns") > 11'000'000);
  }

  TEST_CASE("--seed changes the ephemeral ports, and the run still succeeds") {
    const Proc one = tcplab_run({"run", "udp-echo", "--format", "jsonl"});
    const Proc seven = tcplab_run({"run", "udp-echo", "--format", "jsonl", "--seed", "7"});
    const Proc seven_again = tcplab_run({"run", "udp-echo", "--format", "jsonl", "--seed", "7"});
    REQUIRE(one.code == 0);
    REQUIRE(seven.code == 0);
    CHECK(seven.out == seven_again.out);
    const long long p1 = first_udp_sport(parse_jsonl(one.out), "client");
    const long long p7 = first_udp_sport(parse_jsonl(seven.out), "client");
    CHECK(p1 != p7);
    CHECK(p7 >= 32768);
    CHECK(p7 <= 60999);
    CHECK(contains(seven.out, "5 bytes \\\"howar\\\" from 192.168.1.10:" + std::to_string(p7) + " [truncated"));
  }

  TEST_CASE("JSON Lines: every line is an object with DESIGN.md's fields, in time order") {
    for (const std::string& name : tcplab::scenario_testing::builtin_scenarios()) {
      CAPTURE(name);
      const Proc p = tcplab_run({"run", name, "--format", "jsonl"});
      REQUIRE(p.code == 0);
      CHECK(p.err.empty());
      CHECK(p.out.ends_with("\n"));
      const auto ev = parse_jsonl(p.out);
      CHECK(ev.size() > 0);
      long long last_t = 0;
      std::map<std::string, int> kinds;
      for (const auto& o : ev) {
        const auto bad = missing_fields(o);
        CAPTURE(show(bad));
        CHECK(bad.empty());
        if (!is_int(o, "t_ns")) continue;
        CHECK(int_of(o, "t_ns") >= last_t);
        last_t = int_of(o, "t_ns");
        ++kinds[str_of(o, "ev")];
      }
      CHECK(kinds["tx"] > 0);
      CHECK(kinds["rx"] > 0);
      CHECK(kinds["app"] > 0);
    }
  }

  TEST_CASE("the parser under the JSON Lines check rejects what is not JSON") {
    JsonObject o;
    std::string e;
    CHECK(FlatJson(R"({"t_ns":1,"ev":"app","node":"a","text":"x\"y"})").parse(o, e));
    for (const char* bad : {R"({"t_ns":1,})", R"({t_ns:1})", R"({"a":01})", R"({"a":"x)", R"({"a":1}x)",
                            R"({"a":1,"a":2})", "{\"a\":\"\x01\"}"}) {
      JsonObject x;
      CAPTURE(show(bad));
      CHECK_FALSE(FlatJson(bad).parse(x, e));
    }
    JsonObject drop;
    REQUIRE(FlatJson(R"({"t_ns":1,"ev":"drop","id":1,"node":"a","link":"l","len":60,"src":"1.2.3.4","dst":"1.2.3.5","proto":"udp","sport":1,"dport":2,"plen":0})")
                .parse(drop, e));
    CHECK(show(missing_fields(drop)) == show(std::vector<std::string>{"why (one of DESIGN.md's reasons)"}));
  }
}

// =======================================================================================
TEST_SUITE("cli: check and list") {
  TEST_CASE("every built-in scenario checks ok") {
    std::vector<std::string> args = {"check"};
    for (const std::string& name : tcplab::scenario_testing::builtin_scenarios()) args.push_back(scenario_path(name));
    REQUIRE(args.size() > 1);
    const Proc p = tcplab_run(args);
    CAPTURE(p.err);
    CHECK(p.code == 0);
    CHECK(p.err.empty());
    const auto l = split_lines(p.out);
    REQUIRE(l.size() == args.size() - 1);
    for (size_t i = 0; i < l.size(); ++i) CHECK(l[i] == args[i + 1] + ": ok");
  }

  TEST_CASE("a file with many mistakes: all reported at once as FILE:LINE:COL: message") {
    const std::string path = write_temp("bad.toml", R"(title = "Bad"
duration = "3parsecs"

[[node]]
name = "client"
type = "host"
ifaces = { eth0 = "192.168.1.300/24" }
colour = "red"

[[node]]
name = "client"
type = "host"
ifaces = { eth0 = "192.168.1.20/24" }

[[link]]
a = "client"
b = "nobody"
rate = "10Mbpx"

[[step]]
at = "0ms"
on = "client"
cmd = "pingg 1.2.3.4"
)");
    const Proc p = tcplab_run({"check", path});
    CAPTURE(p.err);
    CHECK(p.code == 2);
    CHECK(!contains(p.out, ": ok"));
    const auto lines = split_lines(p.err);
    // Every line is FILE:LINE:COL: message.
    for (const std::string& l : lines) {
      CAPTURE(l);
      REQUIRE(l.starts_with(path + ":"));
      const auto parts = tcplab::scenario_testing::split(l.substr(path.size() + 1), ':');
      REQUIRE(parts.size() >= 3);
      CHECK(!parts[0].empty());
      CHECK(parts[0].find_first_not_of("0123456789") == std::string::npos);
      CHECK(!parts[1].empty());
      CHECK(parts[1].find_first_not_of("0123456789") == std::string::npos);
      CHECK(parts[2].starts_with(" "));
    }
    // Each mistake at its place (line:col of the offending key or value) and named.
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"2:12", "parsecs"},        // bad duration
        {"7:19", "192.168.1.300"},  // malformed address
        {"8:1", "colour"},          // unknown key
        {"11:8", "client"},         // duplicate name
        {"17:5", "nobody"},         // unknown node
        {"18:8", "Mbpx"},           // bad rate
        {"23:8", "pingg"},          // a command that does not parse
    };
    for (const auto& [where, what] : expected) {
      CAPTURE(where);
      size_t hits = 0;
      for (const std::string& l : lines)
        if (l.starts_with(path + ":" + where + ": ") && contains(l, what)) ++hits;
      CHECK(hits == 1);
    }
    CHECK(lines.size() == expected.size());
  }

  TEST_CASE("the README's other promised checks: gateway, duplicate address, subnet, interface, filter, command") {
    const std::string path = write_temp("bad2.toml", R"(title = "Bad 2"

[[node]]
name = "a"
type = "host"
ifaces = { eth0 = "192.168.1.10/24" }
gateway = "10.9.9.9"

[[node]]
name = "b"
type = "host"
ifaces = { eth0 = "192.168.1.10/24" }

[[node]]
name = "c"
type = "host"
ifaces = { eth0 = "172.16.0.1/24" }

[[node]]
name = "sw"
type = "switch"

[[link]]
a = "a:eth0"
b = "sw"

[[link]]
a = "b:eth7"
b = "sw"

[[link]]
a = "c"
b = "sw"

[[fault]]
match = "udp.port == == 3"
action = "drop"
nth = 1

[[step]]
at = "0ms"
on = "a"
cmd = "ping"
)");
    const Proc p = tcplab_run({"check", path});
    CAPTURE(p.err);
    CHECK(p.code == 2);
    const auto lines = split_lines(p.err);
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"7:11", "10.9.9.9"},       // a gateway not on any of the host's subnets
        {"12:19", "192.168.1.10"},  // the same address twice
        {"17:19", "172.16.0.1/24"}, // an address outside the subnet its link reaches
        {"28:5", "'eth7'"},         // no such interface
        {"36:22", "=="},            // a filter that does not parse, at the offending token
        {"43:", "ping"},            // a command that does not parse
    };
    for (const auto& [where, what] : expected) {
      CAPTURE(where);
      size_t hits = 0;
      for (const std::string& l : lines)
        if (l.starts_with(path + ":" + where) && contains(l, what)) ++hits;
      CHECK(hits == 1);
    }
    CHECK(lines.size() == expected.size());
  }

  TEST_CASE("TOML syntax errors, missing files and no files at all are bad input") {
    const std::string syntax = write_temp("syntax.toml", "title = \"x\"\n[[node]\nname = 1\n");
    Proc p = tcplab_run({"check", syntax});
    CHECK(p.code == 2);
    CHECK(p.err.starts_with(syntax + ":2:"));
    const std::string good = scenario_path("arp");
    p = tcplab_run({"check", good, syntax});  // one good, one bad: still reports both, fails
    CHECK(p.code == 2);
    CHECK(p.out == good + ": ok\n");
    CHECK(p.err.starts_with(syntax + ":2:"));
    const std::string missing = temp_dir() + "/does-not-exist.toml";
    p = tcplab_run({"check", missing});
    CHECK(p.code == 2);
    CHECK(p.err.starts_with(missing + ": "));
    p = tcplab_run({"check"});
    CHECK(p.code == 2);
    CHECK(!p.err.empty());
    const std::string no_title = write_temp("no-title.toml", "seed = 1\n");
    p = tcplab_run({"check", no_title});
    CHECK(p.code == 2);
    CHECK(contains(p.err, "title"));
  }

  TEST_CASE("list prints the built-in scenarios grouped by chapter with their titles") {
    const Proc p = tcplab_run({"list"});
    CHECK(p.code == 0);
    CHECK(p.err.empty());
    const auto names = tcplab::scenario_testing::builtin_scenarios();
    const auto l = split_lines(p.out);
    // Heading lines start with a chapter number (or are "Other"); a scenario's line is
    // "  NAME  [M.N]  TITLE", so its first word is still its name.
    std::vector<std::string> listed;
    int last_major = 0;
    for (const std::string& line : l) {
      CAPTURE(line);
      if (!line.starts_with("  ")) {
        REQUIRE(!line.empty());
        CHECK((line == "Other" || (line[0] >= '1' && line[0] <= '9')));
        continue;
      }
      const std::string rest = line.substr(2);
      const std::string name = rest.substr(0, rest.find(' '));
      listed.push_back(name);
      const tcplab::LoadResult lr = tcplab::load_scenario_file(scenario_path(name));
      REQUIRE(lr.scenario.has_value());
      std::string after = tcplab::scenario_testing::trim(rest.substr(name.size()));
      if (!lr.scenario->chapter.empty()) {
        CHECK(after.starts_with(lr.scenario->chapter + " "));
        after = tcplab::scenario_testing::trim(after.substr(lr.scenario->chapter.size()));
        CHECK(lr.scenario->chapter_major >= last_major);  // in course order
        last_major = lr.scenario->chapter_major;
      }
      CHECK(after == lr.scenario->title);
    }
    std::sort(listed.begin(), listed.end());
    CHECK(listed == names);
  }

  TEST_CASE("list --lang zh prints Chinese titles and refuses other languages") {
    Proc p = tcplab_run({"list", "--lang", "zh"});
    CHECK(p.code == 0);
    CHECK(contains(p.out, "三次握手"));
    p = tcplab_run({"list", "--lang", "fr"});
    CHECK(p.code == 2);
    CHECK(contains(p.err, "--lang must be en or zh"));
    p = tcplab_run({"list", "extra"});
    CHECK(p.code == 2);
  }

}
