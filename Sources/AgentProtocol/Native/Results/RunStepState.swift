import JSONCore

/// A step of a stored run, in the answer to `run/get`: its last recorded `run/step` notification without
/// `runId` and `seq`.
public struct RunStepState: ResultType, Equatable {
    public static let name = "RunStepState"
    public static let summary =
        #"A step of a stored run: the params of its last recorded `run/step` notification without `runId` and `seq`."#
    public static let members: [Member] = [
        Member("stepId", required: true, schema: .ref("StepId")),
        Member(
            "status",
            required: true,
            schema: Schema(["allOf": [Schema.ref("StepStatus").json]]),
            description:
                #"The step's last recorded status; `started` if its end was not recorded (the run is still going, or was interrupted)."#
        ),
        Member("name", required: true, schema: .string, description: #"Human-readable step name."#),
        Member(
            "agent",
            required: true,
            schema: Schema(["allOf": [Schema.ref("AgentName").json]]),
            description: #"The agent running the step; for step `1` of a workflow run, the workflow's name."#
        ),
        Member(
            "parentStepId",
            required: false,
            schema: Schema(["allOf": [Schema.ref("StepId").json]]),
            description: #"The enclosing step, for nested steps."#
        ),
        Member(
            "strategy",
            required: false,
            schema: Schema(["allOf": [Schema.ref("StrategyName").json]]),
            description: #"The strategy of the workflow the step belongs to; absent in agent runs."#
        ),
        Member(
            "durationMs",
            required: false,
            schema: Schema(["allOf": [Schema.ref("DurationMs").json]]),
            description: #"How long the step took; present once it ended."#
        ),
        Member(
            "error",
            required: false,
            schema: .string,
            description: #"Why the step failed; present with `failed`."#
        ),
        Member(
            "usage",
            required: false,
            schema: RunUsage.ref,
            description: #"What the agent call used and cost, once it ended."#
        ),
    ]

    /// A step's lifecycle status (the `StepStatus` schema).
    public enum Status: String, Sendable, Equatable {
        case started, completed, failed, cancelled, reused
    }

    public var stepId: String
    public var status: Status
    /// Human-readable step name.
    public var name: String
    /// The agent running the step; for step `1` of a workflow run, the workflow's name.
    public var agent: String
    /// The enclosing step, for nested steps.
    public var parentStepId: String?
    /// The strategy of the workflow the step belongs to; `nil` in agent runs.
    public var strategy: String?
    /// How long the step took, once it ended.
    public var durationMs: Int?
    /// Why the step failed.
    public var error: String?
    /// What the agent call used and cost, once it ended.
    public var usage: RunUsage?

    public init(
        stepId: String,
        status: Status,
        name: String,
        agent: String,
        parentStepId: String? = nil,
        strategy: String? = nil,
        durationMs: Int? = nil,
        error: String? = nil,
        usage: RunUsage? = nil
    ) {
        self.stepId = stepId
        self.status = status
        self.name = name
        self.agent = agent
        self.parentStepId = parentStepId
        self.strategy = strategy
        self.durationMs = durationMs
        self.error = error
        self.usage = usage
    }

    public func encode(to object: inout ResultObject) {
        object["stepId"] = .string(stepId)
        object["status"] = .string(status.rawValue)
        object["name"] = .string(name)
        object["agent"] = .string(agent)
        if let parentStepId { object["parentStepId"] = .string(parentStepId) }
        if let strategy { object["strategy"] = .string(strategy) }
        if let durationMs { object["durationMs"] = .int(durationMs) }
        if let error { object["error"] = .string(error) }
        object.set("usage", usage)
    }
}
