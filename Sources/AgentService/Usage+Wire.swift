import AgentCore
import AgentProtocol

extension RunUsage {
    /// The wire form of a core ``Usage``: a run's, a step's or a branch's.
    init(_ usage: Usage) {
        self.init(
            outputTokens: usage.outputTokens,
            inputTokens: usage.inputTokens,
            cachedInputTokens: usage.cachedInputTokens,
            reasoningTokens: usage.reasoningTokens,
            costUsd: usage.cost?.doubleValue,
            modelCalls: usage.modelCalls,
            model: usage.model,
            reported: usage.reported
        )
    }
}
