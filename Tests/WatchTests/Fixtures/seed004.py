"""Seed 004's start-up, as a test target: imports xml.dom.minidom, parses a
generated registry XML of about 120 kB and keeps the DOM, imports a 50 MiB
module, then idles. Writes its own truth (Private_Dirty from its
smaps_rollup before and after the parse) as JSON to argv[1].

    python seed004.py TRUTH.json MODULE_DIR [GO_FILE] [IDLE_SECONDS]

With GO_FILE it waits for that file first (so a watcher given the pid can
start); short pauses separate the phases.
"""
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


def generate_registry(entries=4600):
    # Many small elements: the parse takes 40-50 ms, several samples at the watch's 10 ms even on a busy machine.
    rows = ['<entry id="%d" kind="%s"/>' % (i, "abc"[i % 3]) for i in range(entries)]
    return "<registry>\n" + "\n".join(rows) + "\n</registry>\n"


def parse_registry(text):
    import xml.dom.minidom
    return xml.dom.minidom.parseString(text)


def main():
    truth_path, module_dir = sys.argv[1], sys.argv[2]
    go = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] != "-" else None
    idle = float(sys.argv[4]) if len(sys.argv) > 4 else 3.0
    while go and not os.path.exists(go):
        time.sleep(0.01)
    time.sleep(0.5)
    import xml.dom.minidom  # noqa: F401
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
    with open(truth_path, "w") as f:
        json.dump({"xml_bytes": len(text), "parse_before": before, "parse_after": after,
                   "parse_seconds": parse_seconds, "elements": len(dom.getElementsByTagName("entry"))}, f)
    time.sleep(idle)


main()
