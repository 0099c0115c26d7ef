import JSONCore
import JSONRPC

/// Forget a session.
public enum SessionCloseRequest: RequestType {
    public static let method = "session/close"
    public static let direction = Direction.clientRequest
    public static let summary = #"Forget a session."#
    public static let description = #"""
        Deletes the session and its history. A turn in flight is not cancelled and is still answered.

        Errors: -32602 when `sessionId` is missing or not a string; -32001 when the session is unknown (`data.sessionId`); -32003 after `shutdown`.
        """#
    public static let result = ResultSpec(
        name: "sessionCloseResult",
        description: #"Always `{closed: true}`."#,
        of: SessionCloseResult.self
    )
    public static let errors: [ErrorSpec] = [.invalidParams, .notFound, .shuttingDown]
    public static let examples = JSONValue(
        json: #"""
            [
              {
                "name": "session/close",
                "params": [
                  {
                    "name": "sessionId",
                    "value": "ses_5b7e0c2a9d4f1e36"
                  }
                ],
                "result": {
                  "name": "session/close result",
                  "value": {
                    "closed": true
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
                description: #"The session to close."#
            )
        ]
        public static let positional = ["sessionId"]

        public var sessionId: String

        public init(
            sessionId: String
        ) {
            self.sessionId = sessionId
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            sessionId = try reader.string("sessionId")
        }
    }

    public typealias Result = SessionCloseResult
}

/// Answer to `session/close`: always `{closed: true}`, since an unknown session is an error.
public struct SessionCloseResult: ResultType, Equatable {
    public static let name = "SessionCloseResult"
    public static let summary = #"Answer to `session/close`."#
    public static let members: [Member] = [
        Member(
            "closed",
            required: true,
            schema: Schema(["type": "boolean", "const": true]),
            description: #"Always `true`; an unknown session is an error instead."#
        )
    ]

    public init() {}

    public func encode(to object: inout ResultObject) {
        object["closed"] = true
    }
}
