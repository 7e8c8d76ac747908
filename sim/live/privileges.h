// Which live level this process may use (issue 5): the effective capabilities decide.
//   level 1  unprivileged: real sockets on 127.0.0.1, kernel states sampled (sock_diag)
//   level 2  CAP_NET_RAW: + the real segments captured on `lo` (libpcap)
//   level 3  CAP_NET_ADMIN (TAP devices, their addresses and routes) and CAP_SYS_ADMIN
//            (unshare/setns of network namespaces) and a /dev/net/tun that opens: network
//            namespaces joined by TAP devices that tcplab owns — the simulator is the wire.
//            Level 3 does not need CAP_NET_RAW (its frames come from the TAP fds).
// Never anything that touches the host's interfaces, routes or firewall.
#pragma once
#include <string>
#include <vector>

namespace tcplab::live {

struct Privileges {
  bool net_raw = false;    // CAP_NET_RAW effective
  bool net_admin = false;  // CAP_NET_ADMIN effective
  bool sys_admin = false;  // CAP_SYS_ADMIN effective (setns into a namespace we made)
  bool tun = false;        // /dev/net/tun can be opened read-write
  int tun_errno = 0;       // why it cannot (ENOENT: no tun module), 0 when unknown
  int highest_level() const;  // 3, 2 or 1
};

// The effective capabilities of this process (capget), and whether /dev/net/tun opens.
Privileges probe_privileges();

struct LevelChoice {
  int level = 1;                       // the level that will run
  std::string why;                     // one line for the badge: "level 3: CAP_NET_ADMIN held"
  std::vector<std::string> notices;    // for stderr: what is missing and how to grant it
};

// `requested`: 0 = the highest available, else 1..3. When the requested level needs a
// privilege this process lacks, the notice names the capability and how to grant it
// ("run with sudo, or grant them once: sudo setcap cap_net_raw,cap_net_admin,cap_sys_admin+ep
// build/tcplab"), and the highest available level below it is used. With 0 the same notice
// is given for every level above the one available. `binary` is the path shown in the
// setcap hint ("build/tcplab" when empty). A request outside 0..3 is treated as 0, with a
// notice.
LevelChoice choose_level(int requested, const Privileges& p, const std::string& binary);

}  // namespace tcplab::live
