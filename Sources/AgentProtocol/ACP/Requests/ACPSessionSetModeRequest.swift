import JSONCore
import JSONRPC

/// Sets the session's mode: the agent or workflow it runs.
public enum ACPSessionSetModeRequest: RequestType {
    public static let method = "session/set_mode"
    public static let direction = Direction.clientRequest
    public static let summary = #"Sets the session's mode: the agent or workflow it runs."#
    public static let description = #"""
        The same choice as the `agent` config option, for clients that predate config options: the modes are the agents and the workflows (`workflow:NAME`). The choice applies from the session's next prompt on. Answers `{}`; no update follows, as the client made the change.

        Errors: -32602 when a member is missing or not a string, or `modeId` names no mode (`params.modeId`); -32002 when the session is unknown.
        """#
    public static let result = ResultSpec(
        name: "setSessionModeResult",
        description: #"Always `{}`."#,
        of: ACPEmptyResult.self,
        inline: true
    )

    public struct Params: ParamsType {
        public static let members: [Member] = [
            Member("sessionId", required: true, schema: .string, description: #"The session."#),
            Member(
                "modeId",
                required: true,
                schema: .string,
                description: #"The mode: an agent's name, or `workflow:NAME`."#
            ),
        ]
        public static var unknownMembers: UnknownMembers { .ignore }

        public var sessionId: String
        public var modeId: String

        public init(sessionId: String, modeId: String) {
            self.sessionId = sessionId
            self.modeId = modeId
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            sessionId = try reader.string("sessionId")
            modeId = try reader.string("modeId")
        }
    }

    public typealias Result = ACPEmptyResult
}
