import JSONCore
import JSONRPC

/// Run an agent on an input and return its output.
public enum AgentRunRequest: RequestType {
    public static let method = "agent/run"
    public static let direction = Direction.clientRequest
    public static let summary = #"Run an agent on an input and return its output."#
    public static let description = #"""
        Starts a run of the named agent. While the run is in progress the server sends `run/started` (carrying the `runId` and `agent`), then `run/step` for the single step `1`, `run/token` (and, for agents that reason, `run/thinking`) and `run/heartbeat` notifications, all before the response; `seq` starts at 1 and strictly increases within the run. For the `echo` provider each token is one word followed by the whitespace after it, so the tokens concatenate to the input, and `output` equals the input. The agent's call is limited by its `limits.timeoutMs` from the configuration, the whole run by `timeoutMs`.

        Cancellation: `run/cancel {runId}` answers this request with a normal result, `stopReason: "cancelled"` and the partial output; `$/cancelRequest {id}` (LSP) or `$/cancel_request {requestId}` (ACP) answer it with error -32800, `data: {runId, partialOutput}`; `notifications/cancelled {requestId}` (MCP) cancels the run and this request gets no reply at all.

        Errors: -32602 when `agent` or `input` is missing or not a string, or `timeoutMs` or `stream` is malformed (`data.field` names the field, e.g. `params.agent`); -32001 when the agent is unknown (`data: {agent, available}`); -32007 when `limits.maxConcurrentRuns` runs are in flight; -32006 when `limits.requestsPerMinute` is spent (`data.retryAfterMs`); -32005 when the run or its agent call times out (`data.stepId: "1"` for the latter), or the run is reaped as stale (`data.reason: "stale"`); -32010 when the agent call fails (`data.stepId: "1"`); -32011 when the run's `budget` is exceeded; -32012 when its output does not match `outputSchema`; -32800 when cancelled as above; -32003 after `shutdown`.
        """#
    public static let result = ResultSpec(
        name: "agentRunResult",
        description: #"The run's agent, output, stop reason, usage and duration."#,
        of: AgentRunResult.self
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
                "name": "agent/run",
                "description": "Echo run; before this result the server sent run/started (seq 1), run/step (step 1 started, seq 2), run/token with the tokens \"hello \", \"agent \", \"world\" (seq 3 to 5) and run/step (step 1 completed, seq 6).",
                "params": [
                  {
                    "name": "agent",
                    "value": "echo"
                  },
                  {
                    "name": "input",
                    "value": "hello agent world"
                  }
                ],
                "result": {
                  "name": "agent/run result",
                  "value": {
                    "runId": "run_3f2a9c1e7b4d5a60",
                    "agent": "echo",
                    "output": "hello agent world",
                    "stopReason": "end_turn",
                    "usage": {
                      "outputTokens": 3
                    },
                    "durationMs": 2
                  }
                }
              },
              {
                "name": "agent/run with a timeout and no token notifications",
                "description": "The output still arrives in the result; run/started, run/step and run/heartbeat are sent.",
                "params": [
                  {
                    "name": "agent",
                    "value": "echo-slow"
                  },
                  {
                    "name": "input",
                    "value": "one two"
                  },
                  {
                    "name": "timeoutMs",
                    "value": 5000
                  },
                  {
                    "name": "stream",
                    "value": {
                      "tokens": false
                    }
                  }
                ],
                "result": {
                  "name": "agent/run result",
                  "value": {
                    "runId": "run_8c0d2e4f6a1b3c5d",
                    "agent": "echo-slow",
                    "output": "one two",
                    "stopReason": "end_turn",
                    "usage": {
                      "outputTokens": 2
                    },
                    "durationMs": 104
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
                "agent",
                required: true,
                schema: .ref("AgentName"),
                description: #"Name of the agent to run (see `agents/list`)."#
            ),
            Member(
                "input",
                required: true,
                schema: .string,
                description: #"Input text for the agent."#
            ),
        ]
        public static let positional = ["agent", "input"]

        public var agent: String
        public var input: String
        public var options: RunRequestOptions

        public init(
            agent: String,
            input: String,
            options: RunRequestOptions = RunRequestOptions()
        ) {
            self.agent = agent
            self.input = input
            self.options = options
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            agent = try reader.string("agent")
            input = try reader.string("input")
            options = try RunRequestOptions(from: reader)
        }
    }
}
