import Foundation
import JSONCore

/// Where runs, their events and sessions are kept, so they outlive the process. The SQLite store (target
/// `AgentStore`) is the default; ``MemoryRunStore`` keeps nothing on disk. Another database can replace
/// either by implementing this protocol.
///
/// - Important: Implementations must be safe to call from any thread, and several processes may share
///   one store (an editor spawns one service per window): writes from one must never corrupt or block
///   the other for long.
public protocol RunStore: Sendable {
    /// Records a run that has just started (status `running`).
    func insertRun(_ run: StoredRun) throws(StoreError)
    /// Appends batches of events. A batch is one run's consecutive events (`firstSeq...lastSeq`) in an
    /// opaque payload (``EventBatchCodec``): one row per batch, not per token, is what lets a store keep
    /// up with millions of tokens per second. Appending a batch whose (runId, firstSeq) exists already
    /// does nothing, so a retried write is harmless.
    func appendEventBatches(_ batches: [EventBatch]) throws(StoreError)
    /// Records how a run ended: its final status, output, error, usage and end time.
    func finishRun(_ runId: String, outcome: RunOutcome) throws(StoreError)
    /// Writes new runs, then event batches, then outcomes, in one transaction where the store has them.
    /// This is how the service writes: in the background, every few tens of milliseconds. A write that
    /// failed is tried again as it was, so it must be harmless twice: a new run that is there already
    /// is left as it is (its batches and outcome are still written).
    func write(_ changes: RunChanges) throws(StoreError)

    func run(_ runId: String) throws(StoreError) -> StoredRun?
    /// Batches of `runId` that hold an event with `seq > afterSeq` (that is, `lastSeq > afterSeq`), in
    /// `firstSeq` order, at most `limit` batches.
    func eventBatches(runId: String, afterSeq: UInt64, limit: Int) throws(StoreError) -> [EventBatch]
    /// Runs newest first, filtered; `cursor` continues a previous page.
    func listRuns(_ query: RunQuery) throws(StoreError) -> RunPage
    /// Removes a run and its events; `false` when there was none.
    func deleteRun(_ runId: String) throws(StoreError) -> Bool
    /// Removes runs that ended before `date`; returns how many.
    func pruneRuns(endedBefore date: Date) throws(StoreError) -> Int

    /// Asks the process that owns a running run to cancel it (it polls ``cancelRequests(owner:)``).
    func requestCancel(_ runId: String) throws(StoreError)
    /// Ids of this owner's running runs whose cancellation another process requested.
    func cancelRequests(owner: RunOwner) throws(StoreError) -> [String]
    /// Marks `running` runs whose owner process is gone as `interrupted`; returns their ids. Each run is
    /// returned by one call only, however many processes call at once. `isAlive` decides, per owner,
    /// whether it still runs (see ``interruptAbandonedRuns(gone:)``).
    func markInterrupted(isAlive: (RunOwner) -> Bool) throws(StoreError) -> [String]
    /// Whether `owner` still runs its runs, as this store can tell: the default asks the system about
    /// its pid (every process on one machine); a store shared by machines decides by the owner's lease.
    func ownerIsAlive(_ owner: RunOwner) throws(StoreError) -> Bool
    /// Calls `handler` with the ids of `owner`'s runs that another process asked to cancel, as soon as the
    /// store hears of it (PostgreSQL's `LISTEN`). The default does nothing: the recorder also polls
    /// ``cancelRequests(owner:)``, which every store answers.
    func watchCancelRequests(owner: RunOwner, _ handler: @escaping @Sendable ([String]) -> Void)
    /// Starts watching what any process writes of `runId` (events, outcome), for a follow of a run this
    /// process does not run; `nil` (the default) when the store hears of no writes and the follow polls.
    func watchWrites(runId: String) -> RunWriteWatch?
    /// Releases the store (connections, files); later calls fail.
    func close() throws(StoreError)
    /// How many bytes of recorded events may wait to be written before recording runs are slowed down,
    /// when the store has a bound of its own to ask for (a store across a network, whose every write is a
    /// round trip); `nil` (the default) leaves it to the recorder.
    var pendingBytesBound: Int? { get }
    /// Whether every call answers at once, with no I/O and nothing to wait for (a store in memory); the
    /// sessions then call it where they are called instead of on their queue. `false` by default.
    var answersAtOnce: Bool { get }

