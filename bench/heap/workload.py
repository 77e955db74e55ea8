"""The heap benchmark's workload: about 1,000,000 objects, built the same way
on every Python, then one measurement of that heap.

    python workload.py count                 # objects in the heap (gc + untracked referents)
    python workload.py memlens OUT.mlh       # memlens.dump(OUT)   (PYTHONPATH=<repo>/python)
    python workload.py guppy                 # guppy3 hpy().heap()
    python workload.py meliae OUT.json       # meliae scanner.dump_all_objects(OUT)
    python workload.py meliae-load IN.json   # meliae loader.load(IN, collapse=False) + summarize(), no workload
    python workload.py meliae-load-collapse IN.json   # the same with load()'s default collapse=True
    python workload.py meliae-parents IN.json ADDR    # load(collapse=False) + compute_parents() + summarize()
    python workload.py guppy-domisize        # guppy3 h.domisize of h = hpy().heap(), and
                                             # hpy().iso(x).domisize of the workload's containers

Each prints one JSON object on stdout. Timings are best of BENCH_REPEAT
(default 2) runs in the same process; meliae's are run once. The memlens and
meliae dumps also report "probes": the addresses of the workload's containers
(root dict, strings, tuples, small_lists, records, dicts), so the analysis
commands can be pointed at the same objects in the snapshot.

Stdlib only (plus the tool being measured). The heap, per Python:
  - 600,000 short distinct str, each held once, in 600 lists of 1,000
  - 100,000 small tuples (int > 256, bool) and 50,000 small lists [int, float]
  - 50,000 instances of a plain class with four attributes, one of them a str
    of its own (on 3.8–3.10 each also has an instance __dict__; on 3.11+ the
    values are inline)
  - 20,000 small dicts {"id", "name", "score"} of values held elsewhere
so the total is about 1.05 M objects on 3.11+ (50 k more before 3.11, the
instance dicts).
"""

import gc
import json
import os
import resource
import sys
import time

STRINGS = 600_000
STRING_LISTS = 600
TUPLES = 100_000
SMALL_LISTS = 50_000
INSTANCES = 50_000
DICTS = 20_000


class Record:
    """A plain user class: four attributes, no __slots__."""

    def __init__(self, i, name, tags, parent):
        self.id = i
        self.name = name
        self.tags = tags
        self.parent = parent


def build():
    """Builds the heap deterministically; returns the one object that holds it."""
    per_list = STRINGS // STRING_LISTS
    strings = [["k%07d" % (n * per_list + j) for j in range(per_list)] for n in range(STRING_LISTS)]
    # Ints above 256 are new objects (the small-int cache ends at 256).
    tuples = [(1000 + i, i % 3 == 0) for i in range(TUPLES)]
    small_lists = [[i % 200, i * 0.5] for i in range(SMALL_LISTS)]
    shared_tags = ("alpha", "beta", "gamma")
    records = []
    parent = None
    for i in range(INSTANCES):
        # id: the int of a tuple (shared); name: a str held by this record
        # only; tags and parent: objects shared with other records.
        parent = Record(tuples[i][0], "r%06d" % i, shared_tags, parent if i % 100 else None)
        records.append(parent)
    dicts = [{"id": tuples[i][0], "name": records[i].name, "score": small_lists[i][1]} for i in range(DICTS)]
    return {"strings": strings, "tuples": tuples, "small_lists": small_lists, "records": records, "dicts": dicts}


def python_version():
    return "%d.%d.%d" % sys.version_info[:3]


def peak_rss_bytes():
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def repeats():
    return max(1, int(os.environ.get("BENCH_REPEAT", "2")))


def count_objects():
    """gc-tracked objects plus the untracked objects they reference, each once."""
    tracked = gc.get_objects()
    seen = set(map(id, tracked))
    total = len(tracked)
    frontier = tracked
    while frontier:
        found = []
        for obj in gc.get_referents(*frontier):
            if not gc.is_tracked(obj) and id(obj) not in seen:
                seen.add(id(obj))
                found.append(obj)
        total += len(found)
        frontier = found
    return total


