// The world: the whole simulation state as one value (DESIGN.md principle 2). Nodes,
// links, queues, frames in flight, sockets, programs, the event queue and the RNG are
// plain data addressed by index, so `World copy = world;` is a snapshot, and running
// the copy gives the same trace byte for byte (principle 1).
//
// Data path of a frame: a program or command -> ip_send (ipv4.cpp) -> arp (arp.cpp)
// -> faults (faults.cpp) -> link_send (link.cpp) -> FrameArrives event -> node_receive
// (ipv4.cpp / switch.cpp) -> icmp_input / udp_input (sim/proto) -> programs (sim/apps).
#pragma once
#include <cstdint>
#include <iterator>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "sim/core/event_queue.h"
#include "sim/core/rng.h"
#include "sim/core/time.h"
#include "sim/net/link.h"
#include "sim/net/node.h"
#include "sim/net/world_invariants.h"
#include "sim/proto/tcp_config.h"
#include "sim/scenario/scenario.h"
#include "sim/trace/trace_event.h"
#include "sim/trace/trace_log.h"

namespace tcplab {

// ---- what the event queue holds ----------------------------------------------------------
struct EvFrameArrives {  // the last bit of a frame reaches the far end of a link
  int32_t link;
  uint8_t side;          // direction: sent from ends[side]
  QueuedFrame frame;
  bool lost;             // lost on the way (link loss or a fault drop): a drop event instead
};
struct EvLinkFree { int32_t link; uint8_t side; };  // serialisation done, a frame waits: send it
struct EvRunStep { int32_t step; };                 // a scenario [[step]] is due
struct EvArpRetry { int32_t node; Ipv4 ip; };
struct EvProgramTimer { int32_t node; int32_t program; };
struct EvLocalDeliver { int32_t node; wire::Bytes ip_packet; };  // to self / loopback
struct EvDelayedSend { int32_t node; int32_t iface; wire::SharedBytes frame; bool retx; };  // fault "delay"
struct EvTcpTimer { int32_t node; int32_t sock; TcpTimerKind kind; };  // sock: index in Node::tcp
using Event = std::variant<EvFrameArrives, EvLinkFree, EvRunStep, EvArpRetry, EvProgramTimer,
                           EvLocalDeliver, EvDelayedSend, EvTcpTimer>;

// A frame on a wire at the current time, for the topology view: it left `ends[side]` at
// `sent` (start of serialisation) and its last bit arrives at `arrives`.
struct InFlightFrame {
  uint64_t id = 0;
  int32_t link = -1;
  uint8_t side = 0;
  Time sent = 0, arrives = 0;
  bool lost = false;  // it will not arrive: link loss or a fault drop (a drop event then)
  bool retx = false;
  const wire::Bytes* frame = nullptr;  // valid until the world next changes
};

struct FaultState {
  FaultSpec spec;
  uint32_t matched = 0;
  uint32_t applied = 0;
};

class World {
 public:
  static World from_scenario(const Scenario& s);

  Time now() const { return now_; }
  // Runs the next event. False when nothing is left.
  bool step();
  // Runs every event due at or before `t`, then sets the clock to `t`.
  void run_until(Time t);
  std::optional<Time> next_event_time() { return queue_.next_time(); }

  // Runs one command on a node at the current time, as typed into its console. Output
  // goes to the trace as `app` events; the first is the prompt line "$ CMD".
  void run_command(int32_t node, const Command& cmd, const std::string& text);

  // Trace events produced since the last take_trace(), in order.
  std::vector<TraceEvent> take_trace() { return std::exchange(trace_, {}); }
  // The same, moved onto the end of `out`. The world keeps its buffer and its capacity, so
  // a recorder that takes the trace after every event (Session::record) allocates and frees
  // nothing per event (issue 6: the cost of recording the trace).
  void take_trace_into(std::vector<TraceEvent>& out) {
    out.insert(out.end(), std::make_move_iterator(trace_.begin()), std::make_move_iterator(trace_.end()));
    trace_.clear();
  }
  void take_trace_into(TraceLog& out) { out.append(trace_); }
  const std::vector<TraceEvent>& pending_trace() const { return trace_; }
  TraceContext trace_context() const;

