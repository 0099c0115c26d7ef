/// A named agent: which provider produces its output, and how it is described to clients.
public struct AgentDefinition: Sendable, Equatable {
    public var name: String
    public var description: String
    public var provider: ProviderSpec

    public init(name: String, description: String, provider: ProviderSpec) {
        self.name = name
        self.description = description
        self.provider = provider
    }
}

/// The provider of an agent, as configured.
public enum ProviderSpec: Sendable, Equatable {
    /// Streams its input back word by word; deterministic and offline. `delayMs` waits before each token.
    case echo(delayMs: Int)

    /// The provider's type name as it appears in config and in `agents/list`.
    public var typeName: String {
        switch self {
        case .echo: "echo"
        }
    }

    /// A provider instance for one run.
    public func makeProvider() -> any Provider {
        switch self {
        case .echo(let delayMs): EchoProvider(delayMs: delayMs)
        }
    }
}
