import AgentCore

/// The body of a run: given its id and observer, produce the result.
typealias RunBody = @Sendable (_ runId: String, _ observer: any RunObserver) async throws(RunFailure) -> RunResult

/// What a run is, for the store: kept when it starts.
struct RunDescriptor: Sendable {
    var kind: String
    var name: String
    var agent: String? = nil
    var workflow: String? = nil
    var strategy: String? = nil
    var sessionId: String? = nil
    var input: String

    func stored(runId: String) -> StoredRun {
        StoredRun(
            id: runId,
            kind: kind,
            name: name,
            agent: agent,
            workflow: workflow,
            strategy: strategy,
            sessionId: sessionId,
            input: input
        )
    }
}
