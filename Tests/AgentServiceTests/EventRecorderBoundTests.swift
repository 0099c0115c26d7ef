import AgentCore
import Foundation
import Logging
import Testing

@testable import AgentService

/// When the background writer gets no turn (every core busy streaming), the events waiting for the store
/// stay within a fixed amount of memory: the recording run writes them itself, and none is lost.
@Suite struct EventRecorderBoundTests {
    private func startedRun(_ id: String, in recorder: EventRecorder) {
        recorder.begin(
            StoredRun(
                id: id,
                kind: "agent",
                name: "echo",
                agent: "echo",
                workflow: nil,
                input: "words",
                status: .running,
                startedAt: Date(),
                endedAt: nil,
                owner: RunOwner(pid: getpid(), instance: "bound-test")
            )
        )
    }

    @Test func singleEventsPastTheBoundAreWrittenByTheRecordingRun() throws {
        let store = MemoryRunStore()
        // No flushing thread: only the bound can get events to the store.
        let recorder = EventRecorder(store: store, logger: Logger(label: "test.recorder"))
        startedRun("run_a", in: recorder)
        let events = 3 * EventRecorder.maxPendingBytes / EventRecorder.costOfEvent
        var highest = 0
        for seq in 1...events {
            recorder.record(
                runId: "run_a",
                seq: UInt64(seq),
                event: .token(agent: "echo", stepId: "1", text: "word\(seq) ")
            )
            highest = max(highest, recorder.pendingBytes)
        }
        #expect(highest <= EventRecorder.maxPendingBytes)
        // What was written plus what still waits is every event, once, in order.
        recorder.flush()
        var seqs: [UInt64] = []
        for batch in try store.eventBatches(runId: "run_a", afterSeq: 0, limit: 100_000) {
            seqs += EventBatchCodec.decode(batch.payload).map(\.seq)
        }
        #expect(seqs == (1...UInt64(events)).map { $0 })
    }

    @Test func tokenBurstsAreBoundedByTheirSizeNotTheirCount() throws {
        let store = MemoryRunStore()
        let recorder = EventRecorder(store: store, logger: Logger(label: "test.recorder"))
        startedRun("run_b", in: recorder)
        // 100,000 short tokens (one fast stream's worth between two flushes) stay in memory...
        let burst = (0..<1_000).map { "w\($0) " }
        var seq: UInt64 = 1
        for _ in 0..<100 {
            recorder.recordTokens(runId: "run_b", firstSeq: seq, agent: "echo", stepId: "1", texts: burst)
            seq += UInt64(burst.count)
        }
        #expect(try store.eventBatches(runId: "run_b", afterSeq: 0, limit: 10).isEmpty)
        // ...while long ones reach the bound sooner and are written.
        let long = (0..<1_000).map { String(repeating: "long text \($0) ", count: 20) }
        for _ in 0..<40 {
            recorder.recordTokens(runId: "run_b", firstSeq: seq, agent: "echo", stepId: "1", texts: long)
            seq += UInt64(long.count)
        }
        #expect(recorder.pendingBytes <= EventRecorder.maxPendingBytes)
        #expect(try !store.eventBatches(runId: "run_b", afterSeq: 0, limit: 10).isEmpty)
    }
}
