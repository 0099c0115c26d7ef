import JSONCore

/// What the server offers (MCP `ServerCapabilities`), as `initialize` and `server/discover` announce it.
public struct MCPServerCapabilities: ResultType, Equatable {
    public static let name = "MCPServerCapabilities"
    public static let summary = #"What the server offers: tools, and log messages."#
    public static let members: [Member] = [
        Member(
            "tools",
            required: false,
            schema: MCPToolsCapability.schema,
            description: #"Present: tools are offered."#
        ),
        Member(
            "logging",
            required: false,
            schema: Schema(["type": "object"]),
            description: #"`{}`: log messages are sent (`logging/setLevel`)."#
        ),
    ]

    public var tools: MCPToolsCapability?
    /// Whether log messages are offered.
    public var logging: Bool

    public init(tools: MCPToolsCapability? = nil, logging: Bool) {
        self.tools = tools
        self.logging = logging
    }

    public func encode(to object: inout ResultObject) {
        object.set("tools", tools)
        if logging { object["logging"] = .object([:]) }
    }
}

/// The server's tools capability (MCP `ToolsCapability`).
public struct MCPToolsCapability: ResultType, Equatable {
    public static let name = "MCPToolsCapability"
    public static let summary = #"The tools capability: whether the list announces its changes."#
    public static let members: [Member] = [
        Member(
            "listChanged",
            required: false,
            schema: Schema(["type": "boolean"]),
            description: #"`false`: the list does not change while the server runs."#
        )
    ]

    public var listChanged: Bool?

    public init(listChanged: Bool? = nil) {
        self.listChanged = listChanged
    }

    public func encode(to object: inout ResultObject) {
        object["listChanged"] = listChanged.map { .bool($0) }
    }
}
