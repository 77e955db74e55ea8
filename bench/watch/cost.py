"""What `memlens watch` costs at its default rates (a sample every 100 ms, a
census every 5 s, growth attribution every 1 ms). Two figures:

1. The target's slowdown: a pyperformance-style CPU-bound loop (nbody-like
   float arithmetic through a few levels of calls, plus dict churn) times a
   fixed amount of work, alone and under `watch PID`; --rounds alternating
   pairs (alone first, then watched first), the median of the watched/alone
   ratios of its CPU time (what the work cost it: on a shared machine its
   wall time mostly says how busy the others were) and of its wall time.
   (A census stops it for a few ms every 5 s: wall time only.)
2. memlens's own CPU while it watches that loop: utime + stime from its
   /proc/PID/stat (read every 0.2 s until it exits) over its wall time.

    swift build -c release --product memlens && python3 bench/watch/cost.py [.build/release/memlens] [--python python3.11]

Separate processes of one loop differ by several % (where the kernel put them):
--one-process measures one target instead, watched in every other window.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

WORK = """
import os, sys, time

def advance(bodies, dt):
    for i, (xi, yi, zi, vi) in enumerate(bodies):
        for xj, yj, zj, _ in bodies[i + 1:]:
            dx, dy, dz = xi - xj, yi - yj, zi - zj
            d2 = dx * dx + dy * dy + dz * dz + 0.01
            mag = dt / (d2 * d2 ** 0.5)
            vi[0] -= dx * mag
            vi[1] -= dy * mag
            vi[2] -= dz * mag
    return [(x + dt * v[0], y + dt * v[1], z + dt * v[2], v) for x, y, z, v in bodies]

def churn(n):
    table = {}
    for i in range(n):
        table[i % 97] = [i, str(i)]
    return len(table)

def step(bodies):
    bodies = advance(bodies, 0.01)
    churn(200)
    return bodies

bodies = [(float(i), float(i * 2 % 7), float(i * 3 % 5), [0.0, 0.0, 0.0]) for i in range(5)]
"""

# A fixed amount of work once GO exists: its wall and CPU seconds.
LOOP = WORK + """
go, rounds = sys.argv[1], int(sys.argv[2])
while not os.path.exists(go):
    time.sleep(0.005)
start, cpu = time.perf_counter(), time.process_time()
for _ in range(rounds):
    bodies = step(bodies)
print(time.perf_counter() - start, time.process_time() - cpu, flush=True)
"""

# Chunks of fixed work without end, each printed as its monotonic start and end and its CPU seconds.
CHUNKS = WORK + """
rounds = int(sys.argv[1])
print("ready", flush=True)
while True:
    start, cpu = time.monotonic(), time.process_time()
    for _ in range(rounds):
        bodies = step(bodies)
    print(start, time.monotonic(), time.process_time() - cpu, flush=True)
