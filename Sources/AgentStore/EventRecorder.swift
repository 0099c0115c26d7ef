import AgentCore
import Foundation
import Logging
import Metrics
import Synchronization

/// Records runs into a ``RunStore`` (SQLite, or any other) without the token path ever waiting for it.
///
/// Recording keeps a reference to each burst of tokens (no copy, no encoding) and returns. The writer
/// thread, `agentwire-store`, encodes and writes new runs, events and outcomes in one transaction every
/// ``flushInterval``, and sooner when asked: when a read needs what is pending, or when more than
/// ``maxPendingBytes`` waits. Past that bound, runs are slowed down at their checkpoints
/// (``waitForCapacity()``) until the writer has taken the backlog, so memory stays flat and streams go
/// at the disk's pace.
///
/// Reads run on a queue of their own, one at a time in the order they were asked, each after the flush
/// that writes everything recorded before it: this process always reads its own writes, and no reader
/// thread ever waits for the disk.
///
/// It is also the ``RunStore`` it wraps (its calls go straight through), so an ``AgentRuntime`` built
/// on it hands both to the faces.
///
/// - Important: Lock order: a run's lock → ``state`` → a subscriber's lock. The writer's signal is
///   taken alone, never under ``state``, and the store is never called with ``state`` held.
public final class EventRecorder: RunRecorder, Sendable {
    public let store: any RunStore
    let logger: Logger
    public let flushInterval: Duration
    public let isPersistent: Bool
    /// Past this much memory in events waiting to be written, recording runs wait at their checkpoints.
    /// (A single stream at full speed keeps about 100,000 tokens, 2 MB, waiting between two flushes.)
    public let maxPendingBytes: Int
    let state = Mutex(State())
    /// ``State/pendingBytes``, readable without the lock: the pacer asks before every token.
    let backlog = Atomic<Int>(0)
    let signal = WriterSignal()
    /// Reads, one at a time, in the order they were asked.
    let reads = DispatchQueue(label: "agentwire.store.reads", qos: .userInitiated)
    /// Writes that failed, tried again by the writer. Taken alone, by the writer (and tests).
    let failedWrites = Mutex(WriteBacklog())
    /// Past this many bytes of event payloads waiting after failed writes, the oldest are dropped.
    public let maxBacklogBytes: Int
    let storeErrors = StoreErrorCounters()

    public static let defaultFlushInterval: Duration = .milliseconds(50)
    public static let defaultMaxPendingBytes = 8 << 20
    public static let defaultMaxBacklogBytes = 64 << 20
    /// The writer thread's nice value (0 is normal, 19 the lowest): when streaming keeps every core busy
    /// the disk work yields to it, and catches up in the next gap.
    static let writerNice: Int32 = 5

    /// - Parameters:
    ///   - flushInterval: how often pending changes are written when nothing asks sooner.
    ///   - maxPendingBytes: how much may wait before recording runs are slowed down: by default the
    ///     store's ``RunStore/pendingBytesBound``, else ``defaultMaxPendingBytes``.
    public init(
        store: any RunStore,
        logger: Logger,
        flushInterval: Duration = defaultFlushInterval,
        maxPendingBytes: Int? = nil,
        maxBacklogBytes: Int = defaultMaxBacklogBytes
    ) {
        self.maxBacklogBytes = maxBacklogBytes
        self.store = store
        self.logger = logger
        self.flushInterval = flushInterval
        self.maxPendingBytes = maxPendingBytes ?? store.pendingBytesBound ?? Self.defaultMaxPendingBytes
        self.isPersistent = !(store is MemoryRunStore)
        startWriter()
    }

