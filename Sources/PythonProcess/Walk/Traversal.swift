/// What `gc.get_referents` returns for the instances of one type, read by
/// layout: the rule of the nearest base whose `tp_traverse` is not
/// `subtype_traverse` (a built-in type's own), plus, for Python classes, what
/// `subtype_traverse` adds (`__slots__`, the instance `__dict__` or its inline
/// values, and the class itself). Types without `Py_TPFLAGS_HAVE_GC` have no
/// referents (str, int, code…). Extension types memlens does not model get a
/// conservative scan of their `tp_basicsize` bytes.
///
/// Plain data, read per object: its lists of field offsets live in one pool
/// per walk (``Offsets``), so reading a traversal retains nothing.
struct Traversal {
    /// A run of field offsets in the walk's pool.
    struct Offsets: Equatable {
        var start: Int32 = 0, count: Int32 = 0
        var range: Range<Int> { Int(start)..<Int(start) + Int(count) }

        /// Appends `offsets` to `pool` and names them.
        init(_ offsets: [UInt64], in pool: inout [UInt64]) {
            start = Int32(pool.count)
            count = Int32(offsets.count)
            pool += offsets
        }

        init() {}
    }

    enum Rule: Equatable {
        case none, tuple, list, dict, set, type, module, builtinFunction, frame
        /// A generator or coroutine (`gen_traverse`: its fields, 3.11+ its embedded frame),
        /// or an async generator (the finalizer too).
        case generator(async: Bool)
        /// 3.11+ `PyFrameObject`: its fields, and the frame data it owns once the frame finished.
        case frameObject
        /// `collections.deque`: its items, block by block.
        case deque
        /// `collections.OrderedDict`: its instance dict, its linked keys, then the dict.
        case orderedDict
        /// A ctypes type (an instance of one of its metatypes), then as `.type`: 3.8–3.12 structures', unions',
        /// pointers' and function pointers' (`CDataType_traverse`) visit their `StgDict`'s `proto`; 3.13's
        /// (`CType_Type_traverse`) their `StgInfo`'s objects, then their metatype.
        case ctypesType
        /// Pointer fields at these offsets (a `Py_VISIT` each).
        case fields(Offsets)
        /// `_asyncio.Future` and `Task`: these fields, then (3.13) the managed `__dict__`.
        case future(Offsets)
        /// `collections.defaultdict`: `default_factory` at 48, then the dict.
        case defaultDict
        /// `functools._lru_cache_wrapper`: these fields, and each cached link's key and result.
        case lruCache(Offsets)
        /// A dict subclass written in C with a tp_traverse of its own: the dict, then its own words scanned conservatively.
        case dictExtended
        /// `numpy.ndarray` (not collected): an object array's elements, its descriptor and its base (``GraphWalk/appendArray(_:into:)``).
        case ndarray
        /// Every word of `tp_basicsize` that is a known object's address.
        case conservative
    }
    /// What a value the snapshot records is.
    enum Value { case none, str, bytes, int, float }

    var rule: Rule
    var value: Value = .none
    /// The instances are dicts (exact or subclass): the agent files keys after values.
    var exactDict = false
    var dictSubclass = false
    // subtype_traverse (Python classes)
    var pythonClass = false
    /// `__slots__` members holding objects.
    var slotOffsets = Offsets()
    /// `tp_dictoffset` when this class added the `__dict__` (negative: from the end of a var-sized object).
    var dictOffset: Int64 = 0
    var managedDict = false
    var inlineValues = false
    /// The type's `ht_cached_keys` (shared keys of inline/split values).
    var cachedKeys: UInt64 = 0
    var basicSize: UInt64 = 0
    var itemSize: UInt64 = 0
    var weaklistOffset: UInt64 = 0
    var heapType = false
    /// The instances are type objects (named in the snapshot), or functions (whose closures are named).
    var isType = false
    var isFunction = false
    /// A built-in heap type (no Python class) whose traverse visits its type.
    var nativeVisitsType = false

    /// A stand-in for a slot not read yet.
    static let placeholder = Traversal()
    private init() { rule = .none }

    static let baseExceptionSubclass: UInt64 = 1 << 30
    /// `T_OBJECT_EX` in `PyMemberDef.type`.
    static let objectMember: Int32 = 16

