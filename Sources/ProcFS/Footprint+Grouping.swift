/// What a mapping holds, for `footprint --by kind`.
public enum MemoryKind: String, CaseIterable, Sendable, Codable {
    /// Anonymous private read-write memory: obmalloc arenas and large malloc blocks.
    case pythonHeap = "python_heap"
    /// The `brk` heap (`[heap]`): small malloc blocks.
    case brkHeap = "heap"
    /// `[stack]` and thread stacks (an anonymous `rw-p` mapping right above a small `---p` guard).
    case threadStacks = "thread_stacks"
    /// Executable mappings of shared libraries and the program.
    case libraryCode = "library_code"
    /// Non-executable mappings of shared libraries and the program (data, relro, rodata).
    case libraryData = "library_data"
    /// Other mapped files.
    case fileMappings = "file_mappings"
    /// Shared mappings, `/dev/shm`, SysV segments and memfds.
    case sharedMemory = "shared_memory"
    /// Anything else: non-writable anonymous memory, `[vdso]`, `[vvar]`.
    case otherAnonymous = "other_anonymous"

    /// A short human name.
    public var title: String {
        switch self {
        case .pythonHeap: return "python heap (anonymous rw)"
        case .brkHeap: return "[heap] (brk)"
        case .threadStacks: return "thread stacks"
        case .libraryCode: return "shared libraries: code"
        case .libraryData: return "shared libraries: data"
        case .fileMappings: return "other file mappings"
        case .sharedMemory: return "shared memory"
        case .otherAnonymous: return "other anonymous"
        }
    }
}

/// Memory of one mapped file (`--by library`).
public struct LibraryUsage: Sendable {
    public var path: String
    public var usage: MemoryCounters
    public var mappingCount: Int
}

/// One row of the mem_usage table: mapped or anonymous memory with one set of permissions.
public struct PermissionUsage: Sendable {
    /// File-backed (`true`) or anonymous.
    public var mapped: Bool
    public var permissions: Permissions
    public var usage: MemoryCounters
}

extension MappingTable {
    /// The kind of every mapping, in order.
    public func kinds() -> [MemoryKind] {
        var executablePaths = Set<Int32>()
        for m in mappings where m.permissions.executable && m.pathIndex >= 0 { executablePaths.insert(m.pathIndex) }
        var result: [MemoryKind] = []
        result.reserveCapacity(mappings.count)
        for (index, m) in mappings.enumerated() {
            let path = self.path(of: m)
            let fileBacked = path.hasPrefix("/")
            if m.permissions.shared || path.hasPrefix("/dev/shm/") || path.hasPrefix("/SYSV") || path.hasPrefix("/memfd:") {
                result.append(.sharedMemory)
            } else if fileBacked {
                let library = executablePaths.contains(m.pathIndex) || path.contains(".so")
                result.append(library ? (m.permissions.executable ? .libraryCode : .libraryData) : .fileMappings)
            } else if path == "[heap]" {
                result.append(.brkHeap)
            } else if path.hasPrefix("[stack") {
                result.append(.threadStacks)
            } else if path.isEmpty || path.hasPrefix("[anon") {
                if isThreadStack(index) || isGuardOfThreadStack(index) {
                    result.append(.threadStacks)
                } else if m.permissions.readable && m.permissions.writable {
                    result.append(.pythonHeap)
                } else {
                    result.append(.otherAnonymous)
                }
            } else {
                result.append(.otherAnonymous)
            }
        }
        return result
    }

    private static let guardMaxBytes: UInt64 = 64 << 10

    private func isGuard(_ m: Mapping) -> Bool {
        m.pathIndex < 0 && !m.permissions.readable && !m.permissions.writable && !m.permissions.executable
            && m.sizeBytes <= Self.guardMaxBytes
    }

    /// glibc maps a thread stack as a `---p` guard page with the `rw-p` stack just above it.
    private func isThreadStack(_ index: Int) -> Bool {
        guard index > 0 else { return false }
        let m = mappings[index], below = mappings[index - 1]
        return m.pathIndex < 0 && m.permissions.writable && below.end == m.start && isGuard(below)
            && m.sizeBytes > Self.guardMaxBytes
    }

    private func isGuardOfThreadStack(_ index: Int) -> Bool {
        index + 1 < mappings.count && isGuard(mappings[index]) && isThreadStack(index + 1)
    }

    /// Σ counters per kind.
    public func byKind() -> [MemoryKind: MemoryCounters] {
        var result: [MemoryKind: MemoryCounters] = [:]
        for (m, kind) in zip(mappings, kinds()) { result[kind, default: MemoryCounters()].add(m.usage) }
        return result
    }

    /// Σ counters per kind present, largest PSS first (then by kind name).
    public func byKindLargestFirst() -> [(kind: MemoryKind, usage: MemoryCounters)] {
        byKind().map { (kind: $0.key, usage: $0.value) }.sorted {
            $0.usage.pssBytes != $1.usage.pssBytes ? $0.usage.pssBytes > $1.usage.pssBytes : $0.kind.rawValue < $1.kind.rawValue
        }
    }

    /// Indices of ``mappings``, most private memory first, then most RSS, then lowest address.
    public func mappingsByPrivateMemory() -> [Int] {
        mappings.indices.sorted {
            let a = mappings[$0], b = mappings[$1]
            let (pa, pb) = (a.usage.ussBytes, b.usage.ussBytes)
            return pa != pb ? pa > pb : a.usage.rssBytes != b.usage.rssBytes ? a.usage.rssBytes > b.usage.rssBytes : a.start < b.start
        }
    }

    /// Mapped files, most private memory (clean + dirty) first, then most PSS.
    public func byLibrary() -> [LibraryUsage] {
        var groups: [Int32: LibraryUsage] = [:]
        for m in mappings where m.pathIndex >= 0 {
            let path = paths[Int(m.pathIndex)]
            guard path.hasPrefix("/") else { continue }
            groups[m.pathIndex, default: LibraryUsage(path: path, usage: MemoryCounters(), mappingCount: 0)].usage.add(m.usage)
            groups[m.pathIndex]?.mappingCount += 1
        }
        return groups.values.sorted {
            if $0.usage.ussBytes != $1.usage.ussBytes { return $0.usage.ussBytes > $1.usage.ussBytes }
            if $0.usage.pssBytes != $1.usage.pssBytes { return $0.usage.pssBytes > $1.usage.pssBytes }
            return $0.path < $1.path
        }
    }

    /// The mem_usage table: mapped then anonymous, rows by permissions (sorted).
    public func byPermissions() -> [PermissionUsage] {
        var groups: [String: PermissionUsage] = [:]
        for m in mappings {
            let mapped = path(of: m).hasPrefix("/")
            let key = (mapped ? "m" : "a") + m.permissions.text
            groups[key, default: PermissionUsage(mapped: mapped, permissions: m.permissions, usage: MemoryCounters())].usage.add(m.usage)
        }
        return groups.values.sorted {
            if $0.mapped != $1.mapped { return $0.mapped }
            return Self.permissionOrder($0.permissions) < Self.permissionOrder($1.permissions)
        }
    }

    /// Code, data, read-only data, then the rest (the seed's order).
    static func permissionOrder(_ p: Permissions) -> String {
        switch p.text {
        case "r-xp": return "0"
        case "rw-p": return "1"
        case "r--p": return "2"
        case "---p": return "3"
        default: return "4" + p.text
        }
    }
}
