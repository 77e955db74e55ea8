#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into bench/fuzz/seeds/TARGET/
(git-ignored), from real files: a .mlh written by `memlens run
--snapshot-at-exit`, its meliae export, the /proc files of a running python,
the python binary and a small shared library, a gcore core of a python process
(its memory segments cut to 256 bytes each, its headers and notes intact), and
forged process images in the format of FuzzSupport/ForgedImage.swift.

Usage: seeds.py MEMLENS GENERATEHEAP TARGET
"""
import glob, os, re, shutil, struct, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.11*/bin/python3.11")))[-1]


AGENT_DUMP = """
import gc, sys, memlens.snapshot as snapshot
def outer(a):
    def inner(): return a
    return inner
objects = [{"k": i, "s": "v\\u00e9" * i, "b": b"xy", "f": 1.5, "n": 10 ** 30} for i in range(5)] + [outer(3), (1, 2)]
gc.get_objects = lambda generation=None: list(objects) if generation is None else []
snapshot.dump(sys.argv[1])
"""


def out(target):
    folder = os.path.join(HERE, "seeds", target)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    return folder


def put(folder, name, data):
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def snapshot_seeds(memlens, generate_heap, target):
    folder = out(target)
    with tempfile.TemporaryDirectory() as tmp:
        snaps = os.path.join(tmp, "snaps")
        subprocess.run([memlens, "run", "--snapshot-at-exit", "-o", snaps, "--", PYTHON, "-c",
                        "x = [{'k': i, 's': 'v' * i} for i in range(20)]"], check=True, stdout=subprocess.DEVNULL)
        real = sorted(glob.glob(os.path.join(snaps, "*.mlh")))[-1]
        small = os.path.join(tmp, "small.mlh")
        subprocess.run([generate_heap, small, "40", "80"], check=True, stdout=subprocess.DEVNULL)
        # The agent's own writer over a few objects (values, closures, roots): a
        # real file small enough for many executions a second.
        agent = os.path.join(tmp, "agent.mlh")
        subprocess.run([PYTHON, "-c", AGENT_DUMP, agent], check=True, stdout=subprocess.DEVNULL,
                       env=dict(os.environ, PYTHONPATH=os.path.join(HERE, "../../python")))
        if target == "mlh":
            shutil.copy(real, os.path.join(folder, "real.mlh"))
            shutil.copy(small, os.path.join(folder, "small.mlh"))
            shutil.copy(agent, os.path.join(folder, "agent.mlh"))
        else:
            for name, source in [("real", real), ("small", small), ("agent", agent)]:
                path = os.path.join(folder, name + ".json")
                subprocess.run([memlens, "export", source, "--format", "meliae", "-o", path], check=True)
            lines = open(os.path.join(folder, "small.json"), "rb").read().splitlines(keepends=True)
            put(folder, "lines.json", b"".join(lines[:30]))
            put(folder, "escapes.json", b'{"address": 1, "type": "str", "size": 50, "len": 3, "value": "a\\u00e9\\ud83d\\ude00\\n", "refs": []}\n'
                b'{"address": 2, "type": "module", "size": 80, "name": "m", "refs": [1, 3], "value": 1.5e3}\n')


def proc_seeds():
    folder = out("proc")
    for path in glob.glob(os.path.join(HERE, "../../Tests/ProcFSTests/Fixtures/*.txt")):
        shutil.copy(path, folder)
    child = subprocess.Popen([PYTHON, "-c", "import sys, time; x = bytearray(1 << 20); sys.stdout.write('r\\n'); sys.stdout.flush(); time.sleep(60)"],
                             stdout=subprocess.PIPE)
    try:
        child.stdout.readline()
        for name in ["maps", "smaps", "stat", "status", "smaps_rollup"]:
            with open(f"/proc/{child.pid}/{name}", "rb") as f:
                put(folder, "live_" + name, f.read())
    finally:
        child.kill()
        child.wait()


def elf_seeds():
    folder = out("elf")
    shutil.copy(os.path.realpath(PYTHON), os.path.join(folder, "python3.11"))
    stub = os.path.join(os.path.dirname(PYTHON), "../lib/libpython3.so")
    if os.path.exists(stub):
        shutil.copy(stub, os.path.join(folder, "libpython3.so"))
    with tempfile.TemporaryDirectory() as tmp:
        source = os.path.join(tmp, "lib.c")
        with open(source, "w") as f:
            f.write("static void *arenas; static unsigned maxarenas; char _PyRuntime[64];\n"
                    "void *touch(void) { maxarenas++; return arenas; }\n")
        lib = os.path.join(tmp, "lib.so")
        subprocess.run(["cc", "-shared", "-fPIC", "-O1", "-o", lib, source], check=True)
        shutil.copy(lib, os.path.join(folder, "symbols.so"))
        subprocess.run(["strip", lib], check=True)
        shutil.copy(lib, os.path.join(folder, "stripped.so"))


def shrink_core(core, keep=256):
    """The core's headers and notes with every PT_LOAD cut to `keep` bytes."""
    data = open(core, "rb").read()
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    header = bytearray(data[:64])
    struct.pack_into("<QHH", header, 0x28, 0, 64, 0)  # no section headers
    table = bytearray(data[phoff:phoff + phnum * phentsize])
    body = bytearray()
    start = 64 + len(table)
    for i in range(phnum):
        at = i * phentsize
        kind, _, offset, _, _, filesz = struct.unpack_from("<IIQQQQ", table, at)
        size = filesz if kind != 1 else min(filesz, keep)
        struct.pack_into("<Q", table, at + 8, start + len(body))
        struct.pack_into("<Q", table, at + 32, size)
        body += data[offset:offset + size]
        while len(body) % 8:
            body += b"\0"
    struct.pack_into("<Q", header, 0x20, 64)
    return bytes(header + table + body)


