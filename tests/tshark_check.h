// The one way the tests ask tshark whether a pcap is clean: every frame dissected, with
// checksum validation on, and a list of the frames it complains about. Shared by the pcap
// writer's tests (hand-made frames) and the scenario tests (every lesson's capture), so a
// pcap is "clean" by one definition.
#pragma once
#include <array>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace tcplab::tshark {

inline bool available() { return std::filesystem::exists("/usr/bin/tshark"); }

// One line per frame: "number<TAB>expert groups<TAB>expert severities<TAB>expert
// messages<TAB>_ws.malformed". Running as root prints a warning on stderr: dropped.
inline std::string command(const std::string& pcap) {
  return "/usr/bin/tshark -r '" + pcap +
         "' -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE"
         " -T fields -e frame.number -e _ws.expert.group -e _ws.expert.severity"
         " -e _ws.expert.message -e _ws.malformed 2>/dev/null";
}

// What a shell command prints on stdout.
inline std::string output_of(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return "popen failed";
  std::array<char, 4096> buf;
  while (size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  ::pclose(p);
  return out;
}

inline std::string run(const std::string& pcap) { return output_of(command(pcap)); }

inline std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == sep) {
      out.emplace_back(s.substr(start, i - start));
      start = i + 1;
    }
  return out;
}

// Frames tshark complains about: a malformed marker, an expert item in the checksum or
// malformed group (PI_CHECKSUM 0x01000000, PI_MALFORMED 0x07000000 in Wireshark's
// expert.h, stable across versions), of error severity (PI_ERROR 0x00800000), or whose
// message speaks of a bad checksum. Warnings such as "Time To Live only 1" on a
// traceroute probe are not complaints.
inline std::vector<std::string> complaints(const std::string& fields_output) {
  const std::string kChecksum = std::to_string(0x01000000), kMalformed = std::to_string(0x07000000),
                    kError = std::to_string(0x00800000);
  std::vector<std::string> out;
  for (const std::string& l : split(fields_output, '\n')) {
    if (l.empty()) continue;
    const auto f = split(l, '\t');
    bool bad = f.size() > 4 && !f[4].empty();
    if (f.size() > 1)
      for (const std::string& g : split(f[1], ',')) bad = bad || g == kChecksum || g == kMalformed;
    if (f.size() > 2)
      for (const std::string& v : split(f[2], ',')) bad = bad || v == kError;
    if (f.size() > 3)
      bad = bad || f[3].find("Bad checksum") != std::string::npos ||
            f[3].find("checksum incorrect") != std::string::npos ||
            f[3].find("Malformed") != std::string::npos;
    if (bad) out.push_back(l);
  }
  return out;
}

// What Wireshark's TCP analysis says of each frame (numbers are 1-based): a
// retransmission (plain, fast or spurious), or out-of-order — which Wireshark says of a
// retransmission that follows its original by less than the connection's initial RTT,
// a timing heuristic (so a fast retransmit soon after the loss is often "out-of-order").
struct TcpAnalysis {
  std::set<size_t> retransmissions, out_of_order;
};

inline TcpAnalysis tcp_analysis(const std::string& pcap) {
  const std::string out = output_of(
      "/usr/bin/tshark -r '" + pcap +
      "' -T fields -E occurrence=f -e frame.number -e tcp.analysis.retransmission"
      " -e tcp.analysis.fast_retransmission -e tcp.analysis.spurious_retransmission"
      " -e tcp.analysis.out_of_order 2>/dev/null");
  TcpAnalysis a;
  for (const std::string& l : split(out, '\n')) {
    const auto f = split(l, '\t');
    if (f.size() < 5 || f[0].empty()) continue;
    const size_t n = std::stoull(f[0]);
    if (!f[1].empty() || !f[2].empty() || !f[3].empty()) a.retransmissions.insert(n);
    if (!f[4].empty()) a.out_of_order.insert(n);
  }
  return a;
}

}  // namespace tcplab::tshark
