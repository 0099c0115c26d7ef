/// An MCP server whose tools agents may call: how to reach it, and what AgentWire allows of it. Written
/// in the shape Claude Desktop, Cursor and VS Code use (`command`/`args`/`env`/`cwd`, or `url`/`headers`),
/// with AgentWire's own `permission`, `tools` and `timeoutMs`.
public struct MCPServerDefinition: Sendable, Equatable {
    /// How the server is reached.
    public enum Transport: Sendable, Equatable {
        /// A program started by AgentWire, speaking newline-delimited JSON-RPC on its stdin and stdout.
        /// `command` is looked up on `PATH` unless it holds a `/`; a relative path is taken relative to
        /// `workingDirectory`.
        case stdio(command: String, arguments: [String], environment: [String: String], workingDirectory: String?)
        /// A server already running, reached with MCP's Streamable HTTP transport at `url`.
        case http(url: String, headers: [String: String])
    }

    /// The name agents enable it by (`provider.mcpServers`) and the prefix of its tools' names.
    public var name: String
    public var transport: Transport
    /// Whether its tools run at once, need the client's consent, or are refused (`ask` by default, as for
    /// command tools).
    public var permission: ToolDefinition.Permission
    /// The only tools offered to models, when set; every tool the server lists otherwise.
    public var allowedTools: [String]?
    /// Limit for one tool call; past it the call is cancelled and fails.
    public var timeoutMs: Int
    /// Limit for starting: the `initialize` handshake, and each `tools/list`.
    public var startTimeoutMs: Int
    /// How long to wait for the client's answer to a permission request before rejecting the call.
    public var askTimeoutMs: Int
    /// A result's text beyond this many bytes is cut (and marked as cut).
    public var maxOutputBytes: Int

    public static let defaultTimeoutMs = 60_000
    /// Long enough for a first `npx`/`uvx` start, which downloads the server.
    public static let defaultStartTimeoutMs = 30_000

    public init(
        name: String,
        transport: Transport,
        permission: ToolDefinition.Permission = .ask,
        allowedTools: [String]? = nil,
        timeoutMs: Int = MCPServerDefinition.defaultTimeoutMs,
        startTimeoutMs: Int = MCPServerDefinition.defaultStartTimeoutMs,
        askTimeoutMs: Int = 60_000,
        maxOutputBytes: Int = 65_536
    ) {
        self.name = name
        self.transport = transport
        self.permission = permission
        self.allowedTools = allowedTools
        self.timeoutMs = timeoutMs
        self.startTimeoutMs = startTimeoutMs
        self.askTimeoutMs = askTimeoutMs
        self.maxOutputBytes = maxOutputBytes
    }

    /// Whether the server offers `tool` to models.
    public func offers(_ tool: String) -> Bool {
        allowedTools?.contains(tool) ?? true
    }

    /// Where it is, for messages: the program, or the URL without its query (which may hold a token).
    public var location: String {
        switch transport {
        case .stdio(let command, let arguments, _, _): ([command] + arguments).joined(separator: " ")
        case .http(let url, _): String(url.prefix { $0 != "?" })
        }
    }
}
