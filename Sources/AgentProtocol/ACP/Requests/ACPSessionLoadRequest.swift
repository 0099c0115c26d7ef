import JSONCore
import JSONRPC

/// Replays a stored session's history, then answers.
public enum ACPSessionLoadRequest: RequestType {
    public static let method = "session/load"
    public static let direction = Direction.clientRequest
    public static let summary = #"Replays a stored session's history, then answers."#
    public static let description = #"""
        Replays every stored turn of the session as a `user_message_chunk` and an `agent_message_chunk` update, then answers with its modes and config options. Works for sessions an earlier process created; the session keeps the agent or workflow it had. `cwd` replaces the session's working directory; the MCP servers offered replace any the session had (as for `session/new`).

        Errors: -32602 when `sessionId` or `cwd` is missing or not a string; -32002 when no such session is stored (`data.sessionId`).
        """#
    public static let result = ResultSpec(
        name: "loadSessionResult",
        description: #"The session's modes and config options."#,
        of: ACPSessionLoadResult.self,
        inline: true
    )

    public typealias Params = ACPSessionOpenParams

    public typealias Result = ACPSessionLoadResult
}

/// Answer to `session/load` (ACP `LoadSessionResponse`).
public struct ACPSessionLoadResult: ResultType, Equatable {
    public static let name = "ACPSessionLoadResult"
    public static let summary =
        #"Answer to `session/load`, after the history was replayed: the session's modes and config options."#
    public static let members: [Member] = [
        Member("modes", required: false, schema: ACPSessionModeState.schema, description: #"The session's modes."#),
        Member(
            "configOptions",
            required: false,
            schema: Schema(["type": "array", "items": ACPSessionConfigOption.schema.json]),
            description: #"The session's config options: `agent`."#
        ),
    ]

    public var modes: ACPSessionModeState
    public var configOptions: [ACPSessionConfigOption]

    public init(modes: ACPSessionModeState, configOptions: [ACPSessionConfigOption]) {
        self.modes = modes
        self.configOptions = configOptions
    }

    public func encode(to object: inout ResultObject) {
        object.set("modes", modes)
        object.set("configOptions", configOptions)
    }
}

/// The params of `session/load`, `session/resume` and `session/fork`: a stored session, the working
/// directory and the MCP servers from now on (of the new session, for a fork).
public struct ACPSessionOpenParams: ParamsType {
    public static let members: [Member] = [
        Member("sessionId", required: true, schema: .string, description: #"The stored session."#),
        Member(
            "cwd",
            required: true,
            schema: .string,
            description: #"The session's working directory from now on (an absolute path)."#
        ),
        Member(
            "mcpServers",
            required: false,
            schema: Schema(json: #"{"type": "array"}"#),
            description:
                #"MCP servers for the session (`session/load` requires the member, `[]` included): stdio `{name, command, args, env}` or `{type: \"http\", name, url, headers}`."#
        ),
    ]
    public static var unknownMembers: UnknownMembers { .ignore }

    public var sessionId: String
    public var cwd: String
    public var mcpServers: [JSONValue]?

    public init(sessionId: String, cwd: String, mcpServers: [JSONValue]? = nil) {
        self.sessionId = sessionId
        self.cwd = cwd
        self.mcpServers = mcpServers
    }

    public init(from reader: ParamsReader) throws(ResponseError) {
        sessionId = try reader.string("sessionId")
        cwd = try reader.string("cwd")
        mcpServers = try reader.nullableArray("mcpServers")
    }
}
