"""GIVEN issue 27's pandas process at 1/10 scale: a 20 MB float array, a
DataFrame of 500,000 rows with a str column, and a dict of 2,000 small
arrays, this target prints one JSON line, then blocks in read(2) on stdin
until EOF:

- ``frame``: the DataFrame's id; ``memory_usage``: its
  ``memory_usage(deep=True).sum()``, the bytes pandas says it holds;
- ``column``: the id of the str in row 12,345 of the str column (a path to
  it must go through the column's object array, by index);
- ``numpy``, ``pandas``: their versions.
"""

import json
import sys

import numpy as np
import pandas as pd


def main():
    floats = np.random.default_rng(27).random(2_500_000)  # 20 MB
    rows = 500_000
    df = pd.DataFrame({
        "name": [f"customer {i:07d}" for i in range(rows)],
        "value": np.arange(rows, dtype=np.float64),
        "count": np.arange(rows, dtype=np.int64),
    })
    small = {f"a{i}": np.full(i % 7 + 1, float(i)) for i in range(2000)}
    line = {
        "frame": id(df),
        "memory_usage": int(df.memory_usage(deep=True).sum()),
        "column": id(df["name"].array[12345]),
        "numpy": np.__version__,
        "pandas": pd.__version__,
    }
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()
    sys.stdin.read()
    return floats, df, small


if __name__ == "__main__":
    main()
