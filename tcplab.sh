#!/usr/bin/env bash
# tcplab set-up, build and launch, on a fresh Debian 12 machine.
#
#   ./tcplab.sh              install what is missing, build, launch on the default scenario
#   ./tcplab.sh run ARGS...  the same set-up, then ./build/tcplab ARGS...
#   ./tcplab.sh test         the same set-up, then the test suite (ctest; not the `long` label)
#   ./tcplab.sh test ARGS... ctest with ARGS instead, e.g. `-L '^long$'` for the long property runs
#   ./tcplab.sh test --sanitize [ARGS...]
#                            the same suite built with AddressSanitizer and UBSan, in BUILD-sanitize
#   ./tcplab.sh build        set-up and build only
#   ./tcplab.sh fuzz [ARGS]  the fuzz targets, built with clang in build-fuzz/, each run for
#                            $TCPLAB_FUZZ_SECONDS (default 30) s: ctest -L fuzz [ARGS]
#   ./tcplab.sh bench [ARGS] the benchmarks, built Release with ns-3 (libns3-dev) in build-bench/:
#                            the micro benchmarks, then tests/bench/compare.sh [ARGS] (tcplab
#                            against ns-3; ROUNDS=1 ./tcplab.sh bench --quick to try it)
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
BUILD_DIR=${TCPLAB_BUILD_DIR:-$ROOT/build}

# Every Debian package the build, the app and the tests need (DESIGN.md "Dependencies").
PACKAGES=(
  cmake g++ make pkg-config
  libtomlplusplus-dev doctest-dev
  libimgui-dev libglfw3-dev python3-glad libstb-dev libfontconfig-dev
  fonts-dejavu-core fonts-noto-cjk libgl1-mesa-dri libglx-mesa0
  libpcap-dev
  tshark xvfb xauth
  libbenchmark-dev
  clang-14 libclang-rt-14-dev
  iproute2 libcap2-bin util-linux procps python3 iputils-ping net-tools traceroute
)

# Packages only `./tcplab.sh bench` needs: ns-3 for the peer programs of the macro benchmarks.
BENCH_PACKAGES=(libns3-dev)

missing_packages() {
  local p
  for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      echo "$p"
    fi
  done
}

install_packages() {
  local missing
  missing=$(missing_packages)
  [ -z "$missing" ] && return 0
  echo "tcplab.sh: installing missing Debian packages:" $missing
  local SUDO=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      SUDO=(sudo)
    else
      echo "tcplab.sh: these packages are missing and I am neither root nor able to use sudo:" >&2
      echo "    $missing" >&2
      echo "Install them as root: apt-get install $missing" >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  # tshark's package asks whether non-root users may capture; answer "no" ahead of time.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | "${SUDO[@]}" debconf-set-selections 2>/dev/null || true
  "${SUDO[@]}" apt-get update -qq
  # shellcheck disable=SC2086
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
}

build() {
  cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="${TCPLAB_BUILD_TYPE:-Release}" "$@" >/dev/null
  cmake --build "$BUILD_DIR" -j "$(nproc)"
  # ./tcplab stays the normal build: the sanitized one is for the tests.
  if [ -z "${SANITIZE:-}" ]; then ln -sfn "$BUILD_DIR/tcplab" "$ROOT/tcplab"; fi
}

