"""Streams a heap snapshot (``.mlh``) of this interpreter to a file.

The walk keeps its inner loop in C: ``map``/``chain``/``compress`` over
``id``, ``type``, ``sys.getsizeof``, ``sys.getrefcount`` and
``gc.get_referents``, collected into ``array`` columns. No per-object Python
bytecode runs for gc-tracked objects, which is what makes a pure-Python dump
fast enough to take on a live service.

File layout (little-endian); the Swift reader in ``Sources/HeapGraph`` is the
other half of this contract:

    magic  b"\\x89MLH\\r\\n\\x1a\\n"   u32 format version   u32 n   n bytes of JSON metadata
    section*: u8 kind, u32 payload length, payload
        1 TYPES    u32 count, then per type: u16 length + UTF-8 name (appended to the type table),
                   and from format 2 the type object's u64 address; one before each chunk that
                   uses new types (both writers stream: the header comes first, so a read-only
                   file's counts of conservative objects and edges and approximate sizes are
                   counted by the reader from the OBJECTS flags)
        2 OBJECTS  u32 count, u32 refcount bias, u8 flags (1: gc-tracked objects; memlens's
                   read-only walk adds 2: referents from a conservative scan, 4: approximate size),
                   columns address/type/size/refcount/referent-count,
                   u32 edge count, column edges (referent addresses), then values
        3 ROOTS    UTF-8 JSON list of {"address", "kind", "name"}
        4 CLOSURES UTF-8 JSON list of [function address, [free variable names]] (format 2+)
        5 ATTRIBUTES UTF-8 JSON list of [class address, [attribute names in its shared keys'
                   order]] (memlens's read-only walk, 3.11+: names an instance's inline values)
        6 LOCALS   UTF-8 JSON list of [generator, coroutine or frame address, [the variable each
                   referent is, "" for the others]] (memlens's read-only walk); readers skip
                   sections they do not know
        255 END    u64 objects, u64 edges, u32 CRC-32 of every byte before this section

A column is u8 width (1, 2, 4, 6 or 8) then the values at that width.
From format 2 the referents of an exact ``dict`` are its values, then its keys,
in order, so value ``i`` is filed under key ``i``.
"""

import gc
import json
import os
import sys
import time
import zlib
from array import array
from itertools import chain, compress, filterfalse, repeat
from operator import eq, getitem, is_, ne, not_

from ._shared import python_version, qualified_name  # EmbedAgentTool puts _shared.py here: the job runs this file's text

MAGIC = b"\x89MLH\r\n\x1a\n"
FORMAT_VERSION = 2
CHUNK_OBJECTS = 8192
VALUE_CHARS = 100
_HEAD = slice(0, VALUE_CHARS)
# Value sections with no entries: count 0, empty columns (and a zero-length blob).
_NO_TEXT = b"\0\0\0\0" + b"\x01" * 3 + b"\0\0\0\0"
_NO_NUMBERS = b"\0\0\0\0\x01"

_TYPES, _OBJECTS, _ROOTS, _CLOSURES, _END = 1, 2, 3, 4, 255
_FunctionType = type(lambda: None)
def _u16(value):
    return value.to_bytes(2, "little")


def _u32(value):
    return value.to_bytes(4, "little")


def _u64(value):
    return value.to_bytes(8, "little")


def _section_header(kind, size):
    return bytes((kind,)) + _u32(size)
