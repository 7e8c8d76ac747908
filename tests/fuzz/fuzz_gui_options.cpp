// libFuzzer target 'gui_options': the body is tcplab::fuzz::gui_options in tests/fuzz/targets.h, which the
// normal suite also replays on tests/fuzz/regressions/gui_options/ (tests/test_fuzz_regressions.cpp).
#include "tests/fuzz/targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { return tcplab::fuzz::gui_options(data, size); }
