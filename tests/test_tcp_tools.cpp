// What netstat and ss print for TCP sockets (TCP-REFERENCE.md §4.3, §4.4): which states
// each flag combination lists, Recv-Q/Send-Q, the ss -i detail line, and the state and
// timer names. Nodes are built by hand so that every state can be shown at once.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sim/net/node.h"
#include "sim/net/tool_output.h"
#include "sim/proto/tcp_socket.h"

using namespace tcplab;

namespace {

TcpSocket tcp_sock(int32_t id, TcpState st, Ipv4 local, uint16_t lport, Ipv4 remote, uint16_t rport) {
  TcpSocket s;
  s.id = id;
  s.state = st;
  s.local_addr = local;
  s.local_port = lport;
  s.remote_addr = remote;
  s.remote_port = rport;
  s.snd_mss = 1460;
  s.adv_mss = 1460;
  std::get<NewReno>(s.cc).cwnd = 10 * 1460;
  return s;
}

std::vector<uint8_t> bytes(size_t n) { return std::vector<uint8_t>(n, 'x'); }

// Host 10.0.0.1 with one socket in each interesting state, in this index order:
//   0 LISTEN      *:80, backlog 5, two connections waiting to be accepted (1 and 6)
//   1 ESTABLISHED :80 <- 10.0.0.2:40000, 10 bytes unread, 100 bytes unacknowledged
//   2 TIME_WAIT   :40001 -> 10.0.0.3:22
//   3 SYN_SENT    :40002 -> 10.0.0.9:443, SYN retransmitted twice (RTO backed off)
//   4 CLOSED      (never listed)
//   5 SYN_RECV    :80 <- 10.0.0.4:50000 (passive: a request socket)
//   6 ESTABLISHED :80 <- 10.0.0.5:40010, idle
//   7 FIN_WAIT1   :40004 -> 10.0.0.6:80, FIN sent and not yet acknowledged, after a loss
// and one UDP socket on 0.0.0.0:53.
Node tcp_tools_node() {
  const Ipv4 me = Ipv4::of(10, 0, 0, 1);
  Node n;
  n.name = "h1";
  Iface eth0;
  eth0.name = "eth0";
  eth0.addr = Prefix{me, 24};
  eth0.link = 0;
  n.ifaces.push_back(eth0);

  TcpSocket lst = tcp_sock(1, TcpState::Listen, Ipv4(), 80, Ipv4(), 0);
  lst.backlog = 5;
  lst.accept_queue = {1, 6};
  lst.syn_queue = {5};
  n.tcp.push_back(lst);

  TcpSocket est = tcp_sock(2, TcpState::Established, me, 80, Ipv4::of(10, 0, 0, 2), 40000);
  est.listener = 0;
  const auto unread = bytes(10), unacked = bytes(100);
  est.recv_buf.append(unread.data(), unread.size());
  est.send_buf.append(unacked.data(), unacked.size());
  est.rtt.has_sample = true;
  est.rtt.srtt = 50 * kUs;
  est.rtt.rttvar = 25 * kUs;
  est.rtt.base_rto = 200 * kMs + 50 * kUs;  // Linux on a LAN: SRTT + 200 ms
  n.tcp.push_back(est);

  n.tcp.push_back(tcp_sock(3, TcpState::TimeWait, me, 40001, Ipv4::of(10, 0, 0, 3), 22));

  TcpSocket syn = tcp_sock(4, TcpState::SynSent, me, 40002, Ipv4::of(10, 0, 0, 9), 443);
  syn.rtt.base_rto = kSec;
  syn.rtt.backoff = 2;
  syn.retransmits = 2;
  syn.total_retrans = 2;
  n.tcp.push_back(syn);

  n.tcp.push_back(tcp_sock(5, TcpState::Closed, me, 40003, Ipv4::of(10, 0, 0, 7), 80));

  TcpSocket req = tcp_sock(6, TcpState::SynReceived, me, 80, Ipv4::of(10, 0, 0, 4), 50000);
  req.listener = 0;
  req.passive_origin = true;
  n.tcp.push_back(req);

  TcpSocket idle = tcp_sock(7, TcpState::Established, me, 80, Ipv4::of(10, 0, 0, 5), 40010);
  idle.listener = 0;
  idle.rtt.has_sample = true;
  idle.rtt.srtt = 1234567;   // 1.234567 ms: tcp_info keeps whole µs, ss prints 1.234
  idle.rtt.rttvar = 617500;  // 0.6175 ms -> 0.617
  idle.rtt.base_rto = 202 * kMs;
  n.tcp.push_back(idle);

  TcpSocket fin = tcp_sock(8, TcpState::FinWait1, me, 40004, Ipv4::of(10, 0, 0, 6), 80);
  fin.snd_una = SeqNum(1000);
  fin.fin_pending = true;
  fin.fin_sent = true;
  fin.fin_seq = SeqNum(1000);
  fin.rtt.has_sample = true;
  fin.rtt.srtt = 20 * kMs;
  fin.rtt.rttvar = 5 * kMs;
  fin.rtt.base_rto = 220 * kMs;
  std::get<NewReno>(fin.cc).cwnd = 5 * 1460;
  std::get<NewReno>(fin.cc).ssthresh = 5 * 1460;
  fin.total_retrans = 1;
  n.tcp.push_back(fin);

  UdpSocket dns;
  dns.id = 9;
  dns.port = 53;
  n.udp.push_back(dns);
  return n;
}

CmdSockets netstat_flags(bool tcp, bool udp, bool all, bool listening) {
  CmdSockets c;
  c.tcp = tcp;
  c.udp = udp;
  c.listening_only = listening && !all;
  c.connected_only = !listening && !all;
  return c;
}

CmdSockets ss_flags(bool tcp, bool udp, bool all, bool listening, bool info = false) {
  CmdSockets c = netstat_flags(tcp, udp, all, listening);
  c.ss = true;
  c.info = info;
  return c;
}

using Lines = std::vector<std::string>;

const char* const kNetstatHead = "Proto Recv-Q Send-Q Local Address           Foreign Address         State      ";
// The State column widens to fit FIN-WAIT-1 when one is listed, as ss sizes columns.
const char* const kSsHead = "State   Recv-Q  Send-Q     Local Address:Port  Peer Address:Port    Process";
const char* const kSsWideHead = "State      Recv-Q  Send-Q     Local Address:Port  Peer Address:Port    Process";

}  // namespace

