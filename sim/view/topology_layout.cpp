// The topology view's geometry without graphics (topology_layout.h).
#include "sim/view/topology_layout.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <numeric>
#include <sstream>
#include <tuple>

namespace tcplab {

TopologyGraph graph_of(const World& w) {
  TopologyGraph g;
  for (const Node& n : w.nodes()) {
    g.names.push_back(n.name);
    g.types.push_back(n.type);
  }
  for (const Link& l : w.links()) {
    g.links.emplace_back(l.ends[0].node, l.ends[1].node);
    g.delays.push_back(l.delay);
  }
  return g;
}

// ---- automatic layout ---------------------------------------------------------------------
namespace {

using Adjacency = std::vector<std::vector<int32_t>>;

// One way of putting a connected part into columns, and how good it looks.
struct Layering {
  std::vector<std::vector<int32_t>> cols;  // left to right; each top to bottom
  int interior_hosts = 0;  // hosts neither in the first nor in the last column
  long crossings = 0;      // link crossings between neighbouring columns
  size_t rows = 0;         // the tallest column
};

bool is_host(const TopologyGraph& g, int32_t v) { return g.types[static_cast<size_t>(v)] == NodeType::Host; }

// Crossings between columns c and c+1 given each node's row.
long crossings_between(const std::vector<int32_t>& left, const Adjacency& adj, const std::vector<int>& col,
                       const std::vector<int>& row, int c) {
  std::vector<std::pair<int, int>> edges;
  for (int32_t u : left)
    for (int32_t v : adj[static_cast<size_t>(u)])
      if (col[static_cast<size_t>(v)] == c + 1) edges.emplace_back(row[static_cast<size_t>(u)], row[static_cast<size_t>(v)]);
  long n = 0;
  for (size_t i = 0; i < edges.size(); ++i)
    for (size_t j = i + 1; j < edges.size(); ++j)
      if ((edges[i].first - edges[j].first) * (edges[i].second - edges[j].second) < 0) ++n;
  return n;
}

long count_crossings(const Layering& L, const Adjacency& adj, const std::vector<int>& col, const std::vector<int>& row) {
  long n = 0;
  for (size_t c = 0; c + 1 < L.cols.size(); ++c) n += crossings_between(L.cols[c], adj, col, row, static_cast<int>(c));
  return n;
}

// Orders each column by the mean row of its neighbours in the column before (sweeping
// right) or after (sweeping left): the barycentre heuristic of layered drawing, a few
// sweeps, keeping the order with the fewest crossings.
void order_columns(Layering& L, const Adjacency& adj, std::vector<int>& col, std::vector<int>& row) {
  auto set_rows = [&](const std::vector<int32_t>& c) {
    for (size_t i = 0; i < c.size(); ++i) row[static_cast<size_t>(c[i])] = static_cast<int>(i);
  };
  for (const auto& c : L.cols) set_rows(c);
  // Rows compared across columns of different heights: the centre of each slot in [0,1].
  auto place = [&](int32_t v) {
    const auto& c = L.cols[static_cast<size_t>(col[static_cast<size_t>(v)])];
    return (row[static_cast<size_t>(v)] + 0.5) / static_cast<double>(c.size());
  };
  auto sweep = [&](size_t c, int ref) {
    std::vector<std::pair<double, int32_t>> keyed;
    for (int32_t v : L.cols[c]) {
      double sum = 0;
      int n = 0;
      for (int32_t u : adj[static_cast<size_t>(v)])
        if (col[static_cast<size_t>(u)] == ref) {
          sum += place(u);
          ++n;
        }
      keyed.emplace_back(n > 0 ? sum / n : place(v), v);
    }
    std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t i = 0; i < keyed.size(); ++i) L.cols[c][i] = keyed[i].second;
    set_rows(L.cols[c]);
  };
  auto best_cols = L.cols;
  long best = count_crossings(L, adj, col, row);
  for (int pass = 0; pass < 4 && best > 0; ++pass) {
    for (size_t c = 1; c < L.cols.size(); ++c) sweep(c, static_cast<int>(c) - 1);
    for (size_t c = L.cols.size() - 1; c-- > 0;) sweep(c, static_cast<int>(c) + 1);
    const long n = count_crossings(L, adj, col, row);
    if (n < best) {
      best = n;
      best_cols = L.cols;
    }
  }
  L.cols = best_cols;
  for (const auto& c : L.cols) set_rows(c);
  L.crossings = best;
}

// Columns by hop count from `root`, over the connected part `part`.
Layering layer_from(int32_t root, const std::vector<int32_t>& part, const TopologyGraph& g, const Adjacency& adj,
                    std::vector<int>& col, std::vector<int>& row) {
  for (int32_t v : part) col[static_cast<size_t>(v)] = -1;
  std::vector<int32_t> order{root};  // BFS discovery order: a good first order per column
  col[static_cast<size_t>(root)] = 0;
  for (size_t i = 0; i < order.size(); ++i)
    for (int32_t u : adj[static_cast<size_t>(order[i])])
      if (col[static_cast<size_t>(u)] < 0) {
        col[static_cast<size_t>(u)] = col[static_cast<size_t>(order[i])] + 1;
        order.push_back(u);
      }
  // Hosts on the sides: the root's fellow hosts on its switch (h1, h2 on sw1 in front of a
  // router) join it in the first column, unless they are all there is beyond the switch
  // (a star: then they fan out on the right).
  const auto& root_adj = adj[static_cast<size_t>(root)];
  if (root_adj.size() == 1) {
    const int32_t p = root_adj[0];
    std::vector<int32_t> fellows;
    for (int32_t u : adj[static_cast<size_t>(p)])
      if (u != root && is_host(g, u) && adj[static_cast<size_t>(u)].size() == 1) fellows.push_back(u);
    if (!fellows.empty() && part.size() > fellows.size() + 2)
      for (int32_t u : fellows) col[static_cast<size_t>(u)] = 0;
  }
  Layering L;
  for (int32_t v : order) {
    const size_t c = static_cast<size_t>(col[static_cast<size_t>(v)]);
    if (L.cols.size() <= c) L.cols.resize(c + 1);
    L.cols[c].push_back(v);
  }
  // Moving fellows may empty a column only if it held nothing else; drop empty columns.
  L.cols.erase(std::remove_if(L.cols.begin(), L.cols.end(), [](const auto& c) { return c.empty(); }), L.cols.end());
  for (size_t c = 0; c < L.cols.size(); ++c)
    for (int32_t v : L.cols[c]) col[static_cast<size_t>(v)] = static_cast<int>(c);
  for (const auto& c : L.cols) L.rows = std::max(L.rows, c.size());
  for (size_t c = 1; c + 1 < L.cols.size(); ++c)
    for (int32_t v : L.cols[c]) L.interior_hosts += is_host(g, v) ? 1 : 0;
  order_columns(L, adj, col, row);
  return L;
}

// The best layering of a connected part: hosts on the sides first, then few crossings,
// then a low height; ties go to the root listed first in the scenario.
Layering layer_part(const std::vector<int32_t>& part, const TopologyGraph& g, const Adjacency& adj) {
  std::vector<int32_t> roots;
  for (int32_t v : part)
    if (is_host(g, v)) roots.push_back(v);
  if (roots.empty()) roots = part;
  // Big graphs: the first hosts are enough to find a tidy drawing (this runs once per
  // scenario, never per frame).
  if (roots.size() > 48) roots.resize(48);
  std::vector<int> col(g.names.size(), -1), row(g.names.size(), 0);
  std::optional<Layering> best;
  for (int32_t r : roots) {
    Layering L = layer_from(r, part, g, adj, col, row);
    auto key = [](const Layering& x) { return std::make_tuple(x.interior_hosts, x.crossings, x.rows); };
    if (!best || key(L) < key(*best)) best = std::move(L);
  }
  return std::move(*best);
}

// A connected part as placed in its band: x in [0,1], y in rows (slot centres at 0.5, 1.5, …).
struct PartLayout {
  std::vector<std::pair<int32_t, NodePos>> at;
  size_t rows = 1;
};

// How wide the gap after each column is: links of longer delay get more room (up to 1.6 times
// the usual), so that the slow link of a lesson is where packets are easy to see and the
// drawing hints at the delays. Weights grow with the square root: 20 ms next to 1 ms links
// is wider, not twenty times wider.
std::vector<float> column_gaps(const Layering& L, const TopologyGraph& g) {
  std::vector<float> gaps(L.cols.size() > 1 ? L.cols.size() - 1 : 0, 1.0f);
  if (g.delays.size() != g.links.size() || gaps.empty()) return gaps;
  std::vector<int> col(g.names.size(), -1);
  for (size_t c = 0; c < L.cols.size(); ++c)
    for (int32_t v : L.cols[c]) col[static_cast<size_t>(v)] = static_cast<int>(c);
  std::vector<Time> positive;
  for (Time d : g.delays)
    if (d > 0) positive.push_back(d);
  if (positive.empty()) return gaps;
  std::nth_element(positive.begin(), positive.begin() + static_cast<std::ptrdiff_t>(positive.size() / 2), positive.end());
  const double median = static_cast<double>(positive[positive.size() / 2]);
  std::vector<Time> widest(gaps.size(), 0);
  for (size_t i = 0; i < g.links.size(); ++i) {
    const auto [a, b] = g.links[i];
    if (a < 0 || b < 0 || static_cast<size_t>(a) >= col.size() || static_cast<size_t>(b) >= col.size()) continue;
    const int ca = col[static_cast<size_t>(a)], cb = col[static_cast<size_t>(b)];
    if (ca < 0 || cb < 0 || std::abs(ca - cb) != 1) continue;
    Time& w = widest[static_cast<size_t>(std::min(ca, cb))];
    w = std::max(w, g.delays[i]);
  }
  for (size_t c = 0; c < gaps.size(); ++c)
    gaps[c] = static_cast<float>(std::clamp(std::sqrt(static_cast<double>(widest[c]) / median), 1.0, 1.6));
  return gaps;
}

PartLayout from_layering(const Layering& L, const TopologyGraph& g) {
  PartLayout out;
  out.rows = L.rows;
  const std::vector<float> gaps = column_gaps(L, g);
  std::vector<float> xs(L.cols.size(), 0.5f);
  if (!gaps.empty()) {
    const float total = std::accumulate(gaps.begin(), gaps.end(), 0.0f);
    float run = 0;
    for (size_t c = 0; c < L.cols.size(); ++c) {
      xs[c] = run / total;
      if (c < gaps.size()) run += gaps[c];
    }
  }
  for (size_t c = 0; c < L.cols.size(); ++c) {
    const auto& column = L.cols[c];
    const float k = static_cast<float>(column.size());
    for (size_t i = 0; i < column.size(); ++i) {
      // Centred in the band: a column of k nodes takes k of its rows.
      const float x = xs[c];
      const float y = static_cast<float>(L.rows) / 2 + static_cast<float>(i) - (k - 1) / 2;
      out.at.emplace_back(column[i], NodePos{x, y});
    }
  }
  return out;
}

// A big network with wide fan-outs (a core switch, edge switches, many hosts) does not fit
// in columns: a radial tree from the most central node, each subtree in a wedge as wide as
// its number of leaves, one ring per hop; crowded leaves alternate between two radii.
PartLayout radial(const std::vector<int32_t>& part, const TopologyGraph& g, const Adjacency& adj) {
  const size_t n = g.names.size();
  std::vector<int> dist(n, -1);
  auto bfs = [&](int32_t root, std::vector<int32_t>* order, std::vector<int32_t>* parent) {
    for (int32_t v : part) dist[static_cast<size_t>(v)] = -1;
    std::vector<int32_t> q{root};
    dist[static_cast<size_t>(root)] = 0;
    if (parent) (*parent)[static_cast<size_t>(root)] = -1;
    for (size_t i = 0; i < q.size(); ++i)
      for (int32_t u : adj[static_cast<size_t>(q[i])])
        if (dist[static_cast<size_t>(u)] < 0) {
          dist[static_cast<size_t>(u)] = dist[static_cast<size_t>(q[i])] + 1;
          if (parent) (*parent)[static_cast<size_t>(u)] = q[i];
          q.push_back(u);
        }
    if (order) *order = q;
    return dist[static_cast<size_t>(q.back())];
  };
  int32_t centre = part[0];
  int best = -1;
  for (int32_t v : part) {
    const int ecc = bfs(v, nullptr, nullptr);
    if (best < 0 || ecc < best) {
      best = ecc;
      centre = v;
    }
  }
  std::vector<int32_t> order, parent(n, -1);
  const int depth = std::max(1, bfs(centre, &order, &parent));
  std::vector<std::vector<int32_t>> children(n);
  for (int32_t v : order)
    if (parent[static_cast<size_t>(v)] >= 0) children[static_cast<size_t>(parent[static_cast<size_t>(v)])].push_back(v);
  std::vector<double> leaves(n, 0);
  for (size_t i = order.size(); i-- > 0;) {
    const auto v = static_cast<size_t>(order[i]);
    leaves[v] = children[v].empty() ? 1 : 0;
    for (int32_t ch : children[v]) leaves[v] += leaves[static_cast<size_t>(ch)];
  }
  std::vector<double> a0(n, 0), a1(n, 0);
  a0[static_cast<size_t>(centre)] = 0;
  a1[static_cast<size_t>(centre)] = 2 * std::numbers::pi;
  PartLayout out;
  out.rows = std::max<size_t>(6, static_cast<size_t>(std::sqrt(static_cast<double>(part.size()))));
  const double pi = std::numbers::pi;
  for (int32_t v : order) {
    const auto vi = static_cast<size_t>(v);
    double from = a0[vi];
    const auto& ch = children[vi];
    for (size_t k = 0; k < ch.size(); ++k) {
      const auto c = static_cast<size_t>(ch[k]);
      const double share = (a1[vi] - a0[vi]) * leaves[c] / std::max(1.0, leaves[vi]);
      a0[c] = from;
      a1[c] = from + share;
      from += share;
    }
    double r = static_cast<double>(dist[vi]) / depth;
    // Leaves of a crowded parent: every other one a little closer in.
    if (ch.empty() && parent[vi] >= 0 && children[static_cast<size_t>(parent[vi])].size() > 8) {
      const auto& sib = children[static_cast<size_t>(parent[vi])];
      const auto idx = static_cast<size_t>(std::find(sib.begin(), sib.end(), v) - sib.begin());
      if (idx % 2 == 1) r *= 0.86;
    }
    // Start on the left (angle pi) so the first subtree reads from the left.
    const double ang = pi + (a0[vi] + a1[vi]) / 2;
    const double x = 0.5 + 0.5 * r * std::cos(ang), y01 = 0.5 + 0.5 * r * std::sin(ang);
    out.at.emplace_back(v, NodePos{static_cast<float>(x),
                                   static_cast<float>(0.5 + (static_cast<double>(out.rows) - 1) * y01)});
  }
  return out;
}

}  // namespace