def core_seeds():
    folder = out("core")
    child = subprocess.Popen([PYTHON, "-c", "import sys, time; sys.stdout.write('r\\n'); sys.stdout.flush(); time.sleep(60)"],
                             stdout=subprocess.PIPE)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            child.stdout.readline()
            prefix = os.path.join(tmp, "core")
            subprocess.run(["gcore", "-o", prefix, str(child.pid)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        finally:
            child.kill()
            child.wait()
        core = glob.glob(prefix + "*")[0]
        put(folder, "python_core_256", shrink_core(core, 256))
        put(folder, "python_core_16", shrink_core(core, 16))


def image(selector, params, regions):
    data = struct.pack("<BQQQ", selector, *params)
    for start, body in regions:
        data += struct.pack("<QH", start, len(body)) + body
    return data


def census_seeds(target="census"):
    """A collector state with three generations and the permanent one, whose
    generation 0 lists two objects of a static type named `int` and of a heap type.
    The read-only walk (`walk`) starts from the same states."""
    folder = out(target)
    for minor, selector in [(11, 3), (12, 4), (8, 0)]:
        gc = 0x1000
        objects = 0x2000
        mem = bytearray(0x800)
        heads = [gc + 24 + g * 24 for g in range(3)] + [gc + 104]
        base = 0x1000
        def word(address, value):
            struct.pack_into("<Q", mem, address - base, value)
        for head in heads:
            word(head, head)
            word(head + 8, head)
        # Two objects in generation 0: PyGC_Head then the object (type at +8).
        static_type, name = 0x1400, 0x1600
        n1, n2 = objects, objects + 0x40
        region2 = bytearray(0x100)
        def word2(address, value):
            struct.pack_into("<Q", region2, address - objects, value)
        word(heads[0], n1)
        word(heads[0] + 8, n2)
        word2(n1, n2); word2(n1 + 8, heads[0])
        word2(n2, heads[0]); word2(n2 + 8, n1)
        word2(n1 + 16 + 8, static_type); word2(n2 + 16 + 8, static_type)
        word2(n1 + 16 + 16, 1)  # ob_size
        word(static_type + 8, static_type)
        word(static_type + 24, name)
        word(static_type + 32, 28)
        word(static_type + 40, 4)
        word(static_type + 168, 1 << 24)  # Py_TPFLAGS_LONG_SUBCLASS
        mem[name - base:name - base + 4] = b"int\0"
        put(folder, f"gc_3_{minor}", image(selector, [gc, 0, 0], [(base, bytes(mem)), (objects, bytes(region2))]))
    put(folder, "empty_lists", image(3, [0x1000, 0, 0], [(0x1000, b"\0" * 24 + b"".join(struct.pack("<QQQ", h, h, 0) for h in [0x1018, 0x1030, 0x1048]))]))
    forged_heap_seeds(folder)


FIELDS_SWIFT = os.path.join(HERE, "../../Sources/PythonProcess/Layout/DebugOffsetsFields.swift")


def debug_offset_names(minor):
    """The `group.field` names of 3.`minor`'s `_Py_DebugOffsets`, in table order, read from
    memlens's own lists (DebugOffsetsFields.swift), so the seeds follow them."""
    text = open(FIELDS_SWIFT).read()
    groups = {}
    for table in re.finditer(r"static let (v3_\d+): \[Group\] = \[(.*?)\n    \]", text, re.S):
        items = []
        for g in re.finditer(r'\(\s*"(\w+)",\s*\[(.*?)\]\)|(v3_\d+)\[(\d+)\]', table.group(2), re.S):
            items.append((g.group(1), re.findall(r'"(\w+)"', g.group(2))) if g.group(1) else groups[g.group(3)][int(g.group(4))])
        groups[table.group(1)] = items
    return [f"{group}.{field}" for group, fields in groups[f"v3_{minor}"] for field in fields]


def debug_offsets(minor):
    """The real `_Py_DebugOffsets` of Debian's python3.`minor` (scripts/sid), read with ctypes
    at `_PyRuntime`, and its fields by name; None when that interpreter cannot run here."""
    code = ("import ctypes, sys; a = ctypes.addressof(ctypes.c_char.in_dll(ctypes.pythonapi, '_PyRuntime')); "
            "sys.stdout.buffer.write(ctypes.string_at(a, 888))")
    try:
        table = subprocess.run([os.path.join(HERE, f"../../scripts/sid/python3.{minor}"), "-c", code],
                               capture_output=True, timeout=120, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    if not table.startswith(b"xdebugpy") or len(table) != 888:
        return None
    names = debug_offset_names(minor)
    return table, {name: struct.unpack_from("<Q", table, 24 + 8 * i)[0] for i, name in enumerate(names)}


class Forge:
    """A process image forged in one region for the census and walk targets: type
    objects, objects linked into the collector's generation 0, strs, a zeroed
    interpreter state, at the offsets of CPython 3.`minor` (3.11+), those the
    target's `_Py_DebugOffsets` gives (`offsets`) taken from there."""
    TYPE, GC, HEAP, LIST, TUPLE, BYTES, STR, DICT = 1 << 31, 1 << 14, 1 << 9, 1 << 25, 1 << 26, 1 << 27, 1 << 28, 1 << 29

    def __init__(self, minor, offsets=None, base=0x10000):
        self.minor, self.base, self.mem, self.tracked = minor, base, bytearray(), []
        o = offsets or {}
        self.tp_name, self.tp_flags = o.get("type_object.tp_name", 24), o.get("type_object.tp_flags", 168)
        self.tp_basicsize = o.get("type_object.tp_basicsize", 32)
        self.tuple_items = o.get("tuple_object.ob_item", 32 if minor >= 14 else 24)
        self.ascii_size = o.get("unicode_object.asciiobject_size", 48 if minor == 11 else 40)
        self.ma_keys, self.ma_values = o.get("dict_object.ma_keys", 32), o.get("dict_object.ma_values", 40)
        self.gc = self.alloc(0x100)
        first = 8 if minor >= 15 else 24
        self.heads = [self.gc + first + 24 * g for g in range(3)] + [self.gc + {14: 96, 15: 80}.get(minor, 104)]
        for head in self.heads:
            self.q(head, head, head)
        self.type_type, self.object_type = self.alloc(0x1c0), self.alloc(0x1c0)
        self.type_of(self.type_type, "type", 0x370, flags=self.TYPE | self.GC, meta=self.type_type)
        self.type_of(self.object_type, "object", 16, base=0)
        self.str_type = self.type("str", self.ascii_size + 1, flags=self.STR)
        self.bytes_type = self.type("bytes", 33, 1, flags=self.BYTES)
        self.tuple_type = self.type("tuple", self.tuple_items, 8, flags=self.TUPLE | self.GC)
        self.list_type = self.type("list", 40, flags=self.LIST | self.GC)
        self.dict_type = self.type("dict", 48, flags=self.DICT | self.GC)

    def alloc(self, size, align=16):
        while len(self.mem) % align:
            self.mem.append(0)
        address = self.base + len(self.mem)
        self.mem += bytes(size)
        return address

    def q(self, address, *words):
        for i, word in enumerate(words):
            struct.pack_into("<Q", self.mem, address - self.base + 8 * i, word & (2 ** 64 - 1))

    def put(self, address, fmt, *values):
        struct.pack_into("<" + fmt, self.mem, address - self.base, *values)

    def cstr(self, text):
        address = self.alloc(len(text) + 1, 1)
        self.mem[address - self.base:address - self.base + len(text)] = text.encode()
        return address

    def type_of(self, address, name, basic, item=0, flags=0, base=None, meta=None, dict=0):
        self.q(address, 1, meta or self.type_type)
        self.q(address + self.tp_name, self.cstr(name))
        self.q(address + self.tp_basicsize, basic, item)
        self.q(address + self.tp_flags, flags)
        self.q(address + 256, self.object_type if base is None else base, dict)
        return address

    def type(self, name, basic, item=0, **fields):
        return self.type_of(self.alloc(0x1c0), name, basic, item, **fields)

    def obj(self, type, size, tracked=True):
        """An object of `type` (`size` bytes, zeroed); a tracked one is linked into generation 0."""
        node = self.alloc(16 + size) if tracked else None
        address = node + 16 if tracked else self.alloc(size)
        if tracked:
            self.tracked.append(node)
        self.q(address, 1, type)
        return address

    def str(self, text):
        s = self.obj(self.str_type, self.ascii_size + len(text) + 1, tracked=False)
        self.q(s + 16, len(text), 2 ** 64 - 1)
        self.put(s + 32, "I", 0x64)  # compact ASCII, kind 1
        self.mem[s + self.ascii_size - self.base:s + self.ascii_size - self.base + len(text)] = text.encode()
        return s

    def bytes(self, data, refcount=1):
        b = self.obj(self.bytes_type, 33 + len(data), tracked=False)
        self.q(b, refcount)
        self.q(b + 16, len(data), 2 ** 64 - 1)
        return b

    def tuple(self, items, tracked=True):
        t = self.obj(self.tuple_type, self.tuple_items + 8 * len(items), tracked)
        self.q(t + 16, len(items))
        self.q(t + self.tuple_items, *items)
        return t

    def list(self, items):
        array = self.alloc(8 * len(items))
        self.q(array, *items)
        lst = self.obj(self.list_type, 40)
        self.q(lst + 16, len(items), array, len(items))
        return lst

    def keys(self, entries):
        """A combined str-keyed table (3.11+: log2 size 3, one-byte indices, 16-byte entries)."""
        keys = self.alloc(32 + 8 + 16 * 8)
        self.q(keys, 1)
        self.put(keys + 8, "BBB", 3, 3, 1)
        self.q(keys + 16, 5 - len(entries), len(entries))
        self.mem[keys + 32 - self.base:keys + 40 - self.base] = bytes(range(len(entries))) + b"\xff" * (8 - len(entries))
        for i, (key, value) in enumerate(entries):
            self.q(keys + 40 + 16 * i, key, value)
        return keys

    def dict(self, entries, type=None, size=48, tracked=True):
        d = self.obj(type or self.dict_type, size, tracked)
        self.q(d + 16, len(entries))
        self.q(d + self.ma_keys, self.keys([(self.str(k), v) for k, v in entries]))
        return d

    def image(self, selector, runtime=0, interpreter=0):
        """The input: the generation-0 list linked, parameters gc state, runtime, interpreter."""
        nodes = [self.heads[0]] + self.tracked + [self.heads[0]]
        for previous, node, following in zip(nodes, nodes[1:], nodes[2:]):
            self.q(node, following, previous)
        self.q(self.heads[0], nodes[1], nodes[-2])
        return image(selector, [self.gc, runtime, interpreter], [(self.base, bytes(self.mem))])


def forge_numpy(f, v1=False):
    """numpy arrays as numpy 1.26 (`v1`) or 2.x lays them out (NumpyLayout): a float
    matrix owning its data, object arrays of 1, 2 and 3 dimensions and of none, a
    transposed view and a broadcast (stride 0) view with their bases."""
    meta = f.type("numpy._DTypeMeta", 0x3a0, flags=f.TYPE | f.GC, base=f.type_type)
    dtype = f.type("numpy.dtype", 96 if v1 else 88, meta=meta)
    def descr(name, number):
        d = f.obj(f.type(f"numpy.dtype[{name}]", 96 if v1 else 88, base=dtype, meta=meta), 96, tracked=False)
        f.put(d + 24, "cccc", b"O", b"O", b"|", b"\0")
        f.put(d + 28, "i", number)
        f.put(d + 32, "i", 8) if v1 else f.q(d + 40, 8)
        return d
    objects, floats = descr("object_", 17), descr("float64", 12)
    ndarray = f.type("numpy.ndarray", 80)
    def array(descriptor, shape, strides, data, base=0, owns=True):
        a = f.obj(ndarray, 80)
        dims = f.alloc(16 * max(len(shape), 1))
        f.q(dims, *shape, *strides)
        f.q(a + 16, data)
        f.put(a + 24, "i", len(shape))
        f.q(a + 32, dims, dims + 8 * len(shape), base, descriptor)
        f.put(a + 64, "i", 0x4 | 0x1 if owns else 0x1)
        return a
    def buffer(items):
        data = f.alloc(8 * len(items))
        f.q(data, *items)
        return data
    strs = [f.str(f"s{i}") for i in range(6)]
    vector = array(objects, [4], [8], buffer([strs[0], strs[1], 0, strs[2]]))
    elements = buffer(strs)
    matrix = array(objects, [2, 3], [24, 8], elements)
    chunk = f.alloc(16 + 96, align=4096)  # the float data in a glibc mmapped chunk: prev_size 0, size 4096 | IS_MMAPPED
    f.q(chunk, 0, 0x1000 | 2)
    arrays = [array(floats, [3, 4], [32, 8], chunk + 16), vector, matrix,
              array(objects, [3, 2], [8, 24], elements, base=matrix, owns=False),
              array(objects, [5], [0], buffer([strs[3]]), base=vector, owns=False),
              array(objects, [], [], buffer([strs[4]])),
              array(objects, [2, 2, 2], [32, 16, 8], buffer(strs + strs[:2]))]
    f.list(arrays)


def forge_owned_storage(f):
    """One object of each stdlib type whose `__sizeof__` counts storage it owns
    (TypeSizing.OwnedStorage), fields at their 3.`minor` offsets; bytearray's type
    defines `__sizeof__` in C (a method descriptor in its dict), array.array's in Python."""
    method_type = f.type("method_descriptor", 56, flags=f.GC)
    function_type = f.type("function", 160, flags=f.GC)
    bytearray_type = f.type("bytearray", 56)
    sizeof = f.obj(method_type, 56, tracked=False)
    f.q(sizeof + 16, bytearray_type)
    f.q(bytearray_type + 264, f.dict([("__sizeof__", sizeof)], tracked=False))
    f.q(f.obj(bytearray_type, 56) + 16, 10, 4096)                           # ob_size, ob_alloc
    array_type = f.type("array.array", 64, flags=f.GC)
    f.q(array_type + 264, f.dict([("__sizeof__", f.obj(function_type, 160, tracked=False))], tracked=False))
    descr = f.alloc(16)
    f.put(descr, "ci", b"d", 8)
    a = f.obj(array_type, 64)
    f.q(a + 16, 3, f.alloc(32), 4, descr)                                   # ob_size, ob_item, allocated, ob_descr
    bio = f.obj(f.type("_io.BytesIO", 88, flags=f.GC), 88)
    f.q(bio + 16, f.bytes(b"0123456789"))
    buffered = f.obj(f.type("_io.BufferedReader", 184, flags=f.GC), 184)
    f.q(buffered + 56, f.alloc(16))
    f.q(buffered + 120, 8192)
    deque = f.obj(f.type("collections.deque", 632, flags=f.GC), 632)
    block = f.alloc(528)
    f.q(block + 8 + 8 * 62, f.str("d0"), f.str("d1"))
    f.q(block + 520, f.alloc(528))                                          # rightlink: the next block
    f.q(deque + 16, 3, block, 0, 62)                                        # ob_size, leftblock, rightblock, leftindex
    struct_type = f.type("_struct.Struct" if f.minor > 8 else "Struct", 56, flags=f.GC)
    codes = f.alloc(4 * 32)
    for i in range(3):
        f.q(codes + 32 * i, codes + 1, 4 * i, 4, 1)
    f.q(f.obj(struct_type, 56) + 16, 12, 3, codes)
    decimal = f.obj(f.type("decimal.Decimal", 104), 104)
    f.q(decimal + 48, 2, 4)                                                 # len, alloc (flags byte 0: its own data)
    pickler_output = 56 if f.minor == 13 else 64
    pickler = f.obj(f.type("_pickle.Pickler", 304, flags=f.GC), 304)
    memo = f.alloc(32)
    f.q(memo, 63, 1, 64)
    f.q(pickler + 16, memo)
    f.q(pickler + pickler_output, f.bytes(b"\x80\x05", refcount=2))
    marks = {11: (152, 224, 232, 240, 256), 12: (152, 224, 232, 240, 256), 13: (144, 216, 224, 232, 248),
             14: (152, 240, 248, 256, 272), 15: (160, 248, 256, 264, 280)}[f.minor]
    unpickler = f.obj(f.type("_pickle.Unpickler", 320, flags=f.GC), 320)
    f.q(unpickler + 24, f.alloc(64), 8)                                     # memo, memo_size
    for field, text in zip(marks[:3], ["line", "ASCII", "strict"]):
        f.q(unpickler + field, f.cstr(text))
    f.q(unpickler + marks[3], f.alloc(32))
    f.q(unpickler + marks[4], 4)
    f.q(f.obj(f.type("itertools.combinations", 64, flags=f.GC), 64) + 40, 3)
    pool = f.tuple([f.str("p")] * 4)
    permutations = f.obj(f.type("itertools.permutations", 72, flags=f.GC), 72)
    f.q(permutations + 16, pool)
    f.q(permutations + 48, 2)
    f.q(f.obj(f.type("itertools.product", 56, flags=f.GC), 56) + 16, f.tuple([pool, pool]))
    extra = f.alloc(64)
    f.q(extra + 8, 5, 8, f.alloc(64))                                       # length, allocated, children (not inline)
    f.q(f.obj(f.type("xml.etree.ElementTree.Element", 64, flags=f.GC), 64) + 40, extra)
    od_type = f.type("collections.OrderedDict", 112, flags=f.DICT | f.GC, base=f.dict_type)
    od = f.dict([("a", f.str("x")), ("b", f.str("y"))], type=od_type, size=112)
    nodes = f.alloc(64)
    key_a, key_b = f.str("a"), f.str("b")
    f.q(nodes, key_a, 0, nodes + 32, 0, key_b, 0, 0, nodes)
    f.q(od + 48, nodes, nodes + 32, f.alloc(64), 8)                         # od_first, od_last, od_fast_nodes, its size
    if f.minor >= 15:
        f.dict([("k", f.str("v"))], type=f.type("frozendict", 56, flags=f.GC), size=56)


def graph_offsets(minor, offsets):
    """Where the walk finds the interpreter's modules and builtins, threads, frames, code and
    generators: the target's table where it gives them, else GraphLayout's measured rows."""
    measured = {11: {"interpreter_state.imports_modules": 888, "interpreter_state.builtins": 912,
                     "interpreter_state.threads_head": 16},
                12: {"interpreter_state.imports_modules": 944, "interpreter_state.builtins": 360,
                     "interpreter_state.threads_head": 72},
                13: {"interpreter_state.imports_modules": 7656, "interpreter_state.builtins": 7648,
                     "interpreter_state.threads_head": 7344},
                14: {"interpreter_state.imports_modules": 7688, "interpreter_state.builtins": 7680,
                     "interpreter_state.threads_head": 7344, "thread_state.thread_id": 152, "runtime_state.interpreters_head": 808},
                15: {"interpreter_state.imports_modules": 7592, "interpreter_state.builtins": 7584,
                     "interpreter_state.threads_head": 7336, "thread_state.thread_id": 176, "runtime_state.interpreters_head": 936}}
    frames = {"thread_state.next": 8, "thread_state.current_frame": 72, "interpreter_frame.previous": 8,
              "interpreter_frame.executable": 0, "interpreter_frame.instr_ptr": 56, "interpreter_frame.localsplus": 80,
              "interpreter_frame.owner": 74, "code_object.filename": 112, "code_object.name": 120, "code_object.qualname": 128,
              "code_object.firstlineno": 68, "code_object.linetable": 136, "code_object.localsplusnames": 96,
              "code_object.co_code_adaptive": 208, "gen_object.gi_frame_state": 67, "gen_object.gi_iframe": 72}
    return {**frames, **measured[minor], **(offsets or {})}


def forge_interpreter(f, table=None, offsets=None):
    """A zeroed interpreter state whose sys.modules holds one module, and builtins; 3.14+
    one thread whose stack is one frame, a suspended generator with its frame (slots are
    `_PyStackRef`s: tagged pointers, a tagged int, NULL as 1) and an `_asyncio.Future`
    with inline values; `_PyRuntime` starts with the target's `table`. Returns (runtime, interpreter)."""
    o = graph_offsets(f.minor, offsets)
    interpreter_fields = ["interpreter_state.imports_modules", "interpreter_state.builtins", "interpreter_state.threads_head"]
    interpreter = f.alloc(max(o[name] for name in interpreter_fields) + 16)
    module = f.obj(f.type("module", 72, flags=f.GC), 72)
    f.q(module + 16, f.dict([("__name__", f.str("m"))]))
    f.q(interpreter + o["interpreter_state.imports_modules"], f.dict([("m", module)]))
    f.q(interpreter + o["interpreter_state.builtins"], f.dict([("len", f.str("builtin"))]))
    runtime = 0
    if f.minor < 14:
        return runtime, interpreter
    head = o["runtime_state.interpreters_head"]
    runtime = f.alloc(max(888, head + 32))
    if table:
        f.mem[runtime - f.base:runtime - f.base + len(table)] = table
    f.q(runtime + head + 24, 0x1234)                                        # _PyRuntime.main_thread
    code_type = f.type("code", o["code_object.co_code_adaptive"], 2)
    code = f.obj(code_type, o["code_object.co_code_adaptive"] + 16, tracked=False)
    f.q(code + 16, 8)
    for field, text in [("qualname", "outer.f"), ("name", "f"), ("filename", "x.py")]:
        f.q(code + o["code_object." + field], f.str(text))
    f.put(code + o["code_object.firstlineno"], "i", 10)
    f.q(code + o["code_object.linetable"], f.bytes(bytes([0x80 | 13 << 3 | 1, 2, 0x80 | 13 << 3 | 3, 4])))
    f.q(code + o["code_object.localsplusnames"], f.tuple([f.str(n) for n in "abnz"], tracked=False))
    def frame_at(frame, slots):
        f.q(frame + o["interpreter_frame.executable"], code | 1)              # a deferred reference: tag bit 0
        f.q(frame + o["interpreter_frame.instr_ptr"], code + o["code_object.co_code_adaptive"] + 4)
        f.q(frame + o["interpreter_frame.localsplus"], *slots)
        f.q(frame + 64, frame + o["interpreter_frame.localsplus"] + 8 * len(slots))  # stackpointer
    slots = [f.str("local") | 1, f.list([f.str("held")]), 7 << 2 | 3, 1]   # deferred, plain, tagged int, NULL
    frame = f.alloc(o["interpreter_frame.localsplus"] + 8 * len(slots))
    frame_at(frame, slots)
    thread = f.alloc(max(o["thread_state.thread_id"], o["thread_state.current_frame"], o["thread_state.next"]) + 8)
    f.q(thread + 16, interpreter)
    f.q(thread + o["thread_state.current_frame"], frame)
    f.q(thread + o["thread_state.thread_id"], 0x1234)
    f.q(interpreter + o["interpreter_state.threads_head"], thread)
    iframe = o["gen_object.gi_iframe"]
    generator = f.obj(f.type("generator", iframe + o["interpreter_frame.localsplus"] + 24, flags=f.GC),
                      iframe + o["interpreter_frame.localsplus"] + 24)
    f.q(generator + 24, f.str("g"), f.str("outer.g"))
    frame_at(generator + iframe, [f.str("yielded") | 1, 3 << 2 | 3, f.str("plain")])
    future = f.obj(f.type("_asyncio.Future", 112, flags=f.GC), 112 + 8 + 16)
    f.q(future + 16, f.str("loop"))
    f.put(future + 112, "BBBB", 2, 2, 1, 1)                                 # capacity, size, embedded, valid
    f.q(future + 120, f.str("v0"), f.str("v1"))
    return runtime, interpreter


def forged_heap_seeds(folder):
    """Forged heaps on 3.11–3.15: numpy 2.x arrays (1.26 on 3.11 and 3.12), the owned-storage
    types and the interpreter; 3.14 and 3.15 with their real `_Py_DebugOffsets` where Debian's
    interpreters run here (else the measured offsets, no table)."""
    for minor in (11, 12, 13, 14, 15):
        real = debug_offsets(minor) if minor >= 14 else None
        table, offsets = real if real else (None, None)
        for v1 in ([False, True] if minor <= 12 else [False]):
            f = Forge(minor, offsets)
            forge_numpy(f, v1=v1)
            forge_owned_storage(f)
            runtime, interpreter = forge_interpreter(f, table, offsets)
            data = f.image((minor - 8) | (0x80 if minor >= 14 else 0), runtime, interpreter)
            assert len(f.mem) < 65536, (minor, len(f.mem))
            put(folder, f"heap_3_{minor}" + ("_numpy1" if v1 else "") + ("_table" if table else ""), data)
            if minor in (11, 14) and not v1:  # selector bit 5: frag's owners sink (the buffers objects own)
                put(folder, f"owners_3_{minor}", f.image((minor - 8) | 0x20, runtime, interpreter))


def arena_seeds():
    """The tables of Tests/FragTests/ArenaWalkTests.swift, in the image format."""
    folder = out("arena")
    pool = 16 << 10
    table = bytearray(3 * 48)
    a0 = 0x1000_0000
    struct.pack_into("<QQ", table, 0, a0, a0 + 3 * pool)
    struct.pack_into("<I", table, 20, 64)
    struct.pack_into("<QQ", table, 96, 0x2000_0100, 0x2000_4000)
    struct.pack_into("<I", table, 96 + 20, 63)
    headers = []
    for i, (count, szidx) in enumerate([(5, 1), (0, 7), (1, 31)]):
        header = bytearray(48)
        struct.pack_into("<I", header, 0, count)
        struct.pack_into("<I", header, 32, 0)
        struct.pack_into("<I", header, 36, szidx)
        struct.pack_into("<II", header, 40, 48 + 2 * 32, pool - 32)
        headers.append((a0 + i * pool, bytes(header)))
    variables = struct.pack("<QI", 0x2000, 3) + b"\0" * 4 + struct.pack("<Q", 2)
    regions = [(0x1000, variables), (0x2000, bytes(table))] + headers
    put(folder, "walk_3_11", image(3, [0x1000, 0x1008, 0x1010], regions))
    put(folder, "walk_3_9", image(1, [0x1000, 0x1008, 0], regions))
    # 3.12: _PyRuntime at 0x100; interpreters.main at +0x30 → interpreter 0x4000;
    # obmalloc state embedded at +0xf78, mgmt at +0x200: arenas, maxarenas, … narenas at +552.
    state = 0x4000 + 0xF78 + 0x200
    mgmt = struct.pack("<QI", 0x2000, 3) + b"\0" * (552 - 12) + struct.pack("<Q", 2)
    put(folder, "walk_3_12", image(4, [0x100, 0, 0], [(0x100, b"\0" * 0x30 + struct.pack("<Q", 0x4000)), (state, mgmt), (0x2000, bytes(table))] + headers))
    # The search: data region with the `arenas` pointer and `maxarenas`, blocks in pools 0 and 2.
    data = struct.pack("<QI", 0x2000, 16) + b"\0" * 52
    big = bytearray(16 * 48)
    big[:len(table)] = table
    put(folder, "search_3_11", image(0x80 | 3, [a0 + 48, a0 + 2 * pool + 48, a0 + 48 + 32],
                                     [(0x1000, data), (0x2000, bytes(big))] + headers))
    # frag's block scan: pool 0 whole, two 64-byte blocks holding objects of a type whose
    # type is PyType_Type (the last region; its first words: tp_name and tp_basicsize offsets).
    whole = bytearray(pool)
    whole[:48] = headers[0][1]
    struct.pack_into("<I", whole, 0, 2)
    struct.pack_into("<I", whole, 36, 3)
    struct.pack_into("<II", whole, 40, 48 + 2 * 64, pool - 64)
    types_at = 0x3000_0000
    types = bytearray(0x300)
    struct.pack_into("<QQ", types, 0, 24, 32)
    struct.pack_into("<QQQQQ", types, 0x100, 1, types_at, 0, types_at + 0x200, 48)
    types[0x200:0x207] = b"Pinned\0"
    for block in (48, 112):
        struct.pack_into("<QQ", whole, block, 1, types_at + 0x100)
    scan = [(0x1000, variables), (0x2000, bytes(table)), (a0, bytes(whole))] + headers[1:] + [(types_at, bytes(types))]
    put(folder, "scan_3_11", image(3, [0x1000, 0x1008, 0x1010], scan))
    put(folder, "scan_3_11_offsets", image(0x40 | 3, [0x1000, 0x1008, 0x1010], scan))
    # 3.14: _PyRuntime at 0x100, interpreters.main at +0x330, its obmalloc pointer at +0x2a98.
    interpreter, obmalloc = 0x8000, 0x4000
    mgmt = struct.pack("<QI", 0x2000, 3) + b"\0" * (552 - 12) + struct.pack("<Q", 2)
    put(folder, "scan_3_14", image(6, [0x100, 0, 0], [(0x100, b"\0" * 0x330 + struct.pack("<Q", interpreter)),
                                                      (interpreter + 0x2a98, struct.pack("<Q", obmalloc)),
                                                      (obmalloc + 0x200, mgmt)] + scan[1:]))


def frag_seeds():
    """glibc's main heap (three chunks, one free, then the top chunk), an unnamed
    mapping of two mmapped chunks followed by float64 1.0s, and a guard page
    under a thread stack: the image format of FuzzFrag."""
    folder = out("frag")
    heap = bytearray(0x400)
    at = 0
    for size, prev_in_use in [(0x20, 1), (0x30, 1), (0x40, 1), (0x370, 0)]:
        struct.pack_into("<Q", heap, at + 8, size | prev_in_use)
        at += size
    anon = bytearray(0x3000)
    for chunk in (0, 0x1000):
        struct.pack_into("<QQ", anon, chunk, 0, 0x1000 | 2)
    anon[0x2000:] = struct.pack("<d", 1.0) * (0x1000 // 8)
    heap_at, anon_at, stack_at = 0x5555_0000_0000, 0x7F00_0000_0000, 0x7E00_0000_0000
    put(folder, "heap_and_chunks", image(3 << 5, [0, 4, 0], [(heap_at, bytes(heap)), (anon_at, bytes(anon))]))
    put(folder, "arena_then_chunks", image(4 << 5, [anon_at, 1 << 20, 0], [(heap_at, bytes(heap)), (anon_at, bytes(anon))]))
    put(folder, "thread_stack", image(3 << 5 | 1, [0, 8, 0], [(heap_at, bytes(heap)), (stack_at, b"\0" * 0x1000),
                                                            (stack_at + 0x1000, b"\0" * 0x1000)]))
    # Native memory objects own: claimed addresses (parameter 2) in heap chunks, in the two mmapped
    # chunks, in the floats (no header), nowhere, and one twice; a USS past 2^32 (parameter 1).
    claims = struct.pack("<7Q", heap_at + 0x30, heap_at + 0x60, anon_at + 16, anon_at + 0x1010, anon_at + 0x2000, 0x10,
                         heap_at + 0x30)
    owned = bytearray(heap)
    owned[0x100:0x100 + len(claims)] = claims
    put(folder, "owned_buffers", image(3 << 5, [0, 1 << 32 | 4, heap_at + 0x100], [(heap_at, bytes(owned)), (anon_at, bytes(anon))]))


def reports_seeds():
    """Records of FuzzReports: a module holding a dict holding strs and an
    instance with its dict, with ordinary sizes, then with sizes near 2^64."""
    folder = out("reports")
    def record(kind, size, refs=(), root=False):
        return bytes([kind | (8 if root else 0) | len(refs) << 4]) + struct.pack("<Q", size) + bytes(refs)
    def heap(sizes):
        return (record(3, sizes[0], [1, 4], root=True) + record(1, sizes[1], [2, 3, 4]) + record(0, sizes[2])
                + record(0, sizes[2]) + record(4, sizes[3], [5]) + record(1, sizes[1], [0]) + record(5, sizes[3], [4, 2]))
    put(folder, "ordinary", heap([80, 232, 50, 48]))
    put(folder, "huge", heap([80, 2 ** 64 - 1, 2 ** 63, 2 * 10 ** 17]))
    put(folder, "census_rows", b"".join(record(k, (k + 1) << 40 | k) for k in range(8)))


def main():
    memlens, generate_heap, target = sys.argv[1:4]
    if target in ("mlh", "meliae"):
        snapshot_seeds(memlens, generate_heap, target)
    else:
        {"proc": proc_seeds, "elf": elf_seeds, "core": core_seeds, "census": census_seeds, "arena": arena_seeds,
         "walk": lambda: census_seeds("walk"), "frag": frag_seeds, "reports": reports_seeds}[target]()


if __name__ == "__main__":
    main()
