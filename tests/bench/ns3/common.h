// What the three ns-3 peer programs share: TCP (and ARP) configured as tcplab runs it in the
// benchmarks (tests/bench/gen_macro_bench.py, TCP_TABLE), links whose only queue is the
// drop-tail queue of the device (as tcplab's `queue`), and the command-line parsing.
// Keep the numbers here and in gen_macro_bench.py the same, or the work differs.
#pragma once

#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/traffic-control-module.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace bench {

// tcplab has NewReno (RFC 5681 + RFC 6582) without SACK, timestamps or window scaling, an
// initial window of 10 segments, delayed ACKs (every second segment or 40 ms) and Linux's
// 200 ms minimum RTO; ns-3's defaults differ on SACK (on), timestamps (on), window scaling
// (on), recovery (PRR), the delayed-ACK timeout (200 ms) and the minimum RTO (1 s).
inline void configure_like_tcplab() {
  using namespace ns3;
  Config::SetDefault("ns3::TcpL4Protocol::SocketType", TypeIdValue(TcpNewReno::GetTypeId()));
  Config::SetDefault("ns3::TcpL4Protocol::RecoveryType", TypeIdValue(TcpClassicRecovery::GetTypeId()));
  Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
  Config::SetDefault("ns3::TcpSocket::InitialCwnd", UintegerValue(10));
  // 64 KiB send buffers on both sides: the window cannot exceed 65535 bytes anyway, and ns-3
  // 3.37 with a larger send buffer than the peer's window crashes once flows lose packets
  // (TcpRateLinux::SkbSent on a null item, 99 flows of the dumbbell).
  Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(65535));
  Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(131072));
  Config::SetDefault("ns3::TcpSocketBase::WindowScaling", BooleanValue(false));
  Config::SetDefault("ns3::TcpSocket::DelAckCount", UintegerValue(2));
  Config::SetDefault("ns3::TcpSocket::DelAckTimeout", TimeValue(MilliSeconds(40)));
  Config::SetDefault("ns3::TcpSocketBase::Sack", BooleanValue(false));
  Config::SetDefault("ns3::TcpSocketBase::Timestamp", BooleanValue(false));
  Config::SetDefault("ns3::TcpSocketBase::MinRto", TimeValue(MilliSeconds(200)));
  Config::SetDefault("ns3::TcpSocketBase::LimitedTransmit", BooleanValue(true));
  // tcplab keeps every packet that waits for an ARP reply (Linux keeps up to 212992 bytes,
  // unres_qlen_bytes); ns-3 keeps 3 and drops the rest, so the first pings of a subnet,
  // 1 ms apart, would be lost in ns-3 only.
  Config::SetDefault("ns3::ArpCache::PendingQueueSize", UintegerValue(1000));
}

// Ipv4AddressHelper::Assign puts an FqCoDel queue disc in front of every device; tcplab's
// links have one drop-tail queue, so the devices' own DropTailQueue must be the only one.
inline void remove_queue_discs(const ns3::NetDeviceContainer& devices) {
  ns3::TrafficControlHelper tch;
  tch.Uninstall(devices);
}

// A whole positive number from the command line, or a clear error (exit 2).
inline long positive_arg(const char* prog, const std::string& name, const std::string& text) {
  char* end = nullptr;
  const long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v < 1) {
    std::fprintf(stderr, "%s: --%s wants a positive whole number, not '%s'\n", prog, name.c_str(),
                 text.c_str());
    std::exit(2);
  }
  return v;
}

// Parses `--name=value` or `--name value` pairs into the given slots; anything else is an
// error (exit 2) that names the flags the program knows.
struct Flag {
  const char* name;
  long* value;
};
template <size_t N>
inline void parse_flags(int argc, char** argv, const Flag (&flags)[N]) {
  const char* prog = argv[0];
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i], value;
    bool known = false;
    if (a.rfind("--", 0) == 0) {
      const auto eq = a.find('=');
      std::string name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      for (const Flag& f : flags) {
        if (name != f.name) continue;
        if (eq != std::string::npos) {
          value = a.substr(eq + 1);
        } else if (i + 1 < argc) {
          value = argv[++i];
        } else {
          std::fprintf(stderr, "%s: --%s needs a value\n", prog, f.name);
          std::exit(2);
        }
        *f.value = positive_arg(prog, name, value);
        known = true;
      }
    }
    if (!known) {
      std::string names;
      for (const Flag& f : flags) names += std::string(" --") + f.name + "=N";
      std::fprintf(stderr, "%s: unknown argument '%s' (known:%s)\n", prog, a.c_str(), names.c_str());
      std::exit(2);
    }
  }
}

}  // namespace bench
