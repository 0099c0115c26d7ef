import JSONCore
import JSONRPC

/// Liveness check.
public enum MCPPingRequest: RequestType {
    public static let method = "ping"
    public static let direction = Direction.clientRequest
    public static let summary = #"Liveness check."#
    public static let description = #"Answers `{}` at once, before or after `initialize`."#
    public static let result = ResultSpec(
        name: "pingResult",
        description: #"`{}` (with `resultType` on a stateless request)."#,
        of: MCPEmptyResult.self,
        inline: true
    )

    public struct Params: ParamsType {
        public static let members: [Member] = [MCPProtocol.metaMember(MCPProtocol.metaDescription)]
        public static var unknownMembers: UnknownMembers { .ignore }

        public var meta: JSONObject?

        public init(meta: JSONObject? = nil) {
            self.meta = meta
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            meta = reader.meta
        }
    }

    public typealias Result = MCPEmptyResult
}
