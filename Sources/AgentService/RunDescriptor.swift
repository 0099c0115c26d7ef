import AgentCore
import AgentProtocol
import JSONCore
import JSONRPC
import JSONRPCTransport

/// The body of a run: given its id and observer, produce the result.
typealias RunBody = @Sendable (_ runId: String, _ observer: any RunObserver) async throws(RunFailure) -> RunResult

/// What a run is, for the store: kept when it starts.
struct RunDescriptor: Sendable {
    var kind: RunInfo.Kind
    var name: String
    var agent: String? = nil
    var workflow: String? = nil
    var strategy: String? = nil
    var sessionId: String? = nil
    var input: String
    /// The run this one resumes.
    var resumedFrom: String? = nil
    /// A workflow run's workflow as it runs (``WorkflowDefinition/specJSON``).
    var definition: JSONValue? = nil

    func stored(runId: String) -> StoredRun {
        StoredRun(
            id: runId,
            kind: kind.rawValue,
            name: name,
            agent: agent,
            workflow: workflow,
            strategy: strategy,
            sessionId: sessionId,
            input: input,
            resumedFrom: resumedFrom,
            definition: definition
        )
    }
}

/// How a run's request is answered: with the run's result when it ends, or (`agent/start`,
/// `workflow/start`) with its id as soon as it is admitted, its outcome then only stored.
struct RunReply: Sendable {
    typealias SendResult = @Sendable (Responder, RequestID, RunResult, _ warnings: [String]) -> Void
    typealias SendRunId = @Sendable (Responder, RequestID, _ runId: String) -> Void

    /// Answers with the run's result; `nil` when the request was answered at start.
    let result: SendResult?
    /// Answers with the run's id; `nil` when the request waits for the run's end.
    let started: SendRunId?

    /// The request is answered at start; the run goes on without it.
    var detached: Bool { started != nil }

    /// Answered with an agent run's result (`agent/run`, `session/prompt`).
    static func agentResult<R: RequestType>(_ request: R.Type) -> RunReply where R.Result == AgentRunResult {
        RunReply(
            result: { responder, id, result, warnings in
                responder.reply(R.self, id: id, AgentRunResult(result, warnings: warnings), handWritten: true)
            },
            started: nil
        )
    }

    /// Answered with a workflow run's result (`workflow/run`, `coordinator/*`).
    static func workflowResult<R: RequestType>(_ request: R.Type) -> RunReply where R.Result == WorkflowRunResult {
        RunReply(
            result: { responder, id, result, warnings in
                assert(warnings.isEmpty, "a workflow run's result carries no warnings")
                responder.reply(R.self, id: id, WorkflowRunResult(result), handWritten: true)
            },
            started: nil
        )
    }

    /// Answered with the run's id at once (`agent/start`, `workflow/start`).
    static func runId<R: RequestType>(_ request: R.Type) -> RunReply where R.Result == RunStartResult {
        RunReply(
            result: nil,
            started: { responder, id, runId in responder.reply(R.self, id: id, RunStartResult(runId: runId)) }
        )
    }
}