    /// The traversal of the type at `type`; `subtypeTraverse` is the address
    /// of `subtype_traverse` in the target. Its offset lists are appended to `pool`.
    init(type: UInt64, reader: ObjectReader, graph: GraphLayout, subtypeTraverse: UInt64, pool: inout [UInt64]) throws(ProcessAccessError) {
        let layout = reader.layout, memory = reader.memory
        let flags = try reader.flags(ofType: type)
        heapType = flags & ObjectReader.heapTypeFlag != 0
        basicSize = try memory.load(UInt64.self, at: type &+ layout.typeBasicSize)
        itemSize = try memory.load(UInt64.self, at: type &+ layout.typeItemSize)
        weaklistOffset = try memory.load(UInt64.self, at: type &+ graph.typeWeaklistOffset)
        // The chain of classes using subtype_traverse, down to the native base.
        var native = type, depth = 0
        var slots: [UInt64] = []
        while try reader.flags(ofType: native) & ObjectReader.heapTypeFlag != 0, depth < 64 {
            let traverse = try reader.word(native &+ graph.typeTraverse)
            guard traverse == subtypeTraverse else { break }
            pythonClass = true
            slots += try Self.objectMemberOffsets(of: native, reader: reader, graph: graph)
            let next = try reader.word(native &+ layout.typeBase)
            if next == 0 { break }
            native = next
            depth += 1
        }
        slotOffsets = Offsets(slots, in: &pool)
        if pythonClass {
            let own = try memory.load(Int64.self, at: type &+ graph.typeDictOffset)
            let inherited = try memory.load(Int64.self, at: native &+ graph.typeDictOffset)
            managedDict = graph.managedDictFlag != 0 && flags & graph.managedDictFlag != 0
            inlineValues = graph.inlineValuesFlag != 0 && flags & graph.inlineValuesFlag != 0
            if !managedDict, own != inherited { dictOffset = own }
            if managedDict || inlineValues { cachedKeys = try reader.word(type &+ layout.heapTypeCachedKeys) }
            // 3.13+: subtype_traverse visits a managed dict only when the class added it (`_asyncio.Task`'s visits its own).
            if graph.inlineValuesFlag != 0, own == inherited { (managedDict, inlineValues) = (false, false) }
        }
        let nativeFlags = try reader.flags(ofType: native)
        dictSubclass = nativeFlags & ObjectReader.dictSubclass != 0
        let name = try memory.cString(at: reader.word(native &+ layout.typeName), maxLength: 200)
        if name == NumpyLayout.arrayTypeName {  // collected or not (a Python subclass is), read by its layout
            rule = .ndarray
            return
        }
        guard flags & ObjectReader.haveGC != 0 else {
            rule = .none
            if !heapType { value = try Self.value(ofBuiltin: type, reader: reader) }
            return
        }
        exactDict = dictSubclass && !pythonClass && name == "dict"
        // 3.9+: a heap type's own tp_traverse visits the type (extension types made heap types in 3.10+).
        nativeVisitsType = !pythonClass && heapType && graph.heapTypeModule != 0
        rule = try Self.rule(native: native, name: name, flags: nativeFlags, reader: reader, graph: graph, pool: &pool)
        // 3.12+: an extension type with a managed dict (typing.TypeVar, Cython's functions) visits it in its
        // tp_traverse; the dict is in the pre-header, which a scan of the object's own bytes does not see.
        if rule == .conservative, !pythonClass, graph.managedDictFlag != 0, flags & graph.managedDictFlag != 0 {
            managedDict = true
            cachedKeys = try reader.word(type &+ layout.heapTypeCachedKeys)
        }
        isType = rule == .type || rule == .ctypesType
        // 3.13: CType_Type_traverse visits the metatype after the StgInfo (the rule appends it).
        if rule == .ctypesType { nativeVisitsType = false }
        if case .fields = rule, name == "function" { isFunction = true }
    }

    /// The value a snapshot records for instances of the built-in type at `type` (str, bytes, int, float).
    private static func value(ofBuiltin type: UInt64, reader: ObjectReader) throws(ProcessAccessError) -> Value {
        switch try reader.typeName(type) {
        case "str": .str
        case "bytes": .bytes
        case "int": .int
        case "float": .float
        default: .none
        }
    }

    /// Where a Python class's `__slots__` keep their objects: the `T_OBJECT_EX` members in the
    /// `PyMemberDef` array after its type object (as many as its `ob_size` says, fewer than 4096).
    static func objectMemberOffsets(of type: UInt64, reader: ObjectReader, graph: GraphLayout) throws(ProcessAccessError) -> [UInt64] {
        let memory = reader.memory, fields = reader.layout.objects
        let memberCount = try memory.load(Int64.self, at: type &+ fields.varSize)
        guard memberCount > 0, memberCount < 4096 else { return [] }
        let members = type &+ (try memory.load(UInt64.self, at: reader.typeOf(type) &+ reader.layout.typeBasicSize))
        var offsets: [UInt64] = []
        for i in 0..<UInt64(memberCount) {
            let member = members &+ i &* fields.memberDefBytes
            if try memory.load(Int32.self, at: member &+ fields.memberDefType) == objectMember {
                offsets.append(try memory.load(UInt64.self, at: member &+ fields.memberDefOffset))
            }
        }
        return offsets
    }

    /// Generators, coroutines and frames: their referents include a frame's variables, named in the snapshot.
    var holdsVariables: Bool {
        switch rule {
        case .frame, .frameObject, .generator: true
        default: false
        }
    }

