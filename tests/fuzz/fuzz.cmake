# The libFuzzer targets (issue 7 "Fuzzing"), included by the top CMakeLists.txt when
# TCPLAB_FUZZ is ON: the library built with coverage and ASan + UBSan, one executable per
# tests/fuzz/fuzz_NAME.cpp, and the ctest label `fuzz` (tests/fuzz/run.sh per target, after
# tcplab_fuzz_seeds has written the generated seeds). `./tcplab.sh fuzz` does all of it in
# its own build dir; README "Fuzzing".
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "TCPLAB_FUZZ needs clang (libFuzzer): configure with "
                      "-DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_C_COMPILER=clang-14, as ./tcplab.sh fuzz does")
endif()
set(TCPLAB_FUZZ_SANITIZERS -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g)
target_compile_options(tcplab_sim PRIVATE ${TCPLAB_FUZZ_SANITIZERS} -fsanitize=fuzzer-no-link)

enable_testing()
set(FUZZ_WORK ${PROJECT_BINARY_DIR}/fuzz)

# The generated seeds: frames of real runs, the scenarios' commands and filters.
add_executable(tcplab_fuzz_seeds ${PROJECT_SOURCE_DIR}/tests/fuzz/make_seeds.cpp)
target_compile_options(tcplab_fuzz_seeds PRIVATE ${TCPLAB_WARNINGS} ${TCPLAB_FUZZ_SANITIZERS})
target_link_options(tcplab_fuzz_seeds PRIVATE -fsanitize=address,undefined)
target_link_libraries(tcplab_fuzz_seeds PRIVATE tcplab_sim)
add_test(NAME fuzz_seeds COMMAND tcplab_fuzz_seeds ${PROJECT_SOURCE_DIR} ${FUZZ_WORK}/seeds)
set_tests_properties(fuzz_seeds PROPERTIES LABELS fuzz FIXTURES_SETUP fuzz_seeds)

file(GLOB TCPLAB_FUZZ_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/fuzz/fuzz_*.cpp)
foreach(source ${TCPLAB_FUZZ_SOURCES})
  get_filename_component(target ${source} NAME_WE)  # fuzz_wire
  string(REGEX REPLACE "^fuzz_" "" name ${target})   # wire
  add_executable(${target} ${source})
  target_compile_options(${target} PRIVATE ${TCPLAB_WARNINGS} ${TCPLAB_FUZZ_SANITIZERS} -fsanitize=fuzzer)
  target_link_options(${target} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_libraries(${target} PRIVATE tcplab_sim)
  add_test(NAME ${target} COMMAND sh ${PROJECT_SOURCE_DIR}/tests/fuzz/run.sh $<TARGET_FILE:${target}>
           ${name} ${FUZZ_WORK} ${PROJECT_SOURCE_DIR})
  # run.sh bounds the time ($TCPLAB_FUZZ_SECONDS); ctest's own limit only catches a hang.
  set_tests_properties(${target} PROPERTIES LABELS fuzz FIXTURES_REQUIRED fuzz_seeds TIMEOUT 86400)
endforeach()
