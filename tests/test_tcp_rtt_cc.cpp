// The retransmission timer's arithmetic (RFC 6298) and NewReno (RFC 5681 / 6582 / 3042)
// against the worked numbers of TCP-REFERENCE.md §2 and §3. Both modules are plain
// values, so they are driven directly: the RTO tables sample by sample, and the cwnd
// ledgers through a tiny FIFO sender/receiver model written below, event by event.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sim/core/time.h"
#include "sim/proto/tcp_cc.h"
#include "sim/proto/tcp_config.h"
#include "sim/proto/tcp_rtt.h"

using namespace tcplab;

namespace {

TcpConfig linux_config() { return TcpConfig{}; }

TcpConfig rfc_config() {
  TcpSettings s;
  s.profile = "rfc";
  return resolve_tcp_config(s);
}

// §2.2's sixth column: RFC arithmetic with a plain 200 ms floor on the whole RTO.
TcpConfig plain_floor_config() {
  TcpConfig c = rfc_config();
  c.min_rto = 200 * kMs;
  return c;
}

// The formula the tables print, SRTT + max(G, 4·RTTVAR), from the estimator's state.
Time formula(const RttEstimator& e, const TcpConfig& c) {
  return e.srtt + std::max(c.granularity, 4 * e.rttvar);
}

// ---- the FIFO model of §3.3 ------------------------------------------------------------
// SMSS 1000; seg k holds relative bytes [1000(k−1)+1, 1000k+1). The network is FIFO and
// the receiver ACKs every arriving segment at once, so arrivals at the receiver happen in
// sending order and each ACK is handled before the next arrival: one queue of segments
// in flight is the whole network. A segment listed in `lost` is dropped on its first
// transmission only. The RTO fires only when nothing is left in flight but data is still
// unacknowledged. After an RTO the sender goes back to SND.UNA (go-back-N, as BSD and
// Linux do); what it then sends again is marked as a retransmission.

constexpr uint32_t kSmss = 1000;
constexpr uint32_t kInf = kInfiniteSsthresh;

struct Row {
  std::string event;  // "t0", "ACK 1001", "dupACK #3", "RTO"
  uint32_t cwnd, ssthresh, flight;
  std::string sent;   // segments sent in answer, "r3" for a retransmission of seg 3
};

class FifoModel {
 public:
  FifoModel(int segments, std::set<int> lost, bool limited_transmit, uint32_t iss)
      : lost_(std::move(lost)), iss_(iss), end_(kSmss * uint32_t(segments) + 1),
        tx_(size_t(segments) + 2, 0), got_(size_t(segments) + 2, false) {
    CcInit init;
    init.smss = kSmss;
    init.initial_cwnd = 10;
    init.iss = SeqNum(iss);
    init.limited_transmit = limited_transmit;
    cc_ = cc_new(init);
  }

  // Runs the transfer to the end (or to a step limit) and returns the ledger.
  std::vector<Row> run() {
    send_allowed();
    record("t0");
    for (int step = 0; step < 10000 && snd_una_ < end_; ++step) {
      if (!net_.empty()) {
        const int seg = net_.front();
        net_.pop_front();
        got_[size_t(seg)] = true;
        while (rcv_next_ < int(got_.size()) && got_[size_t(rcv_next_)]) ++rcv_next_;
        on_ack(kSmss * uint32_t(rcv_next_ - 1) + 1);
      } else {
        on_rto();
      }
    }
    return rows_;
  }

  const CongestionControl& cc() const { return cc_; }
  const NewReno& reno() const { return std::get<NewReno>(cc_); }
  SeqNum seq(uint32_t rel) const { return SeqNum(iss_) + rel; }
  const std::vector<std::string>& rto_restarts() const { return rto_restarts_; }
  // recover as a relative number, for the ledger's "recover = 16000".
  uint32_t recover_rel() const { return reno().recover.v - iss_; }

 private:
  static int seg_of(uint32_t rel) { return int((rel - 1) / kSmss) + 1; }

  void transmit(int seg) {
    if (!sent_.empty()) sent_ += ' ';
    if (++tx_[size_t(seg)] > 1) sent_ += 'r';
    sent_ += std::to_string(seg);
    if (tx_[size_t(seg)] == 1 && lost_.count(seg)) return;  // dropped on the way
    net_.push_back(seg);
  }

