// hping3 in its default TCP mode: hand-made segments from a raw socket, one per second,
// and one line per answer, as antirez's hping3 prints them (main.c, waitpacket.c,
// statistics.c). The node's own TCP stack knows nothing of these segments, so an answer
// that reaches it is also handled there — a SYN-ACK to our SYN is answered with a RST by
// our own kernel, exactly what a capture of a real hping3 -S session shows.
//
// hping3's conventions kept here:
//  - packet k (its "seq", counted from 0) leaves from source port base + k (no -k), so an
//    answer's destination port says which packet it answers;
//  - sequence and acknowledgment numbers are random per packet unless -M / -L are given;
//  - the window is 64 unless -w; data (-d) is 'X' bytes; DF is not set (no -y);
//  - after the last packet it waits 1 s (COUNTREACHED_TIMEOUT) for late answers, or stops
//    as soon as every packet is answered.
#include <algorithm>
#include <cstdio>
#include <string>

#include "sim/apps/programs.h"
#include "sim/net/layers.h"
#include "sim/proto/tcp.h"

namespace tcplab {
namespace {

constexpr Time kInterval = kSec;  // hping3's default -i 1
constexpr Time kLinger = kSec;    // COUNTREACHED_TIMEOUT

Hping3Program& state(Program& p) { return std::get<Hping3Program>(p.state); }

// hping3's order of letters: R S A F P U (then X Y for the two reserved bits it knows).
std::string flag_letters(uint8_t f) {
  namespace tf = wire::tcpflag;
  std::string s;
  if (f & tf::RST) s += 'R';
  if (f & tf::SYN) s += 'S';
  if (f & tf::ACK) s += 'A';
  if (f & tf::FIN) s += 'F';
  if (f & tf::PSH) s += 'P';
  if (f & tf::URG) s += 'U';
  if (f & tf::ECE) s += 'X';
  if (f & tf::CWR) s += 'Y';
  return s;
}

void finish(World& w, int32_t node, Program& p) {
  Hping3Program& s = state(p);
  p.done = true;
  w.cancel(p.timer);
  p.timer = 0;
  // statistics.c: an integer loss rate, and the round trips with one decimal (all zero
  // when nothing came back).
  const int loss = s.received > 0 ? 100 - s.received * 100 / s.sent : (s.sent ? 100 : 0);
  const double avg = s.received ? s.rtt_sum / s.received : 0.0;
  w.print(node, "");
  w.print(node, "--- " + to_string(s.dst) + " hping statistic ---");
  w.print(node, std::to_string(s.sent) + " packets transmitted, " + std::to_string(s.received) +
                    " packets received, " + std::to_string(loss) + "% packet loss");
  char buf[120];
  std::snprintf(buf, sizeof buf, "round-trip min/avg/max = %.1f/%.1f/%.1f ms", s.rtt_min, avg, s.rtt_max);
  w.print(node, buf);
}

void send_probe(World& w, int32_t node, Program& p) {
  Hping3Program& s = state(p);
  const int k = s.sent;
  wire::TcpHeader h;
  h.sport = static_cast<uint16_t>(s.base_sport + k);
  h.dport = s.dport;
  h.seq = s.seq_set ? s.seq : w.rng().next_u32();
  h.ack = s.ack_set ? s.ack : w.rng().next_u32();
  h.flags = s.flags;
  h.window = s.window;
  const wire::Bytes data(s.data_len, static_cast<uint8_t>('X'));
  wire::Bytes segment;
  wire::emit_tcp(h, s.src, s.dst, data, segment);
  IpSendOptions opt;
  opt.src = s.src;
  opt.df = false;
  s.sent_at.push_back(w.now());
  s.answered.push_back(false);
  s.sent++;
  const Ipv4 dst = s.dst;
  const int32_t pid = p.id;
  if (ip_send(w, node, dst, wire::kProtoTcp, segment, opt) != SendError::None) {
    // send_ip.c: a failed sendto() ends hping3.
    w.print(node, "[send_ip] sendto: Network is unreachable");
    if (Program* q = find_program(w.node(node), pid)) q->done = true;
    return;
  }
  Program* q = find_program(w.node(node), pid);
  if (!q) return;
  Hping3Program& t = state(*q);
  if (t.sent >= t.count) {
    t.sending_done = true;
    set_program_timer(w, node, *q, w.now() + kLinger);
  } else {
    set_program_timer(w, node, *q, w.now() + kInterval);
  }
}

}  // namespace

void hping3_start(World& w, int32_t node, const CmdHping3& cmd) {
  Node& n = w.node(node);
  Hping3Program s;
  s.dst = cmd.dst;
  s.flags = cmd.flags;
  s.dport = cmd.dport;
  s.seq_set = cmd.seq.has_value();
  s.seq = cmd.seq.value_or(0);
  s.ack_set = cmd.ack.has_value();
  s.ack = cmd.ack.value_or(0);
  s.data_len = cmd.data_len;
  s.window = cmd.window;
  s.count = cmd.count;
  // A random base that leaves room for every packet's port (hping3: 1024 + rand() % 2000,
  // widened here so that two runs rarely share ports).
  const uint64_t hi = cmd.count < 65535 - 1024 ? 65535 - static_cast<uint64_t>(cmd.count) : 1024;
  s.base_sport = cmd.sport ? *cmd.sport : static_cast<uint16_t>(w.rng().uniform(1024, hi));

  const std::optional<Ipv4> src = ip_source_for(n, cmd.dst);
  if (n.owns(cmd.dst)) {
    s.ifname = "lo";
  } else if (auto r = route_lookup(n, cmd.dst)) {
    s.ifname = n.ifaces[static_cast<size_t>(r->iface)].name;
  }
  const std::string flags = flag_letters(cmd.flags);
  const std::string banner = "HPING " + to_string(cmd.dst) + " (" + (s.ifname.empty() ? "lo" : s.ifname) + " " +
                             to_string(cmd.dst) + "): " + (flags.empty() ? "NO FLAGS are" : flags) +
                             " set, 40 headers + " + std::to_string(cmd.data_len) + " data bytes";
  if (!src) {
    // getifname.c warns and falls back to lo; the first sendto() then fails and hping3 exits.
    w.print(node, "Warning: Unable to guess the output interface");
    w.print(node, banner);
    w.print(node, "[send_ip] sendto: Network is unreachable");
    return;
  }
  s.src = *src;
  w.print(node, banner);
  const int32_t id = add_program(n, std::move(s));
  n.ran_hping3 = true;
  send_probe(w, node, *find_program(w.node(node), id));
}

void hping3_timer(World& w, int32_t node, Program& p) {
  if (state(p).sending_done)
    finish(w, node, p);
  else
    send_probe(w, node, p);
}

void hping3_observe(World& w, int32_t node, const wire::Ipv4Header& ip, const wire::TcpHeader& tcp,
                    size_t payload_len) {
  (void)payload_len;  // hping3 reports the IP length, which already counts the payload
  if (!w.node(node).ran_hping3) return;
  for (Program& p : w.node(node).programs) {
    auto* s = std::get_if<Hping3Program>(&p.state);
    if (p.done || !s) continue;
    // waitpacket.c recv_tcp(): an answer comes from the target port; its destination port
    // is one of ours, and base + k names packet k.
    if (ip.src != s->dst || tcp.sport != s->dport) continue;
    // Ports wrap after 65536 packets (sendtcp.c: % 65536): the latest packet of that port.
    int k = static_cast<uint16_t>(tcp.dport - s->base_sport);
    if (k >= s->sent) continue;
    k += (s->sent - 1 - k) / 65536 * 65536;
    const Time rtt = w.now() - s->sent_at[static_cast<size_t>(k)];
    const double ms = static_cast<double>(rtt) / 1e6;
    const bool dup = s->answered[static_cast<size_t>(k)];
    if (!dup) {
      s->answered[static_cast<size_t>(k)] = true;
      s->received++;
      if (s->received == 1 || ms < s->rtt_min) s->rtt_min = ms;
      if (ms > s->rtt_max) s->rtt_max = ms;
      s->rtt_sum += ms;
    }
    // "len" is what hping3 read from the interface past the link header: on Ethernet a
    // short frame is padded to 60 bytes, so a 40- or 44-byte answer reads as 46. Answers
    // from our own address come over lo, unpadded.
    size_t len = ip.total_len;
    if (!w.node(node).owns(ip.src)) len = std::max<size_t>(len, 46);
    const std::string flags = flag_letters(tcp.flags);
    char buf[200];
    std::snprintf(buf, sizeof buf, "%slen=%zu ip=%s ttl=%d %sid=%d sport=%d flags=%s seq=%d win=%d rtt=%.1f ms",
                  dup ? "DUP! " : "", len, to_string(ip.src).c_str(), ip.ttl,
                  (ip.df || ip.mf || ip.frag_offset) ? "DF " : "", ip.id, tcp.sport,
                  flags.empty() ? "none" : flags.c_str(), k, tcp.window, ms);
    w.print(node, buf);
    // hping3 stops once it has as many answers as it was asked to send.
    if (s->sending_done && s->received >= s->count) finish(w, node, p);
    return;
  }
}

}  // namespace tcplab
