import JSONCore
import JSONRPC

/// Remove a session and its turns from the run store.
public enum SessionDeleteRequest: RequestType {
    public static let method = "session/delete"
    public static let direction = Direction.clientRequest
    public static let summary = #"Remove a session and its turns from the run store."#
    public static let description = #"""
        Removes the session and its turns, in this process and in the store; afterwards every request naming it answers -32001. Unlike `session/close`, a session with a turn in flight is refused: cancel the turn (`run/cancel`) or wait for it first. Sessions forked from it are not affected.

        Errors: -32602 when `sessionId` is missing or not a string; -32001 when the session is unknown (`data.sessionId`); -32004 when it has a turn in flight (`data.sessionId`); -32603 when the run store fails (`data.detail`); -32003 after `shutdown`.
        """#
    public static let result = ResultSpec(
        name: "sessionDeleteResult",
        description: #"Whether the session was removed."#,
        of: SessionDeleteResult.self
    )
    public static let errors: [ErrorSpec] = [.invalidParams, .notFound, .sessionBusy, .internalError, .shuttingDown]
    public static let examples = JSONValue(
        json: #"""
            [
              {
                "name": "session/delete",
                "params": [
                  {
                    "name": "sessionId",
                    "value": "ses_5b7e0c2a9d4f1e36"
                  }
                ],
                "result": {
                  "name": "session/delete result",
                  "value": {
                    "deleted": true
                  }
                }
              }
            ]
            """#
    )

    public typealias Params = SessionReference
    public typealias Result = SessionDeleteResult
}

/// Answer to `session/delete`.
public struct SessionDeleteResult: ResultType, Equatable {
    public static let name = "SessionDeleteResult"
    public static let summary = #"Answer to `session/delete`."#
    public static let members: [Member] = [
        Member(
            "deleted",
            required: true,
            schema: Schema(["type": "boolean"]),
            description: #"`true`: the session and its turns were removed (an unknown session is an error instead)."#
        )
    ]

    /// Whether this request removed the session.
    public var deleted: Bool

    public init(deleted: Bool) {
        self.deleted = deleted
    }

    public func encode(to object: inout ResultObject) {
        object["deleted"] = .bool(deleted)
    }
}
