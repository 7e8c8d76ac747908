// The wire layer against known bytes: RFC examples, headers as real stacks send them
// (Linux SYN options, Windows ping), round trips, and every kind of rejection.
// Expected bytes are written out by hand so a failure shows exactly which byte moved.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "sim/wire/checksum.h"
#include "sim/wire/frame.h"
#include "sim/wire/headers.h"

using namespace tcplab;
using namespace tcplab::wire;

namespace {

// "45 00 00 73": readable in a failure message, and diffable by eye.
std::string hex(ByteView b) {
  std::string s;
  for (size_t i = 0; i < b.size(); ++i) {
    char buf[4];
    std::snprintf(buf, sizeof buf, i ? " %02x" : "%02x", b[i]);
    s += buf;
  }
  return s;
}

Bytes unhex(std::string_view text) {
  Bytes out;
  int nibbles = 0;
  uint8_t cur = 0;
  for (char c : text) {
    int v = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (v < 0) continue;  // spaces and line breaks
    cur = uint8_t(cur << 4 | v);
    if (++nibbles % 2 == 0) out.push_back(cur);
  }
  REQUIRE(nibbles % 2 == 0);
  return out;
}

Bytes text_bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

constexpr Ipv4 kClient = Ipv4::of(192, 168, 1, 10);
constexpr Ipv4 kServer = Ipv4::of(192, 168, 1, 20);
constexpr Mac kClientMac{{0x02, 0x00, 0x00, 0x00, 0x00, 0x01}};
constexpr Mac kServerMac{{0x02, 0x00, 0x00, 0x00, 0x00, 0x10}};

// The example header from Wikipedia's "IPv4 header checksum": UDP, 192.168.0.1 ->
// 192.168.0.199, DF, TTL 64, checksum b861.
constexpr std::string_view kRealIpv4Header =
    "45 00 00 73 00 00 40 00 40 11 b8 61 c0 a8 00 01 c0 a8 00 c7";

// Windows ping: id 1, seq 1, the 32-byte alphabet body; Wireshark shows checksum 0x4d5a.
constexpr std::string_view kWindowsEchoRequest =
    "08 00 4d 5a 00 01 00 01"
    " 61 62 63 64 65 66 67 68 69 6a 6b 6c 6d 6e 6f 70"
    " 71 72 73 74 75 76 77 61 62 63 64 65 66 67 68 69";

// A Linux SYN, 192.168.1.10:51234 -> 192.168.1.20:2000: MSS 1460, SACK-permitted folded
// before timestamps, NOP, window scale 7, window 64240.
constexpr std::string_view kLinuxSyn =
    "c8 22 07 d0 1a 2b 3c 4d 00 00 00 00 a0 02 fa f0 e0 5f 00 00"
    " 02 04 05 b4 04 02 08 0a 00 34 c2 a1 00 00 00 00 01 03 03 07";

TcpHeader linux_syn() {
  TcpHeader h;
  h.sport = 51234;
  h.dport = 2000;
  h.seq = 0x1a2b3c4d;
  h.flags = tcpflag::SYN;
  h.window = 64240;
  h.mss = 1460;
  h.sack_permitted = true;
  h.timestamps = std::pair{0x0034c2a1u, 0u};
  h.window_scale = 7;
  return h;
}

}  // namespace

