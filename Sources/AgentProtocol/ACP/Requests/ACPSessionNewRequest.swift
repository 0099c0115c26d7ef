import JSONCore
import JSONRPC

/// Creates a session.
public enum ACPSessionNewRequest: RequestType {
    public static let method = "session/new"
    public static let direction = Direction.clientRequest
    public static let summary = #"Creates a session."#
    public static let description = #"""
        Creates a session running the default agent and answers with its id, its modes and its `agent` config option, both listing every agent and workflow (`workflow:NAME`). The session is stored, so a later process can load or prompt it; when the run store cannot keep it, it lasts as long as this process and `_meta.agentwire.warnings` says so. `cwd` is kept for `session/list` and is where the session's stdio MCP servers run. The MCP servers offered (stdio, and `http` as `mcpCapabilities.http` says) start when a prompt first needs them; their tools are offered to every agent the session runs, as `<server>__<tool>`, and each call asks the client first (`session/request_permission`). They stop when the session closes or the connection ends.

        Errors: -32602 when `cwd` is missing or not a string, `mcpServers` is not an array, or a server in it cannot be used (`data.field` names it, e.g. `params.mcpServers[0].command`).
        """#
    public static let result = ResultSpec(
        name: "newSessionResult",
        description: #"The session's id, modes and config options."#,
        of: ACPSessionNewResult.self,
        inline: true
    )

    public struct Params: ParamsType {
        public static let members: [Member] = [
            Member(
                "cwd",
                required: true,
                schema: .string,
                description: #"The session's working directory (an absolute path)."#
            ),
            Member(
                "mcpServers",
                required: false,
                schema: Schema(json: #"{"type": "array"}"#),
                description:
                    #"MCP servers for the session (ACP requires the member, `[]` included): stdio `{name, command, args, env}` or `{type: \"http\", name, url, headers}`."#
            ),
        ]
        public static var unknownMembers: UnknownMembers { .ignore }

        public var cwd: String
        public var mcpServers: [JSONValue]?

        public init(cwd: String, mcpServers: [JSONValue]? = nil) {
            self.cwd = cwd
            self.mcpServers = mcpServers
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            cwd = try reader.string("cwd")
            mcpServers = try reader.nullableArray("mcpServers")
        }
    }

    public typealias Result = ACPSessionNewResult
}

/// Answer to `session/new` (ACP `NewSessionResponse`).
public struct ACPSessionNewResult: ResultType, Equatable {
    public static let name = "ACPSessionNewResult"
    public static let summary =
        #"Answer to `session/new` and `session/fork`: the new session's id, its modes and its config options; in `_meta.agentwire.warnings`, what the run store could not keep."#
    public static let members: [Member] = [
        Member("sessionId", required: true, schema: .string, description: #"The new session's id."#),
        Member("modes", required: false, schema: ACPSessionModeState.schema, description: #"The session's modes."#),
        Member(
            "configOptions",
            required: false,
            schema: Schema(["type": "array", "items": ACPSessionConfigOption.schema.json]),
            description: #"The session's config options: `agent`, and `model` where its agent lists models."#
        ),
        .agentwireMeta(
            required: ["warnings"],
            properties: ["warnings": ["type": "array", "items": ["type": "string"]]],
            description:
                #"`agentwire.warnings`: what went wrong beside the answer, such as the run store failing to keep the session (it then lasts as long as this process). Absent when nothing did."#
        ),
    ]

    public var sessionId: String
    public var modes: ACPSessionModeState
    public var configOptions: [ACPSessionConfigOption]
    /// What went wrong beside the answer (`_meta.agentwire.warnings`); none leaves `_meta` out.
    public var warnings: [String]

    public init(
        sessionId: String,
        modes: ACPSessionModeState,
        configOptions: [ACPSessionConfigOption],
        warnings: [String] = []
    ) {
        self.sessionId = sessionId
        self.modes = modes
        self.configOptions = configOptions
        self.warnings = warnings
    }

    public func encode(to object: inout ResultObject) {
        object["sessionId"] = .string(sessionId)
        object.set("modes", modes)
        object.set("configOptions", configOptions)
        if !warnings.isEmpty {
            object["_meta"] = ["agentwire": ["warnings": .array(warnings.map { .string($0) })]]
        }
    }
}
