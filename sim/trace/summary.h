// One line describing a packet, like Wireshark's Info column or a tcpdump line:
// "ARP who-has 192.168.1.1 tell 192.168.1.10", "TCP 40312 → 2000 [SYN] seq=0 win=64240
// mss=1460". The table shows the full form; the ladder, whose columns already say who
// talks to whom, falls back to the compact form when the full one does not fit an arrow.
// Also here: the display width of such text (it holds "→", "✕", "…"), for the views
// that put it in fixed-width columns.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include "sim/trace/tcp_relative.h"
#include "sim/wire/frame.h"

namespace tcplab {

enum class SummaryStyle {
  Full,     // everything: ports, window, options
  Compact,  // TCP without ports (and window unless 0), ARP and ICMP errors shortened
};

// TCP seq/ack are shown relative (see tcp_relative.h); `rel` learns from the segment.
std::string packet_summary(const wire::ParsedFrame& f, TcpRelative& rel,
                           SummaryStyle style = SummaryStyle::Full);

// Terminal columns the UTF-8 text takes: one per code point, two for East Asian wide
// characters (CJK), none for combining marks.
size_t display_width(std::string_view utf8);
// The text cut to at most `width` columns, ending in "…" when something was cut.
std::string fit_width(std::string_view utf8, size_t width);
// The text followed by spaces up to `width` columns (longer text is left as it is).
std::string pad_right(std::string_view utf8, size_t width);
std::string pad_left(std::string_view utf8, size_t width);

}  // namespace tcplab
