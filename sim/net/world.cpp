// Building a world from a scenario, and the event loop (see world.h).
#include "sim/net/world.h"

#include <algorithm>

#include "sim/net/layers.h"
#include "sim/proto/tcp.h"

namespace tcplab {
namespace {

// Locally administered, deterministic MACs: 02:00:NN:NN:NN:II (node index + 1, iface + 1).
Mac make_mac(size_t node, size_t iface) {
  uint32_t n = static_cast<uint32_t>(node + 1);
  return Mac{{0x02, 0x00, uint8_t(n >> 16), uint8_t(n >> 8), uint8_t(n), uint8_t(iface + 1)}};
}

int32_t find_or_add_iface(Node& n, const std::string& name, size_t node_index) {
  for (size_t i = 0; i < n.ifaces.size(); ++i)
    if (n.ifaces[i].name == name) return static_cast<int32_t>(i);
  Iface port;
  port.name = name;
  port.mac = make_mac(node_index, n.ifaces.size());
  n.ifaces.push_back(port);
  return static_cast<int32_t>(n.ifaces.size() - 1);
}

}  // namespace

World World::from_scenario(const Scenario& s) {
  World w;
  w.rng_ = Rng(s.seed);
  w.seed_ = s.seed;
  w.title_ = s.title;
  w.tcp_config_ = resolve_tcp_config(s.tcp);
  for (size_t ni = 0; ni < s.nodes.size(); ++ni) {
    const NodeSpec& spec = s.nodes[ni];
    Node n;
    n.name = spec.name;
    n.type = spec.type;
    for (const IfaceSpec& is : spec.ifaces) {
      Iface f;
      f.name = is.name;
      f.mac = make_mac(ni, n.ifaces.size());
      f.addr = is.addr;
      n.ifaces.push_back(f);
    }
    n.index_own_addresses();
    add_connected_routes(n);
    for (const RouteSpec& r : spec.routes) {
      Route route;
      route.dst = r.dst;
      route.gateway = r.via;
      if (r.dev) {
        for (size_t i = 0; i < n.ifaces.size(); ++i)
          if (n.ifaces[i].name == *r.dev) route.iface = static_cast<int32_t>(i);
      } else if (r.via) {
        route.iface = n.iface_on_subnet(*r.via);
      }
      if (route.iface >= 0) n.routes.push_back(route);
    }
    if (spec.gateway) {
      Route def;
      def.dst = Prefix{Ipv4(0), 0};
      def.gateway = spec.gateway;
      def.iface = n.iface_on_subnet(*spec.gateway);
      if (def.iface >= 0) n.routes.push_back(def);
    }
    w.nodes_.push_back(std::move(n));
  }
  for (const LinkSpec& ls : s.links) {
    Link l;
    l.delay = ls.delay;
    l.rate_bps = ls.rate_bps;
    l.queue_limit = ls.queue;
    l.loss = ls.loss;
    const int32_t li = static_cast<int32_t>(w.links_.size());
    const LinkEndSpec* ends[2] = {&ls.a, &ls.b};
    for (uint8_t side = 0; side < 2; ++side) {
      Node& n = w.nodes_[static_cast<size_t>(ends[side]->node)];
      int32_t fi = find_or_add_iface(n, ends[side]->iface, static_cast<size_t>(ends[side]->node));
      n.ifaces[static_cast<size_t>(fi)].link = li;
      n.ifaces[static_cast<size_t>(fi)].link_side = side;
      l.ends[side] = LinkEnd{ends[side]->node, fi};
    }
    w.links_.push_back(std::move(l));
  }
  w.steps_ = s.steps;
  for (size_t i = 0; i < w.steps_.size(); ++i)
    w.queue_.schedule(w.steps_[i].at, EvRunStep{static_cast<int32_t>(i)});
  for (const FaultSpec& f : s.faults) w.faults_.push_back(FaultState{f, 0, 0});
  return w;
}

bool World::step() {
  auto e = queue_.pop();
  if (!e) return false;
#ifdef TCPLAB_CHECK_INVARIANTS
  if (e->at < now_)
    abort_on_violations({InvariantViolation{"event-time", now_, "event queue",
                                            "the next event is due at " + format_duration(e->at) +
                                                ", before the clock"}});
#endif
  now_ = e->at;
  last_event_time_ = e->at;
  ++events_executed_;
  dispatch(e->payload);
#ifdef TCPLAB_CHECK_INVARIANTS
  abort_on_violations(checker_.after_event(*this));
#endif
  return true;
}

std::vector<InFlightFrame> World::in_flight() const {
  std::vector<InFlightFrame> out;
  queue_.for_each([&](const auto& entry) {
    if (const auto* a = std::get_if<EvFrameArrives>(&entry.payload)) {
      const Link& l = links_[static_cast<size_t>(a->link)];
      Time wire_time = l.delay;
      if (l.rate_bps && *l.rate_bps > 0)
        wire_time += Time(a->frame.frame.size() * 8 * uint64_t(kSec) / *l.rate_bps);
      InFlightFrame f;
      f.id = a->frame.id;
      f.link = a->link;
      f.side = a->side;
      f.arrives = entry.at;
      f.sent = std::max<Time>(0, entry.at - wire_time);
      f.lost = a->lost;
      f.retx = a->frame.retx;
      f.frame = &a->frame.frame.bytes();
      out.push_back(f);
    }
  });
  std::sort(out.begin(), out.end(), [](const InFlightFrame& x, const InFlightFrame& y) {
    return x.arrives != y.arrives ? x.arrives < y.arrives : x.id < y.id;
  });
  return out;
}

void World::run_until(Time t) {
  while (true) {
    auto next = queue_.next_time();
    if (!next || *next > t) break;
    step();
  }
  if (t > now_) now_ = t;
}

void World::dispatch(Event& ev) {
  std::visit(
      [&](auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, EvFrameArrives>) {
          link_frame_arrives(*this, e);
        } else if constexpr (std::is_same_v<T, EvLinkFree>) {
          link_free(*this, e);
        } else if constexpr (std::is_same_v<T, EvRunStep>) {
          const StepSpec& st = steps_[static_cast<size_t>(e.step)];
          if (!nodes_[static_cast<size_t>(st.node)].kernel) run_command(st.node, st.cmd, st.cmd_text);
        } else if constexpr (std::is_same_v<T, EvArpRetry>) {
          arp_retry(*this, e);
        } else if constexpr (std::is_same_v<T, EvProgramTimer>) {
          program_timer(*this, e);
        } else if constexpr (std::is_same_v<T, EvLocalDeliver>) {
          ip_local_deliver(*this, e.node, e.ip_packet);
        } else if constexpr (std::is_same_v<T, EvDelayedSend>) {
          link_send(*this, e.node, e.iface, std::move(e.frame), false, 0, e.retx);
        } else if constexpr (std::is_same_v<T, EvTcpTimer>) {
          tcp_timer(*this, e);
        }
      },
      ev);
}

