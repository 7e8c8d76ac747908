// Layouts of ifconfig, ip addr, route -n, ip route, arp -n, netstat -an and ss (see
// tool_output.h). Column widths follow net-tools' and iproute2's format strings.
#include "sim/net/tool_output.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "sim/proto/tcp_cc.h"

namespace tcplab {
namespace {

std::string fmt(const char* f, auto... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, f, args...);
  return buf;
}

// net-tools' "(1.2 KB)": powers of 1000 with one decimal.
std::string scaled_bytes(uint64_t b) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  double v = static_cast<double>(b);
  int u = 0;
  while (v >= 1000 && u < 4) {
    v /= 1000;
    ++u;
  }
  return fmt("%.1f %s", v, units[u]);
}

void counters_lines(std::vector<std::string>& out, const IfaceCounters& c) {
  out.push_back(fmt("        RX packets %llu  bytes %llu (%s)", (unsigned long long)c.rx_packets,
                    (unsigned long long)c.rx_bytes, scaled_bytes(c.rx_bytes).c_str()));
  out.push_back(fmt("        RX errors 0  dropped %llu  overruns 0  frame 0",
                    (unsigned long long)c.rx_dropped));
  out.push_back(fmt("        TX packets %llu  bytes %llu (%s)", (unsigned long long)c.tx_packets,
                    (unsigned long long)c.tx_bytes, scaled_bytes(c.tx_bytes).c_str()));
  out.push_back(fmt("        TX errors 0  dropped %llu overruns 0  carrier 0  collisions 0",
                    (unsigned long long)c.tx_dropped));
}

const std::string& iface_name(const Node& n, int32_t i) { return n.ifaces[static_cast<size_t>(i)].name; }

std::string endpoint_text(Ipv4 a, uint16_t port) { return to_string(Endpoint{a, port}); }

// ss -i's detail line (iproute2 tcp_show_info(), in its field order, the fields tcplab
// keeps); the RTO in force, backoff included, as the world's settings cap it.
std::string ss_info_line(const TcpSocket& s, const TcpConfig& cfg) {
  const Time rto = s.rtt.rto(cfg);
  // tcpi_rto counts whole jiffies (HZ=1000: ms, rounded up); tcpi_rtt/rttvar whole µs,
  // which ss prints in ms with %g.
  std::string line = "\t " + std::string(cc_name(s.cc));
  line += fmt(" rto:%lld", (long long)((rto + kMs - 1) / kMs));
  if (s.rtt.backoff > 0) line += fmt(" backoff:%d", s.rtt.backoff);
  if (s.rtt.has_sample)
    line += fmt(" rtt:%g/%g", static_cast<double>(s.rtt.srtt / kUs) / 1000.0,
                static_cast<double>(s.rtt.rttvar / kUs) / 1000.0);
  const uint32_t mss = std::max<uint32_t>(s.snd_mss, 1);
  line += fmt(" mss:%u advmss:%u cwnd:%u", s.snd_mss, unsigned(s.adv_mss), cc_cwnd(s.cc) / mss);
  // tcpi_snd_ssthresh is in packets; ss omits it while "infinite" (>= 0xFFFF).
  const uint32_t ssthresh = cc_ssthresh(s.cc);
  if (ssthresh < kInfiniteSsthresh && ssthresh / mss < 0xFFFF) line += fmt(" ssthresh:%u", ssthresh / mss);
  // ss prints retrans only once something was retransmitted.
  if (s.retransmits > 0 || s.total_retrans > 0)
    line += fmt(" retrans:%d/%u", s.retransmits, s.total_retrans);
  return line;
}

}  // namespace

std::string route_flags(const Route& r) {
  std::string f = "U";
  if (r.gateway) f += "G";
  if (r.dst.len == 32) f += "H";
  return f;
}

// Which TCP sockets a listing shows (TCP-REFERENCE.md §4.4). A CLOSED socket stays in
// Node::tcp only to keep its id: no tool lists it. LISTEN needs -a or -l. Without -a or
// -l, netstat shows every other state, while ss applies SS_CONN, which also hides
// TIME-WAIT and SYN-RECV.
bool tcp_listed(const TcpSocket& s, const CmdSockets& which) {
  if (s.state == TcpState::Closed) return false;
  if (s.state == TcpState::Listen) return !which.connected_only;
  if (which.listening_only) return false;
  if (which.ss && which.connected_only &&
      (s.state == TcpState::TimeWait || s.state == TcpState::SynReceived))
    return false;
  return true;
}

