"""Helpers for bench/heap/run.sh (stdlib only).

    report.py run LABEL RESULTS -- CMD...   run CMD, append its JSON line (stdout)
                                            to RESULTS with LABEL; on failure
                                            append a skip record and exit 0
    report.py time LABEL RESULTS -- CMD...  run CMD BENCH_REPEAT times as a child;
                                            append the fastest wall time and the
                                            child's peak RSS (wait4 rusage)
    report.py skip LABEL RESULTS REASON     append a skip record
    report.py get RESULTS LABEL KEY...      print a field of a record (e.g. probes records),
                                            or nothing when it is missing or skipped
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
    if isinstance(parsed, dict) and isinstance(parsed.get("objects"), list):
        # memlens retained --json: the top objects with their retained sizes.
        record["retained"] = {row["address"]: row["retained"] for row in parsed["objects"]}
    elif isinstance(parsed, dict):
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


def get_ratio(ratios, prefix):
    return next((value for name, value in ratios if name.startswith(prefix)), None)


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

    # Issue 8, side by side: `memlens referrers` (load + the reverse edges of
    # the whole heap) and `memlens summary` vs meliae's load + compute_parents()
    # + summarize(); `memlens retained` vs guppy3's dominated size.
    def with_objects(record, source):
        """record with the object count (and Python) of the snapshot it read."""
        if not ok(record) or not ok(source):
            return record
        return dict(record, objects=source.get("objects"), python=record.get("python") or source.get("python"))

    def added(first, second):
        """Two commands run one after the other: their times added."""
        if not ok(first) or not ok(second):
            return first if not ok(first) else second
        return {"label": first["label"] + " + " + second["label"], "objects": second.get("objects"),
                "python": second.get("python"), "seconds": first["seconds"] + second["seconds"],
                "all_seconds": [first["all_seconds"][0] + second["all_seconds"][0]],
                "peak_rss_bytes": max(first["peak_rss_bytes"], second["peak_rss_bytes"])}

    baseline = records.get("memlens summary baseline")
    summary38 = records.get("memlens summary .mlh 3.8")
    row("memlens summary .mlh 3.8", summary38, rss_fields(summary38, baseline),
        note="release binary, load + summary of the 3.8 snapshot")
    refs38 = with_objects(records.get("memlens referrers .mlh 3.8"), summary38)
    row("memlens referrers .mlh 3.8", refs38, rss_fields(refs38, baseline),
        note="release binary, referrers --address <records list>: load + reverse edges of the whole heap + 2 levels")
    both38 = added(refs38, summary38)
    row("memlens referrers+summary 3.8", both38, rss_fields(both38, None),
        note="the two commands one after the other (each loads the snapshot); RSS: the larger peak")
    refs_json = with_objects(records.get("memlens referrers meliae.json"), on_json)
    row("memlens referrers meliae.json", refs_json, rss_fields(refs_json, baseline),
        note="release binary, referrers --address <records list> on meliae's 3.8 dump")
    both_json = added(refs_json, on_json)
    row("memlens refs+summary meliae.json", both_json, rss_fields(both_json, None),
        note="the two commands on meliae's dump, times added")
    meliae_parents, parents_fields = meliae_load_row(records.get("meliae parents 3.8"))
    if parents_fields is not None:
        parents_fields["parents_seconds"] = meliae_parents["parents_seconds"]
        parents_fields["summarize_seconds"] = meliae_parents["summarize_seconds"]
        parents_fields["load_parents_objects_per_second"] = ratio(
            meliae_parents["objects"], meliae_parents["load_seconds"] + meliae_parents["parents_seconds"])
    row("meliae load+parents+summarize 3.8", meliae_parents, parents_fields,
        note="loader.load(path, collapse=False) + compute_parents() + summarize(); max_parents=100 (default)")
    for minor in ("3.11", "3.12"):
        retained = with_objects(records.get("memlens retained %s" % minor), records.get("memlens dump %s" % minor))
        row("memlens retained %s" % minor, retained, rss_fields(retained, None),
            note="release binary, retained --json --top 10: load + dominators + retained size of every object")
        domisize = records.get("guppy3 domisize %s" % minor)
        row("guppy3 h.domisize %s" % minor, domisize,
            None if not ok(domisize) else {"heap_seconds": domisize["heap_seconds"], "domisize": domisize["domisize"],
                                           "per_object_mean_seconds": domisize["per_object_mean_seconds"]},
            note="h = hpy().heap() (not timed); h.domisize: the whole heap's dominated size, one number")

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

    ratios.append(("memlens referrers+summary .mlh 3.8 vs meliae load+compute_parents+summarize speed (x)",
                   ratio(get("memlens referrers+summary 3.8", "objects_per_second"),
                         get("meliae load+parents+summarize 3.8", "objects_per_second"))))
    ratios.append(("memlens referrers+summary meliae.json vs meliae load+compute_parents+summarize, same file (x)",
                   ratio(get("memlens refs+summary meliae.json", "objects_per_second"),
                         get("meliae load+parents+summarize 3.8", "objects_per_second"))))
    ratios.append(("memlens referrers .mlh 3.8 vs meliae load+compute_parents (no summarize) speed (x)",
                   ratio(get("memlens referrers .mlh 3.8", "objects_per_second"),
                         get("meliae load+parents+summarize 3.8", "load_parents_objects_per_second"))))
    ratios.append(("meliae load+parents RSS/object ÷ memlens referrers .mlh 3.8 RSS/object (x)",
                   ratio(get("meliae load+parents+summarize 3.8", "rss_bytes_per_object"),
                         get("memlens referrers .mlh 3.8", "rss_bytes_per_object"))))
    for minor in ("3.11", "3.12"):
        ratios.append(("memlens retained vs guppy3 h.domisize speed, %s (x)" % minor,
                       ratio(get("memlens retained %s" % minor, "objects_per_second"),
                             get("guppy3 h.domisize %s" % minor, "objects_per_second"))))
        ratios.append(("guppy3 iso(x).domisize of ONE object ÷ memlens retained of EVERY object, time, %s (x)" % minor,
                       ratio(get("guppy3 h.domisize %s" % minor, "per_object_mean_seconds"),
                             get("memlens retained %s" % minor, "best_seconds"))))

    # Retained sizes of the workload's containers: memlens retained (from the
    # --top 10 JSON, by the addresses the dump reported) vs guppy3's
    # hp.iso(x).domisize. guppy's traversal creates each Record's instance
    # __dict__ on 3.11+ and counts it; memlens reads the inline values and
    # creates nothing, so the two should differ by exactly those dicts.
    retained_vs_guppy = {}
    for minor in ("3.11", "3.12"):
        dump = records.get("memlens dump %s" % minor)
        ours = records.get("memlens retained %s" % minor)
        theirs = records.get("guppy3 domisize %s" % minor)
        if not (ok(dump) and ok(ours) and ok(theirs)):
            continue
        containers = {}
        for role, address in dump.get("probes", {}).items():
            guppy = theirs["per_object"].get(role, {})
            memlens = ours.get("retained", {}).get(address)
            created = guppy.get("instance_dicts_size", 0)
            containers[role] = {"memlens_retained": memlens, "guppy_domisize": guppy.get("domisize"),
                                "guppy_instance_dicts": created, "guppy_seconds": guppy.get("seconds"),
                                "agree": None if memlens is None or guppy.get("domisize") is None
                                else memlens == guppy["domisize"] - created}
        objects = get("memlens retained %s" % minor, "objects")
        retained_vs_guppy[minor] = {
            "containers": containers,
            "instance_dicts_created_by_guppy": theirs.get("instance_dicts_created"),
            "memlens_retained_seconds": get("memlens retained %s" % minor, "best_seconds"),
            "guppy_whole_heap_domisize_seconds": theirs["seconds"], "guppy_heap_seconds": theirs["heap_seconds"],
            "guppy_per_object_mean_seconds": theirs["per_object_mean_seconds"],
            "guppy_every_object_extrapolated_seconds": None if objects is None else theirs["per_object_mean_seconds"] * objects,
        }

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
        print("  %-94s %s" % (name, fmt(value, "%.2f")))
    agreement = None
    if ok(records.get("memlens summary meliae.json")) and ok(records.get("meliae load 3.8")):
        ours = records["memlens summary meliae.json"].get("by_type", {})
        theirs = records["meliae load 3.8"].get("by_type", {})
        differing = sorted(name for name in set(ours) | set(theirs) if ours.get(name) != theirs.get(name))
        agreement = {"types": len(theirs), "differing": differing}
        print()
        print("memlens summary of meliae's dump vs meliae's own summarize(): %d types, %s" % (
            len(theirs), "count and size agree for every type" if not differing else "%d differ: %s" % (len(differing), ", ".join(differing[:10]))))
    for minor, block in retained_vs_guppy.items():
        print()
        print("Retained sizes, %s: memlens retained vs guppy3 hp.iso(x).domisize of the workload's containers" % minor)
        print("  %-12s %12s %12s %14s %10s  %s" % ("container", "memlens B", "guppy3 B", "guppy dicts B", "guppy s", "memlens = guppy3 − dicts"))
        for role, entry in block["containers"].items():
            print("  %-12s %12s %12s %14s %10s  %s" % (
                role, fmt(entry["memlens_retained"], "%d"), fmt(entry["guppy_domisize"], "%d"),
                fmt(entry["guppy_instance_dicts"], "%d"), fmt(entry["guppy_seconds"], "%.3f"),
                "not in memlens' top 10" if entry["agree"] is None else ("yes" if entry["agree"] else "NO")))
        print("  guppy dicts = instance __dict__s of Record objects (%s) that guppy's traversal created and counted;"
              % fmt(block["instance_dicts_created_by_guppy"], "%d"))
        print("  memlens reads the inline values (3.11+) and creates nothing.")
        extrapolated = block["guppy_every_object_extrapolated_seconds"]
        print("  guppy3 has no dominator tree: one object's domisize took %.3f s (mean); for every object that is"
              " ≈ %s (extrapolated, not run)," % (block["guppy_per_object_mean_seconds"],
                                                  "-" if extrapolated is None else "%.1f h" % (extrapolated / 3600)))
        print("  memlens retained gives every object's in %s s; guppy3 h.domisize (whole heap, one number) %.3f s"
              " after hp.heap() %.3f s." % (fmt(block["memlens_retained_seconds"], "%.3f"),
                                            block["guppy_whole_heap_domisize_seconds"], block["guppy_heap_seconds"]))

    print()
    print("Goals (issue 3):")
    goal_records = []
    for name, value, test, pattern in goals:
        verdict = "not measured" if value is None else ("met" if test(value) else "NOT met")
        print("  %-40s %-18s %s" % (name, fmt(value, pattern), verdict))
        goal_records.append({"goal": name, "issue": 3, "value": value, "verdict": verdict})
    print()
    print("Goals (issue 8, side by side on the 1 M-object workload: report the ratios):")
    agreements = [entry["agree"] for block in retained_vs_guppy.values() for entry in block["containers"].values()
                  if entry["agree"] is not None]
    goals8 = [
        ("referrers+summary vs meliae parents+summarize", get_ratio(ratios, "memlens referrers+summary .mlh 3.8 vs"), "%.1fx speed"),
        ("retained vs guppy3 h.domisize, 3.11", get_ratio(ratios, "memlens retained vs guppy3 h.domisize speed, 3.11"), "%.2fx speed"),
        ("retained vs guppy3 h.domisize, 3.12", get_ratio(ratios, "memlens retained vs guppy3 h.domisize speed, 3.12"), "%.2fx speed"),
    ]
    for name, value, pattern in goals8:
        verdict = "not measured" if value is None else "reported"
        print("  %-46s %-18s %s" % (name, fmt(value, pattern), verdict))
        goal_records.append({"goal": name, "issue": 8, "value": value, "verdict": verdict})
    verdict = "not measured" if not agreements else ("met" if all(agreements) else "NOT met")
    name = "retained = guppy3 domisize − guppy's dicts"
    print("  %-46s %-18s %s" % (name, "%d/%d containers" % (sum(agreements), len(agreements)), verdict))
    goal_records.append({"goal": name, "issue": 8, "value": [sum(agreements), len(agreements)], "verdict": verdict})

    with open(out_path, "w") as out:
        json.dump({"measurements": rows, "skipped": {label: entry for label, entry in table if isinstance(entry, str)},
                   "ratios": {name: value for name, value in ratios}, "goals": goal_records,
                   "meliae_agreement": agreement, "retained_vs_guppy": retained_vs_guppy,
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
    elif mode == "get":
        record = load(argv[2]).get(argv[3])
        value = record if ok(record) else None
        for key in argv[4:]:
            value = value.get(key) if isinstance(value, dict) else None
        if value is not None:
            print(value)
    elif mode == "table":
        cmd_table(argv[2], argv[3])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
