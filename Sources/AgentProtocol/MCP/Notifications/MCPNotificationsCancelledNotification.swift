import JSONCore
import JSONRPC

/// Cancels a request; it gets no reply.
///
/// Named after the whole method: `MCPCancelledNotification` is the native face's type for the same
/// method name.
public enum MCPNotificationsCancelledNotification: NotificationType {
    public static let method = "notifications/cancelled"
    public static let direction = Direction.clientNotification
    public static let summary = #"Cancels a request; it gets no reply."#
    public static let description = #"""
        Handled ahead of everything queued. A `tools/call` in flight stops its run and, as MCP asks, is never answered; the run is stored as cancelled. Ignored when no such request is in flight, or when `requestId` is not a string or a number.
        """#

    public struct Params: ParamsType {
        public static let members: [Member] = [
            Member(
                "requestId",
                required: true,
                schema: Schema(json: #"{"type": ["string", "integer"]}"#),
                description: #"The id of the request to cancel."#
            ),
            Member("reason", required: false, schema: .string, description: #"Why; not used."#),
        ]
        public static var unknownMembers: UnknownMembers { .ignore }

        public var requestId: RequestID
        public var reason: String?

        public init(requestId: RequestID, reason: String? = nil) {
            self.requestId = requestId
            self.reason = reason
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            requestId = try reader.requestID("requestId")
            reason = try reader.nullableString("reason")
        }
    }
}