PROBE_ROLES = ("root", "strings", "tuples", "small_lists", "records", "dicts")


def probe_objects(heap):
    """The workload's containers by role: the dict build() returns and its five lists."""
    return {role: heap if role == "root" else heap[role] for role in PROBE_ROLES}


def probes(heap):
    return {role: hex(id(obj)) for role, obj in probe_objects(heap).items()}


def measure_memlens(out, heap):
    import memlens
    runs = []
    for _ in range(repeats()):
        result = memlens.dump(out)
        runs.append(result)
    best = min(runs, key=lambda r: r["seconds"])
    return {"tool": "memlens dump", "python": python_version(), "objects": best["objects"],
            "seconds": best["seconds"], "all_seconds": [r["seconds"] for r in runs],
            "file_bytes": best["bytes"], "peak_rss_bytes": peak_rss_bytes(), "probes": probes(heap)}


def measure_guppy():
    from guppy import hpy
    hp = hpy()
    runs = []
    for _ in range(repeats()):
        started = time.perf_counter()
        heap = hp.heap()
        seconds = time.perf_counter() - started
        runs.append((seconds, heap.count, heap.size))
        del heap
    seconds, count, size = min(runs)
    return {"tool": "guppy3 heap()", "python": python_version(), "objects": count, "seconds": seconds,
            "all_seconds": [r[0] for r in runs], "total_size": size}


def measure_meliae(out, heap):
    from meliae import scanner
    started = time.perf_counter()
    scanner.dump_all_objects(out)
    seconds = time.perf_counter() - started
    with open(out, "rb") as dump_file:
        lines = sum(1 for _ in dump_file)
    return {"tool": "meliae dump_all_objects", "python": python_version(), "objects": lines,
            "seconds": seconds, "file_bytes": os.path.getsize(out), "probes": probes(heap)}


def measure_meliae_load(path, collapse):
    from meliae import loader
    with open(path, "rb") as dump_file:
        lines = sum(1 for _ in dump_file)
    baseline = peak_rss_bytes()
    started = time.perf_counter()
    # collapse=False: the plain load + summarize that `memlens summary` does;
    # collapse=True (load()'s default) also runs collapse_instance_dicts and
    # compute_parents, as `memlens summary --collapse-dicts` folds dicts.
    manager = loader.load(path, show_prog=False, collapse=collapse)
    loaded = time.perf_counter() - started
    summary = manager.summarize()
    seconds = time.perf_counter() - started
    # _ObjSummary's __repr__/by_size use dict.itervalues (Python 2 only): read its fields.
    # objects: read from the file (speed is per object read); summary_objects:
    # what summarize() counted (fewer when instance dicts were collapsed).
    return {"tool": "meliae load+summarize", "collapse": collapse, "python": python_version(), "objects": lines,
            "summary_objects": summary.total_count,
            "types": len(summary.type_summaries), "seconds": seconds,
            "by_type": {name: [each.count, each.total_size] for name, each in summary.type_summaries.items()},
            "load_seconds": loaded,
            "peak_rss_bytes": peak_rss_bytes(), "baseline_rss_bytes": baseline}


def measure_meliae_parents(path, address):
    """What `memlens referrers` + `memlens summary` do, meliae's way: load the
    dump (collapse=False, so no dict folding), compute_parents() (the reverse
    edges of the whole heap; compute_referrers() is its deprecated name) and
    summarize(). Then the parents of one object, as `referrers --address` shows."""
    from meliae import loader
    with open(path, "rb") as dump_file:
        lines = sum(1 for _ in dump_file)
    baseline = peak_rss_bytes()
    started = time.perf_counter()
    manager = loader.load(path, show_prog=False, collapse=False)
    loaded = time.perf_counter()
    manager.compute_parents()
    parented = time.perf_counter()
    summary = manager.summarize()
    summarized = time.perf_counter()
    # max_parents is 100 by default: meliae keeps at most 100 parents per object.
    parents = list(manager[int(address, 16)].parents)
    return {"tool": "meliae load+compute_parents+summarize", "python": python_version(), "objects": lines,
            "summary_objects": summary.total_count, "seconds": summarized - started,
            "load_seconds": loaded - started, "parents_seconds": parented - loaded,
            "summarize_seconds": summarized - parented, "probe": address, "probe_parents": len(parents),
            "peak_rss_bytes": peak_rss_bytes(), "baseline_rss_bytes": baseline}


