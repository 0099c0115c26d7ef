import AgentCore
import Foundation

/// The wrapped store, as a ``RunStore``: every call goes straight to it, on the caller's thread, and
/// sees none of what is still pending (runs, sessions and ownership go through here).
extension EventRecorder: RunStore {
    public func insertRun(_ run: StoredRun) throws(StoreError) { try store.insertRun(run) }

    public func appendEventBatches(_ batches: [EventBatch]) throws(StoreError) {
        try store.appendEventBatches(batches)
    }

    public func finishRun(_ runId: String, outcome: RunOutcome) throws(StoreError) {
        try store.finishRun(runId, outcome: outcome)
    }

    public func write(_ changes: RunChanges) throws(StoreError) { try store.write(changes) }

    public func run(_ runId: String) throws(StoreError) -> StoredRun? { try store.run(runId) }

    public func eventBatches(runId: String, afterSeq: UInt64, limit: Int) throws(StoreError) -> [EventBatch] {
        try store.eventBatches(runId: runId, afterSeq: afterSeq, limit: limit)
    }

    public func listRuns(_ query: RunQuery) throws(StoreError) -> RunPage { try store.listRuns(query) }

    public func deleteRun(_ runId: String) throws(StoreError) -> Bool { try store.deleteRun(runId) }

    public func pruneRuns(endedBefore date: Date) throws(StoreError) -> Int {
        try store.pruneRuns(endedBefore: date)
    }

    public func requestCancel(_ runId: String) throws(StoreError) { try store.requestCancel(runId) }

    public func cancelRequests(owner: RunOwner) throws(StoreError) -> [String] {
        try store.cancelRequests(owner: owner)
    }

    public func markInterrupted(isAlive: (RunOwner) -> Bool) throws(StoreError) -> [String] {
        try store.markInterrupted(isAlive: isAlive)
    }

    public func ownerIsAlive(_ owner: RunOwner) throws(StoreError) -> Bool { try store.ownerIsAlive(owner) }

    public func watchCancelRequests(owner: RunOwner, _ handler: @escaping @Sendable ([String]) -> Void) {
        store.watchCancelRequests(owner: owner, handler)
    }

    public func watchWrites(runId: String) -> RunWriteWatch? { store.watchWrites(runId: runId) }

    public func insertSession(_ session: StoredSession) throws(StoreError) { try store.insertSession(session) }

    public func session(_ sessionId: String) throws(StoreError) -> StoredSession? { try store.session(sessionId) }

    public func appendTurn(sessionId: String, turn: Turn) throws(StoreError) {
        try store.appendTurn(sessionId: sessionId, turn: turn)
    }

    public func deleteSession(_ sessionId: String) throws(StoreError) -> Bool { try store.deleteSession(sessionId) }

    public func listSessions(_ query: SessionQuery) throws(StoreError) -> SessionPage {
        try store.listSessions(query)
    }
}
