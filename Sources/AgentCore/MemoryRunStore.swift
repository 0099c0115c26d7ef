import Foundation
import Synchronization

/// A ``RunStore`` that keeps everything in this process's memory, for `--store memory` and tests.
///
/// It behaves exactly like the SQLite store: dates come back exactly as given, batches of unknown runs
/// and turns of unknown sessions are ignored, a batch whose `(runId, firstSeq)` is already there is
/// ignored, and pages continue with the same opaque ``RunCursor``.
///
/// Unlike a file it cannot grow for ever: it keeps the ``keptFinishedRuns`` runs that finished last (with
/// their events); when one more finishes, the one that finished longest ago is forgotten. Running runs and
/// sessions are always kept.
///
/// It is also a ``RunRecorder`` of its own (`MemoryRunStore+Recording.swift`): in memory there is nothing
/// to buffer, so events are kept as they are recorded, by reference, and read back at once. As a
/// ``RunStore`` it is the backend AgentStore's `EventRecorder` writes encoded batches to (in tests); the
/// two are separate views, and one store serves one of them.
public final class MemoryRunStore: RunStore {
    struct Entry {
        var run: StoredRun
        var cancelRequested = false
        /// Sorted by `firstSeq`, no two with the same.
        var batches: [EventBatch] = []
        /// What was recorded through ``RunRecorder``, in `seq` order.
        var recorded: [MemoryRecord] = []
    }

    /// Events recorded through ``RunRecorder``: token bursts stay the arrays the run emitted.
    enum MemoryRecord {
        case tokens(firstSeq: UInt64, agent: String, stepId: String, texts: [String])
        case event(seq: UInt64, event: RunEvent)
    }

    struct State {
        var runs: [String: Entry] = [:]
        var sessions: [String: StoredSession] = [:]
        /// Live ``RunRecorder/readEvents(runId:afterSeq:subscriber:)`` subscribers, by run.
        var subscribers: [String: [any RunEventSubscriber]] = [:]
        /// ``RunRecorder/onCancelRequests(_:)`` handlers.
        var cancelHandlers: [@Sendable ([String]) -> Void] = []
        /// Ids of finished runs, oldest finish first, from `finishedHead` on (a deleted run's id may
        /// linger until its turn comes; it is skipped then).
        var finished: [String] = []
        var finishedHead = 0
        /// Finished runs that are still here.
        var finishedCount = 0

        /// Records that `runId` finished, then forgets the oldest finished runs beyond `limit`.
        mutating func noteFinished(_ runId: String, limit: Int) {
            finished.append(runId)
            finishedCount += 1
            while finishedCount > limit, finishedHead < finished.count {
                let oldest = finished[finishedHead]
                finishedHead += 1
                if runs[oldest]?.run.status.isFinal == true {
                    runs[oldest] = nil
                    finishedCount -= 1
                }
            }
            if finishedHead > 1024 && finishedHead * 2 > finished.count {
                finished.removeFirst(finishedHead)
                finishedHead = 0
            }
        }

        /// Records how `runId` ended (a run that ended already keeps its place among the finished).
        mutating func finish(_ runId: String, _ outcome: RunOutcome, limit: Int) {
            guard let wasFinal = runs[runId]?.run.status.isFinal else { return }
            runs[runId]!.run.apply(outcome)
            if !wasFinal && runs[runId]!.run.status.isFinal { noteFinished(runId, limit: limit) }
        }
    }

    let state: Mutex<State>

    /// How many finished runs are kept, at most.
    public let keptFinishedRuns: Int

    /// Every call takes a lock and nothing else.
    public var answersAtOnce: Bool { true }

    /// The default for ``keptFinishedRuns``.
    public static let defaultKeptFinishedRuns = 1_000

    public init(keptFinishedRuns: Int = MemoryRunStore.defaultKeptFinishedRuns) {
        self.keptFinishedRuns = max(1, keptFinishedRuns)
        self.state = Mutex(State())
    }

    /// A store holding what `other` holds now (runs, their events, sessions), changed apart from it from
    /// then on; `other`'s event subscribers and cancel handlers stay with `other`.
    public init(copying other: MemoryRunStore) {
        self.keptFinishedRuns = other.keptFinishedRuns
        var copied = other.state.withLock { $0 }
        copied.subscribers = [:]
        copied.cancelHandlers = []
        self.state = Mutex(copied)
    }

    // MARK: Runs

    public func insertRun(_ run: StoredRun) throws(StoreError) {
        try state.withLock { state throws(StoreError) in
            guard state.runs[run.id] == nil else { throw StoreError("Run '\(run.id)' already exists") }
            state.runs[run.id] = Entry(run: run)
            if run.status.isFinal { state.noteFinished(run.id, limit: keptFinishedRuns) }
        }
    }

    public func appendEventBatches(_ batches: [EventBatch]) throws(StoreError) {
        state.withLock { state in
            for batch in batches {
                guard let index = Self.insertionIndex(of: batch, in: state.runs[batch.runId]?.batches) else {
                    continue
                }
                state.runs[batch.runId]!.batches.insert(batch, at: index)  // in place
            }
        }
    }

    public func finishRun(_ runId: String, outcome: RunOutcome) throws(StoreError) {
        let limit = keptFinishedRuns
        state.withLock { $0.finish(runId, outcome, limit: limit) }
    }

    public func run(_ runId: String) throws(StoreError) -> StoredRun? {
        state.withLock { $0.runs[runId]?.run }
    }

