import Foundation

/// What the service keeps of its runs, and how it reads them back: the one face of persistence a
/// protocol face talks to. ``MemoryRunStore`` is one (it needs no buffering); AgentStore's
/// `EventRecorder` records into any other ``RunStore`` (SQLite) through a writer thread of its own.
///
/// Recording sits on the token path and never waits for the disk; reading never runs on the caller's
/// thread and sees every event, run and outcome recorded before it was called (read-your-writes), while
/// other processes on the same store see them within ``flushInterval``.
///
/// - Important: `begin`, `record`, `recordTokens` and `finish` are called from any thread, the first
///   three under the run's lock (``RunContext``): they only hand their values over, never write, block
///   or wait. A run that records faster than the store writes is slowed down at its checkpoints
///   (``hasCapacity``, ``waitForCapacity()``), outside its lock.
public protocol RunRecorder: Sendable {
    /// Whether runs outlive the process (`false` for memory).
    var isPersistent: Bool { get }
    /// At most how long a recorded change waits before other processes can read it.
    var flushInterval: Duration { get }

    // MARK: Recording

    /// A run started; its row is written with the next flush.
    func begin(_ run: StoredRun)
    func record(runId: String, seq: UInt64, event: RunEvent)
    /// A burst of tokens with consecutive `seq`s from `firstSeq`, kept by reference (not copied).
    func recordTokens(runId: String, firstSeq: UInt64, agent: String, stepId: String, texts: [String])
    /// A run ended, after its last event: the outcome is written with the next flush, and its
    /// subscribers are ended.
    func finish(_ runId: String, outcome: RunOutcome)
    /// Whether recording more now would not have to wait for the writer.
    var hasCapacity: Bool { get }
    /// Suspends while more is waiting to be written than the recorder keeps in memory.
    func waitForCapacity() async

    // MARK: Reading

    // The names differ from ``RunStore``'s (`run`, `listRuns`, …) on purpose: a type may be both, and an
    // async overload of a synchronous method would capture every call made in an async context.

    func readRun(_ runId: String) async throws(StoreError) -> StoredRun?
    /// Runs newest first, filtered; see ``RunStore/listRuns(_:)``.
    func readRuns(_ query: RunQuery) async throws(StoreError) -> RunPage
    /// Every event of `runId` after `afterSeq`, in `seq` order. With a `subscriber`, every event recorded
    /// from this call on is also passed to it (until the run ends or ``unsubscribe(_:runId:)``): the two
    /// overlap rather than leave a gap, so a subscriber drops what it has seen by `seq`.
    func readEvents(
        runId: String,
        afterSeq: UInt64,
        subscriber: (any RunEventSubscriber)?
    ) async throws(StoreError) -> [RecordedEvent]
    func unsubscribe(_ subscriber: any RunEventSubscriber, runId: String)
    /// Removes a run and its events; `false` when there was none.
    func removeRun(_ runId: String) async throws(StoreError) -> Bool

    // MARK: Ownership

    /// Cancels a run this process does not run: its owner is asked to (it polls, see
    /// ``onCancelRequests(_:)``) when it is alive, otherwise the run is marked interrupted.
    func cancelStoredRun(_ runId: String) async throws(StoreError) -> StoredRunCancellation
    /// Marks `run` (and every other run of a process that is gone) interrupted when its owner is gone;
    /// returns whether its owner was gone.
    func interruptIfAbandoned(_ run: StoredRun) async throws(StoreError) -> Bool
    /// `handler` gets the ids of runs of this process that another process asked to cancel.
    func onCancelRequests(_ handler: @escaping @Sendable ([String]) -> Void)
    /// Watches another process's writes of `runId`, when the store hears of them (see
    /// ``RunStore/watchWrites(runId:)``); `nil` when a follow has to poll every ``flushInterval``.
    func watchWrites(runId: String) -> RunWriteWatch?

    // MARK: Lifecycle

    /// Writes everything recorded so far, and returns once it is written (or has failed, which is
    /// logged).
    ///
    /// - Important: Blocks the calling thread. For shutdown paths and tests only: never on the token
    ///   path, a cooperative thread or a reader thread that still serves requests.
    func flush()
    /// Flushes, stops the writer and releases the store; later reads fail and later events are dropped.
    /// Blocks the calling thread like ``flush()``.
    func close()
}

/// One event of a run as a recorder gives it back.
public struct RecordedEvent: Sendable, Equatable {
    public var seq: UInt64
    public var event: RunEvent

    public init(seq: UInt64, event: RunEvent) {
        self.seq = seq
        self.event = event
    }
}

/// Receives a run's events as they are recorded (a `run/events {follow: true}` request).
///
/// - Important: `receive` and `receiveTokens` are called on the token path, under the run's lock and
///   in `seq` order: they must not block. `runEnded` is called at most once, after the last event.
public protocol RunEventSubscriber: AnyObject, Sendable {
    func receive(seq: UInt64, event: RunEvent)
    func receiveTokens(firstSeq: UInt64, agent: String, stepId: String, texts: [String])
    func runEnded()
}

/// What ``RunRecorder/cancelStoredRun(_:)`` did.
public enum StoredRunCancellation: Sendable, Equatable {
    /// The store has no such run.
    case unknown
    /// The run has ended already.
    case notRunning
    /// Its owner is alive and will cancel it within a few polls.
    case requested
    /// Its owner is gone: the run is now `interrupted`.
    case interrupted
}

extension RunOwner {
    /// Whether this owner's process still runs (a reused pid of an earlier instance does not count).
    public var isAlive: Bool {
        if pid == RunOwner.current.pid { return instance == RunOwner.current.instance }
        return kill(pid, 0) == 0 || errno == EPERM
    }
}

extension AgentRuntime {
    /// The runtime's store as a ``RunRecorder``, when it is one: a ``MemoryRunStore``, or a store wrapped
    /// in AgentStore's `EventRecorder`.
    public var recorder: (any RunRecorder)? { store as? any RunRecorder }
}
