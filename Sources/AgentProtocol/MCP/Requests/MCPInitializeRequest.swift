import JSONCore
import JSONRPC

/// The handshake: negotiates the protocol version and exchanges capabilities.
public enum MCPInitializeRequest: RequestType {
    public static let method = "initialize"
    public static let direction = Direction.clientRequest
    public static let summary = #"The handshake: negotiates the protocol version and exchanges capabilities."#
    public static let description = #"""
        Answers with the version asked for when it is 2025-06-18 or 2025-11-25, and with 2025-11-25 otherwise (a client that cannot speak it disconnects); with the server's capabilities (`tools`, whose list does not change, and `logging`), `serverInfo` and instructions. `capabilities` and `clientInfo` are accepted and not used. The stateless revision skips this request and sends `server/discover` instead.

        Errors: -32602 when `protocolVersion` is missing or not a string.
        """#
    public static let result = ResultSpec(
        name: "initializeResult",
        description: #"The version spoken, the server's capabilities, info and instructions."#,
        schema: Schema(
            json: #"""
                {
                  "type": "object",
                  "required": ["protocolVersion", "capabilities", "serverInfo"],
                  "properties": {
                    "protocolVersion": {"type": "string"},
                    "capabilities": {"type": "object"},
                    "serverInfo": {"type": "object", "required": ["name", "version"]},
                    "instructions": {"type": "string"}
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
                schema: .string,
                description: #"The latest MCP version the client speaks."#
            ),
            Member(
                "capabilities",
                required: false,
                schema: Schema(json: #"{"type": "object"}"#),
                description: #"What the client offers; not used."#
            ),
            Member(
                "clientInfo",
                required: false,
                schema: Schema(json: #"{"type": "object"}"#),
                description: #"The client's name and version; not used."#
            ),
            MCPProtocol.metaMember(#"Request metadata; not used."#),
        ]
        public static var unknownMembers: UnknownMembers { .ignore }

        public var protocolVersion: String
        public var capabilities: JSONObject?
        public var clientInfo: JSONObject?
        public var meta: JSONObject?

        public init(
            protocolVersion: String,
            capabilities: JSONObject? = nil,
            clientInfo: JSONObject? = nil,
            meta: JSONObject? = nil
        ) {
            self.protocolVersion = protocolVersion
            self.capabilities = capabilities
            self.clientInfo = clientInfo
            self.meta = meta
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            protocolVersion = try reader.string("protocolVersion")
            capabilities = try reader.nullableObject("capabilities")
            clientInfo = try reader.nullableObject("clientInfo")
            meta = reader.meta
        }
    }
}