    public func eventBatches(runId: String, afterSeq: UInt64, limit: Int) throws(StoreError) -> [EventBatch] {
        guard limit > 0 else { return [] }
        return state.withLock { state in
            guard let batches = state.runs[runId]?.batches else { return [] }
            // From the last batch that starts at or before `afterSeq` (it may hold later events too),
            // as the SQLite store seeks.
            let start = max(Self.firstIndex(in: batches) { $0.firstSeq > afterSeq } - 1, 0)
            return Array(batches[start...].lazy.filter { $0.lastSeq > afterSeq }.prefix(limit))
        }
    }

    public func listRuns(_ query: RunQuery) throws(StoreError) -> RunPage {
        let limit = RunCursor.clampedLimit(query.limit)
        let cursor = try query.cursor.map { encoded throws(StoreError) in try RunCursor(encoded: encoded) }
        let matching = state.withLock { state in
            state.runs.values.map(\.run).filter { run in
                if let status = query.status, run.status != status { return false }
                if let agent = query.agent, run.agent != agent { return false }
                if let workflow = query.workflow, run.workflow != workflow { return false }
                if let cursor, !cursor.sortsBefore(RunCursor(of: run)) { return false }
                return true
            }
        }
        let sorted = matching.sorted { RunCursor(of: $0).sortsBefore(RunCursor(of: $1)) }
        let page = Array(sorted.prefix(limit))
        let more = sorted.count > limit
        return RunPage(runs: page, nextCursor: more ? page.last.map { RunCursor(of: $0).encoded } : nil)
    }

    public func deleteRun(_ runId: String) throws(StoreError) -> Bool {
        state.withLock { state in
            guard let removed = state.runs.removeValue(forKey: runId) else { return false }
            if removed.run.status.isFinal { state.finishedCount -= 1 }
            return true
        }
    }

    public func pruneRuns(endedBefore date: Date) throws(StoreError) -> Int {
        state.withLock { state in
            let ids = state.runs.values.compactMap { entry -> String? in
                guard entry.run.status.isFinal, let ended = entry.run.endedAt, ended < date else { return nil }
                return entry.run.id
            }
            for id in ids { state.runs[id] = nil }
            state.finishedCount -= ids.count
            return ids.count
        }
    }

    // MARK: Ownership

    public func requestCancel(_ runId: String) throws(StoreError) {
        state.withLock { state in
            guard state.runs[runId]?.run.status == .running else { return }
            state.runs[runId]!.cancelRequested = true
        }
    }

    public func cancelRequests(owner: RunOwner) throws(StoreError) -> [String] {
        state.withLock { state in
            state.runs.values
                .filter { $0.cancelRequested && $0.run.status == .running && $0.run.owner == owner }
                .map(\.run)
                .sorted(by: Self.oldestFirst)
                .map(\.id)
        }
    }

    public func markInterrupted(isAlive: (RunOwner) -> Bool) throws(StoreError) -> [String] {
        // `isAlive` runs outside the lock: it is the caller's code.
        let owners = state.withLock { state in
            Set(state.runs.values.filter { $0.run.status == .running }.map(\.run.owner))
        }
        let dead = owners.filter { !isAlive($0) }
        guard !dead.isEmpty else { return [] }
        let now = Date()
        return state.withLock { state in
            let runs = state.runs.values.map(\.run)
                .filter { $0.status == .running && dead.contains($0.owner) }
                .sorted(by: Self.oldestFirst)
            for run in runs {
                state.runs[run.id]!.run.status = .interrupted
                state.runs[run.id]!.run.endedAt = now
                state.noteFinished(run.id, limit: keptFinishedRuns)
            }
            return runs.map(\.id)
        }
    }

    // MARK: Sessions

    public func insertSession(_ session: StoredSession) throws(StoreError) {
        try state.withLock { state throws(StoreError) in
            guard state.sessions[session.id] == nil else {
                throw StoreError("Session '\(session.id)' already exists")
            }
            state.sessions[session.id] = session
        }
    }

    public func session(_ sessionId: String) throws(StoreError) -> StoredSession? {
        state.withLock { $0.sessions[sessionId] }
    }

    public func appendTurn(sessionId: String, turn: Turn) throws(StoreError) {
        state.withLock { state in
            guard state.sessions[sessionId] != nil else { return }
            state.sessions[sessionId]!.turns.append(turn)
        }
    }

    public func deleteSession(_ sessionId: String) throws(StoreError) -> Bool {
        state.withLock { $0.sessions.removeValue(forKey: sessionId) != nil }
    }

    public func listSessions(_ query: SessionQuery) throws(StoreError) -> SessionPage {
        let all = state.withLock { state in
            state.sessions.values.map {
                SessionSummary(id: $0.id, agent: $0.agent, createdAt: $0.createdAt, turns: $0.turns.count)
            }
        }
        return try SessionPage.page(of: all, query)
    }

    /// Where `batch` goes in its run's batches; `nil` when the run is unknown (deleted) or a batch with
    /// the same `firstSeq` is there already (a retried write).
    private static func insertionIndex(of batch: EventBatch, in batches: [EventBatch]?) -> Int? {
        guard let batches else { return nil }
        let index = firstIndex(in: batches) { $0.firstSeq >= batch.firstSeq }
        return index < batches.count && batches[index].firstSeq == batch.firstSeq ? nil : index
    }

    static func oldestFirst(_ a: StoredRun, _ b: StoredRun) -> Bool {
        RunCursor(of: b).sortsBefore(RunCursor(of: a))
    }

    /// The index of the first batch that satisfies `isAfter`, which is false then true along `batches`.
    private static func firstIndex(in batches: [EventBatch], where isAfter: (EventBatch) -> Bool) -> Int {
        var low = 0
        var high = batches.count
        while low < high {
            let mid = (low + high) / 2
            if isAfter(batches[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
