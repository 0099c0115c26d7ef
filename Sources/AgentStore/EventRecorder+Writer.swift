import AgentCore
import Foundation

/// The writer thread: every write of recorded runs and events happens here.
extension EventRecorder {
    func startWriter() {
        let signal = self.signal
        let interval = Double(flushInterval / .microseconds(1)) / 1_000_000
        // A thread of its own, a little below normal priority, holding the recorder weakly: released, the
        // recorder stops its writer at the next round.
        let thread = Thread { [weak self] in
            #if os(Linux)
                // On Linux the nice value is per thread, and 0 names the calling one.
                setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, EventRecorder.writerNice)
            #endif
            var round = 0
            while true {
                let (generation, last) = signal.nextRound(interval: interval)
                guard let self else {
                    signal.complete(generation, last: true)
                    return
                }
                self.writePending(asked: generation > signal.completedGeneration || last)
                signal.complete(generation, last: last)
                if last { return }
                round += 1
                if round % 5 == 0 { self.pollCancelRequests() }
            }
        }
        thread.name = "agentwire-store"
        thread.start()
    }

    /// Takes everything pending and writes it in one transaction. Runs waiting for capacity go on as
    /// soon as the backlog is taken, while it is written.
    ///
    /// A write that fails is kept (``WriteBacklog``) and tried again before anything newer, first after
    /// 100 ms, then backing off to 5 s, and at once when a read is waiting for it (`asked`); runs keep
    /// streaming meanwhile. Past ``maxBacklogBytes`` of event payloads the oldest batches are dropped,
    /// so memory stays bounded; runs and outcomes are always kept. Each failure counts in
    /// `store_errors_total{operation="write"}`; the first is logged, then one line a minute while it
    /// lasts, and one when the store is back.
    ///
    /// - Important: Writer thread only: one write at a time keeps a run's batches in `seq` order.
    func writePending(asked: Bool = true) {
        // Under the lock only whole dictionaries change hands (a thousand streaming runs must not wait
        // while the writer walks them); encoding and writing happen outside it.
        let (taken, changes, waiters) = state.withLock { state in
            var changes = RunChanges()
            changes.runs = Array(state.newRuns.values)
            state.newRuns = [:]
            changes.outcomes = state.outcomes.map { (runId: $0.key, outcome: $0.value) }
            state.outcomes = [:]
            let taken = state.pending
            state.pending = [:]
            state.pendingBytes = 0
            backlog.store(0, ordering: .relaxed)
            state.writerWoken = false
            let waiters = state.capacityWaiters
            state.capacityWaiters = []
            return (taken, changes, waiters)
        }
        for waiter in waiters { waiter.resume() }
        var fresh = changes
        fresh.eventBatches = taken.map { $0.value.batch(runId: $0.key) }
        let now = ContinuousClock.now
        let write = failedWrites.withLock { backlog -> RunChanges? in
            backlog.append(fresh, bound: maxBacklogBytes)
            guard !backlog.changes.isEmpty, asked || backlog.retryAt.map({ now >= $0 }) ?? true else { return nil }
            return backlog.changes
        }
        guard let write else { return }
        do {
            try store.write(write)
            let (failures, dropped) = failedWrites.withLock { backlog in backlog.written() }
            if failures > 0 {
                logger.notice(
                    "The run store is back; what waited is written",
                    metadata: ["failedWrites": "\(failures)", "droppedBatches": "\(dropped)"]
                )
            }
        } catch {
            storeErrors.write.increment()
            let (report, dropped) = failedWrites.withLock { backlog in backlog.failed(at: now, error: error) }
            if report {
                logger.error(
                    "The run store failed; runs go on streaming, and what they record waits to be written",
                    metadata: [
                        "error": "\(error)", "waitingBatches": "\(write.eventBatches.count)",
                        "droppedBatches": "\(dropped)",
                    ]
                )
            }
        }
    }

    /// Hands this process's runs that another process asked to cancel to the handlers.
    func pollCancelRequests() {
        let handlers = state.withLock { $0.cancelHandlers }
        guard !handlers.isEmpty else { return }
        do {
            let ids = try store.cancelRequests(owner: .current)
            guard !ids.isEmpty else { return }
            for handler in handlers { handler(ids) }
        } catch {
            storeErrors.poll.increment()
            let first = state.withLock { state in
                defer { state.pollFailureReported = true }
                return !state.pollFailureReported
            }
            if first {
                logger.error(
                    "Cannot read cancellation requests from the run store; runs are cancelled only from here",
                    metadata: ["error": "\(error)"]
                )
            }
        }
    }

    public func flush() {
        signal.waitUntilFlushed(signal.requestFlush())
    }

    public func close() {
        let waiters = state.withLock { state in
            state.closed = true
            defer { state.capacityWaiters = [] }
            return state.capacityWaiters
        }
        for waiter in waiters { waiter.resume() }
        signal.stop()  // the writer writes what is pending, then ends
        do { try store.close() } catch {
            logger.error("The run store did not close cleanly", metadata: ["error": "\(error)"])
        }
    }
}

