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
        schema: .ref("StatsResetResult")
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
}
