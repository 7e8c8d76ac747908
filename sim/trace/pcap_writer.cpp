// pcap serialisation (see pcap_writer.h). The format is the libpcap one documented in
// draft-ietf-opsawg-pcap: a 24-byte global header, then per packet a 16-byte record
// header (seconds, nanoseconds, captured length, original length) and the bytes.
#include "sim/trace/pcap_writer.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace tcplab {
namespace {

void put16(std::ostream& out, uint16_t v) {
  const char b[2] = {char(v & 0xff), char(v >> 8)};
  out.write(b, 2);
}

void put32(std::ostream& out, uint32_t v) {
  const char b[4] = {char(v & 0xff), char((v >> 8) & 0xff), char((v >> 16) & 0xff), char(v >> 24)};
  out.write(b, 4);
}

}  // namespace

PcapWriter::PcapWriter(std::ostream& out) : out_(&out) {
  put32(out, kPcapMagicNs);
  put16(out, 2);  // version 2.4
  put16(out, 4);
  put32(out, 0);  // thiszone: timestamps are UTC (here: time since the run began)
  put32(out, 0);  // sigfigs
  put32(out, kPcapSnaplen);
  put32(out, kLinktypeEthernet);
}

void PcapWriter::add(const TraceEvent& e) {
  if (e.ev != EvKind::Tx) return;
  if (const auto* p = std::get_if<PacketEvent>(&e.data)) add_frame(e.t, p->frame);
}

void PcapWriter::add_frame(Time t, wire::ByteView frame) {
  const Time ns = std::max<Time>(t, 0);
  const auto caplen = uint32_t(std::min<size_t>(frame.size(), kPcapSnaplen));
  put32(*out_, uint32_t(ns / kSec));
  put32(*out_, uint32_t(ns % kSec));
  put32(*out_, caplen);
  put32(*out_, uint32_t(frame.size()));
  out_->write(reinterpret_cast<const char*>(frame.data()), std::streamsize(caplen));
  ++records_;
}

bool PcapFileWriter::open(const std::string& path, std::string& error) {
  path_ = path;
  errno = 0;
  file_.open(path, std::ios::binary | std::ios::trunc);
  if (!file_) {
    error = "cannot write pcap '" + path + "': " + (errno ? std::strerror(errno) : "open failed");
    return false;
  }
  writer_.emplace(file_);
  return true;
}

bool PcapFileWriter::close(std::string& error) {
  if (!file_.is_open()) {
    error = "cannot write pcap '" + path_ + "': not open";
    return false;
  }
  file_.flush();
  const bool ok = bool(file_);
  file_.close();
  writer_.reset();
  if (!ok) error = "cannot write pcap '" + path_ + "': write failed";
  return ok;
}

bool write_pcap_file(const std::string& path, TraceView events, std::string& error) {
  PcapFileWriter w;
  if (!w.open(path, error)) return false;
  for (const TraceEvent& e : events) w.add(e);
  return w.close(error);
}

}  // namespace tcplab
