#include "sim/live/live_run.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <limits>
#include <fstream>
#include <map>
#include <set>

#include "sim/live/capture.h"
#include "sim/live/kernel_host.h"
#include "sim/live/netns.h"
#include "sim/live/privileges.h"
#include "sim/live/segment_states.h"
#include "sim/live/sock_diag.h"
#include "sim/net/world.h"
#include "sim/wire/checksum.h"
#include "sim/wire/frame.h"

namespace tcplab::live {
namespace {

constexpr Time kSampleEvery = kMs;        // sock_diag sampling period
constexpr Time kCaptureSlack = 30 * kMs;  // how late a captured frame may be read
constexpr Time kTimeMax = std::numeric_limits<Time>::max();

Time realtime_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return Time(ts.tv_sec) * kSec + ts.tv_nsec;
}

std::string read_first_line(const std::string& path) {
  std::ifstream f(path);
  std::string line;
  std::getline(f, line);
  return line;
}

// The hosts level 3 realises: the --kernel option, else the scenario's `kernel = true`
// marks, else every host that runs a step.
std::vector<int32_t> realised_hosts(const Scenario& sc, const LiveOptions& o, std::string& error) {
  std::vector<int32_t> out;
  if (!o.kernel_nodes.empty()) {
    for (const std::string& n : o.kernel_nodes) {
      const int32_t i = sc.node_index(n);
      if (i < 0) {
        error = "--kernel: no node '" + n + "' in the scenario";
        return {};
      }
      if (sc.nodes[size_t(i)].type != NodeType::Host) {
        error = "--kernel: '" + n + "' is a " + to_string(sc.nodes[size_t(i)].type) + "; only hosts can be real kernels";
        return {};
      }
      out.push_back(i);
    }
    return out;
  }
  for (size_t i = 0; i < sc.nodes.size(); ++i)
    if (sc.nodes[i].kernel) out.push_back(int32_t(i));
  if (!out.empty()) return out;
  std::set<int32_t> with_steps;
  for (const StepSpec& s : sc.steps)
    if (sc.nodes[size_t(s.node)].type == NodeType::Host) with_steps.insert(s.node);
  return {with_steps.begin(), with_steps.end()};
}

class LiveRunImpl final : public LiveRun {
 public:
  bool init(const Scenario& sc, const LiveOptions& o, std::string& error);
  bool advance(Time max_wait) override;
  std::vector<TraceEvent> take_trace() override;
  const TraceContext& context() const override { return ctx_; }
  const LiveInfo& info() const override { return info_; }
  Time now() const override { return elapsed(); }
  Time end_time() const override { return end_; }
  bool add_fault(const FaultSpec& f, std::string& error) override;
  ~LiveRunImpl() override;

 private:
  Time elapsed() const {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start_).count();
  }
  void run_due_steps(Time now);
  void read_taps(Time now);
  void pump_world(Time now);
  void read_capture();
  void sample(Time now);
  void collect(Time watermark);
  void packet_event(TraceEvent e);
  void premap_ports();

  Scenario sc_;
  LiveOptions o_;
  LiveInfo info_;
  TraceContext ctx_;
  World world_;
  KernelRunShared shared_;
  std::vector<KernelHost> hosts_;
  std::map<int32_t, size_t> host_of_node_;
  std::vector<HostNamespace> namespaces_;    // level 3, parallel to hosts_
  std::vector<int32_t> tap_iface_;           // level 3: the realised interface, per host
  std::vector<SockDiag> diags_;              // one per namespace (levels 1/2: one)
  std::optional<Capture> capture_;
  SegmentStates segments_;
  std::vector<size_t> step_order_;
  size_t next_step_ = 0;
  std::chrono::steady_clock::time_point start_;
  Time start_realtime_ = 0;
  Time end_ = 0;
  Time last_sample_ = -kSec;
  bool started_ = false;
  bool finished_ = false;
  bool dump_failed_ = false;
  uint64_t tap_write_failures_ = 0;
  uint64_t next_frame_id_ = 1;
  std::set<std::pair<std::string, std::string>> baseline_;  // 4-tuples there before the run
  std::map<size_t, int> missing_;            // registry index -> samples it was absent from
  std::vector<TraceEvent> pending_;          // not yet handed out
};

