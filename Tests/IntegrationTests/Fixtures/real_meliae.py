"""Real meliae on a small heap, for RealMeliaeTests (needs meliae installed).

    python real_meliae.py dump DUMP.json
        builds a small heap (strs, tuples, lists, dicts, instances of a plain
        class, an instance of a __slots__ class, ints, floats, bytes) and writes
        it with meliae's scanner.dump_all_objects
    python real_meliae.py summarize DUMP.json OUT.json
        loads DUMP.json with meliae's loader twice -- as dumped
        (collapse=False) and with instance dicts collapsed (collapse=True, the
        default of loader.load) -- and writes what summarize() found:
        {"plain": {...}, "collapsed": {...}}, each
        {"objects", "total_size", "types": {type: {"count", "size", "max"}}}

meliae 0.5.1's summary printing (_ObjSummary.__repr__, by_size, by_count)
calls dict.itervalues and fails on Python 3, so the summary object's fields
(total_count, total_size, type_summaries) are read directly.
"""

import json
import sys


class Leaf:
    def __init__(self, i):
        self.index = i
        self.label = "leaf-%d" % i
        self.payload = [i, i * 0.25]


class Packed:
    __slots__ = ("a", "b")

    def __init__(self, a, b):
        self.a = a
        self.b = b


def build():
    return {
        "strings": ["s%05d" % i for i in range(3000)],
        "pairs": [(1000 + i, "p%d" % i) for i in range(1500)],
        "leaves": [Leaf(i) for i in range(777)],
        "packed": [Packed(i, b"x" * (i % 7)) for i in range(250)],
        "maps": [{"k%d" % j: j * 1.5 for j in range(i % 9)} for i in range(400)],
        "big": 1 << 40,  # meliae 0.5.1 fails (OverflowError) on ints beyond a C long
    }


def dump(path):
    from meliae import scanner
    heap = build()
    scanner.dump_all_objects(path)
    del heap


def summary_fields(summary):
    types = {}
    for name, each in summary.type_summaries.items():
        types[name] = {"count": each.count, "size": each.total_size, "max": each.max_size}
    return {"objects": summary.total_count, "total_size": summary.total_size, "types": types}


def summarize(path, out):
    from meliae import loader
    plain = loader.load(path, show_prog=False, collapse=False).summarize()
    collapsed = loader.load(path, show_prog=False, collapse=True).summarize()
    with open(out, "w") as stream:
        json.dump({"plain": summary_fields(plain), "collapsed": summary_fields(collapsed)}, stream)


if __name__ == "__main__":
    if sys.argv[1] == "dump":
        dump(sys.argv[2])
    elif sys.argv[1] == "summarize":
        summarize(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit(__doc__)
