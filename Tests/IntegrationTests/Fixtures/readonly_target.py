"""GIVEN the LeakedThing heap (leaked_thing.py: 12,345 LeakedThing reachable
only through a closure held by main()'s local `keeper`), this target prints
one JSON line, then blocks its main thread until stdin reaches EOF, in the way
argv[1] names:

- ``read``: in read(2) on stdin;
- ``lock``: in ``threading.Lock().acquire()``, released by a thread reading stdin;
- ``asyncio``: in an idle asyncio loop with no timers, woken by a thread reading stdin;
- ``freeze``: in read(2), after ``gc.freeze()`` of 100,000 new lists; the line
  holds ``gc.get_freeze_count()`` and the ids and sizes of 100 of them;
- ``dump PATH``: in read(2), after the agent's own dump (``memlens.snapshot.dump``,
  what ``memlens run``'s signal handler and ``--agent`` run) wrote PATH;
- ``libraries PATH``: the same after sympy and docutils did some work (a real
  library heap; they must be importable);
- ``abort FOLDER``: no wait: it aborts in FOLDER with core dumps enabled, for
  the kernel to write a core file there (with core_pattern ``core``).

leaked_thing imports memlens.snapshot: PYTHONPATH must hold the repository's python/.

After EOF it prints "done" and exits 0: the target carried on unharmed.
"""

import asyncio
import collections
import gc
import json
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from leaked_thing import build  # noqa: E402


def main(mode):
    keeper = build()
    frozen = None
    line = {"mode": mode, "pid": os.getpid()}
    if mode == "freeze":
        frozen = [[i] for i in range(100000)]
        gc.freeze()
        line["frozen"] = gc.get_freeze_count()
        line["ids"] = [id(frozen[k]) for k in range(0, 100000, 1000)]
        line["sizes"] = [sys.getsizeof(frozen[k]) for k in range(0, 100000, 1000)]
    if mode == "libraries":
        line["results"] = len(library_work())
    # Deques of 0 to 16 blocks (64 items each), rotated, and OrderedDicts
    # (reordered, one with an instance dict): read by their layout.
    deques = [collections.deque(range(1000 * n, 1000 * n + n)) for n in (0, 1, 64, 65, 1000)]
    for d in deques:
        d.rotate(3)
    ordered = [collections.OrderedDict(("k%d" % i, [i]) for i in range(n)) for n in (0, 1, 50)]
    ordered[2].move_to_end("k3")
    del ordered[2]["k7"]
    ordered[2].note = "instance attribute"
    # A suspended generator, coroutine and async generator, each holding a list
    # in a local, and a frame object its call outlived: read by their layout.
    suspended = suspended_frames()
    # Pending asyncio tasks and futures (with a result, callbacks, an exception,
    # a cancel message, attributes; subclasses too) on a loop that is not running.
    loop, tasks = pending_tasks()
    # ctypes types (3.8–3.12: each type's dict is a StgDict, a dict subclass in C).
    c_types = ctypes_types()
    # Formatted before any dump: json's first use readies types (new dicts, descriptors).
    text = json.dumps(line) + "\n"
    if mode in ("dump", "libraries"):
        from memlens.snapshot import dump
        # A first dump readies the types it uses (their dicts and descriptors
        # would be new objects after the second one's gc.get_objects()); cyclic
        # garbage would be in the dump, and could be freed by the time memlens
        # reads the process: collect it first.
        dump(sys.argv[2])
        gc.collect()
        dump(sys.argv[2])
    sys.stdout.write(text)
    sys.stdout.flush()
    if mode == "abort":
        import resource
        os.chdir(sys.argv[2])
        resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        os.abort()
    if mode == "lock":
        lock = threading.Lock()
        lock.acquire()
        threading.Thread(target=lambda: (sys.stdin.read(), lock.release()), daemon=True).start()
        lock.acquire()
    elif mode == "asyncio":
        asyncio.run(idle())
    else:
        sys.stdin.read()
    close_loop(loop)
    sys.stdout.write("done\n")
    sys.stdout.flush()
    return keeper, frozen, deques, ordered, suspended, tasks, c_types


_kept = []