TEST_SUITE("checksum") {
  TEST_CASE("the RFC 1071 §3 example sums to ddf2 and checksums to 220d") {
    const Bytes data = unhex("00 01 f2 03 f4 f5 f6 f7");
    const uint32_t sum = checksum_add(data);
    CHECK(sum == 0x2ddf0u);  // not folded yet
    CHECK(checksum_finish(sum) == 0x220d);
    SUBCASE("partial sums chain through `initial`") {
      const ByteView v(data);
      CHECK(checksum_finish(checksum_add(v.subspan(4), checksum_add(v.first(4)))) == 0x220d);
    }
  }

  TEST_CASE("long buffers - summed eight bytes at a time - checksum as the word-by-word sum of RFC 1071 does") {
    // checksum_add takes 16 bytes or more eight at a time in the machine's byte order
    // (RFC 1071 §2(B)); this is the plain big-endian word sum it must agree with.
    auto word_sum = [](ByteView d, uint32_t initial) {
      uint64_t sum = initial;
      size_t i = 0;
      for (; i + 1 < d.size(); i += 2) sum += uint32_t(d[i]) << 8 | d[i + 1];
      if (i < d.size()) sum += uint32_t(d[i]) << 8;
      while (sum >> 32) sum = (sum & 0xffffffffu) + (sum >> 32);
      return uint32_t(sum);
    };
    uint64_t x = 88172645463325252ull;  // xorshift64: the same buffers every run
    auto next = [&] { return x ^= x << 13, x ^= x >> 7, x ^= x << 17; };
    for (int round = 0; round < 3000; ++round) {
      Bytes data(next() % 2000);
      const uint64_t kind = next() % 4;  // all zero, all 0xff (carries everywhere), random
      for (uint8_t& b : data) b = kind == 0 ? 0 : kind == 1 ? 0xff : static_cast<uint8_t>(next());
      const uint32_t initial = round % 3 == 0 ? 0 : static_cast<uint32_t>(next() % 0x3ffff);
      CAPTURE(data.size());
      CAPTURE(kind);
      REQUIRE(checksum_finish(checksum_add(data, initial)) == checksum_finish(word_sum(data, initial)));
    }
  }

  TEST_CASE("an odd trailing byte is padded with zero") {
    CHECK(checksum_add(unhex("ab")) == 0xab00u);
    CHECK(checksum_add(unhex("01 02 03")) == 0x0402u);
    CHECK(checksum_finish(0) == 0xffff);
    CHECK(checksum_finish(0x1fffe) == 0x0000);  // carries fold back in
  }

  TEST_CASE("the pseudo-header sum equals summing its 12 bytes") {
    const Bytes ph = unhex("c0 a8 01 0a c0 a8 01 14 00 11 00 0d");
    CHECK(checksum_finish(pseudo_header_sum(kClient, kServer, kProtoUdp, 13)) ==
          checksum_finish(checksum_add(ph)));
  }

  TEST_CASE("a real IPv4 header's checksum is b861") {
    Bytes h = unhex(kRealIpv4Header);
    CHECK(ipv4_checksum_ok(h));
    h[10] = h[11] = 0;
    CHECK(checksum_finish(checksum_add(h)) == 0xb861);
    CHECK_FALSE(ipv4_checksum_ok(h));
  }

  TEST_CASE("fill_transport_checksum restores what checksum offload left out, and leaves fragments alone") {
    const Bytes payload = unhex("68 65 6c 6c 6f");
    Bytes udp;
    emit_udp(UdpHeader{5000, 7, 0, 0}, kClient, kServer, payload, udp);
    Ipv4Header ip;
    ip.protocol = kProtoUdp;
    ip.src = kClient;
    ip.dst = kServer;
    const Bytes good = build_ipv4_frame(EthernetHeader{Mac{}, Mac{}, 0x0800}, ip, udp);
    Bytes frame = good;
    const size_t at = 14 + 20 + 6;
    frame[at] = 0x12, frame[at + 1] = 0x34;  // what a capture on lo holds: a partial sum
    CHECK(fill_transport_checksum(frame));
    CHECK(frame == good);
    SUBCASE("a first fragment (MF) is not the whole datagram: untouched") {
      Ipv4Header frag = ip;
      frag.mf = true;
      Bytes f = build_ipv4_frame(EthernetHeader{Mac{}, Mac{}, 0x0800}, frag, udp);
      const Bytes before = f;
      CHECK_FALSE(fill_transport_checksum(f));
      CHECK(f == before);
    }
    SUBCASE("UDP is summed over its own length field: bytes after the datagram are not in it") {
      Bytes longer = udp;
      longer.insert(longer.end(), {1, 2, 3, 4});  // in the IP payload, after the datagram
      const Bytes want = build_ipv4_frame(EthernetHeader{Mac{}, Mac{}, 0x0800}, ip, longer);
      Bytes f = want;
      f[at] = 0x12, f[at + 1] = 0x34;
      CHECK(fill_transport_checksum(f));
      CHECK(f == want);
      CHECK(parse_frame(f).l4_checksum_ok);
      // A UDP length beyond the IP payload cannot be summed: untouched.
      Bytes bad = want;
      bad[14 + 20 + 4] = 0x40;
      const Bytes before = bad;
      CHECK_FALSE(fill_transport_checksum(bad));
      CHECK(bad == before);
    }
    SUBCASE("not IPv4, or cut short: false") {
      Bytes arp = good;
      arp[12] = 0x08, arp[13] = 0x06;
      CHECK_FALSE(fill_transport_checksum(arp));
      Bytes cut(good.begin(), good.begin() + 30);
      CHECK_FALSE(fill_transport_checksum(cut));
    }
  }

}  // TEST_SUITE

