import JSONCore
import JSONRPC

/// Asks the client whether a tool call may run.
public enum ACPSessionRequestPermissionRequest: RequestType {
    public static let method = "session/request_permission"
    public static let direction = Direction.serverRequest
    public static let summary = #"Asks the client whether a tool call may run."#
    public static let description = #"""
        Sent during a prompt, with integer ids of the agent's own, when a model calls a tool whose permission is `ask`. The options are always `allow-once`, `allow-always` and `reject`. The tool runs when the client selects one of the allow options; it is rejected when the client selects `reject`, answers `cancelled`, answers with an error, or does not answer within the tool's ask timeout, and when the prompt is cancelled or the input closes.
        """#
    public static let result = ResultSpec(
        name: "requestPermissionResult",
        description: #"The user's decision."#,
        schema: Schema(
            json: #"""
                {
                  "type": "object",
                  "required": ["outcome"],
                  "properties": {
                    "outcome": {
                      "type": "object",
                      "required": ["outcome"],
                      "properties": {
                        "outcome": {"enum": ["selected", "cancelled"]},
                        "optionId": {"type": "string"}
                      }
                    }
                  }
                }
                """#
        )
    )

    public struct Params: ParamsType {
        public static let members: [Member] = [
            Member("sessionId", required: true, schema: .string, description: #"The session."#),
            Member(
                "toolCall",
                required: true,
                schema: Schema(json: #"{"type": "object", "required": ["toolCallId"]}"#),
                description: #"The call, as a `tool_call_update` would describe it (kind `execute`, status `pending`)."#
            ),
            Member(
                "options",
                required: true,
                schema: Schema(
                    json: #"""
                        {
                          "type": "array",
                          "items": {"type": "object", "required": ["optionId", "name", "kind"]}
                        }
                        """#
                ),
                description: #"The choices: `allow-once`, `allow-always` and `reject`."#
            ),
        ]
        public static var unknownMembers: UnknownMembers { .ignore }

        public var sessionId: String
        public var toolCall: JSONObject
        public var options: [JSONValue]

        public init(sessionId: String, toolCall: JSONObject, options: [JSONValue]) {
            self.sessionId = sessionId
            self.toolCall = toolCall
            self.options = options
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            sessionId = try reader.string("sessionId")
            toolCall = try reader.object("toolCall")
            options = try reader.array("options")
        }
    }
}
