"""Grows 16 MiB in grow_in_main (one thread, about 30 ms) while it keeps
overwriting the GIL's last holder (`_gil_runtime_state.last_holder`) with
words that are no thread state: an unmapped address and a zeroed buffer, in
turn. CPython reads that word only to count switches and sets it again at
the next switch, so the program runs on. The field is found by its shape, not
from memlens's tables: the word that holds this thread's state between
`interval` (the switch interval, microseconds) and `locked` (1), in
`_PyRuntime` (3.8-3.11) or the interpreter (3.12+). Writes its truth as JSON
to TRUTH.json: the bytes grow_in_main kept and where the field was.

    python hostile_holder.py TRUTH.json [GO_FILE]
"""
import ctypes
import json
import os
import sys
import time

GROW_SECONDS = 0.03
GROW_BYTES = 16 * 1024 * 1024
OBJECT_BYTES = 256 * 1024


def holder_field():
    api = ctypes.pythonapi
    api.PyThreadState_Get.restype = ctypes.c_void_p
    tstate = api.PyThreadState_Get()
    interval = round(sys.getswitchinterval() * 1e6)
    if sys.version_info >= (3, 12):
        api.PyInterpreterState_Get.restype = ctypes.c_void_p
        start, size = api.PyInterpreterState_Get(), 16384
    else:
        start, size = ctypes.addressof(ctypes.c_char.in_dll(api, "_PyRuntime")), 4096
    found = [start + offset for offset in range(8, size - 16, 8)
             if ctypes.c_uint64.from_address(start + offset).value == tstate
             and ctypes.c_uint64.from_address(start + offset - 8).value == interval
             and ctypes.c_int32.from_address(start + offset + 8).value == 1]
    if len(found) != 1:
        sys.exit("the GIL's last holder not found once: %r" % found)
    return found[0], found[0] - start


def grow_in_main(kept, field, strangers):
    word = ctypes.c_uint64.from_address(field)
    start = time.perf_counter()
    added = 0
    while added < GROW_BYTES:
        word.value = strangers[added // OBJECT_BYTES % 2]
        if added < GROW_BYTES * (time.perf_counter() - start) / GROW_SECONDS:
            item = b"h" * OBJECT_BYTES
            kept.append(item)
            added += sys.getsizeof(item)
    return added


def main():
    truth_path = sys.argv[1]
    go = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] != "-" else None
    while go and not os.path.exists(go):
        time.sleep(0.01)
    field, offset = holder_field()
    zeros = ctypes.create_string_buffer(4096)
    strangers = [0xDEAD0000, ctypes.addressof(zeros)]
    time.sleep(0.8 if go is None else 0.3)
    kept = []
    real = ctypes.c_uint64.from_address(field).value
    added = grow_in_main(kept, field, strangers)
    ctypes.c_uint64.from_address(field).value = real
    time.sleep(0.3)
    truth = {"grow_in_main": added, "holder_offset": offset}
    with open(truth_path, "w") as f:
        json.dump(truth, f)
    print(json.dumps(truth))


main()