TEST_SUITE("ethernet and arp") {
  TEST_CASE("an Ethernet header round-trips and needs 14 bytes") {
    EthernetHeader e{Mac::broadcast(), kClientMac, kEtherTypeArp};
    Bytes out;
    emit(e, out);
    CHECK(hex(out) == "ff ff ff ff ff ff 02 00 00 00 00 01 08 06");
    auto p = parse_ethernet(out);
    REQUIRE(p);
    CHECK(*p == e);
    out.pop_back();
    auto bad = parse_ethernet(out);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message.find("truncated") != std::string::npos);
  }

  TEST_CASE("an ARP request frame is byte-for-byte what tcpdump shows, padded to 60") {
    ArpPacket a;
    a.op = kArpRequest;
    a.sha = kClientMac;
    a.spa = kClient;
    a.tpa = kServer;
    const Bytes frame = build_arp_frame({Mac::broadcast(), kClientMac, 0}, a);
    CHECK(frame.size() == kEthernetMinFrame);
    CHECK(hex(frame) == hex(unhex("ff ff ff ff ff ff 02 00 00 00 00 01 08 06"  // Ethernet
                                  " 00 01 08 00 06 04 00 01"                   // Eth/IPv4, request
                                  " 02 00 00 00 00 01 c0 a8 01 0a"             // sender
                                  " 00 00 00 00 00 00 c0 a8 01 14"             // target
                                  " 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00")));
    const ParsedFrame f = parse_frame(frame);
    CHECK(f.error == "");
    REQUIRE(f.arp);
    CHECK(*f.arp == a);
    CHECK_FALSE(f.ip);
    CHECK(f.payload_offset == 42);
    CHECK(f.payload_len == 0);
  }

  TEST_CASE("an ARP reply round-trips") {
    ArpPacket a{kArpReply, kServerMac, kServer, kClientMac, kClient};
    Bytes out;
    emit(a, out);
    CHECK(out.size() == kArpLen);
    auto p = parse_arp(out);
    REQUIRE(p);
    CHECK(*p == a);
  }

  TEST_CASE("ARP that is not Ethernet/IPv4 request/reply is rejected") {
    Bytes good;
    emit(ArpPacket{kArpRequest, kClientMac, kClient, {}, kServer}, good);
    auto rejected = [&](size_t at, uint8_t value) {
      Bytes b = good;
      b[at] = value;
      return !parse_arp(b).ok();
    };
    CHECK(rejected(1, 6));     // htype 6 (IEEE 802)
    CHECK(rejected(2, 0x86));  // ptype 0x8600
    CHECK(rejected(4, 8));     // hlen
    CHECK(rejected(5, 16));    // plen
    CHECK(rejected(7, 3));     // op 3 (RARP)
    CHECK(rejected(7, 0));
    CHECK_FALSE(parse_arp(ByteView(good).first(27)).ok());
  }

}  // TEST_SUITE

