import JSONCore
import JSONRPC

/// Closes a session in this process.
public enum ACPSessionCloseRequest: RequestType {
    public static let method = "session/close"
    public static let direction = Direction.clientRequest
    public static let summary = #"Closes a session in this process."#
    public static let description = #"""
        Cancels the session's prompt in flight, as `session/cancel` would, and forgets the session in this process; its history stays stored, so `session/load` can open it again. Answers `{}`.

        Errors: -32602 when `sessionId` is missing or not a string; -32002 when the session is not open in this process.
        """#
    public static let result = ResultSpec(
        name: "closeSessionResult",
        description: #"Always `{}`."#,
        of: ACPEmptyResult.self,
        inline: true
    )

    public struct Params: ParamsType {
        public static let members: [Member] = [
            Member("sessionId", required: true, schema: .string, description: #"The session."#)
        ]
        public static var unknownMembers: UnknownMembers { .ignore }

        public var sessionId: String

        public init(sessionId: String) {
            self.sessionId = sessionId
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            sessionId = try reader.string("sessionId")
        }
    }

    public typealias Result = ACPEmptyResult
}
