import JSONCore
import JSONRPC

/// Resume a failed, cancelled or interrupted run from its last completed agent calls.
public enum RunResumeRequest: RequestType {
    public static let method = "run/resume"
    public static let direction = Direction.clientRequest
    public static let summary = #"Resume a failed, cancelled or interrupted run from its last completed agent calls."#
    public static let description = #"""
        Starts a new run (a new `runId`, with `resumedFrom` naming this one in `run/started`, `run/get` and `run/list`) that does the stored run's work again, but for the agent calls it completed: each of those (same step id, agent and input) is reported once as `run/step` with `status: "reused"` and its earlier output, and its provider is not called. The failed or cut step runs from its start, and every step after it. Step ids match the original's. It works for agent runs and every workflow strategy, whichever process ran the original: a run whose process died (`kill -9`) is marked `interrupted` first and then resumed. A workflow run resumes with the definition it ran with (kept in the store); a named workflow whose configuration has changed since is refused unless `force: true`, which runs the current definition.

        It streams and answers like the request that started the original: an agent run answers like `agent/run`, a workflow run like `workflow/run`. With `detach: true` it answers `{runId}` at once, like `agent/start` and `workflow/start`, and the outcome is kept in the store.

        Errors: -32602 when `runId` is missing, the run `completed` (`data.reason: "completed"`), is still running in a live process (`data.reason: "running"`), is a session turn (`data.reason: "session"`), its workflow changed (`data.reason: "definitionChanged"`), or it is a named workflow's run kept without its definition, so that a change cannot be ruled out (`data.reason: "definitionUnknown"`), with `data.field: "params.runId"` (`force: true` resumes the last two with the current definition); -32001 when the store has no such run, or its agent no longer exists; the errors of `agent/run` and `workflow/run` for the new run.
        """#
    public static let result = ResultSpec(
        name: "runResumeResult",
        description:
            #"The new run's result, as `agent/run` or `workflow/run` answers; `{runId}` with `detach: true`."#,
        of: RunResumeResult.self,
        inline: true
    )
    public static let errors: [ErrorSpec] = [
        .invalidParams, .notFound, .timeout, .rateLimited, .overloaded, .providerFailure, .budgetExceeded,
        .outputMismatch, .requestCancelled, .internalError, .shuttingDown,
    ]
    public static let examples = JSONValue(
        json: #"""
            [
              {
                "name": "run/resume of a failed sequential workflow",
                "description": "Step 1.1 had completed and step 1.2 failed: run/step reports 1.1 reused (its output taken from the stored run), then 1.2 runs again.",
                "params": [
                  {
                    "name": "runId",
                    "value": "run_3f2a9c1e7b4d5a60"
                  }
                ],
                "result": {
                  "name": "run/resume result",
                  "value": {
                    "runId": "run_8c0d2e4f6a1b3c5d",
                    "workflow": "pipeline",
                    "strategy": "sequential",
                    "output": "reviewed: draft",
                    "stopReason": "end_turn",
                    "usage": {
                      "outputTokens": 2,
                      "modelCalls": 1,
                      "source": "counted"
                    },
                    "durationMs": 3,
                    "branches": [
                      {
                        "stepId": "1.1",
                        "agent": "echo",
                        "status": "reused",
                        "output": "draft",
                        "durationMs": 0
                      },
                      {
                        "stepId": "1.2",
                        "agent": "echo",
                        "status": "completed",
                        "output": "reviewed: draft",
                        "durationMs": 1
                      }
                    ]
                  }
                }
              }
            ]
            """#
    )

    public typealias Result = RunResumeResult

    public struct Params: ParamsType {
        public static let members: [Member] =
            [
                .runId,
                Member(
                    "force",
                    required: false,
                    schema: Schema(["type": "boolean"]),
                    description:
                        #"Resume a named workflow whose configuration changed since the run, with its current definition (steps whose agent and input still match are reused)."#
                ),
                Member(
                    "detach",
                    required: false,
                    schema: Schema(["type": "boolean"]),
                    description: #"Answer `{runId}` at once; the run goes on and its outcome is stored."#
                ),
            ]
            + RunRequestOptions.members(workflow: true).filter {
                ["timeoutMs", "stream", "budget", "_meta"].contains($0.name)
            }

        public var runId: String
        public var force: Bool
        public var detach: Bool
        public var options: RunRequestOptions

        public init(runId: String, force: Bool = false, detach: Bool = false, options: RunRequestOptions = .init()) {
            self.runId = runId
            self.force = force
            self.detach = detach
            self.options = options
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            runId = try reader.string("runId")
            force = try reader.optionalBool("force") ?? false
            detach = try reader.optionalBool("detach") ?? false
            options = RunRequestOptions(
                timeoutMs: try reader.optionalInteger("timeoutMs"),
                stream: reader.optionalValue("stream"),
                meta: reader.meta,
                budget: reader.optionalValue("budget")
            )
        }
    }
}

/// Answer to `run/resume`: what the original's request answers, or `{runId}` when detached.
public enum RunResumeResult: ResultType, Equatable {
    case agent(AgentRunResult)
    case workflow(WorkflowRunResult)
    case started(RunStartResult)

    public static let name = "RunResumeResult"
    public static let summary = #"An agent run's result, a workflow run's, or `{runId}` when detached."#
    public static let members: [Member] = []
    public static var schema: Schema {
        Schema(["anyOf": [AgentRunResult.ref.json, WorkflowRunResult.ref.json, RunStartResult.ref.json]])
    }

    /// Writes nothing: the value is the wrapped result's (see ``json``).
    public func encode(to object: inout ResultObject) {}

    public var json: JSONValue {
        switch self {
        case .agent(let result): result.json
        case .workflow(let result): result.json
        case .started(let result): result.json
        }
    }
}
