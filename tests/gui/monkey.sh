#!/bin/sh
# GUI test (ctest label `gui`, under xvfb-run): the monkey clicks, drags, types and
# intervenes at random on three lessons with different seeds (about 20 s in all). Any
# crash or ImGui assertion (Debian's libimgui keeps IM_ASSERT) fails it; exit 0 passes.
#   monkey.sh TCPLAB OUT_DIR
set -eu
bin=$1 out=$2
rm -rf "$out" && mkdir -p "$out" && cd "$out"  # the monkey may save files: only here
for run in "handshake 1" "lost-data 2" "congestion 3"; do
  set -- $run
  echo "== $1, seed $2"
  "$bin" "$1" --monkey 6s --monkey-seed "$2" --size 1280x720
done
echo "monkey: no crash"
