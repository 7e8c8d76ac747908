// The names of TCP states and timers as each audience spells them (TCP-REFERENCE.md §4.4):
// the trace and netstat (net-tools tcp_state[]), ss (iproute2 sstate_name[]) and RFC 9293.
// Switches without a default, so that a new enumerator is a compiler warning here.
#include "sim/proto/tcp_socket.h"

namespace tcplab {

const char* netstat_name(TcpState s) {
  switch (s) {
    // netstat itself spells this "CLOSE", but it never lists a closed socket (they are
    // not shown); the trace's state events say "CLOSED" (DESIGN.md "Trace events").
    case TcpState::Closed: return "CLOSED";
    case TcpState::Listen: return "LISTEN";
    case TcpState::SynSent: return "SYN_SENT";
    case TcpState::SynReceived: return "SYN_RECV";
    case TcpState::Established: return "ESTABLISHED";
    case TcpState::FinWait1: return "FIN_WAIT1";
    case TcpState::FinWait2: return "FIN_WAIT2";
    case TcpState::CloseWait: return "CLOSE_WAIT";
    case TcpState::Closing: return "CLOSING";
    case TcpState::LastAck: return "LAST_ACK";
    case TcpState::TimeWait: return "TIME_WAIT";
  }
  return "?";
}

const char* ss_name(TcpState s) {
  switch (s) {
    case TcpState::Closed: return "UNCONN";
    case TcpState::Listen: return "LISTEN";
    case TcpState::SynSent: return "SYN-SENT";
    case TcpState::SynReceived: return "SYN-RECV";
    case TcpState::Established: return "ESTAB";
    case TcpState::FinWait1: return "FIN-WAIT-1";
    case TcpState::FinWait2: return "FIN-WAIT-2";
    case TcpState::CloseWait: return "CLOSE-WAIT";
    case TcpState::Closing: return "CLOSING";
    case TcpState::LastAck: return "LAST-ACK";
    case TcpState::TimeWait: return "TIME-WAIT";
  }
  return "?";
}

const char* rfc_name(TcpState s) {
  switch (s) {
    case TcpState::Closed: return "CLOSED";
    case TcpState::Listen: return "LISTEN";
    case TcpState::SynSent: return "SYN-SENT";
    case TcpState::SynReceived: return "SYN-RECEIVED";
    case TcpState::Established: return "ESTABLISHED";
    case TcpState::FinWait1: return "FIN-WAIT-1";
    case TcpState::FinWait2: return "FIN-WAIT-2";
    case TcpState::CloseWait: return "CLOSE-WAIT";
    case TcpState::Closing: return "CLOSING";
    case TcpState::LastAck: return "LAST-ACK";
    case TcpState::TimeWait: return "TIME-WAIT";
  }
  return "?";
}

// RFC 9293 §3.5.2: the reset rules group CLOSED, LISTEN, SYN-SENT and SYN-RECEIVED apart
// from the synchronized states, where both sides have agreed on sequence numbers.
bool synchronized(TcpState s) {
  switch (s) {
    case TcpState::Closed:
    case TcpState::Listen:
    case TcpState::SynSent:
    case TcpState::SynReceived: return false;
    case TcpState::Established:
    case TcpState::FinWait1:
    case TcpState::FinWait2:
    case TcpState::CloseWait:
    case TcpState::Closing:
    case TcpState::LastAck:
    case TcpState::TimeWait: return true;
  }
  return false;
}

const char* to_string(TcpTimerKind k) {
  switch (k) {
    case TcpTimerKind::Rto: return "rto";
    case TcpTimerKind::TimeWait: return "time_wait";
    case TcpTimerKind::DelAck: return "delack";
    case TcpTimerKind::Persist: return "persist";
    // Linux runs the FIN-WAIT-2 timeout on the keepalive timer, and ss -o calls it so.
    case TcpTimerKind::FinWait2: return "keepalive";
  }
  return "?";
}

}  // namespace tcplab