std::vector<NodePos> auto_layout(const TopologyGraph& g) {
  const size_t n = g.names.size();
  std::vector<NodePos> pos(n);
  if (n == 0) return pos;
  Adjacency adj(n);
  for (auto [a, b] : g.links) {
    if (a < 0 || b < 0 || a == b || static_cast<size_t>(a) >= n || static_cast<size_t>(b) >= n) continue;
    auto& aa = adj[static_cast<size_t>(a)];
    if (std::find(aa.begin(), aa.end(), b) != aa.end()) continue;  // parallel links: one edge
    aa.push_back(b);
    adj[static_cast<size_t>(b)].push_back(a);
  }
  // Connected parts, in order of their first node.
  std::vector<PartLayout> parts;
  std::vector<int32_t> loners;
  std::vector<bool> seen(n, false);
  for (size_t s = 0; s < n; ++s) {
    if (seen[s]) continue;
    std::vector<int32_t> part{static_cast<int32_t>(s)};
    seen[s] = true;
    for (size_t i = 0; i < part.size(); ++i)
      for (int32_t u : adj[static_cast<size_t>(part[i])])
        if (!seen[static_cast<size_t>(u)]) {
          seen[static_cast<size_t>(u)] = true;
          part.push_back(u);
        }
    if (part.size() == 1) {
      loners.push_back(part[0]);
      continue;
    }
    std::sort(part.begin(), part.end());
    const Layering L = layer_part(part, g, adj);
    // Columns taller than a window can show side by side: go radial.
    parts.push_back(L.rows > 10 ? radial(part, g, adj) : from_layering(L, g));
  }
  // Parts are stacked top to bottom, each in a band of its rows; loners share a row.
  size_t total_rows = loners.empty() ? 0 : 1;
  for (const PartLayout& P : parts) total_rows += P.rows;
  const float slot = 1.0f / static_cast<float>(total_rows);
  float top = 0;
  for (const PartLayout& P : parts) {
    for (const auto& [v, p] : P.at) pos[static_cast<size_t>(v)] = NodePos{p.x, top + slot * p.y};
    top += slot * static_cast<float>(P.rows);
  }
  for (size_t i = 0; i < loners.size(); ++i) {
    NodePos& p = pos[static_cast<size_t>(loners[i])];
    p.x = loners.size() > 1 ? static_cast<float>(i) / static_cast<float>(loners.size() - 1) : 0.5f;
    p.y = top + slot / 2;
  }
  // Slot centres sit half a slot in from the edges; stretch them to fill [0,1] so the view
  // can fit its margins around the nodes alone. One row stays on the middle line.
  if (total_rows > 1) {
    const float lo = slot / 2, hi = 1 - slot / 2;
    for (NodePos& p : pos) p.y = std::clamp((p.y - lo) / (hi - lo), 0.0f, 1.0f);
  }
  return pos;
}

