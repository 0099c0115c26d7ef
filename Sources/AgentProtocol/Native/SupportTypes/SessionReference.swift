import JSONCore
import JSONRPC

/// The params of the requests that name one session and nothing else: `session/get` and `session/delete`.
public struct SessionReference: ParamsType, Equatable {
    public static let members: [Member] = [
        Member(
            "sessionId",
            required: true,
            schema: .ref("SessionId"),
            description: "The session (from `session/new`, `session/fork` or `session/list`)."
        )
    ]
    public static let positional = ["sessionId"]

    public var sessionId: String

    public init(sessionId: String) {
        self.sessionId = sessionId
    }

    public init(from reader: ParamsReader) throws(ResponseError) {
        sessionId = try reader.string("sessionId")
    }
}
