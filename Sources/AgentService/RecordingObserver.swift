import AgentCore

/// Sends a run's events to the recorder (every event, whatever the client filters) and to the client.
/// The run waits at its checkpoints for both: a slow client, and a store that has fallen behind.
///
/// Generic over the client, so the server's observer (a ``ConnectionRunObserver``) is called directly on
/// the token path; `agentwire run` wraps its terminal observer the same way.
public struct RecordingObserver<Client: RunObserver>: RunObserver {
    public let recorder: any RunRecorder
    public let client: Client

    public init(recorder: any RunRecorder, client: Client) {
        self.recorder = recorder
        self.client = client
    }

    public func runEvent(runId: String, seq: UInt64, event: RunEvent) {
        recorder.record(runId: runId, seq: seq, event: event)
        client.runEvent(runId: runId, seq: seq, event: event)
    }

    public func runTokens(runId: String, firstSeq: UInt64, agent: String, stepId: String, texts: [String]) {
        recorder.recordTokens(runId: runId, firstSeq: firstSeq, agent: agent, stepId: stepId, texts: texts)
        client.runTokens(runId: runId, firstSeq: firstSeq, agent: agent, stepId: stepId, texts: texts)
    }

    public var receivesSpans: Bool { client.receivesSpans }

    public func runSpan(runId: String, seq: UInt64, span: SpanRecord) {
        client.runSpan(runId: runId, seq: seq, span: span)
    }

    public func waitForCapacity() async {
        await client.waitForCapacity()
        await recorder.waitForCapacity()
    }

    public var hasCapacity: Bool { client.hasCapacity && recorder.hasCapacity }

    public func requestPermission(_ request: PermissionRequest) async -> PermissionDecision {
        await client.requestPermission(request)
    }
}