    struct State {
        /// Events not yet handed to the store, per run.
        var pending: [String: PendingEvents] = [:]
        /// Runs that started, not yet written.
        var newRuns: [String: StoredRun] = [:]
        /// Runs that ended, not yet written.
        var outcomes: [String: RunOutcome] = [:]
        var subscribers: [String: [any RunEventSubscriber]] = [:]
        var cancelHandlers: [@Sendable ([String]) -> Void] = []
        /// Memory held by `pending`, as ``EventRecorder/cost(ofTokens:)`` and ``EventRecorder/costOfEvent``
        /// estimate it.
        var pendingBytes = 0
        /// Whether the writer has been woken for the backlog since it last took it.
        var writerWoken = false
        /// Runs waiting at a checkpoint for the writer to take the backlog.
        var capacityWaiters: [CheckedContinuation<Void, Never>] = []
        var pollFailureReported = false
        /// After ``EventRecorder/close()``: nothing more is recorded.
        var closed = false

        /// Adds an item ending at `lastSeq` to `runId`'s pending events (one lookup).
        mutating func add(_ item: PendingEvents.Item, runId: String, firstSeq: UInt64, lastSeq: UInt64, bytes: Int) {
            pendingBytes += bytes
            pending[runId, default: PendingEvents(firstSeq: firstSeq, lastSeq: lastSeq)].add(
                item,
                lastSeq: lastSeq,
                bytes: bytes
            )
        }

        /// Whether the backlog has just passed `bound` (the writer is woken once per backlog).
        mutating func passed(_ bound: Int) -> Bool {
            guard pendingBytes >= bound, !writerWoken else { return false }
            writerWoken = true
            return true
        }
    }

    /// What ``State/pendingBytes`` is made of, without walking any text: a burst's array and its strings
    /// (Swift keeps texts up to 15 bytes inline), or one event with its enum payload.
    static func cost(ofTokens texts: [String]) -> Int {
        texts.reduce(64) { total, text in total + 16 + (text.utf8.count > 15 ? text.utf8.count + 32 : 0) }
    }
    static let costOfEvent = 256

    /// Bytes of events waiting to be written (for tests and diagnostics).
    var pendingBytes: Int { backlog.load(ordering: .relaxed) }

    // MARK: Recording (the token path)

    public func begin(_ run: StoredRun) {
        state.withLock { state in
            guard !state.closed else { return }
            state.newRuns[run.id] = run
        }
    }

    public func record(runId: String, seq: UInt64, event: RunEvent) {
        let wake = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.add(
                .event(seq: seq, event: event),
                runId: runId,
                firstSeq: seq,
                lastSeq: seq,
                bytes: Self.costOfEvent
            )
            backlog.store(state.pendingBytes, ordering: .relaxed)
            for subscriber in state.subscribers[runId] ?? [] { subscriber.receive(seq: seq, event: event) }
            return state.passed(maxPendingBytes)
        }
        if wake { signal.wake() }
    }

    public func recordTokens(runId: String, firstSeq: UInt64, agent: String, stepId: String, texts: [String]) {
        guard !texts.isEmpty else { return }
        let lastSeq = firstSeq + UInt64(texts.count - 1)
        let cost = Self.cost(ofTokens: texts)
        let wake = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.add(
                .tokens(firstSeq: firstSeq, agent: agent, stepId: stepId, texts: texts),
                runId: runId,
                firstSeq: firstSeq,
                lastSeq: lastSeq,
                bytes: cost
            )
            backlog.store(state.pendingBytes, ordering: .relaxed)
            for subscriber in state.subscribers[runId] ?? [] {
                subscriber.receiveTokens(firstSeq: firstSeq, agent: agent, stepId: stepId, texts: texts)
            }
            return state.passed(maxPendingBytes)
        }
        if wake { signal.wake() }
    }

    public func finish(_ runId: String, outcome: RunOutcome) {
        let subscribers = state.withLock { state in
            if !state.closed { state.outcomes[runId] = outcome }
            return state.subscribers.removeValue(forKey: runId) ?? []
        }
        for subscriber in subscribers { subscriber.runEnded() }
    }

    public var hasCapacity: Bool { backlog.load(ordering: .relaxed) < maxPendingBytes }

    public func waitForCapacity() async {
        guard !hasCapacity else { return }
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let waiting = state.withLock { state -> Bool in
                guard state.pendingBytes >= maxPendingBytes, !state.closed else { return false }
                state.capacityWaiters.append(waiter)
                return true
            }
            if waiting { signal.wake() } else { waiter.resume() }
        }
    }

    public func onCancelRequests(_ handler: @escaping @Sendable ([String]) -> Void) {
        state.withLock { $0.cancelHandlers.append(handler) }
        // A store that hears of requests passes them on at once; the writer's polls remain for the others.
        store.watchCancelRequests(owner: .current, handler)
    }
}

