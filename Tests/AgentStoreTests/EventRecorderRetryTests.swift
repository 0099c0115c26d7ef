import AgentCore
import Foundation
import Logging
import Synchronization
import Testing

@testable import AgentStore

/// A store that stops answering loses nothing it can keep: what failed to be written waits, in order, and
/// is written when the store is back; reads meanwhile fail (the faces answer -32603); past the bound the
/// oldest events are dropped, never the runs and their outcomes.
@Suite struct EventRecorderRetryTests {
    private let owner = RunOwner(pid: getpid(), instance: "retry-test")

    private func recorder(on store: any RunStore, backlog: Int = EventRecorder.defaultMaxBacklogBytes) -> EventRecorder
    {
        EventRecorder(
            store: store,
            logger: Logger(label: "test.recorder"),
            flushInterval: .milliseconds(20),
            maxBacklogBytes: backlog
        )
    }

    private func record(_ recorder: EventRecorder, run runId: String, words: Int, ending: RunStatus? = .completed) {
        recorder.begin(StoredRun(id: runId, kind: "agent", name: "echo", agent: "echo", input: "in", owner: owner))
        for seq in 1...words {
            recorder.recordTokens(
                runId: runId,
                firstSeq: UInt64(seq),
                agent: "echo",
                stepId: "1",
                texts: ["\(runId)-w\(seq) " + String(repeating: "x", count: 64)]
            )
            if seq % 10 == 0 { recorder.flush() }  // one batch per ten words: many batches to keep
        }
        if let ending {
            recorder.finish(runId, outcome: RunOutcome(status: ending, output: "out", outputTokens: words))
        }
    }

    private func storedSeqs(_ store: any RunStore, _ runId: String) throws -> [UInt64] {
        try store.eventBatches(runId: runId, afterSeq: 0, limit: 100_000).flatMap {
            EventBatchCodec.decode($0.payload).map(\.seq)
        }
    }

    @Test func whatFailedToBeWrittenIsWrittenWhenTheStoreIsBack() async throws {
        let store = FlakyStore()
        let recorder = recorder(on: store)
        defer { recorder.close() }
        store.down.withLock { $0 = true }
        record(recorder, run: "run_a", words: 100)
        record(recorder, run: "run_b", words: 30, ending: nil)  // still running when the store comes back
        #expect(store.failures.withLock { $0 } > 0)
        // Reads fail while it is down, and say why: at once, from the write they waited for.
        let reads = store.reads.withLock { $0 }
        let error = await #expect(throws: StoreError.self) { _ = try await recorder.readRun("run_a") }
        #expect(error?.message.contains("connection lost") == true, "\(String(describing: error))")
        #expect(error?.message.contains("waits to be written") == true, "\(String(describing: error))")
        #expect(store.reads.withLock { $0 } == reads, "no read of a store that just failed")
        #expect(try store.inner.run("run_a") == nil)

        store.down.withLock { $0 = false }
        let run = try #require(try await recorder.readRun("run_a"))
        #expect(run.status == .completed)
        #expect(run.output == "out")
        #expect(try storedSeqs(store.inner, "run_a") == Array(1...100))
        #expect(try await recorder.readRun("run_b")?.status == .running)
        #expect(try storedSeqs(store.inner, "run_b") == Array(1...30))
        // Later events follow the ones that waited.
        recorder.recordTokens(runId: "run_b", firstSeq: 31, agent: "echo", stepId: "1", texts: ["last"])
        recorder.finish("run_b", outcome: RunOutcome(status: .completed, output: "done", outputTokens: 31))
        let events = try await recorder.readEvents(runId: "run_b", afterSeq: 0, subscriber: nil)
        #expect(events.map(\.seq) == Array(1...31))
        #expect(try await recorder.readRun("run_b")?.output == "done")
    }

    @Test func pastTheBoundTheOldestEventsAreDroppedAndRunsAndOutcomesKept() async throws {
        let store = FlakyStore()
        // Room for about 20 of the 10-word batches.
        let recorder = recorder(on: store, backlog: 20 * 10 * 100)
        defer { recorder.close() }
        store.down.withLock { $0 = true }
        record(recorder, run: "run_a", words: 500)
        store.down.withLock { $0 = false }
        let run = try #require(try await recorder.readRun("run_a"))
        #expect(run.status == .completed, "the outcome waits whatever the bound")
        let seqs = try storedSeqs(store.inner, "run_a")
        #expect(!seqs.isEmpty && seqs.count < 500, "\(seqs.count) events kept")
        #expect(seqs.last == 500, "the newest events are the ones kept")
        #expect(seqs == Array(seqs.first!...500), "what is kept has no gap")
    }
}

/// A memory store whose writes and reads fail while it is down, as a database whose connection was lost.
final class FlakyStore: MemoryBackedStore {
    let inner = MemoryRunStore()
    let down = Mutex(false)
    let failures = Mutex(0)
    /// Calls of `run(_:)`.
    let reads = Mutex(0)

    private func check() throws(StoreError) {
        guard down.withLock({ $0 }) else { return }
        failures.withLock { $0 += 1 }
        throw StoreError("Run store: connection lost")
    }

    func write(_ changes: RunChanges) throws(StoreError) {
        try check()
        try inner.write(changes)
    }
    func run(_ runId: String) throws(StoreError) -> StoredRun? {
        reads.withLock { $0 += 1 }
        try check()
        return try inner.run(runId)
    }
    func eventBatches(runId: String, afterSeq: UInt64, limit: Int) throws(StoreError) -> [EventBatch] {
        try check()
        return try inner.eventBatches(runId: runId, afterSeq: afterSeq, limit: limit)
    }
    func cancelRequests(owner: RunOwner) throws(StoreError) -> [String] {
        try check()
        return try inner.cancelRequests(owner: owner)
    }
}
