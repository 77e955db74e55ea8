"""Helpers for bench/heap/run.sh (stdlib only).

    report.py run LABEL RESULTS -- CMD...   run CMD, append its JSON line (stdout)
                                            to RESULTS with LABEL; on failure
                                            append a skip record and exit 0
    report.py time LABEL RESULTS -- CMD...  run CMD BENCH_REPEAT times as a child;
                                            append the fastest wall time and the
                                            child's peak RSS (wait4 rusage)
    report.py skip LABEL RESULTS REASON     append a skip record
    report.py table RESULTS OUT.json        print the table and ratios; write OUT.json
"""

import json
import os
import subprocess
import sys
import time


def append(results, record):
    with open(results, "a") as out:
        out.write(json.dumps(record) + "\n")


def tail(text, lines=6):
    return " | ".join(text.strip().splitlines()[-lines:])


def cmd_run(label, results, command):
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        reason = "exit %d: %s" % (done.returncode, tail(done.stderr))
        append(results, {"label": label, "skipped": reason})
        print("  %-34s skipped (%s)" % (label, reason), file=sys.stderr)
        return
    record = json.loads(done.stdout.strip().splitlines()[-1])
    record["label"] = label
    record["process_seconds"] = wall
    append(results, record)
    print("  %-34s %s objects in %.2f s" % (label, record.get("objects"), record.get("seconds", 0.0)), file=sys.stderr)


def run_child(command):
    """Wall seconds, peak RSS bytes, status, stdout of one run of command."""
    read_end, write_end = os.pipe()
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        os.dup2(write_end, 1)
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        try:
            os.execvp(command[0], command)
        finally:
            os._exit(127)
    os.close(write_end)
    chunks = []
    while True:
        data = os.read(read_end, 1 << 16)
        if not data:
            break
        chunks.append(data)
    os.close(read_end)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - started
    # ru_maxrss is KiB on Linux.
    return seconds, usage.ru_maxrss * 1024, os.waitstatus_to_exitcode(status), b"".join(chunks).decode("utf-8", "replace")


def cmd_time(label, results, command, objects=None):
    runs = []
    for _ in range(max(1, int(os.environ.get("BENCH_REPEAT", "2")))):
        seconds, rss, status, out = run_child(command)
        if status != 0:
            reason = "exit %d from %s" % (status, " ".join(command))
            append(results, {"label": label, "skipped": reason})
            print("  %-34s skipped (%s)" % (label, reason), file=sys.stderr)
            return
        runs.append((seconds, rss, out))
    seconds, rss, out = min(runs, key=lambda r: r[0])
    record = {"label": label, "seconds": seconds, "all_seconds": [r[0] for r in runs],
              "peak_rss_bytes": max(r[1] for r in runs), "command": command}
    try:
        parsed = json.loads(out)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        # memlens summary --json: objects and python come from the snapshot.
        record["objects"] = parsed.get("objects")
        record["python"] = parsed.get("python")
        record["types"] = len(parsed.get("types", []))
        record["by_type"] = {row["type"]: [row["count"], row["size"]] for row in parsed.get("types", [])}
    append(results, record)
    print("  %-34s %.2f s, peak RSS %.1f MiB" % (label, seconds, record["peak_rss_bytes"] / 1048576), file=sys.stderr)


def load(results):
    records = {}
    with open(results) as lines:
        for line in lines:
            if line.strip():
                record = json.loads(line)
                records[record["label"]] = record
    return records


def ok(record):
    return record is not None and "skipped" not in record


def ratio(a, b):
    return a / b if a is not None and b else None


def fmt(value, pattern):
    return "-" if value is None else pattern % value


def meliae_load_row(record):
    """The record and its RSS fields. Peak RSS is the load process's own
    (getrusage); baseline = the interpreter with meliae imported, before load()."""
    if not ok(record):
        return record, None
    record = dict(record)
    record["all_seconds"] = [record["seconds"]]
    fields = {"peak_rss_bytes": record["peak_rss_bytes"],
              "rss_bytes_per_object": ratio(record["peak_rss_bytes"], record["objects"]),
              "baseline_rss_bytes": record["baseline_rss_bytes"],
              "net_rss_bytes_per_object": ratio(record["peak_rss_bytes"] - record["baseline_rss_bytes"], record["objects"]),
              "load_seconds": record["load_seconds"]}
    return record, fields


