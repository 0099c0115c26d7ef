import AgentCore
import Foundation
import Synchronization

/// A memory store that misbehaves on demand: its run reads and its session calls wait at gates (a disk
/// that has stopped answering, a write waiting for another's transaction), and its session writes fail (a
/// full disk). Everything else goes to a ``MemoryRunStore``.
final class ScriptedStore: RunStore {
    private let inner = MemoryRunStore()
    /// `run` and `listRuns` wait here while it is closed.
    let reads = ReadGate()
    /// `insertSession`, `appendTurn` and `deleteSession` wait here while it is closed.
    let sessionWrites = ReadGate()
    /// `session` and `listSessions` wait here while it is closed.
    let sessionReads = ReadGate()
    let failSessionWrites: Bool

    init(failSessionWrites: Bool = false) {
        self.failSessionWrites = failSessionWrites
    }

    private func sessionWrite() throws(StoreError) {
        sessionWrites.pass()
        if failSessionWrites { throw StoreError("Run store: cannot write: database or disk is full (SQLite code 13)") }
    }

    func insertRun(_ run: StoredRun) throws(StoreError) { try inner.insertRun(run) }
    func appendEventBatches(_ batches: [EventBatch]) throws(StoreError) { try inner.appendEventBatches(batches) }
    func finishRun(_ runId: String, outcome: RunOutcome) throws(StoreError) {
        try inner.finishRun(runId, outcome: outcome)
    }
    func write(_ changes: RunChanges) throws(StoreError) { try inner.write(changes) }
    func run(_ runId: String) throws(StoreError) -> StoredRun? {
        reads.pass()
        return try inner.run(runId)
    }
    func eventBatches(runId: String, afterSeq: UInt64, limit: Int) throws(StoreError) -> [EventBatch] {
        try inner.eventBatches(runId: runId, afterSeq: afterSeq, limit: limit)
    }
    func listRuns(_ query: RunQuery) throws(StoreError) -> RunPage {
        reads.pass()
        return try inner.listRuns(query)
    }
    func deleteRun(_ runId: String) throws(StoreError) -> Bool { try inner.deleteRun(runId) }
    func pruneRuns(endedBefore date: Date) throws(StoreError) -> Int { try inner.pruneRuns(endedBefore: date) }
    func requestCancel(_ runId: String) throws(StoreError) { try inner.requestCancel(runId) }
    func cancelRequests(owner: RunOwner) throws(StoreError) -> [String] { try inner.cancelRequests(owner: owner) }
    func markInterrupted(isAlive: (RunOwner) -> Bool) throws(StoreError) -> [String] {
        try inner.markInterrupted(isAlive: isAlive)
    }
    func insertSession(_ session: StoredSession) throws(StoreError) {
        try sessionWrite()
        try inner.insertSession(session)
    }
    func session(_ sessionId: String) throws(StoreError) -> StoredSession? {
        sessionReads.pass()
        return try inner.session(sessionId)
    }
    func appendTurn(sessionId: String, turn: Turn) throws(StoreError) {
        try sessionWrite()
        try inner.appendTurn(sessionId: sessionId, turn: turn)
    }
    func deleteSession(_ sessionId: String) throws(StoreError) -> Bool {
        try sessionWrite()
        return try inner.deleteSession(sessionId)
    }
    func listSessions(_ query: SessionQuery) throws(StoreError) -> SessionPage {
        sessionReads.pass()
        return try inner.listSessions(query)
    }
}

/// Lets threads through while open; while closed they wait in ``pass()``, counted in ``waiting``.
final class ReadGate: Sendable {
    private let condition = NSCondition()
    private let state = Mutex((closed: false, waiting: 0))

    func close() { state.withLock { $0.closed = true } }

    func open() {
        state.withLock { $0.closed = false }
        condition.lock()
        condition.broadcast()
        condition.unlock()
    }

    /// Threads waiting at the gate now.
    var waiting: Int { state.withLock { $0.waiting } }

    func pass() {
        guard state.withLock({ $0.closed }) else { return }
        state.withLock { $0.waiting += 1 }
        condition.lock()
        while state.withLock({ $0.closed }) { _ = condition.wait(until: Date().addingTimeInterval(0.05)) }
        condition.unlock()
        state.withLock { $0.waiting -= 1 }
    }
}

/// Polls `condition` every 5 ms until it holds; throws after 10 s.
func waitUntil(_ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(10)
    while !condition() {
        guard ContinuousClock.now < deadline else { throw TestClientError.timeout(received: 0) }
        try await Task.sleep(for: .milliseconds(5))
    }
}
