// The Tables view's model (issue 4 "Views → Tables"): one node's interfaces, routes, ARP
// cache, sockets (or a switch's MAC table) as rows of cells, read live from the World at
// the cursor. GL-free. The cells are made with the same helpers as the console's
// ifconfig / route -n / arp -n / netstat -an (sim/net/tool_output.h), so the table and
// the console never disagree; a test holds them side by side.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sim/net/world.h"
#include "sim/trace/trace_event.h"
#include "sim/trace/trace_view.h"

namespace tcplab {

struct IfaceRow {  // ifconfig: the interfaces with an address, then lo
  std::string name, address, netmask, broadcast, mac;  // broadcast/mac empty for lo
  uint32_t mtu = 0;
  bool running = false;  // a cable is plugged in (ifconfig's RUNNING)
  IfaceCounters counters;
};
std::vector<IfaceRow> interface_rows(const Node& n);

struct RouteRow {  // route -n, in its order
  std::string destination, gateway, genmask, flags, iface;
  uint32_t metric = 0;
  uint64_t use = 0;
};
std::vector<RouteRow> route_rows(const Node& n);

struct ArpRow {  // arp -n: live entries, then resolutions in progress
  std::string address, hwaddress, iface;
  bool incomplete = false;
  Time expires_in = 0;  // entries only
};
std::vector<ArpRow> arp_rows(const Node& n, Time now);

struct MacRow {  // a learning switch's forwarding table (bridge fdb)
  std::string mac, port;
  Time expires_in = 0;
};
std::vector<MacRow> mac_rows(const Node& n, Time now);

struct SocketTimer {  // like ss -o: which timer is armed and when it fires
  std::string name;   // the trace's names: rto, time_wait, delack, persist, keepalive
  Time remaining = 0;
};

struct SocketRow {  // netstat -an, plus what the GUI needs to act on a row
  std::string proto;  // "tcp" | "udp"
  unsigned long long recv_q = 0, send_q = 0;
  std::string local, foreign, state;  // state: netstat's spelling; empty for UDP
  std::string sock;   // "s2": the id SelectConnection takes
  std::string label;  // "s2 (server.1)"
  std::vector<SocketTimer> timers;
};
// `events[0, count)` is the visible trace: the fire times of the delayed-ACK and FIN-WAIT-2
// timers, which the socket does not keep, come from their `timer set` events.
std::vector<SocketRow> socket_rows(const World& w, int32_t node, TraceView events,
                                   size_t count);

// Live mode (issue 5): the kernel's sockets are no World, so a node's TCP sockets are read
// off the trace's `state` events in events[0, count) — each socket's latest state and its
// addresses, in order of first appearance, closed ones left out (netstat -an lists none).
// The kernel's queues and timers are not traced: they stay 0 and empty.
std::vector<SocketRow> socket_rows_from_trace(int32_t node, TraceView events, size_t count);

// "187ms", "1.2s", "59s": a countdown, short enough for a table cell.
std::string format_remaining(Time t);

}  // namespace tcplab
