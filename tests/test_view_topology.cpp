// The topology view's GL-free parts (sim/view/packet_kind.h, sim/view/topology_layout.h):
// what colour and label each real packet gets, where the automatic layout puts the nodes of
// every lesson, the layout file, and where a packet on a wire or a dropped one is drawn.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "sim/session/session.h"
#include "sim/trace/summary.h"
#include "sim/view/packet_kind.h"
#include "sim/view/topology_layout.h"

using namespace tcplab;

namespace {

Session open_scenario(const std::string& name) {
  std::vector<std::string> errs;
  auto s = Session::open_file(std::string(TCPLAB_SOURCE_DIR) + "/scenarios/" + name + ".toml", &errs);
  INFO(name, errs.empty() ? "" : errs.front());
  REQUIRE(s);
  return std::move(*s);
}

// The looks of every packet sent in a scenario run to its end, in order of first tx.
struct Seen {
  PacketKind kind;
  std::string label, label_zh, summary;
};
std::vector<Seen> looks_of(const std::string& scenario) {
  Session s = open_scenario(scenario);
  s.seek(s.end());
  PacketLooks looks;
  looks.update(s.trace(), s.visible(), 0);
  std::vector<Seen> out;
  std::vector<uint64_t> ids;
  for (size_t i = 0; i < s.visible(); ++i) {
    const TraceEvent& e = s.trace()[i];
    if (e.ev != EvKind::Tx || std::find(ids.begin(), ids.end(), e.packet().id) != ids.end()) continue;
    ids.push_back(e.packet().id);
    const PacketFacts* l = looks.find(e.packet().id);
    REQUIRE(l);
    const std::string summary = packet_summary_of(wire::parse_frame(e.packet().frame), *l);
    out.push_back({l->kind, packet_label(*l, Lang::En), packet_label(*l, Lang::Zh), summary});
  }
  return out;
}

const Seen* first_of(const std::vector<Seen>& v, PacketKind k) {
  for (const Seen& s : v)
    if (s.kind == k) return &s;
  return nullptr;
}

NodePos at(const TopologyGraph& g, const std::vector<NodePos>& pos, const std::string& name) {
  const auto it = std::find(g.names.begin(), g.names.end(), name);
  REQUIRE(it != g.names.end());
  return pos[static_cast<size_t>(it - g.names.begin())];
}

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() / ("tcplab-topology-test-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

}  // namespace

TEST_SUITE("view: topology") {

TEST_CASE("a handshake's packets are ARP, SYN, SYN-ACK and ACK, labelled with relative numbers") {
  const auto v = looks_of("handshake");
  REQUIRE(v.size() >= 5);
  CHECK(v[0].kind == PacketKind::Arp);
  CHECK(v[0].label == "ARP who-has");
  CHECK(v[1].kind == PacketKind::Arp);
  CHECK(v[1].label == "ARP is-at");
  CHECK(v[2].kind == PacketKind::Syn);
  CHECK(v[2].label == "SYN");
  CHECK(v[2].summary.find("[SYN] seq=0") != std::string::npos);
  CHECK(v[3].kind == PacketKind::SynAck);
  CHECK(v[3].label == "SYN-ACK");
  CHECK(v[4].kind == PacketKind::Ack);
  CHECK(v[4].label == "ACK 1");
  CHECK(v[0].label_zh == "ARP 请求");
}

TEST_CASE("data segments read seq:end, FIN and RST are told apart") {
  SUBCASE("data and FIN in the four-way close") {
    const auto v = looks_of("four-way-close");
    const Seen* data = first_of(v, PacketKind::Data);
    REQUIRE(data);
    CHECK(data->label == "data 1:6");  // "hello": bytes 1 to 5, next seq 6
    CHECK(data->label_zh == "数据 1:6");
    const Seen* fin = first_of(v, PacketKind::Fin);
    REQUIRE(fin);
    CHECK(fin->label == "FIN");
    CHECK(fin->summary.find("FIN") != std::string::npos);
    CHECK(first_of(v, PacketKind::Rst) == nullptr);
  }
  SUBCASE("a refused connect is answered by RST") {
    const auto v = looks_of("connection-refused");
    const Seen* rst = first_of(v, PacketKind::Rst);
    REQUIRE(rst);
    CHECK(rst->label == "RST");
    CHECK(rst->summary.find("RST") != std::string::npos);
  }
}

TEST_CASE("ping is ICMP echo and reply, UDP is labelled with its destination port") {
  const auto ping = looks_of("ping-across-routers");
  const Seen* echo = first_of(ping, PacketKind::Icmp);
  REQUIRE(echo);
  CHECK(echo->label == "ICMP echo");
  CHECK(std::any_of(ping.begin(), ping.end(), [](const Seen& s) { return s.label == "ICMP reply"; }));
  const auto udp = looks_of("udp-echo");
  const Seen* d = first_of(udp, PacketKind::Udp);
  REQUIRE(d);
  CHECK(d->label == "UDP 2000");
}

TEST_CASE("a tooltip's summary has the same relative numbers as the trace read in order") {
  for (const char* name : {"four-way-close", "lost-data", "connection-refused", "simultaneous-open"}) {
    CAPTURE(name);
    Session s = open_scenario(name);
    s.seek(s.end());
    PacketLooks looks;
    looks.update(s.trace(), s.visible(), 0);
    TcpRelative rel;
    int compared = 0;
    for (size_t i = 0; i < s.visible(); ++i) {
      const TraceEvent& e = s.trace()[i];
      if (e.ev != EvKind::Tx) continue;
      const wire::ParsedFrame f = wire::parse_frame(e.packet().frame);
      const std::string in_order = packet_summary(f, rel);
      const PacketFacts* facts = looks.find(e.packet().id);
      REQUIRE(facts);
      CHECK(packet_summary_of(f, *facts) == in_order);
      ++compared;
    }
    CHECK(compared > 5);
  }
}

TEST_CASE("every kind has its own colour and a readable text colour") {
  for (size_t a = 0; a < kPacketKindCount; ++a)
    for (size_t b = a + 1; b < kPacketKindCount; ++b) {
      CAPTURE(to_string(static_cast<PacketKind>(a)));
      CAPTURE(to_string(static_cast<PacketKind>(b)));
      CHECK_FALSE(packet_colour(static_cast<PacketKind>(a)) == packet_colour(static_cast<PacketKind>(b)));
    }
  CHECK(packet_text_colour(PacketKind::Udp) == Rgb{0, 0, 0});         // yellow: black text
  CHECK(packet_text_colour(PacketKind::Data) == Rgb{255, 255, 255});  // blue: white text
}

TEST_CASE("packet looks are read incrementally and again when the trace is rebuilt") {
  Session s = open_scenario("handshake");
  s.seek(32 * kMs);
  PacketLooks inc;
  inc.update(s.trace(), s.visible() / 2, 0);
  inc.update(s.trace(), s.visible(), 0);
  PacketLooks full;
  full.update(s.trace(), s.visible(), 0);
  CHECK(inc.size() == full.size());
  // The SYN is on the wire from client to sw1 at 32 ms, 2/5 of its 5 ms way.
  const auto flights = s.world().in_flight();
  REQUIRE(flights.size() == 1);
  const PacketFacts* syn = inc.find(flights[0].id);
  REQUIRE(syn);
  CHECK(packet_label(*syn) == "SYN");
  const FlightSpot spot = flight_spot(s.now(), flights[0].sent, flights[0].arrives, flights[0].lost);
  CHECK(spot.along == doctest::Approx(0.4));
  CHECK(spot.fall == 0);
  // A different generation (the session was rebuilt) reads from the start.
  inc.update(s.trace(), 3, 1);
  CHECK(inc.size() <= 1);
}

TEST_CASE("a packet's place on its wire is proportional to time, and a lost one falls after half way") {
  CHECK(flight_spot(10, 10, 20, false).along == 0);
  CHECK(flight_spot(15, 10, 20, false).along == doctest::Approx(0.5));
  CHECK(flight_spot(25, 10, 20, false).along == 1);  // clamped
  CHECK(flight_spot(5, 10, 20, false).along == 0);
  CHECK(flight_spot(10, 10, 10, false).along == 1);  // no duration: already there
  const FlightSpot early = flight_spot(12, 10, 20, true);
  CHECK(early.along == doctest::Approx(0.2));
  CHECK(early.fall == 0);
  const FlightSpot late = flight_spot(18, 10, 20, true);
  CHECK(late.along == doctest::Approx(0.5));
  CHECK(late.fall == doctest::Approx(0.6));
}

TEST_CASE("a drop shows where it happened and fades after a short window") {
  CHECK(drop_spot(DropWhy::Loss).on_link);
  CHECK(drop_spot(DropWhy::Fault).along_from_node == doctest::Approx(0.5));
  CHECK_FALSE(drop_spot(DropWhy::Closed).on_link);
  CHECK(drop_spot(DropWhy::NoRoute).along_from_node == 0);
  CHECK(drop_linger(5 * kMs) == 20 * kMs);   // at 0.02 s/s: one second of wall time
  CHECK(drop_linger(50 * kMs) == 100 * kMs);  // long links: two crossings
  CHECK_FALSE(drop_age(9 * kMs, 10 * kMs, 5 * kMs));  // not yet
  CHECK(*drop_age(10 * kMs, 10 * kMs, 5 * kMs) == 0);
  CHECK(*drop_age(20 * kMs, 10 * kMs, 5 * kMs) == doctest::Approx(0.5));
  CHECK_FALSE(drop_age(30 * kMs, 10 * kMs, 5 * kMs));  // gone
}

TEST_CASE("a lost packet from lost-data is on the wire with lost set, then dropped for loss") {
  Session s = open_scenario("lost-data");
  bool saw_lost = false;
  while (s.step_forward(StepUnit::Event) && !saw_lost)
    for (const InFlightFrame& f : s.world().in_flight()) saw_lost = saw_lost || f.lost;
  CHECK(saw_lost);
  s.seek(s.end());
  bool dropped = false;
  for (size_t i = 0; i < s.visible(); ++i) {
    const TraceEvent& e = s.trace()[i];
    if (e.ev == EvKind::Drop && (e.packet().why == DropWhy::Loss || e.packet().why == DropWhy::Fault)) dropped = true;
  }
  CHECK(dropped);
}

TEST_CASE("the automatic layout of every scenario is tidy: inside the square, no two nodes overlap") {
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(TCPLAB_SOURCE_DIR) + "/scenarios")) {
    if (entry.path().extension() != ".toml") continue;
    const std::string name = entry.path().stem().string();
    CAPTURE(name);
    Session s = open_scenario(name);
    const TopologyGraph g = graph_of(s.world());
    const std::vector<NodePos> pos = auto_layout(g);
    REQUIRE(pos.size() == g.names.size());
    // The view's footprint of a node on a small 640x360 canvas: icon plus name and address
    // under it, about 110x60 px. No two may intersect.
    const float W = 640, H = 360, fw = 110, fh = 60;
    for (size_t i = 0; i < pos.size(); ++i) {
      CHECK(pos[i].x >= 0);
      CHECK(pos[i].x <= 1);
      CHECK(pos[i].y >= 0);
      CHECK(pos[i].y <= 1);
      for (size_t j = i + 1; j < pos.size(); ++j) {
        CAPTURE(g.names[i]);
        CAPTURE(g.names[j]);
        const bool apart = std::abs(pos[i].x - pos[j].x) * W >= fw || std::abs(pos[i].y - pos[j].y) * H >= fh;
        CHECK(apart);
      }
    }
    // Deterministic.
    CHECK(auto_layout(g) == pos);
    ++checked;
  }
  CHECK(checked >= 20);
}

