// Nodes and what they hold: interfaces, routing table, ARP cache, a switch's MAC table,
// sockets and running programs. All plain data addressed by index (DESIGN.md principle
// 2): a node never points at another node, a link or a socket.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <type_traits>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "sim/core/event_queue.h"
#include "sim/core/fifo.h"
#include "sim/core/sorted_row_index.h"
#include "sim/core/time.h"
#include "sim/apps/tcp_apps.h"
#include "sim/net/route_table.h"
#include "sim/proto/tcp_socket.h"
#include "sim/trace/trace_event.h"
#include "sim/wire/address.h"
#include "sim/wire/headers.h"

namespace tcplab {

struct IfaceCounters {
  uint64_t rx_packets = 0, rx_bytes = 0, rx_dropped = 0;
  uint64_t tx_packets = 0, tx_bytes = 0, tx_dropped = 0;
};

struct Iface {
  std::string name;                // "eth0", or a switch port "p1"
  Mac mac;
  std::optional<Prefix> addr;      // none on a switch port
  int32_t link = -1;               // -1: no cable plugged in
  uint8_t link_side = 0;           // 0: this is the link's end a, 1: end b
  uint32_t mtu = 1500;
  IfaceCounters counters;
};


struct ArpEntry {
  Ipv4 ip;
  Mac mac;
  int32_t iface = -1;
  Time expires = 0;
};

// A resolution in progress: the request is retried, packets wait (Linux: 3 tries, 1 s apart).
struct ArpPending {
  Ipv4 ip;
  int32_t iface = -1;
  int tries = 0;
  EventId timer = 0;
  struct Waiting {
    wire::Bytes framed;            // a whole IPv4 packet behind room for its Ethernet header
    bool origin = false;           // sent by this node (not forwarded): faults apply
    bool retx = false;             // a TCP retransmission
  };
  std::vector<Waiting> waiting;
};

struct MacEntry {                  // a learning switch's table (Linux bridge ageing: 300 s)
  Mac mac;
  int32_t port = -1;
  Time expires = 0;
};

struct Datagram {
  Endpoint from;
  std::vector<uint8_t> data;
};

struct UdpSocket {
  int32_t id = 0;                  // the number in "s1"
  std::string name;                // --as NAME, or empty
  Ipv4 local_addr;                 // 0.0.0.0 = any
  uint16_t port = 0;
  Fifo<Datagram> rx_queue;
  Fifo<uint32_t> readers;          // pending `udp recvfrom` buffer sizes, in call order
  uint64_t rx_queue_bytes = 0;
  std::optional<Endpoint> last_from;  // sender of the last datagram read, for `udp reply`
  bool open = true;
};
// Node::udp grows by one socket per bind: moved, not copied, to new storage (see TcpSocket).
static_assert(std::is_nothrow_move_constructible_v<UdpSocket>);

// ---- programs that outlive the command that started them ---------------------------------
struct PingProgram {
  Ipv4 dst;
  std::optional<int> count;
  Time interval = kSec;
  int size = 56;
  int ttl = 64;
  Time linger = 10 * kSec;
  bool broadcast = false;
  uint16_t ident = 0;
  uint16_t next_seq = 1;
  int transmitted = 0, received = 0, errors = 0, duplicates = 0;
  Time start = 0;
  Time last_sent = 0;
  std::vector<Time> sent_at;       // by icmp_seq - 1
  std::vector<bool> answered;
  Time rtt_min = 0, rtt_max = 0;
  double rtt_sum = 0, rtt_sum2 = 0;  // in ms, for avg and mdev
  bool sending_done = false;
};

struct TracerouteProgram {
  Ipv4 dst;
  int max_hops = 30, queries = 3;
  Time wait = 5 * kSec;
  uint16_t base_port = 33434;
  uint16_t sport = 0;              // the probes' source port
  int ttl = 1;                     // current hop
  int query = 0;                   // probe number within the hop
  uint16_t probe_port = 0;         // destination port of the probe in flight
  Time probe_sent = 0;
  std::string line;                // the hop's line being built
  std::optional<Ipv4> last_from;   // who answered the previous probe of this hop
  bool reached = false;
  bool waiting = false;
};

using ProgramState =
    std::variant<PingProgram, TracerouteProgram, EchoServerProgram, FileServerProgram, DownloadProgram,
                 BulkSinkProgram, BulkSendProgram, RequestsProgram, Hping3Program>;

struct Program {
  int32_t id = 0;
  bool done = false;
  EventId timer = 0;
  ProgramState state;
};
static_assert(std::is_nothrow_move_constructible_v<Program>);  // Node::programs grows too

// A connection's 4-tuple (a host with several addresses may hold two connections that
// differ only in the local address).
struct TcpConnKey {
  uint32_t remote = 0, local = 0;
  uint16_t remote_port = 0, local_port = 0;
  bool operator==(const TcpConnKey&) const = default;
  struct Hash {
    size_t operator()(const TcpConnKey& k) const {
      const uint64_t a = (uint64_t(k.remote) << 32) | (uint64_t(k.remote_port) << 16) | k.local_port;
      return std::hash<uint64_t>{}(a ^ (uint64_t(k.local) * 0x9e3779b97f4a7c15ULL));
    }
  };
};

struct Node {
  std::string name;
  NodeType type = NodeType::Host;
  std::vector<Iface> ifaces;
  IfaceCounters loopback;          // `lo`: packets a node sends to itself or to 127/8
  RouteTable routes;
  std::vector<ArpEntry> arp_cache;  // in the order learned (`arp -n`); only arp.cpp adds rows
  // arp_cache by (address, interface), sorted: the row to use without a scan of the cache
  // (a router with a hundred neighbours resolves every packet it forwards). arp.cpp keeps it.
  SortedRowIndex arp_index;
  std::vector<ArpPending> arp_pending;
  std::vector<MacEntry> mac_table;  // in the order learned (the GUI's MAC table); only switch.cpp adds rows
  // mac_table by MAC (Mac::key()), sorted: a switch finds a frame's source and destination
  // without scanning the table (a switch with a hundred hosts saw every frame scan it twice).
  SortedRowIndex mac_index;
  std::vector<UdpSocket> udp;
  std::vector<TcpSocket> tcp;      // never shrinks: an index names a socket for its lifetime
  // Demultiplexing (RFC 9293 §3.10.7): connections by their 4-tuple, listeners by local
  // port (they listen on every address). Values index `tcp`.
  std::unordered_map<TcpConnKey, int32_t, TcpConnKey::Hash> tcp_conns;
  std::unordered_map<uint16_t, int32_t> tcp_listeners;
  // How many open sockets (listeners and their children included) hold each local port:
  // port_in_use() for bind() and the ephemeral-port search without a scan of `tcp`, which
  // never shrinks (a 10,000-connection storm scanned every socket on every connect).
  // Changed only where a socket opens or closes (tcp_detail::set_state_untraced); a port
  // with no open socket has no entry.
  std::unordered_map<uint16_t, uint32_t> tcp_ports;
  std::vector<Program> programs;   // in id order: only ever appended
  bool ran_hping3 = false;         // hping3 was started here: TCP segments are shown to it
  uint16_t next_ip_id = 1;
  int32_t next_sock_id = 1;        // s1, s2 … shared by every kind of socket
  int32_t next_program_id = 1;

  // The key of Node::tcp_conns.
  static TcpConnKey tcp_conn_key(Ipv4 remote, uint16_t remote_port, Ipv4 local, uint16_t local_port) {
    return TcpConnKey{remote.v, local.v, remote_port, local_port};
  }
  // Live mode: this host is a real Linux kernel in a namespace; frames that reach it
  // leave the world through World::take_kernel_frames (sim/live), its steps run on real
  // sockets. Never set by the simulator itself.
  bool kernel = false;

  bool is_switch() const { return type == NodeType::Switch; }
  bool forwards() const { return type == NodeType::Router; }
  // The interface whose subnet holds `a`, or -1.
  int32_t iface_on_subnet(Ipv4 a) const;
  // True when `a` is one of this node's own addresses (or loopback).
  bool owns(Ipv4 a) const;
  // The interfaces' addresses, sorted, for owns(): a router asks for every packet it
  // forwards, and a hundred interfaces are a long scan. World::from_scenario makes it once
  // the interfaces have their addresses (nothing changes them after); a node built by hand
  // (tests) has none, and owns() looks at the interfaces themselves.
  std::optional<std::vector<uint32_t>> own_addrs;
  void index_own_addresses();
};

}  // namespace tcplab
