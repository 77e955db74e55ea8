"""``memlens frag PID --trim`` / ``--malloc-stats``: glibc's own malloc figures
and ``malloc_trim(0)``, run inside the target by ``inject.py``.

The job reads ``mallinfo2()`` (``mallinfo()`` before glibc 2.33) and
``malloc_info()``'s XML, and with TRIM set calls ``malloc_trim(0)`` between
two readings of ``/proc/self/smaps_rollup``. It writes ``frag.json`` to
CONFIG["FOLDER"]. Only ``malloc_trim`` changes the process (it returns free
memory to the OS); the modules imported here are removed by the runner.
"""

import os

from memlens._shared import parse_rollup, python_version, write_atomically  # EmbedAgentTool puts memlens/_shared.py here

_MALLINFO_FIELDS = ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                    "fsmblks", "uordblks", "fordblks", "keepcost")


def _rollup():
    """Rss and USS (Private_Clean + Private_Dirty) in bytes, from smaps_rollup."""
    with open("/proc/self/smaps_rollup", "rb") as rollup:
        fields = parse_rollup(rollup.read())
    return {"rss": fields.get("Rss", 0),
            "uss": fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)}


def _mallinfo(ctypes, libc):
    wide = hasattr(libc, "mallinfo2")
    field = ctypes.c_size_t if wide else ctypes.c_int
    info = type("mallinfo", (ctypes.Structure,), {"_fields_": [(name, field) for name in _MALLINFO_FIELDS]})
    function = libc.mallinfo2 if wide else libc.mallinfo
    function.restype = info
    value = function()
    result = {name: int(getattr(value, name)) for name in _MALLINFO_FIELDS}
    result["wide"] = wide
    return result


def _malloc_info(ctypes, libc, path):
    """malloc_info(0, FILE*) written to ``path``; returns its XML text."""
    libc.fopen.restype = ctypes.c_void_p
    libc.fopen.argtypes = (ctypes.c_char_p, ctypes.c_char_p)
    libc.malloc_info.argtypes = (ctypes.c_int, ctypes.c_void_p)
    libc.fclose.argtypes = (ctypes.c_void_p,)
    stream = libc.fopen(path.encode(), b"w")
    if not stream:
        return ""
    libc.malloc_info(0, stream)
    libc.fclose(stream)
    with open(path, "rb") as xml:
        text = xml.read().decode("ascii", "replace")
    os.unlink(path)
    return text


def malloc_job(config, mine):
    """Entry called by ``inject.py``; returns the status line."""
    import ctypes
    import ctypes.util
    import json

    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    if not hasattr(libc, "malloc_trim"):
        return "error: this libc has no malloc_trim (not glibc?)"
    report = {"python": python_version()}
    report["before"] = _rollup()
    report["mallinfo"] = _mallinfo(ctypes, libc)
    report["malloc_info"] = _malloc_info(ctypes, libc, config["FOLDER"] + "/malloc_info.xml")
    if config["TRIM"]:
        libc.malloc_trim.argtypes = (ctypes.c_size_t,)
        rolled = _rollup()
        report["trim_returned"] = int(libc.malloc_trim(0))
        report["after"] = _rollup()
        report["trim_before"] = rolled
        report["mallinfo_after"] = _mallinfo(ctypes, libc)
    write_atomically(config["FOLDER"] + "/frag.json", json.dumps(report).encode())
    return "ok"