bool LiveRunImpl::init(const Scenario& sc, const LiveOptions& o, std::string& error) {
  sc_ = sc;
  o_ = o;
  end_ = o.until.value_or(sc.duration);
  world_ = World::from_scenario(sc_);
  ctx_ = world_.trace_context();
  ctx_.profile = "kernel";

  const LevelChoice choice = choose_level(o.level, probe_privileges(), o.binary);
  info_.level = choice.level;
  info_.level_why = choice.why;
  info_.notices = choice.notices;
  utsname u{};
  if (uname(&u) == 0) info_.kernel_release = u.release;
  info_.kernel_cc = read_first_line("/proc/sys/net/ipv4/tcp_congestion_control");
  shared_.scenario = &sc_;
  shared_.info = &info_;
  shared_.loopback = info_.level < 3;

  for (size_t i = 0; i < sc_.steps.size(); ++i) step_order_.push_back(i);
  std::stable_sort(step_order_.begin(), step_order_.end(),
                   [&](size_t a, size_t b) { return sc_.steps[a].at < sc_.steps[b].at; });
  const int pid = static_cast<int>(getpid());
  if (info_.level == 3) {
    for (const std::string& stale : remove_stale()) info_.notices.push_back("removed " + stale + " left by an earlier run");
    const std::vector<int32_t> hosts = realised_hosts(sc_, o, error);
    if (!error.empty()) return false;
    for (int32_t n : hosts) {
      const Node& node = world_.nodes()[size_t(n)];
      int32_t iface = -1;
      for (size_t i = 0; i < node.ifaces.size(); ++i)
        if (node.ifaces[i].link >= 0 && node.ifaces[i].addr) {
          if (iface >= 0) {
            error = "level 3 realises hosts with one connected interface; '" + node.name + "' has more";
            return false;
          }
          iface = int32_t(i);
        }
      if (iface < 0) {
        error = "level 3: host '" + node.name + "' has no interface with a link";
        return false;
      }
      TapConfig cfg;
      cfg.node = node.name;
      cfg.mac = node.ifaces[size_t(iface)].mac;
      cfg.addr = *node.ifaces[size_t(iface)].addr;
      cfg.mtu = node.ifaces[size_t(iface)].mtu;
      const NodeSpec& spec = sc_.nodes[size_t(n)];
      cfg.gateway = spec.gateway;
      for (const RouteSpec& r : spec.routes)
        if (r.via) cfg.routes.emplace_back(r.dst, *r.via);
      auto ns = HostNamespace::create(pid, int(namespaces_.size()), cfg, error);
      if (!ns) return false;
      info_.namespaces.push_back(ns->name());
      {
        EnterNamespace in(ns->netns_fd());
        if (!in.ok()) {
          error = in.error();
          return false;
        }
        auto d = SockDiag::open(error);
        if (!d) return false;
        diags_.push_back(std::move(*d));
        if (namespaces_.empty()) {
          const std::string cc = read_first_line("/proc/sys/net/ipv4/tcp_congestion_control");
          if (!cc.empty()) info_.kernel_cc = cc;
        }
      }
      world_.hand_to_kernel(n);
      host_of_node_[n] = hosts_.size();
      hosts_.emplace_back(n, node.name, ns->netns_fd(), &shared_);
      tap_iface_.push_back(iface);
      namespaces_.push_back(std::move(*ns));
    }
    info_.level_why += "; real kernels: ";
    for (size_t i = 0; i < hosts_.size(); ++i)
      info_.level_why += (i ? ", " : "") + world_.nodes()[size_t(hosts_[i].node())].name;
  } else {
    // Levels 1 and 2: every host that runs a step is this machine's kernel on 127.0.0.1.
    std::set<int32_t> with_steps;
    for (const StepSpec& s : sc_.steps)
      if (sc_.nodes[size_t(s.node)].type == NodeType::Host) with_steps.insert(s.node);
    for (int32_t n : with_steps) {
      host_of_node_[n] = hosts_.size();
      hosts_.emplace_back(n, sc_.nodes[size_t(n)].name, -1, &shared_);
    }
    auto d = SockDiag::open(error);
    if (!d) return false;
    // What this machine had before the run (TIME_WAITs of an earlier run on the same
    // ports, say) is not the scenario's.
    std::vector<KernelSocket> before;
    if (d->dump_tcp(before, error))
      for (const KernelSocket& k : before) baseline_.insert({to_string(k.local), to_string(k.remote)});
    error.clear();
    diags_.push_back(std::move(*d));
    // A port held bound but never listening: connecting to it is refused, like a
    // closed port of the scenario's server, without reaching a real service.
    shared_.closed_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(0x7f000001);
    socklen_t len = sizeof a;
    if (shared_.closed_fd < 0 || ::bind(shared_.closed_fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        getsockname(shared_.closed_fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      error = std::string("cannot reserve a closed port on 127.0.0.1: ") + strerror(errno);
      return false;
    }
    shared_.closed_port = ntohs(a.sin_port);
    if (info_.level == 2) {
      capture_ = Capture::open("lo", "tcp or udp or icmp", error);
      if (!capture_) {
        info_.notices.push_back("live: " + error + "; using level 1");
        info_.level = 1;
        info_.level_why = "level 1: capture on lo failed (" + error + ")";
        error.clear();
      }
    }
    premap_ports();
    std::string hosts_text;
    for (const auto& [n, _] : host_of_node_) hosts_text += (hosts_text.empty() ? "" : ", ") + sc_.nodes[size_t(n)].name;
    info_.notices.push_back("hosts " + hosts_text + " are all this machine's kernel on 127.0.0.1 at level " +
                            std::to_string(info_.level) +
                            ", with no link delay between them: what needs segments to cross on the wire (a "
                            "simultaneous open or close) plays out differently; level 3 keeps the scenario's links");
  }
  return true;
}

LiveRunImpl::~LiveRunImpl() {
  hosts_.clear();  // close the sockets before the namespaces go
  if (shared_.closed_fd >= 0) ::close(shared_.closed_fd);
}

// Levels 1 and 2: every port the scenario names is decided before the first step — the
// same number when it is free on 127.0.0.1, another one when this machine uses it — so that
// a step connecting to a port its server binds later (or in the same instant) finds it.
// The test sockets stay open until all are decided, so two hosts asking for one port get two.
void LiveRunImpl::premap_ports() {
  std::vector<int> held;
  auto decide = [&](int32_t node, uint16_t port, bool tcp) {
    if (port == 0) return;
    auto& map = tcp ? shared_.tcp_ports : shared_.udp_ports;
    if (map.count({node, port})) return;
    const int fd = ::socket(AF_INET, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
    if (fd < 0) return;
    held.push_back(fd);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(0x7f000001);
    a.sin_port = htons(port);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
      map[{node, port}] = port;
      return;
    }
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      return;  // the step's own bind() will say what is wrong
    const uint16_t got = ntohs(a.sin_port);
    map[{node, port}] = got;
    const std::string& name = sc_.nodes[size_t(node)].name;
    info_.ports.push_back(PortMapping{name, port, got});
    info_.notices.push_back(name + ": port " + std::to_string(port) + " is taken on this machine; " +
                            (tcp ? "TCP" : "UDP") + " port " + std::to_string(got) + " stands in for it");
  };
  for (size_t i : step_order_) {
    const StepSpec& st = sc_.steps[i];
    if (!host_of_node_.count(st.node)) continue;
    std::visit(
        [&](const auto& c) {
          using T = std::decay_t<decltype(c)>;
          if constexpr (std::is_same_v<T, CmdTcpListen>) decide(st.node, c.port, true);
          else if constexpr (std::is_same_v<T, CmdTcpConnect>) decide(st.node, c.sport.value_or(0), true);
          else if constexpr (std::is_same_v<T, CmdUdpBind>) decide(st.node, c.port, false);
          else if constexpr (std::is_same_v<T, CmdAppEchoServer> || std::is_same_v<T, CmdAppBulkSink> ||
                             std::is_same_v<T, CmdAppFileServer>)
            decide(st.node, c.port, true);
        },
        st.cmd);
  }
  for (int fd : held) ::close(fd);
}

bool LiveRunImpl::add_fault(const FaultSpec& f, std::string& error) {
  if (info_.level < 3) {
    error = "dropping a packet needs level 3 (the simulator as the wire); this run is level " +
            std::to_string(info_.level);
    return false;
  }
  world_.faults().push_back(FaultState{f, 0, 0});
  return true;
}

void LiveRunImpl::run_due_steps(Time now) {
  while (next_step_ < step_order_.size() && sc_.steps[step_order_[next_step_]].at <= now) {
    const StepSpec& st = sc_.steps[step_order_[next_step_++]];
    auto it = host_of_node_.find(st.node);
    if (it == host_of_node_.end()) {
      if (info_.level < 3) {
        // A router's or switch's step: there is no such machine at levels 1 and 2.
        TraceEvent e;
        e.t = now;
        e.ev = EvKind::App;
        e.node = st.node;
        e.data = AppEvent{"$ " + st.cmd_text, {}};
        shared_.events.push_back(e);
        e.data = AppEvent{"(live) not run: at level " + std::to_string(info_.level) + " only the hosts exist, as 127.0.0.1", {}};
        shared_.events.push_back(std::move(e));
      }
      continue;  // level 3: the simulated world runs it
    }
    hosts_[it->second].run(st.cmd, st.cmd_text, std::max(now, st.at));
  }
}

void LiveRunImpl::packet_event(TraceEvent e) {
  const bool realised = host_of_node_.count(e.node) > 0;
  if (realised && (e.ev == EvKind::Tx || e.ev == EvKind::Rx)) {
    const bool retx = segments_.on_packet(e, shared_.reg, shared_.states);
    if (e.ev == EvKind::Tx && retx) std::get<PacketEvent>(e.data).retx = true;
  }
  pending_.push_back(std::move(e));
}

void LiveRunImpl::pump_world(Time now) {
  // Levels 1 and 2 have no simulated part: the world only names nodes and links.
  if (info_.level < 3) return;
  world_.run_until(now);
  for (TraceEvent& e : world_.take_trace()) packet_event(std::move(e));
  for (World::KernelFrame& f : world_.take_kernel_frames()) {
    const size_t h = host_of_node_.at(f.node);
    // A TAP takes one whole frame per write; a full queue drops it, as a NIC would. The
    // trace already says it arrived, so say here that the kernel did not get it.
    if (::write(namespaces_[h].tap_fd(), f.frame.data(), f.frame.size()) < 0 && tap_write_failures_++ == 0)
      info_.notices.push_back(std::string("a frame for ") + world_.nodes()[size_t(f.node)].name +
                              " could not be handed to its kernel (" + strerror(errno) +
                              "); the trace shows it as received");
  }
}

void LiveRunImpl::read_taps(Time now) {
  uint8_t buf[65536 + 64];
  for (size_t h = 0; h < namespaces_.size(); ++h) {
    for (;;) {
      const ssize_t n = ::read(namespaces_[h].tap_fd(), buf, sizeof buf);
      if (n <= 0) break;
      if (n < 14) continue;
      // A TAP without offload features gets complete checksums; fill them in anyway
      // (a no-op then), so the simulated receiver never drops a kernel's segment.
      wire::fill_transport_checksum(std::span<uint8_t>(buf, size_t(n)));
      const uint16_t ethertype = uint16_t(buf[12] << 8 | buf[13]);
      if (ethertype != 0x0800 && ethertype != 0x0806) continue;  // IPv4 and ARP only
      // The world's clock follows the wall clock up to the moment the frame was read.
      world_.run_until(std::max(now, elapsed()));
      world_.send_from_kernel(hosts_[h].node(), tap_iface_[h], wire::Bytes(buf, buf + n));
    }
  }
}

void LiveRunImpl::read_capture() {
  if (!capture_) return;
  for (CapturedFrame& f : capture_->read_available()) {
    // `lo` leaves TCP/UDP checksums to offload, and the receiving kernel never checks them
    // there: filled in, the pcap is clean in Wireshark (README "Live mode").
    wire::fill_transport_checksum(f.frame);
    const wire::ParsedFrame p = wire::parse_frame(f.frame);
    if (!p.ip) continue;
    int32_t from = -1, to = -1;
    if (p.tcp || p.udp) {
      const bool tcp = p.tcp.has_value();
      const Endpoint src{p.ip->src, tcp ? p.tcp->sport : p.udp->sport}, dst{p.ip->dst, tcp ? p.tcp->dport : p.udp->dport};
      from = shared_.reg.node_of(src, tcp);
      to = shared_.reg.node_of(dst, tcp);
      auto owner = [&](Endpoint e) {
        auto it = shared_.dest_owner.find({tcp, e.addr.v, e.port});
        return it == shared_.dest_owner.end() ? int32_t(-1) : it->second;
      };
      if (from < 0 && to >= 0) from = owner(src);  // an RST from a closed port
      if (to < 0 && from >= 0) to = owner(dst);    // a SYN to a closed port
    } else if (p.icmp && p.quoted_ip && p.quoted_sport && p.quoted_dport) {
      // An ICMP error about a datagram of ours (port unreachable): it goes to the datagram's
      // sender, from the node the datagram was meant for.
      const bool tcp = p.quoted_ip->protocol == 6;
      to = shared_.reg.node_of(Endpoint{p.quoted_ip->src, *p.quoted_sport}, tcp);
      if (auto it = shared_.dest_owner.find({tcp, p.quoted_ip->dst.v, *p.quoted_dport}); it != shared_.dest_owner.end())
        from = it->second;
    }
    if (from < 0 && to < 0) continue;  // somebody else's loopback traffic
    const Time t = std::max<Time>(0, f.t_realtime - start_realtime_);
    const uint64_t id = next_frame_id_++;
    auto link_of = [&](int32_t node) {
      const Node& n = world_.nodes()[size_t(node)];
      for (const Iface& i : n.ifaces)
        if (i.link >= 0) return i.link;
      return int32_t(-1);
    };
    // On `lo` a frame is seen once: it leaves one host and reaches the other at once.
    if (from >= 0) {
      TraceEvent e;
      e.t = t;
      e.ev = EvKind::Tx;
      e.node = from;
      e.data = PacketEvent{id, link_of(from), f.frame, DropWhy::Loss, false};
      packet_event(std::move(e));
    }
    if (to >= 0) {
      TraceEvent e;
      e.t = t;
      e.ev = EvKind::Rx;
      e.node = to;
      e.data = PacketEvent{id, link_of(to), std::move(f.frame), DropWhy::Loss, false};
      packet_event(std::move(e));
    }
  }
}

void LiveRunImpl::sample(Time now) {
  std::set<size_t> seen;
  std::set<int32_t> unknown_nodes;  // a failed dump: no news of these nodes' sockets
  bool all_unknown = false;
  for (size_t d = 0; d < diags_.size(); ++d) {
    std::vector<KernelSocket> socks;
    std::string error;
    // Stamped when the dump starts: what it shows was true at least from then on.
    const Time t = std::max(now, elapsed());
    if (!diags_[d].dump_tcp(socks, error)) {
      if (!dump_failed_) info_.notices.push_back("sampling the kernel's sockets failed: " + error);
      dump_failed_ = true;
      if (info_.level == 3) unknown_nodes.insert(hosts_[d].node());
      else all_unknown = true;
      continue;
    }
    const int32_t ns_node = info_.level == 3 ? hosts_[d].node() : -1;
    for (const KernelSocket& k : socks) {
      std::optional<size_t> r;
      const bool listening = k.state == kernel_tcp::listen;
      if (listening) {
        r = shared_.reg.find_listener(k.local);
        if (r && shared_.reg.at(*r).local.port != k.local.port) r.reset();
      } else {
        r = shared_.reg.find_conn(k.local, k.remote);
        if (!r && baseline_.count({to_string(k.local), to_string(k.remote)})) continue;
        if (!r) {
          // A listener's new connection (a request socket in SYN_RECV, or one the
          // program has not accepted yet): ids are given as the simulator gives them.
          // Only in the states a new connection starts in: a closing socket on our port
          // is some other program's, left from before our listener took the port.
          auto l = shared_.reg.find_listener(k.local);
          const bool fresh = k.state == kernel_tcp::syn_recv || k.state == kernel_tcp::new_syn_recv ||
                             k.state == kernel_tcp::established;
          if (l && fresh && (ns_node < 0 || shared_.reg.at(*l).node == ns_node))
            r = shared_.reg.conn_or_request(k.local, k.remote, /*fresh=*/true);
        }
      }
      if (!r) continue;
      if (ns_node >= 0 && shared_.reg.at(*r).node != ns_node) continue;
      seen.insert(*r);
      shared_.states.observe(*r, t, kernel_state_name(k.state), "sampled (sock_diag)");
    }
  }
  // Gone from the kernel's tables twice in a row: CLOSED (after LAST_ACK, at the end of
  // TIME_WAIT, after an RST).
  for (size_t i = 0; i < shared_.reg.size(); ++i) {
    const KernelSockEntry& e = shared_.reg.at(i);
    if (all_unknown || unknown_nodes.count(e.node)) continue;
    if (!e.tcp || e.state.empty() || e.state == "CLOSED" || seen.count(i)) {
      missing_.erase(i);
      continue;
    }
    if (++missing_[i] == 2) shared_.states.observe(i, now, "CLOSED", "gone from the kernel's socket table");
  }
}

void LiveRunImpl::collect(Time watermark) {
  for (TraceEvent& e : shared_.states.flush(watermark, shared_.reg)) pending_.push_back(std::move(e));
  for (TraceEvent& e : shared_.events) pending_.push_back(std::move(e));
  shared_.events.clear();
}

bool LiveRunImpl::advance(Time max_wait) {
  if (finished_) return false;
  if (!started_) {
    started_ = true;
    start_ = std::chrono::steady_clock::now();
    shared_.start = start_;
    start_realtime_ = realtime_ns();
  }
  const Time deadline = elapsed() + std::max<Time>(max_wait, 0);
  for (;;) {
    const Time now = elapsed();
    if (now >= end_ || stop_requested()) {
      // The end: what is due up to the end time, then everything observed.
      pump_world(std::min(now, end_));
      read_capture();
      for (KernelHost& h : hosts_) h.service(std::min(now, end_));
      collect(kTimeMax);
      finished_ = true;
      return false;
    }
    run_due_steps(now);
    read_taps(now);
    pump_world(now);
    for (KernelHost& h : hosts_) h.service(now);
    read_capture();
    if (now - last_sample_ >= kSampleEvery) {
      sample(now);
      last_sample_ = now;
    }
    collect(now - kCaptureSlack);
    if (now >= deadline) return true;

    // Sleep until something is due: a step, a world event, a sample, a fd.
    Time wake = std::min<Time>(deadline, last_sample_ + kSampleEvery);
    if (next_step_ < step_order_.size()) wake = std::min(wake, sc_.steps[step_order_[next_step_]].at);
    if (auto t = world_.next_event_time()) wake = std::min(wake, *t);
    wake = std::min(wake, end_);
    std::vector<pollfd> fds;
    for (const HostNamespace& ns : namespaces_) fds.push_back(pollfd{ns.tap_fd(), POLLIN, 0});
    if (capture_) fds.push_back(pollfd{capture_->fd(), POLLIN, 0});
    std::vector<int> sock_fds;
    for (const KernelHost& h : hosts_) h.poll_fds(sock_fds);
    for (int fd : sock_fds) fds.push_back(pollfd{fd, POLLIN, 0});
    const Time wait = wake - elapsed();
    if (wait > 0) {
      timespec ts{time_t(wait / kSec), long(wait % kSec)};
      ppoll(fds.data(), fds.size(), &ts, nullptr);
    }
  }
}

std::vector<TraceEvent> LiveRunImpl::take_trace() {
  // Hand out what no late frame can precede any more, in time order.
  const Time watermark = finished_ ? kTimeMax : elapsed() - kCaptureSlack;
  std::stable_sort(pending_.begin(), pending_.end(), [](const TraceEvent& a, const TraceEvent& b) { return a.t < b.t; });
  auto cut = std::find_if(pending_.begin(), pending_.end(), [&](const TraceEvent& e) { return e.t > watermark; });
  std::vector<TraceEvent> out(std::make_move_iterator(pending_.begin()), std::make_move_iterator(cut));
  pending_.erase(pending_.begin(), cut);
  return out;
}

}  // namespace

std::unique_ptr<LiveRun> LiveRun::start(const Scenario& sc, const LiveOptions& o, std::string& error) {
  auto run = std::make_unique<LiveRunImpl>();
  if (!run->init(sc, o, error)) return nullptr;
  return run;
}

std::optional<LiveTrace> run_live(const Scenario& sc, const LiveOptions& o, std::string& error) {
  auto run = LiveRun::start(sc, o, error);
  if (!run) return std::nullopt;
  LiveTrace out;
  while (run->advance(50 * kMs)) {
    for (TraceEvent& e : run->take_trace()) out.events.push_back(std::move(e));
  }
  for (TraceEvent& e : run->take_trace()) out.events.push_back(std::move(e));
  // A frame captured later than the slack allowed came out after later events.
  std::stable_sort(out.events.begin(), out.events.end(), [](const TraceEvent& a, const TraceEvent& b) { return a.t < b.t; });
  out.ctx = run->context();
  out.info = run->info();
  return out;
}

}  // namespace tcplab::live
