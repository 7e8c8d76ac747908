# The ns-3 peer programs of the macro benchmarks (tests/bench/compare.sh), built against
# Debian's libns3-dev 3.37: headers in /usr/include/ns3, one shared library per module
# (libns3-MODULE.so). Neither of the package's own descriptions is usable as shipped: its
# CMake package (find_package(ns3)) refers to /usr/libexec/ns3 helpers that no Debian package
# installs and stops the configure, and its pkg-config files carry a stray "-I/usr;" in
# Cflags. So each module becomes an imported target of ours, ns3::MODULE.
find_path(NS3_INCLUDE_DIR ns3/core-module.h)
if(NOT NS3_INCLUDE_DIR)
  message(FATAL_ERROR "TCPLAB_BENCH needs ns-3: apt-get install libns3-dev (./tcplab.sh bench does)")
endif()
foreach(module core network internet traffic-control bridge point-to-point csma applications internet-apps)
  find_library(NS3_LIB_${module} ns3-${module})
  if(NOT NS3_LIB_${module})
    message(FATAL_ERROR "TCPLAB_BENCH: libns3-${module}.so not found (apt-get install libns3-dev)")
  endif()
  add_library(ns3::${module} SHARED IMPORTED)
  set_target_properties(ns3::${module} PROPERTIES IMPORTED_LOCATION ${NS3_LIB_${module}}
                        INTERFACE_INCLUDE_DIRECTORIES ${NS3_INCLUDE_DIR})
endforeach()

function(tcplab_ns3_bench name)
  add_executable(ns3_${name} ${PROJECT_SOURCE_DIR}/tests/bench/ns3/${name}.cc)
  target_link_libraries(ns3_${name} PRIVATE ${ARGN})
  # ns-3 3.37 is C++17: its headers name constructors with template-ids (Singleton<T>(…)),
  # which C++20 refuses.
  set_target_properties(ns3_${name} PROPERTIES CXX_STANDARD 17)
  # ns-3's own headers warn under -Wpedantic; the basic warnings for our files.
  target_compile_options(ns3_${name} PRIVATE -Wall -Wextra)
endfunction()

tcplab_ns3_bench(dumbbell ns3::core ns3::network ns3::internet ns3::traffic-control
                 ns3::point-to-point ns3::applications)
tcplab_ns3_bench(storm ns3::core ns3::network ns3::internet ns3::traffic-control ns3::point-to-point)
tcplab_ns3_bench(many_hosts ns3::core ns3::network ns3::internet ns3::traffic-control ns3::csma
                 ns3::bridge ns3::internet-apps)
