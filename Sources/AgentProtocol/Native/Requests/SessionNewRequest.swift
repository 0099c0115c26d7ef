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
        of: SessionNewResult.self
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

    public typealias Result = SessionNewResult
}

/// Answer to `session/new` and `session/fork`: the new session.
public struct SessionNewResult: ResultType, Equatable {
    public static let name = "SessionNewResult"
    public static let summary = #"Answer to `session/new` and `session/fork`: the new session."#
    public static let members: [Member] = [
        Member("sessionId", required: true, schema: .ref("SessionId")),
        Member("agent", required: true, schema: .ref("AgentName")),
        Member(
            "warnings",
            required: false,
            schema: Schema(["type": "array", "items": ["type": "string"]]),
            description:
                #"Present when the run store could not keep the session: what failed. The session then lasts only as long as this process."#
        ),
    ]

    /// The new session's id.
    public var sessionId: String
    /// The agent it talks to.
    public var agent: String
    /// What went wrong beside the answer (the store could not keep the session); left out when empty.
    public var warnings: [String]

    public init(sessionId: String, agent: String, warnings: [String] = []) {
        self.sessionId = sessionId
        self.agent = agent
        self.warnings = warnings
    }

    public func encode(to object: inout ResultObject) {
        object["sessionId"] = .string(sessionId)
        object["agent"] = .string(agent)
        if !warnings.isEmpty { object["warnings"] = .array(warnings.map { .string($0) }) }
    }
}