// ---- the layout file ------------------------------------------------------------------------

std::string format_layout(const std::vector<std::string>& names, const std::vector<NodePos>& pos) {
  std::string out = "# tcplab topology layout: node x y, in [0,1] (x to the right, y down)\n";
  auto num = [](float v) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 4);
    return std::string(buf, r.ptr);
  };
  for (size_t i = 0; i < names.size() && i < pos.size(); ++i)
    out += names[i] + " " + num(pos[i].x) + " " + num(pos[i].y) + "\n";
  return out;
}

namespace {

std::optional<float> parse_coord(std::string_view s) {
  float v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(v) || v < 0 || v > 1) return std::nullopt;
  return v;
}

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

}  // namespace

int apply_layout_text(std::string_view text, const std::vector<std::string>& names, std::vector<NodePos>& pos) {
  int applied = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (const size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    const auto w = words(line);
    if (w.size() != 3) continue;
    const auto it = std::find(names.begin(), names.end(), w[0]);
    if (it == names.end()) continue;
    const auto x = parse_coord(w[1]), y = parse_coord(w[2]);
    if (!x || !y) continue;
    const size_t i = static_cast<size_t>(it - names.begin());
    if (i >= pos.size()) continue;
    pos[i] = NodePos{*x, *y};
    ++applied;
  }
  return applied;
}