cmd=${1:-gui}
case "$cmd" in
  gui)
    install_packages; build; exec "$BUILD_DIR/tcplab" ;;
  run)
    shift; install_packages; build; exec "$BUILD_DIR/tcplab" "$@" ;;
  build)
    install_packages; build ;;
  test)
    shift
    build_args=()
    if [ "${1:-}" = "--sanitize" ]; then
      shift
      # A build of its own beside the normal one: AddressSanitizer + UndefinedBehaviorSanitizer
      # (CMakeLists.txt, TCPLAB_SANITIZE). -O1 -g1: line numbers in the reports, assert() and
      # IM_ASSERT on (no NDEBUG), and about half the compile time and object size of -O2 -g.
      BUILD_DIR=${TCPLAB_BUILD_DIR:-$ROOT/build}-sanitize
      TCPLAB_BUILD_TYPE=RelWithDebInfo
      build_args=(-DTCPLAB_SANITIZE=ON -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1"
                  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1")
      SANITIZE=1
      supp=$ROOT/tests/sanitizer
      # Every finding is fatal and fails its test. A finding exits with 86, a code no test
      # expects of tcplab (tests do check for 1, 2 and 3: a leak found at exit must not pass
      # for the error they expect). The suppression files name third-party libraries only;
      # why each entry is there is said in them. Forked children that end with _exit() run
      # no leak check; the others do.
      export ASAN_OPTIONS="exitcode=86:halt_on_error=1:detect_leaks=1:strict_init_order=1:check_initialization_order=1:detect_stack_use_after_return=1"
      export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
      export UBSAN_OPTIONS="exitcode=86:halt_on_error=1:print_stacktrace=1:suppressions=$supp/ubsan.supp:print_suppressions=0"
    fi
    install_packages; build "${build_args[@]}"
    cd "$BUILD_DIR"
    # Without arguments: everything but the `long` label (the long property runs;
    # `./tcplab.sh test -L '^long$'` runs them).
    if [ $# -eq 0 ]; then set -- -LE '^long$'; fi
    ctest --output-on-failure -j "$(nproc)" "$@" ;;
  fuzz)
    # A build of its own (clang, libFuzzer, ASan + UBSan): the library and tests/fuzz only.
    shift
    install_packages
    FUZZ_BUILD_DIR=${TCPLAB_FUZZ_BUILD_DIR:-$BUILD_DIR-fuzz}
    cmake -S "$ROOT" -B "$FUZZ_BUILD_DIR" -DTCPLAB_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 >/dev/null
    cmake --build "$FUZZ_BUILD_DIR" -j "$(nproc)"
    cd "$FUZZ_BUILD_DIR"
    status=0
    ctest --output-on-failure -j "$(nproc)" -L '^fuzz$' "$@" || status=$?
    # How many inputs each target ran (libFuzzer's -print_final_stats, in ctest's log): a
    # target that ran few found little, and CI's log should say so.
    awk '/^fuzz [a-z_]+: [0-9]+ s on /{name=$2; secs=$3}
         /^stat::number_of_executed_units:/{sub(":", "", name); printf "  fuzz_%-12s %10d inputs in %s s\n", name, $2, secs}' \
      Testing/Temporary/LastTest.log
    exit $status ;;
  bench)
    # A build of its own (Release, -DTCPLAB_BENCH=ON): the normal targets plus the micro
    # benchmarks and the ns-3 peer programs (tests/bench/bench.cmake). ns-3 is a bench-only
    # package: the normal build and tests do not need it.
    shift
    PACKAGES+=("${BENCH_PACKAGES[@]}")
    install_packages
    BENCH_BUILD_DIR=${TCPLAB_BENCH_BUILD_DIR:-$BUILD_DIR-bench}
    # No test suite in this build (BUILD_TESTING=OFF): it measures, the normal build tests.
    cmake -S "$ROOT" -B "$BENCH_BUILD_DIR" -DTCPLAB_BENCH=ON -DBUILD_TESTING=OFF \
      -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BENCH_BUILD_DIR" -j "$(nproc)"
    if [ -x "$BENCH_BUILD_DIR/tcplab_micro_bench" ]; then
      echo "== micro benchmarks (tcplab_micro_bench)"
      "$BENCH_BUILD_DIR/tcplab_micro_bench"
    else
      echo "tcplab.sh: no micro benchmarks in this tree (tests/bench/micro/): skipped"
    fi
    exec "$ROOT/tests/bench/compare.sh" --build "$BENCH_BUILD_DIR" "$@" ;;
  -h|--help|help)
    # The comment block at the top, however long it grows.
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" ;;
  *)
    echo "tcplab.sh: unknown command '$cmd' (expected: run, test, build, fuzz, bench, or nothing)" >&2
    exit 2 ;;
esac
