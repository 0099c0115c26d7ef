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

    /// The session's cumulative cost, for `usage_update.cost`. Unknown today: no provider reports a
    /// price (``RunResult`` carries none) and none is configured, so `cost` is left out rather than
    /// guessed. Once runs carry a cost, sum it per session here.
    func sessionCost(_ sessionId: String) -> ACPUpdates.Cost? {
        nil
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
