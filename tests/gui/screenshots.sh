#!/bin/sh
# GUI test (ctest label `gui`, run under xvfb-run): screenshots of the handshake lesson at
# several times, in presentation mode, in Chinese, at 200 % and without a CJK font. Each
# must be a real picture (tcplab_png_check: size, colours, pixels off the background) with
# the expected windows (--dump-windows lists the ImGui windows drawn).
#   screenshots.sh TCPLAB PNG_CHECK OUT_DIR
set -eu
bin=$1 check=$2 out=$3
rm -rf "$out" && mkdir -p "$out" && cd "$out"

all="topology ladder state lesson timeline inspector tables console plots"
main="topology ladder state lesson timeline"
secondary="inspector tables console plots"

has() {  # has FILE WINDOW...: each window was drawn
  file=$1; shift
  for w in "$@"; do grep -q "###$w\$" "$file" || { echo "FAIL: no $w window in $file"; cat "$file"; exit 1; }; done
}
lacks() {  # lacks FILE WINDOW...: none of them was drawn
  file=$1; shift
  for w in "$@"; do ! grep -q "###$w\$" "$file" || { echo "FAIL: $w window drawn in $file"; exit 1; }; done
}
png() { "$check" "$1" --size "$2" --min-colours 200 --min-content 0.05; }

# The --screenshot hook at the lesson's key moments: start, SYN on the wire, established, end.
for at in 0ms 15ms 60ms 1s; do
  "$bin" handshake --screenshot "handshake-$at.png" --at "$at" --size 1920x1080 --dump-windows "handshake-$at.txt" \
    --select conn:client/s1
  png "handshake-$at.png" 1920x1080
  has "handshake-$at.txt" $all
done

# Presentation mode, Chinese and the UI scale, switched at run time by one script.
cat > modes.script <<'SCRIPT'
intent seek 60ms
intent present
wait 4
screenshot present.png
dump-windows present.txt
expect present on
intent lang zh
wait 2
screenshot present-zh.png
expect lang zh
intent present
wait 4
screenshot zh.png
dump-windows zh.txt
intent lang en
intent scale 2
wait 4
screenshot scale200.png
dump-windows scale200.txt
SCRIPT
"$bin" handshake --script modes.script --size 1920x1080
for f in present present-zh zh scale200; do png "$f.png" 1920x1080; done
has present.txt $main
lacks present.txt $secondary
has zh.txt $all
has scale200.txt $all

# Chinese from the command line, presentation mode from the command line.
"$bin" handshake --lang zh --present --screenshot zh-present-cli.png --at 60ms --size 1280x720 \
  --dump-windows zh-present-cli.txt
png zh-present-cli.png 1280x720
has zh-present-cli.txt $main
lacks zh-present-cli.txt $secondary

# No CJK font at all (fontconfig sees no fonts): the app still runs and says what to install.
printf '<?xml version="1.0"?>\n<fontconfig></fontconfig>\n' > no-fonts.conf
FONTCONFIG_FILE="$out/no-fonts.conf" "$bin" handshake --lang zh --screenshot no-cjk.png --size 1280x720 2> no-cjk.err
png no-cjk.png 1280x720
grep -q "No Chinese font found: install fonts-noto-cjk" no-cjk.err || { echo "FAIL: no fallback message"; exit 1; }
echo "screenshots: all good (in $out)"
