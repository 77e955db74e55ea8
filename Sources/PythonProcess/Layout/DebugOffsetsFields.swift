/// The field lists of `_Py_DebugOffsets`, one per minor version that
/// publishes it: after the 8-byte cookie, every field is a `uint64_t` in the
/// order of CPython's header (3.13 `Include/internal/pycore_runtime.h`, 3.14
/// and 3.15 `Include/internal/pycore_debug_offsets.h`), so a field's place in
/// the table is its index. A new version is a new list here; the values were
/// checked against the live Debian 3.14.10 and 3.15.2 and pyenv 3.13.0.
enum DebugOffsetsFields {
    typealias Group = (name: String, fields: [String])

    static let v3_13: [Group] = [
        ("runtime_state", ["size", "finalizing", "interpreters_head"]),
        ("interpreter_state", ["size", "id", "next", "threads_head", "gc", "imports_modules", "sysdict", "builtins", "ceval_gil",
                               "gil_runtime_state", "gil_runtime_state_enabled", "gil_runtime_state_locked", "gil_runtime_state_holder"]),
        ("thread_state", ["size", "prev", "next", "interp", "current_frame", "thread_id", "native_thread_id", "datastack_chunk", "status"]),
        ("interpreter_frame", ["size", "previous", "executable", "instr_ptr", "localsplus", "owner"]),
        ("code_object", ["size", "filename", "name", "qualname", "linetable", "firstlineno", "argcount", "localsplusnames",
                         "localspluskinds", "co_code_adaptive"]),
        ("pyobject", ["size", "ob_type"]),
        ("type_object", ["size", "tp_name", "tp_repr", "tp_flags"]),
        ("tuple_object", ["size", "ob_item", "ob_size"]),
        ("list_object", ["size", "ob_item", "ob_size"]),
        ("dict_object", ["size", "ma_keys", "ma_values"]),
        ("float_object", ["size", "ob_fval"]),
        ("long_object", ["size", "lv_tag", "ob_digit"]),
        ("bytes_object", ["size", "ob_size", "ob_sval"]),
        ("unicode_object", ["size", "state", "length", "asciiobject_size"]),
        ("gc", ["size", "collecting"]),
    ]

    /// 3.14 inserted `threads_main`, the code generations, the frame's
    /// `stackpointer`/`tlbc_index`, `co_tlbc` and a set group, and appended
    /// generators, `llist_node` and the remote debugger's fields (760 bytes).
    static let v3_14: [Group] = [
        v3_13[0],
        ("interpreter_state", ["size", "id", "next", "threads_head", "threads_main", "gc", "imports_modules", "sysdict", "builtins",
                               "ceval_gil", "gil_runtime_state", "gil_runtime_state_enabled", "gil_runtime_state_locked",
                               "gil_runtime_state_holder", "code_object_generation", "tlbc_generation"]),
        v3_13[2],
        ("interpreter_frame", ["size", "previous", "executable", "instr_ptr", "localsplus", "owner", "stackpointer", "tlbc_index"]),
        ("code_object", ["size", "filename", "name", "qualname", "linetable", "firstlineno", "argcount", "localsplusnames",
                         "localspluskinds", "co_code_adaptive", "co_tlbc"]),
        v3_13[5], v3_13[6], v3_13[7], v3_13[8],
        ("set_object", ["size", "used", "table", "mask"]),
        v3_13[9], v3_13[10], v3_13[11], v3_13[12], v3_13[13], v3_13[14],
        ("gen_object", ["size", "gi_name", "gi_iframe", "gi_frame_state"]),
        ("llist_node", ["next", "prev"]),
        ("debugger_support", ["eval_breaker", "remote_debugger_support", "remote_debugging_enabled", "debugger_pending_call",
                              "debugger_script_path", "debugger_script_path_size"]),
    ]

    /// 3.15 added the profiler's thread fields, the exception state, type
    /// and heap-type sizes, the compact str size and the collector's frame
    /// and statistics pointer (888 bytes).
    static let v3_15: [Group] = [
        v3_14[0], v3_14[1],
        ("thread_state", ["size", "prev", "next", "interp", "current_frame", "base_frame", "last_profiled_frame",
                          "last_profiled_frame_seq", "thread_id", "native_thread_id", "datastack_chunk", "status", "holds_gil",
                          "gil_requested", "current_exception", "exc_state"]),
        ("err_stackitem", ["exc_value"]),
        v3_14[3], v3_14[4], v3_14[5],
        ("type_object", ["size", "tp_name", "tp_repr", "tp_flags", "tp_basicsize", "tp_dictoffset"]),
        ("heap_type_object", ["size", "ht_cached_keys"]),
        v3_14[7], v3_14[8], v3_14[9], v3_14[10], v3_14[11], v3_14[12], v3_14[13],
        ("unicode_object", ["size", "state", "length", "asciiobject_size", "compactunicodeobject_size"]),
        ("gc", ["size", "collecting", "frame", "generation_stats_size", "generation_stats"]),
        v3_14[16], v3_14[17], v3_14[18],
    ]

    /// The `group.field` names in table order for CPython 3.`minor`, nil for a version memlens has no list for.
    static func names(minor: Int) -> [String]? {
        let groups: [Group]
        switch minor {
        case 13: groups = v3_13
        case 14: groups = v3_14
        case 15: groups = v3_15
        default: return nil
        }
        return groups.flatMap { group in group.fields.map { group.name + "." + $0 } }
    }
}
