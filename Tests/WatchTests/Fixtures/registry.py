"""Seed 004's growth step, short: imports xml.dom.minidom, then parses a
generated registry XML whose parse lasts 10-20 ms on an idle machine (2,500
small elements; the seed's 50-70 ms one is seed004.py) and keeps the DOM.
Writes its own truth as JSON to TRUTH.json: the anonymous resident memory
(statm) before and after the parse, and how long it took.

    python registry.py TRUTH.json [GO_FILE]

With GO_FILE it waits for that file first (so a watcher given the pid can start).
"""
import json
import os
import sys
import time


def anonymous_bytes():
    with open("/proc/self/statm") as f:
        fields = f.read().split()
    return (int(fields[1]) - int(fields[2])) * os.sysconf("SC_PAGESIZE")


def generate_registry(entries=2500):
    rows = ['<e k="%d"/>' % i for i in range(entries)]
    return "<registry>\n" + "\n".join(rows) + "\n</registry>\n"


def parse_registry(text):
    import xml.dom.minidom
    return xml.dom.minidom.parseString(text)


def main():
    truth_path = sys.argv[1]
    go = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] != "-" else None
    while go and not os.path.exists(go):
        time.sleep(0.01)
    # Pauses between the phases: the import's and the text's growth are steps of their own.
    import xml.dom.minidom  # noqa: F401
    time.sleep(0.3)
    text = generate_registry()
    time.sleep(0.5)  # longest: on a loaded machine the watch has merged the text's step into the parse's
    before = anonymous_bytes()
    started = time.monotonic()
    dom = parse_registry(text)
    parse_seconds = time.monotonic() - started
    after = anonymous_bytes()
    time.sleep(0.3)
    with open(truth_path, "w") as f:
        json.dump({"parse_before": before, "parse_after": after, "parse_seconds": parse_seconds,
                   "elements": len(dom.getElementsByTagName("e"))}, f)


main()
