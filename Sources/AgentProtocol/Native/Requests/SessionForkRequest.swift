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
        of: SessionNewResult.self
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

    public typealias Result = SessionNewResult
}
