import AgentCore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import AgentStore

/// In the process's service group the store shuts down first: what is still pending is written and the
/// store closed before the services listed before it (the telemetry exporters) stop.
@Suite struct RunStoreServiceTests {
    @Test func theStoreWritesWhatIsPendingAndClosesBeforeTheExporters() async throws {
        let order = OrderLog()
        let store = OrderedStore(order: order)
        let recorder = EventRecorder(store: store, logger: Logger(label: "test.store"), flushInterval: .seconds(3600))
        let group = ServiceGroup(
            services: [ExporterProbe(order: order), RunStoreService(recorder: recorder)],
            gracefulShutdownSignals: [],
            logger: Logger(label: "test.group")
        )
        let running = Task { try await group.run() }
        recorder.begin(StoredRun(id: "run_last", kind: "agent", name: "echo", agent: "echo", input: "x"))
        recorder.recordTokens(runId: "run_last", firstSeq: 1, agent: "echo", stepId: "1", texts: ["x"])
        recorder.finish("run_last", outcome: RunOutcome(status: .completed, output: "x", outputTokens: 1))
        try await Task.sleep(for: .milliseconds(50))
        #expect(order.entries.isEmpty)  // nothing written yet: the interval is an hour

        await group.triggerGracefulShutdown()
        try await running.value
        #expect(order.entries == ["store wrote 1 runs", "exporter stopped"])
        #expect(try store.inner.run("run_last")?.status == .completed)
        // Closed: nothing more is recorded.
        recorder.begin(StoredRun(id: "run_late", kind: "agent", name: "echo", agent: "echo", input: "x"))
        recorder.flush()
        #expect(try store.inner.run("run_late") == nil)
    }
}

/// Stands for the span exporter: notes when it stops.
private struct ExporterProbe: Service {
    let order: OrderLog

    func run() async throws {
        do { try await gracefulShutdown() } catch {}
        order.add("exporter stopped")
    }
}

/// A memory store that notes each non-empty write.
private final class OrderedStore: MemoryBackedStore {
    let inner = MemoryRunStore()
    let order: OrderLog

    init(order: OrderLog) { self.order = order }

    func write(_ changes: RunChanges) throws(StoreError) {
        try inner.write(changes)
        if !changes.isEmpty { order.add("store wrote \(changes.runs.count) runs") }
    }
}

/// What happened, in order, from any thread.
private final class OrderLog: Sendable {
    private let lines = Mutex<[String]>([])

    func add(_ line: String) { lines.withLock { $0.append(line) } }

    var entries: [String] { lines.withLock { $0 } }
}
