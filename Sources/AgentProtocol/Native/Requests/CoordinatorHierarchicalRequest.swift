import JSONCore
import JSONRPC

/// A master agent plans; its output is split into sub-tasks for sub-agents; their outputs are aggregated.
public enum CoordinatorHierarchicalRequest: RequestType {
    public static let method = "coordinator/hierarchical"
    public static let direction = Direction.clientRequest
    public static let summary = #"""
        A master agent plans; its output is split into sub-tasks for sub-agents; their outputs are aggregated.
        """#
    public static let description = #"""
        Runs an ad hoc hierarchical workflow. The master runs first (step `1.1`) on the workflow input. If it fails the run fails, whatever `onError` says: without its plan there is nothing to delegate.

        Delegation rule: the master's output is split into lines and blank lines are dropped. Line i (counting from 0) goes to sub-agent i mod n, for n sub-agents; each sub-agent gets its lines joined by newlines as one sub-task, and a sub-agent with no line is not called. So a one-line plan goes to the first sub-agent only, and with echo agents the input `"a\nb\nc"` and two sub-agents gives them `"a\nc"` and `"b"`. The sub-tasks run at once as steps `1.2`, `1.3`, ... in sub-agent order (only those called get a step). A master output with no non-blank line delegates nothing and the output is empty (or the aggregator's answer to an empty input).

        Aggregation (`aggregator`) combines the outputs of the branches that completed, in branch order: `"concat"` (the default) joins them with a blank line; `"list"` makes a numbered list, one line per branch (`1. first`, `2. second`); `{"agent": NAME}` gives their concatenation (blank-line separated) to that agent, whose output is the result; it runs as the last step, and if it fails the run fails. An aggregator agent is the step after the last sub-task. Under `onError: "fail"` the first failed sub-task cancels the others and fails the run; under `"continue"` failed sub-tasks are left out of the aggregation. `run/progress` is sent after the master and as each sub-task finishes. `onError` (default `fail`), `timeoutMs` and `stepTimeoutMs` work as in a configured workflow. Members other than those listed are rejected with -32602 naming the member. The run's `workflow` (in `run/started` and the result) is the strategy name, `hierarchical`. Every `run/step` of the run carries `strategy`; step `1` is the workflow itself (its `agent` is the workflow name).

        Cancellation: `run/cancel {runId}` answers this request with a normal result, `stopReason: "cancelled"` and the partial output; `$/cancelRequest {id}` (LSP) or `$/cancel_request {requestId}` (ACP) answer it with error -32800, `data: {runId, partialOutput}`; `notifications/cancelled {requestId}` (MCP) cancels the run and this request gets no reply at all.

        Errors: -32602 when `input` or a member is missing or malformed (`data.field` is its path, e.g. `params.master`, `params.subAgents[0].agent` or `params.aggregator`); -32001 when a named agent does not exist (`data: {agent, available}`); -32007 when `limits.maxConcurrentRuns` runs are in flight; -32006 when `limits.requestsPerMinute` is spent (`data.retryAfterMs`); -32005 when the run times out, an agent call that ends the run times out (`data.stepId`), or the run is reaped as stale (`data.reason: "stale"`); -32010 when an agent call that ends the run fails (`data.stepId`); -32011 when the run's `budget` is exceeded; -32012 when its output does not match `outputSchema`; -32800 when cancelled as above; -32003 after `shutdown`.
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
                "name": "coordinator/hierarchical",
                "description": "echo plans three lines; echo gets lines 1 and 3, echo-slow line 2 (the built-in `delegate` workflow).",
                "params": [
                  {
                    "name": "input",
                    "value": "a\nb\nc"
                  },
                  {
                    "name": "master",
                    "value": {
                      "agent": "echo"
                    }
                  },
                  {
                    "name": "subAgents",
                    "value": [
                      {
                        "agent": "echo"
                      },
                      {
                        "agent": "echo-slow"
                      }
                    ]
                  },
                  {
                    "name": "aggregator",
                    "value": "concat"
                  }
                ],
                "result": {
                  "name": "coordinator/hierarchical result",
                  "value": {
                    "runId": "run_3f2a9c1e7b4d5a60",
                    "workflow": "hierarchical",
                    "strategy": "hierarchical",
                    "output": "a\nc\n\nb",
                    "stopReason": "end_turn",
                    "usage": {
                      "outputTokens": 6
                    },
                    "durationMs": 53,
                    "branches": [
                      {
                        "stepId": "1.1",
                        "agent": "echo",
                        "status": "completed",
                        "output": "a\nb\nc",
                        "durationMs": 0
                      },
                      {
                        "stepId": "1.2",
                        "agent": "echo",
                        "status": "completed",
                        "output": "a\nc",
                        "durationMs": 0
                      },
                      {
                        "stepId": "1.3",
                        "agent": "echo-slow",
                        "status": "completed",
                        "output": "b",
                        "durationMs": 51
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
                description: #"The workflow input, given to the master."#
            ),
            Member(
                "master",
                required: true,
                schema: .ref("AgentRef"),
                description: #"The planning agent."#
            ),
            Member(
                "subAgents",
                required: true,
                schema: Schema(
                    json: #"""
                        {
                          "type": "array",
                          "minItems": 1,
                          "items": {
                            "$ref": "#/components/schemas/AgentRef"
                          }
                        }
                        """#
                ),
                description: #"The agents that share the master's lines (at least one), in delegation order."#
            ),
            Member(
                "aggregator",
                required: false,
                schema: .ref("Aggregate"),
                description:
                    #"How the sub-agents' outputs become one: `concat` (default), `list`, or `{"agent": NAME}`."#
            ),
            Member(
                "onError",
                required: false,
                schema: .ref("OnError"),
                description: #"""
                    What a failing sub-task does: `fail` (default) cancels the others and ends the run with its error; `continue` leaves it out. A failing master or aggregator agent always ends the run.
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
        public var master: JSONValue
        public var subAgents: JSONValue
        public var aggregator: JSONValue?
        public var onError: String?
        public var stepTimeoutMs: Int64?
        public var options: RunRequestOptions

        public init(
            input: String,
            master: JSONValue,
            subAgents: JSONValue,
            aggregator: JSONValue? = nil,
            onError: String? = nil,
            stepTimeoutMs: Int64? = nil,
            options: RunRequestOptions = RunRequestOptions()
        ) {
            self.input = input
            self.master = master
            self.subAgents = subAgents
            self.aggregator = aggregator
            self.onError = onError
            self.stepTimeoutMs = stepTimeoutMs
            self.options = options
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            input = try reader.string("input")
            master = try reader.value("master")
            subAgents = try reader.value("subAgents")
            aggregator = reader.optionalValue("aggregator")
            onError = try reader.optionalString("onError")
            stepTimeoutMs = try reader.optionalInteger("stepTimeoutMs")
            options = try RunRequestOptions(from: reader)
        }
    }
}
