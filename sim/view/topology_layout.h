// Where the topology view puts things (issue 4 "Views → Topology"), without graphics:
//  - the automatic layout of nodes in [0,1]² from the graph of nodes and links,
//  - the layout file (`node x y` per line) saved when a node is dragged, and where it lives,
//  - where a packet in flight is along its link, and where a dropped one falls.
// Data flow: World (nodes, links, in_flight) -> these functions -> render/topology_view.cpp,
// which maps [0,1]² onto its window.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/time.h"
#include "sim/net/world.h"
#include "sim/trace/trace_event.h"

namespace tcplab {

struct NodePos {
  float x = 0.5f, y = 0.5f;  // [0,1]²: x left to right, y top to bottom
  bool operator==(const NodePos&) const = default;
};

// The graph the layout is made from: node names and types, links as node pairs and their
// delays (optional: empty means all alike).
struct TopologyGraph {
  std::vector<std::string> names;
  std::vector<NodeType> types;
  std::vector<std::pair<int32_t, int32_t>> links;
  std::vector<Time> delays;
};
TopologyGraph graph_of(const World& w);

// A layered layout that reads like a lesson's drawing: columns by hop count from a host
// chosen so that hosts end up on the left and right sides (client - sw1 - server reads
// left to right, routers in the middle), nodes in a column ordered to avoid crossings
// and spaced evenly; a column gap is wider (up to 1.6 times) when its links are slower than the
// scenario's usual link. Disconnected parts are stacked; isolated nodes form a row at the
// bottom. Deterministic: the same graph gives the same layout.
std::vector<NodePos> auto_layout(const TopologyGraph& g);

// ---- the layout file ----------------------------------------------------------------------
// One `name x y` line per node ("client 0.0000 0.5000"); '#' starts a comment.
std::string format_layout(const std::vector<std::string>& names, const std::vector<NodePos>& pos);
// Applies the lines of `text` to `pos` (indexed like `names`). A line that does not parse,
// names an unknown node or holds a coordinate outside [0,1] is ignored on its own; the
// others still apply. Returns how many lines were applied.
int apply_layout_text(std::string_view text, const std::vector<std::string>& names, std::vector<NodePos>& pos);

// Where the layout of the scenario at `scenario_path` is saved and read from: beside the
// scenario as `<file>.layout` when that directory is writable, else
// `$XDG_CONFIG_HOME/tcplab/layouts/<scenario name>.layout` (~/.config when unset). Reading
// tries `save` first, then a layout shipped beside a read-only scenario.
struct LayoutPaths {
  std::string save;               // empty: nowhere (no scenario file, no home)
  std::vector<std::string> load;  // in order of preference
};
LayoutPaths layout_paths(const std::string& scenario_path, const char* xdg_config_home, const char* home);

// Reads the first file of `paths.load` that exists into `pos`; false when none could be read.
bool load_layout(const LayoutPaths& paths, const std::vector<std::string>& names, std::vector<NodePos>& pos);
// Writes `pos` to `paths.save`, creating its directory. On failure says why.
bool save_layout(const LayoutPaths& paths, const std::vector<std::string>& names, const std::vector<NodePos>& pos,
                 std::string* error);

// ---- packets on the wires -------------------------------------------------------------------
// Where a frame on a link is at `now`: `along` from its sender (0) to its receiver (1).
// A lost frame (link loss or a fault) goes half way and then falls off the link: `fall`
// grows from 0 to 1 over the second half of its flight.
struct FlightSpot {
  float along = 0;
  float fall = 0;
};
FlightSpot flight_spot(Time now, Time sent, Time arrives, bool lost);

// Where a drop shows: `along` the link from the node named in the drop event (0 = at that
// node, 0.5 = the middle), and how long the falling ✕ stays (a short simulated window that
// scales with the link's delay, so that at the default play speed it lasts about a second).
struct DropSpot {
  float along_from_node = 0;
  bool on_link = false;  // lost on the wire (mid-link) rather than at a node
};
DropSpot drop_spot(DropWhy why);
Time drop_linger(Time link_delay);
// The animation phase of a drop that happened at `t` seen at `now`: 0 just dropped, 1 gone;
// nullopt when not shown (in the future or too old).
std::optional<float> drop_age(Time now, Time t, Time link_delay);

}  // namespace tcplab