def measure_guppy_domisize(heap):
    """guppy3's dominated size. guppy has no dominator tree: View.domisize(X)
    is the size of what reachability from its root loses when the set X goes
    (dominos_tuple: a few traversals of the whole heap per set X). Timed:
      - h = hp.heap(); h.domisize: the dominated size of the whole heap, one number;
      - hp.iso(x).domisize for each workload container x: one object's retained
        size, the figure `memlens retained` gives for every object at once.
    Untimed, for the agreement check: the part of each domisize made of
    instance __dict__s of Record objects, which guppy's traversal creates on
    3.11+ (their values are inline until something asks for the dict)."""
    from guppy import hpy
    hp = hpy()
    whole = []
    for _ in range(repeats()):
        started = time.perf_counter()
        h = hp.heap()
        captured = time.perf_counter()
        size = h.domisize
        finished = time.perf_counter()
        whole.append((finished - captured, captured - started, h.count, h.size, size))
        del h
    domisize_seconds, heap_seconds, count, heap_size, domisize = min(whole)
    # No list or dict of the containers here: an extra reference to a
    # container would take it out of its parent's dominated set. The
    # instance dicts are found by id for the same reason.
    dict_ids = {id(x) for r in heap["records"] for x in gc.get_referents(r) if type(x) is dict}
    per_object = {}
    for role in PROBE_ROLES:
        runs = []
        for _ in range(repeats()):
            started = time.perf_counter()
            value = hp.iso(heap if role == "root" else heap[role]).domisize
            runs.append((time.perf_counter() - started, value))
        per_object[role] = {"seconds": min(runs)[0], "domisize": min(runs)[1]}
        if dict_ids:
            dominated = hp.iso(heap if role == "root" else heap[role]).dominos
            dicts = [x for x in dominated.nodes if id(x) in dict_ids]
            per_object[role]["instance_dicts_size"] = hp.iso(*dicts).size if dicts else 0
            del dicts, dominated
    return {"tool": "guppy3 domisize", "python": python_version(), "objects": count,
            "seconds": domisize_seconds, "all_seconds": [r[0] for r in whole],
            "heap_seconds": heap_seconds, "heap_size": heap_size, "domisize": domisize,
            "per_object": per_object,
            "per_object_mean_seconds": sum(p["seconds"] for p in per_object.values()) / len(per_object),
            "instance_dicts_created": len(dict_ids),
            "peak_rss_bytes": peak_rss_bytes()}


def main(argv):
    mode = argv[1] if len(argv) > 1 else "count"
    if mode in ("meliae-load", "meliae-load-collapse"):
        result = measure_meliae_load(argv[2], collapse=mode == "meliae-load-collapse")
    elif mode == "meliae-parents":
        result = measure_meliae_parents(argv[2], argv[3])
    else:
        started = time.perf_counter()
        heap = build()
        built = time.perf_counter() - started
        if mode == "count":
            result = {"tool": "count", "python": python_version(), "objects": count_objects()}
        elif mode == "memlens":
            result = measure_memlens(argv[2], heap)
        elif mode == "guppy":
            result = measure_guppy()
        elif mode == "guppy-domisize":
            result = measure_guppy_domisize(heap)
        elif mode == "meliae":
            result = measure_meliae(argv[2], heap)
        else:
            raise SystemExit("unknown mode %r" % mode)
        result["build_seconds"] = built
        del heap
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main(sys.argv)
