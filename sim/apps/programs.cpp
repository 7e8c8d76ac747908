// Bookkeeping shared by the programs, and the routing of timers and ICMP messages to the
// program they belong to.
#include "sim/apps/programs.h"

#include <algorithm>

#include "sim/net/layers.h"

namespace tcplab {

// Programs are only ever appended, with growing ids: a binary search (a storm of 10,000
// short connections has 10,000 programs on one node).
Program* find_program(Node& n, int32_t id) {
  auto it = std::lower_bound(n.programs.begin(), n.programs.end(), id,
                             [](const Program& p, int32_t v) { return p.id < v; });
  if (it == n.programs.end() || it->id != id || it->done) return nullptr;
  return &*it;
}

int32_t add_program(Node& n, ProgramState state) {
  Program p;
  p.id = n.next_program_id++;
  p.state = std::move(state);
  n.programs.push_back(std::move(p));
  return n.programs.back().id;
}

void set_program_timer(World& w, int32_t node, Program& p, Time at) {
  w.cancel(p.timer);
  p.timer = w.schedule(at, EvProgramTimer{node, p.id});
}

void program_timer(World& w, const EvProgramTimer& e) {
  Program* p = find_program(w.node(e.node), e.program);
  if (!p) return;
  p->timer = 0;
  if (std::holds_alternative<PingProgram>(p->state))
    ping_timer(w, e.node, *p);
  else if (std::holds_alternative<TracerouteProgram>(p->state))
    traceroute_timer(w, e.node, *p);
  else if (std::holds_alternative<Hping3Program>(p->state))
    hping3_timer(w, e.node, *p);
  // The TCP programs have no timers: they act on what their sockets report.
}

void programs_echo_reply(World& w, int32_t node, const wire::Ipv4Header& ip,
                         const wire::IcmpHeader& icmp, size_t icmp_len) {
  for (Program& p : w.node(node).programs) {
    auto* ping = std::get_if<PingProgram>(&p.state);
    if (!p.done && ping && ping->ident == icmp.id) {
      ping_echo_reply(w, node, p, ip, icmp, icmp_len);
      return;
    }
  }
}

void programs_icmp_error(World& w, int32_t node, Ipv4 from, uint8_t type, uint8_t code,
                         wire::ByteView quoted) {
  // The quote may be cut short of the original's total length, so the fields needed are
  // read directly rather than through parse_ipv4 (which checks total_len).
  if (quoted.size() < 28) return;
  const size_t ihl = (quoted[0] & 0x0f) * 4u;
  if (quoted.size() < ihl + 8) return;
  const uint8_t proto = quoted[9];
  const Ipv4 qdst(uint32_t(quoted[16]) << 24 | uint32_t(quoted[17]) << 16 |
                  uint32_t(quoted[18]) << 8 | quoted[19]);
  auto be16 = [&](size_t off) { return uint16_t(quoted[ihl + off] << 8 | quoted[ihl + off + 1]); };
  for (Program& p : w.node(node).programs) {
    if (p.done) continue;
    if (auto* ping = std::get_if<PingProgram>(&p.state)) {
      if (proto == wire::kProtoIcmp && quoted[ihl] == wire::kIcmpEchoRequest &&
          be16(4) == ping->ident) {
        ping_icmp_error(w, node, p, from, type, code, be16(6));
        return;
      }
    } else if (auto* tr = std::get_if<TracerouteProgram>(&p.state)) {
      if (proto == wire::kProtoUdp && qdst == tr->dst && be16(0) == tr->sport &&
          be16(2) == tr->probe_port && tr->waiting) {
        traceroute_icmp_error(w, node, p, from, type, code);
        return;
      }
    }
  }
}

}  // namespace tcplab
