import JSONCore

/// How a run ended.
public enum StopReason: String, Sendable {
    case endTurn = "end_turn"
    case cancelled
}

/// The outcome of a run, returned once all its events have been emitted.
public struct RunResult: Sendable, Equatable {
    public var runId: String
    /// The agent, or the workflow for coordinator runs.
    public var name: String
    /// The strategy for coordinator runs; `nil` for a single agent.
    public var strategy: String?
    public var output: String
    public var stopReason: StopReason
    public var outputTokens: Int
    public var durationMs: Int
    /// Each agent call of a workflow, in step order (empty for a single agent run).
    public var branches: [BranchResult]
    /// What the run's model calls used and cost, over all its steps.
    public var usage: Usage
    /// The output parsed as JSON, when the run had an `outputSchema` (and the output matched it).
    public var structuredOutput: JSONValue?

    public init(
        runId: String,
        name: String,
        strategy: String? = nil,
        output: String,
        stopReason: StopReason,
        outputTokens: Int,
        durationMs: Int,
        branches: [BranchResult] = [],
        usage: Usage? = nil,
        structuredOutput: JSONValue? = nil
    ) {
        self.usage = usage ?? Usage(outputTokens: outputTokens, reported: false)
        self.structuredOutput = structuredOutput
        self.runId = runId
        self.name = name
        self.strategy = strategy
        self.output = output
        self.stopReason = stopReason
        self.outputTokens = outputTokens
        self.durationMs = durationMs
        self.branches = branches
    }

    /// The agent of a single-agent run.
    public var agent: String { name }
}

/// One agent call of a workflow and how it ended.
public struct BranchResult: Sendable, Equatable {
    public var stepId: String
    public var agent: String
    public var status: StepEvent.Status
    public var output: String
    public var error: String?
    public var durationMs: Int
    /// What the call used and cost.
    public var usage: Usage?

    public init(
        stepId: String,
        agent: String,
        status: StepEvent.Status,
        output: String,
        error: String?,
        durationMs: Int,
        usage: Usage? = nil
    ) {
        self.usage = usage
        self.stepId = stepId
        self.agent = agent
        self.status = status
        self.output = output
        self.error = error
        self.durationMs = durationMs
    }
}