# 3.11+ creates frame objects lazily; on these versions any frame object the
# dump itself causes (the signal handler's `frame` argument) is not the heap's.
_LAZY_FRAMES = sys.version_info >= (3, 11)
_BIG_ENDIAN = sys.byteorder == "big"
_CACHED_CODE_NAMES = sys.version_info >= (3, 12)
# Untracked types without referents: no gc.get_referents call for them.
_ATOMS = frozenset({str, bytes, int, float, bool, type(None), complex})
# numpy's NPY_OBJECT type number: arrays of object pointers.
_NPY_OBJECT = 17
# A type's own dict and its tp_base, read through type's descriptors (a metaclass cannot shadow them).
_TYPE_DICT = type.__dict__["__dict__"].__get__
_TYPE_BASE = type.__dict__["__base__"].__get__
_TYPE_NAME = type.__dict__["__name__"].__get__
_TYPE_MRO = type.__dict__["__mro__"].__get__
_TYPE_BASES = type.__dict__["__bases__"].__get__
_TYPE_FLAGS = type.__dict__["__flags__"].__get__
_STATIC_BUILTIN = 1 << 1  # 3.12: _Py_TPFLAGS_STATIC_BUILTIN
_C_METHOD = type(object.__dict__["__sizeof__"])
_GETSET = type(_FunctionType.__dict__["__code__"])
# Bytes sys.getsizeof adds to __sizeof__: the GC header (Py_TPFLAGS_HAVE_GC), and 3.11+ the managed
# dict (3.12+ also weakref) pre-header of two pointers.
_POINTER = 8 if sys.maxsize > 2**32 else 4
_HAVE_GC = 1 << 14
_PREHEADER = (1 << 4 | 1 << 3) if sys.version_info >= (3, 12) else (1 << 4) if sys.version_info >= (3, 11) else 0


# Width of a column whose highest non-zero byte is at index i (0..7).
_WIDTH_FOR_TOP_BYTE = (1, 2, 4, 4, 6, 6, 8, 8)


def _column(values):
    """Encodes an array('Q') at the smallest of 1, 2, 4, 6 or 8 bytes that holds
    its largest value. Works on the raw bytes with strided slices (C speed);
    max() or array conversions would create a Python int per element."""
    count = len(values)
    if not count:
        return b"\x01"
    if _BIG_ENDIAN:
        values = array("Q", values)
        values.byteswap()
    raw = values.tobytes()
    top = 7
    while top and raw[top::8].count(0) == count:
        top -= 1
    width = _WIDTH_FOR_TOP_BYTE[top]
    if width == 8:
        return b"\x08" + raw
    packed = bytearray(1 + count * width)
    packed[0] = width
    for i in range(width):
        packed[1 + i::width] = raw[i::8]
    return packed


class _TypeTable(dict):
    """Maps a type object to its index; new types queue their names."""

    __slots__ = ("pending",)

    def __init__(self):
        super().__init__()
        self.pending = []  # (name, address) of types not written yet

    def __missing__(self, cls):
        index = len(self)
        self[cls] = index
        try:
            name = qualified_name(cls)
        except Exception:  # a broken metaclass must not stop the dump
            name = "?"
        self.pending.append((name, id(cls)))
        return index


class _TypeRules(dict):
    """Per type, what ``sys.getsizeof`` and ``gc.get_referents`` alone would get
    wrong, as ``(size, getters)``, or None for most types:

    - ``size``: a type whose ``__sizeof__`` is Python code (pandas objects count
      their columns' data, which the arrays count again) is sized by the nearest C
      ``__sizeof__`` along its bases, plus its header, as the read-only walk sizes
      it, and no Python code runs in the dump; None otherwise.
    - ``getters``: Cython's functions (3.1+) leave their code object and
      ``__qualname__`` (module constants) out of ``tp_traverse``; the read-only walk
      finds them in the function's bytes. Their C getters return them as they are."""

    __slots__ = ()

    def __missing__(self, cls):
        try:
            rule = _type_rule(cls)
        except Exception:  # a broken type must not stop the dump
            rule = None
        self[cls] = rule
        return rule


