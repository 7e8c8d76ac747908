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

}  // namespace tcplab
