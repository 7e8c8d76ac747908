// ping, as iputils prints it: ICMP echo requests (RFC 792) every interval, one line per
// reply, errors as "From ADDR icmp_seq=N …", and the statistics block at the end.
// With -c N it ends when every request is answered, or -W (10 s) after the last one.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "sim/apps/programs.h"
#include "sim/net/layers.h"

namespace tcplab {
namespace {

PingProgram& state(Program& p) { return std::get<PingProgram>(p.state); }

// iputils prints the round trip with fewer decimals as it grows (ping_common.c).
std::string format_rtt(Time rtt) {
  const double ms = static_cast<double>(rtt) / 1e6;
  char buf[32];
  if (ms >= 100)
    std::snprintf(buf, sizeof buf, "%.0f", ms);
  else if (ms >= 10)
    std::snprintf(buf, sizeof buf, "%.1f", ms);
  else if (ms >= 1)
    std::snprintf(buf, sizeof buf, "%.2f", ms);
  else
    std::snprintf(buf, sizeof buf, "%.3f", ms);
  return buf;
}

void finish(World& w, int32_t node, Program& p) {
  PingProgram& s = state(p);
  p.done = true;
  w.cancel(p.timer);
  w.print(node, "");
  w.print(node, "--- " + to_string(s.dst) + " ping statistics ---");
  char buf[200];
  const double loss = s.transmitted ? 100.0 * (s.transmitted - s.received) / s.transmitted : 0;
  // iputils measures "time" from the first request to the last one sent, so `ping -c 1`
  // reports "time 0ms" however long the reply took.
  const long elapsed = static_cast<long>((s.last_sent - s.start) / kMs);
  // iputils' order: received, +duplicates, +errors, loss, time (ping_common.c finish()).
  std::string line = std::to_string(s.transmitted) + " packets transmitted, " +
                     std::to_string(s.received) + " received";
  if (s.duplicates) line += ", +" + std::to_string(s.duplicates) + " duplicates";
  if (s.errors) line += ", +" + std::to_string(s.errors) + " errors";
  std::snprintf(buf, sizeof buf, ", %g%% packet loss, time %ldms", static_cast<float>(loss), elapsed);
  line += buf;
  w.print(node, line);
  if (s.received > 0) {
    const double n = s.received;
    const double avg = s.rtt_sum / n;
    const double mdev = std::sqrt(std::max(0.0, s.rtt_sum2 / n - avg * avg));
    std::snprintf(buf, sizeof buf, "rtt min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms",
                  static_cast<double>(s.rtt_min) / 1e6, avg, static_cast<double>(s.rtt_max) / 1e6,
                  mdev);
    w.print(node, buf);
  }
}

bool all_answered(const PingProgram& s) {
  return s.sending_done && s.received + s.errors >= s.transmitted;
}

void send_echo(World& w, int32_t node, Program& p) {
  PingProgram& s = state(p);
  const uint16_t seq = s.next_seq++;
  // Payload as iputils fills it: a struct timeval, then bytes counting up from 0x10.
  wire::Bytes data(static_cast<size_t>(s.size));
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i);
  if (data.size() >= 16) {
    const uint64_t sec = static_cast<uint64_t>(w.now() / kSec);
    const uint64_t usec = static_cast<uint64_t>((w.now() % kSec) / kUs);
    for (int b = 0; b < 8; ++b) {
      data[static_cast<size_t>(b)] = static_cast<uint8_t>(sec >> (8 * b));
      data[static_cast<size_t>(8 + b)] = static_cast<uint8_t>(usec >> (8 * b));
    }
  }
  wire::Bytes msg;
  wire::emit_icmp(wire::IcmpHeader{wire::kIcmpEchoRequest, 0, 0, s.ident, seq}, data, msg);
  IpSendOptions opt;
  opt.ttl = static_cast<uint8_t>(s.ttl);
  opt.df = true;  // iputils sets DF (PMTU discovery "do")
  s.sent_at.push_back(w.now());
  s.last_sent = w.now();
  s.answered.push_back(false);
  s.transmitted++;
  if (ip_send(w, node, s.dst, wire::kProtoIcmp, msg, opt) != SendError::None) {
    // Linux refuses at sendmsg(); ping says so and counts an error.
    w.print(node, "ping: sendmsg: Network is unreachable");
    s.errors++;
  }
  if (s.count && s.transmitted >= *s.count) {
    // iputils' schedule_exit(): once a reply has come, wait max(2 x the slowest round
    // trip, the interval) for the rest; only when nothing came back, the -W linger (10 s).
    s.sending_done = true;
    const Time wait = s.received ? std::max(2 * s.rtt_max, s.interval) : s.linger;
    set_program_timer(w, node, p, w.now() + wait);
  } else {
    set_program_timer(w, node, p, w.now() + s.interval);
  }
}

}  // namespace