def _type_rule(cls):
    getters = ()
    python_sizeof = None  # set by the first __sizeof__ along the MRO, the one sys.getsizeof calls
    for klass in _TYPE_MRO(cls):
        own = _TYPE_DICT(klass)
        if not getters and _TYPE_NAME(klass) == "cython_function_or_method":
            getters = tuple(own[name].__get__ for name in ("__code__", "__qualname__") if type(own.get(name)) is _GETSET)
        if python_sizeof is None and "__sizeof__" in own:
            python_sizeof = type(own["__sizeof__"]) is not _C_METHOD
    size = None
    klass = cls
    while python_sizeof and klass is not None and size is None:
        method = _TYPE_DICT(klass).get("__sizeof__")
        if type(method) is _C_METHOD and method.__objclass__ is klass:
            flags = _TYPE_FLAGS(cls)
            size = (method, (2 * _POINTER if flags & _HAVE_GC else 0) + (2 * _POINTER if flags & _PREHEADER else 0))
        klass = _TYPE_BASE(klass)
    return (size, getters) if size or getters else None


class _Writer:
    """Appends sections to the open file, keeping a running CRC-32."""

    # Slots on every agent class: an instance __dict__ would grow the class's
    # cached shared keys, changing sys.getsizeof of a type in the target.
    __slots__ = ("stream", "crc", "offset")

    def __init__(self, stream):
        self.stream = stream
        self.crc = 0
        self.offset = 0

    def write(self, data):
        self.stream.write(data)
        self.crc = zlib.crc32(data, self.crc)
        self.offset += len(data)

    def section(self, kind, parts):
        size = 0
        for part in parts:
            size += len(part)
        self.write(_section_header(kind, size))
        for part in parts:
            self.write(part)