    func insertSession(_ session: StoredSession) throws(StoreError)
    func session(_ sessionId: String) throws(StoreError) -> StoredSession?
    func appendTurn(sessionId: String, turn: Turn) throws(StoreError)
    /// Removes a session and its turns; `false` when there was none.
    func deleteSession(_ sessionId: String) throws(StoreError) -> Bool
    /// Sessions newest first (by creation time, then id), with their turn counts; `cursor` continues a
    /// previous page (a ``RunCursor`` of the last session's creation time and id).
    func listSessions(_ query: SessionQuery) throws(StoreError) -> SessionPage
}

extension RunStore {
    public func ownerIsAlive(_ owner: RunOwner) throws(StoreError) -> Bool { owner.isAlive }

    public func watchCancelRequests(owner: RunOwner, _ handler: @escaping @Sendable ([String]) -> Void) {}

    public func watchWrites(runId: String) -> RunWriteWatch? { nil }

    public func close() throws(StoreError) {}

    public var pendingBytesBound: Int? { nil }

    public var answersAtOnce: Bool { false }

    /// Marks the runs of owners that are gone (``ownerIsAlive(_:)``) interrupted; `gone` counts as gone
    /// without asking. An owner the store cannot tell about counts as alive: nothing is interrupted by
    /// mistake.
    public func interruptAbandonedRuns(gone: RunOwner? = nil) throws(StoreError) -> [String] {
        try markInterrupted { owner in
            guard owner != gone else { return false }
            return (try? ownerIsAlive(owner)) ?? true
        }
    }

    /// One call after another; a store with transactions should do it in one.
    public func write(_ changes: RunChanges) throws(StoreError) {
        for run in changes.runs { try insertRun(run) }
        try appendEventBatches(changes.eventBatches)
        for (runId, outcome) in changes.outcomes { try finishRun(runId, outcome: outcome) }
    }
}

/// What the service has to write since its last write: see ``RunStore/write(_:)``.
public struct RunChanges: Sendable, Equatable {
    /// Runs that started (status `running`).
    public var runs: [StoredRun] = []
    public var eventBatches: [EventBatch] = []
    /// Runs that ended, by id (a run may start and end in the same changes).
    public var outcomes: [(runId: String, outcome: RunOutcome)] = []

    public init(runs: [StoredRun] = [], eventBatches: [EventBatch] = [], outcomes: [(String, RunOutcome)] = []) {
        self.runs = runs
        self.eventBatches = eventBatches
        self.outcomes = outcomes.map { (runId: $0.0, outcome: $0.1) }
    }

    public var isEmpty: Bool { runs.isEmpty && eventBatches.isEmpty && outcomes.isEmpty }

    public static func == (a: RunChanges, b: RunChanges) -> Bool {
        a.runs == b.runs && a.eventBatches == b.eventBatches
            && a.outcomes.elementsEqual(b.outcomes) { $0.runId == $1.runId && $0.outcome == $1.outcome }
    }
}

/// The process that runs a run: its pid and a per-start instance id (pids are reused).
public struct RunOwner: Sendable, Hashable {
    public var pid: Int32
    public var instance: String

    public init(pid: Int32, instance: String) {
        self.pid = pid
        self.instance = instance
    }

    /// This process.
    public static let current = RunOwner(
        pid: ProcessInfo.processInfo.processIdentifier,
        instance: UUID().uuidString.lowercased()
    )
}

public enum RunStatus: String, Sendable, CaseIterable {
    case running, completed, failed, cancelled, interrupted

    public var isFinal: Bool { self != .running }
}

/// A run as kept: what was asked, who runs it, and how it ended.
public struct StoredRun: Sendable, Equatable {
    public var id: String
    /// `agent`, `workflow` (named or ad hoc coordinator) or `session`.
    public var kind: String
    /// The agent, or the workflow's name (the strategy for ad hoc coordinator runs).
    public var name: String
    /// The agent for agent and session runs; `nil` for workflows.
    public var agent: String?
    /// The workflow name for workflow runs; `nil` otherwise.
    public var workflow: String?
    public var strategy: String?
    public var sessionId: String?
    public var input: String
    public var status: RunStatus
    public var output: String?
    /// The error's code and message, when it failed.
    public var errorCode: Int?
    public var errorMessage: String?
    public var outputTokens: Int
    /// What the run's model calls used and cost, once it ended (`nil` for runs kept by older versions).
    public var usage: Usage?
    /// The run this one resumes (`run/resume`).
    public var resumedFrom: String?
    /// A workflow run's workflow as it ran (``WorkflowDefinition/specJSON``), so it can be resumed as it
    /// was and a changed definition noticed; `nil` for agent runs and runs kept by older versions.
    public var definition: JSONValue?
    public var startedAt: Date
    public var endedAt: Date?
    public var owner: RunOwner