def cmd_table(results, out_path):
    records = load(results)
    rows = []
    table = []

    def row(label, record, per_object_bytes=None, note=""):
        if not ok(record):
            table.append((label, "skipped: " + (record or {}).get("skipped", "not run")))
            return None
        objects = record.get("objects")
        first = record.get("all_seconds", [record["seconds"]])[0]
        best = record["seconds"]
        entry = {
            "label": label, "python": record.get("python"), "objects": objects,
            "first_seconds": first, "best_seconds": best,
            "objects_per_second": ratio(objects, first),
            "best_objects_per_second": ratio(objects, best),
        }
        if "file_bytes" in record:
            entry["file_bytes"] = record["file_bytes"]
            entry["file_bytes_per_object"] = ratio(record["file_bytes"], objects)
        if per_object_bytes is not None:
            entry.update(per_object_bytes)
        entry["note"] = note
        rows.append(entry)
        table.append((label, entry))
        return entry

    for minor in ("3.8", "3.11", "3.12", "3.13"):
        row("memlens dump %s" % minor, records.get("memlens dump %s" % minor), note="memlens.dump(path), writes .mlh")
    for minor in ("3.8", "3.11", "3.12", "3.13"):
        row("guppy3 heap() %s" % minor, records.get("guppy3 heap() %s" % minor), note="hpy().heap(), in memory, no file")
    row("meliae dump 3.8", records.get("meliae dump 3.8"), note="scanner.dump_all_objects(path), JSON lines")

    def rss_fields(record, baseline):
        if not ok(record):
            return None
        fields = {"peak_rss_bytes": record["peak_rss_bytes"],
                  "rss_bytes_per_object": ratio(record["peak_rss_bytes"], record.get("objects"))}
        if ok(baseline) and baseline.get("objects") is not None:
            net = record["peak_rss_bytes"] - baseline["peak_rss_bytes"]
            fields["baseline_rss_bytes"] = baseline["peak_rss_bytes"]
            fields["net_rss_bytes_per_object"] = ratio(net, record["objects"] - baseline["objects"])
        return fields

    summary = records.get("memlens summary .mlh")
    row("memlens summary .mlh", summary, rss_fields(summary, records.get("memlens summary baseline")),
        note="release binary, load + summary of the 3.11 snapshot")
    on_json = records.get("memlens summary meliae.json")
    row("memlens summary meliae.json", on_json, rss_fields(on_json, records.get("memlens summary baseline")),
        note="release binary, load + summary of meliae's 3.8 dump")
    meliae_load, fields = meliae_load_row(records.get("meliae load 3.8"))
    row("meliae load 3.8", meliae_load, fields, note="loader.load(path, collapse=False) + summarize()")
    collapsing = records.get("memlens summary --collapse-dicts meliae.json")
    if ok(collapsing) and ok(on_json):
        # Speed and RSS per object read (the JSON's objects count is after folding).
        collapsing = dict(collapsing, objects=on_json["objects"], summary_objects=collapsing["objects"])
    row("memlens summary --collapse meliae", collapsing, rss_fields(collapsing, records.get("memlens summary baseline")),
        note="release binary, --collapse-dicts on meliae's 3.8 dump")
    meliae_collapse = meliae_load_row(records.get("meliae load collapse 3.8"))
    row("meliae load collapse 3.8", meliae_collapse[0], meliae_collapse[1],
        note="loader.load(path) (collapse=True, the default) + summarize()")

    by_label = {entry["label"]: entry for entry in rows}

    def get(label, key):
        entry = by_label.get(label)
        return None if entry is None else entry.get(key)

    ratios = []
    for minor in ("3.8", "3.11", "3.12", "3.13"):
        ratios.append(("memlens dump vs guppy3 heap() speed, %s (x)" % minor,
                       ratio(get("memlens dump %s" % minor, "objects_per_second"), get("guppy3 heap() %s" % minor, "objects_per_second"))))
    ratios.append(("memlens dump 3.8 vs meliae dump 3.8 speed (x)",
                   ratio(get("memlens dump 3.8", "objects_per_second"), get("meliae dump 3.8", "objects_per_second"))))
    ratios.append(("meliae file B/object ÷ memlens file B/object, 3.8 (x)",
                   ratio(get("meliae dump 3.8", "file_bytes_per_object"), get("memlens dump 3.8", "file_bytes_per_object"))))
    ratios.append(("memlens summary .mlh vs meliae load speed (x)",
                   ratio(get("memlens summary .mlh", "objects_per_second"), get("meliae load 3.8", "objects_per_second"))))
    ratios.append(("memlens summary meliae.json vs meliae load speed, same file (x)",
                   ratio(get("memlens summary meliae.json", "objects_per_second"), get("meliae load 3.8", "objects_per_second"))))
    ratios.append(("memlens summary --collapse-dicts vs meliae load(collapse=True), same file (x)",
                   ratio(get("memlens summary --collapse meliae", "objects_per_second"), get("meliae load collapse 3.8", "objects_per_second"))))
    ratios.append(("meliae load RSS/object ÷ memlens summary meliae.json RSS/object (x)",
                   ratio(get("meliae load 3.8", "rss_bytes_per_object"), get("memlens summary meliae.json", "rss_bytes_per_object"))))
    ratios.append(("meliae load RSS/object ÷ memlens summary .mlh RSS/object (x)",
                   ratio(get("meliae load 3.8", "rss_bytes_per_object"), get("memlens summary .mlh", "rss_bytes_per_object"))))

    goals = [
        ("agent dump ≥ 1 M objects/s on 3.11", get("memlens dump 3.11", "objects_per_second"), lambda v: v >= 1e6, "%.0f objects/s"),
        ("agent file ≤ 36 B/object (3.11)", get("memlens dump 3.11", "file_bytes_per_object"), lambda v: v <= 36, "%.1f B/object"),
        ("summary ≥ 5 M objects/s", get("memlens summary .mlh", "objects_per_second"), lambda v: v >= 5e6, "%.0f objects/s"),
        ("summary ≤ 64 B RSS/object", get("memlens summary .mlh", "rss_bytes_per_object"), lambda v: v <= 64, "%.1f B/object"),
    ]

    print()
    print("%-34s %-7s %9s %8s %8s %11s %8s %9s %9s" % (
        "measurement", "python", "objects", "1st s", "best s", "objects/s", "file B/o", "RSS B/o", "net B/o"))
    for label, entry in table:
        if isinstance(entry, str):
            print("%-34s %s" % (label, entry))
            continue
        print("%-34s %-7s %9s %8.3f %8.3f %11s %8s %9s %9s" % (
            label, entry.get("python") or "-", entry.get("objects"), entry["first_seconds"], entry["best_seconds"],
            fmt(entry["objects_per_second"], "%.0f"), fmt(entry.get("file_bytes_per_object"), "%.1f"),
            fmt(entry.get("rss_bytes_per_object"), "%.1f"), fmt(entry.get("net_rss_bytes_per_object"), "%.1f")))
    print()
    print("objects/s uses the first run (what one snapshot or one load costs); best of BENCH_REPEAT beside it.")
    print("RSS B/o = peak RSS ÷ objects; net B/o = (peak − the tool's baseline) ÷ objects.")
    print()
    print("Ratios (same run):")
    for name, value in ratios:
        print("  %-80s %s" % (name, fmt(value, "%.2f")))
    agreement = None
    if ok(records.get("memlens summary meliae.json")) and ok(records.get("meliae load 3.8")):
        ours = records["memlens summary meliae.json"].get("by_type", {})
        theirs = records["meliae load 3.8"].get("by_type", {})
        differing = sorted(name for name in set(ours) | set(theirs) if ours.get(name) != theirs.get(name))
        agreement = {"types": len(theirs), "differing": differing}
        print()
        print("memlens summary of meliae's dump vs meliae's own summarize(): %d types, %s" % (
            len(theirs), "count and size agree for every type" if not differing else "%d differ: %s" % (len(differing), ", ".join(differing[:10]))))
    print()
    print("Goals (issue 3):")
    goal_records = []
    for name, value, test, pattern in goals:
        verdict = "not measured" if value is None else ("met" if test(value) else "NOT met")
        print("  %-40s %-18s %s" % (name, fmt(value, pattern), verdict))
        goal_records.append({"goal": name, "value": value, "verdict": verdict})

    with open(out_path, "w") as out:
        json.dump({"measurements": rows, "skipped": {label: entry for label, entry in table if isinstance(entry, str)},
                   "ratios": {name: value for name, value in ratios}, "goals": goal_records,
                   "meliae_agreement": agreement,
                   "machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg()}}, out, indent=2)
        out.write("\n")
    print()
    print("written %s" % out_path)


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    mode = argv[1]
    if mode in ("run", "time"):
        label, results = argv[2], argv[3]
        command = argv[argv.index("--") + 1:]
        (cmd_run if mode == "run" else cmd_time)(label, results, command)
    elif mode == "skip":
        label, results, reason = argv[2], argv[3], argv[4]
        append(results, {"label": label, "skipped": reason})
        print("  %-34s skipped (%s)" % (label, reason), file=sys.stderr)
    elif mode == "table":
        cmd_table(argv[2], argv[3])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
