import AgentCore

/// Sends a run's events to the recorder (every event, whatever the client filters) and to the client.
/// The run waits at its checkpoints for both: a slow client, and a store that has fallen behind.
struct RecordingObserver: RunObserver {
    let recorder: any RunRecorder
    let client: ConnectionRunObserver

    func runEvent(runId: String, seq: UInt64, event: RunEvent) {
        recorder.record(runId: runId, seq: seq, event: event)
        client.runEvent(runId: runId, seq: seq, event: event)
    }

    func runTokens(runId: String, firstSeq: UInt64, agent: String, stepId: String, texts: [String]) {
        recorder.recordTokens(runId: runId, firstSeq: firstSeq, agent: agent, stepId: stepId, texts: texts)
        client.runTokens(runId: runId, firstSeq: firstSeq, agent: agent, stepId: stepId, texts: texts)
    }

    var receivesSpans: Bool { client.receivesSpans }

    func runSpan(runId: String, seq: UInt64, span: SpanRecord) {
        client.runSpan(runId: runId, seq: seq, span: span)
    }

    func waitForCapacity() async {
        await client.waitForCapacity()
        await recorder.waitForCapacity()
    }

    var hasCapacity: Bool { client.hasCapacity && recorder.hasCapacity }

    func requestPermission(_ request: PermissionRequest) async -> PermissionDecision {
        await client.requestPermission(request)
    }
}
