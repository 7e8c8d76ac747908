// The command line of `tcplab live connect|listen|udp` (talk.h): options into the
// structs of talk_internal.h, checked (loopback only unless --allow-remote), then run.
#include "sim/live/talk.h"

#include <netdb.h>
#include <sys/socket.h>

#include <cstring>
#include <optional>

#include "sim/core/edit_distance.h"
#include "sim/live/netns.h"
#include "sim/live/talk_internal.h"

namespace tcplab::live {
namespace {

using namespace talk;

// Reports bad input the way `tcplab run` does: "tcplab live connect: …", exit code 2.
struct Complaint {
  std::string command;
  std::ostream& err;
  int operator()(const std::string& msg) const {
    err << command << ": " << msg << "\nTry 'tcplab live --help'.\n";
    return 2;
  }
};

// A count such as --recv N or --bufsize N: 1 … 16 MiB.
std::optional<uint32_t> parse_count(const std::string& text) {
  if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  const unsigned long v = std::stoul(text);
  if (v == 0 || v > (16u << 20)) return std::nullopt;
  return static_cast<uint32_t>(v);
}

std::optional<uint16_t> parse_port(const std::string& text, bool zero_ok) {
  if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  const unsigned long v = std::stoul(text);
  if (v > 65535 || (v == 0 && !zero_ok)) return std::nullopt;
  return static_cast<uint16_t>(v);
}

// "127.0.0.1:2000", "localhost:2000" or "name:2000" (an IPv4 address of the name).
std::optional<Endpoint> parse_host_port(const std::string& text, std::string& why) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    why = "expected HOST:PORT, e.g. 127.0.0.1:2000, not '" + text + "'";
    return std::nullopt;
  }
  const std::string host = text.substr(0, colon);
  const auto port = parse_port(text.substr(colon + 1), false);
  if (!port) {
    why = "bad port '" + text.substr(colon + 1) + "' in '" + text + "' (expected 1-65535)";
    return std::nullopt;
  }
  if (auto a = parse_ipv4(host)) return Endpoint{*a, *port};
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &res);
  if (rc != 0 || !res) {
    why = "cannot resolve '" + host + "': " + ::gai_strerror(rc);
    return std::nullopt;
  }
  const Endpoint e = from_sockaddr(*reinterpret_cast<const sockaddr_in*>(res->ai_addr));
  ::freeaddrinfo(res);
  return Endpoint{e.addr, *port};
}

bool is_help(const std::string& a) { return a == "--help" || a == "-h"; }

// Walks the arguments after the command word: options (with their values) and
// positional words, in order.
class Args {
 public:
  Args(const std::vector<std::string>& args, size_t from) : args_(args), i_(from) {}
  bool done() const { return i_ >= args_.size(); }
  const std::string& next() { return args_[i_++]; }
  // The value of the option just read; false when it is missing.
  bool value(std::string& v) {
    if (done()) return false;
    v = next();
    return true;
  }

 private:
  const std::vector<std::string>& args_;
  size_t i_;
};

std::string needs_remote(Endpoint to) {
  return to_string(to.addr) + " is not a loopback address (127.0.0.0/8): talking to another host needs --allow-remote";
}

