/// What `FutureObj_traverse` and `TaskObj_traverse` visit in `_asyncio.Future`
/// and `_asyncio.Task` (CPython's `Modules/_asynciomodule.c`), per minor version
/// on 64-bit Linux, in their order. From `gdb -batch -ex 'ptype/o TaskObj'` and
/// the traverse functions' disassembly on each pyenv build's `_asyncio` module,
/// checked against `gc.get_referents` with ctypes reads (`id(task) + offset`),
/// and by the snapshot tests.
struct AsyncioLayout: Sendable {
    /// `fut_loop`, `fut_callback0`, `fut_context0`, `fut_callbacks`, `fut_result`, `fut_exception`,
    /// (3.10+) `fut_exception_tb`, `fut_source_tb`, (3.9+) `fut_cancel_msg`, (3.11+) `fut_cancelled_exc`
    /// (3.9–3.10: the three words of `fut_cancelled_exc_state`), and (3.8–3.12) `dict`.
    var futureFields: [UInt64]
    /// A task's own, visited before its future's: `task_context`, `task_coro`, `task_name`, `task_fut_waiter`.
    var taskFields: [UInt64]
    /// 3.13+: the `__dict__` is managed (`Py_TPFLAGS_MANAGED_DICT`), visited last, from the pre-header at -24;
    /// 3.14+ first as inline values after `tp_basicsize` (`Py_TPFLAGS_INLINE_VALUES`) until a dict is made.
    var managedDict: Bool
    var inlineValues: Bool

    init?(minor: Int) {
        switch minor {
        case 8:
            (futureFields, taskFields) = ([16, 24, 32, 40, 56, 48, 64, 88], [128, 112, 120, 104])
        case 9:
            (futureFields, taskFields) = ([16, 24, 32, 40, 56, 48, 64, 72, 96, 112, 120, 128], [168, 152, 160, 144])
        case 10:
            (futureFields, taskFields) = ([16, 24, 32, 40, 64, 48, 56, 72, 80, 104, 120, 128, 136], [176, 160, 168, 152])
        case 11, 12:
            (futureFields, taskFields) = ([16, 24, 32, 40, 64, 48, 56, 72, 80, 120, 104], [152, 136, 144, 128])
        case 13:
            (futureFields, taskFields) = ([16, 24, 32, 40, 64, 48, 56, 72, 80, 88], [136, 120, 128, 112])
        case 14, 15:  // `fut_awaited_by` (96) added
            (futureFields, taskFields) = ([16, 24, 32, 40, 64, 48, 56, 72, 80, 88, 96], [144, 128, 136, 120])
        default:
            return nil
        }
        managedDict = minor >= 13
        inlineValues = minor >= 14
    }
}
