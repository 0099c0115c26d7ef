import JSONCore
import JSONRPC

/// List the sessions the run store keeps, newest first.
public enum SessionListRequest: RequestType {
    public static let method = "session/list"
    public static let direction = Direction.clientRequest
    public static let summary = #"List the sessions the run store keeps, newest first."#
    public static let description = #"""
        Answers the sessions the store keeps (of every process sharing it), newest first by creation time, each with its agent and number of turns. At most `limit` sessions come back; when more follow, `nextCursor` is set, and passing it as `cursor` gives the next page. A page continues right after the previous one's last session, so sessions added or deleted meanwhile cause neither repeats nor gaps; sessions created after the first page belong before it and are not listed. Params are by name only.

        Errors: -32602 when `limit` is not a whole number from 1 to 500, or `cursor` is not a string or not a `nextCursor` of this server (`data.field`: `params.limit`, `params.cursor`); -32603 when the run store fails; -32003 after `shutdown`.
        """#
    public static let result = ResultSpec(
        name: "sessionListResult",
        description: #"A page of sessions, and where the next page starts."#,
        of: SessionListResult.self
    )
    public static let errors: [ErrorSpec] = [.invalidParams, .internalError, .shuttingDown]
    public static let examples = JSONValue(
        json: #"""
            [
              {
                "name": "session/list (two per page)",
                "params": [
                  {
                    "name": "limit",
                    "value": 2
                  }
                ],
                "result": {
                  "name": "session/list (two per page) result",
                  "value": {
                    "sessions": [
                      {
                        "sessionId": "ses_0c4d8e2f6a1b3c5d",
                        "agent": "echo-history",
                        "createdAt": "2025-11-22T01:21:00Z",
                        "turns": 1
                      },
                      {
                        "sessionId": "ses_5b7e0c2a9d4f1e36",
                        "agent": "echo-history",
                        "createdAt": "2025-11-22T01:20:00Z",
                        "turns": 2
                      }
                    ],
                    "nextCursor": "Nzg1NDY3MjAwLjA6c2VzXzViN2UwYzJhOWQ0ZjFlMzY"
                  }
                }
              }
            ]
            """#
    )

    public typealias Result = SessionListResult

    public struct Params: ParamsType {
        public static let members: [Member] = [
            Member(
                "limit",
                required: false,
                schema: Schema(
                    json: #"""
                        {
                          "type": "integer",
                          "minimum": 1,
                          "maximum": 500,
                          "default": 50
                        }
                        """#
                ),
                description: #"Largest number of sessions to return (1 to 500, default 50)."#
            ),
            Member(
                "cursor",
                required: false,
                schema: .string,
                description: #"The `nextCursor` of the previous page, to continue the listing."#
            ),
        ]

        public var limit: Int64?
        public var cursor: String?

        public init(limit: Int64? = nil, cursor: String? = nil) {
            self.limit = limit
            self.cursor = cursor
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            limit = try reader.optionalInteger("limit")
            cursor = try reader.optionalString("cursor")
        }
    }
}

/// Answer to `session/list`: a page of sessions, and where the next page starts.
public struct SessionListResult: ResultType, Equatable {
    public static let name = "SessionListResult"
    public static let summary = #"Answer to `session/list`."#
    public static let members: [Member] = [
        Member(
            "sessions",
            required: true,
            schema: Schema(["type": "array", "items": SessionInfo.ref.json]),
            description: #"The sessions of this page, newest first (by creation time, then id)."#
        ),
        Member(
            "nextCursor",
            required: false,
            schema: .string,
            description: #"Present when more sessions follow: pass it as `cursor` for the next page. Opaque."#
        ),
    ]

    /// The sessions of this page, newest first.
    public var sessions: [SessionInfo]
    /// Where the next page starts, when more sessions follow.
    public var nextCursor: String?

    public init(sessions: [SessionInfo], nextCursor: String? = nil) {
        self.sessions = sessions
        self.nextCursor = nextCursor
    }

    public func encode(to object: inout ResultObject) {
        object.set("sessions", sessions)
        if let nextCursor { object["nextCursor"] = .string(nextCursor) }
    }
}
