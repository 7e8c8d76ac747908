// What the inspection commands print, laid out like the Linux tools a student will meet
// (net-tools ifconfig/route/arp/netstat, iproute2 ip/ss). Pure functions of a node.
#pragma once
#include <string>
#include <vector>

#include "sim/net/node.h"
#include "sim/proto/tcp_config.h"
#include "sim/scenario/command.h"

namespace tcplab {

std::vector<std::string> format_ifconfig(const Node& n, const std::string* only_iface = nullptr);
std::vector<std::string> format_ip_addr(const Node& n);
std::vector<std::string> format_route_n(const Node& n);
std::vector<std::string> format_ip_route(const Node& n);
std::vector<std::string> format_arp_n(const Node& n, Time now);
// `which` says which sockets the flags ask for (-t/-u, -l, neither -a nor -l).
std::vector<std::string> format_netstat(const Node& n, const CmdSockets& which);
// `cfg`: the world's TCP settings, for the RTO that `ss -i` shows (its cap is max_rto).
std::vector<std::string> format_ss(const Node& n, const CmdSockets& which, const TcpConfig& cfg = {});
// lsof -i: which process holds which socket, in lsof's columns (COMMAND PID USER FD TYPE
// DEVICE SIZE/OFF NODE NAME), sorted by PID then FD. The simulator has no processes, so
// they are modelled (see lsof_rows in tool_output.cpp): each console command that opens a
// socket stands for one program ("python3"), which also holds the connections its
// listener accepted; a built-in program (`app …`) is one process named after it. Sockets
// no process holds (closed by their owner: TIME_WAIT, FIN_WAIT…) or not yet accepted are
// not listed, as with the real lsof.
std::vector<std::string> format_lsof(const Node& n, const CmdLsof& which);
// A socket some modelled process holds, as lsof lists it (and as kill ends it).
struct HeldSocket {
  int pid = 0;
  std::string command;  // "python3", or the built-in program's name cut to 9 characters
  int fd = 0;           // 3, 4 … in the order the process opened them
  bool tcp = false;
  size_t index = 0;     // into Node::tcp or Node::udp
  bool program = false; // held by a built-in program (`app …`), not a console one
};
std::vector<HeldSocket> held_sockets(const Node& n);  // in creation order
// One line of an `ss` listing, and the layout of a whole listing: format_ss() above is
// made of these, and so is the live mode's listing of the kernel's own sockets
// (sim/live/sock_diag.cpp), so that the two tables look the same.
struct SsRow {
  std::string netid;  // "tcp" / "udp"
  std::string state;  // ss's spelling: "ESTAB", "TIME-WAIT", "UNCONN"
  unsigned long long recv = 0, send = 0;
  std::string local, peer;  // "127.0.0.1:2000", "0.0.0.0:*"
  std::string info;         // ss -i's detail line, or ""
};
// The header, then each row (and its info line); `netid`: the Netid column (-t and -u).
std::vector<std::string> format_ss_rows(const std::vector<SsRow>& rows, bool netid);
// The same for `netstat -an`: its header for `which`, then one line per row (TCP state
// in netstat's spelling, "" for UDP).
struct NetstatRow {
  std::string proto;  // "tcp" / "udp"
  unsigned long long recv = 0, send = 0;
  std::string local, peer, state;
};
std::vector<std::string> format_netstat_rows(const std::vector<NetstatRow>& rows, const CmdSockets& which);
// Routes in the order Linux lists them (the kernel's trie walk: by destination, then
// prefix length) — which is not the order a lookup tries them in.
std::vector<size_t> routes_in_display_order(const Node& n);

// The pieces the listings above are made of, for the GUI's tables (render/tables_view.cpp),
// which must show the same values as the console.
std::string route_flags(const Route& r);  // route -n's Flags: "U", "UG", "UH"
// Whether netstat/ss with these flags lists the socket (CLOSED never; LISTEN with -a/-l).
bool tcp_listed(const TcpSocket& s, const CmdSockets& which);
// Linux's minisockets (passive SYN-RECV, TIME-WAIT): no buffers, no queues, no tcp_info.
bool minisocket(const TcpSocket& s);
struct SocketQueues {
  unsigned long long recv = 0, send = 0;
};
// Recv-Q / Send-Q as netstat (`ss` = false) or ss (`ss` = true) prints them.
SocketQueues tcp_queues(const TcpSocket& s, bool ss);
// The Foreign Address column: "0.0.0.0:*" for a listener, else the peer's endpoint.
std::string tcp_peer(const TcpSocket& s);

}  // namespace tcplab
