import JSONCore

/// A named agent: which provider produces its output, its instructions, and its limits.
public struct AgentDefinition: Sendable, Equatable {
    public var name: String
    public var description: String
    public var provider: ProviderSpec
    /// Instructions given to the provider before the conversation.
    public var systemPrompt: String
    /// Per-call timeout for this agent, when set.
    public var timeoutMs: Int?
    /// The model's context window in tokens (`limits.contextWindow`), as configured; `nil` when not set.
    /// Read ``knownContextWindow`` to include the provider's default.
    public var contextWindow: Int?
    /// What a run of this agent may spend unless its request says otherwise (`limits.budget`).
    public var budget: Budget?
    /// The JSON Schema this agent's output must match when it produces a run's final output
    /// (`outputSchema`); a request's own `outputSchema` replaces it.
    public var outputSchema: JSONValue?

    public init(
        name: String,
        description: String,
        provider: ProviderSpec,
        systemPrompt: String = "",
        timeoutMs: Int? = nil,
        contextWindow: Int? = nil
    ) {
        self.name = name
        self.description = description
        self.provider = provider
        self.systemPrompt = systemPrompt
        self.timeoutMs = timeoutMs
        self.contextWindow = contextWindow
    }

    /// The context window editors show usage against: the configured one, else the provider's default.
    /// `nil` when neither says: a model server does not report its window, and a guess would make an
    /// editor's usage meter lie.
    public var knownContextWindow: Int? {
        contextWindow ?? provider.defaultContextWindow
    }

    /// Whether a request may choose this agent's model: only `openai` agents have one.
    public var takesModel: Bool {
        if case .openai = provider { return true }
        return false
    }

    /// The models a request may choose from (`provider.models`); empty when any model may be named.
    public var models: [String] {
        if case .openai(let settings) = provider { return settings.models }
        return []
    }

    /// The model its calls use: the `openai` provider's; `nil` for providers without models.
    public var model: String? {
        if case .openai(let settings) = provider { return settings.model }
        return nil
    }

    /// This agent with its calls made to `model`; providers without models are left as they are.
    public func using(model: String) -> AgentDefinition {
        guard case .openai(var settings) = provider else { return self }
        var agent = self
        settings.model = model
        agent.provider = .openai(settings)
        return agent
    }
}

/// The provider of an agent, as configured.
public enum ProviderSpec: Sendable, Equatable {
    /// Streams its input back word by word; deterministic and offline. `delayMs` waits before each
    /// token; `thinking` first emits a line of reasoning; `history` replies with every user turn of the
    /// session so far, one per line, so multi-turn behaviour is visible.
    case echo(delayMs: Int, thinking: Bool = false, history: Bool = false)
    /// A server speaking the OpenAI chat-completions API with streaming (llama.cpp, Ollama, vLLM, OpenAI).
    case openai(OpenAISettings)
    /// A local program: the input on its stdin, its stdout streamed as tokens.
    case command(CommandSettings)

    /// The provider's type name as it appears in config and in `agents/list`.
    public var typeName: String {
        switch self {
        case .echo: "echo"
        case .openai: "openai"
        case .command: "command"
        }
    }

    /// The context window a provider has without `limits.contextWindow`: the built-in `echo` model has
    /// no real limit, so it claims a small, typical one (``echoContextWindow``); `openai` and `command`
    /// run models this process knows nothing about.
    public var defaultContextWindow: Int? {
        switch self {
        case .echo: Self.echoContextWindow
        case .openai, .command: nil
        }
    }

    /// The context window of `echo` agents that set none, in tokens.
    public static let echoContextWindow = 8192

    /// A provider instance for one call, for the providers built into the core (`echo`); `nil` for
    /// the others, which a ``ProviderFactory`` makes.
    public func makeProvider() -> (any Provider)? {
        switch self {
        case .echo(let delayMs, let thinking, let history):
            EchoProvider(delayMs: delayMs, thinking: thinking, history: history)
        case .openai, .command:
            nil
        }
    }
}
