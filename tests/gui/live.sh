#!/bin/sh
# GUI test of Live mode (issue 5; ctest label `gui`, run under xvfb-run): `tcplab --live
# SCENARIO` runs the scenario on the real kernel and shows it in the panels, with the
# simulation's ladder beside the kernel's and the level badge. The screenshot waits until
# the run reached --at. Level 1 needs no privilege; level 3 runs when this is root (CI).
# SIGINT during a live run closes the window with exit code 130 and leaves nothing behind.
#   live.sh TCPLAB PNG_CHECK OUT_DIR
set -eu
bin=$1 check=$2 out=$3
rm -rf "$out" && mkdir -p "$out" && cd "$out"

live="topology state lesson timeline inspector tables console plots live_compare live_badge"
has() {  # has FILE WINDOW...: each window was drawn
  file=$1; shift
  for w in "$@"; do grep -q "###$w\$" "$file" || { echo "FAIL: no $w window in $file"; cat "$file"; exit 1; }; done
}
lacks() {
  file=$1; shift
  for w in "$@"; do ! grep -q "###$w\$" "$file" || { echo "FAIL: $w window drawn in $file"; exit 1; }; done
}
png() { "$check" "$1" --size "$2" --min-colours 200 --min-content 0.05; }
# Level 1 puts every host on this machine's 127.0.0.1 and the lessons listen on port 2000,
# so level-1 runs of other test processes (tests/live_testing.h, run_kernel) would reach
# ours under ctest -j: every level-1 run takes turns on the lock file they share.
level1() { flock /tmp/tcplab-tests-live-level1.lock "$bin" "$@"; }
# The kernel's trace reached the panels: the line the screenshot hook prints.
states_at_least() {  # states_at_least ERRFILE N
  n=$(sed -n 's/.* events, \([0-9]*\) state changes.*/\1/p' "$1")
  [ -n "$n" ] && [ "$n" -ge "$2" ] || { echo "FAIL: fewer than $2 kernel state changes shown"; cat "$1"; exit 1; }
}

# Level 1, at the end of the handshake (1 s of wall-clock time).
level1 --live handshake --level 1 --screenshot level1.png --at 1s --size 1920x1080 --dump-windows level1.txt \
  --select conn:client/s1 2> level1.err
cat level1.err
png level1.png 1920x1080
has level1.txt $live
lacks level1.txt ladder   # the side-by-side window holds the kernel's ladder
grep -q "tcplab: live level 1" level1.err || { echo "FAIL: not level 1"; exit 1; }
grep -q "live trace at t = 1s" level1.err || { echo "FAIL: the screenshot did not wait for 1s"; exit 1; }
states_at_least level1.err 4   # LISTEN, SYN_SENT, ESTABLISHED on both sides

# Chinese, presentation mode: the live windows are translated and placed too.
level1 --live four-way-close --level 1 --lang zh --present --screenshot zh.png --at 500ms --size 1280x720 \
  --dump-windows zh.txt 2> zh.err
png zh.png 1280x720
has zh.txt topology state lesson timeline live_compare live_badge

# The Live menu's path from a simulation: start (level 1), the run ends by itself, back to
# the simulation as it was (the cursor where the student left it, the ladder back).
cat > menu.script <<'SCRIPT'
intent seek 60ms
wait 2
intent live-start 1
wait 3
expect window live_compare
expect no-window ladder
dump-windows menu-live.txt
wait 300
expect playing off
screenshot menu-live.png
intent live-leave
wait 3
expect no-window live_compare
expect window ladder
expect time 60ms
SCRIPT
level1 handshake --script menu.script --size 1600x900 2> menu.err || { echo "FAIL: menu script"; cat menu.err; exit 1; }
png menu-live.png 1600x900
has menu-live.txt live_compare live_badge

if [ "$(id -u)" = 0 ]; then
  # Level 3: the simulator is the wire; the real SYN is on the topology's wire at 35 ms.
  "$bin" --live handshake --level 3 --screenshot level3.png --at 40ms --size 1920x1080 --dump-windows level3.txt \
    2> level3.err
  cat level3.err
  png level3.png 1920x1080
  has level3.txt $live
  grep -q "tcplab: live level 3" level3.err || { echo "FAIL: not level 3"; exit 1; }
  level=3
else
  echo "live.sh: not root, level 3 and the namespace clean-up check skipped (CI runs them as root)"
  level=1
fi

# SIGINT in the middle of a 70 s live run: the window closes at once, exit code 130, and
# no namespace or socket of this process is left.
"$bin" --live time-wait --level $level --screenshot never.png --size 800x600 2> sigint.err &
pid=$!
sleep 2
kill -INT $pid
t0=$(date +%s)
rc=0
wait $pid || rc=$?
t1=$(date +%s)
[ "$rc" = 130 ] || { echo "FAIL: exit code $rc after SIGINT, expected 130"; cat sigint.err; exit 1; }
[ $((t1 - t0)) -le 5 ] || { echo "FAIL: took $((t1 - t0)) s to stop after SIGINT"; exit 1; }
[ ! -e never.png ] || { echo "FAIL: a screenshot was taken after SIGINT"; exit 1; }
if [ "$level" = 3 ]; then
  ! ip netns list | grep -q "tcplab-$pid-" || { echo "FAIL: namespaces of $pid left"; ip netns list; exit 1; }
  ! ip -o link show | grep -q "tl$pid-" || { echo "FAIL: TAP devices of $pid left"; exit 1; }
fi
echo "live: all good (in $out)"
