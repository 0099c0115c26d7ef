import JSONCore
import JSONRPC

/// Cancel an in-flight request (MCP style).
public enum MCPCancelledNotification: NotificationType {
    public static let method = "notifications/cancelled"
    public static let direction = Direction.clientNotification
    public static let summary = #"Cancel an in-flight request (MCP style)."#
    public static let description = #"""
        Cancels the request with id `requestId`. As in MCP, the cancelled request gets no reply at all. Ignored if no such request is in flight.
        """#

    public struct Params: ParamsType {
        public static let members: [Member] = [
            Member(
                "requestId",
                required: true,
                schema: .ref("RequestId"),
                description: #"Id of the request to cancel."#
            ),
            Member(
                "reason",
                required: false,
                schema: .string,
                description: #"Optional human-readable reason."#
            ),
        ]

        public var requestId: RequestID
        public var reason: String?

        public init(
            requestId: RequestID,
            reason: String? = nil
        ) {
            self.requestId = requestId
            self.reason = reason
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            requestId = try reader.requestID("requestId")
            reason = try reader.optionalString("reason")
        }
    }
}