class _Dump:
    """One dump: walks the heap and streams sections through a _Writer."""

    __slots__ = ("writer", "values", "exclude", "types", "rules", "seen", "objects", "edges", "bias")

    def __init__(self, writer, values, exclude):
        self.writer = writer
        self.values = values
        self.exclude = exclude
        self.types = _TypeTable()
        self.rules = _TypeRules()
        self.seen = set()
        self.objects = 0
        self.edges = 0
        probe = object()
        # References that map(getrefcount, [probe]) adds beyond probe's own 1.
        self.bias = list(map(sys.getrefcount, [probe]))[0] - 1

    def run(self, tracked, young, frozen):
        """Walks ``tracked`` (gc.get_objects()); the agent's own objects can
        only be among its first ``young`` entries (generation 0 comes first).
        ``frozen``: objects in the permanent generation, written as the
        untracked objects are (gc.get_objects() does not list them)."""
        pending = [frozen] if frozen else []
        for start in range(0, len(tracked), CHUNK_OBJECTS):
            chunk = tracked[start:start + CHUNK_OBJECTS]
            if self.exclude and start < young:
                chunk = self._without_excluded(chunk, young - start)
            # +1: the gc.get_objects() list holds every tracked object.
            self._emit(chunk, 1, pending, tracked=True)
            del chunk
            while pending:
                found = pending.pop()
                for first in range(0, len(found), CHUNK_OBJECTS):
                    part = found[first:first + CHUNK_OBJECTS]
                    self._emit(part, 1, pending, tracked=False)
                del found, part

    def _without_excluded(self, chunk, young):
        exclude = self.exclude
        drop = [i for i in range(min(young, len(chunk))) if id(chunk[i]) in exclude]
        if not drop:
            return chunk
        for i in reversed(drop):
            del chunk[i]
        return chunk

    def _emit(self, objs, held, pending, tracked):
        """Writes one OBJECTS section; queues untracked referents not yet seen."""
        getrefcount = sys.getrefcount
        addresses = array("Q", map(id, objs))
        kinds = list(map(type, objs))
        type_index = array("Q", map(self.types.__getitem__, kinds))
        rules = list(map(self.rules.__getitem__, kinds))
        odd = list(compress(range(len(objs)), rules))
        sizes = _sizes(objs, rules, odd)
        refcounts = array("Q", map(getrefcount, objs))
        if tracked:
            referents = list(map(gc.get_referents, objs))
            self._dict_referents(objs, kinds, referents)
            _array_referents(objs, kinds, referents)
            _held_referents(objs, rules, odd, referents)
            counts = array("Q", map(len, referents))
            self._closure_names(objs, kinds)
        else:
            referents, counts = self._untracked_referents(objs, kinds, rules, odd)
        edges = array("Q", map(id, chain.from_iterable(referents)))
        candidates = list(filterfalse(gc.is_tracked, chain.from_iterable(referents)))
        del referents
        # gc-tracked objects are never str, bytes, int or float.
        value_parts = self._values(objs, kinds) if self.values and not tracked else []
        del kinds, rules
        if self.types.pending:
            names = self.types.pending
            self.types.pending = []
            parts = [_u32(len(names))]
            for name, address in names:
                data = name.encode("utf-8", "surrogatepass")[:0xFFFF]
                parts += [_u16(len(data)), data, _u64(address)]
            self.writer.section(_TYPES, parts)
        self.writer.section(_OBJECTS, [
            _u32(len(objs)), _u32(self.bias + held), b"\x01" if tracked else b"\x00",
            _column(addresses), _column(type_index), _column(sizes),
            _column(refcounts), _column(counts),
            _u32(len(edges)), _column(edges),
        ] + value_parts)
        self.objects += len(objs)
        self.edges += len(edges)
        if candidates:
            self._queue_new(candidates, pending)

    def _queue_new(self, candidates, pending):
        # A candidate whose only reference is the one just followed (so also
        # its only slot in `candidates`) cannot be met again: it needs neither
        # de-duplication nor a place in `seen`. That keeps `seen` small on the
        # common heap of many strings held once each.
        once = self.bias + 1
        counts = array("Q", map(sys.getrefcount, candidates))
        new = list(compress(candidates, map(eq, counts, repeat(once))))
        shared = list(compress(candidates, map(ne, counts, repeat(once))))
        del candidates, counts
        if shared:
            unique = dict(zip(map(id, shared), shared))
            del shared
            fresh = unique.keys() - self.seen
            self.seen |= fresh
            new += map(unique.__getitem__, fresh)
            del unique, fresh
        if new:
            pending.append(new)

    def _untracked_referents(self, objs, kinds, rules, odd):
        """Referent lists and counts for untracked objects, calling
        gc.get_referents only for those that are not atoms (str, int…)."""
        containers = list(compress(range(len(objs)), map(not_, map(_ATOMS.__contains__, kinds))))
        counts = array("Q")
        counts.frombytes(bytes(8 * len(objs)))
        if not containers:
            return [], counts
        inner = list(map(objs.__getitem__, containers))
        referents = list(map(gc.get_referents, inner))
        inner_kinds = list(map(kinds.__getitem__, containers))
        self._dict_referents(inner, inner_kinds, referents)
        _array_referents(inner, inner_kinds, referents)
        if odd:
            where = dict(zip(containers, range(len(containers))))
            for i in odd:
                if i in where and rules[i][1]:
                    referents[where[i]] = referents[where[i]] + _getters_referents(objs[i], rules[i][1])
        for i, refs in zip(containers, referents):
            counts[i] = len(refs)
        return referents, counts

    @staticmethod
    def _dict_referents(objs, kinds, referents):
        """Referents of dicts: values then keys for an exact dict (so each
        value's key is known); for a subclass, gc.get_referents plus the str
        keys it leaves out (it skips the keys of all-str-keyed dicts, which
        cannot form cycles, but a snapshot needs them)."""
        for i in compress(range(len(objs)), map(is_, kinds, repeat(dict))):
            d = objs[i]
            referents[i] = [*dict.values(d), *dict.keys(d)]
        # issubclass on the exact type never runs Python code (isinstance may,
        # through a __class__ property).
        for i in compress(range(len(objs)), map(issubclass, kinds, repeat(dict))):
            d = objs[i]
            if kinds[i] is not dict and len(referents[i]) < 2 * dict.__len__(d):
                try:
                    referents[i] = referents[i] + list(dict.keys(d))
                except RuntimeError:  # changed size under another thread
                    pass

    def _closure_names(self, objs, kinds):
        """Writes the free variable names of the chunk's closures, so a path
        can say which variable a closure cell is."""
        found = []
        for f in compress(objs, map(is_, kinds, repeat(_FunctionType))):
            closure = f.__closure__
            if closure:
                found.append([id(f), _free_variable_names(f.__code__, len(closure))])
        if found:
            self.writer.section(_CLOSURES, [json.dumps(found).encode("utf-8", "surrogatepass")])

    def _values(self, objs, kinds):
        """Value columns for the str, bytes, int and float objects of a chunk."""
        present = set(kinds)
        parts = []
        for cls in (str, bytes):
            if cls not in present:
                parts.append(_NO_TEXT)
                continue
            where = array("Q", compress(range(len(objs)), map(is_, kinds, repeat(cls))))
            items = list(map(objs.__getitem__, where))
            lengths = array("Q", map(len, items))
            if max(lengths) > VALUE_CHARS:
                heads = list(map(getitem, items, repeat(_HEAD)))
                head_lengths = array("Q", map(len, heads))
            else:
                heads, head_lengths = items, lengths
            blob = "".join(heads).encode("utf-8", "surrogatepass") if cls is str else b"".join(heads)
            parts += [_u32(len(where)), _column(where), _column(lengths),
                      _column(head_lengths), _u32(len(blob)), blob]
        if int in present:
            ints = array("Q", compress(range(len(objs)), map(is_, kinds, repeat(int))))
            try:
                numbers = array("q", map(objs.__getitem__, ints))
            except OverflowError:  # some int needs more than 64 bits: keep those without a value
                ints = array("Q", (i for i in ints if -(1 << 63) <= objs[i] < (1 << 63)))
                numbers = array("q", map(objs.__getitem__, ints))
            parts += [_u32(len(ints)), _column(ints), numbers.tobytes()]
        else:
            parts.append(_NO_NUMBERS)
        if float in present:
            floats = array("Q", compress(range(len(objs)), map(is_, kinds, repeat(float))))
            reals = array("d", map(objs.__getitem__, floats))
            parts += [_u32(len(floats)), _column(floats), reals.tobytes()]
        else:
            parts.append(_NO_NUMBERS)
        return parts


