import JSONCore

/// What the agent supports, as `initialize` announces it (ACP `AgentCapabilities`).
public struct ACPAgentCapabilities: ResultType, Equatable {
    public static let name = "ACPAgentCapabilities"
    public static let summary =
        #"What the agent supports beyond the baseline: loading sessions, prompt content, MCP transports and session methods."#
    public static let members: [Member] = [
        Member(
            "loadSession",
            required: false,
            schema: Schema(["type": "boolean"]),
            description: #"Whether `session/load` is supported."#
        ),
        Member(
            "promptCapabilities",
            required: false,
            schema: ACPPromptCapabilities.schema,
            description: #"The content a prompt may carry beyond text and resource links."#
        ),
        Member(
            "mcpCapabilities",
            required: false,
            schema: ACPMCPCapabilities.schema,
            description: #"The MCP transports supported beyond stdio."#
        ),
        Member(
            "sessionCapabilities",
            required: false,
            schema: ACPSessionCapabilities.schema,
            description: #"The optional session methods supported."#
        ),
    ]

    public var loadSession: Bool
    public var promptCapabilities: ACPPromptCapabilities
    public var mcpCapabilities: ACPMCPCapabilities
    public var sessionCapabilities: ACPSessionCapabilities

    public init(
        loadSession: Bool,
        promptCapabilities: ACPPromptCapabilities,
        mcpCapabilities: ACPMCPCapabilities,
        sessionCapabilities: ACPSessionCapabilities
    ) {
        self.loadSession = loadSession
        self.promptCapabilities = promptCapabilities
        self.mcpCapabilities = mcpCapabilities
        self.sessionCapabilities = sessionCapabilities
    }

    public func encode(to object: inout ResultObject) {
        object["loadSession"] = .bool(loadSession)
        object.set("promptCapabilities", promptCapabilities)
        object.set("mcpCapabilities", mcpCapabilities)
        object.set("sessionCapabilities", sessionCapabilities)
    }
}

/// The content blocks a prompt may carry beyond text and resource links (ACP `PromptCapabilities`).
public struct ACPPromptCapabilities: ResultType, Equatable {
    public static let name = "ACPPromptCapabilities"
    public static let summary = #"The content blocks a prompt may carry beyond text and resource links."#
    public static let members: [Member] = [
        Member(
            "image",
            required: false,
            schema: Schema(["type": "boolean"]),
            description: #"Whether a prompt may carry `image` blocks."#
        ),
        Member(
            "audio",
            required: false,
            schema: Schema(["type": "boolean"]),
            description: #"Whether a prompt may carry `audio` blocks."#
        ),
        Member(
            "embeddedContext",
            required: false,
            schema: Schema(["type": "boolean"]),
            description: #"Whether a prompt may carry `resource` blocks (embedded text or blob resources)."#
        ),
    ]

    public var image: Bool
    public var audio: Bool
    public var embeddedContext: Bool

    public init(image: Bool, audio: Bool, embeddedContext: Bool) {
        self.image = image
        self.audio = audio
        self.embeddedContext = embeddedContext
    }

    public func encode(to object: inout ResultObject) {
        object["image"] = .bool(image)
        object["audio"] = .bool(audio)
        object["embeddedContext"] = .bool(embeddedContext)
    }
}

/// The MCP transports the agent connects to beyond stdio (ACP `McpCapabilities`).
public struct ACPMCPCapabilities: ResultType, Equatable {
    public static let name = "ACPMCPCapabilities"
    public static let summary = #"The MCP server transports supported beyond stdio."#
    public static let members: [Member] = [
        Member(
            "http",
            required: false,
            schema: Schema(["type": "boolean"]),
            description: #"Whether MCP servers over HTTP are connected."#
        ),
        Member(
            "sse",
            required: false,
            schema: Schema(["type": "boolean"]),
            description: #"Whether MCP servers over SSE are connected."#
        ),
    ]

    public var http: Bool
    public var sse: Bool

    public init(http: Bool, sse: Bool) {
        self.http = http
        self.sse = sse
    }

    public func encode(to object: inout ResultObject) {
        object["http"] = .bool(http)
        object["sse"] = .bool(sse)
    }
}

/// The optional session methods the agent answers (ACP `SessionCapabilities`): each one supported is
/// announced with `{}`, and left out otherwise.
public struct ACPSessionCapabilities: ResultType, Equatable {
    public static let name = "ACPSessionCapabilities"
    public static let summary = #"The optional session methods supported: `{}` for each, absent when not."#
    public static let members: [Member] = [
        Member(
            "list",
            required: false,
            schema: Schema(["type": "object"]),
            description: #"Present when `session/list` is answered."#
        ),
        Member(
            "close",
            required: false,
            schema: Schema(["type": "object"]),
            description: #"Present when `session/close` is answered."#
        ),
        Member(
            "resume",
            required: false,
            schema: Schema(["type": "object"]),
            description: #"Present when `session/resume` is answered."#
        ),
        Member(
            "fork",
            required: false,
            schema: Schema(["type": "object"]),
            description: #"Present when `session/fork` is answered (unstable in ACP)."#
        ),
        Member(
            "delete",
            required: false,
            schema: Schema(["type": "object"]),
            description: #"Present when `session/delete` is answered."#
        ),
    ]

    public var list: Bool
    public var close: Bool
    public var resume: Bool
    public var fork: Bool
    public var delete: Bool

    public init(list: Bool, close: Bool, resume: Bool = false, fork: Bool = false, delete: Bool = false) {
        self.list = list
        self.close = close
        self.resume = resume
        self.fork = fork
        self.delete = delete
    }

    public func encode(to object: inout ResultObject) {
        if list { object["list"] = .object([:]) }
        if close { object["close"] = .object([:]) }
        if resume { object["resume"] = .object([:]) }
        if fork { object["fork"] = .object([:]) }
        if delete { object["delete"] = .object([:]) }
    }
}
