import JSONCore
import JSONRPC

/// Streams what happens in a session.
public enum ACPSessionUpdateNotification: NotificationType {
    public static let method = "session/update"
    public static let direction = Direction.serverNotification
    public static let summary = #"Streams what happens in a session."#
    public static let description = #"""
        Only the stable v1 `sessionUpdate` kinds are sent, as clients drop kinds they do not know. During a prompt: `agent_message_chunk` with the output (tokens coalesced up to 4 KiB or 16 ms), `agent_thought_chunk` with reasoning, `tool_call` and `tool_call_update` for tool runs (kind `execute`) and for workflow steps (kind `think`), `plan` with every workflow step (the full plan on each change), then `usage_update` (when the context window is known) and `session_info_update` with the title after the first turn. `session/load` replays the stored turns as `user_message_chunk` and `agent_message_chunk`; `session/set_config_option` sends `current_mode_update` when the choice changed. Every update of a turn precedes the `session/prompt` answer.
        """#

    public struct Params: ParamsType {
        public static let members: [Member] = [
            Member("sessionId", required: true, schema: .string, description: #"The session."#),
            Member(
                "update",
                required: true,
                schema: Schema(
                    json: #"""
                        {
                          "type": "object",
                          "required": ["sessionUpdate"],
                          "properties": {
                            "sessionUpdate": {
                              "enum": [
                                "user_message_chunk", "agent_message_chunk", "agent_thought_chunk", "tool_call",
                                "tool_call_update", "plan", "current_mode_update", "session_info_update",
                                "usage_update"
                              ]
                            }
                          }
                        }
                        """#
                ),
                description: #"The update; `sessionUpdate` says which kind, the other members depend on it."#
            ),
        ]
        public static var unknownMembers: UnknownMembers { .ignore }

        public var sessionId: String
        public var update: JSONObject

        public init(sessionId: String, update: JSONObject) {
            self.sessionId = sessionId
            self.update = update
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            sessionId = try reader.string("sessionId")
            update = try reader.object("update")
        }
    }
}
