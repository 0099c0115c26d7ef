import JSONCore
import JSONRPC

/// Ask the server to stop accepting new work.
public enum ShutdownRequest: RequestType {
    public static let method = "shutdown"
    public static let direction = Direction.clientRequest
    public static let summary = #"Ask the server to stop accepting new work."#
    public static let description = #"""
        Takes no params and answers with `null`. After it, every request except `shutdown` and `ping` is answered with -32003 Shutting down. Follow it with the `exit` notification; `exit` after `shutdown` ends the process with status 0.
        """#
    public static let result = ResultSpec(
        name: "shutdownResult",
        description: #"Always `null`."#,
        of: NullResult.self
    )
    public static let examples = JSONValue(
        json: #"""
            [
              {
                "name": "shutdown",
                "params": [],
                "result": {
                  "name": "shutdown result",
                  "value": null
                }
              }
            ]
            """#
    )
    public typealias Params = NoParams
    public typealias Result = NullResult
}