  // Send while the window allows: SND.NXT − SND.UNA + SMSS <= cwnd (RFC 5681 §3.2 step 5
  // during recovery, the plain rule otherwise).
  void send_allowed() {
    while (snd_nxt_ < end_ && snd_nxt_ - snd_una_ + kSmss <= cc_cwnd(cc_)) {
      transmit(seg_of(snd_nxt_));
      snd_nxt_ += kSmss;
      snd_max_ = std::max(snd_max_, snd_nxt_);
    }
  }

  void on_ack(uint32_t ack) {
    CcAck a;
    a.ack = seq(ack);
    a.flight = snd_nxt_ - snd_una_;
    a.snd_nxt = seq(snd_max_);
    std::string label;
    if (ack > snd_una_) {
      a.acked = ack - snd_una_;
      snd_una_ = ack;
      snd_nxt_ = std::max(snd_nxt_, snd_una_);
      dup_run_ = 0;
      label = "ACK " + std::to_string(ack);
    } else if (ack == snd_una_ && snd_max_ > snd_una_) {
      // RFC 5681 §2 (a)–(e): outstanding data, no payload, no SYN/FIN, same ACK and
      // window — all true in this model.
      a.duplicate = true;
      label = "dupACK #" + std::to_string(++dup_run_);
    } else {
      return;
    }
    const CcAction act = cc_on_ack(cc_, a);
    if (act.restart_rto) rto_restarts_.push_back(label);
    if (act.retransmit_head) transmit(seg_of(snd_una_));
    send_allowed();
    // RFC 3042: one segment of new data beyond cwnd, reported back to the algorithm.
    if (act.limited_transmit > 0 && snd_nxt_ == snd_max_ && snd_nxt_ < end_) {
      transmit(seg_of(snd_nxt_));
      snd_nxt_ += kSmss;
      snd_max_ = snd_nxt_;
      cc_on_limited_sent(cc_, kSmss);
    }
    record(label);
  }

  void on_rto() {
    const bool first = snd_una_ != last_rto_una_;
    last_rto_una_ = snd_una_;
    cc_on_rto(cc_, snd_nxt_ - snd_una_, seq(snd_max_), first);
    snd_nxt_ = snd_una_;  // go back to the first unacknowledged byte (RFC 6298 (5.4))
    dup_run_ = 0;
    send_allowed();
    record("RTO");
  }

  void record(const std::string& event) {
    rows_.push_back({event, cc_cwnd(cc_), cc_ssthresh(cc_), snd_nxt_ - snd_una_, sent_});
    sent_.clear();
  }

  std::set<int> lost_;
  uint32_t iss_;
  uint32_t end_;
  std::vector<int> tx_;
  std::vector<bool> got_;
  CongestionControl cc_;
  std::deque<int> net_;
  uint32_t snd_una_ = 1, snd_nxt_ = 1, snd_max_ = 1;  // relative to iss_
  uint32_t last_rto_una_ = 0;
  int rcv_next_ = 1;  // first segment the receiver still lacks
  int dup_run_ = 0;
  std::string sent_;
  std::vector<Row> rows_;
  std::vector<std::string> rto_restarts_;
};

void check_ledger(const std::vector<Row>& got, const std::vector<Row>& want) {
  CHECK(got.size() == want.size());
  for (size_t i = 0; i < std::min(got.size(), want.size()); ++i) {
    INFO("row " << i << ": expected " << want[i].event << ", got " << got[i].event);
    CHECK(got[i].event == want[i].event);
    CHECK(got[i].cwnd == want[i].cwnd);
    CHECK(got[i].ssthresh == want[i].ssthresh);
    CHECK(got[i].flight == want[i].flight);
    CHECK(got[i].sent == want[i].sent);
  }
}

const std::string kFirstFlight = "1 2 3 4 5 6 7 8 9 10";

}  // namespace

