import JSONCore
import JSONRPC

/// Sets a session config option: the agent or workflow the session runs.
public enum ACPSessionSetConfigOptionRequest: RequestType {
    public static let method = "session/set_config_option"
    public static let direction = Direction.clientRequest
    public static let summary = #"Sets a session config option: the agent or workflow the session runs."#
    public static let description = #"""
        The one config option is `agent`, a select whose values are the agents and the workflows (`workflow:NAME`). The choice applies from the session's next prompt on. Answers with the full list of config options; when the choice changed, a `current_mode_update` is sent first, so clients following the modes stay in step.

        Errors: -32602 when a member is missing or not a string, `configId` is not `agent` (`params.configId`) or `value` names no agent or workflow (`params.value`); -32002 when the session is unknown.
        """#
    public static let result = ResultSpec(
        name: "setSessionConfigOptionResult",
        description: #"Every config option, with its current value."#,
        of: ACPSessionSetConfigOptionResult.self,
        inline: true
    )

    public struct Params: ParamsType {
        public static let members: [Member] = [
            Member("sessionId", required: true, schema: .string, description: #"The session."#),
            Member("configId", required: true, schema: .string, description: #"The option: `agent`."#),
            Member(
                "value",
                required: true,
                schema: .string,
                description: #"The value chosen: an agent's name, or `workflow:NAME`."#
            ),
        ]
        public static var unknownMembers: UnknownMembers { .ignore }

        public var sessionId: String
        public var configId: String
        public var value: String

        public init(sessionId: String, configId: String, value: String) {
            self.sessionId = sessionId
            self.configId = configId
            self.value = value
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            sessionId = try reader.string("sessionId")
            configId = try reader.string("configId")
            value = try reader.string("value")
        }
    }

    public typealias Result = ACPSessionSetConfigOptionResult
}

/// Answer to `session/set_config_option` (ACP `SetSessionConfigOptionResponse`).
public struct ACPSessionSetConfigOptionResult: ResultType, Equatable {
    public static let name = "ACPSessionSetConfigOptionResult"
    public static let summary = #"Answer to `session/set_config_option`: every config option, with its current value."#
    public static let members: [Member] = [
        Member(
            "configOptions",
            required: true,
            schema: Schema(["type": "array", "items": ACPSessionConfigOption.schema.json]),
            description: #"The session's config options: `agent`."#
        )
    ]

    public var configOptions: [ACPSessionConfigOption]

    public init(configOptions: [ACPSessionConfigOption]) {
        self.configOptions = configOptions
    }

    public func encode(to object: inout ResultObject) {
        object.set("configOptions", configOptions)
    }
}