LayoutPaths layout_paths(const std::string& scenario_path, const char* xdg_config_home, const char* home) {
  namespace fs = std::filesystem;
  LayoutPaths out;
  if (scenario_path.empty()) return out;
  const fs::path scenario(scenario_path);
  const std::string beside = scenario_path + ".layout";
  std::string config;
  const std::string name = scenario.stem().string() + ".layout";
  // XDG Base Directory: a relative $XDG_CONFIG_HOME is invalid and ignored.
  if (xdg_config_home && xdg_config_home[0] == '/')
    config = (fs::path(xdg_config_home) / "tcplab" / "layouts" / name).string();
  else if (home && home[0] != '\0')
    config = (fs::path(home) / ".config" / "tcplab" / "layouts" / name).string();
  const fs::path dir = scenario.has_parent_path() ? scenario.parent_path() : fs::path(".");
  std::error_code ec;
  const bool beside_ok = ::access(dir.c_str(), W_OK) == 0 &&
                         (!fs::exists(beside, ec) || ::access(beside.c_str(), W_OK) == 0);
  if (beside_ok) {
    out.save = beside;
    out.load = {beside};
  } else {
    out.save = config;
    if (!config.empty()) out.load.push_back(config);
    out.load.push_back(beside);  // a layout shipped with read-only scenarios
  }
  return out;
}

