#!/bin/sh
# The macro benchmarks against ns-3 (issue 6): each tcplab scenario and its ns-3 peer program
# run alternately for ROUNDS rounds (default 5); prints medians and the ratios ns-3/tcplab of
# wall time and peak memory, after checking that both did the same work, and appends the
# table with the machine's description to tests/bench/RESULTS.md. compare.py does the work.
#   tests/bench/compare.sh [--build DIR] [--quick] [--seconds S] [BENCH...]
#   BENCH: dumbbell:N | storm:N | many-hosts:N     e.g. ROUNDS=3 tests/bench/compare.sh storm:2000
exec /usr/bin/python3 "$(dirname "$0")/compare.py" "$@"