    /// The rule of a built-in (non-`subtype_traverse`) type.
    private static func rule(native: UInt64, name: String, flags: UInt64, reader: ObjectReader, graph: GraphLayout,
                             pool: inout [UInt64]) throws(ProcessAccessError) -> Rule {
        func fields(_ offsets: [UInt64]) -> Rule { .fields(Offsets(offsets, in: &pool)) }
        // A base without Py_TPFLAGS_HAVE_GC (str, int, bytes, object…) has no tp_traverse of its own.
        if flags & ObjectReader.haveGC == 0 { return .none }
        if flags & ObjectReader.typeSubclass != 0 {
            switch name {
            case "_ctypes.PyCStructType", "_ctypes.UnionType", "_ctypes.PyCPointerType", "_ctypes.PyCFuncPtrType": return .ctypesType
            case "_ctypes.PyCSimpleType" where graph.ctypesStgInfo != 0, "_ctypes.PyCArrayType" where graph.ctypesStgInfo != 0:
                return .ctypesType
            default: return .type
            }
        }
        if flags & ObjectReader.listSubclass != 0 { return .list }
        if flags & ObjectReader.tupleSubclass != 0 { return .tuple }
        if flags & ObjectReader.dictSubclass != 0 {
            switch name {
            case "dict": return .dict
            case "collections.defaultdict": return .defaultDict
            case "collections.OrderedDict": return .orderedDict
            default:
                // One whose tp_traverse is dict's own visits just the dict (3.8–3.12 ctypes' `StgDict`, whose
                // `proto`, `argtypes`, `restype`… gc.get_referents never returns).
                return try inheritsDictTraverse(native, reader: reader, graph: graph) ? .dict : .dictExtended
            }
        }
        switch name {
        case "set", "frozenset": return .set
        case "frozendict": return .dict  // 3.15: a dict's fields, then its hash; not a dict subclass
        case "object": return .none
        case "cell", "mappingproxy", "method_descriptor", "classmethod_descriptor", "member_descriptor", "getset_descriptor",
             "wrapper_descriptor":
            return fields([16])
        case "method", "classmethod", "staticmethod", "method-wrapper": return fields([16, 24])
        case "weakref", "weakref.ReferenceType", "weakproxy", "weakcallableproxy", "weakref.ProxyType", "weakref.CallableProxyType":
            return fields([24])
        case "property": return fields(graph.propertyFields)
        case "function": return fields(graph.functionFields)
        case "functools.partial": return fields([16, 24, 32, 40])
        case "functools._lru_cache_wrapper": return .lruCache(Offsets(graph.lruCacheFields, in: &pool))
        case "builtin_function_or_method": return .builtinFunction
        case "collections.deque": return .deque
        case "module": return .module
        case "frame" where graph.frameIsObject: return .frame
        case "frame" where graph.generators != nil: return .frameObject
        case "generator" where graph.generators != nil, "coroutine" where graph.generators != nil: return .generator(async: false)
        case "async_generator" where graph.generators != nil: return .generator(async: true)
        case "_asyncio.Future": if let asyncio = graph.asyncio { return .future(Offsets(asyncio.futureFields, in: &pool)) }
        case "_asyncio.Task":
            if let asyncio = graph.asyncio { return .future(Offsets(asyncio.taskFields + asyncio.futureFields, in: &pool)) }
        // A future's iterator (`await future`) and a task's wrappers: its scheduled step (`sw_task`, `sw_arg`),
        // 3.8–3.9 its wake-up callback; the same fields 3.8–3.13 (3.12+ heap types, visiting their type too).
        case "_asyncio.FutureIter", "TaskWakeupMethWrapper": return fields([16])
        case "TaskStepMethWrapper", "_asyncio.TaskStepMethWrapper": return fields([16, 24])
        default: break
        }
        if flags & baseExceptionSubclass != 0 {
            let size = try reader.memory.load(UInt64.self, at: native &+ reader.layout.typeBasicSize)
            // BaseException's own size (its fields, then `suppress_context`): subclasses that add no fields.
            if size == 24 + 8 * UInt64(graph.exceptionFields.count) { return fields(graph.exceptionFields) }
        }
        return .conservative
    }

    /// Whether the dict subclass written in C at `native` kept `dict`'s `tp_traverse`: the
    /// first `dict` on its `tp_base` chain has the same one.
    private static func inheritsDictTraverse(_ native: UInt64, reader: ObjectReader,
                                             graph: GraphLayout) throws(ProcessAccessError) -> Bool {
        let traverse = try reader.word(native &+ graph.typeTraverse)
        var base = try reader.word(native &+ reader.layout.typeBase), depth = 0
        while base != 0, depth < 64 {
            if try reader.memory.cString(at: reader.word(base &+ reader.layout.typeName), maxLength: 200) == "dict" {
                return try reader.word(base &+ graph.typeTraverse) == traverse
            }
            base = try reader.word(base &+ reader.layout.typeBase)
            depth += 1
        }
        return false
    }
}
