// The GUI tests' eye (tests/gui/*.sh): is a screenshot a real picture of the app, not a
// blank or black frame? Checks the size, the number of distinct colours (text is
// anti-aliased, so a drawn UI has hundreds) and the share of pixels that differ from the
// most common one (the background).
//   tcplab_png_check FILE.png [--size WxH] [--min-colours N] [--min-content FRACTION]
// Prints what it measured; exit 0 when every check holds, 1 otherwise, 2 on bad usage.
#include <stb_image.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE.png [--size WxH] [--min-colours N] [--min-content FRACTION]\n", argv[0]);
    return 2;
  }
  int want_w = 0, want_h = 0;
  long min_colours = 32;
  double min_content = 0.01;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--size") {
      if (std::sscanf(argv[i + 1], "%dx%d", &want_w, &want_h) != 2) return 2;
    } else if (flag == "--min-colours") {
      min_colours = std::atol(argv[i + 1]);
    } else if (flag == "--min-content") {
      min_content = std::atof(argv[i + 1]);
    } else {
      std::fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
  }
  int w = 0, h = 0, n = 0;
  unsigned char* px = stbi_load(argv[1], &w, &h, &n, 3);
  if (!px) {
    std::fprintf(stderr, "%s: cannot read as PNG: %s\n", argv[1], stbi_failure_reason());
    return 1;
  }
  std::unordered_map<unsigned, long> count;
  for (long i = 0; i < long(w) * h; ++i) {
    const unsigned rgb = unsigned(px[i * 3]) << 16 | unsigned(px[i * 3 + 1]) << 8 | px[i * 3 + 2];
    ++count[rgb];
  }
  stbi_image_free(px);
  long background = 0;
  for (const auto& [rgb, c] : count)
    if (c > background) background = c;
  const double content = 1.0 - double(background) / (double(w) * h);
  std::printf("%s: %dx%d, %zu colours, %.1f%% of pixels off the background\n", argv[1], w, h, count.size(),
              content * 100);
  bool ok = true;
  if (want_w && (w != want_w || h != want_h)) {
    std::printf("  FAIL: expected %dx%d\n", want_w, want_h);
    ok = false;
  }
  if (long(count.size()) < min_colours) {
    std::printf("  FAIL: fewer than %ld colours: blank?\n", min_colours);
    ok = false;
  }
  if (content < min_content) {
    std::printf("  FAIL: less than %.1f%% of pixels off the background: blank?\n", min_content * 100);
    ok = false;
  }
  return ok ? 0 : 1;
}