// Linux reports passive SYN-RECV (a request socket) and TIME-WAIT (a timewait socket)
// through minisockets that carry no buffers, no queues and no tcp_info.
bool minisocket(const TcpSocket& s) {
  return s.state == TcpState::TimeWait || (s.state == TcpState::SynReceived && s.passive_origin);
}

// Recv-Q / Send-Q as /proc/net/tcp (netstat) and inet_diag (ss) report them. A listener:
// the accept queue, and for ss the backlog in effect (netstat shows 0; §4.3). Others:
// bytes received but unread, and write_seq − snd_una, which counts an unacknowledged SYN
// or FIN as one byte — hence the familiar "0 1 … SYN_SENT" line.
SocketQueues tcp_queues(const TcpSocket& s, bool ss) {
  SocketQueues q;
  if (s.state == TcpState::Listen) {
    q.recv = s.accept_queue.size();
    q.send = ss ? static_cast<unsigned long long>(s.backlog) : 0;
    return q;
  }
  if (minisocket(s)) return q;
  q.recv = s.recv_buf.size();
  q.send = s.send_buf.size();
  if (s.state == TcpState::SynSent || s.state == TcpState::SynReceived) ++q.send;
  const bool fin_unacked = (s.fin_pending && !s.fin_sent) || (s.fin_sent && s.snd_una <= s.fin_seq);
  if (fin_unacked) ++q.send;
  return q;
}

std::string tcp_peer(const TcpSocket& s) {
  return s.state == TcpState::Listen ? std::string("0.0.0.0:*") : endpoint_text(s.remote_addr, s.remote_port);
}

std::vector<size_t> routes_in_display_order(const Node& n) {
  std::vector<size_t> order(n.routes.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const Route& x = n.routes[a];
    const Route& y = n.routes[b];
    if (x.dst.network() != y.dst.network()) return x.dst.network() < y.dst.network();
    if (x.dst.len != y.dst.len) return x.dst.len < y.dst.len;
    return x.metric < y.metric;
  });
  return order;
}

std::vector<std::string> format_ifconfig(const Node& n, const std::string* only_iface) {
  std::vector<std::string> out;
  for (const Iface& f : n.ifaces) {
    if (!f.addr) continue;  // switch ports are not IP interfaces
    if (only_iface && f.name != *only_iface) continue;
    const bool running = f.link >= 0;
    out.push_back(fmt("%s: flags=%d<UP,BROADCAST%s,MULTICAST>  mtu %u", f.name.c_str(),
                      running ? 4163 : 4099, running ? ",RUNNING" : "", f.mtu));
    out.push_back(fmt("        inet %s  netmask %s  broadcast %s", to_string(f.addr->addr).c_str(),
                      to_string(f.addr->netmask()).c_str(), to_string(f.addr->broadcast()).c_str()));
    out.push_back(fmt("        ether %s  txqueuelen 1000  (Ethernet)", to_string(f.mac).c_str()));
    counters_lines(out, f.counters);
    out.push_back("");
  }
  if (!only_iface || *only_iface == "lo") {
    out.push_back("lo: flags=73<UP,LOOPBACK,RUNNING>  mtu 65536");
    out.push_back("        inet 127.0.0.1  netmask 255.0.0.0");
    out.push_back("        loop  txqueuelen 1000  (Local Loopback)");
    counters_lines(out, n.loopback);
    out.push_back("");
  }
  if (only_iface && out.empty())
    out.push_back(*only_iface + ": error fetching interface information: Device not found");
  return out;
}

std::vector<std::string> format_ip_addr(const Node& n) {
  std::vector<std::string> out;
  out.push_back("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000");
  out.push_back("    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00");
  out.push_back("    inet 127.0.0.1/8 scope host lo");
  out.push_back("       valid_lft forever preferred_lft forever");
  int index = 2;
  for (const Iface& f : n.ifaces) {
    if (!f.addr) continue;
    const bool up = f.link >= 0;
    out.push_back(fmt("%d: %s: <BROADCAST,MULTICAST,UP%s> mtu %u qdisc pfifo_fast state %s group default qlen 1000",
                      index++, f.name.c_str(), up ? ",LOWER_UP" : "", f.mtu, up ? "UP" : "DOWN"));
    out.push_back(fmt("    link/ether %s brd ff:ff:ff:ff:ff:ff", to_string(f.mac).c_str()));
    out.push_back(fmt("    inet %s brd %s scope global %s", to_string(*f.addr).c_str(),
                      to_string(f.addr->broadcast()).c_str(), f.name.c_str()));
    out.push_back("       valid_lft forever preferred_lft forever");
  }
  return out;
}

