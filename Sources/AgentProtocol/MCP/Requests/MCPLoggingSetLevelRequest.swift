import JSONCore
import JSONRPC

/// Sets the lowest level of the log messages the client receives.
public enum MCPLoggingSetLevelRequest: RequestType {
    public static let method = "logging/setLevel"
    public static let direction = Direction.clientRequest
    public static let summary = #"Sets the lowest level of the log messages the client receives."#
    public static let description = #"""
        From now on, `notifications/message` reports each tool call starting (`info`) and ending (`info`, or `error` for a tool error) when its level is `level` or above. Until this is called no log messages are sent, unless a call asks for them in its `_meta`. Answers `{}`.

        Errors: -32602 when `level` is not one of the syslog levels (`params.level`).
        """#
    public static let result = ResultSpec(
        name: "setLevelResult",
        description: #"`{}` (with `resultType` on a stateless request)."#,
        of: MCPEmptyResult.self,
        inline: true
    )

    /// The syslog levels, least severe first.
    public static let levels = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"]

    public struct Params: ParamsType {
        public static let members: [Member] = [
            Member(
                "level",
                required: true,
                schema: Schema(
                    json: #"""
                        {"enum": ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"]}
                        """#
                ),
                description: #"The lowest level sent."#
            ),
            MCPProtocol.metaMember(MCPProtocol.metaDescription),
        ]
        public static var unknownMembers: UnknownMembers { .ignore }

        public var level: String
        public var meta: JSONObject?

        public init(level: String, meta: JSONObject? = nil) {
            self.level = level
            self.meta = meta
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            level = try MCPLoggingSetLevelRequest.level(reader.optionalValue("level"), field: reader.field("level"))
            meta = reader.meta
        }
    }

    /// `value` as a syslog level, or -32602 naming `field`.
    public static func level(_ value: JSONValue?, field: String) throws(ResponseError) -> String {
        guard let level = value?.stringValue, levels.contains(level) else {
            throw .invalidParams(field: field, "expected one of: \(levels.joined(separator: ", "))")
        }
        return level
    }

    public typealias Result = MCPEmptyResult
}
