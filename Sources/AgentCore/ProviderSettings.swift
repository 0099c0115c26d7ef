/// How to reach an OpenAI-compatible chat-completions server.
public struct OpenAISettings: Sendable, Equatable {
    /// The API root, such as `http://127.0.0.1:8080/v1`; requests go to `<baseURL>/chat/completions`.
    public var baseURL: String
    public var model: String
    /// The models a request (or an ACP client's model option) may choose instead of ``model``; empty: any.
    public var models: [String] = []
    /// The name of the environment variable holding the API key (the key never goes in config).
    public var apiKeyEnv: String?
    public var temperature: Double?
    public var maxTokens: Int?
    /// Extra request headers, in config order.
    public var headers: [Header]
    /// Limit for connecting and for any silence while the reply streams.
    public var timeoutSeconds: Double
    /// Extra attempts when the server cannot be reached before any token has streamed.
    public var retries: Int
    /// Tools the model may call.
    public var tools: [ToolDefinition]
    /// Names of the configured MCP servers (`mcpServers` in config) whose tools the model may call.
    public var mcpServers: [String] = []
    /// `auto`, `required`, `none`, or the name of one tool the model must call.
    public var toolChoice: String?
    /// Model requests of one step at most (each tool round trip takes one more).
    public var maxTurns: Int

    public struct Header: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(
        baseURL: String,
        model: String,
        apiKeyEnv: String? = nil,
        temperature: Double? = nil,
        maxTokens: Int? = nil,
        headers: [Header] = [],
        timeoutSeconds: Double = 60,
        retries: Int = 2,
        tools: [ToolDefinition] = [],
        toolChoice: String? = nil,
        maxTurns: Int = 4
    ) {
        self.baseURL = baseURL
        self.model = model
        self.apiKeyEnv = apiKeyEnv
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.headers = headers
        self.timeoutSeconds = timeoutSeconds
        self.retries = retries
        self.tools = tools
        self.toolChoice = toolChoice
        self.maxTurns = maxTurns
    }
}

/// A local program as a provider.
public struct CommandSettings: Sendable, Equatable {
    /// The program and its arguments (no shell). The first element is looked up on `PATH` unless it holds a
    /// `/`; a relative path is taken relative to ``workingDirectory``.
    public var argv: [String]
    /// Extra environment variables for the program.
    public var environment: [String: String]
    /// The program's working directory (absolute): from a config file, its `cwd` or else the file's own
    /// directory. `nil` keeps this process's working directory.
    public var workingDirectory: String?

    public init(argv: [String], environment: [String: String] = [:], workingDirectory: String? = nil) {
        self.argv = argv
        self.environment = environment
        self.workingDirectory = workingDirectory
    }
}
