import JSONCore
import JSONRPC

/// Start a workflow run and answer with its runId at once.
public enum WorkflowStartRequest: RequestType {
    public static let method = "workflow/start"
    public static let direction = Direction.clientRequest
    public static let summary = #"Start a workflow run and answer with its runId at once."#
    public static let description = #"""
        Starts the same run as `workflow/run` (same params, checks and notifications) but answers `{runId}` as soon as the run is admitted, before its first notification; the run is already in the run store. The run goes on after the reply: its notifications stream to this connection with the `stream` options given here, and how it ends (`completed`, `cancelled`, or `failed` with the error's code and message) is kept in the store instead of being sent. Read it with `run/status`, `run/get` or `run/events` (with `follow: true` to be answered when it ends). Stop it with `run/cancel`: cancel notifications naming this request do nothing, as it has been answered. The run counts toward `limits.maxConcurrentRuns` until it ends, and on end of input the process waits for it before exiting.

        Errors: -32602 when `workflow` or `input` is missing or not a string, or `timeoutMs` or `stream` is malformed (`data.field`); -32001 when the workflow is unknown (`data: {workflow, available}`); -32007 when `limits.maxConcurrentRuns` runs are in flight; -32006 when `limits.requestsPerMinute` is spent (`data.retryAfterMs`); -32003 after `shutdown`. Errors that end the run later (timeouts, provider failures, reaping) are not sent: the run is kept as `failed` with that error's `code` and `message` (see `run/get`).
        """#
    public static let result = ResultSpec(
        name: "runStartResult",
        description: #"The id of the run that was started."#,
        of: RunStartResult.self
    )
    public static let errors: [ErrorSpec] = [.invalidParams, .notFound, .rateLimited, .overloaded, .shuttingDown]
    public static let examples = JSONValue(
        json: #"""
            [
              {
                "name": "workflow/start",
                "params": [
                  {
                    "name": "workflow",
                    "value": "pipeline"
                  },
                  {
                    "name": "input",
                    "value": "draft"
                  },
                  {
                    "name": "stream",
                    "value": {
                      "tokens": false
                    }
                  }
                ],
                "result": {
                  "name": "workflow/start result",
                  "value": {
                    "runId": "run_8c0d2e4f6a1b3c5d"
                  }
                },
                "description": "Starts the pipeline workflow without token notifications on this connection; the store still keeps the tokens."
              }
            ]
            """#
    )

    /// The same params as `WorkflowRunRequest`: only the moment of the reply differs.
    public typealias Params = WorkflowRunRequest.Params
    public typealias Result = RunStartResult
}
