// What the Plots view draws (issue 4, Views: "Plots"): for each side of the selected
// connection that sends, its congestion window, slow-start threshold, retransmission
// timeout and smoothed RTT (from the trace's `cc` events) and its bytes in flight (from its
// segments), as step functions of simulated time up to the cursor. GL-free: built from the
// trace only, so render/plots_view.cpp just draws it and tests check it.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/time.h"
#include "sim/proto/tcp_cc.h"  // kInfiniteSsthresh: "not set yet"
#include "sim/proto/tcp_seq.h"
#include "sim/trace/tcp_relative.h"
#include "sim/wire/address.h"
#include "sim/trace/trace_event.h"
#include "sim/trace/trace_view.h"
#include "sim/view/connections.h"

namespace tcplab {

// One step: the value holds from `t` until the next step's `t` (the last one, until the
// cursor). `known` is false where there is no value to draw (ssthresh still "infinite").
struct PlotStep {
  Time t = 0;
  double v = 0;
  bool known = true;
};

struct PlotLine {
  std::vector<PlotStep> steps;  // by time; a new step only when the value changes
  // The value at `t`, or nullopt before the first step or where it is not known.
  std::optional<double> at(Time t) const;
  double max_known() const;  // 0 when nothing is known
};

struct SenderSeries {
  SocketRef ref;
  std::string local, remote;      // "addr:port"
  bool sent_data = false;         // any segment with payload
  uint64_t data_bytes = 0;        // payload bytes sent, retransmissions not counted
  uint32_t mss = 0;               // min of both SYNs' MSS options (what cwnd counts in); 0 unknown
  PlotLine cwnd, ssthresh, flight;  // bytes
  PlotLine rto, srtt;               // nanoseconds
  bool ssthresh_unset = false;      // some cc events had the "infinite" ssthresh (left out)
  std::vector<Time> retransmits;    // when a segment was sent again (tx with retx)
  std::vector<Time> rto_expiries;   // when the retransmission timer fired
  Time start = 0, end = 0;          // the socket's first traced segment or event; the cursor
};

// The senders of `c` in events[0, count) (the part at or before the cursor `now`): the
// sides that sent data, the one that sent more first (a download's server before the
// client that asked), or, when neither has sent data yet, the sides with congestion state.
std::vector<SenderSeries> plot_series(TraceView events, size_t count, const Connection& c,
                                      Time now);

// The same choice over series already built: indices into `sides` (a, then b), in order.
std::vector<size_t> plotted_senders(const std::vector<const SenderSeries*>& sides);

// One side's series, built event by event, so that a view can feed it only the events
// that became visible since its last frame (a long run has tens of thousands of them).
class SenderSeriesBuilder {
 public:
  explicit SenderSeriesBuilder(const ConnectionSide& side);
  // Reads events[fed(), count), in trace order.
  void feed(TraceView events, size_t count);
  size_t fed() const { return fed_; }
  // The series so far, ending at the cursor `now`.
  const SenderSeries& series(Time now);

 private:
  struct Endpoint {
    Ipv4 addr;
    uint16_t port = 0;
  };
  SenderSeries out_;
  std::optional<Endpoint> local_, remote_;
  size_t fed_ = 0;
  TcpRelative rel_;
  bool started_ = false;
  SeqNum snd_nxt_, snd_una_;
  uint32_t own_mss_ = 0, peer_mss_ = 0;
  std::optional<Time> first_;
};

// One side's series from events[0, count), whether it sent anything or not.
SenderSeries sender_series(TraceView events, size_t count, const ConnectionSide& side,
                           Time now);

}  // namespace tcplab
