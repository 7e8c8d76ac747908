// The TCP state machine of RFC 9293 §3.10 as TCP-REFERENCE.md §1 tabulates it, one test
// case per edge T1–T29 of §1.8 and per row of the segment-arrival tables §1.6.1–§1.6.4,
// plus the RST acceptance boundaries of §1.4, the distinctive user-call cells of §1.5
// and the canonical exchanges of §1.9. Decisions D10–D15 of §8 apply (RFC 5961 challenge
// ACKs, R. on abort, SYN-ACK again for a duplicate SYN, RST accepted in TIME-WAIT, ACK +
// restart for a FIN in TIME-WAIT, RST on close with unread data).
//
// Method (smoltcp style, tests/tcp_fixture.h): dut's socket is driven into a state by
// commands and crafted segments while a fault rule keeps peer's stack from ever seeing
// dut's segments; then one crafted segment arrives and the test checks the exact
// segments dut sends (relative numbers, packetdrill notation) and the state after, from
// the socket and from the `state` trace events, whose `why` must name the RFC section.
// Where this file's expectation and the core differ, the reference wins: the test stays.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/tcp_fixture.h"

using namespace tcplab;
using namespace tcplab::testing;
using namespace tcplab::wire::tcpflag;

namespace {

// The change of socket `i` (default: the one under test) into `to` names `section`.
void check_why(const TcpBench& b, size_t from, std::string_view to, std::string_view section, int32_t i = -1) {
  const std::string why = b.why_into(from, to, i);
  CHECK_MESSAGE(contains(why, section), "the state event into " << to << " should cite " << section
                                                                << "; its why is \"" << why << "\"");
}

// "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>" in relative numbers.
std::string ack_line(uint32_t snd, uint32_t rcv) {
  return ". " + std::to_string(snd) + ":" + std::to_string(snd) + "(0) ack " + std::to_string(rcv);
}

// The synchronized states as TcpBench::reach() builds them (the peer sends no data, its
// FIN is at rel 1; ours is at rel 1): SND.NXT, SND.UNA and RCV.NXT, relative.
struct SyncState {
  TcpState st;
  const char* name;
  uint32_t snd, una, rcv;
};
const SyncState kSync[] = {
    {TcpState::Established, "ESTABLISHED", 1, 1, 1}, {TcpState::FinWait1, "FIN_WAIT1", 2, 1, 1},
    {TcpState::FinWait2, "FIN_WAIT2", 2, 2, 1},      {TcpState::CloseWait, "CLOSE_WAIT", 1, 1, 2},
    {TcpState::Closing, "CLOSING", 2, 1, 2},         {TcpState::LastAck, "LAST_ACK", 2, 1, 2},
    {TcpState::TimeWait, "TIME_WAIT", 2, 2, 2},
};

// RCV.WND as dut last advertised it (no window scaling: the field itself).
uint32_t last_window(const TcpBench& b) {
  const auto segs = b.sent();
  REQUIRE_FALSE(segs.empty());
  return segs.back().window;
}

}  // namespace

