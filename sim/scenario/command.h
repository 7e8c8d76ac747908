// The command language (DESIGN.md "Command language"): one parser shared by scenario
// steps, the GUI console and tests. Parsing turns a line into a plain value; running it
// is the world's business (sim/net/commands.cpp). Addresses are IPv4 literals.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "sim/core/result.h"
#include "sim/core/time.h"
#include "sim/wire/address.h"

namespace tcplab {

// ---- inspection ------------------------------------------------------------------------
struct CmdIfconfig { std::optional<std::string> iface; };  // ifconfig [IFACE]
struct CmdIpAddr {};                                       // ip addr | ip a | ip addr show
struct CmdRouteShow { bool iproute2 = false; };            // route -n | ip route [show]
struct CmdArpShow {};                                      // arp -n | arp -an | ip neigh
// netstat -an / -anu / -ant / -tan …; ss -tan / -uan / -an / -tln / -ti …
struct CmdSockets {
  bool ss = false;         // ss (iproute2 layout) rather than netstat (net-tools)
  bool tcp = true, udp = true;
  bool listening_only = false;  // -l
  bool info = false;            // ss -i
  // Neither -a nor -l: like Linux, list only sockets that are not listening (TCP LISTEN
  // and unconnected UDP sockets are hidden), so `ss -t` shows connections only.
  bool connected_only = false;
};
// lsof -i [4][tcp|udp][@ADDR][:PORT|:SERVICE] [-n] [-P]: which program holds which
// socket (network files only; names are always numeric, as with -n -P).
struct CmdLsof {
  bool tcp = true, udp = true;
  bool numeric_ports = false;    // -P: port numbers, not /etc/services names
  std::optional<Ipv4> addr;      // @ADDR: the local or the remote address
  std::optional<uint16_t> port;  // :PORT: the local or the remote port
};

// The well-known ports lsof names (from /etc/services; a port missing here prints as its
// number). lsof -i :http takes a name; lsof without -P prints one.
std::optional<std::string_view> service_name(uint16_t port);
std::optional<uint16_t> service_port(std::string_view name);

// kill [-9|-KILL|-15|-TERM|-s SIGNAL] PID…: ends a modelled process (see lsof): the
// kernel closes every socket it held, as close() would.
struct CmdKill {
  std::vector<int> pids;
};

// ---- routes ----------------------------------------------------------------------------
// route add -net 10.0.0.0/8 gw 192.168.1.2 [dev eth0] [metric N]
// route add -net 10.0.0.0 netmask 255.0.0.0 gw …   route add -host A gw …
// route add default gw 192.168.1.1                  ip route add 10.0.0.0/8 via … [dev …]
struct CmdRouteAdd {
  Prefix dst;  // network form (host bits cleared)
  std::optional<Ipv4> gateway;
  std::optional<std::string> dev;
  uint32_t metric = 0;
};
struct CmdRouteDel {  // route del -net …/default …, ip route del …
  Prefix dst;
  std::optional<Ipv4> gateway;
  std::optional<std::string> dev;
};

// ---- tools -----------------------------------------------------------------------------
struct CmdPing {  // ping [-c N] [-i DUR] [-s SIZE] [-t TTL] [-W DUR] [-b] ADDR
  Ipv4 dst;
  std::optional<int> count;  // none: until the run ends (Linux: until Ctrl-C)
  Time interval = kSec;      // iputils: 1 s
  int size = 56;             // ICMP payload bytes: "56(84) bytes of data"
  int ttl = 64;
  Time linger = 10 * kSec;   // -W: how long to wait for replies after the last request
  bool broadcast = false;    // -b
};
struct CmdTraceroute {  // traceroute [-m MAX] [-q N] [-w SEC] [-p PORT] ADDR
  Ipv4 dst;
  int max_hops = 30;
  int queries = 3;
  Time wait = 5 * kSec;
  uint16_t base_port = 33434;
};

// ---- UDP sockets -------------------------------------------------------------------------
struct CmdUdpBind { uint16_t port = 0; std::optional<std::string> name; };  // 0 = ephemeral
struct CmdUdpSendto {
  std::optional<std::string> sock;  // none: a fresh socket on an ephemeral port
  Endpoint to;
  std::string text;                 // used when `bytes` is not given
  std::optional<uint32_t> bytes;    // --bytes N: N bytes of filler
};
struct CmdUdpRecvfrom { std::string sock; uint32_t bufsize = 65536; };
// udp reply SOCK TEXT | --bytes N: send to whoever sent SOCK's last datagram — the
// course's `s.sendto(data, client_addr)` after `data, client_addr = s.recvfrom(5)`.
struct CmdUdpReply {
  std::string sock;
  std::string text;
  std::optional<uint32_t> bytes;
};

// ---- TCP (run by the TCP layer; parsed here so scenarios can be checked) ---------------
enum class ReadMode : uint8_t { Auto, Manual };
struct CmdTcpListen {
  uint16_t port = 0;
  int backlog = 128;
  std::optional<std::string> name;
  bool manual_accept = false;
  ReadMode read = ReadMode::Auto;
};
struct CmdTcpAccept { std::string listener; };
struct CmdTcpConnect {
  Endpoint to;
  std::optional<uint16_t> sport;
  std::optional<std::string> name;
  ReadMode read = ReadMode::Auto;
};
struct CmdTcpSend { std::string sock; std::string text; std::optional<uint32_t> bytes; };
struct CmdTcpRecv { std::string sock; std::optional<uint32_t> max; };
struct CmdTcpShutdown { std::string sock; };
struct CmdTcpClose { std::string sock; };
struct CmdTcpAbort { std::string sock; };
// tcp setsockopt SOCK nodelay|delack|linger0 on|off, or rcvbuf|sndbuf BYTES: the socket
// options of the BSD API (TCP_NODELAY, delayed ACKs — Linux's TCP_QUICKACK inverted —,
// SO_LINGER {1, 0}, SO_RCVBUF, SO_SNDBUF), so a lesson can switch Nagle or delayed
// ACKs for one socket.
enum class TcpOption : uint8_t { NoDelay, LingerZero, DelAck, RcvBuf, SndBuf };
struct CmdTcpSetsockopt { std::string sock; TcpOption option = TcpOption::NoDelay; int64_t value = 0; };

// ---- programs ----------------------------------------------------------------------------
struct CmdAppEchoServer { uint16_t port = 0; };
struct CmdAppFileServer { uint16_t port = 0; std::vector<std::pair<std::string, uint64_t>> files; };
struct CmdAppDownload { Endpoint from; std::string file; };
struct CmdAppBulkSink { uint16_t port = 0; };
struct CmdAppBulkSend { Endpoint to; std::optional<uint64_t> bytes; };
struct CmdAppRequests { Endpoint to; uint32_t count = 1; uint32_t size = 100; bool reuse = false; };
struct CmdHping3 {  // hping3 [-S] [-A] [-F] [-R] [-P] -p DPORT [-s SPORT] [-M SEQ] [-L ACK] [-d LEN] [-w WIN] [-c N] ADDR
  Ipv4 dst;
  uint8_t flags = 0;  // wire::tcpflag bits
  uint16_t dport = 0;
  std::optional<uint16_t> sport;
  std::optional<uint32_t> seq, ack;
  uint32_t data_len = 0;
  uint16_t window = 64;  // hping3's default window
  int count = 1;
};

using Command = std::variant<
    CmdIfconfig, CmdIpAddr, CmdRouteShow, CmdArpShow, CmdSockets, CmdLsof, CmdKill, CmdRouteAdd, CmdRouteDel,
    CmdPing, CmdTraceroute, CmdUdpBind, CmdUdpSendto, CmdUdpRecvfrom, CmdUdpReply, CmdTcpListen,
    CmdTcpAccept, CmdTcpConnect, CmdTcpSend, CmdTcpRecv, CmdTcpShutdown, CmdTcpClose,
    CmdTcpAbort, CmdTcpSetsockopt, CmdAppEchoServer, CmdAppFileServer, CmdAppDownload, CmdAppBulkSink,
    CmdAppBulkSend, CmdAppRequests, CmdHping3>;

// Parses one command line. Errors say what is wrong in the words of the tool
// ("ping: usage: …", "unknown command 'pong' (did you mean 'ping'?)") with the 0-based
// offset of the offending word in `line`.
Result<Command> parse_command(std::string_view line);

// The bytes `tcp send` / `udp sendto` put on the wire: TEXT, or for --bytes N a
// recognisable filler, "0123456789" repeated.
std::vector<uint8_t> command_payload(const std::string& text, std::optional<uint32_t> bytes);

// The bytes of `tcp send` calls that no send buffer has taken yet, in order. A `--bytes N`
// send is kept as a count and its filler made only as the buffer takes it, so
// `tcp send s1 --bytes 1000000000` never holds 1 GB (nor copies it into every snapshot).
class PendingPayload {
 public:
  void push(const std::string& text, std::optional<uint32_t> bytes);  // command_payload's bytes
  bool empty() const { return size_ == 0; }
  uint64_t size() const { return size_; }
  std::vector<uint8_t> peek(size_t max) const;  // the next min(max, size()) bytes
  void consume(uint64_t n);                     // drops the first n (at most size())
  void clear() {
    pieces_.clear();
    size_ = 0;
  }

 private:
  struct Piece {
    std::string text;    // TEXT, or empty for a --bytes filler
    uint64_t bytes = 0;  // the piece's length
    uint64_t done = 0;   // how much of it is gone
  };
  std::vector<Piece> pieces_;  // few: one per `tcp send` waiting
  uint64_t size_ = 0;
};

// The first word(s) of the command, e.g. "ping", "route add", "udp sendto": for messages.
std::string command_name(const Command& c);

}  // namespace tcplab
