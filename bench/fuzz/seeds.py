#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into bench/fuzz/seeds/TARGET/
(git-ignored), from real files: a .mlh written by `memlens run
--snapshot-at-exit`, its meliae export, the /proc files of a running python,
the python binary and a small shared library, a gcore core of a python process
(its memory segments cut to 256 bytes each, its headers and notes intact), and
forged process images in the format of FuzzSupport/ForgedImage.swift.

Usage: seeds.py MEMLENS GENERATEHEAP TARGET
"""
import glob, os, shutil, struct, subprocess, sys, tempfile, time

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
