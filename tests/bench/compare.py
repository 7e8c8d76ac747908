#!/usr/bin/env python3
"""The macro benchmarks against ns-3 (issue 6); tests/bench/compare.sh runs this.

For each benchmark it writes the tcplab scenario (gen_macro_bench.py), checks once that
tcplab and the ns-3 peer program (tests/bench/ns3/*.cc) did the same work (delivered bytes,
completed connections, pings answered, within --tolerance), then runs the pair alternately,
tcplab, ns-3, tcplab, ns-3 ... for ROUNDS rounds, measuring the wall time and peak resident
memory of each process (wait4's rusage). It prints the medians and the ratios ns-3/tcplab,
and appends the table with a description of the machine to tests/bench/RESULTS.md.

When the work differs it prints both figures and no ratio (a ratio of different work means
nothing), and exits with 3; bad arguments exit with 2, a failed run with 1."""
import argparse
import datetime
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GEN = os.path.join(HERE, "gen_macro_bench.py")

FULL = ["dumbbell:1", "dumbbell:10", "dumbbell:100", "storm:10000", "many-hosts:1000"]
QUICK = ["dumbbell:1", "dumbbell:10", "storm:1000", "many-hosts:100"]
KINDS = {"dumbbell": "flows", "storm": "connections", "many-hosts": "hosts"}


def fail(msg, code=2):
    print(f"compare.sh: {msg}", file=sys.stderr)
    sys.exit(code)


def parse_spec(text):
    """`KIND:N` (or just KIND, its full size) -> (kind, n)."""
    kind, _, size = text.partition(":")
    if kind not in KINDS:
        fail(f"unknown benchmark '{text}' (known: {', '.join(k + ':N' for k in KINDS)})")
    if not size:
        return kind, int(next(s for s in FULL if s.startswith(kind + ":")).split(":")[1])
    if not size.isdigit() or int(size) < 1:
        fail(f"'{text}': the size after ':' must be a positive whole number")
    return kind, int(size)


def measure(cmd, stdout_path):
    """Runs cmd with stdout to a file; returns (wall seconds, peak RSS KiB, exit code)."""
    with open(stdout_path, "wb") as out:
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE)
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.monotonic() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        fail(f"{' '.join(cmd)} failed (exit {code}):\n{err}", 1)
    return wall, ru.ru_maxrss, err


class Bench:
    """One benchmark at one size: the tcplab scenario and the ns-3 command doing the same."""

    def __init__(self, kind, n, args, tmp):
        self.kind, self.n, self.args = kind, n, args
        self.name = f"{kind} {KINDS[kind]}={n}"
        self.scenario = os.path.join(tmp, f"{kind}-{n}.toml")
        self.out = os.path.join(tmp, "out")
        gen = [sys.executable, GEN, kind]
        if kind == "dumbbell":
            gen += ["--flows", str(n), "--duration", f"{args.seconds}s"]
            self.ns3 = [os.path.join(args.build, "ns3_dumbbell"), f"--flows={n}", f"--seconds={args.seconds}"]
            self.name += f", {args.seconds} s"
        elif kind == "storm":
            gen += ["--connections", str(n)]
            self.ns3 = [os.path.join(args.build, "ns3_storm"), f"--connections={n}"]
        else:
            gen += ["--hosts", str(n)]
            self.ns3 = [os.path.join(args.build, "ns3_many_hosts"), f"--hosts={n}"]
        subprocess.run(gen + [self.scenario], check=True)
        # The timed runs record no trace (`--format none`), as ns-3 records none: the same
        # simulation, compared as such. The work check below runs with the trace.
        self.tcplab = [args.tcplab, "run", self.scenario, "--format", "none", "--stats"]

    # ---- the work each side did ----
    def tcplab_work(self):
        """One untimed run with the trace kept: what the programs printed, and for the dumbbell
        the receivers' last ACK numbers. The simulation is deterministic (seed 1), so the timed
        runs do exactly this work; their event counts are checked against this one's."""
        cmd = [self.args.tcplab, "run", self.scenario, "--format", "jsonl", "--stats"]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        acked = {}  # dumbbell: receiver -> highest relative ACK it sent
        delivered = completed = answered = 0
        for line in proc.stdout:
            if self.kind == "dumbbell":
                if '"ev":"tx"' in line and '"node":"d' in line:
                    node = re.search(r'"node":"(d\d+)"', line).group(1)
                    m = re.search(r'"rack":(\d+)', line)
                    if m:
                        acked[node] = max(acked.get(node, 0), int(m.group(1)))
            elif '"ev":"app"' in line:
                if self.kind == "storm":
                    m = re.search(r'bulk-sink: [0-9.:]+: (\d+) bytes? in ', line)
                    if m:
                        completed += 1
                        delivered += int(m.group(1))
                elif "bytes from" in line:
                    answered += 1
        err = proc.stderr.read()
        if proc.wait() != 0:
            fail(f"{' '.join(cmd)} failed:\n{err}", 1)
        self.events = events_of(err)
        if self.kind == "dumbbell":
            # The ACK number counts the SYN: bytes received in order = ACK - 1.
            delivered = sum(max(a - 1, 0) for a in acked.values())
            return {"delivered_bytes": delivered}
        if self.kind == "storm":
            return {"completed_connections": completed, "delivered_bytes": delivered}
        return {"pings_answered": answered}

    def ns3_work(self, stdout_text):
        fields = dict(re.findall(r"(\w+)=(\d+)", stdout_text))
        keys = {"dumbbell": ["delivered_bytes"], "storm": ["completed_connections", "delivered_bytes"],
                "many-hosts": ["pings_answered"]}[self.kind]
        missing = [k for k in keys if k not in fields]
        if missing:
            fail(f"{self.ns3[0]} printed no {', '.join(missing)}: {stdout_text!r}", 1)
        return {k: int(fields[k]) for k in keys}


