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
        schema: Schema(
            json: #"""
                {
                  "type": "object",
                  "required": ["tools"],
                  "properties": {
                    "tools": {
                      "type": "array",
                      "items": {"type": "object", "required": ["name", "inputSchema"]}
                    }
                  }
                }
                """#
        )
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
}