void World::run_command(int32_t node, const Command& cmd, const std::string& text) {
  print(node, "$ " + text);
  execute_command(*this, node, cmd);
}

void World::emit_packet(EvKind kind, int32_t node, int32_t link, uint64_t id,
                        const wire::SharedBytes& frame, DropWhy why, bool retx) {
#ifndef TCPLAB_CHECK_INVARIANTS
  if (!tracing_) return;
#endif
  TraceEvent e;
  e.t = now_;
  e.ev = kind;
  e.node = node;
  PacketEvent p;
  p.id = id;
  p.link = link;
  p.frame = frame;
  p.why = why;
  p.retx = retx;
  e.data = std::move(p);
#ifdef TCPLAB_CHECK_INVARIANTS
  checker_.feed(*this, e);  // the frame ledger needs every packet event, traced or not
  if (!tracing_) return;
#endif
  trace_.push_back(std::move(e));
}

void World::print(int32_t node, std::string text, std::string sock) {
  if (!tracing_) return;
  TraceEvent e;
  e.t = now_;
  e.ev = EvKind::App;
  e.node = node;
  e.data = AppEvent{std::move(text), std::move(sock)};
  trace_.push_back(std::move(e));
}

int32_t World::node_index(std::string_view name) const {
  for (size_t i = 0; i < nodes_.size(); ++i)
    if (nodes_[i].name == name) return static_cast<int32_t>(i);
  return -1;
}

TraceContext World::trace_context() const {
  TraceContext c;
  for (const Node& n : nodes_) {
    c.node_names.push_back(n.name);
    c.node_types.push_back(n.type);
  }
  for (const Link& l : links_) {
    auto end = [&](const LinkEnd& e) {
      const Node& n = nodes_[static_cast<size_t>(e.node)];
      return n.name + ":" + n.ifaces[static_cast<size_t>(e.iface)].name;
    };
    c.link_names.push_back(end(l.ends[0]) + "-" + end(l.ends[1]));
  }
  c.title = title_;
  c.seed = seed_;
  c.profile = tcp_config_.profile;
  return c;
}

int32_t Node::iface_on_subnet(Ipv4 a) const {
  for (size_t i = 0; i < ifaces.size(); ++i)
    if (ifaces[i].addr && ifaces[i].addr->contains(a)) return static_cast<int32_t>(i);
  return -1;
}

bool Node::owns(Ipv4 a) const {
  if (classify(a) == AddressKind::Loopback) return true;
  if (own_addrs) return std::binary_search(own_addrs->begin(), own_addrs->end(), a.v);
  for (const Iface& f : ifaces)
    if (f.addr && f.addr->addr == a) return true;
  return false;
}

void Node::index_own_addresses() {
  std::vector<uint32_t> a;
  for (const Iface& f : ifaces)
    if (f.addr) a.push_back(f.addr->addr.v);
  std::sort(a.begin(), a.end());
  own_addrs = std::move(a);
}

void World::hand_to_kernel(int32_t node) { nodes_[static_cast<size_t>(node)].kernel = true; }

void World::send_from_kernel(int32_t node, int32_t iface, wire::Bytes frame) {
  send_with_faults(*this, node, iface, std::move(frame));
}

}  // namespace tcplab
