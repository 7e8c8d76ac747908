// The built-in TCP programs (`app …` in the command language): their state lives in
// Node::programs like ping's; the TCP layer tells them what happened through
// tcp_notify -> tcp_app_note, naming the program by id and the socket by index.
// Plain values only (DESIGN.md principle 2): sockets are indices into Node::tcp.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/core/time.h"
#include "sim/wire/address.h"

namespace tcplab {

// app echo-server PORT: every connection gets back what it sends; closes when the peer does.
struct EchoServerProgram {
  uint16_t port = 0;
  int32_t listener = -1;
  struct Conn {
    int32_t sock = -1;
    Endpoint peer;
    // Read but not yet taken by the send buffer. While it is not empty the server reads
    // no more, so a full send buffer closes the receive window (back-pressure, as a
    // blocking read()/write() loop would behave).
    std::vector<uint8_t> pending;
    uint64_t echoed = 0;
  };
  std::vector<Conn> conns;
};

// app file-server PORT NAME=BYTES…: reads a file name (up to "\n" or the first burst),
// sends the file and closes — the course notes' short connection (the server closes
// first, so the server side goes to TIME_WAIT).
struct FileServerProgram {
  uint16_t port = 0;
  int32_t listener = -1;
  std::vector<std::pair<std::string, uint64_t>> files;
  struct Conn {
    int32_t sock = -1;
    Endpoint peer;
    std::string request;
    bool answered = false;
    std::string file;       // the name asked for, once answered
    uint64_t size = 0;      // its length
    uint64_t queued = 0;    // bytes of it given to the send buffer so far
  };
  std::vector<Conn> conns;
};

// app download ADDR:PORT NAME: connects, asks for NAME, reads to EOF, reports.
struct DownloadProgram {
  Endpoint server;
  std::string file;
  int32_t sock = -1;
  bool connected = false;
  uint64_t received = 0;
  Time started = 0;         // connect() was called: the time reported includes the handshake
};

// app bulk-sink PORT: reads and discards; reports totals when each peer closes.
struct BulkSinkProgram {
  uint16_t port = 0;
  int32_t listener = -1;
  struct Conn {
    int32_t sock = -1;
    Endpoint peer;
    uint64_t received = 0;
    Time first = 0;         // accepted (ESTABLISHED): goodput is measured from here
  };
  std::vector<Conn> conns;
};

// app bulk-send ADDR:PORT [--bytes N]: keeps the send buffer full (until N bytes).
struct BulkSendProgram {
  Endpoint to;
  bool limited = false;
  uint64_t total = 0;       // --bytes N
  uint64_t queued = 0;
  int32_t sock = -1;
  bool connected = false;
};

// app requests ADDR:PORT --count N --size B [--reuse]: N request/response pairs, over one
// long connection or one connection each; reports the total time (the long-vs-short lesson).
struct RequestsProgram {
  Endpoint to;
  uint32_t count = 1, size = 100;
  bool reuse = false;
  uint32_t done = 0;        // responses complete
  uint32_t connections = 0; // connections opened
  int32_t sock = -1;        // the connection in use
  bool connected = false;   // sock reached ESTABLISHED
  uint64_t req_queued = 0;  // bytes of the current request given to the send buffer
  uint64_t awaiting = 0;    // response bytes still expected for the current request
  uint64_t mismatched = 0;  // response bytes that differ from what was sent
  Time started = 0;
  Time request_started = 0; // this request's start (its connect() when not reusing)
};

// hping3 …: sends crafted segments (one per second, -c N of them) from a raw socket and
// prints each answer as hping3 does ("len=46 ip=… flags=SA seq=… win=… rtt=… ms").
struct Hping3Program {
  Ipv4 dst;
  Ipv4 src;                 // the outgoing interface's address (for the checksum)
  std::string ifname;       // for the "HPING … (eth0 ADDR)" line
  uint8_t flags = 0;
  uint16_t dport = 0;
  uint16_t base_sport = 0;  // packet k leaves from base_sport + k (hping3 without -k)
  bool seq_set = false, ack_set = false;  // -M / -L; otherwise random per packet
  uint32_t seq = 0, ack = 0;
  uint32_t data_len = 0;
  uint16_t window = 64;
  int count = 1;
  int sent = 0, received = 0;
  std::vector<Time> sent_at;  // by hping3's seq (packet counter)
  std::vector<bool> answered;
  double rtt_min = 0, rtt_max = 0, rtt_sum = 0;  // ms
  bool sending_done = false;
};

}  // namespace tcplab
