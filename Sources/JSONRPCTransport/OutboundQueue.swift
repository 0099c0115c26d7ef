import Foundation
import JSONCore
import JSONRPC

/// The one way out: every reply and notification is framed into one FIFO and written in order.
///
/// Producers append encoded frames under a lock and return at once. The writer thread takes everything
/// queued and writes it in `write(2)` calls of up to 64 KiB, so frames queued while a write is under way
/// share the next one. When the queue is empty a new frame is written straight away: no timer, no
/// batching delay. Partial writes and EINTR are retried; a failed write (EPIPE: the client closed its
/// end) marks the queue broken, drops what is queued and tells the owner once.
///
/// A queue made with ``init(inMemory:framing:maxQueuedBytes:)`` has no descriptor and no writer thread:
/// each frame is framed exactly as above and taken off the queue as it is queued, kept in memory or
/// dropped. That is how a connection is driven in memory (the fuzzer) without a thread per connection.
///
/// - Important: Because there is exactly one FIFO, a run's notifications, queued before its response,
///   are on the wire before it.
public final class OutboundQueue: @unchecked Sendable {
    /// Largest single `write(2)`.
    public static let maxWriteBytes = 64 * 1024

    private let fd: Int32
    private let condition = NSCondition()
    private var pending: [UInt8] = []
    private var inFlightBytes = 0
    private var scratch: [UInt8] = []
    private var framingValue: Framing
    private var closed = false
    /// Someone is writing: the writer thread with a batch, or a caller writing inline.
    private var writing = false
    private var broken = false
    private var finished = false
    private var capacityWaiters: [CheckedContinuation<Void, Never>] = []
    private var onBroken: (@Sendable () -> Void)?
    private var writer: Thread?
    /// No descriptor, no writer thread: frames leave the queue as they are queued.
    private let inMemory: Bool
    /// What an in-memory queue has written, when it keeps it; `nil` drops every frame.
    private var written: [UInt8]?

    /// Above this many queued bytes, ``waitForCapacity()`` suspends producers that honour backpressure.
    public let maxQueuedBytes: Int

    /// - Parameters:
    ///   - fd: the descriptor frames are written to (the real stdout, duplicated before fd 1 was redirected).
    ///   - framing: the framing replies use until the client's own is detected.
    ///   - maxQueuedBytes: backpressure threshold for streaming producers.
    public init(fd: Int32, framing: Framing = .newlineDelimited, maxQueuedBytes: Int = 8 * 1024 * 1024) {
        self.fd = fd
        self.framingValue = framing
        self.maxQueuedBytes = maxQueuedBytes
        self.inMemory = false
        let thread = Thread { [unowned self] in self.writeLoop() }
        thread.name = "agentwire-writer"
        thread.stackSize = 1 << 20
        writer = thread
        thread.start()
    }

    /// A queue that writes to memory: every frame is framed and encoded as for a descriptor, then kept
    /// (``takeWritten()``) or, when `keeping` is false, dropped. No thread is started, nothing blocks,
    /// and producers always have capacity, so a whole connection can run on its caller's thread.
    public init(inMemory keeping: Bool, framing: Framing = .newlineDelimited, maxQueuedBytes: Int = 8 * 1024 * 1024) {
        self.fd = -1
        self.framingValue = framing
        self.maxQueuedBytes = maxQueuedBytes
        self.inMemory = true
        self.written = keeping ? [] : nil
    }

    /// The bytes an in-memory queue kept since the last call (empty when it drops them).
    public func takeWritten() -> [UInt8] {
        condition.withLock {
            defer { if written != nil { written = [] } }
            return written ?? []
        }
    }

    /// The framing frames are written in; set once the client's first byte is seen.
    public var framing: Framing {
        get { condition.withLock { framingValue } }
        set { condition.withLock { framingValue = newValue } }
    }

    /// Bytes queued or being written.
    public var queuedBytes: Int { condition.withLock { pending.count + inFlightBytes } }

    /// Whether writing has failed (the client went away).
    public var isBroken: Bool { condition.withLock { broken } }

