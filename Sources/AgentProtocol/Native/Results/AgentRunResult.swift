import JSONCore

/// Answer to `agent/run` and `session/prompt`: the run's output and how it ended.
public struct AgentRunResult: ResultType, Equatable {
    public static let name = "AgentRunResult"
    public static let summary =
        #"Answer to `agent/run` and `session/prompt`. A run stopped with `run/cancel` is also answered this way, with `stopReason: "cancelled"` and the partial output."#
    public static let members: [Member] = [
        Member("runId", required: true, schema: .ref("RunId")),
        Member("agent", required: true, schema: .ref("AgentName")),
        Member(
            "output",
            required: true,
            schema: .string,
            description: #"The agent's output (the partial output if the run was cancelled)."#
        ),
        Member("stopReason", required: true, schema: .ref("StopReason")),
        Member("usage", required: true, schema: RunUsage.ref),
        Member("durationMs", required: true, schema: .ref("DurationMs")),
        .structuredOutput,
        Member(
            "warnings",
            required: false,
            schema: Schema(["type": "array", "items": ["type": "string"]]),
            description:
                #"Present on a `session/prompt` answer when the run store could not keep the turn: what failed. The turn is in the session's history in this process only."#
        ),
    ]

    public var runId: String
    /// The agent that ran (for a session turn, the session's agent).
    public var agent: String
    /// The output, partial if the run was cancelled.
    public var output: String
    public var stopReason: RunStopReason
    public var usage: RunUsage
    public var durationMs: Int
    /// The output parsed as JSON, when the run had an output schema.
    public var structuredOutput: JSONValue?
    /// What went wrong beside the run (a session turn the store could not keep); sent only when not empty.
    public var warnings: [String]

    public init(
        runId: String,
        agent: String,
        output: String,
        stopReason: RunStopReason,
        usage: RunUsage,
        durationMs: Int,
        structuredOutput: JSONValue? = nil,
        warnings: [String] = []
    ) {
        self.structuredOutput = structuredOutput
        self.runId = runId
        self.agent = agent
        self.output = output
        self.stopReason = stopReason
        self.usage = usage
        self.durationMs = durationMs
        self.warnings = warnings
    }

    public func encode(to object: inout ResultObject) {
        object["runId"] = .string(runId)
        object["agent"] = .string(agent)
        object["output"] = .string(output)
        object["stopReason"] = .string(stopReason.rawValue)
        object.set("usage", usage)
        object["durationMs"] = .int(durationMs)
        if let structuredOutput { object["structuredOutput"] = structuredOutput }
        if !warnings.isEmpty { object["warnings"] = .array(warnings.map { .string($0) }) }
    }
}

extension Member {
    /// `structuredOutput` of the run results: the output parsed as JSON.
    static let structuredOutput = Member(
        "structuredOutput",
        required: false,
        schema: Schema(["description": "Any JSON value."]),
        description:
            #"The output parsed as JSON; present when the run had an `outputSchema` (the request's, or the agent's or workflow's in config) and the output matched it."#
    )
}
