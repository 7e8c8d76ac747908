// traceroute (the Linux "traceroute" package, default UDP method): probes are UDP
// datagrams to ports 33434 and up (one more per probe), 3 per hop, with TTL 1, 2, 3 …
// Each router where the TTL runs out answers ICMP Time Exceeded; the destination answers
// ICMP Port Unreachable, which ends the trace (TCP-REFERENCE.md §7 M18: not ICMP echo).
// tcplab sends one probe at a time (Linux sends up to 16 at once, -N 16), so that the
// ladder reads hop by hop; the printed lines are the same.
#include <cstdio>

#include "sim/apps/programs.h"
#include "sim/net/layers.h"

namespace tcplab {
namespace {

TracerouteProgram& state(Program& p) { return std::get<TracerouteProgram>(p.state); }

void print_line_and_advance(World& w, int32_t node, Program& p);

void send_probe(World& w, int32_t node, Program& p) {
  TracerouteProgram& s = state(p);
  s.probe_port = static_cast<uint16_t>(s.base_port + (s.ttl - 1) * s.queries + s.query);
  // 60-byte packets: 20 (IP) + 8 (UDP) + 32 bytes of "@ABC…", as traceroute fills them.
  wire::Bytes data(32);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(0x40 + i);
  auto src = ip_source_for(w.node(node), s.dst);
  wire::Bytes dgram;
  wire::emit_udp(wire::UdpHeader{s.sport, s.probe_port, 0, 0}, src.value_or(Ipv4()), s.dst, data,
                 dgram);
  IpSendOptions opt;
  opt.ttl = static_cast<uint8_t>(s.ttl);
  opt.df = false;
  opt.src = src;
  s.probe_sent = w.now();
  s.waiting = true;
  ip_send(w, node, s.dst, wire::kProtoUdp, dgram, opt);
  set_program_timer(w, node, p, w.now() + s.wait);
}

// One probe is answered or timed out: go to the next probe, the next hop, or stop.
void next(World& w, int32_t node, Program& p) {
  TracerouteProgram& s = state(p);
  s.waiting = false;
  if (++s.query < s.queries) {
    send_probe(w, node, p);
    return;
  }
  print_line_and_advance(w, node, p);
}

void print_line_and_advance(World& w, int32_t node, Program& p) {
  TracerouteProgram& s = state(p);
  char hop[8];
  std::snprintf(hop, sizeof hop, "%2d ", s.ttl);
  w.print(node, hop + s.line);
  if (s.reached || s.ttl >= s.max_hops) {
    p.done = true;
    w.cancel(p.timer);
    return;
  }
  s.ttl++;
  s.query = 0;
  s.line.clear();
  s.last_from.reset();
  send_probe(w, node, p);
}

}  // namespace

void traceroute_start(World& w, int32_t node, const CmdTraceroute& cmd) {
  Node& n = w.node(node);
  w.print(node, "traceroute to " + to_string(cmd.dst) + " (" + to_string(cmd.dst) + "), " +
                    std::to_string(cmd.max_hops) + " hops max, 60 byte packets");
  if (!ip_source_for(n, cmd.dst)) {
    w.print(node, "connect: Network is unreachable");
    return;
  }
  TracerouteProgram s;
  s.dst = cmd.dst;
  s.max_hops = cmd.max_hops;
  s.queries = cmd.queries;
  s.wait = cmd.wait;
  s.base_port = cmd.base_port;
  // The probes come from an unbound UDP socket: an ephemeral source port.
  s.sport = static_cast<uint16_t>(w.rng().uniform(32768, 60999));
  const int32_t id = add_program(n, std::move(s));
  send_probe(w, node, *find_program(w.node(node), id));
}

void traceroute_timer(World& w, int32_t node, Program& p) {
  state(p).line += " *";
  next(w, node, p);
}

void traceroute_icmp_error(World& w, int32_t node, Program& p, Ipv4 from, uint8_t type,
                           uint8_t code) {
  TracerouteProgram& s = state(p);
  w.cancel(p.timer);
  p.timer = 0;
  if (!s.last_from || *s.last_from != from) {
    const std::string addr = to_string(from);
    s.line.append(" ").append(addr).append(" (").append(addr).append(")");
    s.last_from = from;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "  %.3f ms", static_cast<double>(w.now() - s.probe_sent) / 1e6);
  s.line += buf;
  if (type == wire::kIcmpDestUnreachable) {
    s.reached = true;
    // traceroute marks unreachables other than "port" (the normal end) after the time.
    if (code == wire::kIcmpCodeHostUnreachable) s.line += " !H";
    else if (code == wire::kIcmpCodeNetUnreachable) s.line += " !N";
    else if (code == wire::kIcmpCodeProtoUnreachable) s.line += " !P";
  }
  next(w, node, p);
}

}  // namespace tcplab
