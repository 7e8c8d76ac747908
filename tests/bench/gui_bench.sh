#!/bin/sh
# The GUI benchmark, on demand (issue 4 "Performance": median CPU frame time ≤ 8 ms at
# 1920×1080 under Xvfb with 200 nodes and ~2,000 packets in flight; a step back anywhere in
# a 60 s run ≤ 50 ms). Not a ctest: a shared machine's numbers are noise for a pass/fail.
#   tests/bench/gui_bench.sh [path/to/tcplab] [--per-view]
# Prints `tcplab --bench-frames`'s median and p95 CPU frame time (ImGui NewFrame → Render,
# i.e. the views and the app; the GL rasterisation by llvmpipe and the swap are printed
# apart), then, with --per-view, the same with each view alone (the others hidden): what
# that view costs. Last, the time-travel benchmark (no display needed).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-"$here/../../build/tcplab"}
per_view=${2:-}
frames=${FRAMES:-300}
at=${AT:-2s}  # the 200-node scenario has ~2,090 packets on the wires at 2 s
big=${TMPDIR:-/tmp}/tcplab-gui-200-nodes.toml
python3 "$here/gen_gui_bench.py" "$big"
run() {
  xvfb-run -a -s "-screen 0 1920x1080x24" "$bin" "$big" --bench-frames "$frames" --size 1920x1080 --at "$at" "$@"
}
echo "== GUI: 200 nodes at $at, $frames frames, 1920x1080"
run
if [ "$per_view" = "--per-view" ]; then
  # Each view alone (every other window hidden): its own cost, apart from the noise of the
  # others. "none" is the app itself (menu, status bar).
  all="topology ladder state lesson timeline inspector tables console plots"
  for view in none $all; do
    hide=$(echo $all | tr ' ' '\n' | grep -vx "$view" | paste -sd, -)
    printf '%-10s alone: ' "$view"
    run --hide "$hide" | head -1
  done
fi
echo "== time travel: 60 s simulated"
"$bin" "$here/gui-step-back-60s.toml" --bench-step-back 100
echo "== time travel: the 200-node scenario, 3 s simulated"
"$bin" "$big" --bench-step-back 30