  uint64_t events_executed() const { return events_executed_; }
  // When the most recent event ran (0 before any): the GUI records a command typed at that
  // very time 1 ns later, so that on replay it still runs after what the student saw.
  Time last_event_time() const { return last_event_time_; }
  // Frames on the wires now, in (arrival, id) order.
  std::vector<InFlightFrame> in_flight() const;
  const std::vector<StepSpec>& steps() const { return steps_; }
  // The pending events, for the invariant checker (sim/net/world_invariants.h).
  const EventQueue<Event>& event_queue() const { return queue_; }
  const std::vector<Node>& nodes() const { return nodes_; }
  const std::vector<Link>& links() const { return links_; }
  int32_t node_index(std::string_view name) const;

  // ---- live mode (sim/live): hosts realised by a real kernel -------------------------------
  // From now on, frames that reach `node` are handed out by take_kernel_frames() instead of
  // going up its simulated stack, and its steps are left to the live runner. Plain data,
  // so a world with kernel hosts is still a value.
  void hand_to_kernel(int32_t node);
  struct KernelFrame {
    int32_t node = -1, iface = -1;
    uint64_t id = 0;
    wire::Bytes frame;
  };
  std::vector<KernelFrame> take_kernel_frames() { return std::exchange(kernel_frames_, {}); }
  // A frame the kernel of `node` sent from `iface`: onto the link now, through the
  // [[fault]] rules like any frame a node originates.
  void send_from_kernel(int32_t node, int32_t iface, wire::Bytes frame);
  void hand_frame_to_kernel(int32_t node, int32_t iface, uint64_t id, const wire::Bytes& frame) {
    kernel_frames_.push_back(KernelFrame{node, iface, id, frame});
  }

  // ---- used by the layers (net, proto, apps); not for views ------------------------------
  Node& node(int32_t i) { return nodes_[static_cast<size_t>(i)]; }
  Link& link(int32_t i) { return links_[static_cast<size_t>(i)]; }
  Rng& rng() { return rng_; }
  EventId schedule(Time at, Event e) { return queue_.schedule(at, std::move(e)); }
  // EventQueue::reserve / schedule_reserved: an event that keeps the place it would have had
  // if scheduled at the time of reserve_event().
  EventId reserve_event() { return queue_.reserve(); }
  EventId schedule_reserved(Time at, EventId reserved, Event e) {
    return queue_.schedule_reserved(at, reserved, std::move(e));
  }
  void cancel(EventId id) { queue_.cancel(id); }
  // cancel(id) then schedule(at, e), in one (EventQueue::reschedule): a pending event moved
  // later costs no queue work until it is due. `id` 0 (none pending): schedule(at, e).
  EventId reschedule(EventId id, Time at, Event e) { return queue_.reschedule(id, at, std::move(e)); }
  uint64_t new_frame_id() { return ++last_frame_id_; }
  void emit(TraceEvent e) {
    if (tracing_) trace_.push_back(std::move(e));
  }
  // Whether the world records trace events (on unless set off). `tcplab run --format none`
  // turns it off to measure the simulation alone (issue 6: "recording the full trace costs
  // no more than 30 % over running without it"); the layers skip building events then.
  bool tracing() const { return tracing_; }
  void set_tracing(bool on) { tracing_ = on; }
  void emit_packet(EvKind kind, int32_t node, int32_t link, uint64_t id, const wire::SharedBytes& frame,
                   DropWhy why = DropWhy::Loss, bool retx = false);
  const TcpConfig& tcp_config() const { return tcp_config_; }
  TcpConfig& tcp_config() { return tcp_config_; }
  // One line of program output on a node.
  void print(int32_t node, std::string text, std::string sock = {});
  std::vector<FaultState>& faults() { return faults_; }

 private:
  void dispatch(Event& e);

  Time now_ = 0;
  EventQueue<Event> queue_;
  Rng rng_;
  std::vector<Node> nodes_;
  std::vector<Link> links_;
  std::vector<StepSpec> steps_;
  std::vector<FaultState> faults_;
  uint64_t last_frame_id_ = 0;
  uint64_t events_executed_ = 0;
  Time last_event_time_ = 0;
  std::vector<TraceEvent> trace_;
  bool tracing_ = true;
  std::vector<KernelFrame> kernel_frames_;
  std::string title_;
  uint64_t seed_ = 1;
  TcpConfig tcp_config_;
  // Builds with TCPLAB_CHECK_INVARIANTS check the world after every event (World::step);
  // the member is there in every build so that a World has one layout.
  InvariantChecker checker_;
};

}  // namespace tcplab
