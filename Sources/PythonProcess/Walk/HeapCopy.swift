import Foundation
public import ProcFS
import ProcessModels
import SafeFiles
import SystemPackage

/// A local copy of the writable memory of a process (anonymous mappings,
/// `[heap]`, the `.data`/`.bss` of every image), taken with one large
/// `process_vm_readv` per mapping (per run of resident pages, for anonymous
/// memory) while the process is stopped, so the heap can be walked after it resumes. Reads outside the copy fall through to the
/// live process (read-only text such as `tp_name` strings, which never change).
///
/// Not thread-safe: one walker at a time (it caches the last region hit).
public final class HeapCopy: MemorySource {
    /// Copied bytes per region, sorted by address.
    // Read per word by the walks: exempt from dynamic exclusivity checks (one walker at a time).
    @exclusivity(unchecked) private var starts: [UInt64] = []
    @exclusivity(unchecked) private var ends: [UInt64] = []
    @exclusivity(unchecked) private var buffers: [UnsafeMutableRawBufferPointer] = []
    @exclusivity(unchecked) private var last = 0
    /// Per region, the index of its first word among all copied words (regions in address order).
    @exclusivity(unchecked) private var wordBases: [Int] = []
    /// Where addresses outside the copy are read from (nil: they fail).
    private let fallback: (any MemorySource)?
    /// Bytes copied.
    public private(set) var byteCount: UInt64 = 0
    /// The memory the regions' buffers are carved from (unmapped when the copy goes).
    private var allocations: [UnsafeMutableRawBufferPointer] = []

    /// Copies the mappings of `mappings` worth copying from `memory`.
    /// Regions that vanish mid-copy are dropped; a process gone throws `.exited`.
    /// Anonymous memory is read only where `/proc/PID/pagemap` says a page is
    /// resident or swapped, each such run a region of the copy: the rest was
    /// never touched (it reads as zeros and holds no object), so a thread's
    /// 8 MiB stack or a large reservation costs neither pause nor memory.
    public init(memory: ProcessMemory, mappings: MappingTable) throws(ProcessAccessError) {
        fallback = memory
        let pages = try? PageMap(pid: memory.pid)
        for mapping in mappings.mappings where Self.worthCopying(mapping, path: mappings.path(of: mapping)) {
            // File-backed pages not faulted in yet hold the file's bytes, not zeros: read whole.
            let whole = [mapping.start..<mapping.end]
            let anonymous = Self.isAnonymous(mappings.path(of: mapping))
            let runs = anonymous ? pages?.residentRuns(from: mapping.start, to: mapping.end) ?? whole : whole
            guard !runs.isEmpty else { continue }
            // One allocation per mapping, its runs back to back.
            let allocation = try Self.allocateZeroed(runs.reduce(0) { $0 + Int($1.upperBound - $1.lowerBound) }, pid: memory.pid)
            allocations.append(allocation)
            var offset = 0
            for run in runs {
                let buffer = UnsafeMutableRawBufferPointer(rebasing: allocation[offset..<offset + Int(run.upperBound - run.lowerBound)])
                offset += buffer.count
                let (count, stop) = memory.readAvailable(at: run.lowerBound, into: buffer)
                if count > 0 { append(run.lowerBound, buffer, count: count) }
                guard let stop else { continue }
                if stop == .noSuchProcess { throw .exited(pid: memory.pid) }
                if count == 0, stop == .notPermitted { throw memory.error(for: stop, at: run.lowerBound) }
                break  // the mapping shrank or vanished: keep what was read
            }
        }
    }

    /// A copy made of given regions (tests).
    public init(regions: [(start: UInt64, bytes: [UInt8])], fallback: (any MemorySource)? = nil) {
        self.fallback = fallback
        for region in regions.sorted(by: { $0.start < $1.start }) where !region.bytes.isEmpty {
            let buffer = try! Self.allocateZeroed(region.bytes.count, pid: 0)
            region.bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
            allocations.append(buffer)
            append(region.start, buffer)
        }
    }

    /// The memory of a core file, read from it segment by segment; addresses
    /// it does not hold are read from `fallback` (the files the process mapped).
    public init(core: CoreFile, fallback: (any MemorySource)?) throws(ProcessAccessError) {
        self.fallback = fallback
        let fd: FileDescriptor
        do { fd = try RegularFile.open(core.path).descriptor } catch {
            throw .coreFile(path: core.path, detail: HintedText(error.reason))
        }
        defer { try? fd.close() }
        for segment in core.segments {
            let buffer = try Self.allocateZeroed(Int(segment.size), pid: 0)
            allocations.append(buffer)
            var done = 0
            while done < buffer.count {
                let n = try? fd.read(fromAbsoluteOffset: Int64(segment.fileOffset) + Int64(done),
                                     into: UnsafeMutableRawBufferPointer(rebasing: buffer[done...]), retryOnInterrupt: true)
                guard let n, n > 0 else {
                    throw .coreFile(path: core.path, detail: "truncated: cannot read at offset \(segment.fileOffset + UInt64(done))")
                }
                done += n
            }
            append(segment.address, buffer)
        }
    }

    /// Adds a region whose first `count` bytes hold memory (regions come in address order).
    private func append(_ start: UInt64, _ buffer: UnsafeMutableRawBufferPointer, count: Int? = nil) {
        let count = count ?? buffer.count
        // A region's words follow the previous region's, plus one spare index.
        let previousWords = starts.isEmpty ? 0 : Int((ends[ends.count - 1] - starts[starts.count - 1]) >> 3) + 1
        wordBases.append((wordBases.last ?? 0) + previousWords)
        starts.append(start)
        ends.append(start + UInt64(count))
        buffers.append(buffer)
        byteCount += UInt64(count)
    }

