// LiveSession: the Live mode's model (live_session.h).
#include "sim/session/live_session.h"

#include <algorithm>
#include <utility>

#include "sim/scenario/filter.h"
#include "sim/wire/frame.h"

namespace tcplab {

void merge_batch(LiveBatch& b, LiveBatch later) {
  if (later.started) b.started = std::move(later.started);
  if (!later.error.empty()) b.error = std::move(later.error);
  b.events.insert(b.events.end(), std::make_move_iterator(later.events.begin()),
                  std::make_move_iterator(later.events.end()));
  if (later.info) b.info = std::move(later.info);
  for (std::string& n : later.notices) b.notices.push_back(std::move(n));
  b.now = std::max(b.now, later.now);
  b.over = b.over || later.over;
}

std::optional<LiveSession> LiveSession::open(const Session& sim, int level, std::vector<std::string>* errors) {
  LiveSession L;
  auto open_one = [&]() {
    return sim.path().empty() ? Session::open_text(sim.source_text(), sim.scenario().title, errors)
                              : Session::open_file(sim.path(), errors);
  };
  L.kernel_ = open_one();
  if (!L.kernel_) return std::nullopt;
  L.sim_ = open_one();
  if (!L.sim_) return std::nullopt;
  // Until the run says otherwise: the scenario's names and duration.
  L.run_end_ = L.kernel_->scenario().duration;
  L.kernel_->start_live(L.sim_->context(), L.run_end_);
  L.requested_level_ = level;
  return L;
}

void LiveSession::feed(LiveBatch b) {
  if (!b.error.empty()) {
    error_ = std::move(b.error);
    status_ = LiveStatus::Failed;
    kernel_->finish_live(0);
    return;
  }
  if (b.started) {
    info_ = std::move(b.started->info);
    run_end_ = b.started->end;
    kernel_->start_live(b.started->ctx, run_end_);
    status_ = LiveStatus::Running;
  }
  if (b.info) info_ = std::move(*b.info);
  for (std::string& n : b.notices) notices_.push_back(std::move(n));
  run_now_ = std::max(run_now_, b.now);
  if (status_ != LiveStatus::Running) return;
  if (b.over) {
    kernel_->append_live(std::move(b.events), 0);
    kernel_->finish_live(std::min(run_now_, run_end_));
    status_ = stop_requested_ || run_now_ < run_end_ ? LiveStatus::Stopped : LiveStatus::Finished;
    return;
  }
  kernel_->append_live(std::move(b.events), std::max<Time>(0, b.now - kLiveFollowLag));
}

void LiveSession::sync_simulation() {
  if (sim_->now() != kernel_->now()) sim_->seek(kernel_->now());
}

std::vector<std::string> LiveSession::take_notices() { return std::exchange(notices_, {}); }

std::string LiveSession::level_reason() const {
  const std::string prefix = "level " + std::to_string(info_.level) + ": ";
  if (info_.level_why.rfind(prefix, 0) == 0) return info_.level_why.substr(prefix.size());
  return info_.level_why;
}

std::optional<FaultSpec> live_drop_like(const TraceEvent& tx, FaultAction action) {
  if (tx.ev != EvKind::Tx) return std::nullopt;
  const wire::ParsedFrame p = wire::parse_frame(tx.packet().frame);
  if (!p.ip) return std::nullopt;
  std::string text = "ip.src == " + to_string(p.ip->src) + " && ip.dst == " + to_string(p.ip->dst);
  if (p.tcp) {
    auto flag = [&](const char* name, uint8_t bit) {
      text += std::string(" && tcp.flags.") + name + " == " + ((p.tcp->flags & bit) ? "1" : "0");
    };
    text += " && tcp.srcport == " + std::to_string(p.tcp->sport) + " && tcp.dstport == " + std::to_string(p.tcp->dport);
    flag("syn", wire::tcpflag::SYN);
    flag("ack", wire::tcpflag::ACK);
    flag("fin", wire::tcpflag::FIN);
    flag("rst", wire::tcpflag::RST);
    text += p.payload_len > 0 ? " && tcp.len > 0" : " && tcp.len == 0";
  } else if (p.udp) {
    text += " && udp.srcport == " + std::to_string(p.udp->sport) + " && udp.dstport == " + std::to_string(p.udp->dport);
  } else {
    text += " && ip.proto == " + std::to_string(p.ip->protocol);
  }
  auto f = parse_filter(text);
  if (!f) return std::nullopt;
  FaultSpec out;
  out.match = std::move(*f);
  out.action = action;
  out.nth = 1;
  out.node = tx.node;
  return out;
}

}  // namespace tcplab