def library_work():
    import sympy
    from docutils.core import publish_string
    x, y = sympy.symbols("x y")
    text = "\n\n".join("Section %d\n==========\n\nSome *text* with ``code`` and a list:\n\n- one\n- two\n" % i for i in range(30))
    _kept.extend([sympy.expand((x + y + 1) ** 12), sympy.solve(x ** 2 - 2 * x - 3, x),
                  sympy.integrate(sympy.sin(x) * sympy.exp(x), x), publish_string(text, writer_name="html")])
    return _kept


class _Pause:
    def __await__(self):
        yield


def holding_generator():
    generator_local = ["held by a suspended generator"]
    yield 1
    yield generator_local


class HeldByCoroutine:
    """Reachable only through a suspended coroutine's local (paths must name it)."""


async def holding_coroutine():
    coroutine_local = ["held by a suspended coroutine", HeldByCoroutine()]
    await _Pause()
    return coroutine_local


async def holding_async_generator():
    async_generator_local = ["held by a suspended async generator"]
    yield async_generator_local


def finished_frame():
    frame_local = ["held by a finished frame"]
    return sys._getframe(), frame_local


def suspended_frames():
    generator = holding_generator()
    next(generator)
    coroutine = holding_coroutine()
    coroutine.send(None)
    async_generator = holding_async_generator()
    try:
        async_generator.asend(None).send(None)
    except StopIteration:
        pass
    return generator, coroutine, async_generator, finished_frame()[0]


class HeldByTask:
    """Reachable only through a pending task's coroutine's local."""


class TaskSubclass(asyncio.Task):
    pass


class FutureSubclass(asyncio.Future):
    pass


async def waiting_task(future):
    task_local = ["held by a pending task", HeldByTask()]
    await future
    return task_local


def raised():
    try:
        raise ValueError("set on a future, with its traceback")
    except ValueError as error:
        return error


def pending_tasks():
    loop = asyncio.new_event_loop()
    loop.set_debug(True)  # futures and tasks keep the stack they were created at
    done = [loop.create_future() for _ in range(3)] + [FutureSubclass(loop=loop)]
    done[0].set_result(["a result"])
    done[3].set_result(["a result"])
    done[1].set_exception(raised())
    done[1].exception()
    if sys.version_info >= (3, 9):
        done[2].cancel(msg="a cancel message")
    else:
        done[2].cancel()
    try:
        done[2].result()  # makes the cancelled error it keeps (3.9+)
    except asyncio.CancelledError:
        pass
    # Pending ones keep their callbacks (the first one, then a list).
    pending = [loop.create_future() for _ in range(3)] + [FutureSubclass(loop=loop) for _ in range(2)]
    for i, future in enumerate(done + pending):
        if i >= len(done):
            future.add_done_callback(id)
        if i >= len(done) + 1:
            future.add_done_callback(repr)
        future.note = ["an attribute", i]
    waited = loop.create_future()
    tasks = [loop.create_task(waiting_task(waited)) for _ in range(3)]
    tasks += [TaskSubclass(waiting_task(waited), loop=loop) for _ in range(3)]
    tasks[0].note = "an attribute"
    loop.run_until_complete(asyncio.sleep(0))  # each task runs to its await: it waits on `waited`
    # Three tasks whose first step is scheduled, not run (a step wrapper each in the loop's queue),
    # and three futures' iterators (what `await future` holds).
    scheduled = [loop.create_task(waiting_task(waited)) for _ in range(3)]
    iterators = [future.__await__() for future in pending[:3]]
    for task in tasks + scheduled:
        task._log_destroy_pending = False
    return loop, (done, pending, tasks, scheduled, iterators)


def ctypes_types():
    import ctypes

    class Point(ctypes.Structure):
        _fields_ = [("x", ctypes.c_int), ("y", ctypes.c_double)]

    class Shape(ctypes.Union):
        _fields_ = [("point", Point), ("raw", ctypes.c_char * 16)]

    callback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int, ctypes.POINTER(Point))
    return Point, Shape, callback, Point * 3, ctypes.POINTER(Shape)


def close_loop(loop):
    """Closes the tasks' coroutines (a task that never started warns at exit otherwise), then the loop."""
    for task in asyncio.all_tasks(loop):
        task.get_coro().close()
    loop.close()


async def idle():
    loop = asyncio.get_running_loop()
    woken = loop.create_future()
    threading.Thread(target=lambda: (sys.stdin.read(), loop.call_soon_threadsafe(woken.set_result, None)), daemon=True).start()
    await woken


if __name__ == "__main__":
    main(sys.argv[1])