TEST_SUITE("RFC 6298 retransmission timer") {
  TEST_CASE("before any sample the RTO is 1 s in both profiles, and doubles per expiry") {
    for (const TcpConfig& c : {linux_config(), rfc_config()}) {
      RttEstimator e;
      e.init(c);
      CHECK_FALSE(e.has_sample);
      CHECK(e.rto(c) == kSec);
      e.on_timeout();
      CHECK(e.rto(c) == 2 * kSec);
      e.on_timeout();
      CHECK(e.rto(c) == 4 * kSec);
    }
  }

  TEST_CASE("worked example A: LAN samples give 1 s under the RFC floor and exact plain values") {
    const TcpConfig rfc = rfc_config();
    const TcpConfig plain = plain_floor_config();
    const TcpConfig lx = linux_config();
    RttEstimator er, ep, el;
    er.init(rfc);
    ep.init(plain);
    el.init(lx);
    struct Step {
      Time r, rttvar, srtt, formula;
    };
    // §2.2 in ns: 62.5 ms = 62500000, 110.9375 ms = 110937500, 50.234375 ms = 50234375.
    const Step steps[] = {
        {100 * kMs, 50'000'000, 100'000'000, 300'000'000},
        {200 * kMs, 62'500'000, 112'500'000, 362'500'000},
        {100 * kMs, 50'000'000, 110'937'500, 310'937'500},
        // SRTT 104.5703125 ms and the formula 305.5078125 ms are half-nanoseconds: the
        // integer-ns estimator truncates them, 0.5 ns below (§0.4 allows 1 µs).
        {60 * kMs, 50'234'375, 104'570'312, 305'507'812},
    };
    for (const Step& s : steps) {
      CAPTURE(s.r);
      er.sample(s.r, rfc);
      ep.sample(s.r, plain);
      el.sample(s.r, lx);
      for (const RttEstimator* e : {&er, &ep, &el}) {
        CHECK(e->rttvar == s.rttvar);
        CHECK(e->srtt == s.srtt);
      }
      CHECK(formula(er, rfc) == s.formula);
      CHECK(er.rto(rfc) == kSec);             // (2.4): the 1 s floor hides all of them
      CHECK(ep.rto(plain) == s.formula);      // a plain 200 ms floor on the RTO
      CHECK(el.rto(lx) == s.formula);         // SRTT + max(200 ms, 4·RTTVAR): same here
    }
  }

  TEST_CASE("worked example B: second-scale samples are exact in ns under the RFC profile") {
    const TcpConfig c = rfc_config();
    RttEstimator e;
    e.init(c);
    struct Step {
      Time r, rttvar, srtt, rto;
    };
    const Step steps[] = {
        {2 * kSec, 1'000'000'000, 2'000'000'000, 6'000'000'000},
        {1 * kSec, 1'000'000'000, 1'875'000'000, 5'875'000'000},
        {3 * kSec, 1'031'250'000, 2'015'625'000, 6'140'625'000},
        {2 * kSec, 777'343'750, 2'013'671'875, 5'123'046'875},
    };
    for (const Step& s : steps) {
      CAPTURE(s.r);
      e.sample(s.r, c);
      CHECK(e.rttvar == s.rttvar);
      CHECK(e.srtt == s.srtt);
      CHECK(e.base_rto == s.rto);
      CHECK(e.rto(c) == s.rto);
    }
  }

  TEST_CASE("backoff from example B: retransmission times with a 60 s and a 120 s cap") {
    // §2.4: after sample 3 (RTO 6.140625 s) a segment first sent at t = 100 s is lost
    // every time.
    TcpConfig rfc60 = rfc_config();
    rfc60.max_rto = 60 * kSec;
    const TcpConfig lx = linux_config();
    const std::vector<Time> want_rfc = {100'000'000'000, 106'140'625'000, 118'421'875'000,
                                        142'984'375'000, 192'109'375'000, 252'109'375'000,
                                        312'109'375'000};
    const std::vector<Time> want_linux = {100'000'000'000, 106'140'625'000, 118'421'875'000,
                                          142'984'375'000, 192'109'375'000, 290'359'375'000,
                                          410'359'375'000};
    // (No structured bindings near CAPTURE/INFO: clang before 16 cannot capture them in
    // the macros' lambdas.)
    for (const auto& run : {std::pair{rfc60, want_rfc}, std::pair{lx, want_linux}}) {
      const TcpConfig& c = run.first;
      const std::vector<Time>& want = run.second;
      CAPTURE(c.max_rto);
      RttEstimator e;
      e.init(c);
      for (Time r : {2 * kSec, 1 * kSec, 3 * kSec}) e.sample(r, c);
      REQUIRE(e.rto(c) == 6'140'625'000);
      std::vector<Time> times = {100 * kSec};
      for (int i = 0; i < 6; ++i) {
        times.push_back(times.back() + e.rto(c));  // (5.4) retransmit when it fires
        e.on_timeout();                            // (5.5) then double
      }
      CHECK(times == want);

      // Karn (§3): the ACK of a retransmission gives no sample, so the backed-off RTO
      // stays; the next clean sample applies (2.3) to the old SRTT and RTTVAR — which is
      // example B's fourth row — and collapses the backoff.
      CHECK(e.rto(c) == c.max_rto);
      e.sample(2 * kSec, c);
      CHECK(e.backoff == 0);
      CHECK(e.srtt == 2'013'671'875);
      CHECK(e.rttvar == 777'343'750);
      CHECK(e.rto(c) == 5'123'046'875);
    }
  }

  TEST_CASE("linux first samples: 10, 50, 100, 300 ms give 210, 250, 300, 900 ms") {
    const TcpConfig lx = linux_config();
    const TcpConfig rfc = rfc_config();
    const std::pair<Time, Time> cases[] = {
        {10 * kMs, 210 * kMs}, {50 * kMs, 250 * kMs}, {100 * kMs, 300 * kMs}, {300 * kMs, 900 * kMs}};
    for (const auto& rw : cases) {
      const Time r = rw.first;
      CAPTURE(r);
      RttEstimator e;
      e.init(lx);
      e.sample(r, lx);
      CHECK(e.rto(lx) == rw.second);
    }
    // §0.3: the same 100 ms sample under the RFC profile is floored to 1 s.
    RttEstimator e;
    e.init(rfc);
    e.sample(100 * kMs, rfc);
    CHECK(e.rto(rfc) == kSec);
  }

  TEST_CASE("loopback samples give SRTT + 200 ms under linux, the variance floor at work") {
    // §2.6: R ≈ 20–50 µs gives RTO ≈ 200.02–200.05 ms.
    const TcpConfig lx = linux_config();
    RttEstimator e;
    e.init(lx);
    e.sample(50 * kUs, lx);
    CHECK(e.rto(lx) == 200 * kMs + 50 * kUs);
    e.sample(50 * kUs, lx);  // RTTVAR decays, the floor keeps the variance term at 200 ms
    CHECK(e.rto(lx) == 200 * kMs + 50 * kUs);
  }

  TEST_CASE("a zero sample leaves G as the variance term") {
    // RFC 6298 §4: if K·RTTVAR rounds to zero the variance term is G (1 ms here).
    TcpConfig bare = rfc_config();
    bare.min_rto = 0;
    RttEstimator e;
    e.init(bare);
    e.sample(0, bare);
    CHECK(e.rto(bare) == kMs);
    const TcpConfig lx = linux_config();
    e.init(lx);
    e.sample(0, lx);
    CHECK(e.rto(lx) == 200 * kMs);
  }

  TEST_CASE("the RTO never exceeds max_rto, neither computed nor backed off") {
    const TcpConfig c = rfc_config();  // max_rto 120 s
    RttEstimator e;
    e.init(c);
    e.sample(50 * kSec, c);  // 50 + 4·25 = 150 s
    CHECK(e.rto(c) == 120 * kSec);
    for (int i = 0; i < 100; ++i) e.on_timeout();  // no overflow after many expiries
    CHECK(e.rto(c) == 120 * kSec);
  }

  TEST_CASE("after a retransmitted SYN with no sample the data phase starts with RTO 3 s") {
    for (const TcpConfig& c : {linux_config(), rfc_config()}) {
      RttEstimator e;
      e.init(c);
      e.on_timeout();  // the SYN was retransmitted; Karn: no sample from the handshake
      e.fallback_after_handshake(c);
      CHECK(e.backoff == 0);
      CHECK(e.rto(c) == 3 * kSec);
    }
    // A larger initial RTO is kept ("if it is less"), and a real sample wins.
    TcpConfig slow = linux_config();
    slow.initial_rto = 5 * kSec;
    RttEstimator e;
    e.init(slow);
    e.fallback_after_handshake(slow);
    CHECK(e.rto(slow) == 5 * kSec);
    const TcpConfig lx = linux_config();
    e.init(lx);
    e.sample(100 * kMs, lx);
    e.fallback_after_handshake(lx);
    CHECK(e.rto(lx) == 300 * kMs);
  }
}

TEST_SUITE("NewReno congestion control") {
  TEST_CASE("initial window: IW 10, RFC 5681 eq. 1 by SMSS, and 1 SMSS after a lost SYN") {
    auto iw = [](uint32_t smss, int segs, bool syn_lost = false) {
      CcInit i;
      i.smss = smss;
      i.initial_cwnd = segs;
      i.syn_lost = syn_lost;
      return cc_cwnd(cc_new(i));
    };
    CHECK(iw(1460, 10) == 14600);
    CHECK(iw(1000, 10) == 10000);
    CHECK(iw(2191, 0) == 4382);  // > 2190: 2 segments
    CHECK(iw(2190, 0) == 6570);  // 3 segments
    CHECK(iw(1460, 0) == 4380);
    CHECK(iw(1096, 0) == 3288);
    CHECK(iw(1095, 0) == 4380);  // <= 1095: 4 segments
    CHECK(iw(536, 0) == 2144);
    CHECK(iw(1460, 10, true) == 1460);  // D8: the RFC's MUST
    CHECK(iw(1460, 0, true) == 1460);
    CcInit i;
    const CongestionControl cc = cc_new(i);
    CHECK(cc_ssthresh(cc) == kInfiniteSsthresh);
    CHECK_FALSE(cc_in_recovery(cc));
    CHECK(std::string(cc_name(cc)) == "newreno");
  }

  TEST_CASE("slow start adds at most one SMSS per ACK: stretch ACKs give 15, not 20") {
    // §3.6 / D7: IW 10, five ACKs each covering two segments.
    CcInit i;
    i.smss = 1000;
    CongestionControl cc = cc_new(i);
    for (uint32_t k = 1; k <= 5; ++k) {
      CcAck a;
      a.ack = SeqNum(1 + 2000 * k);
      a.acked = 2000;
      a.flight = 10000;
      a.snd_nxt = SeqNum(10001);
      cc_on_ack(cc, a);
    }
    CHECK(cc_cwnd(cc) == 15000);
  }

  TEST_CASE("E1: one loss with Limited Transmit, every row of the ledger") {
    for (uint32_t iss : {0u, 0xffffc000u}) {  // the second one wraps around 2^32 mid-transfer
      CAPTURE(iss);
      FifoModel m(20, {3}, true, iss);
      const std::vector<Row> want = {
          {"t0", 10000, kInf, 10000, kFirstFlight},
          {"ACK 1001", 11000, kInf, 11000, "11 12"},
          {"ACK 2001", 12000, kInf, 12000, "13 14"},
          {"dupACK #1", 12000, kInf, 13000, "15"},  // Limited Transmit
          {"dupACK #2", 12000, kInf, 14000, "16"},
          {"dupACK #3", 9000, 6000, 14000, "r3"},   // FlightSize 14000 − 2000 LT = 12000
          {"dupACK #4", 10000, 6000, 14000, ""},
          {"dupACK #5", 11000, 6000, 14000, ""},
          {"dupACK #6", 12000, 6000, 14000, ""},
          {"dupACK #7", 13000, 6000, 14000, ""},
          {"dupACK #8", 14000, 6000, 14000, ""},
          {"dupACK #9", 15000, 6000, 15000, "17"},
          {"dupACK #10", 16000, 6000, 16000, "18"},
          {"dupACK #11", 17000, 6000, 17000, "19"},
          {"dupACK #12", 18000, 6000, 18000, "20"},
          {"dupACK #13", 19000, 6000, 18000, ""},
          {"ACK 16001", 6000, 6000, 4000, ""},  // full ACK, option 2
          {"ACK 17001", 6166, 6000, 3000, ""},
          {"ACK 18001", 6328, 6000, 2000, ""},
          {"ACK 19001", 6486, 6000, 1000, ""},
          {"ACK 20001", 6640, 6000, 0, ""},
      };
      check_ledger(m.run(), want);
      CHECK(m.recover_rel() == 16000);
      CHECK_FALSE(cc_in_recovery(m.cc()));
      CHECK(m.rto_restarts().empty());
    }
  }

  TEST_CASE("E1 prime: the same loss without Limited Transmit ends at 6937") {
    FifoModel m(20, {3}, false, 0);
    const std::vector<Row> want = {
        {"t0", 10000, kInf, 10000, kFirstFlight},
        {"ACK 1001", 11000, kInf, 11000, "11 12"},
        {"ACK 2001", 12000, kInf, 12000, "13 14"},
        {"dupACK #1", 12000, kInf, 12000, ""},
        {"dupACK #2", 12000, kInf, 12000, ""},
        {"dupACK #3", 9000, 6000, 12000, "r3"},
        {"dupACK #4", 10000, 6000, 12000, ""},
        {"dupACK #5", 11000, 6000, 12000, ""},
        {"dupACK #6", 12000, 6000, 12000, ""},
        {"dupACK #7", 13000, 6000, 13000, "15"},
        {"dupACK #8", 14000, 6000, 14000, "16"},
        {"dupACK #9", 15000, 6000, 15000, "17"},
        {"dupACK #10", 16000, 6000, 16000, "18"},
        {"dupACK #11", 17000, 6000, 17000, "19"},
        {"ACK 14001", 6000, 6000, 6000, "20"},  // full ACK (recover = 14000)
        {"ACK 15001", 6166, 6000, 5000, ""},
        {"ACK 16001", 6328, 6000, 4000, ""},
        {"ACK 17001", 6486, 6000, 3000, ""},
        {"ACK 18001", 6640, 6000, 2000, ""},
        {"ACK 19001", 6790, 6000, 1000, ""},
        {"ACK 20001", 6937, 6000, 0, ""},
    };
    check_ledger(m.run(), want);
    CHECK(m.recover_rel() == 14000);
  }

  TEST_CASE("E2: a partial ACK retransmits the next hole at once and keeps recovery") {
    FifoModel m(10, {3, 6}, true, 0);
    const std::vector<Row> want = {
        {"t0", 10000, kInf, 10000, kFirstFlight},
        {"ACK 1001", 11000, kInf, 9000, ""},
        {"ACK 2001", 12000, kInf, 8000, ""},
        {"dupACK #1", 12000, kInf, 8000, ""},  // Limited Transmit allowed, nothing to send
        {"dupACK #2", 12000, kInf, 8000, ""},
        {"dupACK #3", 7000, 4000, 8000, "r3"},
        {"dupACK #4", 8000, 4000, 8000, ""},
        {"dupACK #5", 9000, 4000, 8000, ""},
        {"dupACK #6", 10000, 4000, 8000, ""},
        {"ACK 5001", 8000, 4000, 5000, "r6"},  // partial: 10000 − 3000 + 1000
        {"ACK 10001", 4000, 4000, 0, ""},      // full: cwnd = ssthresh
    };
    check_ledger(m.run(), want);
    CHECK(m.recover_rel() == 10000);
    CHECK(m.rto_restarts() == std::vector<std::string>{"ACK 5001"});
    CHECK_FALSE(cc_in_recovery(m.cc()));
  }

  TEST_CASE("E3: a timeout halves to 5000, restarts from 1000, then avoids congestion") {
    FifoModel m(10, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, true, 0);
    const std::vector<Row> want = {
        {"t0", 10000, kInf, 10000, kFirstFlight},
        {"RTO", 1000, 5000, 1000, "r1"},
        {"ACK 1001", 2000, 5000, 2000, "r2 r3"},
        {"ACK 2001", 3000, 5000, 3000, "r4 r5"},
        {"ACK 3001", 4000, 5000, 4000, "r6 r7"},
        {"ACK 4001", 5000, 5000, 5000, "r8 r9"},
        {"ACK 5001", 5200, 5000, 5000, "r10"},  // cwnd = ssthresh: congestion avoidance
        {"ACK 6001", 5392, 5000, 4000, ""},
        {"ACK 7001", 5577, 5000, 3000, ""},
        {"ACK 8001", 5756, 5000, 2000, ""},
        {"ACK 9001", 5929, 5000, 1000, ""},
        {"ACK 10001", 6097, 5000, 0, ""},
    };
    check_ledger(m.run(), want);
    CHECK(m.recover_rel() == 10000);
  }

  TEST_CASE("a repeated RTO of the same segment keeps ssthresh and cwnd stays 1 SMSS") {
    CcInit i;
    i.smss = 1000;
    CongestionControl cc = cc_new(i);
    cc_on_rto(cc, 10000, SeqNum(10001), true);
    CHECK(cc_ssthresh(cc) == 5000);
    cc_on_rto(cc, 1000, SeqNum(10001), false);
    CHECK(cc_ssthresh(cc) == 5000);
    CHECK(cc_cwnd(cc) == 1000);
    cc_on_rto(cc, 1000, SeqNum(10001), true);  // a first RTO of a small flight: 2·SMSS floor
    CHECK(cc_ssthresh(cc) == 2000);
  }

  TEST_CASE("dupACKs not covering more than recover after an RTO do not start fast retransmit") {
    // RFC 6582 §3.2 step 2 and step 4: recover = 10000 after the RTO; go-back-N makes the
    // receiver repeat ACK 3001 for segments it already holds.
    CcInit i;
    i.smss = 1000;
    CongestionControl cc = cc_new(i);
    cc_on_rto(cc, 10000, SeqNum(10001), true);
    for (int k = 0; k < 5; ++k) {
      CcAck a;
      a.ack = SeqNum(3001);
      a.flight = 2000;
      a.snd_nxt = SeqNum(10001);
      a.duplicate = true;
      const CcAction act = cc_on_ack(cc, a);
      CHECK_FALSE(act.retransmit_head);
    }
    CHECK(cc_ssthresh(cc) == 5000);
    CHECK(cc_cwnd(cc) == 1000);
    CHECK_FALSE(cc_in_recovery(cc));
  }

  TEST_CASE("a new ACK outside recovery ends the dupACK run and the Limited Transmit count") {
    CcInit i;
    i.smss = 1000;
    CongestionControl cc = cc_new(i);
    CcAck d;
    d.ack = SeqNum(2001);
    d.flight = 10000;
    d.snd_nxt = SeqNum(12001);
    d.duplicate = true;
    CHECK(cc_on_ack(cc, d).limited_transmit == 1000);
    cc_on_limited_sent(cc, 1000);
    d.flight = 11000;
    CHECK(cc_on_ack(cc, d).limited_transmit == 1000);
    cc_on_limited_sent(cc, 1000);
    CHECK(std::get<NewReno>(cc).dupacks == 2);
    CHECK(std::get<NewReno>(cc).limited_sent == 2000);
    CcAck n;  // reordering, not loss: the hole fills
    n.ack = SeqNum(5001);
    n.acked = 3000;
    n.flight = 12000;
    n.snd_nxt = SeqNum(14001);
    cc_on_ack(cc, n);
    CHECK(std::get<NewReno>(cc).dupacks == 0);
    CHECK(std::get<NewReno>(cc).limited_sent == 0);
    CHECK(cc_cwnd(cc) == 11000);
  }

  TEST_CASE("Limited Transmit is refused beyond cwnd + 2 SMSS and when switched off") {
    CcInit i;
    i.smss = 1000;
    CongestionControl cc = cc_new(i);  // cwnd 10000
    CcAck d;
    d.ack = SeqNum(1);
    d.flight = 12000;  // already 2 SMSS beyond cwnd
    d.snd_nxt = SeqNum(12001);
    d.duplicate = true;
    CHECK(cc_on_ack(cc, d).limited_transmit == 0);
    i.limited_transmit = false;
    CongestionControl off = cc_new(i);
    d.flight = 10000;
    CHECK(cc_on_ack(off, d).limited_transmit == 0);
  }

  TEST_CASE("idle restart: cwnd = min(IW, cwnd)") {
    CcInit i;
    i.smss = 1000;
    CongestionControl cc = cc_new(i);
    std::get<NewReno>(cc).cwnd = 25000;
    cc_on_idle(cc, 10);
    CHECK(cc_cwnd(cc) == 10000);
    std::get<NewReno>(cc).cwnd = 3000;
    cc_on_idle(cc, 10);
    CHECK(cc_cwnd(cc) == 3000);
    std::get<NewReno>(cc).cwnd = 25000;
    cc_on_idle(cc, 0);  // RFC 5681 eq. (1): 4 segments of 1000 B
    CHECK(cc_cwnd(cc) == 4000);
  }

  TEST_CASE("recover = ISS: dupACKs for the very first data segment do not cover more than it") {
    // RFC 6582 §3.2 steps 1 and 2 read literally: SEG.ACK = ISS+1, and ISS+1 − 1 is not
    // greater than recover = ISS, so fast retransmit is not entered and an RTO recovers.
    CcInit i;
    i.smss = 1000;
    i.iss = SeqNum(5000);
    CongestionControl cc = cc_new(i);
    bool retransmitted = false;
    for (int k = 0; k < 9; ++k) {
      CcAck d;
      d.ack = SeqNum(5001);
      d.flight = 10000;
      d.snd_nxt = SeqNum(15001);
      d.duplicate = true;
      retransmitted |= cc_on_ack(cc, d).retransmit_head;
    }
    CHECK_FALSE(retransmitted);
    CHECK(cc_ssthresh(cc) == kInfiniteSsthresh);
  }
}