    public init(
        id: String,
        kind: String,
        name: String,
        agent: String? = nil,
        workflow: String? = nil,
        strategy: String? = nil,
        sessionId: String? = nil,
        input: String,
        status: RunStatus = .running,
        output: String? = nil,
        errorCode: Int? = nil,
        errorMessage: String? = nil,
        outputTokens: Int = 0,
        usage: Usage? = nil,
        resumedFrom: String? = nil,
        definition: JSONValue? = nil,
        startedAt: Date = Date(),
        endedAt: Date? = nil,
        owner: RunOwner = .current
    ) {
        self.usage = usage
        self.resumedFrom = resumedFrom
        self.definition = definition
        self.id = id
        self.kind = kind
        self.name = name
        self.agent = agent
        self.workflow = workflow
        self.strategy = strategy
        self.sessionId = sessionId
        self.input = input
        self.status = status
        self.output = output
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.outputTokens = outputTokens
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.owner = owner
    }
}

extension StoredRun {
    /// The run as it ended.
    public mutating func apply(_ outcome: RunOutcome) {
        status = outcome.status
        output = outcome.output
        errorCode = outcome.errorCode
        errorMessage = outcome.errorMessage
        outputTokens = outcome.outputTokens
        usage = outcome.usage
        endedAt = outcome.endedAt
    }
}

/// How a run ended, as ``RunStore/finishRun(_:outcome:)`` records it.
public struct RunOutcome: Sendable, Equatable {
    public var status: RunStatus
    public var output: String
    public var errorCode: Int?
    public var errorMessage: String?
    public var outputTokens: Int
    /// What the run's model calls used and cost.
    public var usage: Usage?
    public var endedAt: Date

    public init(
        status: RunStatus,
        output: String,
        errorCode: Int? = nil,
        errorMessage: String? = nil,
        outputTokens: Int,
        usage: Usage? = nil,
        endedAt: Date = Date()
    ) {
        self.usage = usage
        self.status = status
        self.output = output
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.outputTokens = outputTokens
        self.endedAt = endedAt
    }
}

/// Consecutive events of one run, encoded together (see ``EventBatchCodec`` in the service).
public struct EventBatch: Sendable, Equatable {
    public var runId: String
    public var firstSeq: UInt64
    public var lastSeq: UInt64
    /// Opaque to the store: kept and returned byte for byte.
    public var payload: [UInt8]

    public init(runId: String, firstSeq: UInt64, lastSeq: UInt64, payload: [UInt8]) {
        self.runId = runId
        self.firstSeq = firstSeq
        self.lastSeq = lastSeq
        self.payload = payload
    }
}

/// A page request for ``RunStore/listRuns(_:)``.
public struct RunQuery: Sendable, Equatable {
    public var status: RunStatus?
    public var agent: String?
    public var workflow: String?
    public var limit: Int
    /// Opaque: the `nextCursor` of the previous page.
    public var cursor: String?

    public init(
        status: RunStatus? = nil,
        agent: String? = nil,
        workflow: String? = nil,
        limit: Int = 50,
        cursor: String? = nil
    ) {
        self.status = status
        self.agent = agent
        self.workflow = workflow
        self.limit = limit
        self.cursor = cursor
    }
}

public struct RunPage: Sendable, Equatable {
    public var runs: [StoredRun]
    /// Present when more runs follow.
    public var nextCursor: String?

    public init(runs: [StoredRun], nextCursor: String?) {
        self.runs = runs
        self.nextCursor = nextCursor
    }
}

public struct StoredSession: Sendable, Equatable {
    public var id: String
    public var agent: String
    public var createdAt: Date
    public var turns: [Turn]

    public init(id: String, agent: String, createdAt: Date = Date(), turns: [Turn] = []) {
        self.id = id
        self.agent = agent
        self.createdAt = createdAt
        self.turns = turns
    }
}

/// A store that cannot do what was asked (disk full, read-only, corrupt, locked too long).
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
