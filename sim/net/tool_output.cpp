// Layouts of ifconfig, ip addr, route -n, ip route, arp -n, netstat -an and ss (see
// tool_output.h). Column widths follow net-tools' and iproute2's format strings.
#include "sim/net/tool_output.h"

#include <algorithm>
#include <cstdio>

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

std::string route_flags(const Route& r) {
  std::string f = "U";
  if (r.gateway) f += "G";
  if (r.dst.len == 32) f += "H";
  return f;
}

const std::string& iface_name(const Node& n, int32_t i) { return n.ifaces[static_cast<size_t>(i)].name; }

}  // namespace

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

std::vector<std::string> format_netstat(const Node& n, const CmdSockets& which) {
  std::vector<std::string> out;
  out.push_back(which.listening_only   ? "Active Internet connections (only servers)"
                : which.connected_only ? "Active Internet connections (w/o servers)"
                                       : "Active Internet connections (servers and established)");
  out.push_back("Proto Recv-Q Send-Q Local Address           Foreign Address         State      ");
  // TCP rows arrive with the TCP layer. An unconnected UDP socket counts as a server:
  // shown by -a and -l, hidden otherwise.
  if (which.udp && !which.connected_only) {
    for (const UdpSocket& s : n.udp) {
      if (!s.open) continue;
      const std::string local = to_string(s.local_addr) + ":" + std::to_string(s.port);
      out.push_back(fmt("%-5s %6llu %6d %-23s %-23s %-11s", "udp", (unsigned long long)s.rx_queue_bytes,
                        0, local.c_str(), "0.0.0.0:*", ""));
    }
  }
  return out;
}

std::vector<std::string> format_ss(const Node& n, const CmdSockets& which) {
  std::vector<std::string> out;
  const bool netid = which.tcp && which.udp;
  std::string head = netid ? "Netid " : "";
  out.push_back(head + fmt("%-7s %-7s %-7s %21s %-21s %s", "State", "Recv-Q", "Send-Q",
                           "Local Address:Port", " Peer Address:Port", "Process"));
  // An unconnected (UNCONN) UDP socket counts as listening: ss -l and -a show it.
  if (which.udp && !which.connected_only) {
    for (const UdpSocket& s : n.udp) {
      if (!s.open) continue;
      const std::string local = to_string(s.local_addr) + ":" + std::to_string(s.port);
      out.push_back((netid ? std::string("udp   ") : std::string()) +
                    fmt("%-7s %-7llu %-7d %21s %-21s", "UNCONN", (unsigned long long)s.rx_queue_bytes,
                        0, local.c_str(), " 0.0.0.0:*"));
    }
  }
  return out;
}

}  // namespace tcplab
