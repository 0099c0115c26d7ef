import JSONCore
import JSONRPC

/// Liveness check.
public enum PingRequest: RequestType {
    public static let method = "ping"
    public static let direction = Direction.clientRequest
    public static let summary = #"Liveness check."#
    public static let description = #"Takes no params and answers with an empty object."#
    public static let result = ResultSpec(
        name: "pingResult",
        description: #"Always `{}`."#,
        of: EmptyObject.self
    )
    public static let examples = JSONValue(
        json: #"""
            [
              {
                "name": "ping",
                "params": [],
                "result": {
                  "name": "ping result",
                  "value": {}
                }
              }
            ]
            """#
    )
    public typealias Params = NoParams
    public typealias Result = EmptyObject
}
