import JSONCore
import JSONRPC

/// Cancels one request by its id.
///
/// Named after the `$/` prefix of its method, `$/cancel_request`: `ACPCancelRequestNotification` is the
/// native face's type for the same method name, which answers differently.
public enum ACPDollarCancelRequestNotification: NotificationType {
    public static let method = "$/cancel_request"
    public static let direction = Direction.clientNotification
    public static let summary = #"Cancels one request by its id."#
    public static let description = #"""
        Handled ahead of everything queued. A `session/prompt` cancelled this way is answered as after `session/cancel`, with `stopReason: "cancelled"`; every other request is answered as soon as it arrives, so there is nothing to cancel. Ignored when no such request is in flight, or when `requestId` is not a string or a number.
        """#

    public struct Params: ParamsType {
        public static let members: [Member] = [
            Member(
                "requestId",
                required: true,
                schema: Schema(json: #"{"type": ["string", "integer"]}"#),
                description: #"The id of the request to cancel."#
            )
        ]
        public static var unknownMembers: UnknownMembers { .ignore }

        public var requestId: RequestID

        public init(requestId: RequestID) {
            self.requestId = requestId
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            requestId = try reader.requestID("requestId")
        }
    }
}