// =============================================================================================
// §1.8: every transition
// =============================================================================================
TEST_SUITE("TCP state machine: transitions T1-T29 (TCP-REFERENCE 1.8)") {
  TEST_CASE("T1 CLOSED to LISTEN: listen() is a passive OPEN and sends nothing") {
    TcpBench b;
    INFO(b.trace());
    const size_t m = b.mark();
    b.listen();
    b.settle();
    CHECK(b.sent_rel(m) == lines{});
    CHECK(b.transitions(m, b.listener) == lines{"CLOSED -> LISTEN"});
    check_why(b, m, "LISTEN", "§3.10.1", b.listener);
  }

  TEST_CASE("T2 CLOSED to SYN-SENT: connect() sends S 0:0(0)") {
    TcpBench b;
    INFO(b.trace());
    const size_t m = b.mark();
    b.syn_sent();
    b.settle();
    CHECK(b.sent_rel(m) == lines{"S 0:0(0)"});
    CHECK(b.state() == "SYN_SENT");
    CHECK(b.transitions(m) == lines{"CLOSED -> SYN_SENT"});
    check_why(b, m, "SYN_SENT", "§3.10.1");
  }

  TEST_CASE("T3 LISTEN to SYN-RECEIVED: a SYN draws S. 0:0(0) ack 1 and the listener stays LISTEN") {
    TcpBench b;
    INFO(b.trace());
    const size_t m = b.mark();
    b.syn_received_passive();
    b.settle();
    CHECK(b.sent_rel(m) == lines{"S. 0:0(0) ack 1"});
    CHECK(b.state() == "SYN_RECV");
    CHECK(b.transitions(m) == lines{"LISTEN -> SYN_RECV"});
    check_why(b, m, "SYN_RECV", "§3.10.7.2");
    CHECK(b.state_of(b.listener) == "LISTEN");
    CHECK(b.transitions(m, b.listener) == lines{"CLOSED -> LISTEN"});
  }

  // T4 (LISTEN to SYN-SENT: SEND with a remote address given to a passive OPEN, RFC 9293
  // §3.10.2) cannot be reached through sockets: send() on a listening socket is an error.

  TEST_CASE("T5 LISTEN to CLOSED: close() or abort sends nothing") {
    TcpBench b;
    INFO(b.trace());
    b.listen();
    const size_t m = b.mark();
    SUBCASE("close") {
      b.dut_cmd("tcp close srv");
      b.settle();
      check_why(b, m, "CLOSED", "§3.10.4", b.listener);
    }
    SUBCASE("abort") {
      b.dut_cmd("tcp abort srv");
      b.settle();
      check_why(b, m, "CLOSED", "§3.10.5", b.listener);
    }
    CHECK(b.sent_rel(m) == lines{});
    CHECK(b.state_of(b.listener) == "CLOSED");
    CHECK(b.transitions(m, b.listener) == lines{"LISTEN -> CLOSED"});
  }

  TEST_CASE("T6 SYN-SENT to ESTABLISHED: a SYN-ACK acknowledging our SYN draws . 1:1(0) ack 1") {
    TcpBench b;
    INFO(b.trace());
    b.syn_sent();
    const size_t m = b.mark();
    b.inject_syn(SYN | ACK, b.P(0), b.D(1));
    b.settle();
    CHECK(b.sent_rel(m) == lines{". 1:1(0) ack 1"});
    CHECK(b.state() == "ESTABLISHED");
    CHECK(b.transitions(m) == lines{"SYN_SENT -> ESTABLISHED"});
    check_why(b, m, "ESTABLISHED", "§3.10.7.3");
    CHECK(b.printed_containing(m, "connected to 192.168.1.2:5000"));
  }

  TEST_CASE("T7 SYN-SENT to SYN-RECEIVED: a SYN without ACK draws S. with the same ISS (simultaneous open)") {
    TcpBench b;
    INFO(b.trace());
    b.syn_sent();
    const size_t m = b.mark();
    b.inject_syn(SYN, b.P(0));
    b.settle();
    CHECK(b.sent_rel(m) == lines{"S. 0:0(0) ack 1"});  // rel 0: the ISS of the first SYN
    CHECK(b.state() == "SYN_RECV");
    CHECK(b.transitions(m) == lines{"SYN_SENT -> SYN_RECV"});
    check_why(b, m, "SYN_RECV", "§3.10.7.3");
    // Figure 7 goes on: the peer's SYN-ACK completes it; no third-step ACK is needed.
    const size_t m2 = b.mark();
    b.inject_syn(SYN | ACK, b.P(0), b.D(1));
    b.settle();
    CHECK(b.sent_rel(m2) == lines{});
    CHECK(b.state() == "ESTABLISHED");
    CHECK(b.transitions(m2) == lines{"SYN_RECV -> ESTABLISHED"});
    check_why(b, m2, "ESTABLISHED", "§3.10.7.4");
  }

  TEST_CASE("T8 SYN-SENT to CLOSED: close, abort, an acceptable RST or SYN retries exhausted, never a segment") {
    TcpBench b;
    INFO(b.trace());
    b.syn_sent();
    const size_t m = b.mark();
    SUBCASE("close() deletes the TCB") {
      b.sock_cmd("close");
      b.wait(5 * kSec);  // no SYN retransmission either
      check_why(b, m, "CLOSED", "§3.10.4");
    }
    SUBCASE("abort") {
      b.sock_cmd("abort");
      b.wait(5 * kSec);
      check_why(b, m, "CLOSED", "§3.10.5");
    }
    SUBCASE("an RST acknowledging our SYN: connection refused") {
      b.inject(RST | ACK, 0, b.D(1));
      b.settle();
      check_why(b, m, "CLOSED", "§3.10.7.3");
      CHECK(b.printed_containing(m, "connect: Connection refused"));
    }
    SUBCASE("SYN retries exhausted: ETIMEDOUT at 131 s (linux profile, tcp_syn_linear_timeouts = 4)") {
      const Time t0 = b.sent().back().t;  // the first SYN
      b.wait(200 * kSec);
      const auto syns = b.sent(m);
      std::vector<Time> at;  // whole seconds after the first SYN (a re-ARP may add 2 ms)
      for (const Seg& k : syns) {
        CHECK(b.rel(k) == "S 0:0(0)");
        at.push_back((k.t - t0 + 100 * kMs) / kSec);
      }
      CHECK(at == std::vector<Time>{1, 2, 3, 4, 5, 7, 11, 19, 35, 67});
      CHECK(b.time_into(m, "CLOSED") == std::optional<Time>(t0 + 131 * kSec));
      check_why(b, m, "CLOSED", "§3.8.3");
      CHECK(b.printed_containing(m, "connect: Connection timed out"));
      for (const Seg& k : syns) CHECK_FALSE(k.has(RST));
      return;
    }
    CHECK(b.sent_rel(m) == lines{});
    CHECK(b.state() == "CLOSED");
    CHECK(b.transitions(m) == lines{"SYN_SENT -> CLOSED"});
  }

  TEST_CASE("T9 SYN-RECEIVED to ESTABLISHED: an acceptable ACK and nothing sent") {
    TcpBench b;
    INFO(b.trace());
    b.syn_received_passive();
    const size_t m = b.mark();
    Craft ack;
    ack.flags = ACK;
    ack.seq = b.P(1);
    ack.ack = b.D(1);
    ack.window = 12345;
    b.inject(ack);
    b.settle();
    CHECK(b.sent_rel(m) == lines{});
    CHECK(b.state() == "ESTABLISHED");
    CHECK(b.transitions(m) == lines{"SYN_RECV -> ESTABLISHED"});
    CHECK(b.s().snd_una.v == b.D(1));
    CHECK(b.s().snd_wnd == 12345u);  // SND.WND = SEG.WND, WL1 = SEG.SEQ, WL2 = SEG.ACK
    CHECK(b.s().snd_wl1.v == b.P(1));
    CHECK(b.s().snd_wl2.v == b.D(1));
    check_why(b, m, "ESTABLISHED", "§3.10.7.4");
    CHECK(b.printed_containing(m, "(srv): accepted"));
  }

  // With sockets the listener never leaves LISTEN (§1.6.2 row 3): "back to LISTEN" means
  // the embryonic connection is forgotten and the listener answers the next SYN afresh.
  TEST_CASE("T10 SYN-RECEIVED to LISTEN (passive origin): an RST or a SYN drops the embryo and nothing is sent") {
    TcpBench b;
    INFO(b.trace());
    b.syn_received_passive();
    const size_t m = b.mark();
    SUBCASE("an RST at RCV.NXT") { b.inject(RST, b.P(1), 0); }
    SUBCASE("a SYN in the window") { b.inject_syn(SYN, b.P(1) + 100); }
    b.settle();
    CHECK(b.sent_rel(m) == lines{});
    CHECK(b.transitions(m) == lines{"SYN_RECV -> CLOSED"});
    check_why(b, m, "CLOSED", "§3.10.7.4");
    CHECK_FALSE(b.printed_containing(m, "refused"));
    CHECK_FALSE(b.printed_containing(m, "reset"));
    CHECK(b.state_of(b.listener) == "LISTEN");
    CHECK(b.sock_at(b.listener).syn_queue.empty());
    CHECK(b.sock_at(b.listener).accept_queue.empty());
    // The listener answers a new SYN from the same port like the first one.
    const size_t m2 = b.mark();
    const uint32_t isn2 = b.P(0) + 50'000;
    b.inject_syn(SYN, isn2);
    b.settle();
    const auto out = b.sent(m2);
    REQUIRE(out.size() == 1);
    CHECK(out[0].flags == (SYN | ACK));
    CHECK(out[0].ack == isn2 + 1);
  }

  TEST_CASE("T11 SYN-RECEIVED to CLOSED: RST after simultaneous open, abort, SYN-ACK retries exhausted") {
    TcpBench b;
    INFO(b.trace());
    SUBCASE("an RST at RCV.NXT, active origin: connection refused, nothing sent") {
      b.syn_received_active();
      const size_t m = b.mark();
      b.inject(RST, b.P(1), 0);
      b.settle();
      CHECK(b.sent_rel(m) == lines{});
      CHECK(b.transitions(m) == lines{"SYN_RECV -> CLOSED"});
      check_why(b, m, "CLOSED", "§3.10.7.4");
      CHECK(b.printed_containing(m, "Connection refused"));
    }
    SUBCASE("abort sends RST at SND.NXT") {
      b.syn_received_active();
      const size_t m = b.mark();
      b.sock_cmd("abort");
      b.settle();
      const auto out = b.sent(m);
      REQUIRE(out.size() == 1);
      CHECK(out[0].has(RST));
      CHECK(out[0].seq - b.s().iss.v == 1u);
      CHECK(b.transitions(m) == lines{"SYN_RECV -> CLOSED"});
      check_why(b, m, "CLOSED", "§3.10.5");
    }
    SUBCASE("SYN-ACK retries exhausted (passive): SYN-ACK again at 1 3 7 15 31 s and dropped at 63 s") {
      const size_t m0 = b.mark();
      b.syn_received_passive();
      const Time t0 = b.sent(m0).at(0).t;  // the first SYN-ACK
      const size_t m = b.mark();
      b.wait(80 * kSec);
      const auto out = b.sent(m);
      std::vector<Time> at;
      for (const Seg& k : out) {
        CHECK(b.rel(k) == "S. 0:0(0) ack 1");
        at.push_back(k.t - t0);
      }
      CHECK(at == std::vector<Time>{1 * kSec, 3 * kSec, 7 * kSec, 15 * kSec, 31 * kSec});
      CHECK(b.transitions(m) == lines{"SYN_RECV -> CLOSED"});
      CHECK(b.time_into(m, "CLOSED") == std::optional<Time>(t0 + 63 * kSec));
      const std::string why = b.why_into(m, "CLOSED");
      CHECK_MESSAGE((contains(why, "§3.8.3") || contains(why, "tcp_synack_retries")), "why: " << why);
      CHECK(b.state_of(b.listener) == "LISTEN");
    }
    CHECK(b.state() == "CLOSED");
  }

  TEST_CASE("T12 SYN-RECEIVED to FIN-WAIT-1: close() sends the FIN, after any queued SEND") {
    TcpBench b;
    INFO(b.trace());
    b.syn_received_active();  // the only SYN-RECEIVED socket a user holds: simultaneous open
    const size_t m = b.mark();
    SUBCASE("nothing queued: the FIN goes now") {
      b.sock_cmd("close");
      b.settle();
      CHECK(b.sent_rel(m) == lines{"F. 1:1(0) ack 1"});
      CHECK(b.state() == "FIN_WAIT1");
      CHECK(b.transitions(m) == lines{"SYN_RECV -> FIN_WAIT1"});
      check_why(b, m, "FIN_WAIT1", "§3.10.4");
    }
    SUBCASE("a SEND pending: the CLOSE waits for ESTABLISHED, then data and FIN go") {
      b.sock_cmd("send", "hello");
      b.sock_cmd("close");
      b.settle();
      CHECK(b.sent_rel(m) == lines{});
      CHECK(b.state() == "SYN_RECV");
      b.inject_syn(SYN | ACK, b.P(0), b.D(1));
      b.settle();
      const lines out = b.sent_rel(m);
      const bool together = out == lines{"FP. 1:6(5) ack 1"};
      const bool apart = out == lines{"P. 1:6(5) ack 1", "F. 6:6(0) ack 1"};
      CHECK_MESSAGE((together || apart), "sent: " << doctest::toString(out));
      CHECK(b.state() == "FIN_WAIT1");
      CHECK(b.transitions(m) == lines{"SYN_RECV -> ESTABLISHED", "ESTABLISHED -> FIN_WAIT1"});
    }
  }

  TEST_CASE("T13 ESTABLISHED to FIN-WAIT-1: close() sends F. after the queued data") {
    TcpBench b;
    INFO(b.trace());
    b.established();
    const size_t m = b.mark();
    SUBCASE("nothing queued") {
      b.sock_cmd("close");
      b.settle();
      CHECK(b.sent_rel(m) == lines{"F. 1:1(0) ack 1"});
    }
    SUBCASE("100 bytes queued first") {
      b.sock_cmd("send", "--bytes 100");
      b.sock_cmd("close");
      b.settle();
      CHECK(b.sent_rel(m) == lines{"P. 1:101(100) ack 1", "F. 101:101(0) ack 1"});
    }
    CHECK(b.state() == "FIN_WAIT1");
    CHECK(b.transitions(m) == lines{"ESTABLISHED -> FIN_WAIT1"});
    check_why(b, m, "FIN_WAIT1", "§3.10.4");
  }

  TEST_CASE("T14 ESTABLISHED to CLOSE-WAIT: the peer's FIN is acknowledged with ack FIN+1") {
    TcpBench b;
    INFO(b.trace());
    b.established();
    const size_t m = b.mark();
    b.inject(FIN | ACK, b.P(1), b.D(1));
    b.settle();
    CHECK(b.sent_rel(m) == lines{". 1:1(0) ack 2"});
    CHECK(b.state() == "CLOSE_WAIT");
    CHECK(b.transitions(m) == lines{"ESTABLISHED -> CLOSE_WAIT"});
    check_why(b, m, "CLOSE_WAIT", "§3.10.7.4");
    CHECK(b.printed_containing(m, "the peer closed its side"));
  }

  TEST_CASE("T15 FIN-WAIT-1 to FIN-WAIT-2: the ACK of our FIN and nothing sent") {
    TcpBench b;
    INFO(b.trace());
    b.reach(TcpState::FinWait1);
    const size_t m = b.mark();
    b.inject(ACK, b.P(1), b.D(2));
    b.settle();
    CHECK(b.sent_rel(m) == lines{});
    CHECK(b.state() == "FIN_WAIT2");
    CHECK(b.transitions(m) == lines{"FIN_WAIT1 -> FIN_WAIT2"});
    check_why(b, m, "FIN_WAIT2", "§3.10.7.4");
  }

  TEST_CASE("T16 FIN-WAIT-1 to CLOSING: a FIN that does not acknowledge ours (simultaneous close)") {
    TcpBench b;
    INFO(b.trace());
    b.reach(TcpState::FinWait1);
    const size_t m = b.mark();
    b.inject(FIN | ACK, b.P(1), b.D(1));
    b.settle();
    CHECK(b.sent_rel(m) == lines{". 2:2(0) ack 2"});
    CHECK(b.state() == "CLOSING");
    CHECK(b.transitions(m) == lines{"FIN_WAIT1 -> CLOSING"});
    check_why(b, m, "CLOSING", "§3.10.7.4");
  }

  TEST_CASE("T17 FIN-WAIT-1 to TIME-WAIT: a FIN that also acknowledges ours passes FIN-WAIT-2 in one segment") {
    TcpBench b;
    INFO(b.trace());
    b.reach(TcpState::FinWait1);
    const size_t m = b.mark();
    b.inject(FIN | ACK, b.P(1), b.D(2));
    b.settle();
    CHECK(b.sent_rel(m) == lines{". 2:2(0) ack 2"});
    CHECK(b.state() == "TIME_WAIT");
    CHECK(b.transitions(m) == lines{"FIN_WAIT1 -> FIN_WAIT2", "FIN_WAIT2 -> TIME_WAIT"});
    check_why(b, m, "FIN_WAIT2", "§3.10.7.4");
    check_why(b, m, "TIME_WAIT", "§3.10.7.4");
  }

  TEST_CASE("T18 FIN-WAIT-2 to TIME-WAIT: the peer's FIN is acknowledged") {
    TcpBench b;
    INFO(b.trace());
    b.reach(TcpState::FinWait2);
    const size_t m = b.mark();
    b.inject(FIN | ACK, b.P(1), b.D(2));
    b.settle();
    CHECK(b.sent_rel(m) == lines{". 2:2(0) ack 2"});
    CHECK(b.state() == "TIME_WAIT");
    CHECK(b.transitions(m) == lines{"FIN_WAIT2 -> TIME_WAIT"});
    check_why(b, m, "TIME_WAIT", "§3.10.7.4");
  }

  TEST_CASE("T19 CLOSE-WAIT to LAST-ACK: close() sends the FIN") {
    TcpBench b;
    INFO(b.trace());
    b.reach(TcpState::CloseWait);
    const size_t m = b.mark();
    b.sock_cmd("close");
    b.settle();
    CHECK(b.sent_rel(m) == lines{"F. 1:1(0) ack 2"});
    CHECK(b.state() == "LAST_ACK");
    CHECK(b.transitions(m) == lines{"CLOSE_WAIT -> LAST_ACK"});
    check_why(b, m, "LAST_ACK", "§3.10.4");
  }

  TEST_CASE("T20 CLOSING to TIME-WAIT: the ACK of our FIN and nothing sent") {
    TcpBench b;
    INFO(b.trace());
    b.reach(TcpState::Closing);
    const size_t m = b.mark();
    b.inject(ACK, b.P(2), b.D(2));
    b.settle();
    CHECK(b.sent_rel(m) == lines{});
    CHECK(b.state() == "TIME_WAIT");
    CHECK(b.transitions(m) == lines{"CLOSING -> TIME_WAIT"});
    check_why(b, m, "TIME_WAIT", "§3.10.7.4");
  }

  TEST_CASE("T21 LAST-ACK to CLOSED: the ACK of our FIN and nothing sent") {
    TcpBench b;
    INFO(b.trace());
    b.reach(TcpState::LastAck);
    const size_t m = b.mark();
    b.inject(ACK, b.P(2), b.D(2));
    b.settle();
    CHECK(b.sent_rel(m) == lines{});
    CHECK(b.state() == "CLOSED");
    CHECK(b.transitions(m) == lines{"LAST_ACK -> CLOSED"});
    check_why(b, m, "CLOSED", "§3.10.7.4");
  }

  TEST_CASE("T22 TIME-WAIT to CLOSED: after 2MSL (60 s in the linux profile) and nothing sent") {
    TcpBench b;
    INFO(b.trace());
    b.reach(TcpState::TimeWait);
    const auto t0 = b.time_into(0, "TIME_WAIT");
    REQUIRE(t0);
    const size_t m = b.mark();
    b.sim.run_until(*t0 + 60 * kSec - 1 * kMs);
    CHECK(b.state() == "TIME_WAIT");
    b.sim.run_until(*t0 + 61 * kSec);
    CHECK(b.state() == "CLOSED");
    CHECK(b.time_into(m, "CLOSED") == std::optional<Time>(*t0 + 60 * kSec));
    CHECK(b.transitions(m) == lines{"TIME_WAIT -> CLOSED"});
    check_why(b, m, "CLOSED", "§3.10.8");
    CHECK(b.sent_rel(m) == lines{});
  }

  TEST_CASE("T23 TIME-WAIT stays TIME-WAIT: a retransmitted FIN is ACKed and restarts 2MSL (D14)") {
    TcpBench b;
    INFO(b.trace());
    b.reach(TcpState::TimeWait);
    const auto t0 = b.time_into(0, "TIME_WAIT");
    REQUIRE(t0);
    b.sim.run_until(*t0 + 30 * kSec);
    const size_t m = b.mark();
    const Time t1 = b.now();
    b.inject(FIN | ACK, b.P(1), b.D(2));  // the peer's FIN again: SEG.SEQ = RCV.NXT - 1
    b.settle();
    CHECK(b.sent_rel(m) == lines{". 2:2(0) ack 2"});
    CHECK(b.state() == "TIME_WAIT");
    b.sim.run_until(*t0 + 60 * kSec + 1 * kMs);
    CHECK(b.state() == "TIME_WAIT");  // 2MSL counts from the last FIN, not the first
    b.sim.run_until(t1 + 61 * kSec);
    CHECK(b.time_into(m, "CLOSED") == std::optional<Time>(t1 + 60 * kSec));
    CHECK(b.transitions(m) == lines{"TIME_WAIT -> CLOSED"});
  }

  TEST_CASE("T24 every synchronized state to CLOSED: an RST at RCV.NXT and nothing sent") {
    for (const SyncState& x : kSync) {
      CAPTURE(x.name);
      TcpBench b;
      INFO(b.trace());
      b.reach(x.st);
      const size_t m = b.mark();
      b.inject(RST, b.P(x.rcv), 0);
      b.settle();
      CHECK(b.sent_rel(m) == lines{});
      CHECK(b.state() == "CLOSED");
      CHECK(b.transitions(m) == lines{std::string(x.name) + " -> CLOSED"});
      check_why(b, m, "CLOSED", "§3.10.7.4");
      // ESTABLISHED, FIN-WAIT-1/2, CLOSE-WAIT: the user hears "connection reset".
      if (x.st == TcpState::Established || x.st == TcpState::FinWait1 || x.st == TcpState::FinWait2 ||
          x.st == TcpState::CloseWait)
        CHECK(b.printed_containing(m, "Connection reset by peer"));
    }
  }

  TEST_CASE("T25 abort in SYN-RECEIVED ESTABLISHED FIN-WAIT-1 FIN-WAIT-2 CLOSE-WAIT sends RST at SND.NXT (D11)") {
    struct Case {
      TcpState st;
      const char* name;
      uint32_t snd;
    };
    const Case cases[] = {{TcpState::SynReceived, "SYN_RECV", 1},  {TcpState::Established, "ESTABLISHED", 1},
                          {TcpState::FinWait1, "FIN_WAIT1", 2},    {TcpState::FinWait2, "FIN_WAIT2", 2},
                          {TcpState::CloseWait, "CLOSE_WAIT", 1}};
    for (const Case& x : cases) {
      CAPTURE(x.name);
      TcpBench b;
      INFO(b.trace());
      b.reach(x.st);
      const size_t m = b.mark();
      b.sock_cmd("abort");
      b.settle();
      const auto out = b.sent(m);
      REQUIRE(out.size() == 1);
      CHECK(out[0].has(RST));  // D11: the RST bit and the seq; R. (Linux) or R both fine
      CHECK(out[0].seq - b.s().iss.v == x.snd);
      CHECK(b.state() == "CLOSED");
      CHECK(b.transitions(m) == lines{std::string(x.name) + " -> CLOSED"});
      check_why(b, m, "CLOSED", "§3.10.5");
    }
  }

  TEST_CASE("T26 abort in CLOSING LAST-ACK TIME-WAIT sends nothing") {
    const SyncState* cases[] = {&kSync[4], &kSync[5], &kSync[6]};
    for (const SyncState* x : cases) {
      CAPTURE(x->name);
      TcpBench b;
      INFO(b.trace());
      b.reach(x->st);
      const size_t m = b.mark();
      b.sock_cmd("abort");
      b.settle();
      CHECK(b.sent_rel(m) == lines{});
      CHECK(b.state() == "CLOSED");
      CHECK(b.transitions(m) == lines{std::string(x->name) + " -> CLOSED"});
      check_why(b, m, "CLOSED", "§3.10.5");
    }
  }

  TEST_CASE("T27 ESTABLISHED to CLOSED: retransmissions past R2 (tcp_retries2 = 15) and no RST") {
    TcpBench b;
    INFO(b.trace());
    b.established();
    const size_t m = b.mark();
    b.sock_cmd("send", "--bytes 100");
    b.wait(1500 * kSec);
    const auto out = b.sent(m);
    CHECK(out.size() == 16u);  // the original and 15 retransmissions
    for (const Seg& k : out) {
      CHECK(k.seq - b.s().iss.v == 1u);
      CHECK(k.len == 100u);
      CHECK_FALSE(k.has(RST));
    }
    CHECK(b.state() == "CLOSED");
    CHECK(b.transitions(m) == lines{"ESTABLISHED -> CLOSED"});
    check_why(b, m, "CLOSED", "§3.8.3");
    CHECK(b.printed_containing(m, "Connection timed out"));
  }

  TEST_CASE("T28 FIN-WAIT-1 or FIN-WAIT-2 to CLOSED after close(): new data draws an RST (Linux)") {
    TcpBench b;
    INFO(b.trace());
    std::string from;
    SUBCASE("FIN-WAIT-1") {
      b.reach(TcpState::FinWait1, TcpBench::End::Close);
      from = "FIN_WAIT1";
    }
    SUBCASE("FIN-WAIT-2") {
      b.reach(TcpState::FinWait2, TcpBench::End::Close);
      from = "FIN_WAIT2";
    }
    const size_t m = b.mark();
    b.inject(ACK | PSH, b.P(1), b.D(from == "FIN_WAIT1" ? 1 : 2), 10);
    b.settle();
    const auto out = b.sent(m);
    REQUIRE(out.size() == 1);
    CHECK(out[0].has(RST));
    CHECK(out[0].seq - b.s().iss.v == 2u);  // SND.NXT (§1.3: Linux R. seq=SND.NXT ack=RCV.NXT)
    if (out[0].has(ACK)) CHECK(out[0].ack - b.s().irs.v == 1u);
    CHECK(b.state() == "CLOSED");
    CHECK(b.transitions(m) == lines{from + " -> CLOSED"});
    check_why(b, m, "CLOSED", "§3.6.1");
  }

  TEST_CASE("T29 orphaned FIN-WAIT-2 to CLOSED after tcp_fin_timeout (60 s) and nothing sent") {
    TcpBench b;
    INFO(b.trace());
    SUBCASE("after close(): orphaned") {
      b.reach(TcpState::FinWait2, TcpBench::End::Close);
      const auto t0 = b.time_into(0, "FIN_WAIT2");
      REQUIRE(t0);
      const size_t m = b.mark();
      b.sim.run_until(*t0 + 60 * kSec - 1 * kMs);
      CHECK(b.state() == "FIN_WAIT2");
      b.sim.run_until(*t0 + 61 * kSec);
      CHECK(b.state() == "CLOSED");
      CHECK(b.time_into(m, "CLOSED") == std::optional<Time>(*t0 + 60 * kSec));
      CHECK(b.transitions(m) == lines{"FIN_WAIT2 -> CLOSED"});
      check_why(b, m, "CLOSED", "tcp_fin_timeout");
      CHECK(b.sent_rel(m) == lines{});
    }
    SUBCASE("after shutdown(): the application still holds it, no limit") {
      b.reach(TcpState::FinWait2, TcpBench::End::Shutdown);
      const size_t m = b.mark();
      b.wait(200 * kSec);
      CHECK(b.state() == "FIN_WAIT2");
      CHECK(b.sent_rel(m) == lines{});
    }
  }
}

