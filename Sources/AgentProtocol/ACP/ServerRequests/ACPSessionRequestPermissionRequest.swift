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
        of: ACPSessionRequestPermissionResult.self,
        inline: true
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

    public typealias Result = ACPSessionRequestPermissionResult
}

/// The client's answer to `session/request_permission` (ACP `RequestPermissionResponse`).
public struct ACPSessionRequestPermissionResult: ResultType, Equatable {
    public static let name = "ACPSessionRequestPermissionResult"
    public static let summary = #"The client's answer to `session/request_permission`: the user's decision."#
    public static let members: [Member] = [
        Member("outcome", required: true, schema: ACPPermissionOutcome.schema, description: #"The user's decision."#)
    ]

    public var outcome: ACPPermissionOutcome

    public init(outcome: ACPPermissionOutcome) {
        self.outcome = outcome
    }

    /// Reads the client's answer: members not declared (`_meta`) are ignored; a missing or malformed
    /// `outcome` is an error naming its path (`result.outcome.optionId`).
    public init(decoding result: JSONValue?) throws(ResponseError) {
        let reader = try ParamsReader(result, members: Self.members, unknown: .ignore, path: "result")
        outcome = try ACPPermissionOutcome(decoding: .object(reader.object("outcome")), path: reader.field("outcome"))
    }

    public func encode(to object: inout ResultObject) {
        object.set("outcome", outcome)
    }
}
