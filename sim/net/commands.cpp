// Running a parsed command on a node (DESIGN.md principle 5: one command language).
// Inspection commands print at once; ping and traceroute start programs that print as
// their packets come back; socket commands print what the call returned. A command that
// cannot run where it was typed says why, in the words of the tool.
#include <algorithm>

#include "sim/apps/programs.h"
#include "sim/net/layers.h"
#include "sim/net/tool_output.h"
#include "sim/proto/tcp.h"

namespace tcplab {
namespace {

void print_lines(World& w, int32_t node, const std::vector<std::string>& lines) {
  for (const std::string& l : lines) w.print(node, l);
}

std::string socket_list(const Node& n) {
  std::string ids;
  for (const UdpSocket& s : n.udp) {
    if (!s.open) continue;
    if (!ids.empty()) ids += ", ";
    ids += udp_socket_label(s);
  }
  return ids.empty() ? "it has none" : "its sockets: " + ids;
}

int32_t find_socket_or_say(World& w, int32_t node, const std::string& cmd, const std::string& sock) {
  const Node& n = w.node(node);
  const int32_t s = udp_find_socket(n, sock);
  if (s < 0)
    w.print(node, cmd + ": no UDP socket '" + sock + "' on " + n.name + " (" + socket_list(n) + ")");
  return s;
}


std::string tcp_socket_list(const Node& n) {
  std::string ids;
  for (const TcpSocket& s : n.tcp) {
    if (!s.open() || s.released) continue;
    if (!ids.empty()) ids += ", ";
    ids += tcp_socket_label(s);
  }
  return ids.empty() ? "it has none" : "its sockets: " + ids;
}

// A console-owned TCP socket by id or name, or a message naming what exists.
int32_t find_tcp_or_say(World& w, int32_t node, const std::string& cmd, const std::string& name) {
  const Node& n = w.node(node);
  const int32_t s = tcp_find_socket(n, name);
  if (s < 0) {
    w.print(node, cmd + ": no TCP socket '" + name + "' on " + n.name + " (" + tcp_socket_list(n) + ")");
    return -1;
  }
  if (n.tcp[static_cast<size_t>(s)].owner >= 0) {
    w.print(node, cmd + ": " + tcp_socket_label(n.tcp[static_cast<size_t>(s)]) + " belongs to a program");
    return -1;
  }
  return s;
}

void tcp_command(World& w, int32_t node, const Command& cmd) {
  std::visit(
      [&](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        std::string error;
        if constexpr (std::is_same_v<T, CmdTcpListen>) {
          TcpOpenOptions o;
          o.name = c.name;
          o.auto_read = c.read == ReadMode::Auto;
          o.backlog = c.backlog;
          o.manual_accept = c.manual_accept;
          const int32_t s = tcp_listen(w, node, c.port, o, error);
          if (s < 0) return w.print(node, error);
          const TcpSocket& t = w.node(node).tcp[static_cast<size_t>(s)];
          w.print(node, tcp_socket_label(t) + ": listening on 0.0.0.0:" + std::to_string(c.port) + " (backlog " +
                            std::to_string(t.backlog) + ")",
                  tcp_sock_id(t));
        } else if constexpr (std::is_same_v<T, CmdTcpConnect>) {
          TcpOpenOptions o;
          o.name = c.name;
          o.auto_read = c.read == ReadMode::Auto;
          o.sport = c.sport;
          const int32_t s = tcp_connect(w, node, c.to, o, error);
          if (s < 0) return w.print(node, error);
          const TcpSocket& t = w.node(node).tcp[static_cast<size_t>(s)];
          w.print(node, tcp_socket_label(t) + ": connecting to " + to_string(c.to) + " from " +
                            to_string(t.local_addr) + ":" + std::to_string(t.local_port),
                  tcp_sock_id(t));
        } else if constexpr (std::is_same_v<T, CmdTcpAccept>) {
          const int32_t li = find_tcp_or_say(w, node, "tcp accept", c.listener);
          if (li < 0) return;
          TcpSocket& l = w.node(node).tcp[static_cast<size_t>(li)];
          if (l.state != TcpState::Listen)
            return w.print(node, "tcp accept: " + tcp_socket_label(l) + " is not listening", tcp_sock_id(l));
          l.console_accepts++;
          if (l.accept_queue.empty())
            return w.print(node, tcp_socket_label(l) + ": accept waits: the accept queue is empty", tcp_sock_id(l));
          tcp_console_note(w, node, li, TcpNote::Incoming);
        } else if constexpr (std::is_same_v<T, CmdTcpSend>) {
          const int32_t s = find_tcp_or_say(w, node, "tcp send", c.sock);
          if (s >= 0) tcp_console_send(w, node, s, c.text, c.bytes);
        } else if constexpr (std::is_same_v<T, CmdTcpRecv>) {
          const int32_t s = find_tcp_or_say(w, node, "tcp recv", c.sock);
          if (s >= 0) tcp_console_recv(w, node, s, c.max);
        } else if constexpr (std::is_same_v<T, CmdTcpShutdown>) {
          const int32_t s = find_tcp_or_say(w, node, "tcp shutdown", c.sock);
          if (s >= 0 && !tcp_shutdown(w, node, s, error)) w.print(node, error);
        } else if constexpr (std::is_same_v<T, CmdTcpClose>) {
          const int32_t s = find_tcp_or_say(w, node, "tcp close", c.sock);
          if (s >= 0 && !tcp_close(w, node, s, error)) w.print(node, error);
        } else if constexpr (std::is_same_v<T, CmdTcpAbort>) {
          const int32_t s = find_tcp_or_say(w, node, "tcp abort", c.sock);
          if (s >= 0 && !tcp_abort(w, node, s, error)) w.print(node, error);
        } else if constexpr (std::is_same_v<T, CmdTcpSetsockopt>) {
          const int32_t s = find_tcp_or_say(w, node, "tcp setsockopt", c.sock);
          if (s < 0) return;
          static const char* const names[] = {"TCP_NODELAY (Nagle off)", "SO_LINGER {1, 0} (close() resets)",
                                              "delayed ACKs", "SO_RCVBUF", "SO_SNDBUF"};
          const bool flag = c.option != TcpOption::RcvBuf && c.option != TcpOption::SndBuf;
          tcp_setsockopt(w, node, s, c.option, c.value);
          const TcpSocket& t = w.node(node).tcp[static_cast<size_t>(s)];
          w.print(node, tcp_socket_label(t) + ": " + names[static_cast<int>(c.option)] + " " +
                            (flag ? (c.value ? "on" : "off") : std::to_string(c.value) + " bytes"),
                  tcp_sock_id(t));
        } else if constexpr (std::is_same_v<T, CmdAppEchoServer>) {
          echo_server_start(w, node, c);
        } else if constexpr (std::is_same_v<T, CmdAppFileServer>) {
          file_server_start(w, node, c);
        } else if constexpr (std::is_same_v<T, CmdAppDownload>) {
          download_start(w, node, c);
        } else if constexpr (std::is_same_v<T, CmdAppBulkSink>) {
          bulk_sink_start(w, node, c);
        } else if constexpr (std::is_same_v<T, CmdAppBulkSend>) {
          bulk_send_start(w, node, c);
        } else if constexpr (std::is_same_v<T, CmdAppRequests>) {
          requests_start(w, node, c);
        } else if constexpr (std::is_same_v<T, CmdHping3>) {
          hping3_start(w, node, c);
        }
      },
      cmd);
}

// kill PID: the modelled process (tool_output.h held_sockets) ends, and the kernel closes
// every socket it held, as close() does: a FIN, or a RST when received data is unread; a
// listener's connections not yet accepted are reset. Built-in programs are not stopped:
// they have no way to end half-way here.
void kill_process(World& w, int32_t node, int pid) {
  std::vector<HeldSocket> mine;
  for (const HeldSocket& h : held_sockets(w.node(node)))
    if (h.pid == pid) mine.push_back(h);
  if (mine.empty()) return w.print(node, "kill: (" + std::to_string(pid) + ") - No such process");
  if (mine.front().program)
    return w.print(node, "kill: " + std::to_string(pid) + " is tcplab's built-in program " + mine.front().command +
                             ": tcplab cannot stop its built-in programs (on Linux, root could kill it)");
  for (const HeldSocket& h : mine) {
    if (!h.tcp) {
      udp_close(w, node, static_cast<int32_t>(h.index));
      continue;
    }
    std::string error;
    if (!tcp_close(w, node, static_cast<int32_t>(h.index), error)) w.print(node, error);
  }
}

void route_add(World& w, int32_t node, const CmdRouteAdd& c) {
  Node& n = w.node(node);
  Route r;
  r.dst = Prefix{c.dst.network(), c.dst.len};
  r.gateway = c.gateway;
  r.metric = c.metric;
  if (c.dev) {
    for (size_t i = 0; i < n.ifaces.size(); ++i)
      if (n.ifaces[i].name == *c.dev && n.ifaces[i].addr) r.iface = static_cast<int32_t>(i);
    if (r.iface < 0) {
      w.print(node, "SIOCADDRT: No such device");
      return;
    }
  }
  if (c.gateway) {
    // Linux requires the gateway to be reachable on a connected subnet.
    const int32_t on = n.iface_on_subnet(*c.gateway);
    if (on < 0 || (r.iface >= 0 && on != r.iface)) {
      w.print(node, "SIOCADDRT: Network is unreachable");
      return;
    }
    r.iface = on;
  }
  if (r.iface < 0) {
    w.print(node, "SIOCADDRT: No such device (give a gateway with 'gw' or an interface with 'dev')");
    return;
  }
  for (const Route& e : n.routes) {
    if (e.dst.network() == r.dst.network() && e.dst.len == r.dst.len && e.metric == r.metric) {
      w.print(node, "SIOCADDRT: File exists");
      return;
    }
  }
  n.routes.push_back(r);
}

void route_del(World& w, int32_t node, const CmdRouteDel& c) {
  Node& n = w.node(node);
  for (size_t i = 0; i < n.routes.size(); ++i) {
    const Route& e = n.routes[i];
    if (e.dst.network() != c.dst.network() || e.dst.len != c.dst.len) continue;
    if (c.gateway && e.gateway != c.gateway) continue;
    if (c.dev && n.ifaces[static_cast<size_t>(e.iface)].name != *c.dev) continue;
    n.routes.erase(n.routes.begin() + static_cast<long>(i));
    return;
  }
  w.print(node, "SIOCDELRT: No such process");
}

}  // namespace

void execute_command(World& w, int32_t node, const Command& cmd) {
  Node& n = w.node(node);
  if (n.is_switch()) {
    w.print(node, n.name + " is a switch: switches have no console");
    return;
  }
  std::visit(
      [&](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, CmdIfconfig>) {
          print_lines(w, node, format_ifconfig(n, c.iface ? &*c.iface : nullptr));
        } else if constexpr (std::is_same_v<T, CmdIpAddr>) {
          print_lines(w, node, format_ip_addr(n));
        } else if constexpr (std::is_same_v<T, CmdRouteShow>) {
          print_lines(w, node, c.iproute2 ? format_ip_route(n) : format_route_n(n));
        } else if constexpr (std::is_same_v<T, CmdArpShow>) {
          print_lines(w, node, format_arp_n(n, w.now()));
        } else if constexpr (std::is_same_v<T, CmdSockets>) {
          print_lines(w, node, c.ss ? format_ss(n, c, w.tcp_config()) : format_netstat(n, c));
        } else if constexpr (std::is_same_v<T, CmdLsof>) {
          print_lines(w, node, format_lsof(n, c));
        } else if constexpr (std::is_same_v<T, CmdKill>) {
          for (int pid : c.pids) kill_process(w, node, pid);
        } else if constexpr (std::is_same_v<T, CmdRouteAdd>) {
          route_add(w, node, c);
        } else if constexpr (std::is_same_v<T, CmdRouteDel>) {
          route_del(w, node, c);
        } else if constexpr (std::is_same_v<T, CmdPing>) {
          ping_start(w, node, c);
        } else if constexpr (std::is_same_v<T, CmdTraceroute>) {
          traceroute_start(w, node, c);
        } else if constexpr (std::is_same_v<T, CmdUdpBind>) {
          std::string error;
          const int32_t s = udp_open(w, node, c.port, c.name, error);
          if (s < 0) {
            w.print(node, error);
            return;
          }
          const UdpSocket& sock = w.node(node).udp[static_cast<size_t>(s)];
          w.print(node, udp_socket_label(sock) + ": UDP socket bound to 0.0.0.0:" + std::to_string(sock.port) +
                            (sock.port < 1024 ? " (a well-known port)" : ""),
                  "s" + std::to_string(sock.id));
        } else if constexpr (std::is_same_v<T, CmdUdpSendto>) {
          int32_t s = -1;
          std::string error;
          if (c.sock) {
            s = find_socket_or_say(w, node, "udp sendto", *c.sock);
            if (s < 0) return;
          } else {
            s = udp_open(w, node, 0, std::nullopt, error);
            if (s < 0) {
              w.print(node, error);
              return;
            }
          }
          const wire::Bytes payload = command_payload(c.text, c.bytes);
          const UdpSocket& sock = w.node(node).udp[static_cast<size_t>(s)];
          const std::string label = udp_socket_label(sock);
          const std::string sid = "s" + std::to_string(sock.id);
          const uint16_t port = sock.port;
          if (!udp_send(w, node, s, c.to, payload, error)) {
            w.print(node, error, sid);
            return;
          }
          w.print(node, "sendto " + to_string(c.to) + " from " + label + " (port " +
                            std::to_string(port) + "): " + std::to_string(payload.size()) + " bytes",
                  sid);
        } else if constexpr (std::is_same_v<T, CmdUdpReply>) {
          const int32_t s = find_socket_or_say(w, node, "udp reply", c.sock);
          if (s < 0) return;
          const UdpSocket& sock = w.node(node).udp[static_cast<size_t>(s)];
          const std::string sid = "s" + std::to_string(sock.id);
          if (!sock.last_from) {
            w.print(node, "udp reply: " + udp_socket_label(sock) +
                              " has not received a datagram yet (udp recvfrom first)", sid);
            return;
          }
          const Endpoint to = *sock.last_from;
          const std::string label = udp_socket_label(sock);
          const wire::Bytes payload = command_payload(c.text, c.bytes);
          std::string error;
          if (!udp_send(w, node, s, to, payload, error)) {
            w.print(node, error, sid);
            return;
          }
          w.print(node, "sendto " + to_string(to) + " from " + label + ": " +
                            std::to_string(payload.size()) + " bytes (a reply to the last sender)",
                  sid);
        } else if constexpr (std::is_same_v<T, CmdUdpRecvfrom>) {
          const int32_t s = find_socket_or_say(w, node, "udp recvfrom", c.sock);
          if (s >= 0) udp_recvfrom(w, node, s, c.bufsize);
        } else {
          tcp_command(w, node, cmd);
        }
      },
      cmd);
}

}  // namespace tcplab
