import Foundation
import HeapGraph

/// Three snapshots of one imagined process, small enough to read whole and
/// rich enough to reach every report: a module, its dict, a frame with named
/// locals, instances with `__dict__`s in a reference ring, strings held twice,
/// numbers, a large bytes object, unreachable garbage; then objects that leak
/// (newer) and some of them freed (newest).
enum GoldenHeaps {
    struct Object {
        var address: UInt64
        var type: String
        var size: UInt64
        var refs: [UInt64] = []
        var value: ObjectValue? = nil
    }

    static let base: UInt64 = 0x7f3a_0001_0000
    static func at(_ offset: UInt64) -> UInt64 { base + offset }
    static let blob: UInt64 = 0x7f3a_2000_0000
    static let frame = at(0x5000)
    static let cache = at(0x2000)
    static let firstNode = at(0x3000)

    static func text(_ address: UInt64, _ value: String, size: UInt64? = nil) -> Object {
        Object(address: address, type: "str", size: size ?? 49 + UInt64(value.utf8.count), value: .text(value, length: value.count))
    }

    static func node(_ index: UInt64, next: UInt64) -> [Object] {
        let node = at(0x3000 + index * 0x40), dict = at(0x3800 + index * 0x80)
        return [
            Object(address: node, type: "__main__.Node", size: 56, refs: [dict]),
            Object(address: dict, type: "dict", size: 104, refs: [at(0x1100), next, at(0x10c0), at(0x3c00 + index * 0x40)]),
            text(at(0x3c00 + index * 0x40), "node-\(index)"),
        ]
    }

    /// The older snapshot.
    static var older: [Object] {
        var objects = [
            Object(address: at(0), type: "module", size: 72, refs: [at(0x40)]),
            Object(address: at(0x40), type: "dict", size: 360,
                   refs: [at(0x1000), cache, at(0x1040), firstNode, at(0x1080), blob, at(0x10c0), at(0x2040)]),
            text(at(0x1000), "cache"), text(at(0x1040), "ring"), text(at(0x1080), "blob"), text(at(0x10c0), "name"),
            text(at(0x1100), "next"),
            Object(address: cache, type: "list", size: 88, refs: [at(0x2040), at(0x2080), at(0x20c0), at(0x2100), at(0x2140)]),
            text(at(0x2040), "same value"), text(at(0x2080), "same value"), text(at(0x20c0), "other\u{1b}[31m"),
            Object(address: at(0x2100), type: "int", size: 28, value: .int(12345)),
            Object(address: at(0x2140), type: "float", size: 24, value: .float(2.5)),
            Object(address: blob, type: "bytes", size: 100_033, value: .bytes([0, 1, 2, 3, 255], length: 100_000)),
            Object(address: frame, type: "frame", size: 400, refs: [cache, firstNode]),
            Object(address: at(0x6000), type: "tuple", size: 40, refs: [at(0x6040)]),
            Object(address: at(0x6040), type: "list", size: 56, refs: [at(0x6000), at(0x6080)]),
            text(at(0x6080), "garbage"),
        ]
        for index: UInt64 in 0..<3 { objects += node(index, next: at(0x3000 + (index + 1) % 3 * 0x40)) }
        return objects
    }

    /// The newer snapshot: three `__main__.Leak`s, each with a bytes buffer, added to the cache; "other" freed.
    static var newer: [Object] {
        var objects = older.filter { $0.address != at(0x20c0) }
        var cacheRefs = [at(0x2040), at(0x2080), at(0x2100), at(0x2140)]
        for index: UInt64 in 0..<3 {
            let leak = at(0x7000 + index * 0x40), buffer = at(0x8000 + index * 0x400)
            objects += [
                Object(address: leak, type: "__main__.Leak", size: 200, refs: [buffer]),
                Object(address: buffer, type: "bytes", size: 1033, value: .bytes(Array(repeating: UInt8(index), count: 8), length: 1000)),
            ]
            cacheRefs.append(leak)
        }
        if let index = objects.firstIndex(where: { $0.address == cache }) { objects[index].refs = cacheRefs }
        return objects
    }

    /// The newest: the first Leak freed, a new str added.
    static var newest: [Object] {
        var objects = newer.filter { $0.address != at(0x7000) && $0.address != at(0x8000) }
        objects.append(text(at(0x2180), "late"))
        if let index = objects.firstIndex(where: { $0.address == cache }) {
            objects[index].refs = objects[index].refs.filter { $0 != at(0x7000) } + [at(0x2180)]
        }
        return objects
    }

    static func metadata(time: Double) -> SnapshotMetadata {
        var metadata = SnapshotMetadata()
        metadata.python = "3.11.7"
        metadata.implementation = "CPython"
        metadata.pid = 4242
        metadata.argv = ["python3", "app.py"]
        metadata.executable = "/usr/bin/python3"
        metadata.time = time
        metadata.rssBytes = 30 << 20
        metadata.gcCounts = [5, 2, 1]
        metadata.gcThresholds = [700, 10, 10]
        metadata.values = true
        metadata.pointerBytes = 8
        metadata.method = "read-only"
        metadata.pauseMilliseconds = 12.5
        return metadata
    }

    /// The graph of `objects`, with the module, the frame and a local as roots.
    static func graph(_ objects: [Object], time: Double) -> HeapGraph {
        var builder = HeapGraphBuilder(metadata: metadata(time: time))
        for object in objects {
            let type = builder.typeID(named: object.type)
            let index = builder.addObject(address: object.address, typeID: type, size: object.size, refcount: 1)
            builder.closeObject(referents: object.refs)
            if let value = object.value { builder.setValue(value, for: index) }
        }
        builder.addLocalNames(address: frame, names: ["items", "head"])
        builder.addRoot(address: at(0), kind: "module", name: "__main__")
        builder.addRoot(address: frame, kind: "frame", name: "main (app.py:12)")
        builder.addRoot(address: cache, kind: "local", name: "main (app.py:12) → local 'items'")
        return builder.finish()
    }

    /// Writes the three snapshots into `folder` as `older.mlh`, `newer.mlh`, `newest.mlh`.
    static func write(into folder: URL) throws {
        try MLHWriter.write(graph(older, time: 1_700_000_000), to: folder.appending(path: "older.mlh").path)
        try MLHWriter.write(graph(newer, time: 1_700_000_060), to: folder.appending(path: "newer.mlh").path)
        try MLHWriter.write(graph(newest, time: 1_700_000_120), to: folder.appending(path: "newest.mlh").path)
    }
}