TEST_SUITE("ipv4") {
  TEST_CASE("emitting the real header's fields gives its exact bytes") {
    Ipv4Header h;
    h.total_len = 0x73;
    h.df = true;
    h.ttl = 64;
    h.protocol = kProtoUdp;
    h.src = Ipv4::of(192, 168, 0, 1);
    h.dst = Ipv4::of(192, 168, 0, 199);
    Bytes out{0xee};  // emit appends
    emit(h, out);
    CHECK(hex(ByteView(out).subspan(1)) == kRealIpv4Header);
  }

  TEST_CASE("parsing the real header reads every field") {
    Bytes b = unhex(kRealIpv4Header);
    b.resize(0x73, 0);  // the 95 payload bytes it announces
    auto h = parse_ipv4(b);
    REQUIRE(h);
    CHECK(h->ihl == 5);
    CHECK(h->total_len == 0x73);
    CHECK(h->df);
    CHECK_FALSE(h->mf);
    CHECK(h->frag_offset == 0);
    CHECK(h->ttl == 64);
    CHECK(h->protocol == kProtoUdp);
    CHECK(h->checksum == 0xb861);
    CHECK(to_string(h->src) == "192.168.0.1");
    CHECK(to_string(h->dst) == "192.168.0.199");
  }

  TEST_CASE("DF, MF and the fragment offset are packed as RFC 791 §3.1 draws them") {
    Ipv4Header h;
    h.total_len = 20;
    h.id = 0xbeef;
    h.mf = true;
    h.frag_offset = 185;  // 1480 bytes
    h.dscp_ecn = 0xb8;    // EF
    Bytes out;
    emit(h, out);
    CHECK(hex(ByteView(out).subspan(4, 4)) == "be ef 20 b9");
    CHECK(out[1] == 0xb8);
    auto p = parse_ipv4(out);
    REQUIRE(p);
    h.checksum = p->checksum;
    CHECK(*p == h);
    CHECK(ipv4_checksum_ok(out));

    SUBCASE("the reserved bit is ignored") {
      out[6] |= 0x80;
      auto q = parse_ipv4(out);
      REQUIRE(q);
      CHECK(q->mf);
      CHECK(q->frag_offset == 185);
    }
    SUBCASE("the largest offset uses all 13 bits") {
      h.mf = false;
      h.df = true;
      h.frag_offset = 0x1fff;
      Bytes o;
      emit(h, o);
      CHECK(hex(ByteView(o).subspan(6, 2)) == "5f ff");
    }
  }

  TEST_CASE("a header with options (IHL 6) is accepted and the options skipped") {
    const Bytes b = unhex(
        "46 00 00 1c 00 01 40 00 40 11 23 cd 0a 00 00 01 0a 00 00 02 01 01 01 00"
        " de ad be ef");
    CHECK(ipv4_checksum_ok(b));
    auto h = parse_ipv4(b);
    REQUIRE(h);
    CHECK(h->ihl == 6);
    CHECK(h->total_len == 28);
    CHECK(h->dst == Ipv4::of(10, 0, 0, 2));
  }

  TEST_CASE("IPv4 that cannot be on a wire is rejected with a reason") {
    Bytes good = unhex(kRealIpv4Header);
    good[2] = 0;
    good[3] = 20;  // total_len = header only
    REQUIRE(parse_ipv4(good));
    auto reason = [](const Bytes& b) {
      auto r = parse_ipv4(b);
      return r ? std::string("accepted") : r.error().message;
    };
    SUBCASE("truncated header") {
      CHECK(reason(Bytes(good.begin(), good.end() - 1)).find("truncated") != std::string::npos);
      CHECK_FALSE(parse_ipv4(ByteView{}));
    }
    SUBCASE("version 6") {
      good[0] = 0x65;
      CHECK(reason(good).find("version") != std::string::npos);
    }
    SUBCASE("IHL below 5") {
      good[0] = 0x44;
      CHECK(reason(good).find("IHL") != std::string::npos);
    }
    SUBCASE("IHL past the bytes given") {
      good[0] = 0x46;
      CHECK(reason(good).find("IHL") != std::string::npos);
    }
    SUBCASE("total length shorter than the header") {
      good[3] = 19;
      CHECK(reason(good).find("shorter") != std::string::npos);
    }
    SUBCASE("total length beyond the bytes given") {
      good[3] = 21;
      CHECK(reason(good).find("truncated") != std::string::npos);
    }
  }

}  // TEST_SUITE

TEST_SUITE("icmp") {
  TEST_CASE("a Windows echo request is emitted with checksum 4d5a") {
    IcmpHeader h{kIcmpEchoRequest, 0, 0, 1, 1};
    Bytes out;
    emit_icmp(h, text_bytes("abcdefghijklmnopqrstuvwabcdefghi"), out);
    CHECK(hex(out) == hex(unhex(kWindowsEchoRequest)));
    CHECK(icmp_checksum_ok(out));
    auto p = parse_icmp(out);
    REQUIRE(p);
    CHECK(*p == IcmpHeader{kIcmpEchoRequest, 0, 0x4d5a, 1, 1});
  }

  TEST_CASE("the ICMP checksum covers the body, odd lengths included") {
    Bytes out;
    emit_icmp({kIcmpEchoReply, 0, 0, 0x1234, 7}, text_bytes("odd"), out);
    CHECK(out.size() == 11);
    CHECK(icmp_checksum_ok(out));
    out.back() ^= 1;
    CHECK_FALSE(icmp_checksum_ok(out));
  }

  TEST_CASE("ICMP needs 8 bytes") {
    const Bytes b = unhex(kWindowsEchoRequest);
    CHECK_FALSE(parse_icmp(ByteView(b).first(7)));
    CHECK_FALSE(icmp_checksum_ok(ByteView(b).first(7)));
    CHECK(parse_icmp(ByteView(b).first(8)));
  }

}  // TEST_SUITE

