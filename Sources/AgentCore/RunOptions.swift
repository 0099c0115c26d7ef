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
    /// What the run may spend; members left out come from the agent's or workflow's `limits.budget`.
    public var budget: Budget
    /// The model every model call of the run uses instead of its agent's configured one.
    public var model: String?
    /// The JSON Schema the run's final output must match (replacing the agent's or workflow's own).
    public var outputSchema: JSONValue?
    /// The run this one resumes (`run/resume`), named in its `started` event.
    public var resumedFrom: String?
    /// Completed agent calls of the run this one resumes, by step id: a call of the same step, agent and
    /// input is not made again; its output is reused (a `reused` step).
    public var reuse: [String: Checkpoint] = [:]

    public init(
        timeoutMs: Int? = nil,
        history: [Turn] = [],
        requestId: JSONValue? = nil,
        traceContext: TraceContext? = nil,
        sessionTools: (any MCPToolSource)? = nil,
        budget: Budget = Budget(),
        model: String? = nil,
        outputSchema: JSONValue? = nil
    ) {
        self.budget = budget
        self.model = model
        self.outputSchema = outputSchema
        self.timeoutMs = timeoutMs
        self.history = history
        self.requestId = requestId
        self.traceContext = traceContext
        self.sessionTools = sessionTools
    }
}
