import AgentCore
import AgentProtocol
import JSONCore
import JSONRPC
import JSONRPCTransport

/// What a session runs, offered two ways: the `agent` config option (`session/set_config_option`) and
/// the session modes (`session/set_mode`), for clients that predate config options. Both list the same
/// run targets under the same ids (`echo`, `workflow:pipeline`) and both set the one target a session
/// has, so the two selectors cannot disagree.
extension ACPAgent {
    /// The config option choosing what a session runs.
    static let targetOptionId = "agent"
    /// The config option choosing the model of an agent whose provider lists `models`.
    static let modelOptionId = "model"

    /// The models a session running `target` may choose: its agent's `provider.models`, the configured
    /// model first when the list leaves it out. Empty for workflows and agents without a list.
    func modelChoices(_ target: RunTarget) -> [String] {
        guard case .agent(let name) = target, let agent = runtime.agent(named: name), !agent.models.isEmpty,
            let configured = agent.model
        else { return [] }
        return agent.models.contains(configured) ? agent.models : [configured] + agent.models
    }

    /// One run target as the selectors show it.
    struct TargetChoice {
        var target: RunTarget
        var name: String
        var description: String
    }

    /// Every agent, then every workflow, in config order.
    func targetChoices() -> (agents: [TargetChoice], workflows: [TargetChoice]) {
        let agents = runtime.agents.map {
            TargetChoice(target: .agent($0.name), name: $0.name, description: $0.description)
        }
        let workflows = runtime.config.workflows.map {
            TargetChoice(
                target: .workflow($0.name),
                name: $0.name,
                description: $0.description.isEmpty ? "\($0.strategy.name) workflow" : $0.description
            )
        }
        return (agents, workflows)
    }

    /// One `select` option listing every agent and workflow, grouped; and, when the agent lists
    /// `models`, a `model` option (category `model`) with them, `model` chosen (else its configured one).
    func configOptions(current: RunTarget, model: String? = nil) -> [ACPSessionConfigOption] {
        let choices = targetChoices()
        func options(_ list: [TargetChoice]) -> [ACPSessionConfigSelectOption] {
            list.map {
                ACPSessionConfigSelectOption(value: $0.target.stored, name: $0.name, description: $0.description)
            }
        }
        var groups = [ACPSessionConfigSelectGroup(group: "agents", name: "Agents", options: options(choices.agents))]
        if !choices.workflows.isEmpty {
            groups.append(
                ACPSessionConfigSelectGroup(group: "workflows", name: "Workflows", options: options(choices.workflows))
            )
        }
        var options = [
            ACPSessionConfigOption(
                id: Self.targetOptionId,
                name: "Agent",
                description: "The agent or workflow that answers prompts in this session",
                currentValue: current.stored,
                options: groups
            )
        ]
        let models = modelChoices(current)
        if let first = models.first {
            options.append(
                ACPSessionConfigOption(
                    id: Self.modelOptionId,
                    name: "Model",
                    description: "The model the agent calls (pricing follows it)",
                    category: "model",
                    currentValue: model ?? first,
                    options: [
                        ACPSessionConfigSelectGroup(
                            group: "models",
                            name: "Models",
                            options: models.map { ACPSessionConfigSelectOption(value: $0, name: $0, description: nil) }
                        )
                    ]
                )
            )
        }
        return options
    }

    /// ACP `SessionModeState`: the same targets as a flat list. Workflow names say so, as a flat list
    /// has no groups and an agent and a workflow may share a name.
    func modes(current: RunTarget) -> ACPSessionModeState {
        let choices = targetChoices()
        let available = (choices.agents + choices.workflows).map { choice -> ACPSessionMode in
            let isWorkflow = if case .workflow = choice.target { true } else { false }
            return ACPSessionMode(
                id: choice.target.stored,
                name: isWorkflow ? "\(choice.name) (workflow)" : choice.name,
                description: choice.description.isEmpty ? nil : choice.description
            )
        }
        return ACPSessionModeState(currentModeId: current.stored, availableModes: available)
    }

    /// `session/set_config_option`: sets what the session runs. A client following the modes learns of
    /// the change from a `current_mode_update`, sent before the reply.
    func setConfigOption(
        _ params: ACPSessionSetConfigOptionRequest.Params,
        connection: Connection
    ) throws(ResponseError) -> ACPSessionSetConfigOptionResult {
        let sessionId = params.sessionId
        let configId = params.configId
        if configId == Self.modelOptionId { return try setModel(sessionId: sessionId, params.value) }
        guard configId == Self.targetOptionId else {
            throw .invalidParams(
                field: "params.configId",
                "unknown config option '\(configId)' (known: agent, and model for agents that list models)"
            )
        }
        let value = params.value
        let target = RunTarget(stored: value)
        guard target.exists(in: runtime) else {
            throw .invalidParams(field: "params.value", "no agent or workflow '\(value)'")
        }
        if try switchTarget(sessionId: sessionId, to: target) {
            connection.send(ACPUpdates.notification(sessionId: sessionId, ACPUpdates.currentMode(target.stored)))
        }
        return ACPSessionSetConfigOptionResult(configOptions: configOptions(current: target))
    }

    /// The `model` config option: the model the session's agent calls from its next prompt on.
    private func setModel(sessionId: String, _ value: String) throws(ResponseError) -> ACPSessionSetConfigOptionResult {
        guard let target = state.withLock({ $0.sessions[sessionId]?.target }) else {
            throw Self.unknownSession(sessionId)
        }
        let models = modelChoices(target)
        guard !models.isEmpty else {
            throw .invalidParams(
                field: "params.configId",
                "the session's \(target.stored) has no models to choose from (its provider lists no models)"
            )
        }
        guard models.contains(value) else {
            throw .invalidParams(
                field: "params.value",
                "no model '\(value)' (models: \(models.joined(separator: ", ")))"
            )
        }
        state.withLock { $0.sessions[sessionId]?.model = value }
        logger.info("ACP session model set", metadata: ["sessionId": "\(sessionId)", "model": "\(value)"])
        return ACPSessionSetConfigOptionResult(configOptions: configOptions(current: target, model: value))
    }

    /// `session/set_mode`: the same as setting the `agent` config option to `modeId`. The client chose
    /// the mode, so no `current_mode_update` follows; and no `config_option_update` either, since the
    /// clients that send this predate config options and may not know that update.
    func setMode(_ params: ACPSessionSetModeRequest.Params) throws(ResponseError) {
        let sessionId = params.sessionId
        let modeId = params.modeId
        let target = RunTarget(stored: modeId)
        guard target.exists(in: runtime) else {
            throw .invalidParams(field: "params.modeId", "no mode '\(modeId)' (an agent, or workflow:NAME)")
        }
        try switchTarget(sessionId: sessionId, to: target)
    }

    /// Makes `target` what the session runs from its next prompt on (a prompt in flight keeps its own).
    /// - Returns: whether the target changed.
    @discardableResult
    private func switchTarget(sessionId: String, to target: RunTarget) throws(ResponseError) -> Bool {
        let previous = state.withLock { state -> RunTarget? in
            guard let previous = state.sessions[sessionId]?.target else { return nil }
            state.sessions[sessionId]!.target = target
            if previous != target { state.sessions[sessionId]!.model = nil }  // the new agent's own
            return previous
        }
        guard let previous else { throw Self.unknownSession(sessionId) }
        logger.info("ACP session target set", metadata: ["sessionId": "\(sessionId)", "target": "\(target.stored)"])
        return previous != target
    }
}