void ping_start(World& w, int32_t node, const CmdPing& cmd) {
  Node& n = w.node(node);
  bool is_broadcast = cmd.dst.v == 0xffffffffu;
  for (const Iface& f : n.ifaces)
    if (f.addr && f.addr->is_broadcast(cmd.dst)) is_broadcast = true;
  if (is_broadcast && !cmd.broadcast) {
    w.print(node, "ping: Do you want to ping broadcast? Then -b. If not, check your local firewall rules");
    return;
  }
  if (!ip_source_for(n, cmd.dst)) {
    w.print(node, "ping: connect: Network is unreachable");
    return;
  }
  PingProgram s;
  s.dst = cmd.dst;
  s.count = cmd.count;
  s.interval = cmd.interval;
  s.size = cmd.size;
  s.ttl = cmd.ttl;
  s.linger = cmd.linger;
  s.broadcast = is_broadcast;
  s.ident = static_cast<uint16_t>(w.rng().uniform(1, 0xffff));
  s.start = w.now();
  if (is_broadcast) w.print(node, "WARNING: pinging broadcast address");
  w.print(node, "PING " + to_string(cmd.dst) + " (" + to_string(cmd.dst) + ") " +
                    std::to_string(cmd.size) + "(" + std::to_string(cmd.size + 28) +
                    ") bytes of data.");
  const int32_t id = add_program(n, std::move(s));
  send_echo(w, node, *find_program(w.node(node), id));
}

void ping_timer(World& w, int32_t node, Program& p) {
  if (state(p).sending_done)
    finish(w, node, p);
  else
    send_echo(w, node, p);
}

void ping_echo_reply(World& w, int32_t node, Program& p, const wire::Ipv4Header& ip,
                     const wire::IcmpHeader& icmp, size_t icmp_len) {
  PingProgram& s = state(p);
  if (icmp.seq == 0 || icmp.seq > s.sent_at.size()) return;
  const size_t k = icmp.seq - 1u;
  const Time rtt = w.now() - s.sent_at[k];
  const bool dup = s.answered[k];
  if (dup) s.duplicates++;
  if (!dup) {
    s.answered[k] = true;
    s.received++;
    const double ms = static_cast<double>(rtt) / 1e6;
    if (s.received == 1 || rtt < s.rtt_min) s.rtt_min = rtt;
    if (rtt > s.rtt_max) s.rtt_max = rtt;
    s.rtt_sum += ms;
    s.rtt_sum2 += ms * ms;
  }
  // The line goes only to the trace: not even formatted when there is none (issue 6: a
  // thousand hosts' replies were a twentieth of many-hosts).
  if (w.tracing())
    w.print(node, std::to_string(icmp_len) + " bytes from " + to_string(ip.src) +
                      ": icmp_seq=" + std::to_string(icmp.seq) + " ttl=" + std::to_string(ip.ttl) +
                      " time=" + format_rtt(rtt) + " ms" + (dup ? " (DUP!)" : ""));
  // A broadcast ping keeps listening for every host's answer until the deadline.
  if (!s.broadcast && all_answered(s)) finish(w, node, p);
}

void ping_icmp_error(World& w, int32_t node, Program& p, Ipv4 from, uint8_t type, uint8_t code,
                     uint16_t seq) {
  PingProgram& s = state(p);
  std::string what;
  if (type == wire::kIcmpTimeExceeded) {
    what = "Time to live exceeded";
  } else {
    switch (code) {
      case wire::kIcmpCodeNetUnreachable: what = "Destination Net Unreachable"; break;
      case wire::kIcmpCodeHostUnreachable: what = "Destination Host Unreachable"; break;
      case wire::kIcmpCodeProtoUnreachable: what = "Destination Protocol Unreachable"; break;
      case wire::kIcmpCodePortUnreachable: what = "Destination Port Unreachable"; break;
      default: what = "Dest Unreachable, Bad Code: " + std::to_string(code); break;
    }
  }
  s.errors++;
  w.print(node, "From " + to_string(from) + " icmp_seq=" + std::to_string(seq) + " " + what);
  if (all_answered(s)) finish(w, node, p);
}

}  // namespace tcplab