    /// Called once, from the writer thread, when a write fails.
    public func setBrokenHandler(_ handler: @escaping @Sendable () -> Void) {
        condition.withLock { onBroken = handler }
    }

    /// Queues one message, serialized by jansson, or with `handWritten` by the byte-identical
    /// ``JSONValue/writeCompact(into:)`` (for replies that carry a whole run's output).
    public func send(_ message: JSONValue, handWritten: Bool = false) {
        if handWritten {
            enqueue { message.writeCompact(into: &$0) }
            return
        }
        let body = message.encoded()
        enqueue { $0.append(contentsOf: body) }
    }

    /// Queues one message whose JSON body `write` appends in place (the hand-encoded hot notifications).
    public func enqueue(_ write: (inout [UInt8]) -> Void) {
        condition.lock()
        guard !broken, !finished else {
            condition.unlock()
            return
        }
        let wasEmpty = pending.isEmpty
        framingValue.appendFrame(to: &pending, scratch: &scratch, write)
        handOver(wasEmpty: wasEmpty)
    }

    /// Queues `count` messages under one lock: `write(i, &buffer)` appends the body of the i-th. For
    /// bursts of tokens, whose frames then share one wake-up of the writer.
    ///
    /// With `wakingWriter: false` the writer is not woken here: the caller queues more very soon and
    /// calls ``wakeWriter()`` after (a pass of paced streams). Returns whether the writer needs that call,
    /// which is true only for frames that found the queue empty.
    @discardableResult
    public func enqueue(count: Int, wakingWriter: Bool = true, _ write: (Int, inout [UInt8]) -> Void) -> Bool {
        condition.lock()
        guard !broken, !finished, count > 0 else {
            condition.unlock()
            return false
        }
        let wasEmpty = pending.isEmpty
        for index in 0..<count {
            framingValue.appendFrame(to: &pending, scratch: &scratch) { write(index, &$0) }
        }
        guard wakingWriter || inMemory else {
            condition.unlock()
            return wasEmpty
        }
        handOver(wasEmpty: wasEmpty)
        return false
    }

    /// Wakes the writer for frames queued with `wakingWriter: false`.
    public func wakeWriter() {
        condition.lock()
        if !pending.isEmpty { condition.signal() }
        condition.unlock()
    }

    /// After frames were queued (the lock held; released here): wakes the writer thread when the queue
    /// was empty (otherwise it is awake already, or will find these frames with the ones before them).
    /// An in-memory queue has no writer: it takes the frames off the queue here, in the same order.
    ///
    /// Frames are not written on the producer's thread here: producers often hold their run's lock, and
    /// a thousand branches of a workflow would then wait on each other's `write(2)`s.
    private func handOver(wasEmpty: Bool) {
        if inMemory {
            written?.append(contentsOf: pending)
            pending.removeAll(keepingCapacity: true)
        } else if wasEmpty {
            condition.signal()
        }
        condition.unlock()
    }

    /// Queues one message, writing it on the calling thread when nothing is queued or being written
    /// (the common case for a quick reply): this saves the hand-off to the writer thread. Otherwise it
    /// is queued like any other frame, so FIFO order holds either way.
    ///
    /// - Important: Call it only from a dedicated thread (the reader), never from the shared executor:
    ///   the write may block while the client is not reading.
    public func sendInline(_ message: JSONValue) {
        let body = message.encoded()
        condition.lock()
        guard !broken, !finished else {
            condition.unlock()
            return
        }
        var frame: [UInt8] = []
        framingValue.appendFrame(body: body, to: &frame)
        // Inline only when the write cannot block: nothing ahead of it, and room for the whole frame
        // (a pipe that polls writable has a page free; up to PIPE_BUF bytes are then written at once).
        // Otherwise the reader would stop reading while a client that pipelines requests is not yet
        // reading replies, and both would wait for ever.
        guard !inMemory, pending.isEmpty, !writing, frame.count <= Int(PIPE_BUF), Self.isWritableNow(fd) else {
            let wasEmpty = pending.isEmpty
            pending.append(contentsOf: frame)
            handOver(wasEmpty: wasEmpty)
            return
        }
        writing = true
        condition.unlock()
        let ok = writeAll(frame)
        condition.lock()
        let handler = finishWriteLocked(ok: ok)
        condition.broadcast()
        condition.unlock()
        handler?()
    }

