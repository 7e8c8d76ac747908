// A TCP socket: the transmission control block of RFC 9293 §3.3.1 plus what the BSD
// socket around it holds (buffers, options, accept queue). Plain data in Node::tcp,
// addressed by index; a socket names its listener and its children by index too, and
// its timers are events that carry (node, socket index, timer kind) — never a pointer.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "sim/core/event_queue.h"
#include "sim/core/fifo.h"
#include "sim/core/time.h"
#include "sim/proto/tcp_cc.h"
#include "sim/proto/tcp_rtt.h"
#include "sim/proto/tcp_seq.h"
#include "sim/scenario/command.h"
#include "sim/wire/address.h"

namespace tcplab {

// RFC 9293 §3.3.2, Figure 5. CLOSED is "no TCB"; a socket stays in Node::tcp after it
// reaches CLOSED so that its id and history remain (it is then simply not shown).
enum class TcpState : uint8_t {
  Closed, Listen, SynSent, SynReceived, Established, FinWait1, FinWait2, CloseWait, Closing,
  LastAck, TimeWait
};
const char* netstat_name(TcpState s);  // "SYN_SENT": the trace's and netstat's spelling
const char* ss_name(TcpState s);       // "SYN-SENT", "ESTAB", "UNCONN": iproute2 ss
const char* rfc_name(TcpState s);      // "SYN-SENT", "ESTABLISHED": RFC 9293
bool synchronized(TcpState s);         // RFC 9293 §3.5.2

enum class TcpTimerKind : uint8_t { Rto, TimeWait, DelAck, Persist, FinWait2 };
const char* to_string(TcpTimerKind k);  // "rto", "time_wait", "delack", "persist", "keepalive"

// What a socket tells its owner (the console or a program) happened.
enum class TcpNote : uint8_t {
  Connected,    // connect() completed: ESTABLISHED
  Incoming,     // a listener's accept queue has a connection waiting
  Readable,     // data arrived in the receive buffer
  Eof,          // the peer's FIN: read() will return 0 once the buffer is empty
  Writable,     // send-buffer space freed (after the buffer was full)
  Refused,      // connect(): ECONNREFUSED
  Reset,        // ECONNRESET
  TimedOut,     // ETIMEDOUT (SYN or data retries exhausted)
  Closed,       // the connection is gone (CLOSED), normally
};

// Bytes waiting to go out (or to be acknowledged), from SND.UNA on; or received in order
// and not yet read. A ring whose size is a power of two, grown (doubled) only when full:
// a vector with a consumed prefix, compacted now and then, held up to twice the bytes in
// it and its capacity doubled past that (a 100-flow dumbbell's send buffers were most of
// its memory, issue 6). A plain value.
class ByteQueue {
 public:
  ByteQueue() = default;
  // A copy holds only the bytes queued, from the ring's start, in the smallest ring that
  // fits them: World snapshots copy every socket, and a growing vector of sockets copies
  // them too (a 10,000-connection storm kept every emptied 64 KiB ring otherwise).
  ByteQueue(const ByteQueue& o) : count_(o.count_) {
    if (count_ == 0) return;
    size_t cap = 64;
    while (cap < count_) cap *= 2;
    ring_.resize(cap);
    const size_t first = std::min(count_, o.ring_.size() - o.head_);
    std::memcpy(ring_.data(), o.ring_.data() + o.head_, first);
    std::memcpy(ring_.data() + first, o.ring_.data(), count_ - first);
  }
  ByteQueue& operator=(const ByteQueue& o) {
    if (this != &o) *this = ByteQueue(o);
    return *this;
  }
  ByteQueue(ByteQueue&&) noexcept = default;
  ByteQueue& operator=(ByteQueue&&) noexcept = default;

  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  size_t capacity() const { return ring_.size(); }  // the memory it holds
  void append(const uint8_t* p, size_t n) {
    if (n == 0) return;
    if (count_ + n > ring_.size()) grow(count_ + n);
    const size_t mask = ring_.size() - 1;
    const size_t at = (head_ + count_) & mask;
    const size_t first = std::min(n, ring_.size() - at);
    std::memcpy(ring_.data() + at, p, first);
    if (n > first) std::memcpy(ring_.data(), p + first, n - first);
    count_ += n;
  }
  void consume(size_t n) {
    count_ -= n;
    head_ = count_ == 0 ? 0 : (head_ + n) & (ring_.size() - 1);
  }
  // The `len` bytes from `offset` on, in one piece, valid until the queue next changes:
  // in place, or, when they wrap round the end of the ring (once per lap), copied into a
  // spill buffer (a segment's worth; turning the whole ring instead cost a fifth of a
  // 100-flow dumbbell).
  const uint8_t* contiguous(size_t offset, size_t len) {
    if (ring_.empty()) return nullptr;
    const size_t at = (head_ + offset) & (ring_.size() - 1);
    if (at + len <= ring_.size()) return ring_.data() + at;
    const size_t first = ring_.size() - at;
    spill_.resize(len);
    std::memcpy(spill_.data(), ring_.data() + at, first);
    std::memcpy(spill_.data() + first, ring_.data(), len - first);
    return spill_.data();
  }