    deinit { for allocation in allocations { munmap(allocation.baseAddress, max(allocation.count, 1)) } }

    /// Zero-filled memory of its own mapping (pages never written cost nothing), for process `pid`'s copy.
    private static func allocateZeroed(_ count: Int, pid: Int32) throws(ProcessAccessError) -> UnsafeMutableRawBufferPointer {
        let address = mmap(nil, max(count, 1), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let address, address != MAP_FAILED else {
            throw .copyNotAllocated(pid: pid, bytes: UInt64(count), errno: Errno(rawValue: errno))
        }
        return UnsafeMutableRawBufferPointer(start: address, count: count)
    }

    /// Anonymous memory (the heap, stacks, `[anon:…]`, mappings with no file): untouched pages are zeros.
    static func isAnonymous(_ path: String) -> Bool {
        path.isEmpty || path == "[heap]" || path == "[stack]" || path.hasPrefix("[anon")
    }

    /// Private writable mappings other than kernel pages. The main thread's
    /// `[stack]` is copied too: 3.11–3.12 keep `tstate->cframe` on the C stack.
    static func worthCopying(_ mapping: Mapping, path: String) -> Bool {
        guard mapping.permissions.readable, mapping.permissions.writable, !mapping.permissions.shared else { return false }
        return !path.hasPrefix("[") || isAnonymous(path)
    }

    /// The index of the region holding `address`, or nil.
    @inline(__always)
    private func region(_ address: UInt64) -> Int? {
        if last < starts.count, address >= starts[last], address < ends[last] { return last }
        var low = 0, high = starts.count  // the last region starting at or below `address`
        while low < high {
            let mid = (low + high) / 2
            if starts[mid] <= address { low = mid + 1 } else { high = mid }
        }
        guard low > 0, address < ends[low - 1] else { return nil }
        last = low - 1
        return last
    }

    /// The little-endian word at `address`, or nil when it is not in the copy.
    @inline(__always)
    public func word(at address: UInt64) -> UInt64? {
        guard let i = region(address), ends[i] - address >= 8 else { return nil }  // no overflow: address < ends[i]
        return UInt64(littleEndian: buffers[i].loadUnaligned(fromByteOffset: Int(address - starts[i]), as: UInt64.self))
    }

    /// The address ranges copied, sorted.
    public var regions: [Range<UInt64>] { zip(starts, ends).map { $0..<$1 } }

    /// Calls `body` with the copied bytes `address ..< address + count`, no copy
    /// made; nil when they are not all in one copied region.
    public func withBytes<R>(at address: UInt64, count: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R? {
        guard count >= 0, let i = region(address), UInt64(count) <= ends[i] - address else { return nil }  // a region may end at 2^64
        let offset = Int(address - starts[i])
        return body(UnsafeRawBufferPointer(rebasing: buffers[i][offset..<offset + count]))
    }

    /// Index of the 8-byte word at `address` among all copied words (regions in
    /// address order), nil outside the copy: a dense key for per-address bits.
    @inline(__always)
    func wordIndex(_ address: UInt64) -> Int? {
        guard let i = region(address) else { return nil }
        return wordBases[i] &+ Int((address &- starts[i]) >> 3)
    }

    /// The address of the word at index `i` (``wordIndex(_:)`` reversed), nil if no word has it.
    func address(ofWordIndex i: Int) -> UInt64? {
        if !(last < wordBases.count && wordBases[last] <= i && (last + 1 == wordBases.count || i < wordBases[last + 1])) {
            var low = 0, high = wordBases.count  // the last region whose first index is at most i
            while low < high {
                let mid = (low + high) / 2
                if wordBases[mid] <= i { low = mid + 1 } else { high = mid }
            }
            guard low > 0 else { return nil }
            last = low - 1
        }
        let offset = i - wordBases[last]
        guard offset < Int((ends[last] - starts[last]) >> 3) else { return nil }
        return starts[last] + UInt64(offset) * 8
    }

    /// Copied 8-byte words in all.
    var wordCount: Int { Int(byteCount >> 3) &+ starts.count }

    /// Tests: overwrites `count` words at random places of the copy with random
    /// values, to fuzz the walks over it.
    package func corrupt<G: RandomNumberGenerator>(words count: Int, using generator: inout G) {
        guard byteCount >= 8 else { return }
        for _ in 0..<count {
            var offset = UInt64.random(in: 0..<byteCount / 8, using: &generator) * 8
            for i in buffers.indices {
                if offset + 8 <= UInt64(buffers[i].count) {
                    buffers[i].storeBytes(of: generator.next(), toByteOffset: Int(offset), as: UInt64.self)
                    break
                }
                offset -= min(offset, UInt64(buffers[i].count))
            }
        }
    }

    /// Tests: overwrites the word at `address` (if copied) with `value`.
    package func overwrite(_ value: UInt64, at address: UInt64) {
        guard let i = region(address), address + 8 <= ends[i] else { return }
        buffers[i].storeBytes(of: value, toByteOffset: Int(address - starts[i]), as: UInt64.self)
    }

    /// Whether `address ..< address + count` is all in the copy.
    public func contains(_ address: UInt64, count: Int = 1) -> Bool {
        guard let i = region(address) else { return false }
        return count >= 0 && ends[i] - address >= UInt64(count)
    }

    public func read(at address: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(ProcessAccessError) {
        if let i = region(address), ends[i] - address >= UInt64(buffer.count) {
            let offset = Int(address - starts[i])
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffers[i][offset..<offset + buffer.count]))
            return
        }
        guard let fallback else { throw .unreadable(pid: 0, address: address, errno: .badAddress) }
        try fallback.read(at: address, into: buffer)
    }
}