def events_of(stats_text):
    m = re.search(r"events executed:\s*(\d+)", stats_text)
    return int(m.group(1)) if m else None


def agree(a, b, tol):
    return a == b or (max(a, b) > 0 and abs(a - b) / max(a, b) <= tol)


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"model name\s*:\s*(.*)", f.read())
            cpu = m.group(1).strip() if m else cpu
    except OSError:
        pass
    def first_line(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0].strip()
        except (OSError, IndexError):
            return "?"
    ns3 = first_line(["dpkg-query", "-W", "-f=${Version}", "libns3-dev"])
    commit = first_line(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    mem_kib = 0
    try:
        with open("/proc/meminfo") as f:
            mem_kib = int(re.search(r"MemTotal:\s*(\d+)", f.read()).group(1))
    except (OSError, AttributeError):
        pass
    return (f"{cpu}, {os.cpu_count()} cores, {mem_kib / 1048576:.1f} GiB; Linux {platform.release()}; "
            f"{first_line(['g++', '--version'])}; ns-3 {ns3} (Debian libns3-dev); tcplab {commit}")


def mib(kib):
    return f"{kib / 1024:.1f} MiB"


def main():
    p = argparse.ArgumentParser(
        prog="compare.sh",
        description="Macro benchmarks of tcplab against ns-3 (issue 6). BENCH is KIND:N with KIND "
        "dumbbell (N flows), storm (N connections) or many-hosts (N hosts); default: "
        + " ".join(FULL) + ". ROUNDS (environment, default 5; 1 with --quick) sets the rounds.")
    p.add_argument("bench", nargs="*", metavar="BENCH")
    p.add_argument("--build", default=os.path.join(ROOT, "build-bench"),
                   help="build folder with tcplab and the ns3_* programs (default: build-bench/)")
    p.add_argument("--quick", action="store_true",
                   help="to try it: 1 round, 2 simulated seconds of dumbbell, default list " + " ".join(QUICK))
    p.add_argument("--seconds", type=int, default=None, help="simulated seconds of the dumbbell (default 10)")
    p.add_argument("--tolerance", type=float, default=0.05,
                   help="how far the work of the two may differ, as a fraction (default 0.05)")
    p.add_argument("--no-results", action="store_true", help="do not append to tests/bench/RESULTS.md")
    args = p.parse_args()

    rounds_text = os.environ.get("ROUNDS", "1" if args.quick else "5")
    if not rounds_text.isdigit() or int(rounds_text) < 1:
        fail(f"ROUNDS must be a positive whole number, not '{rounds_text}'")
    rounds = int(rounds_text)
    if args.seconds is None:
        args.seconds = 2 if args.quick else 10
    if args.seconds < 1:
        fail("--seconds must be at least 1")
    if not 0 <= args.tolerance < 1:
        fail("--tolerance is a fraction between 0 and 1, e.g. 0.03")
    specs = [parse_spec(s) for s in (args.bench or (QUICK if args.quick else FULL))]
    args.build = os.path.abspath(args.build)
    args.tcplab = os.path.join(args.build, "tcplab")
    needed = [args.tcplab] + [os.path.join(args.build, "ns3_" + k.replace("-", "_")) for k, _ in specs]
    for path in needed:
        if not os.access(path, os.X_OK):
            fail(f"{path} is missing: build with -DTCPLAB_BENCH=ON first (./tcplab.sh bench does)")

    host = machine()  # before the runs: the commit measured, not one made meanwhile
    tmp = tempfile.mkdtemp(prefix="tcplab-compare-")
    rows = []
    try:
        for kind, n in specs:
            b = Bench(kind, n, args, tmp)
            print(f"== {b.name}", flush=True)
            t_work = b.tcplab_work()
            tl_wall, tl_rss, ns_wall, ns_rss = [], [], [], []
            ns_work = None
            for r in range(rounds):
                w, rss, err = measure(b.tcplab, b.out)
                if events_of(err) != b.events:
                    fail(f"tcplab executed {events_of(err)} events in round {r + 1}, "
                         f"{b.events} in the checked run: the runs are not the same work", 1)
                tl_wall.append(w)
                tl_rss.append(rss)
                w, rss, _ = measure(b.ns3, b.out)
                with open(b.out) as f:
                    work = b.ns3_work(f.read())
                if ns_work is not None and work != ns_work:
                    fail(f"ns-3 did different work in round {r + 1}: {work} after {ns_work}", 1)
                ns_work = work
                ns_wall.append(w)
                ns_rss.append(rss)
                print(f"  round {r + 1}/{rounds}: tcplab {tl_wall[-1]:.3f} s {mib(tl_rss[-1])}, "
                      f"ns-3 {ns_wall[-1]:.3f} s {mib(ns_rss[-1])}", flush=True)
            work_text = ", ".join(f"{k} {t_work[k]:,} / {ns_work[k]:,}" for k in t_work)
            same = all(agree(t_work[k], ns_work[k], args.tolerance) for k in t_work)
            row = {"name": b.name, "work": work_text, "same": same,
                   "tl_wall": statistics.median(tl_wall), "ns_wall": statistics.median(ns_wall),
                   "tl_rss": statistics.median(tl_rss), "ns_rss": statistics.median(ns_rss),
                   "events": b.events}
            rows.append(row)
            print(f"  work (tcplab / ns-3): {work_text}")
            if same:
                print(f"  median wall: tcplab {row['tl_wall']:.3f} s, ns-3 {row['ns_wall']:.3f} s, "
                      f"ns-3/tcplab {row['ns_wall'] / row['tl_wall']:.1f}x")
                print(f"  median peak memory: tcplab {mib(row['tl_rss'])}, ns-3 {mib(row['ns_rss'])}, "
                      f"ns-3/tcplab {row['ns_rss'] / row['tl_rss']:.2f}x")
            else:
                print(f"  NO RATIO: the work differs by more than {args.tolerance:.0%} "
                      "(different work cannot be compared; see the figures above)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    table = [f"| benchmark | work (tcplab / ns-3) | tcplab events | wall tcplab | wall ns-3 | ns-3/tcplab "
             f"| peak tcplab | peak ns-3 | ns-3/tcplab |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if r["same"]:
            wr = f"**{r['ns_wall'] / r['tl_wall']:.1f}x**"
            mr = f"**{r['ns_rss'] / r['tl_rss']:.2f}x**"
        else:
            wr = mr = "work differs: no ratio"
        table.append(f"| {r['name']} | {r['work']} | {r['events']:,} | {r['tl_wall']:.3f} s | {r['ns_wall']:.3f} s "
                     f"| {wr} | {mib(r['tl_rss'])} | {mib(r['ns_rss'])} | {mr} |")
    when = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    head = (f"### {when}: medians of {rounds} round{'s' if rounds > 1 else ''}"
            f"{' (--quick)' if args.quick else ''}\n\n{host}\n")
    text = head + "\n" + "\n".join(table) + "\n"
    print()
    print(text)
    if not args.no_results:
        path = os.path.join(HERE, "RESULTS.md")
        new = not os.path.exists(path)
        with open(path, "a") as f:
            if new:
                f.write("# Macro benchmarks against ns-3\n\nAppended by tests/bench/compare.sh "
                        "(./tcplab.sh bench), newest last. Ratios are ns-3/tcplab: above 1, tcplab "
                        "is faster or smaller.\n")
            f.write("\n" + text)
        print(f"appended to {os.path.relpath(path, ROOT)}")
    return 0 if all(r["same"] for r in rows) else 3


if __name__ == "__main__":
    sys.exit(main())