    /// Whether a write to `fd` would not block now.
    private static func isWritableNow(_ fd: Int32) -> Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        return poll(&descriptor, 1, 0) == 1 && descriptor.revents & Int16(POLLOUT) != 0
    }

    /// Whether ``waitForCapacity()`` would return at once.
    public var hasCapacity: Bool {
        condition.withLock { pending.count + inFlightBytes < maxQueuedBytes || broken || finished }
    }

    /// Suspends while more than ``maxQueuedBytes`` wait to be written, so a client that reads slowly
    /// slows its runs down instead of growing memory.
    public func waitForCapacity() async {
        if condition.withLock({ pending.count + inFlightBytes < maxQueuedBytes || broken || finished }) { return }
        await withCheckedContinuation { continuation in
            condition.lock()
            if pending.count + inFlightBytes < maxQueuedBytes || broken || finished {
                condition.unlock()
                continuation.resume()
            } else {
                capacityWaiters.append(continuation)
                condition.unlock()
            }
        }
    }

    /// Writes everything queued, then stops the writer. Later sends are dropped. Safe to call twice.
    public func flushAndClose() {
        condition.lock()
        if inMemory { finished = true }  // nothing is ever left queued: there is no writer to wait for
        closed = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }

    private func writeLoop() {
        var batch: [UInt8] = []
        condition.lock()
        while true {
            while (pending.isEmpty || writing) && !(closed && pending.isEmpty && !writing) { condition.wait() }
            if pending.isEmpty { break }
            swap(&batch, &pending)
            inFlightBytes = batch.count
            writing = true
            let skip = broken
            condition.unlock()

            let ok = skip || writeAll(batch)
            if batch.capacity > 4 << 20 { batch = [] } else { batch.removeAll(keepingCapacity: true) }

            condition.lock()
            inFlightBytes = 0
            let handler = finishWriteLocked(ok: ok)
            let waiters = takeWaitersIfBelowCapacity()
            condition.broadcast()
            condition.unlock()
            for waiter in waiters { waiter.resume() }
            handler?()
            condition.lock()
        }
        finished = true
        let waiters = capacityWaiters
        capacityWaiters = []
        condition.broadcast()
        condition.unlock()
        for waiter in waiters { waiter.resume() }
    }

    /// Ends a write; on the first failure marks the queue broken, drops what is queued and returns the
    /// handler to call once the lock is released.
    /// - Important: Must be called with the lock held.
    private func finishWriteLocked(ok: Bool) -> (@Sendable () -> Void)? {
        writing = false
        guard !ok, !broken else { return nil }
        broken = true
        pending.removeAll()
        return onBroken
    }

    /// - Important: Must be called with the lock held.
    private func takeWaitersIfBelowCapacity() -> [CheckedContinuation<Void, Never>] {
        guard !capacityWaiters.isEmpty, pending.count + inFlightBytes < maxQueuedBytes || broken else { return [] }
        defer { capacityWaiters = [] }
        return capacityWaiters
    }

    /// Writes all of `bytes` in chunks of at most 64 KiB; `false` when the descriptor fails. After each
    /// chunk the in-flight count drops, so producers held by backpressure resume while a large batch is
    /// still being written.
    private func writeAll(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let length = min(Self.maxWriteBytes, raw.count - offset)
                let n = write(fd, raw.baseAddress! + offset, length)
                if n < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    return false
                }
                offset += n
                if raw.count > Self.maxWriteBytes { progress(remaining: raw.count - offset) }
            }
            return true
        }
    }

    private func progress(remaining: Int) {
        condition.lock()
        inFlightBytes = remaining
        let waiters = takeWaitersIfBelowCapacity()
        condition.unlock()
        for waiter in waiters { waiter.resume() }
    }
}
