import AgentCore

/// What a run of the ACP and MCP faces executes: one agent, or a named workflow.
enum RunTarget: Sendable, Equatable {
    case agent(String)
    case workflow(String)

    /// The prefix that marks a workflow where one name stands for either (ACP config values, the
    /// session's stored agent).
    static let workflowPrefix = "workflow:"

    /// Reads `echo` as an agent and `workflow:pipeline` as a workflow.
    init(stored: String) {
        if stored.hasPrefix(Self.workflowPrefix) {
            self = .workflow(String(stored.dropFirst(Self.workflowPrefix.count)))
        } else {
            self = .agent(stored)
        }
    }

    /// The inverse of ``init(stored:)``.
    var stored: String {
        switch self {
        case .agent(let name): name
        case .workflow(let name): Self.workflowPrefix + name
        }
    }

    var name: String {
        switch self {
        case .agent(let name), .workflow(let name): name
        }
    }

    /// The agent a session starts with: `echo` when it exists, else the first configured agent.
    static func defaultTarget(_ runtime: AgentRuntime) -> RunTarget {
        if runtime.agent(named: "echo") != nil { return .agent("echo") }
        return .agent(runtime.agents.first?.name ?? "echo")
    }

    /// Whether the runtime knows this agent or workflow.
    func exists(in runtime: AgentRuntime) -> Bool {
        switch self {
        case .agent(let name): runtime.agent(named: name) != nil
        case .workflow(let name): runtime.config.workflow(named: name) != nil
        }
    }
}