def _sizes(objs, rules, odd):
    """sys.getsizeof of each object; those of a type ``_TypeRules`` sizes by C run no Python ``__sizeof__``."""
    if not odd:
        return array("Q", map(sys.getsizeof, objs))
    plain = list(objs)
    for i in odd:
        if rules[i][0]:
            plain[i] = None
    sizes = array("Q", map(sys.getsizeof, plain))
    del plain
    for i in odd:
        if rules[i][0]:
            method, header = rules[i][0]
            try:
                sizes[i] = method(objs[i]) + header
            except Exception:  # a broken object must not stop the dump
                sizes[i] = 0
    return sizes


def _getters_referents(obj, getters):
    held = []
    for getter in getters:
        try:
            value = getter(obj)
        except Exception:
            continue
        if value is not None:
            held.append(value)
    return held


def _held_referents(objs, rules, odd, referents):
    """Adds what ``_TypeRules``' getters return to the referents of ``odd``'s objects."""
    for i in odd:
        getters = rules[i][1]
        if getters:
            referents[i] = referents[i] + _getters_referents(objs[i], getters)


def _array_referents(objs, kinds, referents):
    """Adds what numpy arrays hold, which gc.get_referents never returns (they
    are not collected): an object array's elements in C order, then its dtype,
    then its base, as the read-only walk reads them. numpy is used only when the
    program imported it; ndarray's own descriptors and methods are called, so a
    subclass runs no Python code."""
    numpy = sys.modules.get("numpy")
    ndarray = getattr(numpy, "ndarray", None) if numpy is not None else None
    if not isinstance(ndarray, type):
        return
    for i in compress(range(len(objs)), map(issubclass, kinds, repeat(ndarray))):
        a = objs[i]
        try:
            dtype = ndarray.dtype.__get__(a)
            held = ndarray.tolist(ndarray.ravel(ndarray.view(a, ndarray))) if dtype.num == _NPY_OBJECT else []
            held.append(dtype)
            base = ndarray.base.__get__(a)
            if base is not None:
                held.append(base)
        except Exception:  # a broken array must not stop the dump
            continue
        referents[i] = referents[i] + held


