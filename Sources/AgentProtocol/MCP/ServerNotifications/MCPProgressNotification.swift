import JSONCore
import JSONRPC

/// Streams a `tools/call` that asked for progress.
public enum MCPProgressNotification: NotificationType {
    public static let method = "notifications/progress"
    public static let direction = Direction.serverNotification
    public static let summary = #"Streams a `tools/call` that asked for progress."#
    public static let description = #"""
        Sent while a `tools/call` with `_meta.progressToken` runs, never after its answer. `message` carries the output (tokens coalesced up to 4 KiB or 16 ms) or a bracketed line for a step, a tool run or reasoning; `progress` counts the notifications of the call, so it strictly increases. No `total` is sent.
        """#

    public struct Params: ParamsType {
        public static let members: [Member] = [
            Member(
                "progressToken",
                required: true,
                schema: Schema(json: #"{"type": ["string", "integer"]}"#),
                description: #"The token the call gave in `_meta.progressToken`."#
            ),
            Member(
                "progress",
                required: true,
                schema: Schema(json: #"{"type": "number"}"#),
                description: #"How many notifications the call has sent, this one included."#
            ),
            Member(
                "total",
                required: false,
                schema: Schema(json: #"{"type": "number"}"#),
                description: #"Never sent: how much output a run makes is not known ahead."#
            ),
            Member("message", required: false, schema: .string, description: #"Output text, or a line about the run."#),
        ]
        public static var unknownMembers: UnknownMembers { .ignore }

        public var progressToken: JSONValue
        public var progress: Double
        public var total: Double?
        public var message: String?

        public init(progressToken: JSONValue, progress: Double, total: Double? = nil, message: String? = nil) {
            self.progressToken = progressToken
            self.progress = progress
            self.total = total
            self.message = message
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            progressToken = try reader.stringOrInteger("progressToken")
            guard let progress = try reader.nullableNumber("progress") else {
                throw .invalidParams(field: reader.field("progress"), "is required (a number)")
            }
            self.progress = progress
            total = try reader.nullableNumber("total")
            message = try reader.nullableString("message")
        }
    }
}
