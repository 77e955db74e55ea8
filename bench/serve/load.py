"""Load on `memlens serve`: wrk at about 200 requests/s for 30 s against a
server exporting 20 idle Python targets (each census every 30 s, as by
default). Prints wrk's errors and latency percentiles, and memlens's RSS at
seconds 5 and 30 of the load.

    swift build -c release && python3 bench/serve/load.py [.build/release/memlens] [--python python3.11]

wrk (Debian's) has no fixed rate: each of 10 connections waits 44 ms after
every response (a Lua delay), which gives about 200 requests/s when responses
are fast; the script prints the rate reached.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

TARGET = "import sys; keep = [[i] for i in range(20000)]; print('ready', flush=True); sys.stdin.read()"


def rss_bytes(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("memlens", nargs="?", default=".build/release/memlens")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--targets", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()

    targets = []
    for _ in range(args.targets):
        t = subprocess.Popen([args.python, "-c", TARGET], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        t.stdout.readline()
        targets.append(t)
    server = subprocess.Popen([args.memlens, "serve", "--listen", "127.0.0.1:0", "--pid"] + [str(t.pid) for t in targets],
                              stderr=subprocess.PIPE, text=True)
    port = None
    while port is None:
        line = server.stderr.readline()
        if not line:
            sys.exit("memlens serve did not start")
        m = re.search(r"serving http://127\.0\.0\.1:(\d+)/", line)
        port = m and int(m.group(1))
    # Let every target's first census land before the load starts.
    time.sleep(5)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write("function delay() return 44 end\n")
    wrk = subprocess.Popen(["wrk", "-t2", "-c10", "-d%ds" % args.seconds, "--latency", "-s", lua.name,
                            "http://127.0.0.1:%d/metrics" % port], stdout=subprocess.PIPE, text=True)
    time.sleep(5)
    rss5 = rss_bytes(server.pid)
    time.sleep(args.seconds - 5 - 0.5)
    rss30 = rss_bytes(server.pid)
    out, _ = wrk.communicate()
    os.unlink(lua.name)
    server.terminate()
    server.wait()
    for t in targets:
        t.stdin.close()
        t.wait()

    print(out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Socket errors:.*|Non-2xx or 3xx responses: \d+", out)
    print("targets %d  requests/s %s  p99 %.1f ms  errors %s" % (
        args.targets, rate.group(1) if rate else "?", float(p99.group(1)) * scale[p99.group(2)] if p99 else -1,
        errors.group(0) if errors else "none"))
    print("memlens RSS: %.1f MiB at s5, %.1f MiB at s%d (%+.1f%%)" % (
        rss5 / 2**20, rss30 / 2**20, args.seconds, 100.0 * (rss30 - rss5) / rss5))


if __name__ == "__main__":
    main()