TEST_SUITE("udp") {
  TEST_CASE("a UDP datagram is emitted with its length and pseudo-header checksum") {
    Bytes out;
    emit_udp({40000, 53, 0, 0}, kClient, kServer, text_bytes("hello"), out);
    CHECK(hex(out) == "9c 40 00 35 00 0d 9c 1d 68 65 6c 6c 6f");
    CHECK(udp_checksum_ok(kClient, kServer, out));
    CHECK_FALSE(udp_checksum_ok(kClient, Ipv4::of(192, 168, 1, 21), out));  // pseudo-header counts
    auto h = parse_udp(out);
    REQUIRE(h);
    CHECK(*h == UdpHeader{40000, 53, 13, 0x9c1d});
  }

  TEST_CASE("RFC 768: a computed zero checksum is sent as ffff") {
    // The payload word 5173 makes the one's-complement sum ffff, so the checksum is 0.
    Bytes out;
    emit_udp({5000, 6000, 0, 0}, kClient, kServer, unhex("51 73"), out);
    CHECK(hex(out) == "13 88 17 70 00 0a ff ff 51 73");
    CHECK(udp_checksum_ok(kClient, kServer, out));
  }

  TEST_CASE("RFC 768: a received zero checksum means none was sent") {
    Bytes b = unhex("13 88 17 70 00 0a 00 00 de ad");
    CHECK(udp_checksum_ok(kClient, kServer, b));
    b[7] = 1;
    CHECK_FALSE(udp_checksum_ok(kClient, kServer, b));
  }

  TEST_CASE("UDP length must cover the header and fit the bytes given") {
    CHECK_FALSE(parse_udp(unhex("13 88 17 70 00 07 00 00")));
    CHECK_FALSE(parse_udp(unhex("13 88 17 70 00 0b 00 00 01 02")));
    CHECK_FALSE(parse_udp(unhex("13 88 17 70 00 08 00")));
    // Extra bytes after `length` are allowed (IP may carry more); the checksum ignores them.
    Bytes b;
    emit_udp({1, 2, 0, 0}, kClient, kServer, text_bytes("x"), b);
    b.push_back(0x55);
    CHECK(parse_udp(b));
    CHECK(udp_checksum_ok(kClient, kServer, b));
  }

}  // TEST_SUITE

