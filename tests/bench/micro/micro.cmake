# Micro benchmarks and scale checks of issue 6 (tests/bench/micro). Included by
# tests/bench/bench.cmake when TCPLAB_BENCH is ON; never part of the normal build or ctest
# (benchmarks run on demand: shared machines are noisy).
#   tcplab_micro_bench  Google Benchmark (Debian libbenchmark-dev): the simulator's hot
#                       primitives one by one, through its public headers (micro_*.cpp)
#   tcplab_scale_bench  prints the issue's scale figures next to their targets (scale_*.cpp)
# bench_worlds.cpp builds the worlds both use.
find_package(benchmark REQUIRED)

set(TCPLAB_MICRO_DIR ${CMAKE_CURRENT_LIST_DIR})

file(GLOB TCPLAB_MICRO_BENCH_SOURCES CONFIGURE_DEPENDS ${TCPLAB_MICRO_DIR}/micro_*.cpp)
add_executable(tcplab_micro_bench ${TCPLAB_MICRO_BENCH_SOURCES} ${TCPLAB_MICRO_DIR}/bench_worlds.cpp)
target_compile_options(tcplab_micro_bench PRIVATE ${TCPLAB_WARNINGS})
target_link_libraries(tcplab_micro_bench PRIVATE tcplab_sim benchmark::benchmark benchmark::benchmark_main)

file(GLOB TCPLAB_SCALE_BENCH_SOURCES CONFIGURE_DEPENDS ${TCPLAB_MICRO_DIR}/scale_*.cpp)
add_executable(tcplab_scale_bench ${TCPLAB_SCALE_BENCH_SOURCES} ${TCPLAB_MICRO_DIR}/bench_worlds.cpp)
target_compile_options(tcplab_scale_bench PRIVATE ${TCPLAB_WARNINGS})
target_link_libraries(tcplab_scale_bench PRIVATE tcplab_sim)
