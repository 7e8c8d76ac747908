#!/bin/sh
# GUI test (ctest label `gui`, under xvfb-run): the course in the GUI (issue 8). A lesson
# with every course key (tests/data/course-lesson.toml) in the Lesson panel: the program
# beside the narration with the current step's line lit, the questions with their answers
# hidden until revealed (and hidden again when another lesson opens), in English, in
# Chinese and in presentation mode; the Open picker grouped by chapter; a scenario without
# any course key. The scenarios come from a directory of our own (TCPLAB_SCENARIOS), so the
# picker's chapters do not depend on the built-in lessons of the day.
#   course.sh TCPLAB PNG_CHECK SOURCE_DIR OUT_DIR
set -eu
bin=$1 check=$2 src=$3 out=$4
rm -rf "$out" && mkdir -p "$out/scenarios" && cd "$out"

# Three lessons in two chapters and one scenario with no chapter ("Other").
cp "$src/tests/data/course-lesson.toml" scenarios/udp-lines.toml
sed -e 's/^chapter = "6.1"/chapter = "7.2"/' -e 's/^title = ".*"/title = "The same, filed under TCP"/' \
  "$src/tests/data/course-lesson.toml" > scenarios/tcp-lines.toml
sed -e 's/^chapter = "6.1"/chapter = "6.2"/' -e 's/^title = ".*"/title = "The same again"/' \
  "$src/tests/data/course-lesson.toml" > scenarios/udp-again.toml
cat > scenarios/plain.toml <<'TOML'
title = "A plain scenario: two hosts and a ping"
[[node]]
name = "a"
type = "host"
ifaces = { eth0 = "10.0.0.1/24" }
[[node]]
name = "b"
type = "host"
ifaces = { eth0 = "10.0.0.2/24" }
[[link]]
a = "a"
b = "b"
delay = "1ms"
[[step]]
at = "10ms"
on = "a"
cmd = "ping -c 2 10.0.0.2"
say = "a pings b."
TOML
export TCPLAB_SCENARIOS="$out/scenarios"

# The list follows the chapters.
"$bin" list > list.txt
cat > list.expected <<'LIST'
6 UDP
  udp-lines  6.1  UDP server and client, line by line
  udp-again  6.2  The same again
7 TCP
  tcp-lines  7.2  The same, filed under TCP
Other
LIST
head -6 list.txt | cmp - list.expected || { echo "FAIL: tcplab list"; cat list.txt; exit 1; }
grep -q '^  plain  ' list.txt || { echo "FAIL: the scenario without chapter is not under Other"; cat list.txt; exit 1; }

png() { "$check" "$1" --size "$2" --min-colours 200 --min-content 0.05; }
has() {  # has FILE WINDOW...: each window was drawn
  file=$1; shift
  for w in "$@"; do grep -q "###$w\$" "$file" || { echo "FAIL: no $w window in $file"; cat "$file"; exit 1; }; done
}

cat > lesson.script <<SCRIPT
# 12 ms: the client's sendto (udp_client.py line 3) has just run.
intent seek 12ms
wait 4
screenshot lesson-en.png
dump-windows lesson-en.txt
expect answers 0
intent seek 1s
intent reveal 1
wait 3
expect answers 1
screenshot lesson-en-revealed.png
intent lang zh
wait 3
screenshot lesson-zh-revealed.png
intent reveal all
wait 2
expect answers 2
intent present
wait 4
intent seek 2ms
wait 4
screenshot lesson-zh-present.png
dump-windows lesson-zh-present.txt
intent present
intent lang en
wait 2
# The Open picker, grouped by chapter.
key ctrl+O
wait 4
dump-windows picker-en.txt
screenshot picker-en.png
key Escape
wait 2
intent lang zh
key ctrl+O
wait 4
screenshot picker-zh.png
key Escape
wait 2
# Another lesson: its answers start hidden.
intent open $out/scenarios/udp-again.toml
wait 4
expect answers 0
intent seek 1s
wait 2
screenshot other-lesson-zh.png
# A scenario with no course keys at all: no questions, no program, no crash.
intent open $out/scenarios/plain.toml
wait 4
intent reveal all
wait 2
expect answers 0
intent seek 100ms
intent present
wait 4
screenshot plain-present-zh.png
SCRIPT
"$bin" "$out/scenarios/udp-lines.toml" --script lesson.script --size 1920x1080
for f in lesson-en lesson-en-revealed lesson-zh-revealed lesson-zh-present picker-en picker-zh other-lesson-zh \
         plain-present-zh; do
  png "$f.png" 1920x1080
done
has lesson-en.txt lesson topology ladder timeline
has lesson-zh-present.txt lesson topology ladder timeline
has picker-en.txt dlg_open
# Revealing an answer changes the picture.
! cmp -s lesson-en.png lesson-en-revealed.png || { echo "FAIL: revealing changed nothing"; exit 1; }

# The --screenshot hook on a lesson with a program, at a narrow window (the program goes
# under the narration).
"$bin" "$out/scenarios/udp-lines.toml" --lang zh --screenshot narrow-zh.png --at 2ms --size 1024x768
png narrow-zh.png 1024x768
# The monkey on the lesson: clicks, reveals, switches program tabs and languages at random.
"$bin" "$out/scenarios/udp-lines.toml" --monkey 4s --monkey-seed 8 --size 1280x720
echo "course: all good (in $out)"
