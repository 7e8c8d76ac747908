// The functions of each layer, free functions over the world (smoltcp's "the socket
// takes and returns values"): each file implements one layer and calls down or up
// through these declarations only.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "sim/net/world.h"

namespace tcplab {

// link.cpp: put a frame on the link behind `iface` (queue, serialisation, loss). Frames are
// immutable from here on, and shared: a switch floods one frame to all its ports uncopied.
void link_send(World& w, int32_t node, int32_t iface, wire::SharedBytes frame, bool fault_drop = false,
               uint64_t id = 0, bool retx = false);
void link_frame_arrives(World& w, EvFrameArrives& e);
void link_free(World& w, const EvLinkFree& e);

// switch.cpp: a frame reaches a switch port.
void switch_receive(World& w, int32_t node, int32_t port, uint64_t id, const wire::SharedBytes& frame);

// faults.cpp: a frame a node originated is about to go on a link: apply [[fault]] rules.
void send_with_faults(World& w, int32_t node, int32_t iface, wire::Bytes frame, bool retx = false);
// A frame a switch or router forwards: only rules that name this node apply (`id`: the
// switch keeps the frame's id; 0 for a router's new frame).
void forward_with_faults(World& w, int32_t node, int32_t iface, wire::SharedBytes frame, uint64_t id = 0);

// routing.cpp: longest-prefix match (RFC 1812 §5.2.4.3), whatever the table's order.
struct RouteChoice {
  int32_t route = -1;   // index into node.routes
  int32_t iface = -1;
  Ipv4 next_hop;        // the gateway, or the destination itself when directly connected
};
std::optional<RouteChoice> route_lookup(const Node& n, Ipv4 dst);
void add_connected_routes(Node& n);

// arp.cpp
// A packet on its way down is an IPv4 packet behind kEthernetHeaderLen bytes of room
// (make_framed): the Ethernet header is written into the room once the next hop's MAC is
// known, so the packet becomes its frame without another copy (issue 6: a forwarded packet
// was copied three times per hop).
wire::Bytes make_framed(size_t ip_packet_len);
// Writes the Ethernet header to `dst` into a framed packet and sends it (through the fault
// rules when this node originated it).
void ip_frame_send(World& w, int32_t node, int32_t iface, Mac dst, wire::Bytes framed,
                   bool origin, bool retx = false);
void arp_resolve_and_send(World& w, int32_t node, int32_t iface, Ipv4 next_hop,
                          wire::Bytes framed, bool origin, bool retx = false);
void arp_input(World& w, int32_t node, int32_t iface, const wire::ArpPacket& a);
void arp_retry(World& w, const EvArpRetry& e);

// ipv4.cpp
enum class SendError { None, NetUnreachable, NoSourceAddress };
struct IpSendOptions {
  uint8_t ttl = 64;
  bool df = true;                       // Linux sets DF on UDP/ICMP with PMTU discovery
  std::optional<Ipv4> src;              // bound address; none: the outgoing interface's
  bool retx = false;                    // a TCP retransmission: marks the tx event
};
// Sends an IPv4 packet this node originates. `l4` is the transport message, which must
// have been checksummed with the source address ip_source_for() gives.
SendError ip_send(World& w, int32_t node, Ipv4 dst, uint8_t protocol, const wire::Bytes& l4,
                  const IpSendOptions& opt = {});
// The same for a transport message written behind kL4Room bytes of room (make_l4_framed),
// into which the IPv4 and Ethernet headers go: a TCP segment is not copied to be sent.
constexpr size_t kL4Room = wire::kEthernetHeaderLen + wire::kIpv4HeaderLen;
wire::Bytes make_l4_framed(size_t l4_len);
SendError ip_send_framed(World& w, int32_t node, Ipv4 dst, uint8_t protocol, wire::Bytes framed,
                         const IpSendOptions& opt = {});
// The source address a packet to `dst` would carry (RFC 1122 §3.3.4.3), or none.
std::optional<Ipv4> ip_source_for(const Node& n, Ipv4 dst);
void node_receive(World& w, int32_t node, int32_t iface, uint64_t id, const wire::SharedBytes& frame);
// The frame a packet arrived in, so that a layer above can report a drop of it (why
// "closed", …) under the same id. Empty for packets that never left the host.
struct RxContext {
  uint64_t id = 0;
  int32_t link = -1;
  const wire::SharedBytes* frame = nullptr;  // valid only during the call
};
void ip_local_deliver(World& w, int32_t node, wire::ByteView ip_packet, const RxContext& rx = {});
// Emits a `drop` for the packet being received (or a stand-alone frame for a local one).
void drop_received(World& w, int32_t node, const RxContext& rx, wire::ByteView ip_packet,
                   DropWhy why);
// Sends an ICMP error about `offending` (an IPv4 packet) back to its source (RFC 1812 §4.3.2).
void icmp_send_error(World& w, int32_t node, uint8_t type, uint8_t code,
                     wire::ByteView offending, std::optional<Ipv4> from = std::nullopt);

// sim/proto/icmp.cpp, udp.cpp
void icmp_input(World& w, int32_t node, const wire::Ipv4Header& ip, wire::ByteView ip_packet,
                size_t l4_offset, bool broadcast, const RxContext& rx);
void udp_input(World& w, int32_t node, const wire::Ipv4Header& ip, wire::ByteView ip_packet,
               size_t l4_offset, bool broadcast, const RxContext& rx);
// UDP sockets, for commands (sim/proto/udp.cpp). Socket lookups take "s1" or a --as name.
int32_t udp_find_socket(const Node& n, std::string_view sock);  // index into n.udp, or -1
std::string udp_socket_label(const UdpSocket& s);  // "s1", or "s1 (server)" with a --as name
// Opens a socket on `port` (0: ephemeral). Returns its index, or -1 with `error` set.
int32_t udp_open(World& w, int32_t node, uint16_t port, const std::optional<std::string>& name,
                 std::string& error);
// Sends one datagram; prints what happened or the error, like the command would.
bool udp_send(World& w, int32_t node, int32_t sock, Endpoint to, const wire::Bytes& payload,
              std::string& error);
// Reads one datagram now if one is queued, else waits for the next.
void udp_recvfrom(World& w, int32_t node, int32_t sock, uint32_t bufsize);
// close(): the port is free again, and what was queued or awaited is gone.
void udp_close(World& w, int32_t node, int32_t sock);

// sim/apps: ping and traceroute
void program_timer(World& w, const EvProgramTimer& e);
void ping_start(World& w, int32_t node, const CmdPing& cmd);
void traceroute_start(World& w, int32_t node, const CmdTraceroute& cmd);
// ICMP for programs: an echo reply (icmp_len: the whole ICMP message's length), and an
// error from `from` quoting a packet we sent (the quoted IP header and what follows it).
void programs_echo_reply(World& w, int32_t node, const wire::Ipv4Header& ip,
                         const wire::IcmpHeader& icmp, size_t icmp_len);
void programs_icmp_error(World& w, int32_t node, Ipv4 from, uint8_t type, uint8_t code,
                         wire::ByteView quoted);

}  // namespace tcplab

namespace tcplab {
// commands.cpp: runs one parsed command on a node (prints through World::print).
void execute_command(World& w, int32_t node, const Command& cmd);
}  // namespace tcplab
