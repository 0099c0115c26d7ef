import JSONCore
import JSONRPC

/// A log message about a tool call.
public enum MCPMessageNotification: NotificationType {
    public static let method = "notifications/message"
    public static let direction = Direction.serverNotification
    public static let summary = #"A log message about a tool call."#
    public static let description = #"""
        Sent when a `tools/call` starts and when it ends, at `info` (`error` for a tool error), if the level asked for (`logging/setLevel`, or the call's `_meta["io.modelcontextprotocol/logLevel"]`) is that level or lower. `logger` is `agentwire`; `data` holds the event, the tool and the run id.
        """#

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
                description: #"The message's syslog level."#
            ),
            Member("logger", required: false, schema: .string, description: #"Always `agentwire`."#),
            Member(
                "data",
                required: true,
                schema: Schema(
                    json: #"""
                        {
                          "type": "object",
                          "required": ["event", "tool", "runId"],
                          "properties": {
                            "event": {"enum": ["tool call started", "tool call ended"]},
                            "tool": {"type": "string"},
                            "runId": {"type": "string"}
                          }
                        }
                        """#
                ),
                description: #"What happened."#
            ),
        ]
        public static var unknownMembers: UnknownMembers { .ignore }

        public var level: String
        public var logger: String?
        public var data: JSONObject

        public init(level: String, logger: String? = nil, data: JSONObject) {
            self.level = level
            self.logger = logger
            self.data = data
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            level = try MCPLoggingSetLevelRequest.level(reader.optionalValue("level"), field: reader.field("level"))
            logger = try reader.nullableString("logger")
            data = try reader.object("data")
        }
    }
}
