"""GIVEN one large instance (and a few odd states) of each stdlib type whose
C ``__sizeof__`` counts storage the object owns, this target prints one JSON
line ``{"objects": [{"name", "id", "size", "type"}…]}`` (``size`` is
``sys.getsizeof``), then blocks in read(2) on stdin until EOF.

``approximate``: the id of an object whose class defines ``__sizeof__`` in
Python, which no reader from outside can size. Standard library only; runs
on 3.8–3.15 (3.15 adds its frozendict).
"""

import array
import collections
import decimal
import io
import itertools
import json
import mmap
import os
import pickle
import struct
import sys
import tempfile
import types
import xml.etree.ElementTree as ElementTree

import _pickle


class ByteArraySub(bytearray):
    pass


class DequeSub(collections.deque):
    pass


class OrderedDictSub(collections.OrderedDict):
    pass


class ArraySub(array.array):
    pass


class OwnSizeof:
    def __sizeof__(self):
        return 12345


def main():
    here = os.path.abspath(__file__) if "__file__" in globals() else sys.executable
    shared = io.BytesIO(b"abc" * 1000)
    shared_value = shared.getvalue()  # the buffer is now held twice: not counted
    written = io.BytesIO()
    written.write(b"z" * 5000)
    popped = collections.deque(range(200))
    for _ in range(97):
        popped.popleft()
    pickler = _pickle.Pickler(io.BytesIO())
    pickler.dump([[i] for i in range(2000)])
    unpickler = _pickle.Unpickler(io.BytesIO(pickle.dumps([list(range(50)), {"a": (1, 2)}] * 20, protocol=0)))
    unpickler.load()
    binary_unpickler = _pickle.Unpickler(io.BytesIO(pickle.dumps(list(range(3000)), protocol=4)), encoding="latin1")
    binary_unpickler.load()
    element = ElementTree.Element("root", {"k": "v"})
    for _ in range(100):
        ElementTree.SubElement(element, "child")
    few = ElementTree.Element("few")
    for _ in range(3):
        ElementTree.SubElement(few, "child")
    reader = open(here, "rb")
    small_reader = open(here, "rb", buffering=100)
    writer = open(os.devnull, "wb")
    random = tempfile.TemporaryFile()
    random.write(b"r" * 10000)
    mapped = mmap.mmap(-1, 4096)
    objects = {
        "bytearray(10_000_000)": bytearray(10_000_000),
        "bytearray()": bytearray(),
        "bytearray grown": bytearray(b"a" * 100) + b"b" * 7,
        "bytearray subclass": ByteArraySub(b"x" * 500),
        "BytesIO of 10 MB": io.BytesIO(b"x" * 10_000_000),
        "BytesIO shared": shared,
        "BytesIO written": written,
        "BytesIO()": io.BytesIO(),
        "BufferedReader": reader,
        "BufferedReader small": small_reader,
        "BufferedWriter": writer,
        "BufferedRandom": random,
        "array('d', range(10**6))": array.array("d", range(10**6)),
        "array('b')": array.array("b", b"12345"),
        "array('i') empty": array.array("i"),
        "array subclass": ArraySub("q", range(1000)),
        "deque(range(10**5))": collections.deque(range(10**5)),
        "deque()": collections.deque(),
        "deque(range(33))": collections.deque(range(33)),
        "deque popped": popped,
        "deque subclass": DequeSub(range(1000)),
        "deque maxlen": collections.deque(range(500), maxlen=100),
        "Struct('i'*1000)": struct.Struct("i" * 1000),
        "Struct('10s3i2x?')": struct.Struct("10s3i2x?"),
        "Decimal('1'*1000)": decimal.Decimal("1" * 1000),
        "Decimal('1.5')": decimal.Decimal("1.5"),
        "Pickler after dump": pickler,
        "Pickler new": _pickle.Pickler(io.BytesIO()),
        "Unpickler protocol 0": unpickler,
        "Unpickler protocol 4": binary_unpickler,
        "combinations": itertools.combinations(range(100), 10),
        "combinations_with_replacement": itertools.combinations_with_replacement("abcdef", 4),
        "permutations": itertools.permutations(range(50), 5),
        "product": itertools.product(range(3), "ab", repeat=5),
        "Element with 100 children": element,
        "Element with 3 children": few,
        "Element bare": ElementTree.Element("bare"),
        "OrderedDict of 1000": collections.OrderedDict((i, i) for i in range(1000)),
        "OrderedDict()": collections.OrderedDict(),
        "OrderedDict subclass": OrderedDictSub(a=1),
        # No __sizeof__ of their own: tp_basicsize, exact.
        "StringIO": io.StringIO("s" * 10000),
        "TextIOWrapper": open(here, "r"),
        "mmap": mapped,
        "tee": itertools.tee(range(10))[0],
        "SimpleNamespace": types.SimpleNamespace(a=1),
    }
    if "frozendict" in dir(__builtins__):  # 3.15: sized as a dict
        objects["frozendict of 1000"] = frozendict((i, [i]) for i in range(1000))  # noqa: F821
        objects["frozendict of str"] = frozendict(a=1, b=2)  # noqa: F821
    own_sizeof = OwnSizeof()
    line = {
        "objects": [{"name": name, "id": id(o), "size": sys.getsizeof(o), "type": type(o).__name__} for name, o in objects.items()],
        "approximate": id(own_sizeof),
    }
    keep = (objects, shared_value, own_sizeof, line)
    print(json.dumps(line), flush=True)
    sys.stdin.read()
    return keep


if __name__ == "__main__":
    main()
