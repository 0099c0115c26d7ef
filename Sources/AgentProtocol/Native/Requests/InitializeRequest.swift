import JSONCore
import JSONRPC

/// Exchange protocol version, client/server info and capabilities.
public enum InitializeRequest: RequestType {
    public static let method = "initialize"
    public static let direction = Direction.clientRequest
    public static let summary = #"Exchange protocol version, client/server info and capabilities."#
    public static let description = #"""
        Optional handshake. Native clients should send it first and follow it with `initialized`; a script may skip it and send `agent/run` straight away. All params are optional; `protocolVersion`, `clientInfo` and `capabilities` are accepted and not checked. `stream` sets which run notifications this connection receives (see Streaming options); sending `initialize` again starts from the defaults. The server always answers with the protocol version it speaks (`agentwire/1`), its capabilities, and in `capabilities.framing` the framing it detected.

        Errors: -32602 when params is not an object or `stream` is malformed (`data.field`, e.g. `params.stream.tokens`).
        """#
    public static let result = ResultSpec(
        name: "initializeResult",
        description: #"Server protocol version, info and capabilities."#,
        of: InitializeResult.self
    )
    public static let errors: [ErrorSpec] = [.invalidParams, .shuttingDown]
    public static let examples = JSONValue(
        json: #"""
            [
              {
                "name": "initialize",
                "params": [
                  {
                    "name": "protocolVersion",
                    "value": "agentwire/1"
                  },
                  {
                    "name": "clientInfo",
                    "value": {
                      "name": "example-client",
                      "version": "1.0.0"
                    }
                  },
                  {
                    "name": "capabilities",
                    "value": {}
                  },
                  {
                    "name": "stream",
                    "value": {
                      "thinking": false,
                      "tokenCoalesceMs": 50
                    }
                  }
                ],
                "result": {
                  "name": "initialize result",
                  "value": {
                    "protocolVersion": "agentwire/1",
                    "serverInfo": {
                      "name": "agentwire",
                      "version": "0.2.0"
                    },
                    "capabilities": {
                      "agents": true,
                      "workflows": {
                        "strategies": [
                          "sequential",
                          "parallel",
                          "hierarchical"
                        ]
                      },
                      "sessions": true,
                      "runs": {
                        "cancel": [
                          "$/cancelRequest",
                          "$/cancel_request",
                          "notifications/cancelled",
                          "run/cancel"
                        ]
                      },
                      "stream": [
                        "tokens",
                        "thinking",
                        "steps",
                        "progress",
                        "heartbeat",
                        "tokenCoalesceMs"
                      ],
                      "framing": "ndjson",
                      "store": {
                        "persistent": true,
                        "flushIntervalMs": 50
                      }
                    }
                  }
                }
              }
            ]
            """#
    )

    public struct Params: ParamsType {
        public static let members: [Member] = [
            Member(
                "protocolVersion",
                required: false,
                schema: .ref("ProtocolVersion"),
                description: #"Protocol version the client speaks, e.g. `agentwire/1`."#
            ),
            Member(
                "clientInfo",
                required: false,
                schema: .ref("ClientInfo"),
                description: #"Name and version of the client."#
            ),
            Member(
                "capabilities",
                required: false,
                schema: .ref("ClientCapabilities"),
                description: #"Client capabilities."#
            ),
            Member(
                "stream",
                required: false,
                schema: .ref("StreamOptions"),
                description: #"""
                    Which run notifications this connection receives by default; each run-starting request may override it with its own `stream`.
                    """#
            ),
        ]

        public var protocolVersion: String?
        public var clientInfo: JSONValue?
        public var capabilities: JSONValue?
        public var stream: JSONValue?

        public init(
            protocolVersion: String? = nil,
            clientInfo: JSONValue? = nil,
            capabilities: JSONValue? = nil,
            stream: JSONValue? = nil
        ) {
            self.protocolVersion = protocolVersion
            self.clientInfo = clientInfo
            self.capabilities = capabilities
            self.stream = stream
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            protocolVersion = try reader.optionalString("protocolVersion")
            clientInfo = try reader.optionalValue("clientInfo")
            capabilities = try reader.optionalValue("capabilities")
            stream = try reader.optionalValue("stream")
        }
    }

    public typealias Result = InitializeResult
}

/// Answer to `initialize`.
public struct InitializeResult: ResultType, Equatable {
    public static let name = "InitializeResult"
    public static let summary = #"Answer to `initialize`."#
    public static let members: [Member] = [
        Member(
            "protocolVersion",
            required: true,
            schema: Schema(["type": "string", "const": .string(NativeProtocol.version)]),
            description: #"The protocol version the server speaks."#
        ),
        Member("serverInfo", required: true, schema: ServerInfo.ref),
        Member("capabilities", required: true, schema: ServerCapabilities.ref),
    ]

    public var serverInfo: ServerInfo
    public var capabilities: ServerCapabilities

    public init(serverInfo: ServerInfo, capabilities: ServerCapabilities) {
        self.serverInfo = serverInfo
        self.capabilities = capabilities
    }

    public func encode(to object: inout ResultObject) {
        object["protocolVersion"] = .string(NativeProtocol.version)
        object.set("serverInfo", serverInfo)
        object.set("capabilities", capabilities)
    }
}