bool load_layout(const LayoutPaths& paths, const std::vector<std::string>& names, std::vector<NodePos>& pos) {
  for (const std::string& p : paths.load) {
    std::ifstream in(p, std::ios::binary);
    if (!in) continue;
    std::ostringstream text;
    text << in.rdbuf();
    apply_layout_text(text.str(), names, pos);
    return true;
  }
  return false;
}

bool save_layout(const LayoutPaths& paths, const std::vector<std::string>& names, const std::vector<NodePos>& pos,
                 std::string* error) {
  namespace fs = std::filesystem;
  auto fail = [&](const std::string& why) {
    if (error) *error = why;
    return false;
  };
  if (paths.save.empty()) return fail("no place to save the layout");
  std::error_code ec;
  const fs::path target(paths.save);
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
  if (ec) return fail("cannot create " + target.parent_path().string() + ": " + ec.message());
  // Written beside and renamed, so that a crash never leaves half a layout.
  const std::string tmp = paths.save + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return fail("cannot write " + tmp);
    out << format_layout(names, pos);
    if (!out.flush()) return fail("cannot write " + tmp);
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return fail("cannot write " + paths.save);
  }
  return true;
}

// ---- packets on the wires ---------------------------------------------------------------------

FlightSpot flight_spot(Time now, Time sent, Time arrives, bool lost) {
  float f = 1;
  if (arrives > sent) f = static_cast<float>(static_cast<double>(now - sent) / static_cast<double>(arrives - sent));
  f = std::clamp(f, 0.0f, 1.0f);
  if (!lost) return {f, 0};
  return {std::min(f, 0.5f), f > 0.5f ? (f - 0.5f) * 2 : 0.0f};
}

DropSpot drop_spot(DropWhy why) {
  switch (why) {
    case DropWhy::Loss:
    case DropWhy::Fault:
      return {0.5f, true};  // lost on the wire: it fell half way (see flight_spot)
    case DropWhy::Queue:
      return {0.12f, false};  // the sender's queue was full: it never left
    default:
      return {0.0f, false};  // refused by the node itself (no route, TTL, closed port, …)
  }
}

Time drop_linger(Time link_delay) { return std::max<Time>(2 * link_delay, 20 * kMs); }

std::optional<float> drop_age(Time now, Time t, Time link_delay) {
  if (t > now) return std::nullopt;
  const double a = static_cast<double>(now - t) / static_cast<double>(drop_linger(link_delay));
  if (a >= 1) return std::nullopt;
  return static_cast<float>(a);
}

}  // namespace tcplab
