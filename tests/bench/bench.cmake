# The benchmarks (issue 6), built only with -DTCPLAB_BENCH=ON (`./tcplab.sh bench`): never
# ctest tests, since shared machines are noisy; they run on demand and print figures.
#   micro/micro.cmake  Google Benchmark cases over the library (tcplab_micro_bench)
#   ns3/ns3.cmake      the ns-3 peer programs of the macro benchmarks (tests/bench/compare.sh)
if(EXISTS ${PROJECT_SOURCE_DIR}/tests/bench/micro/micro.cmake)
  include(${PROJECT_SOURCE_DIR}/tests/bench/micro/micro.cmake)
endif()
include(${PROJECT_SOURCE_DIR}/tests/bench/ns3/ns3.cmake)
