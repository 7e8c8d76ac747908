// Programs that run on a node after the command that started them returned (ping,
// traceroute): their state is a Program in Node::programs; their timers are
// EvProgramTimer events that name the program by id, never by pointer.
#pragma once
#include "sim/net/world.h"

namespace tcplab {

Program* find_program(Node& n, int32_t id);
// Adds a program to the node and returns its id.
int32_t add_program(Node& n, ProgramState state);
// (Re)arms the program's one timer.
void set_program_timer(World& w, int32_t node, Program& p, Time at);

// Per-program handlers (ping.cpp, traceroute.cpp).
void ping_timer(World& w, int32_t node, Program& p);
void ping_echo_reply(World& w, int32_t node, Program& p, const wire::Ipv4Header& ip,
                     const wire::IcmpHeader& icmp, size_t icmp_len);
void ping_icmp_error(World& w, int32_t node, Program& p, Ipv4 from, uint8_t type, uint8_t code,
                     uint16_t seq);
void traceroute_timer(World& w, int32_t node, Program& p);
void traceroute_icmp_error(World& w, int32_t node, Program& p, Ipv4 from, uint8_t type,
                           uint8_t code);

// TCP programs (tcp_apps.cpp): `app …` commands start them; the TCP layer reports to
// them through tcp_notify -> tcp_app_note (sock: index into Node::tcp).
void echo_server_start(World& w, int32_t node, const CmdAppEchoServer& cmd);
void file_server_start(World& w, int32_t node, const CmdAppFileServer& cmd);
void download_start(World& w, int32_t node, const CmdAppDownload& cmd);
void bulk_sink_start(World& w, int32_t node, const CmdAppBulkSink& cmd);
void bulk_send_start(World& w, int32_t node, const CmdAppBulkSend& cmd);
void requests_start(World& w, int32_t node, const CmdAppRequests& cmd);
void tcp_app_note(World& w, int32_t node, Program& p, int32_t sock, TcpNote note);

// hping3 (hping3.cpp): crafted segments from a raw socket; answers reach it through
// hping3_observe (tcp.h), which sees every TCP segment the node receives.
void hping3_start(World& w, int32_t node, const CmdHping3& cmd);
void hping3_timer(World& w, int32_t node, Program& p);

}  // namespace tcplab
