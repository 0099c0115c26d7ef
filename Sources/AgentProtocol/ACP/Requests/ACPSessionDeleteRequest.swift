import JSONCore
import JSONRPC

/// Deletes a session and its history.
public enum ACPSessionDeleteRequest: RequestType {
    public static let method = "session/delete"
    public static let direction = Direction.clientRequest
    public static let summary = #"Deletes a session and its history."#
    public static let description = #"""
        Forgets the session in this process (stopping its MCP servers) and removes it and its turns from the run store, so neither `session/load` nor `session/resume` finds it again; sessions forked from it are not affected. A session with a prompt in flight is refused: cancel it first (`session/cancel`). Answers `{}`.

        Errors: -32602 when `sessionId` is missing or not a string; -32002 when the session is neither open here nor stored (`data.sessionId`); -32004 when it has a prompt in flight.
        """#
    public static let result = ResultSpec(
        name: "deleteSessionResult",
        description: #"Always `{}`."#,
        of: ACPEmptyResult.self,
        inline: true
    )

    /// `{sessionId}`, as `session/close` takes it.
    public typealias Params = ACPSessionCloseRequest.Params

    public typealias Result = ACPEmptyResult
}