TEST_CASE("the layout reads like the lessons: client on the left, server on the right") {
  SUBCASE("handshake: client - sw1 - server on one line") {
    Session s = open_scenario("handshake");
    const TopologyGraph g = graph_of(s.world());
    const auto pos = auto_layout(g);
    CHECK(at(g, pos, "client").x == 0);
    CHECK(at(g, pos, "sw1").x == doctest::Approx(0.5));
    CHECK(at(g, pos, "server").x == 1);
    CHECK(at(g, pos, "client").y == at(g, pos, "server").y);
    CHECK(at(g, pos, "sw1").y == at(g, pos, "server").y);
  }
  SUBCASE("ping across routers: a chain in order") {
    Session s = open_scenario("ping-across-routers");
    const TopologyGraph g = graph_of(s.world());
    const auto pos = auto_layout(g);
    const char* chain[] = {"client", "r1", "r2", "r3", "server"};
    for (int i = 0; i + 1 < 5; ++i) CHECK(at(g, pos, chain[i]).x < at(g, pos, chain[i + 1]).x);
  }
  SUBCASE("longest prefix: the client left, the two branches right, one above the other") {
    Session s = open_scenario("routing-longest-prefix");
    const TopologyGraph g = graph_of(s.world());
    const auto pos = auto_layout(g);
    CHECK(at(g, pos, "client").x == 0);
    CHECK(at(g, pos, "r1").x < at(g, pos, "ra").x);
    CHECK(at(g, pos, "ra").x == at(g, pos, "rb").x);
    CHECK(at(g, pos, "other").x == 1);
    CHECK(at(g, pos, "server").x == 1);
    // No crossing: each host is on its router's side.
    CHECK((at(g, pos, "ra").y < at(g, pos, "rb").y) == (at(g, pos, "other").y < at(g, pos, "server").y));
  }
  SUBCASE("congestion: both senders on the left of their switch, the server far right") {
    Session s = open_scenario("congestion");
    const TopologyGraph g = graph_of(s.world());
    const auto pos = auto_layout(g);
    CHECK(at(g, pos, "h1").x == 0);
    CHECK(at(g, pos, "h2").x == 0);
    CHECK(at(g, pos, "server").x == 1);
    CHECK(at(g, pos, "sw1").x < at(g, pos, "r1").x);
    // The 20 ms bottleneck gets more room than the 1 ms links, where the queue builds up.
    CHECK(at(g, pos, "server").x - at(g, pos, "r1").x > 1.5f * (at(g, pos, "r1").x - at(g, pos, "sw1").x));
  }
}