std::vector<std::string> format_route_n(const Node& n) {
  std::vector<std::string> out;
  out.push_back("Kernel IP routing table");
  out.push_back("Destination     Gateway         Genmask         Flags Metric Ref    Use Iface");
  for (size_t i : routes_in_display_order(n)) {
    const Route& r = n.routes[i];
    out.push_back(fmt("%-15s %-15s %-15s %-5s %-6u %-2d %7llu %s",
                      to_string(r.dst.network()).c_str(),
                      r.gateway ? to_string(*r.gateway).c_str() : "0.0.0.0",
                      to_string(r.dst.netmask()).c_str(), route_flags(r).c_str(), r.metric, 0,
                      (unsigned long long)r.use, iface_name(n, r.iface).c_str()));
  }
  return out;
}

std::vector<std::string> format_ip_route(const Node& n) {
  std::vector<std::string> out;
  for (size_t i : routes_in_display_order(n)) {
    const Route& r = n.routes[i];
    std::string line = r.dst.len == 0 ? "default" : to_string(Prefix{r.dst.network(), r.dst.len});
    if (r.dst.len == 32) line = to_string(r.dst.network());
    if (r.gateway) line += " via " + to_string(*r.gateway);
    line += " dev " + iface_name(n, r.iface);
    if (!r.gateway) {
      const auto& a = n.ifaces[static_cast<size_t>(r.iface)].addr;
      const bool kernel = a && Prefix{a->network(), a->len} == Prefix{r.dst.network(), r.dst.len};
      line += kernel ? " proto kernel scope link" : " scope link";
      if (kernel) line += " src " + to_string(a->addr);
    }
    if (r.metric) line += " metric " + std::to_string(r.metric);
    out.push_back(line + " ");
  }
  return out;
}

std::vector<std::string> format_arp_n(const Node& n, Time now) {
  std::vector<std::string> out;
  const bool any = std::any_of(n.arp_cache.begin(), n.arp_cache.end(),
                               [&](const ArpEntry& e) { return e.expires > now; }) ||
                   !n.arp_pending.empty();
  if (!any) return out;
  out.push_back("Address                  HWtype  HWaddress           Flags Mask            Iface");
  for (const ArpEntry& e : n.arp_cache) {
    if (e.expires <= now) continue;
    out.push_back(fmt("%-24s %-7s %-19s %-5s %-15s %s", to_string(e.ip).c_str(), "ether",
                      to_string(e.mac).c_str(), "C", "", iface_name(n, e.iface).c_str()));
  }
  for (const ArpPending& p : n.arp_pending)
    out.push_back(fmt("%-24s %-27s %-21s %s", to_string(p.ip).c_str(), "        (incomplete)", "",
                      iface_name(n, p.iface).c_str()));
  return out;
}

std::vector<std::string> format_netstat_rows(const std::vector<NetstatRow>& rows, const CmdSockets& which) {
  std::vector<std::string> out;
  out.push_back(which.listening_only   ? "Active Internet connections (only servers)"
                : which.connected_only ? "Active Internet connections (w/o servers)"
                                       : "Active Internet connections (servers and established)");
  out.push_back("Proto Recv-Q Send-Q Local Address           Foreign Address         State      ");
  for (const NetstatRow& r : rows)
    out.push_back(fmt("%-5s %6llu %6llu %-23s %-23s %-11s", r.proto.c_str(), r.recv, r.send, r.local.c_str(),
                      r.peer.c_str(), r.state.c_str()));
  return out;
}

std::vector<std::string> format_netstat(const Node& n, const CmdSockets& which) {
  std::vector<NetstatRow> rows;
  // TCP before UDP, as net-tools prints them; each in creation (index) order.
  if (which.tcp) {
    for (const TcpSocket& s : n.tcp) {
      if (!tcp_listed(s, which)) continue;
      const SocketQueues q = tcp_queues(s, false);
      rows.push_back({"tcp", q.recv, q.send, endpoint_text(s.local_addr, s.local_port), tcp_peer(s),
                      netstat_name(s.state)});
    }
  }
  // An unconnected UDP socket counts as a server: shown by -a and -l, hidden otherwise.
  if (which.udp && !which.connected_only) {
    for (const UdpSocket& s : n.udp) {
      if (!s.open) continue;
      rows.push_back({"udp", (unsigned long long)s.rx_queue_bytes, 0,
                      to_string(s.local_addr) + ":" + std::to_string(s.port), "0.0.0.0:*", ""});
    }
  }
  return format_netstat_rows(rows, which);
}

