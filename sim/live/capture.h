// Live level 2: the real segments on the loopback interface, captured with libpcap
// (needs CAP_NET_RAW). On `lo` each packet is seen once, as an Ethernet frame with zero
// MAC addresses; timestamps are the kernel's, in nanoseconds (PCAP_TSTAMP_PRECISION_NANO).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/time.h"

namespace tcplab::live {

struct CapturedFrame {
  Time t_realtime = 0;           // CLOCK_REALTIME, ns since the epoch (the kernel's stamp)
  std::vector<uint8_t> frame;    // Ethernet frame, whole (snaplen 262144)
};

// The BPF filter for a set of ports: "tcp port 2000 or tcp port 46013 or udp port 53".
std::string bpf_for_ports(const std::vector<uint16_t>& tcp_ports, const std::vector<uint16_t>& udp_ports);

class Capture {
 public:
  // Opens `iface` ("lo") non-blocking, immediate mode, nanosecond stamps, with `bpf`
  // compiled and set. nullopt with `error` ("cannot capture on lo: … (needs CAP_NET_RAW)").
  static std::optional<Capture> open(const std::string& iface, const std::string& bpf, std::string& error);
  Capture(Capture&&) noexcept;
  Capture& operator=(Capture&&) noexcept;
  Capture(const Capture&) = delete;
  Capture& operator=(const Capture&) = delete;
  ~Capture();

  int fd() const;                          // pollable (pcap_get_selectable_fd)
  // Replaces the filter (the runner widens it as ports become known).
  bool set_filter(const std::string& bpf, std::string& error);
  // Every frame captured since the last call, oldest first; never blocks.
  std::vector<CapturedFrame> read_available();

 private:
  Capture() = default;
  void* handle_ = nullptr;  // pcap_t*
};

}  // namespace tcplab::live
