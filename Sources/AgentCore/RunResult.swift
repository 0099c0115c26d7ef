/// How a run ended.
public enum StopReason: String, Sendable {
    case endTurn = "end_turn"
    case cancelled
}

/// The outcome of a run, returned once all its events have been emitted.
public struct RunResult: Sendable, Equatable {
    public var runId: String
    public var agent: String
    public var output: String
    public var stopReason: StopReason
    public var outputTokens: Int
    public var durationMs: Int

    public init(runId: String, agent: String, output: String, stopReason: StopReason, outputTokens: Int, durationMs: Int) {
        self.runId = runId
        self.agent = agent
        self.output = output
        self.stopReason = stopReason
        self.outputTokens = outputTokens
        self.durationMs = durationMs
    }
}

/// Why a run could not start or failed.
public enum AgentError: Error, Sendable, Equatable {
    case unknownAgent(name: String, available: [String])
    case providerFailed(agent: String, message: String)
}
