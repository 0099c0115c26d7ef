import JSONCore
import JSONRPC

/// Cancel an in-flight request (ACP style).
public enum ACPCancelRequestNotification: NotificationType {
    public static let method = "$/cancel_request"
    public static let direction = Direction.clientNotification
    public static let summary = #"Cancel an in-flight request (ACP style)."#
    public static let description = #"""
        Same effect as `$/cancelRequest`: the request with id `requestId` is answered with error -32800 Request cancelled, `data: {runId, partialOutput}`. Ignored if no such request is in flight.
        """#

    public struct Params: ParamsType {
        public static let members: [Member] = [
            Member(
                "requestId",
                required: true,
                schema: .ref("RequestId"),
                description: #"Id of the request to cancel."#
            )
        ]

        public var requestId: RequestID

        public init(
            requestId: RequestID
        ) {
            self.requestId = requestId
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            requestId = try reader.requestID("requestId")
        }
    }
}