// =============================================================================================
// §1.6.1: CLOSED (no socket on the port)
// =============================================================================================
TEST_SUITE("TCP state machine: CLOSED rows (TCP-REFERENCE 1.6.1)") {
  // Resets from no connection carry absolute numbers taken from the offending segment.
  Craft to_closed_port(uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len = 0) {
    Craft c;
    c.flags = flags;
    c.seq = seq;
    c.ack = ack;
    c.len = len;
    c.dport = 81;
    return c;
  }

  TEST_CASE("CLOSED row 1: an RST to a closed port is discarded") {
    TcpBench b;
    INFO(b.trace());
    const size_t m = b.mark();
    SUBCASE("R") { b.inject(to_closed_port(RST, 12345, 0)); }
    SUBCASE("R.") { b.inject(to_closed_port(RST | ACK, 12345, 777777)); }
    SUBCASE("R with data") { b.inject(to_closed_port(RST, 12345, 0, 10)); }
    b.settle();
    CHECK(b.sent_raw(m) == lines{});
  }

  TEST_CASE("CLOSED row 2: no ACK bit draws R. seq 0 ack SEG.SEQ+SEG.LEN") {
    TcpBench b;
    INFO(b.trace());
    const size_t m = b.mark();
    std::string want;
    SUBCASE("a SYN: ack ISN+1") {
      b.inject(to_closed_port(SYN, 12345, 0));
      want = "R. seq 0 ack 12346 len 0";
    }
    SUBCASE("a FIN with 10 bytes: SEG.LEN counts the FIN") {
      b.inject(to_closed_port(FIN | PSH, 12345, 0, 10));
      want = "R. seq 0 ack 12356 len 0";
    }
    SUBCASE("bare data") {
      b.inject(to_closed_port(PSH, 12345, 0, 10));
      want = "R. seq 0 ack 12355 len 0";
    }
    b.settle();
    CHECK(b.sent_raw(m) == lines{want});
    const auto out = b.sent(m);
    REQUIRE(out.size() == 1);
    CHECK(out[0].sport == 81);
    CHECK(out[0].dport == 5000);
  }

  TEST_CASE("CLOSED row 3: the ACK bit on draws R seq SEG.ACK") {
    TcpBench b;
    INFO(b.trace());
    const size_t m = b.mark();
    SUBCASE("a plain ACK") { b.inject(to_closed_port(ACK, 12345, 777777)); }
    SUBCASE("data with ACK") { b.inject(to_closed_port(ACK | PSH, 12345, 777777, 10)); }
    SUBCASE("a SYN-ACK") { b.inject(to_closed_port(SYN | ACK, 12345, 777777)); }
    SUBCASE("a FIN-ACK") { b.inject(to_closed_port(FIN | ACK, 12345, 777777)); }
    b.settle();
    CHECK(b.sent_raw(m) == lines{"R seq 777777 len 0"});
  }
}

