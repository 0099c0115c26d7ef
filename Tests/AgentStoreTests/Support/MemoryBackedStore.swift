import AgentCore
import Foundation

/// A test store that passes every call to a ``MemoryRunStore``: each test store overrides only the calls it
/// changes (a gate, a failure, a note).
protocol MemoryBackedStore: RunStore {
    var inner: MemoryRunStore { get }
}

extension MemoryBackedStore {
    func insertRun(_ run: StoredRun) throws(StoreError) { try inner.insertRun(run) }
    func appendEventBatches(_ batches: [EventBatch]) throws(StoreError) { try inner.appendEventBatches(batches) }
    func finishRun(_ runId: String, outcome: RunOutcome) throws(StoreError) {
        try inner.finishRun(runId, outcome: outcome)
    }
    func write(_ changes: RunChanges) throws(StoreError) { try inner.write(changes) }
    func run(_ runId: String) throws(StoreError) -> StoredRun? { try inner.run(runId) }
    func eventBatches(runId: String, afterSeq: UInt64, limit: Int) throws(StoreError) -> [EventBatch] {
        try inner.eventBatches(runId: runId, afterSeq: afterSeq, limit: limit)
    }
    func listRuns(_ query: RunQuery) throws(StoreError) -> RunPage { try inner.listRuns(query) }
    func deleteRun(_ runId: String) throws(StoreError) -> Bool { try inner.deleteRun(runId) }
    func pruneRuns(endedBefore date: Date) throws(StoreError) -> Int { try inner.pruneRuns(endedBefore: date) }
    func requestCancel(_ runId: String) throws(StoreError) { try inner.requestCancel(runId) }
    func cancelRequests(owner: RunOwner) throws(StoreError) -> [String] { try inner.cancelRequests(owner: owner) }
    func markInterrupted(isAlive: (RunOwner) -> Bool) throws(StoreError) -> [String] {
        try inner.markInterrupted(isAlive: isAlive)
    }
    func insertSession(_ session: StoredSession) throws(StoreError) { try inner.insertSession(session) }
    func session(_ sessionId: String) throws(StoreError) -> StoredSession? { try inner.session(sessionId) }
    func appendTurn(sessionId: String, turn: Turn) throws(StoreError) {
        try inner.appendTurn(sessionId: sessionId, turn: turn)
    }
    func deleteSession(_ sessionId: String) throws(StoreError) -> Bool { try inner.deleteSession(sessionId) }
    func listSessions(_ query: SessionQuery) throws(StoreError) -> SessionPage { try inner.listSessions(query) }
}