/// Events of one run not yet encoded for the store.
struct PendingEvents {
    enum Item {
        case tokens(firstSeq: UInt64, agent: String, stepId: String, texts: [String])
        case event(seq: UInt64, event: RunEvent)
    }

    var firstSeq: UInt64
    var lastSeq: UInt64
    var items: [Item] = []
    /// Their estimated memory.
    var bytes = 0

    mutating func add(_ item: Item, lastSeq: UInt64, bytes: Int) {
        items.append(item)
        self.lastSeq = lastSeq
        self.bytes += bytes
    }

    func batch(runId: String) -> EventBatch {
        // Bursts of one step recorded one after another become one record.
        let records = tokenRecords()
        var payload: [UInt8] = []
        // Token bursts are most of it: sized up front, the payload is written once, never moved.
        payload.reserveCapacity(
            records.reduce(0) { total, record in
                guard case .tokens(_, let agent, let stepId, let range) = record else { return total + 256 }
                return total + EventBatchCodec.tokensSize(agent: agent, stepId: stepId, bursts: bursts(range))
            }
        )
        for record in records {
            switch record {
            case .tokens(let first, let agent, let stepId, let range):
                EventBatchCodec.appendTokens(
                    firstSeq: first,
                    agent: agent,
                    stepId: stepId,
                    bursts: bursts(range),
                    to: &payload
                )
            case .event(let index):
                guard case .event(let seq, let event) = items[index] else { continue }
                EventBatchCodec.appendEvent(seq: seq, event: event, to: &payload)
            }
        }
        return EventBatch(runId: runId, firstSeq: firstSeq, lastSeq: lastSeq, payload: payload)
    }

    /// A record of the payload: the items `range`, token bursts of one step with consecutive `seq`s,
    /// or the event at `index`.
    private enum Record {
        case tokens(firstSeq: UInt64, agent: String, stepId: String, range: Range<Int>)
        case event(index: Int)
    }

    private func tokenRecords() -> [Record] {
        var records: [Record] = []
        var index = 0
        while index < items.count {
            guard case .tokens(let first, let agent, let stepId, let texts) = items[index] else {
                records.append(.event(index: index))
                index += 1
                continue
            }
            var end = index + 1
            var next = first + UInt64(texts.count)
            while end < items.count, case .tokens(let seq, let a, let s, let more) = items[end], seq == next,
                a == agent, s == stepId
            {
                next += UInt64(more.count)
                end += 1
            }
            records.append(.tokens(firstSeq: first, agent: agent, stepId: stepId, range: index..<end))
            index = end
        }
        return records
    }

    private func bursts(_ range: Range<Int>) -> LazyMapCollection<ArraySlice<Item>, [String]> {
        items[range].lazy.map { item in
            guard case .tokens(_, _, _, let texts) = item else { return [] }
            return texts
        }
    }
}

/// `store_errors_total{operation}`: store calls that failed, by what was being done. Each counter is made
/// when it counts (the metrics system is set up after the store is opened; failures are rare).
struct StoreErrorCounters: Sendable {
    struct Operation: Sendable {
        let name: String
        func increment() { Counter(label: "store_errors_total", dimensions: [("operation", name)]).increment() }
    }
    let write = Operation(name: "write")
    let read = Operation(name: "read")
    let poll = Operation(name: "poll")
}
