// connections.h: sockets and their peers from the trace's `state` events.
#include "sim/view/connections.h"

namespace tcplab {

std::string Connection::label(const TraceContext& ctx) const {
  auto side = [&](const ConnectionSide& s) {
    const size_t n = static_cast<size_t>(s.ref.node);
    std::string out = (n < ctx.node_names.size() ? ctx.node_names[n] : "?") + " " + s.ref.sock;
    if (!s.name.empty()) out += " (" + s.name + ")";
    return out + " " + s.local;
  };
  if (a.listener) return side(a) + " LISTEN";
  if (b) return side(a) + " \u2194 " + side(*b);
  return side(a) + " \u2194 " + a.remote;
}

std::vector<Connection> list_connections(TraceView events, size_t count,
                                         const TraceContext& ctx) {
  (void)ctx;
  ConnectionTracker t;
  return t.update(events, count, 0);
}

void ConnectionTracker::apply(const TraceEvent& e, size_t index) {
  const auto& st = e.state();
  auto [it, fresh] = by_ref_.try_emplace(std::make_pair(e.node, st.sock), sides_.size());
  if (fresh) sides_.push_back(Side{ConnectionSide{SocketRef{e.node, st.sock}, st.name, st.local, st.remote, "CLOSED", false}, {}});
  Side& x = sides_[it->second];
  ConnectionSide& s = x.side;
  x.events.push_back(index);
  s.state = st.to;
  if (!st.local.empty()) s.local = st.local;
  if (!st.remote.empty() && st.remote != "*:*" && st.remote != "0.0.0.0:*") s.remote = st.remote;
  if (st.to == "LISTEN") s.listener = true;
  if (!st.name.empty()) s.name = st.name;
}

// Each socket with the first later one whose endpoints are its own reversed; listeners
// stay alone.
void ConnectionTracker::pair() {
  conns_.clear();
  std::vector<bool> used(sides_.size(), false);
  for (size_t i = 0; i < sides_.size(); ++i) {
    if (used[i]) continue;
    used[i] = true;
    const ConnectionSide& si = sides_[i].side;
    Connection c{si, std::nullopt};
    if (!si.listener && !si.remote.empty()) {
      for (size_t j = i + 1; j < sides_.size(); ++j) {
        const ConnectionSide& sj = sides_[j].side;
        if (used[j] || sj.listener) continue;
        if (sj.local == si.remote && sj.remote == si.local) {
          c.b = sj;
          used[j] = true;
          break;
        }
      }
    }
    conns_.push_back(std::move(c));
  }
}

const std::vector<Connection>& ConnectionTracker::update(TraceView events, size_t count,
                                                         uint64_t key) {
  if (count > events.size()) count = events.size();
  const TraceProgress::Move move = progress_.next(events, count, key);
  if (move == TraceProgress::Move::None) return conns_;
  size_t from = progress_.read;
  bool changed = false;
  if (move == TraceProgress::Move::Restart) {
    sides_.clear();
    by_ref_.clear();
    state_index_.clear();
    from = 0;
    changed = true;
  } else if (move == TraceProgress::Move::Back) {
    // The same trace, an earlier cursor: the sides as of the state events before it,
    // replayed from the index, which is short (a few per socket) next to the trace.
    const size_t before = state_index_.size();
    while (!state_index_.empty() && state_index_.back() >= count) state_index_.pop_back();
    if (state_index_.size() != before) {
      sides_.clear();
      by_ref_.clear();
      for (size_t i : state_index_) apply(events[i], i);
      changed = true;
    }
    from = count;
  }
  for (size_t i = from; i < count; ++i) {
    if (events[i].ev != EvKind::State) continue;
    apply(events[i], i);
    state_index_.push_back(i);
    changed = true;
  }
  if (changed) pair();
  progress_.mark(events, count, key);
  return conns_;
}

const std::vector<size_t>& ConnectionTracker::state_events(const SocketRef& who) const {
  const auto it = by_ref_.find(std::make_pair(who.node, who.sock));
  return it == by_ref_.end() ? none_ : sides_[it->second].events;
}

std::optional<Connection> pick_connection(const std::vector<Connection>& all, const SocketRef& sel) {
  if (sel.node >= 0)
    for (const Connection& c : all)
      if (c.a.ref == sel || (c.b && c.b->ref == sel)) return c;
  for (const Connection& c : all)
    if (!c.a.listener) return c;
  return std::nullopt;
}

}  // namespace tcplab
