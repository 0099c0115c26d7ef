import JSONCore

/// A configured workflow, as `workflows/list` lists it.
public struct WorkflowInfo: ResultType, Equatable {
    public static let name = "WorkflowInfo"
    public static let summary = #"A configured workflow."#
    public static let members: [Member] = [
        Member("name", required: true, schema: .ref("WorkflowName")),
        Member(
            "description",
            required: true,
            schema: .string,
            description: #"The workflow's description from the configuration (an empty string when it has none)."#
        ),
        Member("strategy", required: true, schema: .ref("StrategyName")),
        Member(
            "agents",
            required: true,
            schema: Schema(["type": "array", "items": ["$ref": "#/components/schemas/AgentName"]]),
            description:
                #"Every agent the workflow calls, in order of first appearance (master, sub-agents and aggregator included)."#
        ),
        Member("onError", required: true, schema: .ref("OnError")),
    ]

    /// The workflow's name.
    public var name: String
    /// Its description from the configuration, or `""`.
    public var description: String
    /// Its coordinator strategy (`sequential`, `parallel`, `hierarchical`).
    public var strategy: String
    /// Every agent it calls, in order of first appearance.
    public var agents: [String]
    /// Its `onError` policy.
    public var onError: String

    public init(name: String, description: String, strategy: String, agents: [String], onError: String) {
        self.name = name
        self.description = description
        self.strategy = strategy
        self.agents = agents
        self.onError = onError
    }

    public func encode(to object: inout ResultObject) {
        object["name"] = .string(name)
        object["description"] = .string(description)
        object["strategy"] = .string(strategy)
        object["agents"] = .array(agents.map { .string($0) })
        object["onError"] = .string(onError)
    }
}
