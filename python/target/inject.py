"""Run inside a target by memlens commands that attach to a running process
(``snapshot``, ``gc``, ``alloc``): runs one agent job, then leaves the
interpreter as it found it.

memlens places this file and the job's source where the target can read them,
and gdb queues ``Py_AddPendingCall(PyRun_SimpleString, buf)`` whose code is a
single ``exec`` of this file in a fresh namespace (so nothing is bound in
``__main__``), with CONFIG holding JOB (path of the job's source), ENTRY (the
function to call in it), STATUS (where the result line goes), PAUSE_GC, and
KEEP_MODULES, and the job's own settings. If memlens gave up waiting, it removed these files,
and the call finds nothing to run.

The job's entry is called as ``entry(config, mine)`` and returns the status
line, which starts with ``ok`` on success. ``mine`` is the set of ids of
objects the injection itself created when PAUSE_GC is set (the cyclic GC is
then paused while the job runs, so they all sit in generation 0), else None.
This runner restores ``sys.path``, ``sys.path_importer_cache`` and ``sys.modules``: modules first imported
here are removed, unless KEEP_MODULES is set and the job succeeds; the job
then owns them (CONFIG["MODULES_BEFORE"] says which they are) and removes them
later. With PAUSE_GC it ends with a young collection that frees the job's
own cycles. memlens unmaps gdb's buffer afterwards.
"""


def _run(config):
    import gc
    import os
    import sys

    modules_before = set(sys.modules)
    path_before = list(sys.path)
    finders_before = set(sys.path_importer_cache)
    pause = config["PAUSE_GC"]
    keep_modules = config["KEEP_MODULES"]
    collecting = gc.isenabled()
    if pause:
        gc.disable()
    status = "error: not run"
    namespace = {"__name__": "_memlens_job", "__file__": config["JOB"]}
    try:
        # Tells memlens the job has begun, so it waits for it rather than giving up.
        os.close(os.open(config["STATUS"] + ".started", os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600))
        young_before = set(map(id, gc.get_objects(0))) if pause else None
        with open(config["JOB"], "rb") as source:
            text = source.read()
        # exec of source text, never compile(): compile() calls PyAST_Check,
        # which creates CPython's ~110 _ast node types for good.
        exec(text, namespace)
        del text
        mine = None
        if pause:
            # Everything tracked that appeared since is the agent's...
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
        config["MODULES_BEFORE"] = modules_before
        status = namespace[config["ENTRY"]](config, mine)
    except BaseException as error:  # never let an exception escape into the target
        status = "error: %s: %s" % (type(error).__name__, error)
        keep_modules = False
    finally:
        sys.path[:] = path_before
        # Importing the job's stdlib packages caches a finder per package folder.
        for folder in set(sys.path_importer_cache) - finders_before:
            del sys.path_importer_cache[folder]
        if not keep_modules:
            for name in set(sys.modules) - modules_before:
                del sys.modules[name]
        if pause:
            # The job's objects are all young (the collector was paused). Its
            # namespace cleared, those left are cycles (removed modules and their
            # functions): a young collection frees them now. Left to the target,
            # they would wait for its next collection, which an idle process may
            # not run for hours.
            namespace.clear()
            gc.collect(0)
            if collecting:
                gc.enable()
    try:
        # Written whole under another name, then renamed: memlens polls for it.
        # (Not memlens/_shared.py's write_atomically: this file is compiled before
        # the job can tell the injection's objects apart, and the tuples of every
        # function it defines would stay in the target's snapshot.)
        partial = config["STATUS"] + ".partial"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        os.write(fd, (status + "\n").encode("utf-8", "replace"))
        os.close(fd)
        os.rename(partial, config["STATUS"])
    except OSError:
        pass


_run(CONFIG)  # noqa: F821  (set by memlens)
# _run and this namespace refer to each other: clearing it frees both now.
globals().clear()
