import JSONCore
import JSONRPC

/// Run agents one after another (A -> B -> C), each on the previous one's output.
public enum CoordinatorSequentialRequest: RequestType {
    public static let method = "coordinator/sequential"
    public static let direction = Direction.clientRequest
    public static let summary = #"Run agents one after another (A -> B -> C), each on the previous one's output."#
    public static let description = #"""
        Runs an ad hoc sequential workflow. Step `1.i` is `steps[i-1]`. The first step gets the input, each later step the previous step's output; a step's `transform` template replaces that with its own text, where `{{input}}` is the workflow input and `{{previous}}` the previous step's output. The output is the last step's output. Under `onError: "continue"` a failed step is skipped: the next step gets the last good output (the workflow input if none succeeded yet). `run/progress` is sent after each step. `onError` (default `fail`), `timeoutMs` and `stepTimeoutMs` work as in a configured workflow. Members other than those listed are rejected with -32602 naming the member. The run's `workflow` (in `run/started` and the result) is the strategy name, `sequential`. Every `run/step` of the run carries `strategy`; step `1` is the workflow itself (its `agent` is the workflow name).

        Cancellation: `run/cancel {runId}` answers this request with a normal result, `stopReason: "cancelled"` and the partial output; `$/cancelRequest {id}` (LSP) or `$/cancel_request {requestId}` (ACP) answer it with error -32800, `data: {runId, partialOutput}`; `notifications/cancelled {requestId}` (MCP) cancels the run and this request gets no reply at all.

        Errors: -32602 when `input` or a member is missing or malformed (`data.field` is its path, e.g. `params.steps[0].agent`, or `params.steps[1].transform` for an unknown placeholder); -32001 when a named agent does not exist (`data: {agent, available}`); -32007 when `limits.maxConcurrentRuns` runs are in flight; -32006 when `limits.requestsPerMinute` is spent (`data.retryAfterMs`); -32005 when the run times out, an agent call that ends the run times out (`data.stepId`), or the run is reaped as stale (`data.reason: "stale"`); -32010 when an agent call that ends the run fails (`data.stepId`); -32011 when the run's `budget` is exceeded; -32012 when its output does not match `outputSchema`; -32800 when cancelled as above; -32003 after `shutdown`.
        """#
    public static let result = ResultSpec(
        name: "workflowRunResult",
        description: #"The last step's output and every agent call in `branches`."#,
        of: WorkflowRunResult.self
    )
    public static let errors: [ErrorSpec] = [
        .invalidParams, .notFound, .timeout, .rateLimited, .overloaded, .providerFailure, .budgetExceeded,
        .outputMismatch, .requestCancelled,
        .shuttingDown,
    ]
    public static let examples = JSONValue(
        json: #"""
            [
              {
                "name": "coordinator/sequential",
                "description": "echo twice, the second time on a labelled copy of the first answer (the built-in `pipeline` workflow). Steps 1, 1.1 and 1.2 are reported by run/step; tokens of 1.1 (\"draft\") and 1.2 (\"reviewed: \", \"draft\") carry their stepId.",
                "params": [
                  {
                    "name": "input",
                    "value": "draft"
                  },
                  {
                    "name": "steps",
                    "value": [
                      {
                        "agent": "echo"
                      },
                      {
                        "agent": "echo",
                        "transform": "reviewed: {{previous}}"
                      }
                    ]
                  }
                ],
                "result": {
                  "name": "coordinator/sequential result",
                  "value": {
                    "runId": "run_3f2a9c1e7b4d5a60",
                    "workflow": "sequential",
                    "strategy": "sequential",
                    "output": "reviewed: draft",
                    "stopReason": "end_turn",
                    "usage": {
                      "outputTokens": 3
                    },
                    "durationMs": 3,
                    "branches": [
                      {
                        "stepId": "1.1",
                        "agent": "echo",
                        "status": "completed",
                        "output": "draft",
                        "durationMs": 1
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

    public typealias Result = WorkflowRunResult

    public struct Params: ParamsType {
        public static let members: [Member] = ownMembers + RunRequestOptions.members(workflow: true)
        static let ownMembers: [Member] = [
            Member(
                "input",
                required: true,
                schema: .string,
                description: #"The workflow input."#
            ),
            Member(
                "steps",
                required: true,
                schema: Schema(
                    json: #"""
                        {
                          "type": "array",
                          "minItems": 1,
                          "items": {
                            "$ref": "#/components/schemas/SequentialStep"
                          }
                        }
                        """#
                ),
                description: #"The agents to call, in order (at least one)."#
            ),
            Member(
                "onError",
                required: false,
                schema: .ref("OnError"),
                description: #"""
                    What a failing step does: `fail` (default) ends the run with its error; `continue` skips it.
                    """#
            ),
            Member(
                "stepTimeoutMs",
                required: false,
                schema: .ref("TimeoutMs"),
                description: #"""
                    Limit for each agent call in milliseconds (1 to 86400000); the agent's own `limits.timeoutMs` applies if smaller.
                    """#
            ),
        ]

        public var input: String
        public var steps: JSONValue
        public var onError: String?
        public var stepTimeoutMs: Int64?
        public var options: RunRequestOptions

        public init(
            input: String,
            steps: JSONValue,
            onError: String? = nil,
            stepTimeoutMs: Int64? = nil,
            options: RunRequestOptions = RunRequestOptions()
        ) {
            self.input = input
            self.steps = steps
            self.onError = onError
            self.stepTimeoutMs = stepTimeoutMs
            self.options = options
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            input = try reader.string("input")
            steps = try reader.value("steps")
            onError = try reader.optionalString("onError")
            stepTimeoutMs = try reader.optionalInteger("stepTimeoutMs")
            options = try RunRequestOptions(from: reader)
        }
    }
}
