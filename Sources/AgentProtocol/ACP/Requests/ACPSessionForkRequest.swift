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
        of: ACPSessionNewResult.self,
        inline: true
    )

    public typealias Params = ACPSessionOpenParams

    public typealias Result = ACPSessionNewResult
}
