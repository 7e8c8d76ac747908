// Session: scenario + interventions + a movable cursor (session.h).
#include "sim/session/session.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "sim/scenario/command.h"
#include "sim/scenario/filter.h"
#include "sim/scenario/packet_fields.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/wire/frame.h"

namespace tcplab {
namespace {

// How far past the scenario's end a forward step may look for the next event before it
// gives up (a TIME-WAIT of 60 s must still be reachable).
constexpr Time kStepHorizon = 600 * kSec;

// What live mode refuses, and why (the kernel runs the scenario as written).
constexpr const char* kLiveNoCommands =
    "a live run plays the scenario as written on the real kernel: commands cannot be added (go back to the simulation to experiment)";
constexpr const char* kLiveNoChanges =
    "a live run cannot change a packet that was already sent (at level 3 a right-click drops the next one like it)";

bool is_unit(const TraceEvent& e, StepUnit u) {
  switch (u) {
    case StepUnit::Event: return true;
    case StepUnit::Packet: return e.ev == EvKind::Tx || e.ev == EvKind::Rx || e.ev == EvKind::Drop;
    case StepUnit::StateChange: return e.ev == EvKind::State;
  }
  return false;
}

std::string toml_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') { out += "\\n"; continue; }
    out += c;
  }
  return out + "\"";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

int32_t node_owning(const World& w, Ipv4 a) {
  for (size_t i = 0; i < w.nodes().size(); ++i)
    for (const Iface& f : w.nodes()[i].ifaces)
      if (f.addr && f.addr->addr == a) return static_cast<int32_t>(i);
  return -1;
}

std::optional<Session> Session::open_text(std::string text, const std::string& name,
                                          std::vector<std::string>* errors) {
  LoadResult lr = load_scenario_text(text, name);
  if (!lr.scenario) {
    if (errors)
      for (const LoadError& e : lr.errors) errors->push_back(e.format());
    return std::nullopt;
  }
  Session s;
  s.text_ = std::move(text);
  s.base_ = std::move(*lr.scenario);
  s.rebuild();
  return s;
}

std::optional<Session> Session::open_file(const std::string& path, std::vector<std::string>* errors) {
  LoadResult lr = load_scenario_file(path);
  if (!lr.scenario) {
    if (errors)
      for (const LoadError& e : lr.errors) errors->push_back(e.format());
    return std::nullopt;
  }
  Session s;
  s.path_ = path;
  s.text_ = read_file(path);
  s.base_ = std::move(*lr.scenario);
  s.rebuild();
  return s;
}

Time Session::end() const {
  if (live_) return std::max(live_->end, live_->reached);
  return std::max(base_.duration, world_.now());
}

size_t Session::visible() const {
  const Time t = now();
  auto it = std::upper_bound(trace_.begin(), trace_.end(), t,
                             [](Time x, const TraceEvent& e) { return x < e.t; });
  return static_cast<size_t>(it - trace_.begin());
}

Scenario Session::with_interventions() const {
  Scenario s = base_;
  for (const Intervention& iv : interventions_) {
    if (iv.kind == Intervention::Kind::Command) {
      StepSpec st;
      st.at = iv.at;
      st.node = iv.node;
      st.cmd_text = iv.text;
      auto cmd = parse_command(iv.text);
      if (!cmd) continue;  // checked when recorded
      st.cmd = std::move(*cmd);
      s.steps.push_back(std::move(st));
    } else {
      auto filter = parse_filter(iv.text);
      if (!filter) continue;
      FaultSpec f;
      f.match = std::move(*filter);
      f.action = iv.action;
      f.nth = iv.nth;
      f.delay = iv.delay;
      f.node = iv.node;
      s.faults.push_back(std::move(f));
    }
  }
  return s;
}

void Session::rebuild() {
  const Time cursor = world_.now();
  world_ = World::from_scenario(with_interventions());
  ctx_ = world_.trace_context();
  trace_.clear();
  ++generation_;
  recorded_events_ = 0;
  snapshots_.clear();
  snapshot_every_ = 512;
  run_to(0);  // what the scenario does at time 0 (tcp listen …) is part of the start
  snapshots_.push_back(Snapshot{world_});
  run_to(cursor);
}

void Session::record() {
  if (world_.events_executed() <= recorded_events_) {  // a replay: already recorded
    world_.take_trace();
    return;
  }
  recorded_events_ = world_.events_executed();
  world_.take_trace_into(trace_);
}

void Session::maybe_snapshot() {
  if (snapshots_.empty()) return;
  if (world_.events_executed() < snapshots_.back().world.events_executed() + snapshot_every_) return;
  snapshots_.push_back(Snapshot{world_});
  if (snapshots_.size() > snapshot_limit_) {
    // Thin out: keep time 0 and every other one; take them half as often from now on.
    std::vector<Snapshot> kept;
    for (size_t i = 0; i < snapshots_.size(); ++i)
      if (i % 2 == 0) kept.push_back(std::move(snapshots_[i]));
    snapshots_ = std::move(kept);
    snapshot_every_ *= 2;
  }
}

bool Session::run_one_event() {
  if (!world_.step()) return false;
  record();
  maybe_snapshot();
  return true;
}

void Session::run_to(Time t) {
  while (true) {
    auto next = world_.next_event_time();
    if (!next || *next > t) break;
    run_one_event();
  }
  world_.run_until(t);  // nothing is due any more: only moves the clock
  record();
}

void Session::seek(Time t) {
  if (t < 0) t = 0;
  if (live_) {
    // Within what the run has reached; the newest moment of a running run follows it.
    live_->cursor = std::min(t, live_->reached);
    live_->following = !live_->finished && t >= live_->reached;
    return;
  }
  if (t >= world_.now()) {
    run_to(t);
    return;
  }
  // The latest snapshot at or before t (snapshots_[0] is the start, after time-0 events).
  size_t best = 0;
  for (size_t i = 0; i < snapshots_.size(); ++i)
    if (snapshots_[i].world.now() <= t) best = i;
  world_ = snapshots_[best].world;
  run_to(t);
}

std::optional<Time> Session::next_pause(Time from, Time to) const {
  std::optional<Time> best;
  for (const StepSpec& st : world_.steps())
    if (st.pause && st.at > from && st.at <= to && (!best || st.at < *best)) best = st.at;
  return best;
}

bool Session::advance(Time dt) {
  if (live_) {
    // Replaying a live recording: no pause points (the kernel did not pause).
    const Time to = std::min(live_->cursor + std::max<Time>(dt, 0), live_->reached);
    live_->cursor = to;
    return false;
  }
  const Time from = world_.now();
  const Time to = from + std::max<Time>(dt, 0);
  if (auto p = next_pause(from, to)) {
    seek(*p);
    return true;
  }
  seek(to);
  return false;
}

bool Session::step_forward(StepUnit u) {
  const Time now = world_.now();
  const Time horizon = std::max(end(), now) + kStepHorizon;
  size_t scan = visible();
  while (true) {
    for (; scan < trace_.size(); ++scan) {
      const TraceEvent& e = trace_[scan];
      if (e.t > now && is_unit(e, u)) {
        const Time t = e.t;
        // Simulate up to that time (every event at t, so the state shown is complete).
        seek(t);
        return true;
      }
    }
    if (live_) return false;  // the run has not reached any further
    auto next = world_.next_event_time();
    if (!next || *next > horizon) return false;
    run_one_event();  // extends the recording (or replays a recorded stretch)
  }
}

bool Session::step_back(StepUnit u) {
  const Time now = world_.now();
  if (now == 0) return false;
  for (size_t i = visible(); i-- > 0;) {
    const TraceEvent& e = trace_[i];
    if (e.t < now && is_unit(e, u)) {
      seek(e.t);
      return true;
    }
  }
  seek(0);
  return true;
}

std::optional<std::string> Session::run_command(int32_t node, std::string_view line) {
  if (live_) return kLiveNoCommands;
  if (node < 0 || static_cast<size_t>(node) >= world_.nodes().size()) return "no such node";
  // Refused here, not recorded: saved as a [[step]], it would make a file that cannot load.
  if (world_.nodes()[static_cast<size_t>(node)].is_switch())
    return world_.nodes()[static_cast<size_t>(node)].name + " is a switch: switches have no console";
  std::string text(line);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n')) text.pop_back();
  while (!text.empty() && text.front() == ' ') text.erase(text.begin());
  if (text.empty()) return "empty command";
  auto cmd = parse_command(text);
  if (!cmd) return cmd.error().message;
  Intervention iv;
  iv.kind = Intervention::Kind::Command;
  iv.node = node;
  iv.text = text;
  // A command typed at the very time an event ran must run after it on replay too (steps
  // run first among events due at the same time).
  const Time now = world_.now();
  iv.at = (world_.events_executed() > 0 && world_.last_event_time() == now) ? now + 1 : now;
  std::erase_if(interventions_, [&](const Intervention& x) { return x.at > now; });
  interventions_.push_back(std::move(iv));
  rebuild();
  run_to(interventions_.back().at);
  return std::nullopt;
}

std::optional<std::string> Session::intervene_packet(uint64_t packet_id, int32_t link, FaultAction a,
                                                     Time delay) {
  if (live_) return kLiveNoChanges;
  const auto flying = world_.in_flight();
  auto it = std::find_if(flying.begin(), flying.end(), [&](const InFlightFrame& f) {
    return f.id == packet_id && f.link == link;
  });
  if (it == flying.end()) return "that packet is no longer on the wire";
  if (it->lost) return "that packet is already lost";
  const int32_t sender = world_.links()[static_cast<size_t>(link)].ends[it->side].node;
  const wire::ParsedFrame p = wire::parse_frame(*it->frame);
  std::string filter;
  if (p.ip) {
    // The IP identification names a packet end to end: routers keep it, a retransmission
    // gets a new one.
    filter = "ip.src == " + to_string(p.ip->src) + " && ip.id == " + std::to_string(p.ip->id);
  } else if (p.arp) {
    filter = "arp.opcode == " + std::to_string(p.arp->op) + " && arp.src.proto_ipv4 == " +
             to_string(p.arp->spa) + " && arp.dst.proto_ipv4 == " + to_string(p.arp->tpa);
  } else {
    return "only IPv4 and ARP packets can be changed";
  }
  auto parsed = parse_filter(filter);
  if (!parsed) return "internal: " + parsed.error().message;
  // nth: how many frames this node sent before it that the filter also matches (a switch
  // floods one frame to several ports; every copy is one match).
  uint32_t nth = 1;
  for (const TraceEvent& e : trace_) {
    if (e.ev != EvKind::Tx || e.node != sender) continue;
    const PacketEvent& pe = e.packet();
    if (pe.id == packet_id && pe.link == link) break;
    if (matches(*parsed, packet_fields(wire::parse_frame(pe.frame), pe.frame.size()))) ++nth;
  }
  Intervention iv;
  iv.kind = Intervention::Kind::Fault;
  iv.at = world_.now();
  iv.node = sender;
  iv.text = filter;
  iv.action = a;
  iv.delay = a == FaultAction::Delay ? delay : 0;
  iv.nth = nth;
  iv.packet = packet_id;
  const Time now = world_.now();
  std::erase_if(interventions_, [&](const Intervention& x) { return x.at > now; });
  interventions_.push_back(std::move(iv));
  rebuild();
  return std::nullopt;
}

void Session::clear_interventions() {
  if (live_) return;  // a live session has none
  interventions_.clear();
  rebuild();
}

std::string Session::save_as_scenario() const {
  std::string out = text_;
  if (interventions_.empty()) return out;
  if (!out.empty() && out.back() != '\n') out += '\n';
  out += "\n# ---- Interventions recorded in the tcplab GUI: opening this file replays them ----\n";
  for (const Intervention& iv : interventions_) {
    const std::string node = base_.nodes[static_cast<size_t>(iv.node)].name;
    if (iv.kind == Intervention::Kind::Command) {
      out += "\n[[step]]\nat = " + toml_string(format_duration(iv.at)) + "\non = " + toml_string(node) +
             "\ncmd = " + toml_string(iv.text) + "\n";
    } else {
      out += "\n[[fault]]   # clicked at " + format_duration(iv.at) + " on packet #" +
             std::to_string(iv.packet) + "\nmatch = " + toml_string(iv.text) + "\naction = " +
             toml_string(to_string(iv.action)) + "\nnode = " + toml_string(node) +
             "\nnth = " + std::to_string(iv.nth) + "\n";
      if (iv.action == FaultAction::Delay) out += "delay = " + toml_string(format_duration(iv.delay)) + "\n";
    }
  }
  return out;
}

std::optional<std::vector<std::string>> Session::reload() {
  if (path_.empty()) return std::nullopt;
  if (live_) return std::vector<std::string>{"a live run keeps the scenario it started with"};
  LoadResult lr = load_scenario_file(path_);
  if (!lr.scenario) {
    std::vector<std::string> errors;
    for (const LoadError& e : lr.errors) errors.push_back(e.format());
    return errors;
  }
  // Interventions follow their node by name; those whose node is gone are dropped.
  std::vector<Intervention> kept;
  for (Intervention iv : interventions_) {
    const std::string& name = base_.nodes[static_cast<size_t>(iv.node)].name;
    iv.node = lr.scenario->node_index(name);
    if (iv.node >= 0) kept.push_back(std::move(iv));
  }
  base_ = std::move(*lr.scenario);
  text_ = read_file(path_);
  interventions_ = std::move(kept);
  rebuild();
  return std::nullopt;
}

std::vector<InFlightFrame> Session::in_flight() const {
  if (!live_) return world_.in_flight();
  // A frame is on a link from its tx there until its rx (or drop) there. Only frames sent
  // in the last stretch are looked at: a frame whose arrival is not in the trace within it
  // was lost without a trace (the run ended, a namespace went away).
  const auto& links = world_.links();
  Time max_delay = 0;
  for (const Link& l : links) max_delay = std::max(max_delay, l.delay);
  const Time horizon = std::max<Time>(kSec, 4 * max_delay);
  const Time now = live_->cursor;
  const size_t n = visible();
  size_t from = n;
  while (from > 0 && trace_[from - 1].t >= now - horizon) --from;
  // The rx and drop events that may end those frames, by frame id (one pass, so that a
  // bulk transfer's thousands of frames cost no more than reading them once).
  std::unordered_map<uint64_t, std::vector<size_t>> ends;
  for (size_t j = from; j < trace_.size() && trace_[j].t <= now + horizon; ++j)
    if (trace_[j].ev == EvKind::Rx || trace_[j].ev == EvKind::Drop) ends[trace_[j].packet().id].push_back(j);
  std::vector<InFlightFrame> out;
  for (size_t i = from; i < n; ++i) {
    const TraceEvent& e = trace_[i];
    if (e.ev != EvKind::Tx) continue;
    const PacketEvent& pe = e.packet();
    if (pe.link < 0 || size_t(pe.link) >= links.size()) continue;
    const Link& l = links[size_t(pe.link)];
    const int side = l.ends[0].node == e.node ? 0 : l.ends[1].node == e.node ? 1 : -1;
    if (side < 0) continue;
    // Its end on this link: the first rx or drop of the same frame id there after it; else
    // its rx anywhere else (levels 1 and 2: a frame on `lo` leaves one host and reaches the
    // other at once, each seen on its own node's link).
    const TraceEvent* end = nullptr;
    const TraceEvent* elsewhere = nullptr;
    if (auto it = ends.find(pe.id); it != ends.end()) {
      for (size_t j : it->second) {
        const TraceEvent& x = trace_[j];
        if (j < i || x.node == e.node || x.t > e.t + horizon) continue;
        if (x.packet().link == pe.link) {
          end = &x;
          break;
        }
        if (!elsewhere) elsewhere = &x;
      }
    }
    if (!end) end = elsewhere;
    if (end && end->t <= now) continue;  // arrived (or lost) already
    if (!end && e.t + l.delay < now && live_->reached > e.t + horizon) continue;
    InFlightFrame f;
    f.id = pe.id;
    f.link = pe.link;
    f.side = uint8_t(side);
    f.sent = e.t;
    f.arrives = end ? end->t : std::max(now, e.t + l.delay);
    f.lost = end && end->ev == EvKind::Drop;
    f.retx = pe.retx;
    f.frame = &pe.frame.bytes();
    out.push_back(f);
  }
  return out;
}

void Session::start_live(const TraceContext& ctx, Time end) {
  world_ = World::from_scenario(base_);
  ctx_ = ctx;
  trace_.clear();
  interventions_.clear();
  snapshots_.clear();
  recorded_events_ = 0;
  ++generation_;
  live_ = Live{};
  live_->end = end;
}

void Session::append_live(std::vector<TraceEvent> events, Time reached) {
  if (!live_) return;
  if (!events.empty()) {
    Time first_new = events.front().t;
    for (const TraceEvent& e : events) first_new = std::min(first_new, e.t);
    if (!trace_.empty() && first_new < trace_.back().t) {
      // A late event (a frame captured after later ones were handed out): merged into place.
      // Only the recorded events after it move; those up to it stay first, as a stable
      // sort of the whole trace would keep them. When it lands among the events already
      // shown, the views read the trace anew.
      const size_t from = size_t(std::upper_bound(trace_.begin(), trace_.end(), first_new,
                                                  [](Time x, const TraceEvent& e) { return x < e.t; }) -
                                 trace_.begin());
      std::vector<TraceEvent> tail = trace_.take_from(from);
      tail.insert(tail.end(), std::make_move_iterator(events.begin()), std::make_move_iterator(events.end()));
      std::stable_sort(tail.begin(), tail.end(), [](const TraceEvent& a, const TraceEvent& b) { return a.t < b.t; });
      trace_.append(tail);
      if (first_new <= live_->cursor) ++generation_;
    } else {
      trace_.append(events);
    }
    reached = std::max(reached, trace_.back().t);
  }
  live_->reached = std::max(live_->reached, reached);
  if (live_->following) live_->cursor = live_->reached;
}

void Session::finish_live(Time reached) {
  if (!live_) return;
  append_live({}, reached);
  live_->finished = true;
  live_->following = false;
}

void Session::set_live_following(bool on) {
  if (!live_) return;
  live_->following = on && !live_->finished;
  if (live_->following) live_->cursor = live_->reached;
}

}  // namespace tcplab
