import JSONCore
import JSONRPC

/// Negotiates the protocol version and exchanges capabilities.
public enum ACPInitializeRequest: RequestType {
    public static let method = "initialize"
    public static let direction = Direction.clientRequest
    public static let summary = #"Negotiates the protocol version and exchanges capabilities."#
    public static let description = #"""
        Answers with protocol version 1 whatever version the client asks for (a client that cannot speak it disconnects), the agent's capabilities (`loadSession`; embedded context in prompts, no images or audio; no MCP over HTTP or SSE; `session/list` and `session/close`), no auth methods, and `agentInfo`. `clientCapabilities` and `clientInfo` are accepted and not used.

        Errors: -32602 when `protocolVersion` is missing or not an integer.
        """#
    public static let result = ResultSpec(
        name: "initializeResult",
        description: #"The version spoken, the agent's capabilities, auth methods (none) and agent info."#,
        schema: Schema(
            json: #"""
                {
                  "type": "object",
                  "required": ["protocolVersion"],
                  "properties": {
                    "protocolVersion": {"type": "integer", "minimum": 0, "maximum": 65535},
                    "agentCapabilities": {"type": "object"},
                    "authMethods": {"type": "array"},
                    "agentInfo": {"type": "object", "required": ["name", "version"]}
                  }
                }
                """#
        )
    )

    public struct Params: ParamsType {
        public static let members: [Member] = [
            Member(
                "protocolVersion",
                required: true,
                schema: Schema(json: #"{"type": "integer", "minimum": 0, "maximum": 65535}"#),
                description: #"The latest ACP version the client speaks."#
            ),
            Member(
                "clientCapabilities",
                required: false,
                schema: Schema(json: #"{"type": "object"}"#),
                description: #"What the client offers (file system, terminal); not used."#
            ),
            Member(
                "clientInfo",
                required: false,
                schema: Schema(json: #"{"type": "object"}"#),
                description: #"The client's name and version; not used."#
            ),
        ]
        public static var unknownMembers: UnknownMembers { .ignore }

        public var protocolVersion: Int64
        public var clientCapabilities: JSONObject?
        public var clientInfo: JSONObject?

        public init(protocolVersion: Int64, clientCapabilities: JSONObject? = nil, clientInfo: JSONObject? = nil) {
            self.protocolVersion = protocolVersion
            self.clientCapabilities = clientCapabilities
            self.clientInfo = clientInfo
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            guard let version = reader.optionalValue("protocolVersion")?.integerValue else {
                throw .invalidParams(field: reader.field("protocolVersion"), "is required (an integer)")
            }
            protocolVersion = version
            clientCapabilities = try reader.nullableObject("clientCapabilities")
            clientInfo = try reader.nullableObject("clientInfo")
        }
    }
}
