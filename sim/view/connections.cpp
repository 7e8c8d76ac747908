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

std::vector<Connection> list_connections(const std::vector<TraceEvent>& events, size_t count,
                                         const TraceContext& ctx) {
  (void)ctx;
  std::vector<ConnectionSide> sides;
  for (size_t i = 0; i < count && i < events.size(); ++i) {
    const TraceEvent& e = events[i];
    if (e.ev != EvKind::State) continue;
    const auto& st = std::get<StateEvent>(e.data);
    ConnectionSide* s = nullptr;
    for (ConnectionSide& x : sides)
      if (x.ref.node == e.node && x.ref.sock == st.sock) s = &x;
    if (!s) {
      sides.push_back(ConnectionSide{SocketRef{e.node, st.sock}, st.name, st.local, st.remote, "CLOSED", false});
      s = &sides.back();
    }
    s->state = st.to;
    if (!st.local.empty()) s->local = st.local;
    if (!st.remote.empty() && st.remote != "*:*" && st.remote != "0.0.0.0:*") s->remote = st.remote;
    if (st.to == "LISTEN") s->listener = true;
    if (!st.name.empty()) s->name = st.name;
  }
  std::vector<Connection> out;
  std::vector<bool> used(sides.size(), false);
  for (size_t i = 0; i < sides.size(); ++i) {
    if (used[i]) continue;
    used[i] = true;
    Connection c{sides[i], std::nullopt};
    if (!sides[i].listener && !sides[i].remote.empty()) {
      for (size_t j = i + 1; j < sides.size(); ++j) {
        if (used[j] || sides[j].listener) continue;
        if (sides[j].local == sides[i].remote && sides[j].remote == sides[i].local) {
          c.b = sides[j];
          used[j] = true;
          break;
        }
      }
    }
    out.push_back(std::move(c));
  }
  return out;
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
