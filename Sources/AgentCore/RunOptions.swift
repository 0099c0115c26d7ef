import JSONCore

/// Options of one run beyond its input.
public struct RunOptions: Sendable {
    /// Limit for the whole run; past it the run fails with a timeout error carrying the partial output.
    public var timeoutMs: Int?
    /// Earlier turns of a session, for the provider to see.
    public var history: [Turn]
    /// The id of the request that started the run, named in its `started` event so a client with
    /// several runs in flight knows which is which.
    public var requestId: JSONValue?
    /// The client's trace (W3C `traceparent`/`tracestate`); the run's spans join it.
    public var traceContext: TraceContext?
    /// MCP servers of the session the run belongs to (an editor's, from ACP `session/new`): every agent of
    /// the run may call their tools.
    public var sessionTools: (any MCPToolSource)?

    public init(
        timeoutMs: Int? = nil,
        history: [Turn] = [],
        requestId: JSONValue? = nil,
        traceContext: TraceContext? = nil,
        sessionTools: (any MCPToolSource)? = nil
    ) {
        self.timeoutMs = timeoutMs
        self.history = history
        self.requestId = requestId
        self.traceContext = traceContext
        self.sessionTools = sessionTools
    }
}
