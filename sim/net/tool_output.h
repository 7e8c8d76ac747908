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

}  // namespace tcplab
