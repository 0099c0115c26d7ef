import AgentCore
import Foundation
import Logging
import Synchronization
import Testing

@testable import AgentStore

/// When runs record faster than the store writes, the events waiting for it stay within a fixed amount
/// of memory: the writer is woken and the runs wait at their checkpoints, never inside their lock, and
/// none is lost.
@Suite struct EventRecorderBoundTests {
    /// Only the bound gets events to the store: the interval never comes round.
    private func recorder(on store: any RunStore, bound: Int = 64 << 10) -> EventRecorder {
        let recorder = EventRecorder(
            store: store,
            logger: Logger(label: "test.recorder"),
            flushInterval: .seconds(3600),
            maxPendingBytes: bound
        )
        recorder.begin(
            StoredRun(
                id: "run_a",
                kind: "agent",
                name: "echo",
                agent: "echo",
                input: "words",
                owner: RunOwner(pid: getpid(), instance: "bound-test")
            )
        )
        return recorder
    }

    private func storedSeqs(_ store: any RunStore) throws -> [UInt64] {
        try store.eventBatches(runId: "run_a", afterSeq: 0, limit: 100_000).flatMap {
            EventBatchCodec.decode($0.payload).map(\.seq)
        }
    }

    @Test func eventsPastTheBoundWakeTheWriterWhileTheRunWaitsAtItsCheckpoint() async throws {
        let store = MemoryRunStore()
        let recorder = recorder(on: store)
        let events = 3 * recorder.maxPendingBytes / EventRecorder.costOfEvent
        var highest = 0
        var waits = 0
        for seq in 1...events {
            // What a run does between bursts (`RunContext.checkpoint`).
            if !recorder.hasCapacity {
                waits += 1
                await recorder.waitForCapacity()
            }
            recorder.record(
                runId: "run_a",
                seq: UInt64(seq),
                event: .token(agent: "echo", stepId: "1", text: "w\(seq) ")
            )
            highest = max(highest, recorder.pendingBytes)
        }
        // The run had to wait at least once (how often depends on when the writer takes the backlog); the
        // bound is what matters.
        #expect(waits >= 1)
        #expect(highest <= recorder.maxPendingBytes + EventRecorder.costOfEvent)
        // What was written plus what still waits is every event, once, in order.
        recorder.flush()
        #expect(try storedSeqs(store) == (1...UInt64(events)).map { $0 })
    }

    @Test func tokenBurstsAreBoundedByTheirSizeNotTheirCount() async throws {
        let store = MemoryRunStore()
        let recorder = recorder(on: store, bound: 8 << 20)
        // 100,000 short tokens (one fast stream's worth between two flushes) stay in memory...
        let burst = (0..<1_000).map { "w\($0) " }
        var seq: UInt64 = 1
        for _ in 0..<100 {
            recorder.recordTokens(runId: "run_a", firstSeq: seq, agent: "echo", stepId: "1", texts: burst)
            seq += UInt64(burst.count)
        }
        #expect(recorder.hasCapacity)
        #expect(try store.eventBatches(runId: "run_a", afterSeq: 0, limit: 10).isEmpty)
        // ...while long ones reach the bound sooner: the run waits until the writer has taken them.
        let long = (0..<1_000).map { String(repeating: "long text \($0) ", count: 20) }
        for _ in 0..<40 {
            await recorder.waitForCapacity()
            recorder.recordTokens(runId: "run_a", firstSeq: seq, agent: "echo", stepId: "1", texts: long)
            seq += UInt64(long.count)
        }
        #expect(recorder.pendingBytes <= recorder.maxPendingBytes + EventRecorder.cost(ofTokens: long))
        recorder.flush()
        #expect(try storedSeqs(store) == (1..<seq).map { $0 })
    }

    @Test func recordingNeverWaitsForTheStoreEvenPastTheBound() async throws {
        let store = GatedStore()
        store.writes.close()
        let recorder = recorder(on: store)
        // A run's lock, held while it records, as `RunContext` does.
        let runLock = NSLock()
        let perBacklog = recorder.maxPendingBytes / EventRecorder.costOfEvent
        var seq: UInt64 = 0
        func record(_ count: Int) {
            for _ in 0..<count {
                seq += 1
                runLock.withLock { recorder.record(runId: "run_a", seq: seq, event: .heartbeat) }
            }
        }
        // Past the bound once: the writer takes the backlog and gets stuck writing it.
        record(perBacklog + 1)
        try await store.writes.waitUntilEntered()
        // Recording goes on regardless, well past the bound again.
        let started = ContinuousClock.now
        record(3 * perBacklog)
        let recording = ContinuousClock.now - started
        #expect(recording < .seconds(1), "recording took \(recording) while the store was blocked")
        #expect(!recorder.hasCapacity)

        // The run now waits at its checkpoint, outside its lock, until the writer takes the backlog.
        let resumed = Atomic(false)
        let waiting = Task {
            await recorder.waitForCapacity()
            resumed.store(true, ordering: .relaxed)
        }
        try await Task.sleep(for: .milliseconds(100))
        #expect(resumed.load(ordering: .relaxed) == false)
        store.writes.open()
        await waiting.value
        recorder.flush()
        #expect(try storedSeqs(store) == (1...seq).map { $0 })
    }
}

/// A memory store whose writes wait at a gate, as a disk that has stopped answering.
final class GatedStore: MemoryBackedStore {
    let inner = MemoryRunStore()
    let writes = Gate()

    func write(_ changes: RunChanges) throws(StoreError) {
        writes.pass()
        try inner.write(changes)
    }
}

/// Lets threads through while open; while closed they wait in ``pass()``.
final class Gate: Sendable {
    private let condition = NSCondition()
    private let state = Mutex((closed: false, entered: 0))

    func close() { state.withLock { $0.closed = true } }

    func open() {
        state.withLock { $0.closed = false }
        condition.withLock { condition.broadcast() }
    }

    func pass() {
        state.withLock { $0.entered += 1 }
        condition.lock()
        defer { condition.unlock() }
        while state.withLock({ $0.closed }) { _ = condition.wait(until: Date().addingTimeInterval(0.05)) }
    }

    /// Waits (at most 10 s) until a thread has reached the gate.
    func waitUntilEntered() async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while state.withLock({ $0.entered }) == 0 {
            guard ContinuousClock.now < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
