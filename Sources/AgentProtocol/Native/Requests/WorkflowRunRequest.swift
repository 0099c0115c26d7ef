import JSONCore
import JSONRPC

/// Run a workflow from the configuration by name.
public enum WorkflowRunRequest: RequestType {
    public static let method = "workflow/run"
    public static let direction = Direction.clientRequest
    public static let summary = #"Run a workflow from the configuration by name."#
    public static let description = #"""
        Runs a named workflow (see `workflows/list`) on an input, exactly as the matching `coordinator/*` method would run its definition: the same notifications, step ids, delegation rule and aggregation. The run's `workflow` is the workflow's name. The whole run is limited by the smaller of `timeoutMs` and the workflow's own `timeoutMs`.

        Cancellation: `run/cancel {runId}` answers this request with a normal result, `stopReason: "cancelled"` and the partial output; `$/cancelRequest {id}` (LSP) or `$/cancel_request {requestId}` (ACP) answer it with error -32800, `data: {runId, partialOutput}`; `notifications/cancelled {requestId}` (MCP) cancels the run and this request gets no reply at all.

        Errors: -32602 when `workflow` or `input` is missing or not a string, or `timeoutMs` or `stream` is malformed; -32001 when the workflow is unknown (`data: {workflow, available}`); -32007 when `limits.maxConcurrentRuns` runs are in flight; -32006 when `limits.requestsPerMinute` is spent (`data.retryAfterMs`); -32005 when the run times out, an agent call that ends the run times out (`data.stepId`), or the run is reaped as stale (`data.reason: "stale"`); -32010 when an agent call that ends the run fails (`data.stepId`); -32011 when the run's `budget` is exceeded; -32012 when its output does not match `outputSchema`; -32800 when cancelled as above; -32003 after `shutdown`.
        """#
    public static let result = ResultSpec(
        name: "workflowRunResult",
        description: #"The workflow's output and every agent call in `branches`."#,
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
                "name": "workflow/run",
                "params": [
                  {
                    "name": "workflow",
                    "value": "pipeline"
                  },
                  {
                    "name": "input",
                    "value": "draft"
                  }
                ],
                "result": {
                  "name": "workflow/run result",
                  "value": {
                    "runId": "run_3f2a9c1e7b4d5a60",
                    "workflow": "pipeline",
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
                "workflow",
                required: true,
                schema: .ref("WorkflowName"),
                description: #"Name of the workflow to run (see `workflows/list`)."#
            ),
            Member(
                "input",
                required: true,
                schema: .string,
                description: #"The workflow input."#
            ),
        ]
        public static let positional = ["workflow", "input"]

        public var workflow: String
        public var input: String
        public var options: RunRequestOptions

        public init(
            workflow: String,
            input: String,
            options: RunRequestOptions = RunRequestOptions()
        ) {
            self.workflow = workflow
            self.input = input
            self.options = options
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            workflow = try reader.string("workflow")
            input = try reader.string("input")
            options = try RunRequestOptions(from: reader)
        }
    }
}
