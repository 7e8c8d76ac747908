// UDP sockets with Linux semantics (RFC 768; udp(7)): bind to a port or an ephemeral
// one from 32768–60999 (ip_local_port_range), EADDRINUSE on a second bind, one datagram
// per recvfrom — a datagram larger than the buffer is truncated and the rest discarded
// (MSG_TRUNC; TCP-REFERENCE.md §4.6, misconception M16) — and ICMP port unreachable for
// a datagram to a port nobody has bound (unless it was a broadcast).
#include <cstdio>

#include "sim/core/show_data.h"
#include "sim/net/layers.h"

namespace tcplab {
namespace {

constexpr uint16_t kEphemeralLow = 32768;
constexpr uint16_t kEphemeralHigh = 60999;

bool port_in_use(const Node& n, uint16_t port) {
  for (const UdpSocket& s : n.udp)
    if (s.open && s.port == port) return true;
  return false;
}

// Delivers the head of the queue to the first waiting reader.
void serve_readers(World& w, int32_t node, UdpSocket& s) {
  while (!s.readers.empty() && !s.rx_queue.empty()) {
    const uint32_t bufsize = s.readers.front();
    s.readers.pop_front();
    Datagram d = std::move(s.rx_queue.front());
    s.rx_queue.pop_front();
    s.rx_queue_bytes -= d.data.size();
    s.last_from = d.from;
    const size_t copied = std::min<size_t>(bufsize, d.data.size());
    std::string line = "recvfrom(" + std::to_string(bufsize) + ") on " + udp_socket_label(s) + ": " +
                       std::to_string(copied) + " bytes " +
                       show_data(wire::ByteView(d.data.data(), copied)) + " from " +
                       to_string(d.from);
    if (copied < d.data.size()) {
      const size_t lost = d.data.size() - copied;
      line += " [truncated: the datagram had " + std::to_string(d.data.size()) + " bytes; " +
              std::to_string(lost) + (lost == 1 ? " byte was" : " bytes were") + " discarded]";
    }
    w.print(node, line, "s" + std::to_string(s.id));
  }
}

}  // namespace

std::string udp_socket_label(const UdpSocket& s) {
  std::string id = "s" + std::to_string(s.id);
  return s.name.empty() ? id : id + " (" + s.name + ")";
}

int32_t udp_find_socket(const Node& n, std::string_view sock) {
  for (size_t i = 0; i < n.udp.size(); ++i) {
    const UdpSocket& s = n.udp[i];
    if (!s.open) continue;
    if (sock == "s" + std::to_string(s.id) || (!s.name.empty() && sock == s.name))
      return static_cast<int32_t>(i);
  }
  return -1;
}

int32_t udp_open(World& w, int32_t node, uint16_t port, const std::optional<std::string>& name,
                 std::string& error) {
  Node& n = w.node(node);
  if (name) {
    for (const UdpSocket& s : n.udp) {
      if (s.open && s.name == *name) {
        error = "a socket named '" + *name + "' already exists (s" + std::to_string(s.id) + ")";
        return -1;
      }
    }
  }
  if (port != 0 && port_in_use(n, port)) {
    error = "bind: Address already in use";
    return -1;
  }
  if (port == 0) {
    // Linux starts at a random point of the range and walks up to the first free port.
    const uint16_t span = kEphemeralHigh - kEphemeralLow + 1;
    const uint16_t start = static_cast<uint16_t>(w.rng().uniform(0, span - 1));
    for (uint16_t k = 0; k < span; ++k) {
      const uint16_t p = static_cast<uint16_t>(kEphemeralLow + (start + k) % span);
      if (!port_in_use(n, p)) {
        port = p;
        break;
      }
    }
    if (port == 0) {
      error = "bind: Address already in use (no free ephemeral port)";
      return -1;
    }
  }
  UdpSocket s;
  s.id = n.next_sock_id++;
  s.name = name.value_or("");
  s.port = port;
  n.udp.push_back(std::move(s));
  return static_cast<int32_t>(n.udp.size() - 1);
}

bool udp_send(World& w, int32_t node, int32_t sock, Endpoint to, const wire::Bytes& payload,
              std::string& error) {
  Node& n = w.node(node);
  const UdpSocket& s = n.udp[static_cast<size_t>(sock)];
  auto src = ip_source_for(n, to.addr);
  if (!src) {
    error = "sendto: Network is unreachable";
    return false;
  }
  wire::Bytes dgram;
  wire::emit_udp(wire::UdpHeader{s.port, to.port, 0, 0}, *src, to.addr, payload, dgram);
  IpSendOptions opt;
  opt.src = *src;
  if (ip_send(w, node, to.addr, wire::kProtoUdp, dgram, opt) != SendError::None) {
    error = "sendto: Network is unreachable";
    return false;
  }
  return true;
}

void udp_recvfrom(World& w, int32_t node, int32_t sock, uint32_t bufsize) {
  UdpSocket& s = w.node(node).udp[static_cast<size_t>(sock)];
  s.readers.push_back(bufsize);
  if (s.rx_queue.empty())
    w.print(node, "recvfrom(" + std::to_string(bufsize) + ") on " + udp_socket_label(s) +
                      ": waiting for a datagram…",
            "s" + std::to_string(s.id));
  serve_readers(w, node, s);
}

void udp_input(World& w, int32_t node, const wire::Ipv4Header& ip, wire::ByteView ip_packet,
               size_t l4_offset, bool broadcast, const RxContext& rx) {
  wire::ByteView dgram(ip_packet.data() + l4_offset, ip_packet.size() - l4_offset);
  auto h = wire::parse_udp(dgram);
  if (!h) return;
  Node& n = w.node(node);
  for (UdpSocket& s : n.udp) {
    if (!s.open || s.port != h->dport) continue;
    if (s.local_addr.v != 0 && s.local_addr != ip.dst) continue;
    // Linux's default receive buffer (rmem_default 212992) bounds the queue.
    if (s.rx_queue_bytes + h->length > 212992) {
      drop_received(w, node, rx, ip_packet, DropWhy::Queue);
      return;
    }
    Datagram d;
    d.from = Endpoint{ip.src, h->sport};
    d.data.assign(dgram.begin() + wire::kUdpHeaderLen, dgram.begin() + h->length);
    s.rx_queue_bytes += d.data.size();
    s.rx_queue.push_back(std::move(d));
    serve_readers(w, node, s);
    return;
  }
  drop_received(w, node, rx, ip_packet, DropWhy::Closed);
  // RFC 1122 §4.1.3.1: port unreachable, but never for a broadcast (RFC 1122 §3.2.2).
  if (!broadcast)
    icmp_send_error(w, node, wire::kIcmpDestUnreachable, wire::kIcmpCodePortUnreachable, ip_packet);
}

void udp_close(World& w, int32_t node, int32_t sock) {
  UdpSocket& u = w.node(node).udp[static_cast<size_t>(sock)];
  u.open = false;
  u.rx_queue.clear();
  u.readers.clear();
  u.rx_queue_bytes = 0;
}

}  // namespace tcplab