std::vector<std::string> format_ss(const Node& n, const CmdSockets& which, const TcpConfig& cfg) {
  std::vector<SsRow> rows;
  // TCP before UDP, as ss prints them; each in creation (index) order.
  if (which.tcp) {
    for (const TcpSocket& s : n.tcp) {
      if (!tcp_listed(s, which)) continue;
      const SocketQueues q = tcp_queues(s, true);
      // Listeners and minisockets have no tcp_info worth a line here.
      const bool info = which.info && s.state != TcpState::Listen && !minisocket(s);
      rows.push_back({"tcp", ss_name(s.state), q.recv, q.send, endpoint_text(s.local_addr, s.local_port),
                      tcp_peer(s), info ? ss_info_line(s, cfg) : std::string()});
    }
  }
  // An unconnected (UNCONN) UDP socket counts as listening: ss -l and -a show it.
  if (which.udp && !which.connected_only) {
    for (const UdpSocket& s : n.udp) {
      if (!s.open) continue;
      rows.push_back({"udp", "UNCONN", (unsigned long long)s.rx_queue_bytes, 0,
                      endpoint_text(s.local_addr, s.port), "0.0.0.0:*", std::string()});
    }
  }
  return format_ss_rows(rows, which.tcp && which.udp);
}

namespace {

struct LsofRow {
  int pid = 0;
  std::string command;
  int fd = 0;
  int device = 0;
  std::string proto;  // "TCP" / "UDP"
  std::string name;   // "*:2000 (LISTEN)", "192.168.1.10:40000->192.168.1.20:2000 (ESTABLISHED)"
};

// Made-up but stable PIDs: a console program's is 1000 + the id of its first socket (s1:
// 1001), a built-in program's 30000 + its program id.
constexpr int kConsolePidBase = 1000;
constexpr int kProgramPidBase = 30000;

// lsof's COMMAND is the first 9 characters of the program's name.
std::string program_command(const Program& p) {
  static const char* const names[] = {"ping",      "traceroute", "echo-server", "file-server", "download",
                                      "bulk-sink", "bulk-send",  "requests",    "hping3"};
  static_assert(std::variant_size_v<ProgramState> == sizeof names / sizeof names[0]);
  return std::string(names[p.state.index()]).substr(0, 9);
}

// ADDR:PORT as lsof prints it: * for any address, a well-known port by its service name
// unless -P.
std::string lsof_endpoint(Ipv4 a, uint16_t port, const CmdLsof& how) {
  const std::optional<std::string_view> service = how.numeric_ports ? std::nullopt : service_name(port);
  return (a.v == 0 ? std::string("*") : to_string(a)) + ":" + (service ? std::string(*service) : std::to_string(port));
}

// Whether -i's @ADDR and :PORT select a socket with these ends (either end matches).
bool lsof_selected(const CmdLsof& which, Ipv4 local, uint16_t lport, std::optional<Endpoint> remote) {
  if (which.addr && local != *which.addr && !(remote && remote->addr == *which.addr)) return false;
  if (which.port && lport != *which.port && !(remote && remote->port == *which.port)) return false;
  return true;
}

std::vector<LsofRow> lsof_rows(const Node& n, const CmdLsof& which) {
  std::vector<LsofRow> rows;
  for (const HeldSocket& h : held_sockets(n)) {
    if (!h.tcp) {
      const UdpSocket& u = n.udp[h.index];
      if (!which.udp || !lsof_selected(which, u.local_addr, u.port, std::nullopt)) continue;
      rows.push_back({h.pid, h.command, h.fd, 40000 + u.id, "UDP", lsof_endpoint(u.local_addr, u.port, which)});
      continue;
    }
    const TcpSocket& t = n.tcp[h.index];
    const bool listening = t.state == TcpState::Listen;
    const std::optional<Endpoint> remote =
        listening ? std::nullopt : std::optional<Endpoint>(Endpoint{t.remote_addr, t.remote_port});
    if (!which.tcp || !lsof_selected(which, t.local_addr, t.local_port, remote)) continue;
    std::string name = lsof_endpoint(t.local_addr, t.local_port, which);
    if (remote) name += "->" + lsof_endpoint(remote->addr, remote->port, which);
    name += std::string(" (") + netstat_name(t.state) + ")";
    rows.push_back({h.pid, h.command, h.fd, 40000 + t.id, "TCP", name});
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const LsofRow& a, const LsofRow& b) { return a.pid != b.pid ? a.pid < b.pid : a.fd < b.fd; });
  return rows;
}

}  // namespace

