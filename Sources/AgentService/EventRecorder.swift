import AgentCore
import Foundation
import JSONCore
import Logging
import Synchronization

/// Keeps every run and every event of it: on the token path only a reference to each burst is kept (no
/// copy, no encoding); a background task encodes and writes new runs, events and outcomes together, in one
/// transaction at most every 50 ms, so neither a run's start nor its reply waits for the disk. Events are
/// served back by ``events(runId:afterSeq:)`` and to live followers with no gap and no duplicate; runs by
/// ``run(_:)`` and ``listRuns(_:)``, which write what is pending first, so this process always reads its
/// own writes (other processes see them at most one flush later).
final class EventRecorder: Sendable {
    let store: any RunStore
    private let logger: Logger
    private let state = Mutex(State())
    /// One flush at a time, so a run's batches reach the store in `seq` order.
    private let flushing = NSLock()
    /// How often pending events are written.
    static let flushInterval: Duration = .milliseconds(50)

    /// Events of one run not yet encoded for the store.
    private struct PendingEvents {
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
            var payload: [UInt8] = []
            // Token bursts are most of it: sized up front, the payload is written once, never moved.
            payload.reserveCapacity(
                items.reduce(0) { total, item in
                    guard case .tokens(_, let agent, let stepId, let texts) = item else { return total + 256 }
                    return total + EventBatchCodec.tokensSize(agent: agent, stepId: stepId, texts: texts)
                }
            )
            for item in items {
                switch item {
                case .tokens(let first, let agent, let stepId, let texts):
                    EventBatchCodec.appendTokens(
                        firstSeq: first,
                        agent: agent,
                        stepId: stepId,
                        texts: texts,
                        to: &payload
                    )
                case .event(let seq, let event):
                    EventBatchCodec.appendEvent(runId: runId, seq: seq, event: event, to: &payload)
                }
            }
            return EventBatch(runId: runId, firstSeq: firstSeq, lastSeq: lastSeq, payload: payload)
        }
    }

    private struct State {
        /// Events not yet handed to the store, per run.
        var pending: [String: PendingEvents] = [:]
        /// Events being written right now (still served from memory until the write returns); one flush
        /// runs at a time, so this is what that flush took, handed over whole rather than run by run.
        var inflight: [String: PendingEvents] = [:]
        var followers: [String: [Follower]] = [:]
        /// Runs that started, not yet written.
        var newRuns: [String: StoredRun] = [:]
        /// Runs that ended, not yet written.
        var outcomes: [String: RunOutcome] = [:]
        var failureReported = false
        /// Memory held by `pending`, of every run, as ``EventRecorder/cost(ofTokens:)`` and
        /// ``EventRecorder/costOfEvent`` estimate it.
        var pendingBytes = 0

        /// Adds an item ending at `lastSeq` to `runId`'s pending events (one lookup); returns the backlog.
        mutating func add(
            _ item: PendingEvents.Item,
            runId: String,
            firstSeq: UInt64,
            lastSeq: UInt64,
            bytes: Int
        ) -> Int {
            pendingBytes += bytes
            pending[runId, default: PendingEvents(firstSeq: firstSeq, lastSeq: lastSeq)].add(
                item,
                lastSeq: lastSeq,
                bytes: bytes
            )
            return pendingBytes
        }
    }

    /// Past this much memory in events waiting to be written, the recording run writes them itself before
    /// it goes on. Normally the flushing thread keeps the backlog far below it; when every core is busy
    /// streaming (the flusher runs a little below normal priority and may get no turn for seconds) this
    /// keeps memory flat and slows the streams down to what the disk takes, instead of letting the backlog
    /// grow for as long as the load lasts. (A single stream at full speed keeps about 100,000 tokens,
    /// 2 MB, waiting between two flushes.)
    static let maxPendingBytes = 8 << 20

    /// What ``State/pendingBytes`` is made of, without walking any text: a burst's array and its strings
    /// (Swift keeps texts up to 15 bytes inline), or one event with its enum payload.
    static func cost(ofTokens texts: [String]) -> Int {
        texts.reduce(64) { total, text in total + 16 + (text.utf8.count > 15 ? text.utf8.count + 32 : 0) }
    }
    static let costOfEvent = 256

    /// Bytes of events waiting to be written (for tests and diagnostics).
    var pendingBytes: Int { state.withLock { $0.pendingBytes } }

    init(store: any RunStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    // MARK: Recording (the token path)

    /// A run started; it is written with the next flush.
    func begin(_ run: StoredRun) {
        state.withLock { $0.newRuns[run.id] = run }
    }

    /// A run ended, after its last event: the outcome is written with the next flush, and the run's
    /// followers are told.
    func finish(_ runId: String, outcome: RunOutcome) {
        state.withLock { $0.outcomes[runId] = outcome }
        runEnded(runId)
    }

    func record(runId: String, seq: UInt64, event: RunEvent) {
        let backlog = state.withLock { state -> Int in
            let backlog = state.add(
                .event(seq: seq, event: event),
                runId: runId,
                firstSeq: seq,
                lastSeq: seq,
                bytes: Self.costOfEvent
            )
            if let followers = state.followers[runId] {
                var frame: [UInt8] = []
                RunNotifications.append(runId: runId, seq: seq, event: event, to: &frame)
                for follower in followers { follower.deliver(frame, seq: seq) }
            }
            return backlog
        }
        if backlog > Self.maxPendingBytes { flush() }
    }

    func recordTokens(runId: String, firstSeq: UInt64, agent: String, stepId: String, texts: [String]) {
        guard !texts.isEmpty else { return }
        let lastSeq = firstSeq + UInt64(texts.count - 1)
        let cost = Self.cost(ofTokens: texts)
        let backlog = state.withLock { state -> Int in
            let backlog = state.add(
                .tokens(firstSeq: firstSeq, agent: agent, stepId: stepId, texts: texts),
                runId: runId,
                firstSeq: firstSeq,
                lastSeq: lastSeq,
                bytes: cost
            )
            if let followers = state.followers[runId] {
                let frame = TokenFrame(runId: runId, agent: agent, stepId: stepId)
                for (offset, text) in texts.enumerated() {
                    var bytes: [UInt8] = []
                    frame.append(seq: firstSeq + UInt64(offset), text: text, to: &bytes)
                    for follower in followers { follower.deliver(bytes, seq: firstSeq + UInt64(offset)) }
                }
            }
            return backlog
        }
        if backlog > Self.maxPendingBytes { flush() }
    }

    // MARK: Writing

    /// Writes everything pending (of one run, or of all) in one transaction. A failing store is reported
    /// once and what failed to be written is dropped, so runs keep streaming and memory stays bounded.
    func flush(runId: String? = nil) {
        flushing.lock()
        defer { flushing.unlock() }
        // Under the lock only whole dictionaries change hands (a thousand streaming runs must not wait
        // while the flush walks them); encoding and writing happen outside it, off the token path.
        let (taken, changes): ([String: PendingEvents], RunChanges) = state.withLock { state in
            var changes = RunChanges()
            var taken: [String: PendingEvents] = [:]
            if let runId {
                if let run = state.newRuns.removeValue(forKey: runId) { changes.runs.append(run) }
                if let events = state.pending.removeValue(forKey: runId) {
                    taken[runId] = events
                    state.pendingBytes -= events.bytes
                }
                if let outcome = state.outcomes.removeValue(forKey: runId) {
                    changes.outcomes.append((runId, outcome))
                }
            } else {
                changes.runs = Array(state.newRuns.values)
                state.newRuns = [:]
                swap(&taken, &state.pending)
                state.pendingBytes = 0
                changes.outcomes = state.outcomes.map { (runId: $0.key, outcome: $0.value) }
                state.outcomes = [:]
            }
            state.inflight = taken
            return (taken, changes)
        }
        guard !taken.isEmpty || !changes.isEmpty else { return }
        var write = changes
        write.eventBatches = taken.map { $0.value.batch(runId: $0.key) }
        var failure: StoreError? = nil
        do { try store.write(write) } catch { failure = error }
        var written: [String: PendingEvents] = [:]
        let report = state.withLock { state -> Bool in
            swap(&written, &state.inflight)  // released after, outside the lock
            guard failure != nil, !state.failureReported else { return false }
            state.failureReported = true
            return true
        }
        if report, let failure {
            logger.error(
                "The run store failed; runs go on streaming but are not kept",
                metadata: ["error": "\(failure)"]
            )
        }
    }

    /// Flushes every `flushInterval` until the recorder is released; every few rounds also runs `tick`
    /// (for cross-process cancel requests).
    func startFlushing(tick: @escaping @Sendable () -> Void) {
        // A thread of its own, a little below normal priority: when streaming keeps every core busy the
        // disk work yields to it, and catches up in the next gap.
        let thread = Thread { [weak self] in
            #if os(Linux)
                // On Linux the nice value is per thread, and 0 names the calling one.
                setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, Self.flushNice)
            #endif
            var round = 0
            while true {
                Thread.sleep(forTimeInterval: Double(EventRecorder.flushInterval / .milliseconds(1)) / 1000)
                guard let self else { return }
                self.flush()
                round += 1
                if round % 5 == 0 { tick() }
            }
        }
        thread.name = "agentwire-store"
        thread.start()
    }

    /// The flushing thread's nice value (0 is normal, 19 the lowest).
    static let flushNice: Int32 = 5

    // MARK: Reading

    /// The run as stored, after writing what is pending for it.
    func run(_ runId: String) throws(StoreError) -> StoredRun? {
        flush(runId: runId)
        return try store.run(runId)
    }

    /// A page of runs, after writing everything pending.
    func listRuns(_ query: RunQuery) throws(StoreError) -> RunPage {
        flush()
        return try store.listRuns(query)
    }

    /// Every event of `runId` after `afterSeq`, from the store and from memory, in order; with a
    /// follower, registered atomically with the read, so later events reach it with no gap.
    func events(runId: String, afterSeq: UInt64, follower: Follower? = nil) throws(StoreError) -> [RecordedEvent] {
        let memory: [EventBatch] = state.withLock { state in
            if let follower { state.followers[runId, default: []].append(follower) }
            return [state.inflight[runId], state.pending[runId]].compactMap { $0 }.map {
                $0.batch(runId: runId)
            }
        }
        let bound = memory.first?.firstSeq ?? UInt64.max
        var events: [RecordedEvent] = []
        var cursor = afterSeq
        while cursor < bound {
            let batches = try store.eventBatches(runId: runId, afterSeq: cursor, limit: 256)
            guard !batches.isEmpty else { break }
            for batch in batches where batch.firstSeq < bound {
                events += EventBatchCodec.decode(batch.payload).filter { $0.seq > afterSeq && $0.seq < bound }
            }
            cursor = batches.last!.lastSeq
        }
        for batch in memory {
            events += EventBatchCodec.decode(batch.payload).filter { $0.seq > afterSeq }
        }
        return events
    }

    /// The run ended: its followers are told and forgotten.
    func runEnded(_ runId: String) {
        let followers = state.withLock { $0.followers.removeValue(forKey: runId) ?? [] }
        for follower in followers { follower.end() }
    }

    func removeFollower(_ follower: Follower, runId: String) {
        state.withLock { state in state.followers[runId]?.removeAll { $0 === follower } }
    }
}
