// libFuzzer target 'scenario': the body is tcplab::fuzz::scenario in tests/fuzz/targets.h, which the
// normal suite also replays on tests/fuzz/regressions/scenario/ (tests/test_fuzz_regressions.cpp).
#include "tests/fuzz/targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { return tcplab::fuzz::scenario(data, size); }
