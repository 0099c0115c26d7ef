import JSONCore
import JSONRPC

/// Creates a new session with the history of another (unstable in ACP).
public enum ACPSessionForkRequest: RequestType {
    public static let method = "session/fork"
    public static let direction = Direction.clientRequest
    public static let summary = #"Creates a new session with the history of another (unstable in ACP)."#
    public static let description = #"""
        Creates a session with every turn of `sessionId` (a prompt in flight is not part of the history yet) and what it runs (its agent or workflow, and model), stored like one from `session/new`; the two are independent from then on. The forked session may be open in this process or only in the run store. Nothing is replayed. `cwd` and the MCP servers offered are the new session's. Answers with the new session's id, modes and config options; when the run store cannot keep it, it lasts as long as this process and `_meta.agentwire.warnings` says so.

        Errors: -32602 when `sessionId` or `cwd` is missing or not a string, or `mcpServers` cannot be used; -32002 when no such session is stored (`data.sessionId`).
        """#
    public static let result = ResultSpec(
        name: "forkSessionResult",
        description: #"The new session's id, modes and config options."#,
        of: ACPSessionForkResult.self,
        inline: true
    )

    public typealias Params = ACPSessionOpenParams

    public typealias Result = ACPSessionForkResult
}

/// Answer to `session/fork` (ACP `ForkSessionResponse`).
public struct ACPSessionForkResult: ResultType, Equatable {
    public static let name = "ACPSessionForkResult"
    public static let summary =
        #"Answer to `session/fork`: the new session's id, its modes and its config options; in `_meta.agentwire.warnings`, what the run store could not keep."#
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
