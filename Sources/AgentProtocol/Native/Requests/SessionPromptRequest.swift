import JSONCore
import JSONRPC

/// One turn of a session: run its agent on an input, with the earlier turns as history.
public enum SessionPromptRequest: RequestType {
    public static let method = "session/prompt"
    public static let direction = Direction.clientRequest
    public static let summary = #"One turn of a session: run its agent on an input, with the earlier turns as history."#
    public static let description = #"""
        Runs the session's agent on `input` as an agent run (same notifications and result as `agent/run`, `agent` being the session's agent); the provider also gets the session's earlier turns (the `echo-history` agent answers with every user input so far, one per line). A session has at most one turn in flight. When the turn ends its input and output are added to the history: a turn that does not fail is kept (a cancelled one with its partial output); a turn that fails is kept only if it produced output. Closing a session does not stop a turn in flight.

        Cancellation: `run/cancel {runId}` answers this request with a normal result, `stopReason: "cancelled"` and the partial output; `$/cancelRequest {id}` (LSP) or `$/cancel_request {requestId}` (ACP) answer it with error -32800, `data: {runId, partialOutput}`; `notifications/cancelled {requestId}` (MCP) cancels the run and this request gets no reply at all.

        Errors: -32602 when `sessionId` or `input` is missing or not a string, or `timeoutMs` or `stream` is malformed; -32001 when the session is unknown (`data.sessionId`); -32004 when the session already has a turn in flight (`data.sessionId`, retryable); -32007 when `limits.maxConcurrentRuns` runs are in flight; -32006 when `limits.requestsPerMinute` is spent (`data.retryAfterMs`); -32005 when the run or its agent call times out (`data.stepId: "1"` for the latter), or the run is reaped as stale (`data.reason: "stale"`); -32010 when the agent call fails (`data.stepId: "1"`); -32011 when the run's `budget` is exceeded; -32012 when its output does not match `outputSchema`; -32800 when cancelled as above; -32003 after `shutdown`.
        """#
    public static let result = ResultSpec(
        name: "agentRunResult",
        description: #"The turn's output, as for `agent/run`."#,
        of: AgentRunResult.self
    )
    public static let errors: [ErrorSpec] = [
        .invalidParams, .notFound, .sessionBusy, .timeout, .rateLimited, .overloaded, .providerFailure, .budgetExceeded,
        .outputMismatch,
        .requestCancelled, .shuttingDown,
    ]
    public static let examples = JSONValue(
        json: #"""
            [
              {
                "name": "session/prompt",
                "description": "Second turn of an echo-history session whose first input was \"first question\".",
                "params": [
                  {
                    "name": "sessionId",
                    "value": "ses_5b7e0c2a9d4f1e36"
                  },
                  {
                    "name": "input",
                    "value": "second question"
                  }
                ],
                "result": {
                  "name": "session/prompt result",
                  "value": {
                    "runId": "run_8c0d2e4f6a1b3c5d",
                    "agent": "echo-history",
                    "output": "first question\nsecond question",
                    "stopReason": "end_turn",
                    "usage": {
                      "outputTokens": 4
                    },
                    "durationMs": 1
                  }
                }
              }
            ]
            """#
    )

    public typealias Result = AgentRunResult

    public struct Params: ParamsType {
        public static let members: [Member] = ownMembers + RunRequestOptions.members()
        static let ownMembers: [Member] = [
            Member(
                "sessionId",
                required: true,
                schema: .ref("SessionId"),
                description: #"The session (from `session/new`)."#
            ),
            Member(
                "input",
                required: true,
                schema: .string,
                description: #"The user's input for this turn."#
            ),
        ]
        public static let positional = ["sessionId", "input"]

        public var sessionId: String
        public var input: String
        public var options: RunRequestOptions

        public init(
            sessionId: String,
            input: String,
            options: RunRequestOptions = RunRequestOptions()
        ) {
            self.sessionId = sessionId
            self.input = input
            self.options = options
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            sessionId = try reader.string("sessionId")
            input = try reader.string("input")
            options = try RunRequestOptions(from: reader)
        }
    }
}
