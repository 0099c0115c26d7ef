import JSONCore
import JSONRPC

/// Cancel an in-flight request (LSP style).
public enum CancelRequestNotification: NotificationType {
    public static let method = "$/cancelRequest"
    public static let direction = Direction.clientNotification
    public static let summary = #"Cancel an in-flight request (LSP style)."#
    public static let description = #"""
        Cancels the request with the given `id`. A run-starting request cancelled this way is answered with error -32800 Request cancelled, `data: {runId, partialOutput}`. Ignored if no such request is in flight.
        """#

    public struct Params: ParamsType {
        public static let members: [Member] = [
            Member(
                "id",
                required: true,
                schema: .ref("RequestId"),
                description: #"Id of the request to cancel."#
            )
        ]

        public var id: RequestID

        public init(
            id: RequestID
        ) {
            self.id = id
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            id = try reader.requestID("id")
        }
    }
}