TEST_CASE("layouts of odd graphs: nothing, one node, isolated nodes, 200 nodes") {
  CHECK(auto_layout(TopologyGraph{}).empty());
  TopologyGraph one{{"a"}, {NodeType::Host}, {}, {}};
  CHECK(auto_layout(one)[0] == NodePos{0.5f, 0.5f});
  TopologyGraph loners{{"a", "b", "c"}, {NodeType::Host, NodeType::Host, NodeType::Host}, {{0, 0}, {0, 7}}, {}};
  const auto lp = auto_layout(loners);
  CHECK(lp[0].x < lp[1].x);
  CHECK(lp[1].x < lp[2].x);
  // A big network: 20 switches in a row, 9 hosts on each (200 nodes): every node is placed
  // in the square and no two share a spot.
  TopologyGraph big;
  for (int sw = 0; sw < 20; ++sw) {
    big.names.push_back("sw" + std::to_string(sw));
    big.types.push_back(NodeType::Switch);
    if (sw > 0) big.links.emplace_back((sw - 1) * 10, sw * 10);
    for (int h = 0; h < 9; ++h) {
      big.names.push_back("h" + std::to_string(sw) + "_" + std::to_string(h));
      big.types.push_back(NodeType::Host);
      big.links.emplace_back(sw * 10, sw * 10 + 1 + h);
    }
  }
  const auto bp = auto_layout(big);
  REQUIRE(bp.size() == 200);
  for (size_t i = 0; i < bp.size(); ++i)
    for (size_t j = i + 1; j < bp.size(); ++j) CHECK_FALSE(bp[i] == bp[j]);
}

