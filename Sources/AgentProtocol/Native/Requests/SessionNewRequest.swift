import JSONCore
import JSONRPC

/// Start a conversation with an agent.
public enum SessionNewRequest: RequestType {
    public static let method = "session/new"
    public static let direction = Direction.clientRequest
    public static let summary = #"Start a conversation with an agent."#
    public static let description = #"""
        Creates a session: a conversation with the named agent whose turns (`session/prompt`) see the earlier turns. Sessions live in memory until `session/close` or the end of the process.

        Errors: -32602 when `agent` is missing or not a string; -32001 when the agent is unknown (`data: {agent, available}`); -32003 after `shutdown`.
        """#
    public static let result = ResultSpec(
        name: "sessionNewResult",
        description: #"The new session's id and agent."#,
        schema: .ref("SessionNewResult")
    )
    public static let errors: [ErrorSpec] = [.invalidParams, .notFound, .shuttingDown]
    public static let examples = JSONValue(
        json: #"""
            [
              {
                "name": "session/new",
                "params": [
                  {
                    "name": "agent",
                    "value": "echo-history"
                  }
                ],
                "result": {
                  "name": "session/new result",
                  "value": {
                    "sessionId": "ses_5b7e0c2a9d4f1e36",
                    "agent": "echo-history"
                  }
                }
              }
            ]
            """#
    )

    public struct Params: ParamsType {
        public static let members: [Member] = [
            Member(
                "agent",
                required: true,
                schema: .ref("AgentName"),
                description: #"The agent to talk to (see `agents/list`)."#
            )
        ]
        public static let positional = ["agent"]

        public var agent: String

        public init(
            agent: String
        ) {
            self.agent = agent
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            agent = try reader.string("agent")
        }
    }
}
