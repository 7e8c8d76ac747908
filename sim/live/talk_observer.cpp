// What the kernel shows while a talk command runs (talk_internal.h, Observer): the
// segments captured on `lo`, one ladder line each, and the TCP states of the followed
// sockets from sock_diag samples, merged in time order with the program's own lines.
#include <poll.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <set>
#include <tuple>

#include "sim/live/netns.h"
#include "sim/live/talk_internal.h"
#include "sim/trace/summary.h"
#include "sim/wire/frame.h"

namespace tcplab::live::talk {
namespace {

// How long a line waits before it is printed, so that a segment the capture hands
// over a little later than the line after it still comes out in its place.
constexpr Time kHold = 5 * kMs;
// Sampling period of the kernel states: loopback handshakes and closes take
// microseconds, so short states are still missed; the program's own calls and the
// captured segments fill those gaps for the reader.
constexpr Time kSamplePeriod = 1 * kMs;
// After the last call: time for the last segments (the final ACK) to be captured.
constexpr Time kGrace = 20 * kMs;

bool contains(const std::vector<uint16_t>& v, uint16_t p) { return std::find(v.begin(), v.end(), p) != v.end(); }

}  // namespace

Time realtime_now() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return Time(ts.tv_sec) * kSec + ts.tv_nsec;
}

std::string errno_text(int e) { return std::strerror(e); }

std::string bytes_word(size_t n) { return std::to_string(n) + (n == 1 ? " byte" : " bytes"); }

int stopped_exit_code() { return 128 + (stop_signal() ? stop_signal() : 2); }

bool Observer::Key::operator<(const Key& o) const {
  auto tie = [](const Key& k) { return std::tuple(k.local.addr, k.local.port, k.remote.addr, k.remote.port); };
  return tie(*this) < tie(o);
}

Observer::Observer(std::string command, std::ostream& out, std::ostream& err)
    : command_(std::move(command)), out_(out), err_(err) {}

Observer::~Observer() { flush(INT64_MAX); }

void Observer::capture_ports(const std::vector<uint16_t>& tcp_ports, const std::vector<uint16_t>& udp_ports) {
  std::string bpf = bpf_for_ports(tcp_ports, udp_ports);
  // ICMP errors about our datagrams (port unreachable): the quoted UDP header's source
  // port sits at byte 28 of the ICMP message (8 bytes of ICMP header, then a 20-byte
  // IPv4 header without options).
  for (uint16_t p : udp_ports) bpf += " or (icmp[0] == 3 and icmp[28:2] == " + std::to_string(p) + ")";
  std::string error;
  capture_ = Capture::open("lo", bpf, error);
  if (!capture_) {
    no_capture(error);
    return;
  }
  our_ports_ = tcp_ports;
  our_ports_.insert(our_ports_.end(), udp_ports.begin(), udp_ports.end());
}

void Observer::no_capture(const std::string& why) {
  err_ << command_ << ": no segment ladder: " << why << "\n";
}

void Observer::follow_tcp(uint16_t port, bool show_peer) {
  tcp_follow_.push_back(port);
  show_peer_ = show_peer;
  // Sockets on this port that exist already (TIME-WAIT leftovers of an earlier run) are
  // not this program's: remember them so that only a change of theirs is shown.
  baselining_ = true;
  sample();
  baselining_ = false;
}

void Observer::note_state(Endpoint local, Endpoint remote, uint8_t state, Time t) {
  const Key k{local, remote};
  auto it = followed_.find(k);
  const std::optional<uint8_t> from =
      it != followed_.end() && it->second.missing >= 0 ? std::optional<uint8_t>(it->second.state) : std::nullopt;
  if (from == state) return;
  followed_[k] = Followed{state, 0};
  print_state(k, from, state, t);
}

std::optional<uint8_t> Observer::state_of(Endpoint local, Endpoint remote) const {
  auto it = followed_.find(Key{local, remote});
  if (it == followed_.end() || it->second.missing < 0) return std::nullopt;
  return it->second.state;
}

void Observer::say(const std::string& text) { add(realtime_now(), text); }

void Observer::say_at(Time t, const std::string& text) { add(t, text); }

void Observer::fail(const std::string& text) {
  finish();
  err_ << text << "\n";
  err_.flush();
}

int Observer::capture_fd() const { return capture_ ? capture_->fd() : -1; }

void Observer::service(bool capture_ready) {
  if (capture_ready && capture_)
    for (const CapturedFrame& f : capture_->read_available()) on_frame(f);
  const Time now = realtime_now();
  if (now - last_sample_ >= kSamplePeriod) sample();
  flush(now - kHold);
}

