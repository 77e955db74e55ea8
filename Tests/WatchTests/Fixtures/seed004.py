"""Seed 004's start-up, as a test target: imports xml.dom.minidom, parses a
generated registry XML of about 120 kB and keeps the DOM, imports a 50 MiB
module, then idles. Writes its own truth (Private_Dirty from its
smaps_rollup before and after the parse) as JSON to argv[1].

    python seed004.py TRUTH.json MODULE_DIR [GO_FILE] [IDLE_SECONDS]

With GO_FILE it waits for that file first (so a watcher given the pid can
start); short pauses separate the phases. Once the DOM is kept it runs three
full collections, timed by a ``gc.callbacks`` entry of its own (appended
after the memlens agent's, under ``watch -- CMD``), and writes those pauses
as JSON to TRUTH.json.gc; the truth also has the time ``import
xml.dom.minidom`` took.
"""
import gc
import json
import os
import sys
import time


def private_dirty():
    with open("/proc/self/smaps_rollup") as f:
        for line in f:
            if line.startswith("Private_Dirty:"):
                return int(line.split()[1]) * 1024
    return 0


def generate_registry(entries=10000):
    # Many small elements (about 140 kB): the parse takes 50-70 ms, several samples at the watch's 10 ms
    # even on a busy machine (4,600 larger ones took 25-45 ms, and CI once caught none on 3.12).
    rows = ['<e k="%d"/>' % i for i in range(entries)]
    return "<registry>\n" + "\n".join(rows) + "\n</registry>\n"


def parse_registry(text):
    import xml.dom.minidom
    return xml.dom.minidom.parseString(text)


class PauseTimer(object):
    """Times every collection; the pauses of the explicit ones are the truth."""

    def __init__(self):
        self.began = 0
        self.pauses = []

    def __call__(self, phase, info):
        if phase == "start":
            self.began = time.monotonic_ns()
        else:
            self.pauses.append((info["generation"], (time.monotonic_ns() - self.began) / 1e6))


def main():
    truth_path, module_dir = sys.argv[1], sys.argv[2]
    go = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] != "-" else None
    idle = float(sys.argv[4]) if len(sys.argv) > 4 else 3.0
    while go and not os.path.exists(go):
        time.sleep(0.01)
    timer = PauseTimer()
    gc.callbacks.append(timer)
    time.sleep(0.5)
    started = time.monotonic()
    import xml.dom.minidom  # noqa: F401
    import_seconds = time.monotonic() - started
    time.sleep(0.5)
    text = generate_registry()
    time.sleep(0.5)
    before = private_dirty()
    started = time.monotonic()
    dom = parse_registry(text)
    parse_seconds = time.monotonic() - started
    after = private_dirty()
    time.sleep(0.5)
    sys.path.insert(0, module_dir)
    import big50  # noqa: F401
    time.sleep(0.5)
    full = []
    for _ in range(3):
        gc.collect()
        full.append(timer.pauses[-1][1])
        time.sleep(0.2)
    gc.callbacks.remove(timer)
    with open(truth_path + ".gc", "w") as f:
        json.dump(full, f)
    with open(truth_path, "w") as f:
        json.dump({"xml_bytes": len(text), "parse_before": before, "parse_after": after, "minidom_import_seconds": import_seconds,
                   "parse_seconds": parse_seconds, "elements": len(dom.getElementsByTagName("e"))}, f)
    time.sleep(idle)


main()
