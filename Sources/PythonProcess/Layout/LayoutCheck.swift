/// Checks a layout against the target's own memory before anything walks
/// it: a layout that is wrong for the running interpreter (a patch release
/// whose structures moved, an alpha, a forged table) must be refused with the
/// check that failed, never walked. Each check reads a few words, reached
/// from the interpreter state alone (no symbol needed, so a stripped image is
/// checked the same way).
enum LayoutCheck {
    /// How many thread states a list may hold before it is taken to loop.
    static let maxThreads = 100_000

    /// Runs every check for the interpreter at `interpreter` with `layout`
    /// (and `graph` for where `sys.modules` is); throws `.layoutMismatch`
    /// naming the first check that fails.
    static func validate(interpreter: UInt64, layout: PythonLayout, graph: GraphLayout?, memory: any MemorySource,
        pid: Int32, version: String) throws(ProcessAccessError) {
        let reader = ObjectReader(memory: memory, layout: layout)
        func fail(_ check: String, _ detail: String) -> ProcessAccessError {
            .layoutMismatch(pid: pid, version: version, check: check, detail: detail)
        }
        try checking("the thread list ends", fail) { () throws(ProcessAccessError) in
            var thread = try reader.word(interpreter &+ layout.interpreterThreadsHead)
            var count = 0
            while thread != 0 {
                count += 1
                guard count <= maxThreads else { throw fail("the thread list ends", "more than \(maxThreads) thread states") }
                // Each thread state names its interpreter.
                guard try reader.word(thread &+ layout.threadStateInterpreter) == interpreter else {
                    throw fail("the thread list ends", "thread state 0x\(String(thread, radix: 16)) belongs to another interpreter")
                }
                thread = try reader.word(thread &+ layout.threadStateNext)
            }
            guard count > 0 else { throw fail("the thread list ends", "no thread state") }
        }
        guard let graph else { return }
        let (modules, dictType) = try checking("sys.modules is a dict", fail) { () throws(ProcessAccessError) in
            let modules = try reader.word(interpreter &+ graph.interpreterModules)
            let dictType = try reader.typeOf(modules)
            try expectType(dictType, named: "dict", flag: ObjectReader.dictSubclass, basicSize: 48, reader: reader) {
                fail("sys.modules is a dict", $0)
            }
            return (modules, dictType)
        }
        try checking("type(type) is type", fail) { () throws(ProcessAccessError) in
            let typeType = try reader.typeOf(dictType)
            guard try reader.typeOf(typeType) == typeType else {
                throw fail("type(type) is type", "the type of type at 0x\(String(typeType, radix: 16)) is another object")
            }
            try expectType(typeType, named: "type", flag: ObjectReader.typeSubclass, basicSize: nil, reader: reader) {
                fail("type(type) is type", $0)
            }
        }
        try checkModulesAndBuiltins(modules, reader: reader, fail: fail)
    }

    /// Runs `body`; an error other than a layout mismatch (an unreadable word) fails `check`.
    private static func checking<T>(_ check: String, _ fail: (String, String) -> ProcessAccessError,
        _ body: () throws(ProcessAccessError) -> T) throws(ProcessAccessError) -> T {
        do { return try body() } catch {
            if case .layoutMismatch = error { throw error }
            throw fail(check, "\(error)")
        }
    }

    /// `sys` and `builtins` are in `sys.modules`, and `builtins` holds the
    /// built-in types under their names, with their flags and sizes.
    private static func checkModulesAndBuiltins(_ modules: UInt64, reader: ObjectReader,
        fail: (String, String) -> ProcessAccessError) throws(ProcessAccessError) {
        let check = "sys.modules holds sys and builtins"
        let builtinsDict = try checking(check, fail) { () throws(ProcessAccessError) in
            var dict: UInt64 = 0
            for name in ["sys", "builtins"] {
                guard let module = try reader.lookup(name, inDict: modules), module != 0 else { throw fail(check, "no '\(name)' entry") }
                guard try reader.typeName(reader.typeOf(module)) == "module" else { throw fail(check, "'\(name)' is not a module") }
                dict = try reader.word(module &+ reader.layout.objects.moduleDict)  // builtins' dict is kept
            }
            return dict
        }
        let known: [(String, UInt64, UInt64?)] = [("list", ObjectReader.listSubclass, 40), ("tuple", ObjectReader.tupleSubclass, nil),
            ("int", ObjectReader.longSubclass, nil), ("str", ObjectReader.unicodeSubclass, nil), ("bytes", ObjectReader.bytesSubclass, nil)]
        let typesCheck = "built-in types' names, flags and sizes"
        try checking(typesCheck, fail) { () throws(ProcessAccessError) in
            for (name, flag, size) in known {
                guard let type = try reader.lookup(name, inDict: builtinsDict) else { throw fail(typesCheck, "builtins has no '\(name)'") }
                try expectType(type, named: name, flag: flag, basicSize: size, reader: reader) { fail(typesCheck, $0) }
            }
        }
    }

    /// The type at `type` has `tp_name` `name`, the subclass `flag` in `tp_flags`, and `basicSize` when given.
    private static func expectType(_ type: UInt64, named name: String, flag: UInt64, basicSize: UInt64?, reader: ObjectReader,
        fail: (String) -> ProcessAccessError) throws(ProcessAccessError) {
        let layout = reader.layout
        let found = try reader.memory.cString(at: reader.word(type &+ layout.typeName), maxLength: 64)
        guard found == name else { throw fail("tp_name of 0x\(String(type, radix: 16)) is '\(found.prefix(64))', not '\(name)'") }
        // Exactly one of the built-in subclass flags (bits 24–31) is set, Py_TPFLAGS_READY (bit 12) is, and no bit above 31
        // (no Python defines one): a pointer read in tp_flags' place has bits 24–31 right once in 256, the high half never zero.
        let flags = try reader.flags(ofType: type)
        guard flags & 0xFF00_0000 == flag, flags >> 32 == 0, flags & ObjectReader.typeReady != 0 else {
            throw fail("'\(name)' does not have exactly its type flag 0x\(String(flag, radix: 16)) of bits 24–31, "
                + "Py_TPFLAGS_READY and no bit above 31 (tp_flags reads 0x\(String(flags, radix: 16)))")
        }
        if let basicSize {
            let size = try reader.memory.load(Int64.self, at: type &+ layout.typeBasicSize)
            guard size == Int64(basicSize) else { throw fail("tp_basicsize of '\(name)' is \(size), not \(basicSize)") }
        }
    }
}