def _free_variable_names(code, count):
    """The names of a code object's ``count`` free variables."""
    if not _CACHED_CODE_NAMES:
        return list(code.co_freevars)
    # 3.12+ caches co_freevars on the code object when first read, a lasting
    # tuple in the target; read the names one by one instead. Free variables
    # are the last entries of the locals-plus table.
    names = []
    name_of = code._varname_from_oparg
    while True:
        try:
            names.append(name_of(len(names)))
        except IndexError:
            return names[-count:]


def _frozen_at_startup():
    """3.12 freezes the MRO and bases tuples of its static built-in types
    (``_Py_TPFLAGS_STATIC_BUILTIN``) at startup: in the permanent generation,
    which ``gc.get_objects()`` leaves out, and held by types the collector
    does not traverse. The read-only walk lists them; so does the dump, while
    they are frozen (a later ``gc.freeze()`` keeps them so; other frozen
    objects stay out of reach: the gc module cannot list them)."""
    if sys.version_info[:2] != (3, 12) or not gc.get_freeze_count():
        return []
    found = {}
    pending = [object]
    classes = {id(object)}
    while pending:
        cls = pending.pop()
        if _TYPE_FLAGS(cls) & _STATIC_BUILTIN:
            for held in (_TYPE_MRO(cls), _TYPE_BASES(cls)):
                if gc.is_tracked(held):
                    found[id(held)] = held
        for sub in type.__subclasses__(cls):
            if id(sub) not in classes:
                classes.add(id(sub))
                pending.append(sub)
    return list(found.values())


def _roots(exclude):
    roots = [{"address": id(sys.modules), "kind": "sys.modules", "name": "sys.modules"}]
    for name, module in list(sys.modules.items()):
        if module is not None:
            roots.append({"address": id(module), "kind": "module", "name": name})
    if not _LAZY_FRAMES:
        # Before 3.11 every frame is an object already; listing them adds none.
        for thread_id, frame in sys._current_frames().items():
            while frame is not None and id(frame) in exclude:
                frame = frame.f_back
            if frame is not None:
                roots.append({"address": id(frame), "kind": "thread", "name": str(thread_id)})
            del frame
    return roots


def _rss_bytes():
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _rollup():
    """PSS, USS and private dirty bytes from /proc/self/smaps_rollup, as the read-only
    snapshot records them; {} where the kernel has no rollup."""
    kilobytes = {}
    try:
        with open("/proc/self/smaps_rollup", "rb") as rollup:
            for line in rollup.read(1 << 16).split(b"\n")[1:]:
                parts = line.split()
                if len(parts) >= 2 and parts[1].isdigit():
                    kilobytes[parts[0].rstrip(b":")] = int(parts[1])
    except (OSError, ValueError):
        return {}
    if b"Pss" not in kilobytes or b"Private_Dirty" not in kilobytes:
        return {}
    dirty = kilobytes[b"Private_Dirty"] * 1024
    return {
        "pss_bytes": kilobytes[b"Pss"] * 1024,
        "uss_bytes": kilobytes.get(b"Private_Clean", 0) * 1024 + dirty,
        "private_dirty_bytes": dirty,
    }


def _metadata(values):
    metadata = {
        "format": FORMAT_VERSION,
        "python": python_version(),
        "implementation": sys.implementation.name,
        "pid": os.getpid(),
        "argv": list(sys.argv),
        "executable": sys.executable,
        "time": time.time(),
        "rss_bytes": _rss_bytes(),
        "gc_counts": list(gc.get_count()),
        "gc_thresholds": list(gc.get_threshold()),
        "gc_frozen": gc.get_freeze_count(),
        "values": bool(values),
        "pointer_bytes": 8 if sys.maxsize > 2**32 else 4,
    }
    metadata.update(_rollup())
    return metadata


