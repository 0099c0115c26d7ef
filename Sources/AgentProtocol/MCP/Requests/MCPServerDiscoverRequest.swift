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
        schema: Schema(
            json: #"""
                {
                  "type": "object",
                  "required": ["supportedVersions", "capabilities"],
                  "properties": {
                    "supportedVersions": {"type": "array", "items": {"type": "string"}},
                    "capabilities": {"type": "object"},
                    "instructions": {"type": "string"},
                    "ttlMs": {"type": "integer"},
                    "cacheScope": {"type": "string"},
                    "resultType": {"const": "complete"}
                  }
                }
                """#
        )
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
}
