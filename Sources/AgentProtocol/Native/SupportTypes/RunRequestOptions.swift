import JSONCore
import JSONRPC

/// What every run-starting request takes besides its target and input: the run's time limit, which
/// notifications it streams, and the request's metadata (where a W3C trace context joins the client's trace).
public struct RunRequestOptions: Sendable, Equatable {
    public var timeoutMs: Int64?
    public var stream: JSONValue?
    public var meta: JSONObject?

    public init(timeoutMs: Int64? = nil, stream: JSONValue? = nil, meta: JSONObject? = nil) {
        self.timeoutMs = timeoutMs
        self.stream = stream
        self.meta = meta
    }

    public init(from reader: ParamsReader) throws(ResponseError) {
        timeoutMs = try reader.optionalInteger("timeoutMs")
        stream = reader.optionalValue("stream")
        meta = reader.meta
    }

    /// The members, after the request's own.
    /// - Parameter workflow: the request runs a workflow, whose own `timeoutMs` also applies.
    public static func members(workflow: Bool = false) -> [Member] {
        [
            Member(
                "timeoutMs",
                required: false,
                schema: .ref("TimeoutMs"),
                description: """
                    Limit for the whole run in milliseconds (1 to 86400000). Past it the run is stopped with -32005 \
                    Timeout and its partial output: in the reply, or for `agent/start` and `workflow/start` in the \
                    stored run.\(workflow ? " For a workflow the smaller of this and the workflow's own `timeoutMs` applies." : "")
                    """
            ),
            Member(
                "stream",
                required: false,
                schema: .ref("StreamOptions"),
                description: """
                    Which notifications this run sends to this connection, over the connection's setting from \
                    `initialize` (members left out keep that setting). `run/started` and the reply are always sent, \
                    and the store keeps every event whatever this says.
                    """
            ),
            Member(
                "_meta",
                required: false,
                schema: .ref("RequestMeta"),
                description: "Request metadata; a W3C trace context here makes the run's spans join the client's trace."
            ),
        ]
    }
}
