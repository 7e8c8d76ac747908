// compare.h: each socket's sequence of TCP states, and the matching of the simulation's
// sockets with the kernel's (with level 1's sampling tolerance, described in compare.h).
#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>

#include "sim/live/compare.h"

namespace tcplab::live {
namespace {

// The creation number of "s12" (12); sockets named otherwise sort last, in trace order.
long creation_number(const std::string& sock) {
  if (sock.size() < 2 || sock[0] != 's') return 1L << 30;
  char* end = nullptr;
  const long n = std::strtol(sock.c_str() + 1, &end, 10);
  return (end && *end == '\0') ? n : 1L << 30;
}

// Level 1 (compare.h, rules 2–4): K is S with some interior states left out. Returns the
// states left out, or nullopt when K is not such a sequence.
std::optional<std::vector<std::string>> sampling_gaps(const SocketStates& sim, const SocketStates& kernel) {
  const std::vector<std::string>& s = sim.states;
  const std::vector<std::string>& k = kernel.states;
  for (const std::string& why : kernel.whys)
    if (why.empty()) return std::nullopt;
  if (k.size() < 2 || s.size() < k.size()) return std::nullopt;
  if (k.front() != s.front() || k.back() != s.back()) return std::nullopt;
  std::vector<std::string> missing;
  size_t j = 1;  // the next kernel state to find in s
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    if (j + 1 < k.size() && s[i] == k[j]) ++j;
    else missing.push_back(s[i]);
  }
  if (j + 1 != k.size()) return std::nullopt;  // some kernel state is not in s, or out of order
  return missing;
}

SocketComparison compare_pair(const SocketStates& sim, const SocketStates& kernel, int level) {
  SocketComparison c;
  c.sim = sim;
  c.kernel = kernel;
  if (sim.states == kernel.states) {
    c.verdict = SocketComparison::Verdict::Same;
  } else if (level == 1) {
    if (auto gaps = sampling_gaps(sim, kernel)) {
      c.verdict = SocketComparison::Verdict::Tolerated;
      c.unseen = std::move(*gaps);
    }
  }
  return c;
}

}  // namespace

std::vector<SocketStates> state_sequences(const TraceContext& ctx, TraceView events) {
  std::vector<SocketStates> out;
  std::map<std::pair<int32_t, std::string>, size_t> index;
  for (const TraceEvent& e : events) {
    if (e.ev != EvKind::State) continue;
    const auto& st = e.state();
    auto [it, fresh] = index.try_emplace({e.node, st.sock}, out.size());
    if (fresh) {
      const size_t n = static_cast<size_t>(e.node);
      out.push_back(SocketStates{n < ctx.node_names.size() ? ctx.node_names[n] : "?", st.sock, "", {}, {}});
    }
    SocketStates& s = out[it->second];
    if (!st.name.empty()) s.name = st.name;
    s.states.push_back(st.to);
    s.whys.push_back(st.why);
  }
  return out;
}

std::string SocketComparison::label() const {
  const SocketStates& s = sim.sock.empty() ? kernel : sim;
  std::string out = s.node + " " + s.sock;
  if (!s.name.empty()) out += " (" + s.name + ")";
  if (!sim.sock.empty() && !kernel.sock.empty() && kernel.sock != sim.sock) out += " = kernel " + kernel.sock;
  return out;
}

std::vector<SocketComparison> compare_states(const std::vector<SocketStates>& sim,
                                             const std::vector<SocketStates>& kernel, int level) {
  std::vector<std::optional<size_t>> partner(sim.size());  // sim index -> kernel index
  std::vector<bool> taken(kernel.size(), false);

  // By node and --as name.
  for (size_t i = 0; i < sim.size(); ++i) {
    if (sim[i].name.empty()) continue;
    for (size_t j = 0; j < kernel.size(); ++j)
      if (!taken[j] && kernel[j].node == sim[i].node && kernel[j].name == sim[i].name) {
        partner[i] = j;
        taken[j] = true;
        break;
      }
  }
  // The rest by node and creation order: the k-th unmatched socket of a node in the
  // simulation with the k-th unmatched one of that node in the kernel trace.
  auto by_creation = [](const std::vector<SocketStates>& v, auto&& free) {
    std::map<std::string, std::vector<size_t>> per_node;
    for (size_t i = 0; i < v.size(); ++i)
      if (free(i)) per_node[v[i].node].push_back(i);
    for (auto& [node, list] : per_node)
      std::stable_sort(list.begin(), list.end(),
                       [&](size_t a, size_t b) { return creation_number(v[a].sock) < creation_number(v[b].sock); });
    return per_node;
  };
  auto sim_rest = by_creation(sim, [&](size_t i) { return !partner[i]; });
  auto kernel_rest = by_creation(kernel, [&](size_t j) { return !taken[j]; });
  for (auto& [node, list] : sim_rest) {
    auto k = kernel_rest.find(node);
    if (k == kernel_rest.end()) continue;
    for (size_t n = 0; n < list.size() && n < k->second.size(); ++n) {
      partner[list[n]] = k->second[n];
      taken[k->second[n]] = true;
    }
  }

  std::vector<SocketComparison> out;
  for (size_t i = 0; i < sim.size(); ++i) {
    if (partner[i]) {
      out.push_back(compare_pair(sim[i], kernel[*partner[i]], level));
    } else {
      SocketComparison c;
      c.verdict = SocketComparison::Verdict::OnlySim;
      c.sim = sim[i];
      out.push_back(std::move(c));
    }
  }
  for (size_t j = 0; j < kernel.size(); ++j)
    if (!taken[j]) {
      SocketComparison c;
      c.verdict = SocketComparison::Verdict::OnlyKernel;
      c.kernel = kernel[j];
      out.push_back(std::move(c));
    }
  return out;
}

}  // namespace tcplab::live
