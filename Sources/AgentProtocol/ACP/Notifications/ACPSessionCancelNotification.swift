import JSONCore
import JSONRPC

/// Stops the session's prompt in flight.
public enum ACPSessionCancelNotification: NotificationType {
    public static let method = "session/cancel"
    public static let direction = Direction.clientNotification
    public static let summary = #"Stops the session's prompt in flight."#
    public static let description = #"""
        The prompt stops within one checkpoint of its run, sends its last updates and answers `stopReason: "cancelled"` (never an error); what it produced so far is kept in the session's history. Ignored when the session has no prompt in flight, or when `sessionId` is missing or not a string.
        """#

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
}
