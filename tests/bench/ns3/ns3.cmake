# The ns-3 peer programs of the macro benchmarks (tests/bench/compare.sh), built against
# Debian's libns3-dev 3.37 through the CMake package it installs
# (/usr/lib/x86_64-linux-gnu/cmake/ns3: imported targets ns3::libNAME). Its pkg-config
# files are not usable as shipped (a stray "-I/usr;" in Cflags).
find_package(ns3 3.37 CONFIG)
if(NOT ns3_FOUND)
  message(FATAL_ERROR "TCPLAB_BENCH needs ns-3: apt-get install libns3-dev (./tcplab.sh bench does)")
endif()

function(tcplab_ns3_bench name)
  add_executable(ns3_${name} ${PROJECT_SOURCE_DIR}/tests/bench/ns3/${name}.cc)
  target_link_libraries(ns3_${name} PRIVATE ${ARGN})
  # ns-3's own headers warn under -Wpedantic; only the basic warnings for our files.
  target_compile_options(ns3_${name} PRIVATE -Wall -Wextra)
endfunction()

tcplab_ns3_bench(dumbbell ns3::libcore ns3::libnetwork ns3::libinternet ns3::libtraffic-control
                 ns3::libpoint-to-point ns3::libapplications)
tcplab_ns3_bench(storm ns3::libcore ns3::libnetwork ns3::libinternet ns3::libtraffic-control
                 ns3::libpoint-to-point)
tcplab_ns3_bench(many_hosts ns3::libcore ns3::libnetwork ns3::libinternet ns3::libtraffic-control
                 ns3::libcsma ns3::libbridge ns3::libinternet-apps)
