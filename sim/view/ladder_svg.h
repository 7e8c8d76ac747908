// The ladder diagram as an SVG file, for slides (issue 4 "Export"). GL-free: the same
// layout as the Ladder view (ladder_model.h), written as SVG text.
#pragma once
#include <string>

#include "sim/session/session.h"
#include "sim/view/connections.h"
#include "sim/view/ui_strings.h"

namespace tcplab {

// The ladder of the connection holding `sel` (or the first one), up to the cursor.
// `all_between_nodes`: every packet between the connection's two nodes, not only its own.
std::string ladder_svg(const Session& s, const SocketRef& sel, bool all_between_nodes, Lang lang);

}  // namespace tcplab
