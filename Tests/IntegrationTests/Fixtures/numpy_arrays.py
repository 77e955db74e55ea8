"""GIVEN numpy arrays of every kind the read-only walk reads (owners and views,
object arrays through odd strides, a Python subclass, a buffer's view) and,
when pandas is installed, a DataFrame with a str column, this target prints
one JSON line, then blocks in read(2) on stdin until EOF:

- ``arrays``: every ndarray reachable from a collected object (through bases
  and object arrays too) as ``{"id", "size"}``, ``size`` being ``sys.getsizeof``;
- ``strings``: the ids of 1,000 distinct str held only by an object array;
- ``only``: the type name of the objects held only by an object array;
- ``column``: the ids of the DataFrame's column strings (empty without pandas);
- ``numpy``, ``pandas``: their versions;
- with pandas, issue 27's pandas process at 1/10 scale besides (a 20 MB float
  array, a DataFrame of 500,000 rows with a str column; the 2,000 small arrays
  are ``small``): ``frame``, the DataFrame's id; ``memory_usage``, its
  ``memory_usage(deep=True).sum()``; ``row``, the id of the str in row 12,345
  of its str column (a path to it goes through an object array, by index);
- ``owned``: the bytes of data the arrays own (``nbytes`` where ``owndata``).

``dump PATH``: first the agent's own dump of the process to PATH (python/
must be on PYTHONPATH). ``big``: instead, one object array of 10,000,000
elements over 1,000 distinct str, and ``{"array": id}``.
"""

import gc
import json
import sys

import numpy as np


class OnlyInArray:
    """Held by nothing but an object array."""

    __slots__ = ("index",)

    def __init__(self, index):
        self.index = index


class Tagged(np.ndarray):
    """A Python subclass: collected, with a __dict__."""


def reachable_arrays():
    """Every ndarray reachable from a collected object: through untracked containers
    (a dict of arrays only is untracked), bases and object arrays too."""
    atoms = (str, bytes, int, float, type(None))
    seen = set()
    found = []
    pending = gc.get_objects()
    while pending:
        o = pending.pop()
        if id(o) in seen or isinstance(o, atoms):
            continue
        seen.add(id(o))
        pending += gc.get_referents(o)
        if isinstance(o, np.ndarray):
            found.append(o)
            pending.append(o.base)
            if o.dtype.num == 17:
                pending += o.ravel().tolist()
    return found


def arrays():
    strings = np.array([f"element {i} of an object array" for i in range(1000)], dtype=object)
    grid = np.empty((30, 40), dtype=object)
    for i in range(30):
        for j in range(40):
            grid[i, j] = (i, j)
    big = np.arange(2_000_000, dtype=np.float64)
    held = {
        "big": big,
        "every other": big[::2],
        "reshaped": big.reshape(1000, 2000),
        "fortran": np.asfortranarray(np.ones((300, 7), dtype=np.int32)),
        "scalar": np.array(3.5),
        "empty": np.zeros((0, 5)),
        "tagged": np.arange(100.0).view(Tagged),
        "tagged owner": Tagged((4, 5)),
        "from bytes": np.frombuffer(b"0123456789abcdef" * 64, dtype=np.uint8),
        "records": np.zeros(50, dtype=[("a", "i4"), ("b", "O")]),
        "unicode": np.array(["abc", "defgh"] * 100),
        "strings": strings,
        "only": np.array([OnlyInArray(i) for i in range(10)], dtype=object),
        "grid": grid,
        "grid strided": grid[::3, 1::2].T,
        "reversed": strings[::-1],
        "small": {f"a{i}": np.full(i % 7 + 1, i) for i in range(2000)},
    }
    return held, strings


def frame():
    """A DataFrame with a str column, and its strings' ids (none without pandas)."""
    try:
        import pandas as pd
    except ImportError:
        return None, [], None
    column = [f"row {i} of a str column" for i in range(10_000)]
    df = pd.DataFrame({"name": column, "value": np.arange(10_000.0)})
    ids = [id(s) for s in column]
    del column
    return df, ids, pd.__version__


def pandas_process():
    """Issue 27's pandas process at 1/10 scale (its 2,000 small arrays are ``arrays()``'s)."""
    import pandas as pd
    floats = np.random.default_rng(27).random(2_500_000)  # 20 MB
    rows = 500_000
    df = pd.DataFrame({
        "name": [f"customer {i:07d}" for i in range(rows)],
        "value": np.arange(rows, dtype=np.float64),
        "count": np.arange(rows, dtype=np.int64),
    })
    truth = {"frame": id(df), "memory_usage": int(df.memory_usage(deep=True).sum()), "row": id(df["name"].array[12345])}
    return (floats, df), truth


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode == "big":
        words = [f"word {i}" for i in range(1000)]
        array = np.array(words * 10_000, dtype=object)
        print(json.dumps({"array": id(array)}), flush=True)
        sys.stdin.read()
        return array
    held, strings = arrays()
    df, column, pandas_version = frame()
    process, line = pandas_process() if pandas_version else (None, {})
    found = reachable_arrays()
    line.update({
        "arrays": [{"id": id(a), "size": sys.getsizeof(a)} for a in found],
        "owned": sum(a.nbytes for a in found if a.flags.owndata),
        "strings": [id(s) for s in strings],
        "only": f"{__name__}.OnlyInArray",
        "column": column,
        "numpy": np.__version__,
        "pandas": pandas_version,
    })
    del found
    if mode == "dump":
        from memlens.snapshot import dump
        gc.collect(1)  # young cyclic garbage would be in the dump, and freed before memlens reads the process
        dump(sys.argv[2])  # the first readies the types the dump uses
        dump(sys.argv[2])
    # The line's text, held by this frame alone, is gone before memlens reads the process:
    # 3.11+ the agent cannot see a running frame's locals.
    text = json.dumps(line) + "\n"
    sys.stdout.write(text)
    sys.stdout.flush()
    del text
    sys.stdin.read()
    return held, df, process, line


if __name__ == "__main__":
    main()
