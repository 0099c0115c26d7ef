import JSONCore

/// A tool of an MCP server as a model sees it.
public struct MCPServerTool: Sendable, Equatable {
    /// The server's name (its key under `mcpServers`, or the name an editor gave it).
    public var server: String
    /// The tool's name on its server.
    public var name: String
    /// The name offered to the model: `server__tool`, made to fit the model APIs' rules for function
    /// names (letters, digits, `_` and `-`, at most 64 characters).
    public var exposedName: String
    public var description: String
    /// The tool's `inputSchema`.
    public var inputSchema: JSONValue
    public var permission: ToolDefinition.Permission
    public var timeoutMs: Int
    public var askTimeoutMs: Int
    public var maxOutputBytes: Int

    public init(
        server: String,
        name: String,
        exposedName: String? = nil,
        description: String = "",
        inputSchema: JSONValue = ["type": "object"],
        permission: ToolDefinition.Permission = .ask,
        timeoutMs: Int = MCPServerDefinition.defaultTimeoutMs,
        askTimeoutMs: Int = 60_000,
        maxOutputBytes: Int = 65_536
    ) {
        self.server = server
        self.name = name
        self.exposedName = exposedName ?? Self.exposedName(server: server, tool: name)
        self.description = description
        self.inputSchema = inputSchema
        self.permission = permission
        self.timeoutMs = timeoutMs
        self.askTimeoutMs = askTimeoutMs
        self.maxOutputBytes = maxOutputBytes
    }

    /// `server__tool` with every character a function name may not hold replaced by `_`, cut to 64
    /// characters.
    public static func exposedName(server: String, tool: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-".unicodeScalars)
        let scalars = "\(server)__\(tool)".unicodeScalars.map { allowed.contains($0) ? Character($0) : "_" }
        return String(scalars.prefix(64))
    }
}

/// What a tool call of an MCP server gave back.
public struct MCPToolResult: Sendable, Equatable {
    /// The text sent back to the model: the result's text blocks, or the failure's explanation.
    public var text: String
    /// The tool reported an error (`isError`), or the call failed (the server crashed, timed out, sent
    /// something unreadable).
    public var isError: Bool
    /// The result's `structuredContent`, when it had one.
    public var structured: JSONValue?

    public init(text: String, isError: Bool = false, structured: JSONValue? = nil) {
        self.text = text
        self.isError = isError
        self.structured = structured
    }
}

/// A progress report from a server for a call in flight (`notifications/progress`).
public struct MCPProgress: Sendable, Equatable {
    public var progress: Double
    public var total: Double?
    public var message: String?

    public init(progress: Double, total: Double? = nil, message: String? = nil) {
        self.progress = progress
        self.total = total
        self.message = message
    }

    /// `{progress, total?, message?}`, as `run/tool` carries it and the run store keeps it.
    public var json: JSONValue {
        var object: JSONObject = ["progress": .double(progress)]
        if let total { object["total"] = .double(total) }
        if let message { object["message"] = .string(message) }
        return .object(object)
    }

    public init?(json: JSONValue?) {
        guard let progress = json?["progress"]?.doubleValue else { return nil }
        self.init(progress: progress, total: json?["total"]?.doubleValue, message: json?["message"]?.stringValue)
    }
}

/// The tools a set of servers offers, with the servers that could not be asked and why.
public struct MCPToolList: Sendable, Equatable {
    public var tools: [MCPServerTool]
    /// Why a server offers nothing now, by server name (it did not start, or did not answer).
    public var problems: [String: String]

    public init(tools: [MCPServerTool] = [], problems: [String: String] = [:]) {
        self.tools = tools
        self.problems = problems
    }
}

/// A set of MCP servers, started when first needed and kept for later runs. Implemented by the MCP
/// client; the core only asks it for tools and calls.
public protocol MCPToolSource: Sendable {
    /// The names of its servers, in order.
    var serverNames: [String] { get }
    /// The tools of `servers` (every server when `nil`), starting any that has not started.
    func tools(servers: [String]?) async -> MCPToolList
    /// Calls `tool` with `arguments`. Failures (a crash, a timeout, an unreadable answer) come back as an
    /// error result that explains them; cancelling the calling task cancels the call on the server.
    func call(
        _ tool: MCPServerTool,
        arguments: JSONValue,
        onProgress: @escaping @Sendable (MCPProgress) -> Void
    ) async -> MCPToolResult
    /// Stops every server it started.
    func shutdown() async
}

/// Makes the tool source of a set of servers (the configured ones, or those an editor names for a session).
public typealias MCPConnector = @Sendable ([MCPServerDefinition]) -> any MCPToolSource

/// A tool with the source that calls it.
public struct MCPCallable: Sendable {
    public var tool: MCPServerTool
    public var source: any MCPToolSource

    public init(tool: MCPServerTool, source: any MCPToolSource) {
        self.tool = tool
        self.source = source
    }

    public func call(
        arguments: JSONValue,
        onProgress: @escaping @Sendable (MCPProgress) -> Void
    ) async -> MCPToolResult {
        await source.call(tool, arguments: arguments, onProgress: onProgress)
    }
}

/// The MCP tools a run may reach: the configured servers (each agent enables some by name) and the
/// servers of the session it runs in (every agent of the session gets all of them).
public struct MCPAccess: Sendable {
    public var configured: (any MCPToolSource)?
    public var session: (any MCPToolSource)?

    public init(configured: (any MCPToolSource)? = nil, session: (any MCPToolSource)? = nil) {
        self.configured = configured
        self.session = session
    }

    /// Whether an agent enabling `enabled` could see any tool at all.
    public func isEmpty(enabled: [String]) -> Bool {
        (configured == nil || enabled.isEmpty) && session == nil
    }

    /// The tools of the configured servers named in `enabled` and of every session server, with why
    /// any of those servers offers nothing now. A name the model would see twice keeps its first tool
    /// (configured servers come first).
    public func tools(enabled: [String]) async -> (tools: [MCPCallable], problems: [String: String]) {
        var tools: [MCPCallable] = []
        var problems: [String: String] = [:]
        var taken = Set<String>()
        func add(_ list: MCPToolList, from source: any MCPToolSource) {
            for tool in list.tools where taken.insert(tool.exposedName).inserted {
                tools.append(MCPCallable(tool: tool, source: source))
            }
            problems.merge(list.problems) { first, _ in first }
        }
        if let configured, !enabled.isEmpty { add(await configured.tools(servers: enabled), from: configured) }
        if let session { add(await session.tools(servers: nil), from: session) }
        return (tools, problems)
    }
}