TEST_CASE("layout file: round trip, bad lines and unknown nodes ignored one by one") {
  const std::vector<std::string> names{"client", "sw1", "server"};
  const std::vector<NodePos> pos{{0.1f, 0.2f}, {0.5f, 0.25f}, {0.9f, 0.75f}};
  std::vector<NodePos> back(3);
  CHECK(apply_layout_text(format_layout(names, pos), names, back) == 3);
  for (size_t i = 0; i < 3; ++i) {
    CHECK(back[i].x == doctest::Approx(pos[i].x).epsilon(1e-4));
    CHECK(back[i].y == doctest::Approx(pos[i].y).epsilon(1e-4));
  }
  std::vector<NodePos> p(3, NodePos{0.5f, 0.5f});
  const int applied = apply_layout_text(
      "# a comment\n"
      "client 0.25 0.75   # trailing comment\n"
      "ghost 0.1 0.1\n"        // unknown node
      "sw1 0.3\n"              // missing y
      "sw1 abc 0.2\n"          // not a number
      "server 1.5 0.2\n"       // outside the square
      "server nan 0.2\n"
      "\n"
      "server\t0.875 0.125\r\n",  // tabs and CRLF
      names, p);
  CHECK(applied == 2);
  CHECK(p[0] == NodePos{0.25f, 0.75f});
  CHECK(p[1] == NodePos{0.5f, 0.5f});  // untouched
  CHECK(p[2] == NodePos{0.875f, 0.125f});
}