 private:
  void grow(size_t need) {
    size_t cap = ring_.empty() ? 64 : ring_.size();  // small for the many short connections
    while (cap < need) cap *= 2;
    std::vector<uint8_t> bigger(cap);
    const size_t first = std::min(count_, ring_.size() - head_);
    if (count_ > 0) {
      std::memcpy(bigger.data(), ring_.data() + head_, first);
      std::memcpy(bigger.data() + first, ring_.data(), count_ - first);
    }
    ring_ = std::move(bigger);
    head_ = 0;
  }
  std::vector<uint8_t> ring_;  // empty, or a power-of-two size
  size_t head_ = 0;            // where the queue starts in the ring
  size_t count_ = 0;
  std::vector<uint8_t> spill_;  // contiguous()'s copy of a piece that wraps
};

struct OutOfOrder {  // a segment held for later (RFC 9293 §3.10.7.4, SHLD-31)
  SeqNum seq;
  std::vector<uint8_t> data;
  bool fin = false;
};

struct TcpSocket {
  int32_t id = 0;             // the number in "s3"
  std::string name;           // --as NAME, or "NAME.k" for a named listener's k-th child
  TcpState state = TcpState::Closed;
  Ipv4 local_addr;            // 0.0.0.0 for a listener bound to any address
  uint16_t local_port = 0;
  Ipv4 remote_addr;
  uint16_t remote_port = 0;

  // ---- who uses it -----------------------------------------------------------------------
  int32_t owner = -1;         // program id, or -1: the console (commands print for it)
  bool auto_read = true;      // --read auto: the owner reads as data arrives
  bool released = false;      // the owner called close()/abort(): an orphan (Linux)

  // ---- listener (LISTEN) -------------------------------------------------------------------
  int backlog = 0;            // in effect: min(backlog, somaxconn)
  bool manual_accept = false; // --manual-accept: children wait for `tcp accept`
  std::vector<int32_t> accept_queue;  // children (indices) ESTABLISHED, not yet accepted
  std::vector<int32_t> syn_queue;     // children in SYN_RECV
  int32_t next_child = 1;     // k of NAME.k, in accept order
  // ---- child of a listener -------------------------------------------------------------------
  int32_t listener = -1;      // index of the listener, -1 if none (connect()ed, or accepted)
  bool passive_origin = false;  // MUST-11: SYN_RECV reached from LISTEN (not simultaneous open)

