import JSONCore
import JSONRPC

/// The stateless revision's first request: which versions and capabilities the server has.
public enum MCPServerDiscoverRequest: RequestType {
    public static let method = "server/discover"
    public static let direction = Direction.clientRequest
    public static let summary =
        #"The stateless revision's first request: which versions and capabilities the server has."#
    public static let description = #"""
        Answers with the one stateless version served (2026-07-28), the server's capabilities, instructions and, in `_meta`, its server info; the result may not be cached (`ttlMs: 0`, `cacheScope: "private"`). A request whose `_meta` names no version is answered too.

        Errors: -32022 Unsupported protocol version when `_meta` names another version (`data.supported`, `data.requested`); a client then falls back to `initialize`.
        """#
    public static let result = ResultSpec(
        name: "discoverResult",
        description: #"The versions, capabilities and instructions, with cache directives."#,
        of: MCPServerDiscoverResult.self,
        inline: true
    )

    public struct Params: ParamsType {
        public static let members: [Member] = [
            MCPProtocol.metaMember(
                #"Request metadata; `io.modelcontextprotocol/protocolVersion` names the version the client speaks."#
            )
        ]
        public static var unknownMembers: UnknownMembers { .ignore }

        public var meta: JSONObject?

        public init(meta: JSONObject? = nil) {
            self.meta = meta
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            meta = reader.meta
        }

        /// The version the request names in `_meta`, if any.
        public var requestedVersion: String? { meta?[MCPProtocol.metaVersionKey]?.stringValue }
    }

    public typealias Result = MCPServerDiscoverResult
}

/// Answer to `server/discover` (MCP `DiscoverResult`).
public struct MCPServerDiscoverResult: MCPCacheableResult, Equatable {
    public static let name = "MCPServerDiscoverResult"
    public static let summary =
        #"Answer to `server/discover`: the stateless version served, the server's capabilities and instructions, its name and version in `_meta`, and cache directives."#
    public static let members: [Member] =
        [
            Member(
                "supportedVersions",
                required: true,
                schema: Schema(["type": "array", "items": ["type": "string"]]),
                description: #"The stateless versions served: 2026-07-28."#
            ),
            Member(
                "capabilities",
                required: true,
                schema: MCPServerCapabilities.schema,
                description: #"What the server offers."#
            ),
            Member(
                "instructions",
                required: false,
                schema: .string,
                description: #"How to use the tools, for a model."#
            ),
            Member(
                "_meta",
                required: false,
                schema: Schema([
                    "type": "object",
                    "properties": [
                        "io.modelcontextprotocol/serverInfo": Implementation.schema.json,
                        "agentwire": MCPProtocol.faceMetaSchema.json,
                    ],
                ]),
                description:
                    #"`io.modelcontextprotocol/serverInfo`: the server's name and version; `agentwire.face`: the face answering, `mcp`."#
            ),
        ] + MCPProtocol.cacheMembers + [MCPProtocol.resultTypeMember]

    public var supportedVersions: [String]
    public var capabilities: MCPServerCapabilities
    public var instructions: String?
    /// The server's name and version, sent in `_meta`.
    public var serverInfo: Implementation
    public var ttlMs: Int?
    public var cacheScope: MCPCacheScope?
    public var resultType: MCPResultKind?

    public init(
        supportedVersions: [String],
        capabilities: MCPServerCapabilities,
        instructions: String? = nil,
        serverInfo: Implementation,
        ttlMs: Int? = nil,
        cacheScope: MCPCacheScope? = nil,
        resultType: MCPResultKind? = nil
    ) {
        self.supportedVersions = supportedVersions
        self.capabilities = capabilities
        self.instructions = instructions
        self.serverInfo = serverInfo
        self.ttlMs = ttlMs
        self.cacheScope = cacheScope
        self.resultType = resultType
    }

    public func encode(to object: inout ResultObject) {
        object["supportedVersions"] = .array(supportedVersions.map { .string($0) })
        object.set("capabilities", capabilities)
        object["instructions"] = instructions.map { .string($0) }
        object["_meta"] = [
            "io.modelcontextprotocol/serverInfo": serverInfo.json, "agentwire": ["face": "mcp"],
        ]
        object["ttlMs"] = ttlMs.map { .int($0) }
        object["cacheScope"] = cacheScope.map { .string($0.rawValue) }
        object.setResultType(resultType)
    }
}
