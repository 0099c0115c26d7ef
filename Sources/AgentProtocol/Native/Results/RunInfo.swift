import JSONCore

/// A run as the run store keeps it: the answer to `run/status`, an entry of `run/list`, and the first
/// members of `run/get`.
public struct RunInfo: ResultType, Equatable {
    public static let name = "RunInfo"
    public static let summary =
        #"A run as the run store keeps it: answer to `run/status`, an entry of `run/list`, and the first members of `run/get`, sent in this member order. `agent` is present for agent runs and session turns, `workflow` and `strategy` for workflow runs; `endedAt` and `durationMs` once the run has ended."#
    public static let members: [Member] = [
        Member("runId", required: true, schema: .ref("RunId")),
        Member("kind", required: true, schema: .ref("RunKind")),
        Member(
            "agent",
            required: false,
            schema: Schema(["allOf": [Schema.ref("AgentName").json]]),
            description: #"The agent, for agent runs and session turns."#
        ),
        Member(
            "workflow",
            required: false,
            schema: Schema(["allOf": [Schema.ref("WorkflowName").json]]),
            description: #"The workflow's name, for workflow runs (the strategy name for `coordinator/*` runs)."#
        ),
        Member(
            "strategy",
            required: false,
            schema: Schema(["allOf": [Schema.ref("StrategyName").json]]),
            description: #"The workflow's strategy, for workflow runs."#
        ),
        Member("status", required: true, schema: .ref("RunStatus")),
        Member(
            "live",
            required: true,
            schema: Schema(["type": "boolean"]),
            description:
                #"Whether this process is running the run right now (`false` for a run of another process sharing the store, and for every finished run)."#
        ),
        Member(
            "startedAt",
            required: true,
            schema: Schema(["allOf": [Schema.ref("Timestamp").json]]),
            description: #"When the run started."#
        ),
        Member(
            "endedAt",
            required: false,
            schema: Schema(["allOf": [Schema.ref("Timestamp").json]]),
            description:
                #"When the run ended (for an interrupted run: when it was marked interrupted); absent while it is `running`."#
        ),
        Member(
            "durationMs",
            required: false,
            schema: Schema(["allOf": [Schema.ref("DurationMs").json]]),
            description:
                #"`endedAt` minus `startedAt` as the store keeps them (to the millisecond; may differ slightly from the `durationMs` of the run's result); absent while it is `running`."#
        ),
        Member(
            "usage",
            required: true,
            schema: Schema(["allOf": [RunUsage.ref.json]]),
            description:
                #"What the run's model calls used and cost, recorded when the run ends (failed runs included): only `outputTokens: 0` while it runs and for interrupted runs."#
        ),
        Member(
            "resumedFrom",
            required: false,
            schema: .ref("RunId"),
            description: #"The run this one resumes (`run/resume`); present for resumed runs only."#
        ),
    ]
    /// Which members each kind and status requires.
    public static let extraKeywords: JSONObject = [
        "allOf": [
            [
                "if": ["properties": ["kind": ["enum": ["agent", "session"]]], "required": ["kind"]],
                "then": ["required": ["agent"]],
            ],
            [
                "if": ["properties": ["kind": ["const": "workflow"]], "required": ["kind"]],
                "then": ["required": ["workflow", "strategy"]],
            ],
            [
                "if": ["properties": ["status": ["const": "running"]], "required": ["status"]],
                "else": ["required": ["endedAt", "durationMs"]],
            ],
        ]
    ]

    /// What a run runs (the `RunKind` schema).
    public enum Kind: String, Sendable, Equatable {
        /// `agent/run`, `agent/start`.
        case agent
        /// `workflow/run`, `workflow/start`, `coordinator/*`.
        case workflow
        /// A `session/prompt` turn (or an ACP prompt turn).
        case session
        /// An MCP `tools/call`.
        case tool
    }

    /// Where a run stands (the `RunStatus` schema); every status but ``running`` is final.
    public enum Status: String, Sendable, Equatable, CaseIterable {
        case running, completed, failed, cancelled, interrupted
    }

    public var runId: String
    public var kind: Kind
    /// The agent, for agent runs and session turns.
    public var agent: String?
    /// The workflow's name, for workflow runs.
    public var workflow: String?
    /// The workflow's strategy, for workflow runs.
    public var strategy: String?
    public var status: Status
    /// Whether this process is running the run right now.
    public var live: Bool
    /// When the run started, ISO 8601 in UTC to the second.
    public var startedAt: String
    /// When the run ended, ISO 8601 in UTC to the second; `nil` while it is running.
    public var endedAt: String?
    /// `endedAt` minus `startedAt` in milliseconds; `nil` while the run is running.
    public var durationMs: Int?
    public var usage: RunUsage
    /// The run this one resumes.
    public var resumedFrom: String?

    public init(
        runId: String,
        kind: Kind,
        agent: String? = nil,
        workflow: String? = nil,
        strategy: String? = nil,
        status: Status,
        live: Bool,
        startedAt: String,
        endedAt: String? = nil,
        durationMs: Int? = nil,
        usage: RunUsage,
        resumedFrom: String? = nil
    ) {
        self.resumedFrom = resumedFrom
        self.runId = runId
        self.kind = kind
        self.agent = agent
        self.workflow = workflow
        self.strategy = strategy
        self.status = status
        self.live = live
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.durationMs = durationMs
        self.usage = usage
    }

    public func encode(to object: inout ResultObject) {
        object["runId"] = .string(runId)
        object["kind"] = .string(kind.rawValue)
        if let agent { object["agent"] = .string(agent) }
        if let workflow { object["workflow"] = .string(workflow) }
        if let strategy { object["strategy"] = .string(strategy) }
        object["status"] = .string(status.rawValue)
        object["live"] = .bool(live)
        object["startedAt"] = .string(startedAt)
        if let endedAt { object["endedAt"] = .string(endedAt) }
        if let durationMs { object["durationMs"] = .int(durationMs) }
        object.set("usage", usage)
        if let resumedFrom { object["resumedFrom"] = .string(resumedFrom) }
    }
}
