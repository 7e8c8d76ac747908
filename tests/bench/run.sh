#!/bin/sh
# Benchmarks, run on demand (never by ctest: shared machines are noisy). Prints, per
# benchmark, what `tcplab run --stats` measures: events, simulated and wall time,
# events per second and peak memory. Usage: tests/bench/run.sh [path/to/tcplab]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-"$here/../../build/tcplab"}
for scenario in "$here"/*.toml; do
  echo "== $(basename "$scenario" .toml)"
  "$bin" run "$scenario" --format table --out /dev/null --stats
done
