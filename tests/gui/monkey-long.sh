#!/bin/sh
# Long GUI test (ctest `gui_monkey_long`, labels `gui` and `long`, so not in the default
# run; under xvfb-run): the monkey of monkey.sh for 10 minutes, one minute on each of ten
# lessons with its own seed, over interventions, time travel and saved files alike. Any
# crash or ImGui assertion fails it; exit 0 passes.
#   monkey-long.sh TCPLAB OUT_DIR
set -eu
bin=$1 out=$2
rm -rf "$out" && mkdir -p "$out" && cd "$out"  # the monkey may save files: only here
seed=100
for lesson in handshake lost-data congestion time-wait zero-window file-download \
              traceroute simultaneous-open backlog ping-across-routers; do
  seed=$((seed + 1))
  echo "== $lesson, seed $seed"
  "$bin" "$lesson" --monkey 60s --monkey-seed "$seed" --size 1280x720
done
echo "monkey-long: no crash in 10 minutes"
