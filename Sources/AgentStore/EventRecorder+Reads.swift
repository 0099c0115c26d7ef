import AgentCore
import Foundation

/// Reading runs back, and settling runs of other processes.
extension EventRecorder {
    /// Runs `body` on the read queue, after everything recorded before this call is written. When that
    /// write fails, so does the read, at once: the store has just failed, and what it would answer would
    /// miss what this process recorded.
    func read<T: Sendable>(
        _ body: @escaping @Sendable (any RunStore) throws(StoreError) -> T
    ) async throws(StoreError) -> T {
        let generation = signal.requestFlush()
        let (store, signal) = (self.store, self.signal)
        let result = await withCheckedContinuation { (done: CheckedContinuation<Result<T, StoreError>, Never>) in
            reads.async { [self] in
                signal.waitUntilFlushed(generation)
                if let failure = failedWrites.withLock({ $0.failures > 0 ? $0.lastError : nil }) {
                    let message = "the run store failed to write what this process recorded, which waits to be written"
                    done.resume(returning: .failure(StoreError("\(message): \(failure.message)")))
                    return
                }
                done.resume(returning: Result { () throws(StoreError) -> T in try body(store) })
            }
        }
        if case .failure = result { storeErrors.read.increment() }
        return try result.get()
    }

    public func readRun(_ runId: String) async throws(StoreError) -> StoredRun? {
        try await read { store throws(StoreError) in try store.run(runId) }
    }

    public func readRuns(_ query: RunQuery) async throws(StoreError) -> RunPage {
        try await read { store throws(StoreError) in try store.listRuns(query) }
    }

    public func readEvents(
        runId: String,
        afterSeq: UInt64,
        subscriber: (any RunEventSubscriber)?
    ) async throws(StoreError) -> [RecordedEvent] {
        // Registered before the flush is asked for: whatever the flush leaves out reaches the subscriber.
        if let subscriber {
            state.withLock { state in
                guard !state.closed else { return }
                state.subscribers[runId, default: []].append(subscriber)
            }
        }
        return try await read { store throws(StoreError) in
            var events: [RecordedEvent] = []
            var cursor = afterSeq
            while true {
                let batches = try store.eventBatches(runId: runId, afterSeq: cursor, limit: 256)
                guard let last = batches.last, last.lastSeq > cursor else { break }
                for batch in batches {
                    events += EventBatchCodec.decode(batch.payload).lazy.filter { $0.seq > afterSeq }
                }
                cursor = last.lastSeq
            }
            return events
        }
    }

    public func unsubscribe(_ subscriber: any RunEventSubscriber, runId: String) {
        state.withLock { state in
            state.subscribers[runId]?.removeAll { $0 === subscriber }
            if state.subscribers[runId]?.isEmpty == true { state.subscribers[runId] = nil }
        }
    }

    public func removeRun(_ runId: String) async throws(StoreError) -> Bool {
        try await read { store throws(StoreError) in try store.deleteRun(runId) }
    }

    public func cancelStoredRun(_ runId: String) async throws(StoreError) -> StoredRunCancellation {
        try await read { store throws(StoreError) in
            guard let run = try store.run(runId) else { return .unknown }
            guard !run.status.isFinal else { return .notRunning }
            if try store.ownerIsAlive(run.owner) {
                try store.requestCancel(runId)
                return .requested
            }
            _ = try store.interruptAbandonedRuns(gone: run.owner)
            return .interrupted
        }
    }

    public func interruptIfAbandoned(_ run: StoredRun) async throws(StoreError) -> Bool {
        try await read { store throws(StoreError) in
            guard try !store.ownerIsAlive(run.owner) else { return false }
            _ = try store.interruptAbandonedRuns(gone: run.owner)
            return true
        }
    }
}