"""

TICKS = os.sysconf("SC_CLK_TCK")
# More options for `watch` (--watch-arg, repeated): to see what each part costs, e.g. --census-every 1h.
WATCH_ARGS = []


def cpu_seconds(pid):
    """utime + stime of pid (its own, not its children's), None once it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS


def timed_loop(python, rounds, memlens, folder):
    """The loop's own wall and CPU times for its work, and memlens's CPU share while watching (None alone)."""
    go = os.path.join(folder, "go")
    if os.path.exists(go):
        os.remove(go)
    target = subprocess.Popen([python, "-c", LOOP, go, str(rounds)], stdout=subprocess.PIPE, text=True)
    watcher, cpu, wall, began = None, 0.0, 1e-9, time.monotonic()
    if memlens:
        watcher = subprocess.Popen([memlens, "watch", str(target.pid), "-o", os.path.join(folder, "t%d.html" % target.pid)] + WATCH_ARGS,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.0)  # the watch finds the interpreter and starts its sampler
    open(go, "w").close()
    seconds = [float(field) for field in target.stdout.readline().split()]
    target.wait()
    if watcher:
        while watcher.poll() is None:
            now = cpu_seconds(watcher.pid)
            cpu, wall = (now, time.monotonic() - began) if now is not None else (cpu, wall)
            time.sleep(0.2)
        return seconds, cpu / wall
    return seconds, None


def one_process(args):
    """--one-process: one target runs chunks of fixed work throughout; `watch PID --duration` runs during every
    other window of --window seconds. The chunks wholly inside a watch (after its first 0.5 s, once its sampler
    runs) against those wholly outside any: one process, so no difference of layout or hash seed between the two."""
    target = subprocess.Popen([args.python, "-c", CHUNKS, str(args.work // 30)], stdout=subprocess.PIPE, text=True)
    target.stdout.readline()
    windows, shares = [], []
    with tempfile.TemporaryDirectory() as folder:
        for r in range(args.rounds):
            time.sleep(args.window)  # alone
            began = time.monotonic()
            watcher = subprocess.Popen([args.memlens, "watch", str(target.pid), "-o", os.path.join(folder, "t%d.html" % r),
                                        "--duration", "%gs" % args.window] + WATCH_ARGS,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            cpu = 0.0
            while watcher.poll() is None:
                cpu = cpu_seconds(watcher.pid) or cpu
                time.sleep(0.2)
            ended = time.monotonic()
            windows.append((began + 0.5, ended))
            shares.append(cpu / (ended - began))
        time.sleep(args.window)
    target.kill()
    chunks = [tuple(float(x) for x in line.split()) for line in target.stdout.read().splitlines() if line.count(" ") == 2]
    watched = [c for s, e, c in chunks if any(a <= s and e <= b for a, b in windows)]
    alone = [c for s, e, c in chunks if not any(s < b + 0.2 and a - 0.7 < e for a, b in windows)]
    ratio = statistics.median(watched) / statistics.median(alone)
    print("chunks: %d watched (median %.4f s CPU), %d alone (median %.4f s); slowdown %.1f%%" % (
        len(watched), statistics.median(watched), len(alone), statistics.median(alone), 100 * (ratio - 1)))
    # Each watched window against the alone window just before it: the machine's own drift mostly cancels.
    pairs = []
    for a, b in windows:
        inside = [c for s, e, c in chunks if a <= s and e <= b]
        before = [c for s, e, c in chunks if a - 0.5 - args.window + 0.2 <= s and e <= a - 0.7]
        if inside and before:
            pairs.append(statistics.median(inside) / statistics.median(before))
    print("each watch against the window before it: median %.1f%% (%s)" % (
        100 * (statistics.median(pairs) - 1), ", ".join("%+.1f" % (100 * (p - 1)) for p in pairs)))
    print("memlens CPU while watching: median %.1f%% of a core" % (100 * statistics.median(shares)))
    print("load average at the end: %s" % " ".join(open("/proc/loadavg").read().split()[:3]))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("memlens", nargs="?", default=".build/release/memlens")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--rounds", type=int, default=6, help="alternating pairs")
    parser.add_argument("--work", type=int, default=60000, help="loop steps (about 5 s on an idle core)")
    parser.add_argument("--watch-arg", action="append", default=[], help="one more argument for watch (repeat it)")
    parser.add_argument("--one-process", action="store_true", help="one target, watched in every other window")
    parser.add_argument("--window", type=float, default=5.0, help="seconds a window lasts (--one-process)")
    args = parser.parse_args()
    WATCH_ARGS.extend(args.watch_arg)
    if args.one_process:
        return one_process(args)
    ratios, shares = {"cpu": [], "wall": []}, []
    with tempfile.TemporaryDirectory() as folder:
        for r in range(args.rounds):
            order = [None, args.memlens] if r % 2 == 0 else [args.memlens, None]
            times = {}
            for memlens in order:
                seconds, share = timed_loop(args.python, args.work, memlens, folder)
                times[memlens is not None] = seconds
                if share is not None:
                    shares.append(share)
            ratios["wall"].append(times[True][0] / times[False][0])
            ratios["cpu"].append(times[True][1] / times[False][1])
            print("pair %d: CPU alone %.3f s, watched %.3f s (%.3f); wall %.3f s, %.3f s (%.3f); memlens %.1f%% of a core" % (
                r + 1, times[False][1], times[True][1], ratios["cpu"][-1], times[False][0], times[True][0], ratios["wall"][-1],
                100 * shares[-1]), flush=True)
    for kind in ("cpu", "wall"):
        values = ratios[kind]
        print("watched/alone %s time: median %.3f (min %.3f, max %.3f) → slowdown %.1f%%" % (
            kind, statistics.median(values), min(values), max(values), 100 * (statistics.median(values) - 1)))
    print("memlens CPU while watching: median %.1f%% of a core (min %.1f%%, max %.1f%%)" % (
        100 * statistics.median(shares), 100 * min(shares), 100 * max(shares)))
    print("load average at the end: %s" % " ".join(open("/proc/loadavg").read().split()[:3]))


if __name__ == "__main__":
    main()
