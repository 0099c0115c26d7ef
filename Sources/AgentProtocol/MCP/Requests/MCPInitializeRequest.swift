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
        of: MCPInitializeResult.self,
        inline: true
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

    public typealias Result = MCPInitializeResult
}

/// Answer to MCP `initialize` (MCP `InitializeResult`).
public struct MCPInitializeResult: MCPResult, Equatable {
    public static let name = "MCPInitializeResult"
    public static let summary =
        #"Answer to `initialize`: the version spoken, the server's capabilities, its name and version, and instructions."#
    public static let members: [Member] = [
        Member(
            "protocolVersion",
            required: true,
            schema: .string,
            description: #"The version spoken: the one asked for when it is served, else 2025-11-25."#
        ),
        Member(
            "capabilities",
            required: true,
            schema: MCPServerCapabilities.schema,
            description: #"What the server offers."#
        ),
        Member(
            "serverInfo",
            required: true,
            schema: Implementation.schema,
            description: #"The server's name and version."#
        ),
        Member("instructions", required: false, schema: .string, description: #"How to use the tools, for a model."#),
        Member(
            "_meta",
            required: false,
            schema: Schema(["type": "object", "properties": ["agentwire": MCPProtocol.faceMetaSchema.json]]),
            description: #"`agentwire.face`: the face answering, `mcp`."#
        ),
        MCPProtocol.resultTypeMember,
    ]

    public var protocolVersion: String
    public var capabilities: MCPServerCapabilities
    public var serverInfo: Implementation
    public var instructions: String?
    public var resultType: MCPResultKind?

    public init(
        protocolVersion: String,
        capabilities: MCPServerCapabilities,
        serverInfo: Implementation,
        instructions: String? = nil,
        resultType: MCPResultKind? = nil
    ) {
        self.protocolVersion = protocolVersion
        self.capabilities = capabilities
        self.serverInfo = serverInfo
        self.instructions = instructions
        self.resultType = resultType
    }

    public func encode(to object: inout ResultObject) {
        object["protocolVersion"] = .string(protocolVersion)
        object.set("capabilities", capabilities)
        object.set("serverInfo", serverInfo)
        object["instructions"] = instructions.map { .string($0) }
        object["_meta"] = ["agentwire": ["face": "mcp"]]
        object.setResultType(resultType)
    }
}
