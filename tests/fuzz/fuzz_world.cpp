// libFuzzer target 'world' (whole-stack fuzzing, issue 7): the body is tcplab::fuzz::world in
// tests/fuzz/targets.h, which the normal suite also replays on tests/fuzz/regressions/world/
// (tests/test_fuzz_regressions.cpp).
#include "tests/fuzz/targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { return tcplab::fuzz::world(data, size); }
