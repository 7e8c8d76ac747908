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
