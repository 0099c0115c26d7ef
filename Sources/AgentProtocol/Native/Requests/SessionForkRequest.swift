import JSONCore
import JSONRPC

/// Start a new session from the turns of another.
public enum SessionForkRequest: RequestType {
    public static let method = "session/fork"
    public static let direction = Direction.clientRequest
    public static let summary = #"Start a new session from the turns of another."#
    public static let description = #"""
        Creates a session with the same agent as `sessionId` and its first `turn` turns (all of them without `turn`), kept in the run store like one from `session/new`. The two are independent from then on: a turn of one is not in the other's history. A turn still in flight is not part of the history yet, so it is not copied.

        Errors: -32602 when `sessionId` is missing or not a string, or `turn` is not a whole number from 0 to the session's number of turns (`data.field: "params.turn"`); -32001 when the session is unknown (`data.sessionId`); -32603 when the run store cannot read the session (`data.detail`); -32003 after `shutdown`.
        """#
    public static let result = ResultSpec(
        name: "sessionForkResult",
        description: #"The new session's id and agent."#,
        of: SessionForkResult.self
    )
    public static let errors: [ErrorSpec] = [.invalidParams, .notFound, .internalError, .shuttingDown]
    public static let examples = JSONValue(
        json: #"""
            [
              {
                "name": "session/fork (after the first turn)",
                "params": [
                  {
                    "name": "sessionId",
                    "value": "ses_5b7e0c2a9d4f1e36"
                  },
                  {
                    "name": "turn",
                    "value": 1
                  }
                ],
                "result": {
                  "name": "session/fork (after the first turn) result",
                  "value": {
                    "sessionId": "ses_0c4d8e2f6a1b3c5d",
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
                "sessionId",
                required: true,
                schema: .ref("SessionId"),
                description: #"The session to fork."#
            ),
            Member(
                "turn",
                required: false,
                schema: Schema(["type": "integer", "minimum": 0]),
                description:
                    #"How many of its turns, from the first, the new session starts with (0 to the number it has); all of them when absent."#
            ),
        ]
        public static let positional = ["sessionId", "turn"]

        public var sessionId: String
        public var turn: Int64?

        public init(sessionId: String, turn: Int64? = nil) {
            self.sessionId = sessionId
            self.turn = turn
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            sessionId = try reader.string("sessionId")
            turn = try reader.optionalInteger("turn")
        }
    }

    public typealias Result = SessionForkResult
}

/// Answer to `session/fork`.
public struct SessionForkResult: ResultType, Equatable {
    public static let name = "SessionForkResult"
    public static let summary = #"Answer to `session/fork`."#
    public static let members: [Member] = [
        Member("sessionId", required: true, schema: .ref("SessionId"), description: #"The new session's id."#),
        Member("agent", required: true, schema: .ref("AgentName"), description: #"The agent it talks to."#),
        Member(
            "warnings",
            required: false,
            schema: Schema(["type": "array", "items": ["type": "string"]]),
            description:
                #"Present when the run store could not keep the new session: what failed. It then lasts only as long as this process."#
        ),
    ]

    /// The new session's id.
    public var sessionId: String
    /// The agent it talks to (the forked session's).
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
