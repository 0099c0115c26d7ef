import JSONCore
import JSONRPC

/// Run agents at once (A + B + C) and aggregate their outputs.
public enum CoordinatorParallelRequest: RequestType {
    public static let method = "coordinator/parallel"
    public static let direction = Direction.clientRequest
    public static let summary = #"Run agents at once (A + B + C) and aggregate their outputs."#
    public static let description = #"""
        Runs an ad hoc parallel workflow. Every task runs at once as step `1.i` (`tasks[i-1]`), on its `input` template or, without one, the workflow input (in a task template `{{previous}}` is the workflow input as well). Aggregation combines the outputs of the branches that completed, in branch order: `"concat"` (the default) joins them with a blank line; `"list"` makes a numbered list, one line per branch (`1. first`, `2. second`); `{"agent": NAME}` gives their concatenation (blank-line separated) to that agent, whose output is the result; it runs as the last step, and if it fails the run fails. An aggregator agent is step `1.(n+1)` for n tasks. Under `onError: "fail"` the first failed task cancels the others and fails the run; under `"continue"` failed tasks are left out of the aggregation. `run/progress` is sent as each task finishes. `branches` lists the agent calls in the order they started, which need not be task order. `onError` (default `fail`), `timeoutMs` and `stepTimeoutMs` work as in a configured workflow. Members other than those listed are rejected with -32602 naming the member. The run's `workflow` (in `run/started` and the result) is the strategy name, `parallel`. Every `run/step` of the run carries `strategy`; step `1` is the workflow itself (its `agent` is the workflow name).

        Cancellation: `run/cancel {runId}` answers this request with a normal result, `stopReason: "cancelled"` and the partial output; `$/cancelRequest {id}` (LSP) or `$/cancel_request {requestId}` (ACP) answer it with error -32800, `data: {runId, partialOutput}`; `notifications/cancelled {requestId}` (MCP) cancels the run and this request gets no reply at all.

        Errors: -32602 when `input` or a member is missing or malformed (`data.field` is its path, e.g. `params.tasks[0].agent`, `params.aggregate`, or `params.tasks[1].input` for an unknown placeholder); -32001 when a named agent does not exist (`data: {agent, available}`); -32007 when `limits.maxConcurrentRuns` runs are in flight; -32006 when `limits.requestsPerMinute` is spent (`data.retryAfterMs`); -32005 when the run times out, an agent call that ends the run times out (`data.stepId`), or the run is reaped as stale (`data.reason: "stale"`); -32010 when an agent call that ends the run fails (`data.stepId`); -32011 when the run's `budget` is exceeded; -32012 when its output does not match `outputSchema`; -32800 when cancelled as above; -32003 after `shutdown`.
        """#
    public static let result = ResultSpec(
        name: "workflowRunResult",
        description: #"The aggregated output and every agent call in `branches`."#,
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
                "name": "coordinator/parallel",
                "description": "Two echo tasks, one on a labelled input, as a numbered list.",
                "params": [
                  {
                    "name": "input",
                    "value": "hello world"
                  },
                  {
                    "name": "tasks",
                    "value": [
                      {
                        "agent": "echo"
                      },
                      {
                        "agent": "echo",
                        "input": "summary: {{input}}"
                      }
                    ]
                  },
                  {
                    "name": "aggregate",
                    "value": "list"
                  }
                ],
                "result": {
                  "name": "coordinator/parallel result",
                  "value": {
                    "runId": "run_3f2a9c1e7b4d5a60",
                    "workflow": "parallel",
                    "strategy": "parallel",
                    "output": "1. hello world\n2. summary: hello world",
                    "stopReason": "end_turn",
                    "usage": {
                      "outputTokens": 5
                    },
                    "durationMs": 2,
                    "branches": [
                      {
                        "stepId": "1.1",
                        "agent": "echo",
                        "status": "completed",
                        "output": "hello world",
                        "durationMs": 1
                      },
                      {
                        "stepId": "1.2",
                        "agent": "echo",
                        "status": "completed",
                        "output": "summary: hello world",
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
                "tasks",
                required: true,
                schema: Schema(
                    json: #"""
                        {
                          "type": "array",
                          "minItems": 1,
                          "items": {
                            "$ref": "#/components/schemas/ParallelTask"
                          }
                        }
                        """#
                ),
                description: #"The agents to run at once (at least one)."#
            ),
            Member(
                "aggregate",
                required: false,
                schema: .ref("Aggregate"),
                description: #"How the outputs become one: `concat` (default), `list`, or `{"agent": NAME}`."#
            ),
            Member(
                "onError",
                required: false,
                schema: .ref("OnError"),
                description: #"""
                    What a failing task does: `fail` (default) cancels the others and ends the run with its error; `continue` leaves it out.
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
        public var tasks: JSONValue
        public var aggregate: JSONValue?
        public var onError: String?
        public var stepTimeoutMs: Int64?
        public var options: RunRequestOptions

        public init(
            input: String,
            tasks: JSONValue,
            aggregate: JSONValue? = nil,
            onError: String? = nil,
            stepTimeoutMs: Int64? = nil,
            options: RunRequestOptions = RunRequestOptions()
        ) {
            self.input = input
            self.tasks = tasks
            self.aggregate = aggregate
            self.onError = onError
            self.stepTimeoutMs = stepTimeoutMs
            self.options = options
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            input = try reader.string("input")
            tasks = try reader.value("tasks")
            aggregate = reader.optionalValue("aggregate")
            onError = try reader.optionalString("onError")
            stepTimeoutMs = try reader.optionalInteger("stepTimeoutMs")
            options = try RunRequestOptions(from: reader)
        }
    }
}