  // ---- send sequence space (RFC 9293 §3.3.1) --------------------------------------------------
  SeqNum iss, snd_una, snd_nxt, snd_max;  // snd_max: highest SND.NXT ever (after an RTO rewind)
  uint32_t snd_wnd = 0;       // the peer's window (unscaled: tcplab sends no window scaling)
  SeqNum snd_wl1, snd_wl2;
  uint32_t snd_mss = 536;     // what we may send per segment: min(peer's MSS option or 536, ours)
  uint16_t adv_mss = 1460;    // what we advertise: interface MTU − 40
  ByteQueue send_buf;         // from SND.UNA: sent-unacknowledged, then unsent
  uint32_t sndbuf = 16384;
  bool sndbuf_locked = false; // SO_SNDBUF was set: no auto-tuning (Linux SOCK_SNDBUF_LOCK)
  bool fin_pending = false;   // close()/shutdown(): send a FIN after the queued data
  bool fin_sent = false;
  SeqNum fin_seq;             // the FIN's sequence number, once sent
  SeqNum snd_sml;             // end of the last segment shorter than the MSS (Minshall's Nagle)

  // ---- receive sequence space ----------------------------------------------------------------
  SeqNum irs, rcv_nxt;
  uint32_t rcvbuf = 131072;
  ByteQueue recv_buf;         // in order, not yet read by the owner
  std::vector<OutOfOrder> ooo;
  bool fin_received = false;  // EOF reached RCV.NXT
  SeqNum rcv_adv;             // right edge of the window we last advertised (never moves left)
  SeqNum rcv_wup;             // RCV.NXT when we last sent an ACK (Linux rcv_wup)

  // ---- retransmission (RFC 6298) ---------------------------------------------------------------
  RttEstimator rtt;
  bool rtt_timing = false;    // Karn: one unretransmitted segment timed at a time
  SeqNum rtt_seq;
  Time rtt_sent = 0;
  int retransmits = 0;        // consecutive RTO expiries (tcpi_retransmits)
  uint32_t total_retrans = 0; // tcpi_total_retrans
  Time last_send = 0;         // for restart after idle (RFC 5681 §4.1)

  // ---- congestion control ------------------------------------------------------------------------
  CongestionControl cc;
  uint32_t last_ack_wnd = 0;  // window of the previous ACK (dupACK rule (e))
  uint32_t max_snd_wnd = 0;   // largest window the peer offered (sender SWS avoidance)
  bool syn_lost = false;      // the SYN or SYN-ACK was retransmitted (RFC 5681 §3.1: IW = 1)
  // What the last `cc` event said, to emit one only when something changed.
  uint32_t shown_cwnd = 0, shown_ssthresh = 0;
  Time shown_srtt = -1, shown_rto = -1;

  // ---- ACK generation -----------------------------------------------------------------------------
  bool delack_enabled = true;
  bool nodelay = false;       // TCP_NODELAY: Nagle off
  bool linger_zero = false;   // SO_LINGER {1, 0}: close() aborts with RST
  int quickacks = 16;         // immediate ACKs left (Linux quickack mode)
  bool ack_now = false;       // an ACK is owed at the end of this input

  // ---- timers: the pending event of each kind, 0 = not armed ------------------------------------
  EventId timer_rto = 0, timer_time_wait = 0, timer_delack = 0, timer_persist = 0,
          timer_fin_wait2 = 0;
  Time rto_at = 0, time_wait_at = 0, persist_at = 0;  // when they fire (for ss -o and the GUI)
  int persist_backoff = 0;

  // ---- errors and pending console reads -------------------------------------------------------------
  std::string error;          // the last error reported ("Connection reset by peer")
  Fifo<uint32_t> readers;     // pending `tcp recv` (manual read) sizes, in call order
  bool writable_wanted = false;  // the owner hit a full send buffer: tell it when space frees
  PendingPayload console_unsent;       // `tcp send` beyond the buffer, made as it is taken
  uint64_t console_send_total = 0;      // size of the `tcp send` in progress
  int console_accepts = 0;              // `tcp accept` calls waiting for a connection  // `tcp send` beyond the buffer: a blocking send's rest

  bool open() const { return state != TcpState::Closed; }
};
// Node::tcp grows by one socket per connection: a socket whose move may throw is copied,
// buffers and all, to the vector's new storage (std::vector keeps its strong guarantee),
// which cost a 10,000-connection storm 6 % of its run. Hence Fifo, not std::deque, above.
static_assert(std::is_nothrow_move_constructible_v<TcpSocket>);

}  // namespace tcplab