// =============================================================================================
// §1.6.2: LISTEN
// =============================================================================================
TEST_SUITE("TCP state machine: LISTEN rows (TCP-REFERENCE 1.6.2)") {
  TEST_CASE("LISTEN row 1: an RST is ignored") {
    TcpBench b;
    INFO(b.trace());
    b.listen();
    const size_t sockets = b.dut_node().tcp.size();
    const size_t m = b.mark();
    SUBCASE("R") { b.inject(RST, 4242, 0); }
    SUBCASE("R.") { b.inject(RST | ACK, 4242, 777777); }
    SUBCASE("R with SYN") { b.inject(RST | SYN, 4242, 0); }
    b.settle();
    CHECK(b.sent_raw(m) == lines{});
    CHECK(b.state_of(b.listener) == "LISTEN");
    CHECK(b.dut_node().tcp.size() == sockets);  // no embryo
    CHECK(b.transitions(m, b.listener) == lines{});
  }

  TEST_CASE("LISTEN row 2: any segment with ACK draws R seq SEG.ACK") {
    TcpBench b;
    INFO(b.trace());
    b.listen();
    const size_t sockets = b.dut_node().tcp.size();
    const size_t m = b.mark();
    SUBCASE("a plain ACK") { b.inject(ACK, 4242, 777777); }
    SUBCASE("a SYN-ACK") { b.inject_syn(SYN | ACK, 4242, 777777); }
    SUBCASE("a FIN-ACK") { b.inject(FIN | ACK, 4242, 777777); }
    SUBCASE("data with ACK") { b.inject(ACK | PSH, 4242, 777777, 10); }
    b.settle();
    CHECK(b.sent_raw(m) == lines{"R seq 777777 len 0"});
    CHECK(b.state_of(b.listener) == "LISTEN");
    CHECK(b.dut_node().tcp.size() == sockets);
  }

  TEST_CASE("LISTEN row 3: a SYN makes a SYN-RECEIVED child - the listener stays LISTEN") {
    TcpBench b;
    INFO(b.trace());
    SUBCASE("a plain SYN: S. 0:0(0) ack 1, the listener stays LISTEN") {
      const size_t m = b.mark();
      b.syn_received_passive();
      b.settle();
      CHECK(b.sent_rel(m) == lines{"S. 0:0(0) ack 1"});
      CHECK(b.state() == "SYN_RECV");
      CHECK(b.s().irs.v == b.P(0));
      CHECK(b.state_of(b.listener) == "LISTEN");
    }
  }

  // RFC §3.10.7.2: text in a SYN is queued (the rfc profile); Linux without TCP Fast
  // Open drops it, and the sender's retransmission brings it again (the linux profile).
  TEST_CASE("LISTEN row 3, rfc profile: data in the SYN is queued and delivered once ESTABLISHED") {
    TcpBench b(true, "[tcp]\nprofile = \"rfc\"\n");
    INFO(b.trace());
    b.listen();
    const size_t m = b.mark();
    b.inject_syn(SYN, b.P(0), 0, 5);
    b.settle();
    REQUIRE(b.sock_at(b.listener).syn_queue.size() == 1);
    b.sock = b.sock_at(b.listener).syn_queue.back();
    CHECK(b.sent_rel(m) == lines{"S. 0:0(0) ack 1"});  // RCV.NXT = SEG.SEQ + 1
    const size_t m2 = b.mark();
    b.inject(ACK, b.P(6), b.D(1));  // the peer's next byte follows its 5
    b.settle();
    CHECK(b.state() == "ESTABLISHED");
    CHECK(b.printed_containing(m2, "received 5 bytes"));
    const auto out = b.sent(m2);
    REQUIRE_FALSE(out.empty());
    CHECK(out.back().ack - b.s().irs.v == 6u);
  }

  TEST_CASE("LISTEN row 3, linux profile: data in the SYN is dropped, as Linux does without Fast Open") {
    TcpBench b;
    INFO(b.trace());
    b.listen();
    const size_t m = b.mark();
    b.inject_syn(SYN, b.P(0), 0, 5);
    b.settle();
    REQUIRE(b.sock_at(b.listener).syn_queue.size() == 1);
    b.sock = b.sock_at(b.listener).syn_queue.back();
    CHECK(b.sent_rel(m) == lines{"S. 0:0(0) ack 1"});
    const size_t m2 = b.mark();
    b.inject(ACK, b.P(1), b.D(1));
    b.settle();
    CHECK(b.state() == "ESTABLISHED");
    CHECK_FALSE(b.printed_containing(m2, "received"));
    CHECK(b.rcv_nxt_rel() == 1u);
  }

  TEST_CASE("LISTEN row 4: neither SYN nor ACK nor RST is dropped") {
    TcpBench b;
    INFO(b.trace());
    b.listen();
    const size_t sockets = b.dut_node().tcp.size();
    const size_t m = b.mark();
    SUBCASE("FIN only") { b.inject(FIN, 4242, 0); }
    SUBCASE("no flags") { b.inject(0, 4242, 0); }
    SUBCASE("no flags with data") { b.inject(PSH, 4242, 0, 10); }
    b.settle();
    CHECK(b.sent_raw(m) == lines{});
    CHECK(b.state_of(b.listener) == "LISTEN");
    CHECK(b.dut_node().tcp.size() == sockets);
  }
}

// =============================================================================================
// §1.6.3: SYN-SENT
// =============================================================================================
TEST_SUITE("TCP state machine: SYN-SENT rows (TCP-REFERENCE 1.6.3)") {
  TEST_CASE("SYN-SENT row 1a: a bad ACK without RST draws R seq SEG.ACK and the state stays") {
    TcpBench b;
    INFO(b.trace());
    b.syn_sent();
    const size_t m = b.mark();
    uint32_t bad = 0;
    SUBCASE("SEG.ACK = ISS") {
      bad = b.D(0);
      b.inject(ACK, b.P(0), bad);
    }
    SUBCASE("SEG.ACK > SND.NXT") {
      bad = b.D(2);
      b.inject(ACK, b.P(0), bad);
    }
    SUBCASE("a SYN-ACK for an old SYN (Figure 8)") {
      bad = b.D(0) - 1000;
      b.inject_syn(SYN | ACK, b.P(0), bad);
    }
    b.settle();
    // The reset first; the linux profile then resends the SYN at once (the note below).
    const auto out = b.sent_raw(m);
    REQUIRE_FALSE(out.empty());
    CHECK(out[0] == "R seq " + std::to_string(bad) + " len 0");
    CHECK(out.size() <= 2);
    CHECK(b.state() == "SYN_SENT");
    CHECK(b.transitions(m) == lines{});
  }

  // TCP-REFERENCE 1.6.3, the Linux note under the table (tcp_rcv_synsent_state_process):
  // after case 1a, while no SYN has been retransmitted yet, the SYN timer is re-armed to
  // TCP_TIMEOUT_MIN (2 jiffies), "Previous FIN/ACK or RST/ACK might be ignored".
  TEST_CASE("SYN-SENT row 1a Linux note: the SYN goes out again at once, not after the 1 s RTO") {
    TcpBench b;
    INFO(b.trace());
    b.syn_sent();
    const size_t m = b.mark();
    const Time t = b.now();
    b.inject(ACK, b.P(0), b.D(2));
    b.wait(100 * kMs);
    const auto out = b.sent(m);
    REQUIRE(out.size() == 2);
    CHECK(TcpBench::raw(out[0]) == "R seq " + std::to_string(b.D(2)) + " len 0");
    CHECK(b.rel(out[1]) == "S 0:0(0)");
    CHECK(out[1].t - t <= 10 * kMs);
    CHECK(b.state() == "SYN_SENT");
  }

  TEST_CASE("SYN-SENT row 1b: a bad ACK with RST is dropped") {
    TcpBench b;
    INFO(b.trace());
    b.syn_sent();
    const size_t m = b.mark();
    SUBCASE("SEG.ACK = ISS") { b.inject(RST | ACK, 0, b.D(0)); }
    SUBCASE("SEG.ACK > SND.NXT") { b.inject(RST | ACK, 0, b.D(2)); }
    b.settle();
    CHECK(b.sent_raw(m) == lines{});
    CHECK(b.state() == "SYN_SENT");
    CHECK(b.transitions(m) == lines{});
  }

  TEST_CASE("SYN-SENT row 2a: an RST with an acceptable ACK is connection refused and CLOSED") {
    TcpBench b;
    INFO(b.trace());
    b.syn_sent();
    const size_t m = b.mark();
    b.inject(RST | ACK, 0, b.D(1));
    b.settle();
    CHECK(b.sent_raw(m) == lines{});
    CHECK(b.state() == "CLOSED");
    CHECK(b.transitions(m) == lines{"SYN_SENT -> CLOSED"});
    check_why(b, m, "CLOSED", "§3.10.7.3");
    CHECK(b.printed_containing(m, "connect: Connection refused"));
  }

  TEST_CASE("SYN-SENT row 2b: an RST without ACK is dropped") {
    TcpBench b;
    INFO(b.trace());
    b.syn_sent();
    const size_t m = b.mark();
    SUBCASE("seq 0") { b.inject(RST, 0, 0); }
    SUBCASE("any seq") { b.inject(RST, b.P(0), 0); }
    b.settle();
    CHECK(b.sent_raw(m) == lines{});
    CHECK(b.state() == "SYN_SENT");
    CHECK(b.transitions(m) == lines{});
  }

  TEST_CASE("SYN-SENT row 4a: a SYN-ACK leads to ESTABLISHED") {
    TcpBench b;
    INFO(b.trace());
    b.syn_sent();
    const size_t m = b.mark();
    SUBCASE("a plain SYN-ACK") {
      b.inject_syn(SYN | ACK, b.P(0), b.D(1));
      b.settle();
      CHECK(b.sent_rel(m) == lines{". 1:1(0) ack 1"});
      CHECK(b.state() == "ESTABLISHED");
      CHECK(b.transitions(m) == lines{"SYN_SENT -> ESTABLISHED"});
      CHECK(b.snd_una_rel() == 1u);
      CHECK(b.rcv_nxt_rel() == 1u);
    }
  }

  // §3.10.7.3: "if there are other controls or text in the segment, continue processing at
  // the sixth step" — the rfc profile. Linux without Fast Open drops both (linux profile).
  TEST_CASE("SYN-SENT row 4a, rfc profile: data or FIN in the SYN-ACK continue at step 6") {
    TcpBench b(true, "[tcp]\nprofile = \"rfc\"\n");
    INFO(b.trace());
    b.syn_sent();
    const size_t m = b.mark();
    SUBCASE("a SYN-ACK with 5 bytes: ACKed and delivered") {
      b.inject_syn(SYN | ACK, b.P(0), b.D(1), 5);
      b.settle();
      CHECK(b.state() == "ESTABLISHED");
      const auto out = b.sent(m);
      REQUIRE_FALSE(out.empty());
      CHECK(b.rel(out.back()) == ". 1:1(0) ack 6");
      CHECK(b.printed_containing(m, "received 5 bytes"));
    }
    SUBCASE("a SYN-ACK with FIN: ESTABLISHED then CLOSE-WAIT") {
      Craft c;
      c.flags = SYN | ACK | FIN;
      c.seq = b.P(0);
      c.ack = b.D(1);
      c.mss = 1460;
      b.inject(c);
      b.settle();
      CHECK(b.transitions(m) == lines{"SYN_SENT -> ESTABLISHED", "ESTABLISHED -> CLOSE_WAIT"});
      CHECK(b.state() == "CLOSE_WAIT");
      const auto out = b.sent(m);
      REQUIRE_FALSE(out.empty());
      CHECK(b.rel(out.back()) == ". 1:1(0) ack 2");
    }
  }

  TEST_CASE("SYN-SENT row 4a, linux profile: data in the SYN-ACK is dropped") {
    TcpBench b;
    INFO(b.trace());
    b.syn_sent();
    const size_t m = b.mark();
    b.inject_syn(SYN | ACK, b.P(0), b.D(1), 5);
    b.settle();
    CHECK(b.state() == "ESTABLISHED");
    CHECK(b.sent_rel(m) == lines{". 1:1(0) ack 1"});
    CHECK_FALSE(b.printed_containing(m, "received"));
  }

  TEST_CASE("SYN-SENT row 4b: a SYN without ACK leads to SYN-RECEIVED with active origin") {
    TcpBench b;
    INFO(b.trace());
    b.syn_sent();
    const size_t m = b.mark();
    b.inject_syn(SYN, b.P(0));
    b.settle();
    const auto out = b.sent(m);
    REQUIRE(out.size() == 1);
    CHECK(b.rel(out[0]) == "S. 0:0(0) ack 1");
    CHECK(out[0].seq == b.s().iss.v);  // the same ISS as the first SYN
    CHECK(b.state() == "SYN_RECV");
    CHECK(b.transitions(m) == lines{"SYN_SENT -> SYN_RECV"});
    check_why(b, m, "SYN_RECV", "§3.10.7.3");
    // MUST-11: an RST now means "refused" (active origin), not "back to LISTEN".
    const size_t m2 = b.mark();
    b.inject(RST, b.P(1), 0);
    b.settle();
    CHECK(b.state() == "CLOSED");
    CHECK(b.printed_containing(m2, "Connection refused"));
  }

  TEST_CASE("SYN-SENT row 5: a segment with neither SYN nor RST is dropped") {
    TcpBench b;
    INFO(b.trace());
    b.syn_sent();
    const size_t m = b.mark();
    SUBCASE("an acceptable plain ACK") { b.inject(ACK, b.P(1), b.D(1)); }
    SUBCASE("a FIN-ACK") { b.inject(FIN | ACK, b.P(1), b.D(1)); }
    SUBCASE("data") { b.inject(ACK | PSH, b.P(1), b.D(1), 10); }
    b.settle();
    CHECK(b.sent_raw(m) == lines{});
    CHECK(b.state() == "SYN_SENT");
    CHECK(b.transitions(m) == lines{});
  }
}

