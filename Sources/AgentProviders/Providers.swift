import AgentCore
import Foundation

/// Makes the provider of every type: the core's own (`echo`), `openai` and `command`.
public enum Providers {
    /// The factory to give ``AgentRuntime``.
    public static let factory: ProviderFactory = { agent in
        switch agent.provider {
        case .openai(let settings): OpenAIProvider(settings: settings)
        case .command(let settings): CommandProvider(settings: settings)
        case .echo: try builtInProviders(agent)
        }
    }
}