def _agent_frames():
    """Ids of the agent's own frames on the current stack (before 3.11 only):
    frames running this module's code, however it was loaded."""
    ids = set()
    if _LAZY_FRAMES:
        return ids
    mine = globals()
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_globals is mine:
            ids.add(id(frame))
        frame = frame.f_back
    return ids


def _handler_objects(frame):
    """Ids of what delivering a signal created: the handler's ``(signum,
    frame)`` argument tuple, and on 3.11+ the frame object itself."""
    ids = set()
    if frame is None:
        return ids
    if _LAZY_FRAMES:
        ids.add(id(frame))
    for referrer in gc.get_referrers(frame):
        if type(referrer) is tuple and len(referrer) == 2 and referrer[1] is frame:
            ids.add(id(referrer))
    return ids


def dump(path, values=True, exclude_frame=None, exclude_ids=()):
    """Writes a snapshot of every object in this interpreter to ``path``.

    The file is written to a temporary name beside ``path`` with mode 0600 and
    renamed when complete. ``values=False`` leaves out str/bytes/int/float
    contents (snapshots hold user data). ``exclude_frame`` is the frame a
    signal handler received: what signal delivery created for it is left out.
    ``exclude_ids`` are the ids of other objects to leave out (an injected
    agent's own); they must be recent (generation 0).
    Returns a dict with ``path``,
    ``objects``, ``edges``, ``bytes`` and ``seconds``.
    """
    started = time.perf_counter()
    path = os.fspath(path)
    # A new name beside the output (random, created O_EXCL|O_NOFOLLOW): a file
    # or link another user planted in a shared folder is never opened.
    temporary = "%s.%d.%s.tmp" % (path, os.getpid(), os.urandom(8).hex())
    # The walk allocates many short-lived lists; a collection triggered by
    # them would traverse the whole heap, and could free objects under the
    # walk. Paused for the dump, restored after.
    collecting = gc.isenabled()
    gc.disable()
    try:
        # The object list is taken before the dump creates any object of its
        # own (file, buffers, tables), so none of those is in the snapshot.
        tracked = gc.get_objects()
        young = len(gc.get_objects(0))
        frozen = _frozen_at_startup()
        exclude = _agent_frames() | _handler_objects(exclude_frame) | set(exclude_ids)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            # Positional: a keyword makes CPython (3.8–3.11) cache a tuple of
            # open()'s keyword names for good, a lasting change in the target.
            with open(fd, "wb", 1 << 20) as stream:
                writer = _Writer(stream)
                meta = json.dumps(_metadata(values)).encode()
                writer.write(MAGIC + _u32(FORMAT_VERSION) + _u32(len(meta)) + meta)
                walk = _Dump(writer, values, exclude)
                walk.run(tracked, young, frozen)
                del tracked, frozen
                writer.section(_ROOTS, [json.dumps(_roots(exclude)).encode("utf-8", "surrogatepass")])
                end = _u64(walk.objects) + _u64(walk.edges) + _u32(writer.crc)
                writer.write(_section_header(_END, len(end)) + end)
                size = writer.offset
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, path)
        except BaseException:
            try:
                os.unlink(temporary)
            except OSError:
                pass
            raise
    finally:
        if collecting:
            gc.enable()
    return {"path": path, "objects": walk.objects, "edges": walk.edges, "bytes": size,
            "seconds": time.perf_counter() - started}


def dump_for_attach(config, mine):
    """The ``memlens snapshot PID`` job (run by ``inject.py``): dumps to
    ``snapshot.mlh`` in CONFIG["FOLDER"], leaving out the injection's own
    objects ``mine``."""
    result = dump(config["FOLDER"] + "/snapshot.mlh", values=config["VALUES"], exclude_ids=mine)
    return "ok objects=%d bytes=%d seconds=%.3f python=%s" % (
        result["objects"], result["bytes"], result["seconds"], python_version())