/// Wakes the writer, and lets threads wait until a flush they asked for is written.
///
/// Flushes are numbered: ``requestFlush()`` returns the number of a flush that will take everything
/// recorded before the call, because the writer reads the number before it takes what is pending.
///
/// - Important: Its lock is taken alone: never under the recorder's ``EventRecorder/state`` for longer
///   than a signal, and nothing is locked under it.
final class WriterSignal: @unchecked Sendable {
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var requested: UInt64 = 0
    private var completed: UInt64 = 0
    private var woken = false
    private var stopping = false
    private var stopped = false

    /// Asks for a flush of everything recorded so far; returns its number.
    func requestFlush() -> UInt64 {
        condition.lock()
        defer { condition.unlock() }
        requested += 1
        woken = true
        condition.broadcast()
        return requested
    }

    /// Asks the writer for a round now (the backlog is past its bound).
    func wake() {
        condition.lock()
        woken = true
        condition.broadcast()
        condition.unlock()
    }

    /// Writer: waits for a wake-up or `interval`; returns the number of flush the coming round completes,
    /// and whether it is the last round.
    func nextRound(interval: TimeInterval) -> (generation: UInt64, last: Bool) {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date(timeIntervalSinceNow: interval)
        while !woken && !stopping {
            if !condition.wait(until: deadline) { break }
        }
        woken = false
        return (requested, stopping)
    }

    /// The last flush written.
    var completedGeneration: UInt64 {
        condition.lock()
        defer { condition.unlock() }
        return completed
    }

    /// Writer: the round that read `generation` is written.
    func complete(_ generation: UInt64, last: Bool) {
        condition.lock()
        completed = max(completed, generation)
        if last { stopped = true }
        condition.broadcast()
        condition.unlock()
    }

    /// Blocks until flush `generation` is written, or the writer has ended.
    func waitUntilFlushed(_ generation: UInt64) {
        condition.lock()
        defer { condition.unlock() }
        while completed < generation && !stopped { condition.wait() }
    }

    /// Asks the writer for a last round and blocks until it has ended.
    func stop() {
        condition.lock()
        defer { condition.unlock() }
        stopping = true
        condition.broadcast()
        while !stopped { condition.wait() }
    }
}

/// Writes that failed, waiting to be tried again (writer thread; see ``EventRecorder/writePending(asked:)``).
struct WriteBacklog {
    /// Everything not yet written, oldest first.
    var changes = RunChanges()
    /// Payload bytes of `changes.eventBatches`.
    var bytes = 0
    /// Failures in a row.
    var failures = 0
    /// Batches dropped since the store last failed, to stay within the bound.
    var dropped = 0
    var retryAt: ContinuousClock.Instant?
    var lastReport: ContinuousClock.Instant?
    /// Why the last write failed, while writes fail.
    var lastError: StoreError?

    /// Adds newer changes behind the ones waiting; drops the oldest batches past `bound` bytes.
    mutating func append(_ newer: RunChanges, bound: Int) {
        guard !newer.isEmpty else { return }
        if changes.isEmpty {
            changes = newer
            bytes = newer.eventBatches.reduce(0) { $0 + $1.payload.count }
        } else {
            changes.runs += newer.runs
            changes.eventBatches += newer.eventBatches
            changes.outcomes += newer.outcomes
            bytes += newer.eventBatches.reduce(0) { $0 + $1.payload.count }
        }
        var drop = 0
        while bytes > bound, drop < changes.eventBatches.count {
            bytes -= changes.eventBatches[drop].payload.count
            drop += 1
        }
        if drop > 0 {
            changes.eventBatches.removeFirst(drop)
            dropped += drop
        }
    }

    /// The write went through: returns the failures before it and the batches dropped meanwhile.
    mutating func written() -> (failures: Int, dropped: Int) {
        defer { self = WriteBacklog() }
        return (failures, dropped)
    }

    /// The write failed at `now`: when to try again, and whether to log it (the first failure, then once
    /// a minute).
    mutating func failed(at now: ContinuousClock.Instant, error: StoreError) -> (report: Bool, dropped: Int) {
        failures += 1
        lastError = error
        let backoff = Duration.milliseconds(100) * (1 << min(failures - 1, 6))
        retryAt = now + min(backoff, .seconds(5))
        let report = lastReport.map { now - $0 >= .seconds(60) } ?? true
        if report { lastReport = now }
        return (report, dropped)
    }
}
