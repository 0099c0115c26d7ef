import JSONCore
import JSONRPC

/// Remove a finished run and its events from the run store.
public enum RunDeleteRequest: RequestType {
    public static let method = "run/delete"
    public static let direction = Direction.clientRequest
    public static let summary = #"Remove a finished run and its events from the run store."#
    public static let description = #"""
        Removes a run that has ended (any status but `running`) and its events from the store; afterwards every request naming it answers -32001. A running run must be stopped first with `run/cancel` (which also marks a run whose process is gone `interrupted`).

        Errors: -32602 when `runId` is missing or not a string, or the run is still `running` (`data.field: "params.runId"`); -32001 when the store has no such run (`data.runId`); -32603 when the run store fails (`data.detail`); -32003 after `shutdown`.
        """#
    public static let result = ResultSpec(
        name: "runDeleteResult",
        description: #"Whether the run was removed."#,
        of: RunDeleteResult.self
    )
    public static let errors: [ErrorSpec] = [.invalidParams, .notFound, .internalError, .shuttingDown]
    public static let examples = JSONValue(
        json: #"""
            [
              {
                "name": "run/delete",
                "params": [
                  {
                    "name": "runId",
                    "value": "run_3f2a9c1e7b4d5a60"
                  }
                ],
                "result": {
                  "name": "run/delete result",
                  "value": {
                    "deleted": true
                  }
                }
              }
            ]
            """#
    )

    public typealias Params = RunReference
    public typealias Result = RunDeleteResult
}

/// Answer to `run/delete`.
public struct RunDeleteResult: ResultType, Equatable {
    public static let name = "RunDeleteResult"
    public static let summary = #"Answer to `run/delete`."#
    public static let members: [Member] = [
        Member(
            "deleted",
            required: true,
            schema: Schema(["type": "boolean"]),
            description:
                #"`true` when the run and its events were removed; `false` only if another request removed them at the same moment."#
        )
    ]

    /// Whether this request removed the run and its events.
    public var deleted: Bool

    public init(deleted: Bool) {
        self.deleted = deleted
    }

    public func encode(to object: inout ResultObject) {
        object["deleted"] = .bool(deleted)
    }
}
