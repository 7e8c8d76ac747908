#!/bin/sh
# GUI test (ctest label `gui`, under xvfb-run): a scripted session makes an experiment
# (a console command, then a dropped data segment), saves it with Ctrl+S through the Save
# dialog, exports a pcap; `tcplab run` of the saved file must give the very trace the GUI
# session had (DESIGN.md principle 3). Also: the Open dialog reports a broken file with
# FILE:LINE:COL, and a failed `expect` ends the script with exit 1.
#   script.sh TCPLAB OUT_DIR
set -eu
bin=$1 out=$2
rm -rf "$out" && mkdir -p "$out" && cd "$out"

cat > experiment.script <<SCRIPT
intent seek 12ms
intent run client ping -c 1 192.168.1.20
wait 2
intent seek 102ms
# the "hello" segment is on the wire now
intent drop first-tcp
wait 2
expect interventions 2
key ctrl+s
wait 3
key ctrl+a
type $out/experiment.toml
key Enter
wait 3
expect status Saved $out/experiment.toml
intent seek 1s
wait 2
trace $out/session.jsonl
intent export-pcap $out/run.pcap
wait 2
expect status Saved $out/run.pcap
SCRIPT
"$bin" handshake --script experiment.script --size 1280x720
grep -q '^\[\[fault\]\]' experiment.toml && grep -q 'cmd = "ping -c 1 192.168.1.20"' experiment.toml \
  || { echo "FAIL: the saved scenario lacks the interventions"; exit 1; }
"$bin" run experiment.toml --format jsonl > replay.jsonl
cmp session.jsonl replay.jsonl || { echo "FAIL: tcplab run of the saved file differs from the session"; exit 1; }
grep -q '"why":"fault"' replay.jsonl || { echo "FAIL: the drop is not in the replay"; exit 1; }
grep -q '"retx":true' replay.jsonl || { echo "FAIL: no retransmission after the drop"; exit 1; }
if command -v tshark >/dev/null 2>&1; then
  n=$(tshark -r run.pcap 2>/dev/null | wc -l)
  [ "$n" -gt 10 ] || { echo "FAIL: tshark reads $n packets from the pcap"; exit 1; }
fi

# A scenario with an error: the Open dialog keeps the current lesson and says where.
printf 'title = "broken"\n[[node]]\nname = "x"\ntype = "hots"\n' > broken.toml
cat > open.script <<SCRIPT
key ctrl+o
wait 3
type $out/broken.toml
key Enter
wait 2
expect status broken.toml:4:8: type must be host, router or switch
key Escape
wait 2
intent open lost-syn
wait 2
expect time 0ns
SCRIPT
"$bin" handshake --script open.script --size 1280x720

# The keyboard of the classroom: → ← Home Space F11 (handshake's first events: 0, 10, 15 ms).
cat > keys.script <<SCRIPT
key Right
wait 1
expect time 10ms
key Right
wait 1
expect time 15ms
key Left
wait 1
expect time 10ms
key Home
wait 1
expect time 0ns
# slow enough that no pause step (the next at 10 ms) can stop the playback on a busy machine
intent speed 0.001
key Space
wait 1
expect playing on
key Space
wait 1
expect playing off
key F11
wait 4
expect present on
expect window ladder
expect no-window console
key F11
wait 4
expect present off
expect window console
SCRIPT
"$bin" handshake --script keys.script --size 1280x720

# A failed expectation is exit 1, and says which line.
printf 'expect interventions 3\n' > fail.script
if "$bin" handshake --script fail.script --size 1280x720 2> fail.err; then
  echo "FAIL: a failed expect exited 0"; exit 1
fi
grep -q "fail.script:1: expectation failed" fail.err || { echo "FAIL: no message"; cat fail.err; exit 1; }
echo "script: all good (in $out)"
