// Capturing the kernel's segments with libpcap (pcap(3PCAP)): a handle created and tuned
// before activation (immediate delivery, nanosecond stamps, whole frames), then a BPF
// filter on the ports of interest so that the kernel hands us nothing else.
#include "sim/live/capture.h"

#include <pcap/pcap.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <set>

namespace tcplab::live {
namespace {

pcap_t* pcap(void* h) { return static_cast<pcap_t*>(h); }

// The path of the running binary, for the setcap hint (setcap needs the real file).
std::string self_path() {
  char buf[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "tcplab";
  return std::string(buf, static_cast<size_t>(n));
}

void on_packet(u_char* user, const pcap_pkthdr* h, const u_char* bytes) {
  auto* ctx = reinterpret_cast<std::pair<std::vector<CapturedFrame>*, bool>*>(user);
  CapturedFrame f;
  // In nanosecond precision tv_usec holds nanoseconds (pcap_set_tstamp_precision(3PCAP)).
  const Time sub = ctx->second ? Time(h->ts.tv_usec) : Time(h->ts.tv_usec) * kUs;
  f.t_realtime = Time(h->ts.tv_sec) * kSec + sub;
  f.frame.assign(bytes, bytes + h->caplen);
  ctx->first->push_back(std::move(f));
}

}  // namespace

std::string bpf_for_ports(const std::vector<uint16_t>& tcp_ports, const std::vector<uint16_t>& udp_ports) {
  std::string out;
  auto add = [&](const char* proto, const std::vector<uint16_t>& ports) {
    // Sorted and without repeats, so the same set always gives the same filter.
    for (uint16_t p : std::set<uint16_t>(ports.begin(), ports.end())) {
      if (!out.empty()) out += " or ";
      out += std::string(proto) + " port " + std::to_string(p);
    }
  };
  add("tcp", tcp_ports);
  add("udp", udp_ports);
  // No port yet: a filter that lets nothing interesting through (an empty filter would
  // let everything through, and one that provably rejects everything is refused by
  // pcap_compile's optimiser). Port 0 is never used by a real connection.
  return out.empty() ? "tcp port 0" : out;
}

std::optional<Capture> Capture::open(const std::string& iface, const std::string& bpf, std::string& error) {
  const std::string what = "cannot capture on " + iface + ": ";
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  pcap_t* p = pcap_create(iface.c_str(), errbuf);
  if (!p) {
    error = what + errbuf;
    return std::nullopt;
  }
  Capture c;
  c.handle_ = p;  // from here on the destructor closes it, whatever fails

  pcap_set_snaplen(p, 262144);
  pcap_set_promisc(p, 0);
  // Deliver each packet as it arrives, not when a buffer fills: the talk commands print
  // a line per segment as it happens, and the live run stamps events promptly.
  pcap_set_immediate_mode(p, 1);
  // Nanosecond stamps when the platform offers them; else microseconds (× 1000 on read).
  pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);

  const int rc = pcap_activate(p);
  if (rc < 0) {
    std::string why = pcap_geterr(p);
    if (why.empty()) why = pcap_statustostr(rc);
    error = what + why;
    if (rc == PCAP_ERROR_PERM_DENIED)
      error += " (needs CAP_NET_RAW: run with sudo, or: sudo setcap cap_net_raw,cap_net_admin,cap_sys_admin+ep " +
               self_path() + ")";
    else if (rc == PCAP_ERROR_NO_SUCH_DEVICE)
      error += " (no such interface)";
    return std::nullopt;
  }
  // Positive values are warnings (e.g. a time-stamp type not supported): harmless here.

  // The trace model reads Ethernet frames; `lo` and TAP devices give them.
  if (pcap_datalink(p) != DLT_EN10MB) {
    const char* name = pcap_datalink_val_to_name(pcap_datalink(p));
    error = what + "not an Ethernet interface (link type " + (name ? name : "unknown") + ")";
    return std::nullopt;
  }
  if (pcap_setnonblock(p, 1, errbuf) < 0) {
    error = what + "cannot make it non-blocking: " + errbuf;
    return std::nullopt;
  }
  if (!c.set_filter(bpf, error)) {
    error = what + error;
    return std::nullopt;
  }
  return c;
}

Capture::Capture(Capture&& o) noexcept : handle_(o.handle_) { o.handle_ = nullptr; }

Capture& Capture::operator=(Capture&& o) noexcept {
  if (this != &o) {
    if (handle_) pcap_close(pcap(handle_));
    handle_ = o.handle_;
    o.handle_ = nullptr;
  }
  return *this;
}

Capture::~Capture() {
  if (handle_) pcap_close(pcap(handle_));
}

int Capture::fd() const { return handle_ ? pcap_get_selectable_fd(pcap(handle_)) : -1; }

bool Capture::set_filter(const std::string& bpf, std::string& error) {
  bpf_program prog{};
  // Optimised; the netmask only matters for "ip broadcast", which we never use.
  if (pcap_compile(pcap(handle_), &prog, bpf.c_str(), 1, PCAP_NETMASK_UNKNOWN) < 0) {
    error = "bad capture filter \"" + bpf + "\": " + pcap_geterr(pcap(handle_));
    return false;
  }
  const int rc = pcap_setfilter(pcap(handle_), &prog);
  pcap_freecode(&prog);
  if (rc < 0) {
    error = "cannot set the capture filter \"" + bpf + "\": " + pcap_geterr(pcap(handle_));
    return false;
  }
  return true;
}

std::vector<CapturedFrame> Capture::read_available() {
  std::vector<CapturedFrame> out;
  if (!handle_) return out;
  std::pair<std::vector<CapturedFrame>*, bool> ctx{
      &out, pcap_get_tstamp_precision(pcap(handle_)) == PCAP_TSTAMP_PRECISION_NANO};
  // Non-blocking: each call hands over what one kernel buffer holds, 0 once nothing is
  // left; a negative value is an error (the interface went away), after which there is
  // nothing more to read either.
  while (pcap_dispatch(pcap(handle_), -1, on_packet, reinterpret_cast<u_char*>(&ctx)) > 0) {
  }
  return out;
}

}  // namespace tcplab::live