std::vector<HeldSocket> held_sockets(const Node& n) {
  std::vector<HeldSocket> out;
  std::map<int, int> next_fd;  // per process: its sockets take fds 3, 4 … in creation order
  auto take_fd = [&](int pid) { return next_fd.try_emplace(pid, 3).first->second++; };
  // Sockets are visited in creation order (the node's ids grow), UDP and TCP interleaved
  // by id, so each process numbers its descriptors in the order it opened them.
  struct Ref {
    int32_t id;
    bool tcp;
    size_t index;
  };
  std::vector<Ref> refs;
  for (size_t i = 0; i < n.udp.size(); ++i) refs.push_back({n.udp[i].id, false, i});
  for (size_t i = 0; i < n.tcp.size(); ++i) refs.push_back({n.tcp[i].id, true, i});
  std::sort(refs.begin(), refs.end(), [](const Ref& a, const Ref& b) { return a.id < b.id; });
  for (const Ref& r : refs) {
    if (!r.tcp) {
      const UdpSocket& u = n.udp[r.index];
      if (!u.open) continue;
      const int pid = kConsolePidBase + u.id;
      out.push_back({pid, "python3", take_fd(pid), false, r.index, false});
      continue;
    }
    const TcpSocket& t = n.tcp[r.index];
    // Closed by its owner (an orphan), or still in a listener's queues: no process has it.
    if (!t.open() || t.released || t.listener >= 0) continue;
    int pid = kConsolePidBase + t.id;
    std::string command = "python3";
    if (t.owner >= 0) {
      pid = kProgramPidBase + t.owner;
      for (const Program& p : n.programs)
        if (p.id == t.owner) command = program_command(p);
    } else if (t.passive_origin) {
      // An accepted connection belongs to the program that listened on its port: the
      // latest console listener on that port opened before it.
      for (size_t j = 0; j < r.index; ++j) {
        const TcpSocket& l = n.tcp[j];
        if (l.owner < 0 && l.local_port == t.local_port && l.backlog > 0 && l.remote_port == 0)
          pid = kConsolePidBase + l.id;
      }
    }
    out.push_back({pid, command, take_fd(pid), true, r.index, t.owner >= 0});
  }
  return out;
}

std::vector<std::string> format_lsof(const Node& n, const CmdLsof& which) {
  const std::vector<LsofRow> rows = lsof_rows(n, which);
  std::vector<std::string> out;
  if (rows.empty()) return out;  // lsof prints nothing (and exits 1) when nothing matches
  // lsof sizes each column to its widest cell; COMMAND is left-aligned, numbers right.
  size_t cmd_w = 7, pid_w = 3, dev_w = 6;
  for (const LsofRow& r : rows) {
    cmd_w = std::max(cmd_w, r.command.size());
    pid_w = std::max(pid_w, std::to_string(r.pid).size());
    dev_w = std::max(dev_w, std::to_string(r.device).size());
  }
  out.push_back(fmt("%-*s %*s USER   FD   TYPE %*s SIZE/OFF NODE NAME", int(cmd_w), "COMMAND", int(pid_w), "PID",
                    int(dev_w), "DEVICE"));
  for (const LsofRow& r : rows)
    out.push_back(fmt("%-*s %*d root %4du  IPv4 %*d      0t0  %s %s", int(cmd_w), r.command.c_str(), int(pid_w), r.pid,
                      r.fd, int(dev_w), r.device, r.proto.c_str(), r.name.c_str()));
  return out;
}

std::vector<std::string> format_ss_rows(const std::vector<SsRow>& rows, bool netid) {
  // ss sizes each column to its widest cell, so all rows are known first: the State
  // column grows for TIME-WAIT and FIN-WAIT-1 (the 7 of UNCONN/LISTEN is the minimum).
  int state_w = 7;
  for (const SsRow& r : rows) state_w = std::max(state_w, static_cast<int>(r.state.size()));

  std::vector<std::string> out;
  std::string head = netid ? "Netid " : "";
  out.push_back(head + fmt("%-*s %-7s %-7s %21s %-21s %s", state_w, "State", "Recv-Q", "Send-Q",
                           "Local Address:Port", " Peer Address:Port", "Process"));
  for (const SsRow& r : rows) {
    out.push_back((netid ? fmt("%-5s ", r.netid.c_str()) : std::string()) +
                  fmt("%-*s %-7llu %-7llu %21s %-21s", state_w, r.state.c_str(), r.recv, r.send, r.local.c_str(),
                      (" " + r.peer).c_str()));
    if (!r.info.empty()) out.push_back(r.info);
  }
  return out;
}

}  // namespace tcplab
