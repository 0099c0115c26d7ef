import JSONCore
import JSONRPC

/// Forget the statistics.
public enum StatsResetRequest: RequestType {
    public static let method = "stats/reset"
    public static let direction = Direction.clientRequest
    public static let summary = #"Forget the statistics."#
    public static let description = #"""
        Clears every statistic and restarts `since`. Runs in flight stay counted as active and are recorded when they end. Takes no params (any given are ignored).

        Errors: -32003 after `shutdown`.
        """#
    public static let result = ResultSpec(
        name: "statsResetResult",
        description: #"Always `{reset: true}`."#,
        of: StatsResetResult.self
    )
    public static let errors: [ErrorSpec] = [.shuttingDown]
    public static let examples = JSONValue(
        json: #"""
            [
              {
                "name": "stats/reset",
                "params": [],
                "result": {
                  "name": "stats/reset result",
                  "value": {
                    "reset": true
                  }
                }
              }
            ]
            """#
    )
    public typealias Params = NoParams
    public typealias Result = StatsResetResult
}

/// Answer to `stats/reset`: always `{reset: true}`.
public struct StatsResetResult: ResultType, Equatable {
    public static let name = "StatsResetResult"
    public static let summary = #"Answer to `stats/reset`."#
    public static let members: [Member] = [
        Member(
            "reset",
            required: true,
            schema: Schema(["type": "boolean", "const": true]),
            description: #"Always `true`."#
        )
    ]

    public init() {}

    public func encode(to object: inout ResultObject) {
        object["reset"] = true
    }
}
