// The trace's frames as a classic pcap file (`tcplab run --pcap FILE`) that Wireshark
// and tshark open: nanosecond timestamps (magic 0xa1b23c4d), version 2.4, snaplen
// 262144, LINKTYPE_ETHERNET. One record per tx event, so a packet appears once per hop
// (switch hops included), at the time it was put on the link. Written little-endian.
#pragma once
#include <cstdint>
#include <fstream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "sim/trace/trace_event.h"
#include "sim/trace/trace_view.h"
#include "sim/wire/headers.h"

namespace tcplab {

constexpr uint32_t kPcapMagicNs = 0xa1b23c4d;
constexpr uint32_t kPcapSnaplen = 262144;
constexpr uint32_t kLinktypeEthernet = 1;

// Writes to a stream opened in binary mode; the global header is written at once.
class PcapWriter {
 public:
  explicit PcapWriter(std::ostream& out);
  void add(const TraceEvent& e);                     // a record for a tx; other events are ignored
  void add_frame(Time t, wire::ByteView frame);      // a record, cut at the snaplen
  size_t records() const { return records_; }

 private:
  std::ostream* out_;
  size_t records_ = 0;
};

// The same, to a file it opens and owns.
class PcapFileWriter {
 public:
  // False, with `error` saying why ("cannot write pcap 'x': No such file or directory"),
  // when the file cannot be created.
  bool open(const std::string& path, std::string& error);
  void add(const TraceEvent& e) { writer_->add(e); }  // after a successful open()
  // Flushes and closes; false with `error` when a write failed (disk full, …).
  bool close(std::string& error);

 private:
  std::string path_;
  std::ofstream file_;
  std::optional<PcapWriter> writer_;
};

// A whole trace to a file; false with `error` set when it cannot be written.
bool write_pcap_file(const std::string& path, TraceView events, std::string& error);

}  // namespace tcplab
