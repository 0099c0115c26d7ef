import JSONCore
import JSONRPC

/// Lists the tools: one per agent and per workflow.
public enum MCPToolsListRequest: RequestType {
    public static let method = "tools/list"
    public static let direction = Direction.clientRequest
    public static let summary = #"Lists the tools: one per agent and per workflow."#
    public static let description = #"""
        Every agent is a tool of its own name and every workflow a tool named `workflow_NAME`; each takes one string argument, `input`. Everything comes in one page: `cursor` is accepted and no `nextCursor` is sent. On a stateless request the result may not be cached (`ttlMs: 0`, `cacheScope: "private"`).
        """#
    public static let result = ResultSpec(
        name: "listToolsResult",
        description: #"The tools."#,
        of: MCPToolsListResult.self,
        inline: true
    )

    public struct Params: ParamsType {
        public static let members: [Member] = [
            Member(
                "cursor",
                required: false,
                schema: .string,
                description: #"Where a previous page ended; unused, as there is one page."#
            ),
            MCPProtocol.metaMember(MCPProtocol.metaDescription),
        ]
        public static var unknownMembers: UnknownMembers { .ignore }

        public var cursor: String?
        public var meta: JSONObject?

        public init(cursor: String? = nil, meta: JSONObject? = nil) {
            self.cursor = cursor
            self.meta = meta
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            cursor = try reader.nullableString("cursor")
            meta = reader.meta
        }
    }

    public typealias Result = MCPToolsListResult
}

/// Answer to `tools/list` (MCP `ListToolsResult`).
public struct MCPToolsListResult: MCPCacheableResult, Equatable {
    public static let name = "MCPToolsListResult"
    public static let summary =
        #"Answer to `tools/list`: every agent, then every workflow, as a tool, in one page (no `nextCursor`); with cache directives on a stateless request."#
    public static let members: [Member] =
        [
            Member(
                "tools",
                required: true,
                schema: Schema(["type": "array", "items": MCPTool.schema.json]),
                description: #"The tools: the agents, then the workflows."#
            )
        ] + MCPProtocol.cacheMembers + [MCPProtocol.resultTypeMember]

    public var tools: [MCPTool]
    public var ttlMs: Int?
    public var cacheScope: MCPCacheScope?
    public var resultType: MCPResultKind?

    public init(
        tools: [MCPTool],
        ttlMs: Int? = nil,
        cacheScope: MCPCacheScope? = nil,
        resultType: MCPResultKind? = nil
    ) {
        self.tools = tools
        self.ttlMs = ttlMs
        self.cacheScope = cacheScope
        self.resultType = resultType
    }

    public func encode(to object: inout ResultObject) {
        object.set("tools", tools)
        object["ttlMs"] = ttlMs.map { .int($0) }
        object["cacheScope"] = cacheScope.map { .string($0.rawValue) }
        object.setResultType(resultType)
    }
}
