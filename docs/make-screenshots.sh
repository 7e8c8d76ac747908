#!/bin/sh
# Regenerates the pictures of the README and of docs/guide.md with tcplab's own
# --screenshot hook and --script input (under Xvfb, so no display is needed):
#   docs/make-screenshots.sh [path/to/tcplab]
# The scripted shots click at pixel positions of a 1920x1080 window: if a layout change
# moves what they click, the script's `expect` lines make it fail rather than take the
# wrong picture.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-"$here/../build/tcplab"}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
xvfb() {
  xvfb-run -a -s "-screen 0 1920x1080x24" "$bin" "$@" --size 1920x1080
}
shot() {
  out=$1
  shift
  xvfb "$@" --screenshot "$here/$out"
  echo "wrote docs/$out"
}
# scripted OUT SCENARIO [options] < script text: runs the script, whose `screenshot OUT`
# line names the picture.
scripted() {
  out=$1
  shift
  sed "s|@OUT@|$here/$out|" > "$tmp/script"
  xvfb "$@" --script "$tmp/script"
  echo "wrote docs/$out"
}

shot handshake.png handshake --at 42ms
shot lost-data.png lost-data --at 520ms --select packet:9
shot presentation-zh.png time-wait --at 430ms --present --lang zh

# The guide's pictures.
scripted guide-open.png handshake --at 42ms <<'SCRIPT'
wait 3
key ctrl+O
wait 5
screenshot @OUT@
SCRIPT
# The right-click menu on the SYN-ACK, on its way at 42 ms.
scripted guide-drop-menu.png handshake --at 42ms <<'SCRIPT'
wait 3
move 439 186
wait 2
click 439 186 right
wait 3
screenshot @OUT@
SCRIPT
# ... "Drop it", then 1.08 s: both sides retransmit.
scripted guide-dropped.png handshake --at 42ms <<'SCRIPT'
wait 3
move 439 186
wait 2
click 439 186 right
wait 3
click 471 225
wait 3
expect interventions 1
intent seek 1080ms
wait 5
screenshot @OUT@
SCRIPT
# `ss -tan` typed on the server in the middle of the handshake.
scripted guide-console.png handshake --at 45ms <<'SCRIPT'
wait 3
click 165 713
wait 2
click 330 903
wait 1
type ss -tan
key Enter
wait 3
expect interventions 1
screenshot @OUT@
SCRIPT

# The Lesson panel: udp-echo's programs beside the narration, its first answer revealed.
scripted guide-lesson.png udp-echo --at 1s <<'SCRIPT'
wait 3
intent reveal 1
wait 3
expect answers 1
screenshot @OUT@
SCRIPT

# Live mode at level 3 (needs root or the capabilities; see README "Live mode").
shot live-level3.png --live lost-syn --level 3 --at 1200ms
