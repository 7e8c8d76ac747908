#!/usr/bin/python3
"""Writes the table of lessons by chapter into docs/guide.md and docs/guide.zh.md, between
<!-- LESSONS-BY-CHAPTER --> and <!-- /LESSONS-BY-CHAPTER -->, from `tcplab list` (English)
and `tcplab list --lang zh`, so the guide lists the built-in lessons as tcplab does.
    docs/make-lessons-table.py [path/to/tcplab]        (default: build/tcplab)
tests/test_guide.cpp fails when a built-in lesson is missing from either table."""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
START, END = "<!-- LESSONS-BY-CHAPTER -->", "<!-- /LESSONS-BY-CHAPTER -->"


def table(tcplab, zh):
    env = dict(os.environ, TCPLAB_SCENARIOS=os.path.join(ROOT, "scenarios"))
    args = [tcplab, "list"] + (["--lang", "zh"] if zh else [])
    out = subprocess.run(args, env=env, capture_output=True, text=True, check=True).stdout
    rows = ["| | 课程 | 标题 |" if zh else "| | lesson | title |", "|---|---|---|"]
    for line in out.splitlines():
        lesson = re.match(r"\s+(\S+)\s+(\d+\.\d+)\s+(.*)", line)
        if lesson:
            rows.append(f"| {lesson.group(2)} | `{lesson.group(1)}` | {lesson.group(3)} |")
        elif line.strip():
            rows.append(f"| **{line.strip()}** | | |")  # a chapter heading, or "Other"
    return "\n".join(rows)


def main():
    tcplab = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "tcplab")
    if len(sys.argv) > 2 or not os.access(tcplab, os.X_OK):
        sys.exit(f"usage: docs/make-lessons-table.py [path/to/tcplab]  ({tcplab} is not an executable)")
    for name, zh in (("guide.md", False), ("guide.zh.md", True)):
        path = os.path.join(ROOT, "docs", name)
        text = open(path, encoding="utf-8").read()
        if START not in text or END not in text:
            sys.exit(f"{path}: no {START} ... {END} markers")
        block = f"{START}\n\n{table(tcplab, zh)}\n\n{END}"
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
        open(path, "w", encoding="utf-8").write(text)
        print(f"wrote the lessons table of docs/{name}")


main()
