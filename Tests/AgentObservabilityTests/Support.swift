import AgentCore
import Synchronization

/// Keeps the spans a run reports (what `run/trace` would carry), ignoring its other events.
final class SpanCollector: RunObserver {
    private let collected = Mutex<[SpanRecord]>([])

    let receivesSpans = true

    func runEvent(runId: String, seq: UInt64, event: RunEvent) {}

    func runSpan(runId: String, seq: UInt64, span: SpanRecord) {
        collected.withLock { $0.append(span) }
    }

    var spans: [SpanRecord] { collected.withLock { $0 } }
}

/// Polls `check` every 10 ms until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(30), _ check: () -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while !check() {
        if ContinuousClock.now > deadline { return false }
        try await Task.sleep(for: .milliseconds(10))
    }
    return true
}
