"""Run inside a target by ``memlens snapshot PID``: writes one snapshot, then
leaves the interpreter as it found it.

memlens places this file and ``snapshot.py`` where the target can read them,
and gdb queues ``Py_AddPendingCall(PyRun_SimpleString, buf)`` whose code is a
single ``exec`` of this file in a fresh namespace (so nothing is bound in
``__main__``), with CONFIG holding SNAPSHOT_SOURCE (path of snapshot.py), OUT
(snapshot path), STATUS (result line) and VALUES. If memlens gave up waiting,
it removed these files, and the call finds nothing to run.

It restores ``sys.path`` and ``sys.modules`` (modules first imported here are
removed), pauses the cyclic GC while it works, and leaves out of the snapshot
the objects it created itself. memlens unmaps gdb's buffer afterwards.
"""


def _run(config):
    import gc
    import os
    import sys

    modules_before = set(sys.modules)
    path_before = list(sys.path)
    collecting = gc.isenabled()
    gc.disable()
    status = "error: not run"
    try:
        # Tells memlens the dump has begun, so it waits for it rather than giving up.
        os.close(os.open(config["STATUS"] + ".started", os.O_WRONLY | os.O_CREAT, 0o600))
        young_before = set(map(id, gc.get_objects(0)))
        namespace = {"__name__": "_memlens_snapshot", "__file__": config["SNAPSHOT_SOURCE"]}
        with open(config["SNAPSHOT_SOURCE"], "rb") as source:
            text = source.read()
        # exec of source text, never compile(): compile() calls PyAST_Check,
        # which creates CPython's ~110 _ast node types for good.
        exec(text, namespace)
        del text
        # Everything tracked that appeared since is the agent's (gc is paused,
        # so it all sits in generation 0).
        mine = set(map(id, gc.get_objects(0))) - young_before
        # ...and what the injection made before that: its namespaces and
        # functions, and before 3.11 its frames (the "<string>" one gdb's
        # PyRun_SimpleString runs). From 3.11 frames are not objects unless
        # asked for, and asking would create the interrupted frame's object.
        mine |= {id(namespace), id(config), id(_run), id(globals())}
        if sys.version_info < (3, 11):
            frame = sys._getframe()
            while frame is not None and frame.f_code.co_filename in (__file__, "<string>"):
                mine.add(id(frame))
                frame = frame.f_back
            del frame
        result = namespace["dump"](config["OUT"], values=config["VALUES"], exclude_ids=mine)
        status = "ok objects=%d bytes=%d seconds=%.3f python=%s" % (
            result["objects"], result["bytes"], result["seconds"], "%d.%d.%d" % sys.version_info[:3])
    except BaseException as error:  # never let an exception escape into the target
        status = "error: %s: %s" % (type(error).__name__, error)
    finally:
        sys.path[:] = path_before
        for name in set(sys.modules) - modules_before:
            del sys.modules[name]
        if collecting:
            gc.enable()
    try:
        # Written whole under another name, then renamed: memlens polls for it.
        partial = config["STATUS"] + ".partial"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, (status + "\n").encode("utf-8", "replace"))
        os.close(fd)
        os.rename(partial, config["STATUS"])
    except OSError:
        pass


_run(CONFIG)  # noqa: F821  (set by memlens)