int connect_command(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err) {
  const Complaint bad{"tcplab live connect", err};
  const std::vector<std::string> options = {"--send", "--recv", "--close", "--allow-remote", "--help"};
  ConnectArgs a;
  std::optional<Endpoint> to;
  bool closed = false;
  Args args(argv, 1);
  while (!args.done()) {
    const std::string& w = args.next();
    std::string v;
    if (is_help(w)) {
      out << usage_live_talk();
      return 0;
    }
    if ((w == "--send" || w == "--recv") && closed) return bad(w + " after --close: the socket is closed by then");
    if (w == "--send") {
      if (!args.value(v)) return bad("--send needs TEXT");
      a.actions.push_back({TcpAction::Send, v, 0});
    } else if (w == "--recv") {
      if (!args.value(v)) return bad("--recv needs N, the most bytes to read");
      const auto n = parse_count(v);
      if (!n) return bad("--recv needs a byte count from 1 to 16777216, not '" + v + "'");
      a.actions.push_back({TcpAction::Recv, "", *n});
    } else if (w == "--close") {
      if (closed) return bad("--close given twice");
      closed = true;
      a.actions.push_back({TcpAction::Close, "", 0});
    } else if (w == "--allow-remote") {
      a.allow_remote = true;
    } else if (w.size() > 1 && w[0] == '-') {
      return bad("unknown option '" + w + "'" + did_you_mean(w, options));
    } else if (!to) {
      std::string why;
      to = parse_host_port(w, why);
      if (!to) return bad(why);
    } else {
      return bad("one HOST:PORT at a time ('" + to_string(*to) + "' and '" + w + "')");
    }
  }
  if (!to) return bad("where to? usage: tcplab live connect HOST:PORT [--send TEXT] [--recv N] [--close]");
  if (!a.allow_remote && classify(to->addr) != AddressKind::Loopback) return bad(needs_remote(*to));
  a.to = *to;
  install_cleanup_handlers();
  return run_connect(a, out, err);
}

int listen_command(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err) {
  const Complaint bad{"tcplab live listen", err};
  const std::vector<std::string> options = {"--reply", "--once", "--allow-remote", "--help"};
  ListenArgs a;
  bool have_port = false;
  Args args(argv, 1);
  while (!args.done()) {
    const std::string& w = args.next();
    std::string v;
    if (is_help(w)) {
      out << usage_live_talk();
      return 0;
    }
    if (w == "--reply") {
      if (!args.value(v)) return bad("--reply needs TEXT");
      a.reply = v;
    } else if (w == "--once") {
      a.once = true;
    } else if (w == "--allow-remote") {
      a.allow_remote = true;
    } else if (w.size() > 1 && w[0] == '-') {
      return bad("unknown option '" + w + "'" + did_you_mean(w, options));
    } else if (!have_port) {
      const auto p = parse_port(w, true);
      if (!p) return bad("bad port '" + w + "' (expected 0-65535; 0 lets the kernel choose)");
      a.port = *p;
      have_port = true;
    } else {
      return bad("one PORT at a time ('" + std::to_string(a.port) + "' and '" + w + "')");
    }
  }
  if (!have_port) return bad("which port? usage: tcplab live listen PORT [--reply TEXT] [--once]");
  install_cleanup_handlers();
  return run_listen(a, out, err);
}

int udp_send_command(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err) {
  const Complaint bad{"tcplab live udp send", err};
  const std::vector<std::string> options = {"--recv", "--allow-remote", "--help"};
  UdpSendArgs a;
  std::optional<Endpoint> to;
  std::optional<std::string> text;
  Args args(argv, 2);
  while (!args.done()) {
    const std::string& w = args.next();
    std::string v;
    if (is_help(w)) {
      out << usage_live_talk();
      return 0;
    }
    if (w == "--recv") {
      if (!args.value(v)) return bad("--recv needs N, the recvfrom buffer size");
      a.recv = parse_count(v);
      if (!a.recv) return bad("--recv needs a buffer size from 1 to 16777216, not '" + v + "'");
    } else if (w == "--allow-remote") {
      a.allow_remote = true;
    } else if (w.size() > 1 && w[0] == '-') {
      return bad("unknown option '" + w + "'" + did_you_mean(w, options));
    } else if (!to) {
      std::string why;
      to = parse_host_port(w, why);
      if (!to) return bad(why);
    } else if (!text) {
      text = w;
    } else {
      return bad("one TEXT at a time (quote it: 'hello world'), not also '" + w + "'");
    }
  }
  if (!to || !text) return bad("usage: tcplab live udp send HOST:PORT TEXT [--recv N]");
  if (!a.allow_remote && classify(to->addr) != AddressKind::Loopback) return bad(needs_remote(*to));
  a.to = *to;
  a.text = *text;
  install_cleanup_handlers();
  return run_udp_send(a, out, err);
}