TEST_SUITE("tcp") {
  TEST_CASE("a Linux SYN is emitted byte for byte, options in Linux's order") {
    Bytes out;
    emit_tcp(linux_syn(), kClient, kServer, {}, out);
    CHECK(hex(out) == hex(unhex(kLinuxSyn)));
    CHECK(tcp_checksum_ok(kClient, kServer, out));
    auto p = parse_tcp(out);
    REQUIRE(p);
    TcpHeader want = linux_syn();
    want.data_offset = 10;
    want.checksum = 0xe05f;
    CHECK(*p == want);
  }

  TEST_CASE("option layouts and data offsets match Linux for each combination") {
    auto options_of = [](TcpHeader h) {
      Bytes out;
      emit_tcp(h, kClient, kServer, {}, out);
      CHECK(out.size() % 4 == 0);
      CHECK(size_t(out[12] >> 4) * 4 == out.size());
      return hex(ByteView(out).subspan(20));
    };
    TcpHeader h;
    CHECK(options_of(h) == "");
    h.mss = 1460;
    CHECK(options_of(h) == "02 04 05 b4");
    h.window_scale = 7;
    h.sack_permitted = true;
    // No timestamps: SACK-permitted goes last, after two NOPs (Linux tcp_options_write).
    CHECK(options_of(h) == "02 04 05 b4 01 03 03 07 01 01 04 02");
    TcpHeader ack;
    ack.timestamps = std::pair{1u, 2u};
    CHECK(options_of(ack) == "01 01 08 0a 00 00 00 01 00 00 00 02");
  }

  TEST_CASE("a data segment round-trips") {
    TcpHeader h;
    h.sport = 2000;
    h.dport = 51234;
    h.seq = 0xfffffff0;
    h.ack = 42;
    h.flags = tcpflag::PSH | tcpflag::ACK;
    h.window = 502;
    h.urgent = 0;
    h.timestamps = std::pair{100u, 200u};
    Bytes out;
    emit_tcp(h, kServer, kClient, text_bytes("hello, world"), out);
    CHECK(out.size() == 32 + 12);
    CHECK(tcp_checksum_ok(kServer, kClient, out));
    auto p = parse_tcp(out);
    REQUIRE(p);
    h.data_offset = 8;
    h.checksum = p->checksum;
    CHECK(*p == h);
    out.back() ^= 0x20;
    CHECK_FALSE(tcp_checksum_ok(kServer, kClient, out));
  }

  TEST_CASE("unknown options are skipped by length - EOL ends the list") {
    // MSS, SACK blocks (kind 5, len 10, not modelled), an unknown kind 254 of length 4,
    // NOP, EOL, then bytes after EOL that must not be read as options.
    Bytes b = unhex(
        "00 50 00 51 00 00 00 01 00 00 00 00 a0 10 01 00 00 00 00 00"
        " 02 04 05 78 05 0a 00 00 00 01 00 00 00 02 fe 04 ab cd 01 00");
    REQUIRE(b.size() == 40);
    auto p = parse_tcp(b);
    REQUIRE(p);
    CHECK(p->mss == 1400);
    CHECK_FALSE(p->window_scale);
    CHECK_FALSE(p->timestamps);
    CHECK_FALSE(p->sack_permitted);

    b[34] = 0;     // EOL in place of kind 254: what follows is padding,
    b[35] = 0xff;  // so this impossible "length" is never read

    CHECK(parse_tcp(b));
  }

  TEST_CASE("malformed TCP is rejected with a reason") {
    const Bytes syn = unhex(kLinuxSyn);
    auto reason = [](const Bytes& b) {
      auto r = parse_tcp(b);
      return r ? std::string("accepted") : r.error().message;
    };
    SUBCASE("truncated header") {
      CHECK(reason(Bytes(syn.begin(), syn.begin() + 19)).find("truncated") != std::string::npos);
    }
    SUBCASE("data offset below 5") {
      Bytes b = syn;
      b[12] = 0x40;
      CHECK(reason(b).find("data offset") != std::string::npos);
    }
    SUBCASE("data offset past the bytes given") {
      Bytes b(syn.begin(), syn.begin() + 36);
      CHECK(reason(b).find("data offset") != std::string::npos);
    }
    SUBCASE("option length 0 or 1 would loop forever - refused") {
      Bytes b = syn;
      b[21] = 0;
      CHECK(reason(b).find("length 0") != std::string::npos);
      b[21] = 1;
      CHECK(reason(b).find("length 1") != std::string::npos);
      b[20] = 0xfe;  // an unknown kind is no exception
      CHECK(reason(b).find("length 1 (minimum 2)") != std::string::npos);
    }
    SUBCASE("an option running past the header") {
      Bytes b = syn;
      b[38] = 4;  // window scale claims 4 bytes at the last 3
      CHECK(reason(b).find("past") != std::string::npos);
    }
    SUBCASE("a known option with the wrong length") {
      Bytes b = syn;
      b[21] = 3;  // MSS of length 3 ...
      b[23] = 1;  // ... then a NOP to keep the rest aligned
      CHECK(reason(b).find("expected 4") != std::string::npos);
      Bytes t = syn;
      t[27] = 9;  // timestamps of length 9
      CHECK(reason(t).find("option 8") != std::string::npos);
    }
    SUBCASE("a kind in the last byte with no length") {
      Bytes b = syn;
      b[36] = 1;
      b[37] = 1;
      b[38] = 1;
      b[39] = 3;
      CHECK(reason(b).find("no length") != std::string::npos);
    }
  }

  TEST_CASE("flags print in the conventional order") {
    using namespace tcpflag;
    CHECK(tcp_flags_string(0) == "");
    CHECK(tcp_flags_string(SYN) == "SYN");
    CHECK(tcp_flags_string(SYN | ACK) == "SYN|ACK");
    CHECK(tcp_flags_string(FIN | ACK) == "FIN|ACK");
    CHECK(tcp_flags_string(PSH | ACK) == "PSH|ACK");
    CHECK(tcp_flags_string(RST | ACK) == "RST|ACK");
    CHECK(tcp_flags_string(RST) == "RST");
    CHECK(tcp_flags_string(FIN | PSH | ACK) == "FIN|PSH|ACK");
    CHECK(tcp_flags_string(SYN | ECE | CWR) == "SYN|ECE|CWR");
    CHECK(tcp_flags_string(0xff) == "SYN|FIN|RST|PSH|ACK|URG|ECE|CWR");
  }

}  // TEST_SUITE

