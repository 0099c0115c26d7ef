import JSONCore
import JSONRPC

/// Resumes a stored session without replaying its history.
public enum ACPSessionResumeRequest: RequestType {
    public static let method = "session/resume"
    public static let direction = Direction.clientRequest
    public static let summary = #"Resumes a stored session without replaying its history."#
    public static let description = #"""
        Opens the session as `session/load` does (from this process or the run store, so across restarts; it keeps the agent or workflow it had; `cwd` and the MCP servers offered replace the session's) but sends no `session/update`: the client already shows the history. The next prompt sees every earlier turn. Answers with the session's modes and config options.

        Errors: -32602 when `sessionId` or `cwd` is missing or not a string, or `mcpServers` cannot be used; -32002 when no such session is stored (`data.sessionId`).
        """#
    public static let result = ResultSpec(
        name: "resumeSessionResult",
        description: #"The session's modes and config options."#,
        of: ACPSessionResumeResult.self,
        inline: true
    )

    public typealias Params = ACPSessionOpenParams

    public typealias Result = ACPSessionResumeResult
}

/// Answer to `session/resume` (ACP `ResumeSessionResponse`).
public struct ACPSessionResumeResult: ResultType, Equatable {
    public static let name = "ACPSessionResumeResult"
    public static let summary = #"Answer to `session/resume`: the session's modes and config options."#
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