// =============================================================================================
// §1.6.4: SYN-RECEIVED and the synchronized states, step by step
// =============================================================================================
TEST_SUITE("TCP state machine: SYN-RECEIVED and synchronized rows (TCP-REFERENCE 1.6.4)") {
  TEST_CASE("step 1 row: an unacceptable segment without RST draws the ACK SND.NXT RCV.NXT and is dropped") {
    SUBCASE("beyond the window, in every synchronized state") {
      for (const SyncState& x : kSync) {
        CAPTURE(x.name);
        TcpBench b;
        INFO(b.trace());
        b.reach(x.st);
        const size_t m = b.mark();
        b.inject(ACK | PSH, b.P(x.rcv) + 70'000, b.D(x.una), 10);
        b.settle();
        CHECK(b.sent_rel(m) == lines{ack_line(x.snd, x.rcv)});
        CHECK(b.state() == x.name);
        CHECK(b.transitions(m) == lines{});
        CHECK(b.rcv_nxt_rel() == x.rcv);
      }
    }
    SUBCASE("an old duplicate, wholly before RCV.NXT, in ESTABLISHED") {
      TcpBench b;
      INFO(b.trace());
      b.established();
      b.inject(ACK | PSH, b.P(1), b.D(1), 10);
      b.settle();
      const size_t m = b.mark();
      b.inject(ACK | PSH, b.P(1), b.D(1), 10);  // the same 10 bytes again
      b.settle();
      CHECK(b.sent_rel(m) == lines{ack_line(1, 11)});
      CHECK(b.rcv_nxt_rel() == 11u);
      CHECK(b.state() == "ESTABLISHED");
    }
    SUBCASE("not so: a segment that starts before RCV.NXT and ends in the window is trimmed and accepted") {
      TcpBench b;
      INFO(b.trace());
      b.established();
      b.inject(ACK | PSH, b.P(1), b.D(1), 5);
      b.settle();
      const size_t m = b.mark();
      b.inject(ACK | PSH, b.P(1), b.D(1), 10);  // 5 old bytes, 5 new
      b.settle();
      CHECK(b.sent_rel(m) == lines{ack_line(1, 11)});
      CHECK(b.rcv_nxt_rel() == 11u);
      CHECK(b.printed_containing(m, "received 5 bytes"));
    }
    SUBCASE("SYN-RECEIVED") {
      TcpBench b;
      INFO(b.trace());
      b.syn_received_passive();
      const size_t m = b.mark();
      b.inject(ACK, b.P(1) + 100'000, b.D(1));
      b.settle();
      CHECK(b.sent_rel(m) == lines{ack_line(1, 1)});
      CHECK(b.state() == "SYN_RECV");
      CHECK(b.transitions(m) == lines{});
    }
    SUBCASE("TIME-WAIT: the ACK, and (Linux) the 2MSL timer restarts") {
      TcpBench b;
      INFO(b.trace());
      b.reach(TcpState::TimeWait);
      const auto t0 = b.time_into(0, "TIME_WAIT");
      REQUIRE(t0);
      b.sim.run_until(*t0 + 20 * kSec);
      const Time t1 = b.now();
      const size_t m = b.mark();
      b.inject(ACK | PSH, b.P(2) - 20, b.D(2), 10);  // old data
      b.settle();
      CHECK(b.sent_rel(m) == lines{ack_line(2, 2)});
      b.sim.run_until(*t0 + 60 * kSec + 1 * kMs);
      CHECK(b.state() == "TIME_WAIT");
      b.sim.run_until(t1 + 61 * kSec);
      CHECK(b.time_into(m, "CLOSED") == std::optional<Time>(t1 + 60 * kSec));
    }
  }

  TEST_CASE("step 1 row: an unacceptable RST is dropped silently") {
    for (const SyncState& x : kSync) {
      CAPTURE(x.name);
      TcpBench b;
      INFO(b.trace());
      b.reach(x.st);
      const size_t m = b.mark();
      b.inject(RST, b.P(x.rcv) + 70'000, 0);
      b.inject(RST | ACK, b.P(x.rcv) - 1000, b.D(x.una));
      b.settle();
      CHECK(b.sent_rel(m) == lines{});
      CHECK(b.state() == x.name);
      CHECK(b.transitions(m) == lines{});
    }
  }

  TEST_CASE("step 2 row: an RST at RCV.NXT resets the connection according to the state") {
    TcpBench b;
    INFO(b.trace());
    SUBCASE("SYN-RECEIVED from LISTEN: forgotten, the listener stays, the user hears nothing") {
      b.syn_received_passive();
      const size_t m = b.mark();
      b.inject(RST, b.P(1), 0);
      b.settle();
      CHECK(b.sent_rel(m) == lines{});
      CHECK(b.state() == "CLOSED");
      CHECK(b.state_of(b.listener) == "LISTEN");
      CHECK(b.sock_at(b.listener).syn_queue.empty());
      CHECK(b.printed(m) == lines{});
      check_why(b, m, "CLOSED", "§3.10.7.4");
    }
    SUBCASE("SYN-RECEIVED from SYN-SENT: connection refused") {
      b.syn_received_active();
      const size_t m = b.mark();
      b.inject(RST, b.P(1), 0);
      b.settle();
      CHECK(b.sent_rel(m) == lines{});
      CHECK(b.state() == "CLOSED");
      CHECK(b.printed_containing(m, "Connection refused"));
      check_why(b, m, "CLOSED", "§3.10.7.4");
    }
    SUBCASE("ESTABLISHED: connection reset") {
      b.established();
      const size_t m = b.mark();
      b.inject(RST, b.P(1), 0);
      b.settle();
      CHECK(b.sent_rel(m) == lines{});
      CHECK(b.state() == "CLOSED");
      CHECK(b.printed_containing(m, "recv: Connection reset by peer"));
      check_why(b, m, "CLOSED", "§3.10.7.4");
    }
    SUBCASE("CLOSING: CLOSED") {
      b.reach(TcpState::Closing);
      const size_t m = b.mark();
      b.inject(RST, b.P(2), 0);
      b.settle();
      CHECK(b.sent_rel(m) == lines{});
      CHECK(b.state() == "CLOSED");
      check_why(b, m, "CLOSED", "§3.10.7.4");
    }
    SUBCASE("TIME-WAIT: CLOSED (D13, tcp_rfc1337 = 0)") {
      b.reach(TcpState::TimeWait);
      const size_t m = b.mark();
      b.inject(RST, b.P(2), 0);
      b.settle();
      CHECK(b.sent_rel(m) == lines{});
      CHECK(b.state() == "CLOSED");
      check_why(b, m, "CLOSED", "§3.10.7.4");
    }
  }

  TEST_CASE("step 2 row: an in-window RST not at RCV.NXT draws a challenge ACK (RFC 5961)") {
    SUBCASE("every synchronized state") {
      for (const SyncState& x : kSync) {
        CAPTURE(x.name);
        TcpBench b;
        INFO(b.trace());
        b.reach(x.st);
        const size_t m = b.mark();
        b.inject(RST, b.P(x.rcv) + 100, 0);
        b.settle();
        CHECK(b.sent_rel(m) == lines{ack_line(x.snd, x.rcv)});
        CHECK(b.state() == x.name);
        CHECK(b.transitions(m) == lines{});
      }
    }
    SUBCASE("SYN-RECEIVED, both origins") {
      for (const bool passive : {true, false}) {
        CAPTURE(passive);
        TcpBench b;
        INFO(b.trace());
        b.reach(TcpState::SynReceived, TcpBench::End::Shutdown, passive);
        const size_t m = b.mark();
        b.inject(RST, b.P(1) + 100, 0);
        b.settle();
        CHECK(b.sent_rel(m) == lines{ack_line(1, 1)});
        CHECK(b.state() == "SYN_RECV");
        CHECK(b.transitions(m) == lines{});
      }
    }
  }

  TEST_CASE("step 4 row: a SYN in a synchronized state draws a challenge ACK and nothing changes") {
    SUBCASE("a SYN in the window, in every synchronized state (no listener: TIME-WAIT too)") {
      for (const SyncState& x : kSync) {
        CAPTURE(x.name);
        TcpBench b;
        INFO(b.trace());
        b.reach(x.st);
        const size_t m = b.mark();
        b.inject_syn(SYN, b.P(x.rcv) + 100);
        b.settle();
        CHECK(b.sent_rel(m) == lines{ack_line(x.snd, x.rcv)});
        CHECK(b.state() == x.name);
        CHECK(b.transitions(m) == lines{});
      }
    }
    SUBCASE("a SYN at RCV.NXT in ESTABLISHED") {
      TcpBench b;
      INFO(b.trace());
      b.established();
      const size_t m = b.mark();
      b.inject_syn(SYN, b.P(1));
      b.settle();
      CHECK(b.sent_rel(m) == lines{ack_line(1, 1)});
      CHECK(b.state() == "ESTABLISHED");
    }
    SUBCASE("the SYN-ACK again in ESTABLISHED (its ACK was lost)") {
      TcpBench b;
      INFO(b.trace());
      b.established();
      const size_t m = b.mark();
      b.inject_syn(SYN | ACK, b.P(0), b.D(1));
      b.settle();
      CHECK(b.sent_rel(m) == lines{ack_line(1, 1)});
      CHECK(b.state() == "ESTABLISHED");
    }
    SUBCASE("SYN-RECEIVED from SYN-SENT: treated as a synchronized state") {
      TcpBench b;
      INFO(b.trace());
      b.syn_received_active();
      const size_t m = b.mark();
      b.inject_syn(SYN, b.P(1) + 100);
      b.settle();
      CHECK(b.sent_rel(m) == lines{ack_line(1, 1)});
      CHECK(b.state() == "SYN_RECV");
    }
    SUBCASE("SYN-RECEIVED from LISTEN: back to LISTEN, nothing sent") {
      TcpBench b;
      INFO(b.trace());
      b.syn_received_passive();
      const size_t m = b.mark();
      b.inject_syn(SYN, b.P(1) + 100);
      b.settle();
      CHECK(b.sent_rel(m) == lines{});
      CHECK(b.state() == "CLOSED");
      CHECK(b.state_of(b.listener) == "LISTEN");
      check_why(b, m, "CLOSED", "§3.10.7.4");
    }
  }

  TEST_CASE("step 4 row: TIME-WAIT and a new SYN with a higher sequence number (MAY-2)") {
    TcpBench b;
    INFO(b.trace());
    b.reach(TcpState::TimeWait, TcpBench::End::Shutdown, /*passive_side=*/true);
    const int32_t tw = b.sock;
    const size_t m = b.mark();
    const uint32_t isn2 = b.P(2) + 100'000;
    b.inject_syn(SYN, isn2);
    b.settle();
    const auto out = b.sent(m);
    REQUIRE(out.size() == 1);
    // Either a new connection (Linux: the TIME-WAIT socket goes, a new child answers) or
    // the challenge ACK of a synchronized state.
    if (out[0].has(SYN)) {
      CHECK(out[0].flags == (SYN | ACK));
      CHECK(out[0].ack == isn2 + 1);
      CHECK(b.state_of(tw) == "CLOSED");
      CHECK(b.sock_at(b.listener).syn_queue.size() == 1u);
    } else {
      CHECK(b.rel(out[0]) == ack_line(2, 2));
      CHECK(b.state_of(tw) == "TIME_WAIT");
    }
  }

  TEST_CASE("step 5 row: a segment without ACK is dropped and a FIN without ACK is never processed") {
    SUBCASE("data without ACK in ESTABLISHED") {
      TcpBench b;
      INFO(b.trace());
      b.established();
      const size_t m = b.mark();
      b.inject(PSH, b.P(1), 0, 5);
      b.settle();
      CHECK(b.sent_rel(m) == lines{});
      CHECK(b.rcv_nxt_rel() == 1u);
      CHECK_FALSE(b.printed_containing(m, "received"));
      CHECK(b.state() == "ESTABLISHED");
    }
    SUBCASE("data without ACK in SYN-RECEIVED") {
      TcpBench b;
      INFO(b.trace());
      b.syn_received_passive();
      const size_t m = b.mark();
      b.inject(PSH, b.P(1), 0, 5);
      b.settle();
      CHECK(b.sent_rel(m) == lines{});
      CHECK(b.state() == "SYN_RECV");
      CHECK(b.rcv_nxt_rel() == 1u);
    }
    SUBCASE("a FIN without ACK at RCV.NXT in every synchronized state") {
      for (const SyncState& x : kSync) {
        CAPTURE(x.name);
        TcpBench b;
        INFO(b.trace());
        b.reach(x.st);
        const size_t m = b.mark();
        b.inject(FIN, b.P(x.rcv), 0);
        b.settle();
        CHECK(b.sent_rel(m) == lines{});
        CHECK(b.state() == x.name);
        CHECK(b.transitions(m) == lines{});
        CHECK(b.rcv_nxt_rel() == x.rcv);
      }
    }
  }

  TEST_CASE("step 5 row: an ACK of unsent data draws R in SYN-RECEIVED and an ACK elsewhere") {
    SUBCASE("SYN-RECEIVED: R seq SEG.ACK and the state stays") {
      TcpBench b;
      INFO(b.trace());
      b.syn_received_passive();
      const size_t m = b.mark();
      b.inject(ACK, b.P(1), b.D(5));
      b.settle();
      CHECK(b.sent_raw(m) == lines{"R seq " + std::to_string(b.D(5)) + " len 0"});
      CHECK(b.state() == "SYN_RECV");
      CHECK(b.transitions(m) == lines{});
    }
    SUBCASE("every synchronized state: the ACK and the segment is dropped") {
      for (const SyncState& x : kSync) {
        CAPTURE(x.name);
        TcpBench b;
        INFO(b.trace());
        b.reach(x.st);
        const size_t m = b.mark();
        b.inject(ACK, b.P(x.rcv), b.D(x.snd) + 1000);
        b.settle();
        CHECK(b.sent_rel(m) == lines{ack_line(x.snd, x.rcv)});
        CHECK(b.state() == x.name);
        CHECK(b.transitions(m) == lines{});
      }
    }
    SUBCASE("ESTABLISHED: data with such an ACK is not accepted") {
      TcpBench b;
      INFO(b.trace());
      b.established();
      const size_t m = b.mark();
      b.inject(ACK | PSH, b.P(1), b.D(1) + 1000, 5);
      b.settle();
      CHECK(b.sent_rel(m) == lines{ack_line(1, 1)});
      CHECK(b.rcv_nxt_rel() == 1u);
      CHECK_FALSE(b.printed_containing(m, "received"));
    }
  }

  TEST_CASE("step 5 row: an old ACK draws R in SYN-RECEIVED and is ignored elsewhere while processing goes on") {
    SUBCASE("SYN-RECEIVED: SEG.ACK = ISS is not acceptable: R seq SEG.ACK") {
      TcpBench b;
      INFO(b.trace());
      b.syn_received_passive();
      const size_t m = b.mark();
      b.inject(ACK, b.P(1), b.D(0));
      b.settle();
      CHECK(b.sent_raw(m) == lines{"R seq " + std::to_string(b.D(0)) + " len 0"});
      CHECK(b.state() == "SYN_RECV");
    }
    SUBCASE("ESTABLISHED: the data of a segment with an old ACK is accepted") {
      TcpBench b;
      INFO(b.trace());
      b.established();
      const size_t m = b.mark();
      b.inject(ACK | PSH, b.P(1), b.D(0), 5);
      b.settle();
      CHECK(b.sent_rel(m) == lines{ack_line(1, 6)});
      CHECK(b.rcv_nxt_rel() == 6u);
      CHECK(b.printed_containing(m, "received 5 bytes"));
      CHECK(b.state() == "ESTABLISHED");
    }
    SUBCASE("ESTABLISHED: the FIN of a segment with an old ACK is processed") {
      TcpBench b;
      INFO(b.trace());
      b.established();
      const size_t m = b.mark();
      b.inject(FIN | ACK, b.P(1), b.D(0));
      b.settle();
      CHECK(b.sent_rel(m) == lines{ack_line(1, 2)});
      CHECK(b.state() == "CLOSE_WAIT");
    }
    SUBCASE("FIN-WAIT-1: a duplicate ACK with data: accepted, still FIN-WAIT-1") {
      TcpBench b;
      INFO(b.trace());
      b.reach(TcpState::FinWait1);
      const size_t m = b.mark();
      b.inject(ACK | PSH, b.P(1), b.D(1), 5);
      b.settle();
      CHECK(b.sent_rel(m) == lines{ack_line(2, 6)});
      CHECK(b.state() == "FIN_WAIT1");
    }
  }

  TEST_CASE("step 5 row: an acceptable ACK that does not cover our FIN moves SND.UNA only") {
    SUBCASE("ESTABLISHED") {
      TcpBench b;
      INFO(b.trace());
      b.established();
      b.sock_cmd("send", "--bytes 100");
      const size_t m = b.mark();
      Craft ack;
      ack.flags = ACK;
      ack.seq = b.P(1);
      ack.ack = b.D(51);
      ack.window = 30000;
      b.inject(ack);
      b.settle();
      CHECK(b.sent_rel(m) == lines{});
      CHECK(b.snd_una_rel() == 51u);
      CHECK(b.s().snd_wnd == 30000u);  // WL1 = SEG.SEQ and WL2 < SEG.ACK: the window is taken
      CHECK(b.state() == "ESTABLISHED");
    }
    SUBCASE("CLOSE-WAIT") {
      TcpBench b;
      INFO(b.trace());
      b.reach(TcpState::CloseWait);
      b.sock_cmd("send", "--bytes 100");
      const size_t m = b.mark();
      b.inject(ACK, b.P(2), b.D(51));
      b.settle();
      CHECK(b.sent_rel(m) == lines{});
      CHECK(b.snd_una_rel() == 51u);
      CHECK(b.state() == "CLOSE_WAIT");
    }
    SUBCASE("FIN-WAIT-1: stays until the FIN itself is covered") {
      TcpBench b;
      INFO(b.trace());
      b.established();
      b.sock_cmd("send", "--bytes 100");
      b.sock_cmd("shutdown");  // FIN at rel 101
      const size_t m = b.mark();
      b.inject(ACK, b.P(1), b.D(51));
      b.settle();
      CHECK(b.state() == "FIN_WAIT1");
      b.inject(ACK, b.P(1), b.D(101));
      b.settle();
      CHECK(b.state() == "FIN_WAIT1");
      CHECK(b.snd_una_rel() == 101u);
      CHECK(b.sent_rel(m) == lines{});
      CHECK(b.transitions(m) == lines{});
    }
    SUBCASE("CLOSING: stays") {
      TcpBench b;
      INFO(b.trace());
      b.established();
      b.sock_cmd("send", "--bytes 100");
      b.sock_cmd("shutdown");
      b.inject(FIN | ACK, b.P(1), b.D(51));
      b.settle();
      REQUIRE(b.state() == "CLOSING");
      const size_t m = b.mark();
      b.inject(ACK, b.P(2), b.D(101));
      b.settle();
      CHECK(b.state() == "CLOSING");
      CHECK(b.snd_una_rel() == 101u);
      CHECK(b.sent_rel(m) == lines{});
    }
    SUBCASE("LAST-ACK: stays") {
      TcpBench b;
      INFO(b.trace());
      b.reach(TcpState::CloseWait);
      b.sock_cmd("send", "--bytes 100");
      b.sock_cmd("shutdown");
      REQUIRE(b.state() == "LAST_ACK");
      const size_t m = b.mark();
      b.inject(ACK, b.P(2), b.D(101));
      b.settle();
      CHECK(b.state() == "LAST_ACK");
      CHECK(b.snd_una_rel() == 101u);
      CHECK(b.sent_rel(m) == lines{});
    }
  }

  TEST_CASE("step 5 row: the ACK that covers our FIN: FIN-WAIT-2 or TIME-WAIT or CLOSED") {
    struct Case {
      TcpState st;
      const char* from;
      const char* to;
      uint32_t rcv;
    };
    const Case cases[] = {{TcpState::FinWait1, "FIN_WAIT1", "FIN_WAIT2", 1},
                          {TcpState::Closing, "CLOSING", "TIME_WAIT", 2},
                          {TcpState::LastAck, "LAST_ACK", "CLOSED", 2}};
    for (const Case& x : cases) {
      CAPTURE(x.from);
      TcpBench b;
      INFO(b.trace());
      b.reach(x.st);
      const size_t m = b.mark();
      b.inject(ACK, b.P(x.rcv), b.D(2));
      b.settle();
      CHECK(b.sent_rel(m) == lines{});
      CHECK(b.state() == x.to);
      CHECK(b.transitions(m) == lines{std::string(x.from) + " -> " + x.to});
      check_why(b, m, x.to, "§3.10.7.4");
    }
  }

  TEST_CASE("step 7 row: in-window data is accepted until the peer's FIN and ignored after it") {
    SUBCASE("SYN-RECEIVED: processed once step 5 made it ESTABLISHED") {
      TcpBench b;
      INFO(b.trace());
      b.syn_received_passive();
      const size_t m = b.mark();
      b.inject(ACK | PSH, b.P(1), b.D(1), 5);
      b.settle();
      CHECK(b.state() == "ESTABLISHED");
      CHECK(b.sent_rel(m) == lines{ack_line(1, 6)});
      CHECK(b.rcv_nxt_rel() == 6u);
      CHECK(b.printed_containing(m, "received 5 bytes"));
    }
    SUBCASE("ESTABLISHED FIN-WAIT-1 FIN-WAIT-2 (after shutdown): accepted and ACKed") {
      for (const SyncState* x : {&kSync[0], &kSync[1], &kSync[2]}) {
        CAPTURE(x->name);
        TcpBench b;
        INFO(b.trace());
        b.reach(x->st);
        const size_t m = b.mark();
        b.inject(ACK | PSH, b.P(1), b.D(x->una), 5);
        b.settle();
        CHECK(b.sent_rel(m) == lines{ack_line(x->snd, 6)});
        CHECK(b.rcv_nxt_rel() == 6u);
        CHECK(b.printed_containing(m, "received 5 bytes"));
        CHECK(b.state() == x->name);
      }
    }
    SUBCASE("CLOSE-WAIT CLOSING LAST-ACK: the text is ignored") {
      for (const SyncState* x : {&kSync[3], &kSync[4], &kSync[5]}) {
        CAPTURE(x->name);
        TcpBench b;
        INFO(b.trace());
        b.reach(x->st);
        const size_t m = b.mark();
        b.inject(ACK | PSH, b.P(2), b.D(x->una), 5);
        b.settle();
        CHECK(b.sent_rel(m) == lines{});
        CHECK(b.rcv_nxt_rel() == 2u);
        CHECK_FALSE(b.printed_containing(m, "received"));
        CHECK(b.state() == x->name);
      }
    }
    SUBCASE("TIME-WAIT: the text is ignored") {
      TcpBench b;
      INFO(b.trace());
      b.reach(TcpState::TimeWait);
      const size_t m = b.mark();
      b.inject(ACK | PSH, b.P(2), b.D(2), 5);
      b.settle();
      CHECK(b.rcv_nxt_rel() == 2u);
      CHECK_FALSE(b.printed_containing(m, "received"));
      CHECK(b.state() == "TIME_WAIT");
    }
  }

  TEST_CASE("step 8 row: the FIN in each state") {
    SUBCASE("SYN-RECEIVED: the ACK completes the handshake and the FIN leads to CLOSE-WAIT") {
      TcpBench b;
      INFO(b.trace());
      b.syn_received_passive();
      const size_t m = b.mark();
      b.inject(FIN | ACK, b.P(1), b.D(1));
      b.settle();
      CHECK(b.sent_rel(m) == lines{ack_line(1, 2)});
      CHECK(b.transitions(m) == lines{"SYN_RECV -> ESTABLISHED", "ESTABLISHED -> CLOSE_WAIT"});
      check_why(b, m, "CLOSE_WAIT", "§3.10.7.4");
    }
    SUBCASE("ESTABLISHED to CLOSE-WAIT") {
      TcpBench b;
      INFO(b.trace());
      b.established();
      const size_t m = b.mark();
      b.inject(FIN | ACK, b.P(1), b.D(1));
      b.settle();
      CHECK(b.sent_rel(m) == lines{ack_line(1, 2)});
      CHECK(b.state() == "CLOSE_WAIT");
    }
    SUBCASE("FIN-WAIT-1: CLOSING when our FIN is not acknowledged, TIME-WAIT when it is") {
      for (const bool acked : {false, true}) {
        CAPTURE(acked);
        TcpBench b;
        INFO(b.trace());
        b.reach(TcpState::FinWait1);
        const size_t m = b.mark();
        b.inject(FIN | ACK, b.P(1), b.D(acked ? 2 : 1));
        b.settle();
        CHECK(b.sent_rel(m) == lines{ack_line(2, 2)});
        CHECK(b.state() == (acked ? "TIME_WAIT" : "CLOSING"));
      }
    }
    SUBCASE("FIN-WAIT-2 to TIME-WAIT") {
      TcpBench b;
      INFO(b.trace());
      b.reach(TcpState::FinWait2);
      const size_t m = b.mark();
      b.inject(FIN | ACK, b.P(1), b.D(2));
      b.settle();
      CHECK(b.sent_rel(m) == lines{ack_line(2, 2)});
      CHECK(b.state() == "TIME_WAIT");
    }
    SUBCASE("CLOSE-WAIT CLOSING LAST-ACK: the FIN again is ACKed and the state stays") {
      for (const SyncState* x : {&kSync[3], &kSync[4], &kSync[5]}) {
        CAPTURE(x->name);
        TcpBench b;
        INFO(b.trace());
        b.reach(x->st);
        const size_t m = b.mark();
        b.inject(FIN | ACK, b.P(1), b.D(x->una));
        b.settle();
        CHECK(b.sent_rel(m) == lines{ack_line(x->snd, 2)});
        CHECK(b.state() == x->name);
        CHECK(b.transitions(m) == lines{});
      }
    }
    SUBCASE("TIME-WAIT: ACK and the 2MSL timer restarts") {
      TcpBench b;
      INFO(b.trace());
      b.reach(TcpState::TimeWait);
      b.wait(10 * kSec);
      const Time t1 = b.now();
      const size_t m = b.mark();
      b.inject(FIN | ACK, b.P(1), b.D(2));
      b.settle();
      CHECK(b.sent_rel(m) == lines{ack_line(2, 2)});
      b.sim.run_until(t1 + 61 * kSec);
      CHECK(b.time_into(m, "CLOSED") == std::optional<Time>(t1 + 60 * kSec));
    }
  }

  TEST_CASE("D12: a retransmitted SYN in SYN-RECEIVED draws the same SYN-ACK again") {
    TcpBench b;
    INFO(b.trace());
    b.syn_received_passive();
    const size_t m = b.mark();
    b.inject_syn(SYN, b.P(0));
    b.settle();
    CHECK(b.sent_rel(m) == lines{"S. 0:0(0) ack 1"});
    CHECK(b.state() == "SYN_RECV");
    CHECK(b.transitions(m) == lines{});
    CHECK(b.sock_at(b.listener).syn_queue.size() == 1u);
  }
}

// =============================================================================================
// §1.4: RST acceptance at the window's edges (freebsd-net/tcp-testsuite rcv-rst-established)
// =============================================================================================
TEST_SUITE("TCP state machine: RST acceptance (TCP-REFERENCE 1.4)") {
  TEST_CASE("RST in ESTABLISHED at RCV.NXT-1 RCV.NXT RCV.NXT+RCV.WND-1 RCV.NXT+RCV.WND (RFC 5961)") {
    TcpBench b;
    INFO(b.trace());
    b.established();
    const uint32_t wnd = last_window(b);
    REQUIRE(wnd > 0);
    const uint32_t rcv_nxt = b.P(1);
    const size_t m = b.mark();
    SUBCASE("RCV.NXT-1: ignored") {
      b.inject(RST, rcv_nxt - 1, 0);
      b.settle();
      CHECK(b.sent_rel(m) == lines{});
      CHECK(b.state() == "ESTABLISHED");
    }
    SUBCASE("RCV.NXT: connection reset") {
      b.inject(RST, rcv_nxt, 0);
      b.settle();
      CHECK(b.sent_rel(m) == lines{});
      CHECK(b.state() == "CLOSED");
      CHECK(b.printed_containing(m, "Connection reset by peer"));
    }
    SUBCASE("RCV.NXT+RCV.WND-1: challenge ACK") {
      b.inject(RST, rcv_nxt + wnd - 1, 0);
      b.settle();
      CHECK(b.sent_rel(m) == lines{ack_line(1, 1)});
      CHECK(b.state() == "ESTABLISHED");
    }
    SUBCASE("RCV.NXT+RCV.WND: ignored") {
      b.inject(RST, rcv_nxt + wnd, 0);
      b.settle();
      CHECK(b.sent_rel(m) == lines{});
      CHECK(b.state() == "ESTABLISHED");
    }
  }

  TEST_CASE("RST in LISTEN is always ignored and in SYN-SENT needs the ACK of our SYN") {
    SUBCASE("LISTEN") {
      TcpBench b;
      INFO(b.trace());
    b.listen();
      const size_t m = b.mark();
      b.inject(RST | ACK, 1, 1);
      b.settle();
      CHECK(b.sent_raw(m) == lines{});
      CHECK(b.state_of(b.listener) == "LISTEN");
    }
    SUBCASE("SYN-SENT: R. ack ISS+1 refuses, R. ack ISS+2 and R without ACK do not") {
      for (const int variant : {0, 1, 2}) {
        CAPTURE(variant);
        TcpBench b;
        INFO(b.trace());
        b.syn_sent();
        const size_t m = b.mark();
        if (variant == 0) b.inject(RST | ACK, 0, b.D(1));
        if (variant == 1) b.inject(RST | ACK, 0, b.D(2));
        if (variant == 2) b.inject(RST, 0, 0);
        b.settle();
        CHECK(b.sent_raw(m) == lines{});
        CHECK(b.state() == (variant == 0 ? "CLOSED" : "SYN_SENT"));
      }
    }
  }
}

// =============================================================================================
// §1.5: user calls, the cells that distinguish states
// =============================================================================================
TEST_SUITE("TCP state machine: user calls (TCP-REFERENCE 1.5)") {
  TEST_CASE("send in FIN-WAIT-1 and every later state fails with EPIPE Broken pipe and sends nothing") {
    const SyncState* cases[] = {&kSync[1], &kSync[2], &kSync[4], &kSync[5], &kSync[6]};
    for (const SyncState* x : cases) {
      CAPTURE(x->name);
      TcpBench b;
      INFO(b.trace());
      b.reach(x->st);
      const size_t m = b.mark();
      b.sock_cmd("send", "hello");
      b.settle();
      CHECK(b.printed_containing(m, "send: Broken pipe"));
      CHECK(b.sent_rel(m) == lines{});
      CHECK(b.state() == x->name);
    }
  }

  TEST_CASE("send in CLOSE-WAIT still sends: the half-close leaves our side open") {
    TcpBench b;
    INFO(b.trace());
    b.reach(TcpState::CloseWait);
    const size_t m = b.mark();
    b.sock_cmd("send", "hello");
    b.settle();
    CHECK(b.sent_rel(m) == lines{"P. 1:6(5) ack 2"});
    CHECK(b.state() == "CLOSE_WAIT");
  }

  TEST_CASE("RECEIVE in CLOSE-WAIT delivers what is buffered and then returns 0") {
    TcpBench b;
    INFO(b.trace());
    b.established(false, "--read manual");
    b.inject(ACK | PSH | FIN, b.P(1), b.D(1), 5);
    b.settle();
    REQUIRE(b.state() == "CLOSE_WAIT");
    const size_t m = b.mark();
    b.sock_cmd("recv");
    b.sock_cmd("recv");
    CHECK(b.printed_containing(m, "recv returned 5 bytes"));
    CHECK(b.printed_containing(m, "recv returned 0"));
    CHECK(b.state() == "CLOSE_WAIT");
  }

  TEST_CASE("send in SYN-SENT is queued until ESTABLISHED") {
    TcpBench b;
    INFO(b.trace());
    b.syn_sent();
    const size_t m = b.mark();
    b.sock_cmd("send", "hello");
    b.settle();
    CHECK(b.sent_rel(m) == lines{});
    b.inject_syn(SYN | ACK, b.P(0), b.D(1));
    b.settle();
    const lines out = b.sent_rel(m);
    REQUIRE_FALSE(out.empty());
    CHECK(out.back() == "P. 1:6(5) ack 1");
    CHECK(out.size() <= 2u);
    if (out.size() == 2) CHECK(out[0] == ". 1:1(0) ack 1");
  }

  TEST_CASE("close in SYN-SENT sends nothing at all") {
    TcpBench b;
    INFO(b.trace());
    b.syn_sent();
    const size_t m = b.mark();
    b.sock_cmd("close");
    b.wait(10 * kSec);
    CHECK(b.sent_rel(m) == lines{});
    CHECK(b.state() == "CLOSED");
  }

  TEST_CASE("a second CLOSE in FIN-WAIT-1 or FIN-WAIT-2 is ok without a second FIN") {
    for (const SyncState* x : {&kSync[1], &kSync[2]}) {
      CAPTURE(x->name);
      TcpBench b;
      INFO(b.trace());
      b.reach(x->st);
      const size_t m = b.mark();
      b.sock_cmd("shutdown");
      b.settle();
      CHECK(b.sent_rel(m) == lines{});
      CHECK(b.state() == x->name);
      CHECK_FALSE(b.printed_containing(m, "shutdown:"));
    }
  }

  TEST_CASE("close with unread data sends R. at SND.NXT and RCV.NXT and goes to CLOSED (D15)") {
    TcpBench b;
    INFO(b.trace());
    b.established(false, "--read manual");
    b.inject(ACK | PSH, b.P(1), b.D(1), 5);
    b.settle();
    REQUIRE(b.rcv_nxt_rel() == 6u);
    REQUIRE(b.s().recv_buf.size() == 5u);
    const size_t m = b.mark();
    b.sock_cmd("close");
    b.settle();
    const auto out = b.sent(m);
    REQUIRE(out.size() == 1);
    CHECK(out[0].has(RST));
    CHECK(out[0].seq - b.s().iss.v == 1u);
    if (out[0].has(ACK)) CHECK(out[0].ack - b.s().irs.v == 6u);
    CHECK(out[0].flags == (RST | ACK));  // D15 with D11: Linux R.
    CHECK(b.state() == "CLOSED");
    CHECK(b.transitions(m) == lines{"ESTABLISHED -> CLOSED"});
    check_why(b, m, "CLOSED", "§3.6.1");
  }
}

// =============================================================================================
// §1.7: timeouts (the retransmission timer; TIME-WAIT, SYN and SYN-ACK limits are T8, T11, T22)
// =============================================================================================
TEST_SUITE("TCP state machine: timeouts (TCP-REFERENCE 1.7)") {
  TEST_CASE("the RTO resends the FIN in FIN-WAIT-1 CLOSING LAST-ACK and the state stays") {
    for (const SyncState* x : {&kSync[1], &kSync[4], &kSync[5]}) {
      CAPTURE(x->name);
      TcpBench b;
      INFO(b.trace());
      b.reach(x->st);
      const size_t m = b.mark();
      b.wait(1 * kSec);
      const auto out = b.sent(m);
      REQUIRE_FALSE(out.empty());
      for (const Seg& k : out) {
        CHECK(b.rel(k) == "F. 1:1(0) ack " + std::to_string(x->rcv));
        CHECK(k.retx);
      }
      CHECK(b.state() == x->name);
      CHECK(b.transitions(m) == lines{});
    }
  }

  TEST_CASE("the RTO resends the earliest unacknowledged segment only") {
    TcpBench b;
    INFO(b.trace());
    b.established();
    b.sock_cmd("send", "--bytes 3000");
    b.settle();
    REQUIRE(b.sent().size() >= 4u);  // the handshake's ACK and 1460 + 1460 + 80 bytes
    const size_t m = b.mark();
    b.wait(300 * kMs);  // one RTO (about 201 ms after the data left), not two
    const auto out = b.sent(m);
    REQUIRE(out.size() == 1);
    CHECK(out[0].seq - b.s().iss.v == 1u);
    CHECK(out[0].len == 1460u);
    CHECK(out[0].retx);
    CHECK(b.state() == "ESTABLISHED");
  }
}

// =============================================================================================
// §1.9: canonical exchanges between two real stacks (no fault: both hosts answer)
// =============================================================================================
TEST_SUITE("TCP state machine: canonical exchanges (TCP-REFERENCE 1.9)") {
  const TcpSocket& sock_on(const TcpBench& b, int32_t node, std::string_view name) {
    const Node& n = b.sim.world.nodes()[static_cast<size_t>(node)];
    const int32_t i = tcp_find_socket(n, name);
    INFO("socket " << name);
    REQUIRE(i >= 0);
    return n.tcp[static_cast<size_t>(i)];
  }
  lines rel_of(const TcpBench& b, int32_t node, const TcpSocket& s, size_t from) {
    lines out;
    for (const Seg& k : b.sent_by(node, from)) out.push_back(seg_rel(k.flags, k.seq, k.ack, k.len, s.iss.v, s.irs.v));
    return out;
  }
  lines states_of(const TcpBench& b, std::string_view node, const TcpSocket& s, size_t from) {
    lines out;
    for (const StateChange& c : b.state_changes(from))
      if (c.node == node && c.sock == tcp_sock_id(s)) out.push_back(c.to);
    return out;
  }

  TEST_CASE("normal open and close between two hosts (Figures 6 and 12)") {
    TcpBench b(/*silence=*/false);
    INFO(b.trace());
    b.cmd("peer", "tcp listen 80 --as srv");
    const size_t m = b.mark();
    b.dut_cmd("tcp connect 192.168.1.2:80 --as c");
    b.wait(100 * kMs);
    const TcpSocket& a = sock_on(b, b.dut, "c");
    const TcpSocket& p = sock_on(b, b.peer, "srv.1");
    CHECK(rel_of(b, b.dut, a, m) == lines{"S 0:0(0)", ". 1:1(0) ack 1"});
    CHECK(rel_of(b, b.peer, p, m) == lines{"S. 0:0(0) ack 1"});
    // A sends 100 bytes, B 300; then A closes first.
    b.dut_cmd("tcp send c --bytes 100");
    b.cmd("peer", "tcp send srv.1 --bytes 300");
    b.wait(500 * kMs);
    const size_t m2 = b.mark();
    b.dut_cmd("tcp close c");
    b.wait(500 * kMs);
    b.cmd("peer", "tcp close srv.1");
    b.wait(500 * kMs);
    const TcpSocket& a2 = sock_on(b, b.dut, "c");
    const TcpSocket& p2 = sock_on(b, b.peer, "srv.1");
    CHECK(rel_of(b, b.dut, a2, m2) == lines{"F. 101:101(0) ack 301", ". 102:102(0) ack 302"});
    CHECK(rel_of(b, b.peer, p2, m2) == lines{". 301:301(0) ack 102", "F. 301:301(0) ack 102"});
    CHECK(states_of(b, "dut", a2, m2) == lines{"FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT"});
    CHECK(states_of(b, "peer", p2, m2) == lines{"CLOSE_WAIT", "LAST_ACK", "CLOSED"});
    b.wait(61 * kSec);
    CHECK(netstat_name(sock_on(b, b.dut, "c").state) == std::string("CLOSED"));
  }

  TEST_CASE("simultaneous open between two hosts: four segments (Figure 7)") {
    TcpBench b(/*silence=*/false);
    INFO(b.trace());
    const size_t m = b.mark();
    b.dut_cmd("tcp connect 192.168.1.2:6000 --sport 5000 --as c");
    b.cmd("peer", "tcp connect 192.168.1.1:5000 --sport 6000 --as c");
    b.wait(500 * kMs);
    const TcpSocket& a = sock_on(b, b.dut, "c");
    const TcpSocket& p = sock_on(b, b.peer, "c");
    CHECK(rel_of(b, b.dut, a, m) == lines{"S 0:0(0)", "S. 0:0(0) ack 1"});
    CHECK(rel_of(b, b.peer, p, m) == lines{"S 0:0(0)", "S. 0:0(0) ack 1"});
    CHECK(states_of(b, "dut", a, m) == lines{"SYN_SENT", "SYN_RECV", "ESTABLISHED"});
    CHECK(states_of(b, "peer", p, m) == lines{"SYN_SENT", "SYN_RECV", "ESTABLISHED"});
  }

  TEST_CASE("simultaneous close between two hosts: both through CLOSING to TIME-WAIT (Figure 13)") {
    TcpBench b(/*silence=*/false);
    INFO(b.trace());
    b.cmd("peer", "tcp listen 80 --as srv");
    b.dut_cmd("tcp connect 192.168.1.2:80 --as c");
    b.wait(100 * kMs);
    const size_t m = b.mark();
    b.dut_cmd("tcp close c");
    b.cmd("peer", "tcp close srv.1");
    b.wait(500 * kMs);
    const TcpSocket& a = sock_on(b, b.dut, "c");
    const TcpSocket& p = sock_on(b, b.peer, "srv.1");
    CHECK(rel_of(b, b.dut, a, m) == lines{"F. 1:1(0) ack 1", ". 2:2(0) ack 2"});
    CHECK(rel_of(b, b.peer, p, m) == lines{"F. 1:1(0) ack 1", ". 2:2(0) ack 2"});
    CHECK(states_of(b, "dut", a, m) == lines{"FIN_WAIT1", "CLOSING", "TIME_WAIT"});
    CHECK(states_of(b, "peer", p, m) == lines{"FIN_WAIT1", "CLOSING", "TIME_WAIT"});
  }
}