TEST_SUITE("frame") {
  TEST_CASE("an ICMP time exceeded quoting a traceroute UDP probe is taken apart") {
    // The probe as it reached the router: TTL 1, 192.168.1.10:40000 -> 10.0.2.2:33434.
    Ipv4Header probe;
    probe.id = 0x1234;
    probe.ttl = 1;
    probe.protocol = kProtoUdp;
    probe.src = kClient;
    probe.dst = Ipv4::of(10, 0, 2, 2);
    probe.total_len = 20 + 8 + 32;
    Bytes probe_bytes;
    emit(probe, probe_bytes);
    emit_udp({40000, 33434, 0, 0}, probe.src, probe.dst, Bytes(32, 0), probe_bytes);

    // RFC 792: the router quotes the IP header and the first 8 data bytes.
    Bytes icmp;
    emit_icmp({kIcmpTimeExceeded, kIcmpCodeTtlExceeded, 0, 0, 0}, ByteView(probe_bytes).first(28),
              icmp);
    Ipv4Header outer;
    outer.id = 7;
    outer.protocol = kProtoIcmp;
    outer.src = Ipv4::of(192, 168, 1, 1);
    outer.dst = kClient;
    const Mac router{{0x02, 0x00, 0x00, 0x00, 0x00, 0xfe}};
    const Bytes frame = build_ipv4_frame({kClientMac, router, 0}, outer, icmp);

    CHECK(hex(frame) == hex(unhex("02 00 00 00 00 01 02 00 00 00 00 fe 08 00"
                                  " 45 00 00 38 00 07 00 00 40 01 f7 62 c0 a8 01 01 c0 a8 01 0a"
                                  " 0b 00 c2 ed 00 00 00 00"
                                  " 45 00 00 3c 12 34 00 00 01 11 d9 c9 c0 a8 01 0a 0a 00 02 02"
                                  " 9c 40 82 9a 00 28 13 0f")));

    const ParsedFrame f = parse_frame(frame);
    CHECK(f.error == "");
    REQUIRE(f.ip);
    CHECK(f.ip->total_len == 56);
    CHECK(f.ip_checksum_ok);
    REQUIRE(f.icmp);
    CHECK(f.icmp->type == kIcmpTimeExceeded);
    CHECK(f.l4_checksum_ok);
    CHECK(f.l4_offset == 34);
    CHECK(f.payload_offset == 42);
    CHECK(f.payload_len == 28);
    REQUIRE(f.quoted_ip);
    CHECK(f.quoted_ip->total_len == 60);  // the original length, though only 28 were quoted
    CHECK(f.quoted_ip->ttl == 1);
    CHECK(f.quoted_ip->dst == Ipv4::of(10, 0, 2, 2));
    REQUIRE(f.quoted_udp);
    CHECK(*f.quoted_udp == UdpHeader{40000, 33434, 40, 0x130f});
    CHECK(f.quoted_sport == 40000);
    CHECK(f.quoted_dport == 33434);
    CHECK_FALSE(f.udp);
  }

  TEST_CASE("a port unreachable quoting TCP gives the ports only") {
    Ipv4Header orig;
    orig.protocol = kProtoTcp;
    orig.src = kClient;
    orig.dst = kServer;
    orig.total_len = 60;
    Bytes quote;
    emit(orig, quote);
    Bytes seg;
    emit_tcp(linux_syn(), kClient, kServer, {}, seg);
    quote.insert(quote.end(), seg.begin(), seg.begin() + 8);
    Bytes icmp;
    emit_icmp({kIcmpDestUnreachable, kIcmpCodePortUnreachable, 0, 0, 0}, quote, icmp);
    const ParsedFrame f = parse_frame(
        build_ipv4_frame({kClientMac, kServerMac, 0},
                         {.protocol = kProtoIcmp, .src = kServer, .dst = kClient}, icmp));
    CHECK(f.error == "");
    REQUIRE(f.quoted_ip);
    CHECK(f.quoted_ip->protocol == kProtoTcp);
    CHECK_FALSE(f.quoted_udp);
    CHECK(f.quoted_sport == 51234);
    CHECK(f.quoted_dport == 2000);
  }

  TEST_CASE("a short frame is padded to 60 bytes and the padding ignored on parse") {
    Bytes udp;
    emit_udp({5000, 6000, 0, 0}, kClient, kServer, text_bytes("hi"), udp);
    Bytes frame = build_ipv4_frame({kServerMac, kClientMac, 0},
                                   {.protocol = kProtoUdp, .src = kClient, .dst = kServer}, udp);
    REQUIRE(frame.size() == kEthernetMinFrame);  // 14 + 20 + 10 = 44 before padding
    for (size_t i = 44; i < 60; ++i) CHECK(frame[i] == 0);
    CHECK(hex(ByteView(frame).subspan(12, 6)) == "08 00 45 00 00 1e");

    // Padding is not covered by any checksum, so non-zero padding must not matter either.
    for (size_t i = 44; i < 60; ++i) frame[i] = 0xaa;
    const ParsedFrame f = parse_frame(frame);
    CHECK(f.error == "");
    CHECK(f.ip_checksum_ok);
    CHECK(f.l4_checksum_ok);
    REQUIRE(f.udp);
    CHECK(f.udp->length == 10);
    CHECK(f.payload_offset == 42);
    CHECK(f.payload_len == 2);
  }

  TEST_CASE("a SYN frame: offsets account for the options") {
    Bytes seg;
    emit_tcp(linux_syn(), kClient, kServer, {}, seg);
    const Bytes frame =
        build_ipv4_frame({kServerMac, kClientMac, 0},
                         {.df = true, .protocol = kProtoTcp, .src = kClient, .dst = kServer}, seg);
    CHECK(frame.size() == 74);
    const ParsedFrame f = parse_frame(frame);
    CHECK(f.error == "");
    REQUIRE(f.tcp);
    CHECK(f.tcp->flags == tcpflag::SYN);
    CHECK(f.tcp->mss == 1460);
    CHECK(f.l4_checksum_ok);
    CHECK(f.l4_offset == 34);
    CHECK(f.payload_offset == 74);
    CHECK(f.payload_len == 0);
  }

  TEST_CASE("bad checksums are reported, not rejected") {
    Bytes seg;
    emit_tcp(linux_syn(), kClient, kServer, text_bytes("data"), seg);
    Bytes frame = build_ipv4_frame({kServerMac, kClientMac, 0},
                                   {.protocol = kProtoTcp, .src = kClient, .dst = kServer}, seg);
    SUBCASE("IP header") {
      frame[14 + 8] = 63;  // TTL changed without fixing the checksum
      const ParsedFrame f = parse_frame(frame);
      CHECK(f.error == "");
      REQUIRE(f.ip);
      CHECK_FALSE(f.ip_checksum_ok);
      CHECK(f.l4_checksum_ok);
    }
    SUBCASE("TCP payload") {
      frame.back() ^= 0xff;
      const ParsedFrame f = parse_frame(frame);
      CHECK(f.error == "");
      CHECK(f.ip_checksum_ok);
      REQUIRE(f.tcp);
      CHECK_FALSE(f.l4_checksum_ok);
      CHECK(f.payload_len == 4);
    }
  }

  TEST_CASE("truncation and garbage set `error` and keep what parsed") {
    Bytes seg;
    emit_tcp(linux_syn(), kClient, kServer, {}, seg);
    const Bytes frame = build_ipv4_frame(
        {kServerMac, kClientMac, 0}, {.protocol = kProtoTcp, .src = kClient, .dst = kServer}, seg);

    SUBCASE("shorter than an Ethernet header") {
      const ParsedFrame f = parse_frame(ByteView(frame).first(5));
      CHECK(f.error.find("ethernet") != std::string::npos);
      CHECK_FALSE(f.ip);
    }
    SUBCASE("cut inside the IP datagram") {
      const ParsedFrame f = parse_frame(ByteView(frame).first(50));
      CHECK(f.error.find("ipv4") != std::string::npos);
      CHECK(f.eth.ethertype == kEtherTypeIpv4);
      CHECK(f.eth.dst == kServerMac);
      CHECK_FALSE(f.ip);
    }
    SUBCASE("a malformed TCP option") {
      Bytes b = frame;
      b[34 + 21] = 0;  // MSS length 0
      const ParsedFrame f = parse_frame(b);
      CHECK(f.error.find("tcp") != std::string::npos);
      REQUIRE(f.ip);
      CHECK_FALSE(f.tcp);
    }
    SUBCASE("an ARP frame too short for ARP") {
      const Bytes arp = build_arp_frame({Mac::broadcast(), kClientMac, 0}, {});
      const ParsedFrame f = parse_frame(ByteView(arp).first(30));
      CHECK(f.error.find("arp") != std::string::npos);
      CHECK_FALSE(f.arp);
    }
  }

  TEST_CASE("what the simulator does not dissect is left as payload, without error") {
    SUBCASE("an IPv6 EtherType") {
      Bytes b;
      emit(EthernetHeader{kServerMac, kClientMac, 0x86dd}, b);
      b.resize(60);
      const ParsedFrame f = parse_frame(b);
      CHECK(f.error == "");
      CHECK_FALSE(f.ip);
      CHECK_FALSE(f.arp);
    }
    SUBCASE("a fragment has no transport header to trust") {
      Bytes udp;
      emit_udp({5000, 6000, 0, 0}, kClient, kServer, Bytes(16, 1), udp);
      const ParsedFrame f = parse_frame(build_ipv4_frame(
          {kServerMac, kClientMac, 0},
          {.mf = true, .protocol = kProtoUdp, .src = kClient, .dst = kServer}, udp));
      CHECK(f.error == "");
      REQUIRE(f.ip);
      CHECK_FALSE(f.udp);
      CHECK(f.payload_offset == 34);
      CHECK(f.payload_len == 24);
    }
  }

}  // TEST_SUITE
