import Dispatch
import SystemPackage

/// Reads a large `/proc` file on a second thread while the caller parses the
/// chunks already read: the kernel's cost of generating `smaps` (most of the
/// time) and the parse overlap instead of adding up. Chunks end at line breaks.
final class PipelinedRead: @unchecked Sendable {
    // A ring of `slotCount` buffers. `free` counts buffers the reader may fill,
    // `filled` those the parser may read; the semaphores order every access, so
    // each slot — its bytes and its `SlotState` — is touched by one thread at a
    // time. The states live in memory allocated once (never in a Swift array,
    // whose storage both threads would reach through one shared property).
    private let slotCount = 4
    private let slotBytes: Int
    private let slots: [UnsafeMutableRawBufferPointer]
    private let states: UnsafeMutablePointer<SlotState>
    private let free: DispatchSemaphore
    private let filled = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private var cancelled = false  // set by the parser; read by the reader after `free.wait()`

    init(chunkBytes: Int) {
        slotBytes = max(chunkBytes, 4096)
        slots = (0..<slotCount).map { _ in UnsafeMutableRawBufferPointer.allocate(byteCount: max(chunkBytes, 4096), alignment: 16) }
        states = .allocate(capacity: slotCount)
        states.initialize(repeating: SlotState(), count: slotCount)
        free = DispatchSemaphore(value: slotCount)
    }

    deinit {
        for slot in slots { slot.deallocate() }
        states.deinitialize(count: slotCount)
        states.deallocate()
    }

    /// Starts reading `file` on a second thread and runs `meanwhile` on a
    /// third, while this one hands each chunk to `chunk` in order. (Run on
    /// this thread, `meanwhile` would leave the reader waiting for free slots.)
    func run<E: Error>(
        _ file: ProcFile, meanwhile: () throws(E) -> Void, chunk: (UnsafeBufferPointer<UInt8>) -> Void
    ) throws(PipelineError<E>) {
        let thread = DispatchQueue(label: "memlens.procfs.read")
        thread.async { self.produce(file) }
        defer { done.wait() }
        let (readFailure, sideError) = withoutActuallyEscaping(meanwhile) { body in
            let side = SideTask(body)
            let sideDone = DispatchSemaphore(value: 0)
            DispatchQueue.global(qos: .userInitiated).async { side.run(); sideDone.signal() }
            let readFailure = consume(chunk)
            sideDone.wait()
            return (readFailure, side.error)
        }
        if let readFailure { throw .read(readFailure) }
        if let sideError { throw .meanwhile(sideError) }
    }

    /// Hands the chunks to `chunk` until the last; the read's failure, if any.
    private func consume(_ chunk: (UnsafeBufferPointer<UInt8>) -> Void) -> ProcFile.Failure? {
        var index = 0
        while true {
            filled.wait()
            let state = states[index]
            if let failure = state.failure {
                free.signal()
                cancelAndDrain()
                return failure
            }
            let bytes = UnsafeBufferPointer(start: slots[index].baseAddress?.assumingMemoryBound(to: UInt8.self), count: state.length)
            if !bytes.isEmpty { chunk(bytes) }
            let last = state.finished
            free.signal()
            if last { return nil }
            index = (index + 1) % slotCount
        }
    }

    private func cancelAndDrain() {
        cancelled = true
        free.signal()  // wake a reader waiting for a slot
    }

    private func produce(_ file: ProcFile) {
        defer { done.signal() }
        let fd: FileDescriptor
        do {
            fd = try file.open()
        } catch {
            free.wait()
            states[0] = SlotState(length: 0, finished: true, failure: error)
            filled.signal()
            return
        }
        defer { try? fd.close() }
        var carry: [UInt8] = []
        var index = 0
        while true {
            free.wait()
            if cancelled { return }
            let slot = slots[index]
            var count = carry.count
            carry.withUnsafeBytes { slot.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            var atEnd = false
            // Fill at least half the slot, so chunks stay large.
            while count < slotBytes / 2 {
                let n: Int
                do {
                    n = try fd.read(into: UnsafeMutableRawBufferPointer(rebasing: slot[count...]), retryOnInterrupt: true)
                } catch {
                    states[index] = SlotState(length: 0, finished: true, failure: ProcFile.failure(error))
                    filled.signal()
                    return
                }
                if n == 0 { atEnd = true; break }
                count += n
            }
            var end = count
            if !atEnd {
                while end > 0 && slot[end - 1] != 0x0A { end -= 1 }
                if end == 0 { end = count }  // a line longer than half a slot: pass it split (never in smaps)
            }
            carry = Array(slot[end..<count])
            states[index] = SlotState(length: end, finished: atEnd, failure: nil)
            filled.signal()
            if atEnd { return }
            index = (index + 1) % slotCount
        }
    }
}

/// What the reader left in one slot for the parser.
private struct SlotState {
    /// Bytes of the slot that hold whole lines.
    var length = 0
    /// The file ended with this slot.
    var finished = false
    /// The read failed here (the slot holds nothing).
    var failure: ProcFile.Failure?
}

/// `meanwhile`, run on another thread while the caller waits for it
/// (``PipelinedRead/run(_:meanwhile:chunk:)`` joins it before returning).
private final class SideTask<E: Error>: @unchecked Sendable {
    // Dropped once run: the caller's closure must not outlive its
    // `withoutActuallyEscaping` (the queue may free this task a little later).
    private var body: (() throws(E) -> Void)?
    private(set) var error: E?

    init(_ body: @escaping () throws(E) -> Void) { self.body = body }

    func run() {
        guard let body else { return }
        self.body = nil
        do throws(E) { try body() } catch { self.error = error }
    }
}

/// A failure of ``PipelinedRead/run(_:meanwhile:chunk:)``: the read, or the caller's own work.
enum PipelineError<E: Error>: Error {
    case read(ProcFile.Failure)
    case meanwhile(E)
}
