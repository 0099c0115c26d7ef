/// A provider that could not produce its reply, with what a user needs to act on it. A step that
/// fails with one ends the run with a `providerFailure` carrying its retryability, suggestions and
/// details.
public struct ProviderError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var retryable: Bool
    public var suggestions: [String]
    public var details: [String: RunFailure.DetailValue]

    public init(
        _ message: String,
        retryable: Bool = false,
        suggestions: [String] = [],
        details: [String: RunFailure.DetailValue] = [:]
    ) {
        self.message = message
        self.retryable = retryable
        self.suggestions = suggestions
        self.details = details
    }

    public var description: String { message }
}

/// Makes the provider for one agent call. The core builds `echo` itself; the service and the command
/// line pass a factory that also knows the network and process providers.
public typealias ProviderFactory = @Sendable (AgentDefinition) throws -> any Provider

/// The factory that knows only the providers built into the core.
public let builtInProviders: ProviderFactory = { agent in
    guard let provider = agent.provider.makeProvider() else {
        throw ProviderError(
            "The \(agent.provider.typeName) provider is not available in this build",
            suggestions: ["Use the agentwire binary, which includes every provider."]
        )
    }
    return provider
}