void Observer::sample() {
  if (tcp_follow_.empty() || diag_failed_) return;
  std::string error;
  if (!diag_) {
    diag_ = SockDiag::open(error);
    if (!diag_) {
      diag_failed_ = true;
      err_ << command_ << ": no kernel states: " << error << "\n";
      return;
    }
  }
  std::vector<KernelSocket> socks;
  if (!diag_->dump_tcp(socks, error)) {
    diag_failed_ = true;
    err_ << command_ << ": no kernel states: " << error << "\n";
    return;
  }
  last_sample_ = realtime_now();
  std::set<Key> seen;
  for (const KernelSocket& s : socks) {
    if (!contains(tcp_follow_, s.local.port)) continue;
    const Key k{s.local, s.remote};
    const uint8_t state = s.state == kernel_tcp::new_syn_recv ? kernel_tcp::syn_recv : s.state;
    seen.insert(k);
    auto it = followed_.find(k);
    if (it == followed_.end()) {
      followed_[k] = Followed{state, baselining_ ? -1 : 0};  // -1: a leftover, not ours
      if (!baselining_) print_state(k, std::nullopt, state, last_sample_);
    } else if (it->second.missing < 0) {
      // A leftover from before this program: ours only once it changes (the 4-tuple
      // was taken over by a new connection).
      if (it->second.state != state) {
        it->second = Followed{state, 0};
        print_state(k, std::nullopt, state, last_sample_);
      }
    } else {
      it->second.missing = 0;
      if (it->second.state != state) {
        print_state(k, it->second.state, state, last_sample_);
        it->second.state = state;
      }
    }
  }
  // Gone from the dump: CLOSED. Twice in a row, because a socket turning into a
  // TIME-WAIT minisocket is unhashed and rehashed, and one dump may fall in between.
  for (auto it = followed_.begin(); it != followed_.end();) {
    if (seen.count(it->first)) {
      ++it;
      continue;
    }
    if (it->second.missing < 0) {  // a leftover that went away: never shown
      it = followed_.erase(it);
      continue;
    }
    if (++it->second.missing < 2) {
      ++it;
      continue;
    }
    print_state(it->first, it->second.state, kernel_tcp::closed, last_sample_);
    it = followed_.erase(it);
  }
}

void Observer::print_state(const Key& k, std::optional<uint8_t> from, uint8_t to, Time t) {
  std::string line = "state: ";
  if (from) line += std::string(kernel_state_name(*from)) + " → ";
  line += kernel_state_name(to);
  if (show_peer_ && k.remote.port != 0) line += " (peer " + to_string(k.remote) + ")";
  add(t, line);
}

void Observer::on_frame(const CapturedFrame& f) {
  wire::ParsedFrame p = wire::parse_frame(f.frame);
  if (!p.ip) return;
  // Loopback leaves TCP and UDP checksums to a "hardware" that does not exist (the
  // device offers checksum offload and nothing ever checks): not an error worth a mark.
  p.ip_checksum_ok = true;
  p.l4_checksum_ok = true;
  std::string text = packet_summary(p, rel_, SummaryStyle::Full);
  bool sent = false;
  if (p.tcp) {
    sent = contains(our_ports_, p.tcp->sport);
    // The connection is known from the other lines: drop "TCP 46013 → 2000 ".
    const std::string ports =
        "TCP " + std::to_string(p.tcp->sport) + " → " + std::to_string(p.tcp->dport) + " ";
    if (text.rfind(ports, 0) == 0) text = text.substr(ports.size());
  } else if (p.udp) {
    sent = contains(our_ports_, p.udp->sport);
  } else if (p.icmp) {
    // An error about a datagram of ours comes to us; one about a datagram sent to us,
    // we sent.
    sent = !(p.quoted_sport && contains(our_ports_, *p.quoted_sport));
  }
  add(f.t_realtime, std::string("  ") + (sent ? "→ " : "← ") + text);
}

void Observer::add(Time t, std::string text) { held_.push_back(Line{t, next_seq_++, std::move(text)}); }

void Observer::flush(Time older_than) {
  if (held_.empty()) return;
  std::stable_sort(held_.begin(), held_.end(),
                   [](const Line& a, const Line& b) { return a.t != b.t ? a.t < b.t : a.seq < b.seq; });
  size_t n = 0;
  while (n < held_.size() && held_[n].t < older_than) out_ << held_[n++].text << "\n";
  if (n == 0) return;
  held_.erase(held_.begin(), held_.begin() + static_cast<long>(n));
  out_.flush();
}

void Observer::finish() {
  const Time end = realtime_now() + (capture_ ? kGrace : 0);
  while (realtime_now() < end) {
    pollfd p{capture_fd(), POLLIN, 0};
    const int r = ::poll(&p, 1, 1);
    service(r > 0);
  }
  if (capture_)
    for (const CapturedFrame& f : capture_->read_available()) on_frame(f);
  sample();
  flush(INT64_MAX);
}

short wait_once(Observer& obs, int fd, short events) {
  pollfd p[2] = {{fd, events, 0}, {obs.capture_fd(), POLLIN, 0}};
  const int r = ::poll(p, 2, 1);
  obs.service(r > 0 && (p[1].revents & POLLIN));
  return r > 0 ? p[0].revents : 0;
}

bool follow_close(Observer& obs, Endpoint local, Endpoint remote, Time limit) {
  const Time deadline = realtime_now() + limit;
  while (true) {
    const std::optional<uint8_t> s = obs.state_of(local, remote);
    if (!s) return true;  // gone: CLOSED (said by the observer)
    if (*s == kernel_tcp::time_wait) {
      obs.say("the kernel keeps the connection in TIME_WAIT for 60 s, after this program has ended");
      return true;
    }
    if (realtime_now() >= deadline) {
      obs.say(std::string("the kernel keeps the connection in ") + kernel_state_name(*s) +
              " after this program has ended");
      return true;
    }
    if (stop_requested()) return false;
    wait_once(obs, -1, 0);
  }
}

}  // namespace tcplab::live::talk
