import Foundation

/// Recording straight into memory: nothing is encoded and nothing waits, so every read sees every event
/// recorded before it, and the store always has capacity.
extension MemoryRunStore: RunRecorder {
    public var isPersistent: Bool { false }

    /// Nominal: changes are visible at once.
    public var flushInterval: Duration { .milliseconds(50) }

    // MARK: Recording

    public func begin(_ run: StoredRun) {
        state.withLock { state in
            guard state.runs[run.id] == nil else { return }  // run ids are unique; a second begin is a no-op
            state.runs[run.id] = Entry(run: run)
        }
    }

    public func record(runId: String, seq: UInt64, event: RunEvent) {
        state.withLock { state in
            guard state.runs[runId] != nil else { return }
            state.runs[runId]!.recorded.append(.event(seq: seq, event: event))
            for subscriber in state.subscribers[runId] ?? [] { subscriber.receive(seq: seq, event: event) }
        }
    }

    public func recordTokens(runId: String, firstSeq: UInt64, agent: String, stepId: String, texts: [String]) {
        guard !texts.isEmpty else { return }
        state.withLock { state in
            guard state.runs[runId] != nil else { return }
            state.runs[runId]!.recorded.append(.tokens(firstSeq: firstSeq, agent: agent, stepId: stepId, texts: texts))
            for subscriber in state.subscribers[runId] ?? [] {
                subscriber.receiveTokens(firstSeq: firstSeq, agent: agent, stepId: stepId, texts: texts)
            }
        }
    }

    public func finish(_ runId: String, outcome: RunOutcome) {
        let limit = keptFinishedRuns
        let subscribers = state.withLock { state in
            state.finish(runId, outcome, limit: limit)
            return state.subscribers.removeValue(forKey: runId) ?? []
        }
        for subscriber in subscribers { subscriber.runEnded() }
    }

    public var hasCapacity: Bool { true }

    public func waitForCapacity() async {}

    // MARK: Reading

    public func readRun(_ runId: String) async throws(StoreError) -> StoredRun? {
        try run(runId)
    }

    public func readRuns(_ query: RunQuery) async throws(StoreError) -> RunPage {
        try listRuns(query)
    }

    public func readEvents(
        runId: String,
        afterSeq: UInt64,
        subscriber: (any RunEventSubscriber)?
    ) async throws(StoreError) -> [RecordedEvent] {
        // Registered under the lock that records, so the subscriber gets exactly what follows the copy.
        let records = state.withLock { state in
            if let subscriber { state.subscribers[runId, default: []].append(subscriber) }
            return state.runs[runId]?.recorded ?? []
        }
        var events: [RecordedEvent] = []
        for record in records {
            switch record {
            case .tokens(let first, let agent, let stepId, let texts):
                guard first + UInt64(texts.count) > afterSeq + 1 else { continue }
                for (offset, text) in texts.enumerated() where first + UInt64(offset) > afterSeq {
                    events.append(
                        RecordedEvent(
                            seq: first + UInt64(offset),
                            event: .token(agent: agent, stepId: stepId, text: text)
                        )
                    )
                }
            case .event(let seq, let event) where seq > afterSeq:
                events.append(RecordedEvent(seq: seq, event: event))
            case .event:
                continue
            }
        }
        return events
    }

    public func unsubscribe(_ subscriber: any RunEventSubscriber, runId: String) {
        state.withLock { state in
            state.subscribers[runId]?.removeAll { $0 === subscriber }
            if state.subscribers[runId]?.isEmpty == true { state.subscribers[runId] = nil }
        }
    }

    public func removeRun(_ runId: String) async throws(StoreError) -> Bool {
        try deleteRun(runId)
    }

    // MARK: Ownership

    public func cancelStoredRun(_ runId: String) async throws(StoreError) -> StoredRunCancellation {
        guard let run = try run(runId) else { return .unknown }
        guard !run.status.isFinal else { return .notRunning }
        if run.owner.isAlive {
            try requestCancel(runId)
            // Another server of this process may share the store: it is told now rather than polling.
            let handlers = state.withLock { $0.cancelHandlers }
            for handler in handlers { handler([runId]) }
            return .requested
        }
        _ = try markInterrupted { owner in owner != run.owner && owner.isAlive }
        return .interrupted
    }

    public func interruptIfAbandoned(_ run: StoredRun) async throws(StoreError) -> Bool {
        guard !run.owner.isAlive else { return false }
        _ = try markInterrupted { owner in owner != run.owner && owner.isAlive }
        return true
    }

    public func onCancelRequests(_ handler: @escaping @Sendable ([String]) -> Void) {
        state.withLock { $0.cancelHandlers.append(handler) }
    }

    // MARK: Lifecycle

    public func flush() {}

    public func close() {}
}
