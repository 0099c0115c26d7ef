import JSONCore

/// What the server supports, in the answer to `initialize`.
public struct ServerCapabilities: ResultType, Equatable {
    public static let name = "ServerCapabilities"
    public static let summary = #"What the server supports."#
    public static let members: [Member] = [
        Member(
            "agents",
            required: true,
            schema: Schema(["type": "boolean", "const": true]),
            description: #"The server serves agents (`agents/list`, `agent/run`)."#
        ),
        Member(
            "workflows",
            required: true,
            schema: Schema(
                json: #"""
                    {
                      "type": "object",
                      "required": [
                        "strategies"
                      ],
                      "properties": {
                        "strategies": {
                          "type": "array",
                          "description": "The coordinator strategies supported.",
                          "items": {
                            "$ref": "#/components/schemas/StrategyName"
                          },
                          "uniqueItems": true,
                          "examples": [
                            [
                              "sequential",
                              "parallel",
                              "hierarchical"
                            ]
                          ]
                        }
                      }
                    }
                    """#
            ),
            description: #"The server runs workflows (`workflows/list`, `workflow/run`, `coordinator/*`)."#
        ),
        Member(
            "sessions",
            required: true,
            schema: Schema(["type": "boolean", "const": true]),
            description: #"The server keeps sessions (`session/new`, `session/prompt`, `session/close`)."#
        ),
        Member(
            "runs",
            required: true,
            schema: Schema(
                json: #"""
                    {
                      "type": "object",
                      "required": [
                        "cancel"
                      ],
                      "properties": {
                        "cancel": {
                          "type": "array",
                          "description": "Methods that cancel a run.",
                          "items": {
                            "type": "string",
                            "enum": [
                              "$/cancelRequest",
                              "$/cancel_request",
                              "notifications/cancelled",
                              "run/cancel"
                            ]
                          },
                          "uniqueItems": true,
                          "examples": [
                            [
                              "$/cancelRequest",
                              "$/cancel_request",
                              "notifications/cancelled",
                              "run/cancel"
                            ]
                          ]
                        }
                      }
                    }
                    """#
            ),
            description: #"Run-related capabilities."#
        ),
        Member(
            "stream",
            required: true,
            schema: Schema(
                json: #"""
                    {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "enum": [
                          "tokens",
                          "thinking",
                          "steps",
                          "progress",
                          "heartbeat",
                          "traces",
                          "tokenCoalesceMs"
                        ]
                      },
                      "uniqueItems": true,
                      "examples": [
                        [
                          "tokens",
                          "thinking",
                          "steps",
                          "progress",
                          "heartbeat",
                          "traces",
                          "tokenCoalesceMs"
                        ]
                      ]
                    }
                    """#
            ),
            description: #"The members `stream` understands (see `StreamOptions`)."#
        ),
        Member(
            "framing",
            required: true,
            schema: Schema(["type": "string", "enum": ["ndjson", "content-length"]]),
            description: #"The framing the server detected from the client's first byte and uses for its replies."#
        ),
        Member(
            "store",
            required: true,
            schema: Schema(
                json: #"""
                    {
                      "type": "object",
                      "required": [
                        "persistent",
                        "flushIntervalMs"
                      ],
                      "properties": {
                        "persistent": {
                          "type": "boolean"
                        },
                        "flushIntervalMs": {
                          "type": "integer",
                          "minimum": 1
                        }
                      }
                    }
                    """#
            ),
            description:
                #"Runs kept beyond their request (`run/status`, `run/get`, `run/list`, `run/events`, `run/delete`). `persistent` is false with `--store memory` (kept only while this process lives). Other processes on the same store see a run's writes within `flushIntervalMs`."#
        ),
    ]

    /// The run store as clients see it.
    public struct Store: Sendable, Equatable {
        /// Whether runs outlive the process (false with `--store memory`).
        public var persistent: Bool
        /// How soon other processes on the same store see a run's writes, in milliseconds (at least 1).
        public var flushIntervalMs: Int

        public init(persistent: Bool, flushIntervalMs: Int) {
            self.persistent = persistent
            self.flushIntervalMs = flushIntervalMs
        }
    }

    /// The coordinator strategies supported.
    public var strategies: [String]
    /// The methods that cancel a run.
    public var cancelMethods: [String]
    /// The members `stream` understands.
    public var stream: [String]
    /// The framing detected from the client's first byte (`ndjson` or `content-length`).
    public var framing: String
    public var store: Store

    public init(
        strategies: [String] = ["sequential", "parallel", "hierarchical"],
        cancelMethods: [String] = ["$/cancelRequest", "$/cancel_request", "notifications/cancelled", "run/cancel"],
        stream: [String],
        framing: String,
        store: Store
    ) {
        self.strategies = strategies
        self.cancelMethods = cancelMethods
        self.stream = stream
        self.framing = framing
        self.store = store
    }

    public func encode(to object: inout ResultObject) {
        object["agents"] = true
        object["workflows"] = ["strategies": .array(strategies.map { .string($0) })]
        object["sessions"] = true
        object["runs"] = ["cancel": .array(cancelMethods.map { .string($0) })]
        object["stream"] = .array(stream.map { .string($0) })
        object["store"] = ["persistent": .bool(store.persistent), "flushIntervalMs": .int(store.flushIntervalMs)]
        object["framing"] = .string(framing)
    }
}
