// Spellings of the trace enums, as they appear in JSON Lines output.
#include "sim/trace/trace_event.h"

namespace tcplab {

const char* to_string(EvKind k) {
  switch (k) {
    case EvKind::Tx: return "tx";
    case EvKind::Rx: return "rx";
    case EvKind::Drop: return "drop";
    case EvKind::State: return "state";
    case EvKind::Timer: return "timer";
    case EvKind::Cc: return "cc";
    case EvKind::App: return "app";
  }
  return "?";
}

const char* to_string(DropWhy w) {
  switch (w) {
    case DropWhy::Loss: return "loss";
    case DropWhy::Fault: return "fault";
    case DropWhy::Queue: return "queue";
    case DropWhy::Ttl: return "ttl";
    case DropWhy::NoRoute: return "noroute";
    case DropWhy::NoArp: return "noarp";
    case DropWhy::Closed: return "closed";
    case DropWhy::Checksum: return "checksum";
    case DropWhy::OtherHost: return "otherhost";
    case DropWhy::Backlog: return "backlog";
  }
  return "?";
}

const char* to_string(NodeType t) {
  switch (t) {
    case NodeType::Host: return "host";
    case NodeType::Router: return "router";
    case NodeType::Switch: return "switch";
  }
  return "?";
}

}  // namespace tcplab