TEST_CASE("layout file: saved beside a scenario in a writable folder, else in the config folder") {
  TempDir tmp;
  const std::vector<std::string> names{"a", "b"};
  const std::vector<NodePos> pos{{0.0f, 0.5f}, {1.0f, 0.5f}};
  SUBCASE("beside the scenario") {
    const std::string scenario = (tmp.path / "lesson.toml").string();
    const LayoutPaths paths = layout_paths(scenario, nullptr, nullptr);
    CHECK(paths.save == scenario + ".layout");
    std::string err;
    REQUIRE(save_layout(paths, names, pos, &err));
    std::vector<NodePos> back(2);
    REQUIRE(load_layout(paths, names, back));
    CHECK(back == pos);
  }
  SUBCASE("in $XDG_CONFIG_HOME when the scenario's folder cannot be written") {
    const std::string scenario = "/nonexistent-tcplab-dir/lesson.toml";
    const LayoutPaths paths = layout_paths(scenario, tmp.path.c_str(), "/home/nobody");
    CHECK(paths.save == (tmp.path / "tcplab" / "layouts" / "lesson.layout").string());
    REQUIRE(paths.load.size() == 2);
    CHECK(paths.load[1] == scenario + ".layout");  // a layout shipped with the scenarios
    std::string err;
    REQUIRE(save_layout(paths, names, pos, &err));
    std::vector<NodePos> back(2);
    REQUIRE(load_layout(paths, names, back));
    CHECK(back == pos);
  }
  SUBCASE("in ~/.config when XDG_CONFIG_HOME is unset or relative") {
    const LayoutPaths paths = layout_paths("/nonexistent-tcplab-dir/x.toml", "relative/dir", "/home/u");
    CHECK(paths.save == "/home/u/.config/tcplab/layouts/x.layout");
  }
  SUBCASE("nowhere for a scenario without a file - a missing file loads nothing") {
    CHECK(layout_paths("", "/tmp", "/root").save.empty());
    std::vector<NodePos> p(2);
    CHECK_FALSE(load_layout(layout_paths((tmp.path / "none.toml").string(), nullptr, nullptr), names, p));
    std::string err;
    CHECK_FALSE(save_layout(LayoutPaths{}, names, pos, &err));
    CHECK_FALSE(err.empty());
  }
}

}  // TEST_SUITE
