import AgentCore
import JSONCore

extension ACPAgent {
    /// What a turn's `usage_update` is measured against: the run target's context window, and the tokens
    /// the session's earlier turns already hold (the provider gets them as history).
    struct ContextBudget: Sendable {
        var window: Int
        var historyTokens: Int
    }

    /// The budget of a turn of `target` after `history`; `nil` when the target's context window is not
    /// known, and the turn then sends no `usage_update` (a made-up size would show a full or an empty
    /// context, both false).
    func contextBudget(target: RunTarget, history: [Turn]) -> ContextBudget? {
        let window: Int?
        switch target {
        case .agent(let name): window = runtime.agent(named: name)?.knownContextWindow
        case .workflow(let name): window = runtime.config.knownContextWindow(workflow: name)
        }
        guard let window else { return nil }
        let historyTokens = history.reduce(0) {
            $0 + Self.estimatedTokens($1.input) + Self.estimatedTokens($1.output)
        }
        return ContextBudget(window: window, historyTokens: historyTokens)
    }

    /// The `usage_update` closing a turn: the history, this turn's input (estimated) and its output
    /// tokens, of the budget's window.
    func usageUpdate(
        sessionId: String,
        budget: ContextBudget,
        input: String,
        outputTokens: Int
    ) -> JSONObject {
        let used = budget.historyTokens + Self.estimatedTokens(input) + outputTokens
        return ACPUpdates.usage(used: used, size: budget.window, cost: sessionCost(sessionId))
    }

    /// The session's cumulative cost, for `usage_update.cost`: the sum of its turns' costs while every
    /// turn had one (see ``addTurnCost(_:sessionId:)``); left out otherwise rather than guessed.
    func sessionCost(_ sessionId: String) -> ACPUpdates.Cost? {
        state.withLock { $0.sessions[sessionId]?.cost }.map { ACPUpdates.Cost(amount: $0.doubleValue, currency: "USD") }
    }

    /// Adds a turn's cost to its session's; a turn without one (an unpriced model, a provider that
    /// reports no usage) makes the session's cost unknown from then on.
    func addTurnCost(_ usage: Usage?, sessionId: String) {
        state.withLock { state in
            guard let cost = state.sessions[sessionId]?.cost else { return }
            state.sessions[sessionId]!.cost = usage?.cost.map { cost + $0 }
        }
    }

    /// A rough token count (runs of non-blank bytes), for `usage_update`; a byte scan, as prompts and
    /// histories can be large.
    static func estimatedTokens(_ text: String) -> Int {
        var count = 0
        var inWord = false
        for byte in text.utf8 {
            let blank = byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D
            if !blank && !inWord { count += 1 }
            inWord = !blank
        }
        return count
    }
}