TEST_SUITE("tcp tools") {
  TEST_CASE("netstat -an lists TCP then UDP, listeners included, closed sockets never") {
    const Lines got = format_netstat(tcp_tools_node(), netstat_flags(true, true, true, false));
    const Lines want = {
        "Active Internet connections (servers and established)",
        kNetstatHead,
        "tcp        2      0 0.0.0.0:80              0.0.0.0:*               LISTEN     ",
        "tcp       10    100 10.0.0.1:80             10.0.0.2:40000          ESTABLISHED",
        "tcp        0      0 10.0.0.1:40001          10.0.0.3:22             TIME_WAIT  ",
        "tcp        0      1 10.0.0.1:40002          10.0.0.9:443            SYN_SENT   ",
        "tcp        0      0 10.0.0.1:80             10.0.0.4:50000          SYN_RECV   ",
        "tcp        0      0 10.0.0.1:80             10.0.0.5:40010          ESTABLISHED",
        "tcp        0      1 10.0.0.1:40004          10.0.0.6:80             FIN_WAIT1  ",
        "udp        0      0 0.0.0.0:53              0.0.0.0:*                          ",
    };
    CHECK(got == want);
  }

  TEST_CASE("netstat -ant -l shows only the listener, with the accept queue as Recv-Q") {
    const Lines got = format_netstat(tcp_tools_node(), netstat_flags(true, false, false, true));
    const Lines want = {
        "Active Internet connections (only servers)",
        kNetstatHead,
        "tcp        2      0 0.0.0.0:80              0.0.0.0:*               LISTEN     ",
    };
    CHECK(got == want);
  }

  TEST_CASE("netstat -nt without -a hides the listener but keeps TIME_WAIT and SYN_RECV") {
    const Lines got = format_netstat(tcp_tools_node(), netstat_flags(true, false, false, false));
    const Lines want = {
        "Active Internet connections (w/o servers)",
        kNetstatHead,
        "tcp       10    100 10.0.0.1:80             10.0.0.2:40000          ESTABLISHED",
        "tcp        0      0 10.0.0.1:40001          10.0.0.3:22             TIME_WAIT  ",
        "tcp        0      1 10.0.0.1:40002          10.0.0.9:443            SYN_SENT   ",
        "tcp        0      0 10.0.0.1:80             10.0.0.4:50000          SYN_RECV   ",
        "tcp        0      0 10.0.0.1:80             10.0.0.5:40010          ESTABLISHED",
        "tcp        0      1 10.0.0.1:40004          10.0.0.6:80             FIN_WAIT1  ",
    };
    CHECK(got == want);
  }

  TEST_CASE("netstat -anu shows no TCP row") {
    const Lines got = format_netstat(tcp_tools_node(), netstat_flags(false, true, true, false));
    REQUIRE(got.size() == 3);
    CHECK(got[2].rfind("udp ", 0) == 0);
  }

  TEST_CASE("ss -tan: the listener's Send-Q is the backlog, every open state is listed") {
    const Lines got = format_ss(tcp_tools_node(), ss_flags(true, false, true, false));
    const Lines want = {
        kSsWideHead,
        "LISTEN     2       5                  0.0.0.0:80  0.0.0.0:*           ",
        "ESTAB      10      100               10.0.0.1:80  10.0.0.2:40000      ",
        "TIME-WAIT  0       0              10.0.0.1:40001  10.0.0.3:22         ",
        "SYN-SENT   0       1              10.0.0.1:40002  10.0.0.9:443        ",
        "SYN-RECV   0       0                 10.0.0.1:80  10.0.0.4:50000      ",
        "ESTAB      0       0                 10.0.0.1:80  10.0.0.5:40010      ",
        "FIN-WAIT-1 0       1              10.0.0.1:40004  10.0.0.6:80         ",
    };
    CHECK(got == want);
  }

  TEST_CASE("ss -an adds the Netid column and puts TCP before UDP") {
    const Lines got = format_ss(tcp_tools_node(), ss_flags(true, true, true, false));
    REQUIRE(got.size() == 9);
    CHECK(got[0].rfind("Netid State", 0) == 0);
    CHECK(got[1] == "tcp   LISTEN     2       5                  0.0.0.0:80  0.0.0.0:*           ");
    CHECK(got[8] == "udp   UNCONN     0       0                  0.0.0.0:53  0.0.0.0:*           ");
  }

  TEST_CASE("ss -t shows connections only: no LISTEN, TIME-WAIT or SYN-RECV") {
    const Lines got = format_ss(tcp_tools_node(), ss_flags(true, false, false, false));
    const Lines want = {
        kSsWideHead,
        "ESTAB      10      100               10.0.0.1:80  10.0.0.2:40000      ",
        "SYN-SENT   0       1              10.0.0.1:40002  10.0.0.9:443        ",
        "ESTAB      0       0                 10.0.0.1:80  10.0.0.5:40010      ",
        "FIN-WAIT-1 0       1              10.0.0.1:40004  10.0.0.6:80         ",
    };
    CHECK(got == want);
  }

  TEST_CASE("ss -ltn shows only the listener") {
    const Lines got = format_ss(tcp_tools_node(), ss_flags(true, false, false, true));
    const Lines want = {
        kSsHead,
        "LISTEN  2       5                  0.0.0.0:80  0.0.0.0:*           ",
    };
    CHECK(got == want);
  }

  TEST_CASE("ss -ti adds the tcp_info line under each connection") {
    const Lines got = format_ss(tcp_tools_node(), ss_flags(true, false, false, false, true));
    const Lines want = {
        kSsWideHead,
        "ESTAB      10      100               10.0.0.1:80  10.0.0.2:40000      ",
        "\t newreno rto:201 rtt:0.05/0.025 mss:1460 advmss:1460 cwnd:10",
        "SYN-SENT   0       1              10.0.0.1:40002  10.0.0.9:443        ",
        "\t newreno rto:4000 backoff:2 mss:1460 advmss:1460 cwnd:10 retrans:2/2",
        "ESTAB      0       0                 10.0.0.1:80  10.0.0.5:40010      ",
        "\t newreno rto:202 rtt:1.234/0.617 mss:1460 advmss:1460 cwnd:10",
        "FIN-WAIT-1 0       1              10.0.0.1:40004  10.0.0.6:80         ",
        "\t newreno rto:220 rtt:20/5 mss:1460 advmss:1460 cwnd:5 ssthresh:5 retrans:0/1",
    };
    CHECK(got == want);
  }

  TEST_CASE("ss -ti caps the backed-off RTO at 120 s") {
    Node n;
    TcpSocket s = tcp_sock(1, TcpState::Established, Ipv4::of(10, 0, 0, 1), 40000, Ipv4::of(10, 0, 0, 2), 80);
    s.rtt.base_rto = kSec;
    s.rtt.backoff = 10;  // 1024 s uncapped
    n.tcp.push_back(s);
    const Lines got = format_ss(n, ss_flags(true, false, false, false, true));
    REQUIRE(got.size() == 3);
    CHECK(got[2] == "\t newreno rto:120000 backoff:10 mss:1460 advmss:1460 cwnd:10");
  }

  TEST_CASE("state names: netstat and trace, ss, RFC 9293, and which states are synchronized") {
    struct Row {
      TcpState s;
      const char* netstat;
      const char* ss;
      const char* rfc;
      bool sync;
    };
    const Row rows[] = {
        {TcpState::Closed, "CLOSED", "UNCONN", "CLOSED", false},
        {TcpState::Listen, "LISTEN", "LISTEN", "LISTEN", false},
        {TcpState::SynSent, "SYN_SENT", "SYN-SENT", "SYN-SENT", false},
        {TcpState::SynReceived, "SYN_RECV", "SYN-RECV", "SYN-RECEIVED", false},
        {TcpState::Established, "ESTABLISHED", "ESTAB", "ESTABLISHED", true},
        {TcpState::FinWait1, "FIN_WAIT1", "FIN-WAIT-1", "FIN-WAIT-1", true},
        {TcpState::FinWait2, "FIN_WAIT2", "FIN-WAIT-2", "FIN-WAIT-2", true},
        {TcpState::CloseWait, "CLOSE_WAIT", "CLOSE-WAIT", "CLOSE-WAIT", true},
        {TcpState::Closing, "CLOSING", "CLOSING", "CLOSING", true},
        {TcpState::LastAck, "LAST_ACK", "LAST-ACK", "LAST-ACK", true},
        {TcpState::TimeWait, "TIME_WAIT", "TIME-WAIT", "TIME-WAIT", true},
    };
    for (const Row& r : rows) {
      CAPTURE(r.rfc);
      CHECK(std::string(netstat_name(r.s)) == r.netstat);
      CHECK(std::string(ss_name(r.s)) == r.ss);
      CHECK(std::string(rfc_name(r.s)) == r.rfc);
      CHECK(synchronized(r.s) == r.sync);
    }
  }

  TEST_CASE("timer names follow the trace, FIN-WAIT-2 as ss's keepalive") {
    CHECK(std::string(to_string(TcpTimerKind::Rto)) == "rto");
    CHECK(std::string(to_string(TcpTimerKind::TimeWait)) == "time_wait");
    CHECK(std::string(to_string(TcpTimerKind::DelAck)) == "delack");
    CHECK(std::string(to_string(TcpTimerKind::Persist)) == "persist");
    CHECK(std::string(to_string(TcpTimerKind::FinWait2)) == "keepalive");
  }
}