int udp_recv_command(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err) {
  const Complaint bad{"tcplab live udp recv", err};
  const std::vector<std::string> options = {"--bufsize", "--reply", "--once", "--allow-remote", "--help"};
  UdpRecvArgs a;
  bool have_port = false;
  Args args(argv, 2);
  while (!args.done()) {
    const std::string& w = args.next();
    std::string v;
    if (is_help(w)) {
      out << usage_live_talk();
      return 0;
    }
    if (w == "--bufsize") {
      if (!args.value(v)) return bad("--bufsize needs N, the recvfrom buffer size");
      const auto n = parse_count(v);
      if (!n) return bad("--bufsize needs a size from 1 to 16777216, not '" + v + "'");
      a.bufsize = *n;
    } else if (w == "--reply") {
      if (!args.value(v)) return bad("--reply needs TEXT");
      a.reply = v;
    } else if (w == "--once") {
      a.once = true;
    } else if (w == "--allow-remote") {
      a.allow_remote = true;
    } else if (w.size() > 1 && w[0] == '-') {
      return bad("unknown option '" + w + "'" + did_you_mean(w, options));
    } else if (!have_port) {
      const auto p = parse_port(w, true);
      if (!p) return bad("bad port '" + w + "' (expected 0-65535; 0 lets the kernel choose)");
      a.port = *p;
      have_port = true;
    } else {
      return bad("one PORT at a time ('" + std::to_string(a.port) + "' and '" + w + "')");
    }
  }
  if (!have_port) return bad("which port? usage: tcplab live udp recv PORT [--bufsize N] [--reply TEXT] [--once]");
  install_cleanup_handlers();
  return run_udp_recv(a, out, err);
}

}  // namespace

int live_talk(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty()) {
    err << usage_live_talk();
    return 2;
  }
  const std::string& cmd = args[0];
  if (cmd == "connect") return connect_command(args, out, err);
  if (cmd == "listen") return listen_command(args, out, err);
  if (cmd == "udp") {
    const std::string sub = args.size() > 1 ? args[1] : "";
    if (sub == "send") return udp_send_command(args, out, err);
    if (sub == "recv") return udp_recv_command(args, out, err);
    if (is_help(sub)) {
      out << usage_live_talk();
      return 0;
    }
    err << "tcplab live udp: " << (sub.empty() ? "send or recv?" : "unknown command '" + sub + "'" +
                                                                       did_you_mean(sub, {"send", "recv"}))
        << "\nTry 'tcplab live --help'.\n";
    return 2;
  }
  err << "tcplab live: unknown command '" << cmd << "'" << did_you_mean(cmd, {"connect", "listen", "udp"})
      << "\nTry 'tcplab live --help'.\n";
  return 2;
}

std::string usage_live_talk() {
  return R"(Talking to a local program through the real kernel, like nc:
  tcplab live connect HOST:PORT [--send TEXT] [--recv N] [--close] [--allow-remote]
      connect, then do the actions in the order given: --send TEXT sends it,
      --recv N reads at most N bytes (waiting for them), --close closes. Without
      --close it then prints what arrives until the peer closes, and closes too.
  tcplab live listen PORT [--reply TEXT] [--once] [--allow-remote]
      accept a client, send TEXT at once if given, print what the client sends
      until it closes, then wait for the next one (--once: stop after the first).
      PORT 0 lets the kernel choose.
  tcplab live udp send HOST:PORT TEXT [--recv N] [--allow-remote]
      send one datagram; --recv N: then wait for the answer with recvfrom(N).
  tcplab live udp recv PORT [--bufsize N] [--reply TEXT] [--once] [--allow-remote]
      print each datagram as recvfrom(N) returns it (N = 65536 by default; a longer
      datagram is truncated and the rest discarded), and answer TEXT to its sender.
  Each prints the exchange as it happens: the program's calls, one line per segment
  (→ sent, ← received; needs CAP_NET_RAW to capture on lo) and the kernel's TCP
  states of the connection (sampled through sock_diag every millisecond).
  Loopback only (127.0.0.0/8) unless --allow-remote; listen and udp recv then bind
  0.0.0.0 instead of 127.0.0.1. Ctrl-C stops.
  exit codes: 0 success, 1 runtime failure (e.g. connection refused), 2 bad input,
  130 stopped by Ctrl-C
)";
}

}  // namespace tcplab::live
