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
        of: ACPInitializeResult.self,
        inline: true
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

    public typealias Result = ACPInitializeResult
}

/// Answer to ACP `initialize` (ACP `InitializeResponse`).
public struct ACPInitializeResult: ResultType, Equatable {
    public static let name = "ACPInitializeResult"
    public static let summary =
        #"Answer to `initialize`: the version spoken, the agent's capabilities, its auth methods (none) and its name and version."#
    public static let members: [Member] = [
        Member(
            "protocolVersion",
            required: true,
            schema: Schema(json: #"{"type": "integer", "minimum": 0, "maximum": 65535}"#),
            description: #"The ACP version spoken: 1, whatever the client asked for."#
        ),
        Member(
            "agentCapabilities",
            required: false,
            schema: ACPAgentCapabilities.schema,
            description: #"What the agent supports."#
        ),
        Member(
            "authMethods",
            required: false,
            schema: Schema(["type": "array"]),
            description: #"Always empty: no authentication is needed."#
        ),
        Member(
            "agentInfo",
            required: false,
            schema: Implementation.schema,
            description: #"The agent's name and version."#
        ),
        Member(
            "_meta",
            required: false,
            schema: Schema(
                json: #"""
                    {
                      "type": "object",
                      "properties": {
                        "agentwire": {"type": "object", "required": ["face"], "properties": {"face": {"const": "acp"}}}
                      }
                    }
                    """#
            ),
            description: #"`agentwire.face`: the face answering, `acp`."#
        ),
    ]

    public var protocolVersion: Int
    public var agentCapabilities: ACPAgentCapabilities
    public var agentInfo: Implementation

    public init(protocolVersion: Int, agentCapabilities: ACPAgentCapabilities, agentInfo: Implementation) {
        self.protocolVersion = protocolVersion
        self.agentCapabilities = agentCapabilities
        self.agentInfo = agentInfo
    }

    public func encode(to object: inout ResultObject) {
        object["protocolVersion"] = .int(protocolVersion)
        object.set("agentCapabilities", agentCapabilities)
        object["authMethods"] = []
        object.set("agentInfo", agentInfo)
        object["_meta"] = ["agentwire": ["face": "acp"]]
    }
}
