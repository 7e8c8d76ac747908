#!/bin/sh
# Regenerates the README's screenshots with tcplab's own --screenshot hook (under Xvfb, so
# no display is needed):  docs/make-screenshots.sh [path/to/tcplab]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-"$here/../build/tcplab"}
shot() {
  out=$1
  shift
  xvfb-run -a -s "-screen 0 1920x1080x24" "$bin" "$@" --size 1920x1080 --screenshot "$here/$out"
  echo "wrote docs/$out"
}
shot handshake.png handshake --at 42ms
shot lost-data.png lost-data --at 520ms --select packet:9
shot presentation-zh.png time-wait --at 430ms --present --lang zh
# Live mode at level 3 (needs root or the capabilities; see README "Live mode").
shot live-level3.png --live lost-syn --level 3 --at 1200ms
