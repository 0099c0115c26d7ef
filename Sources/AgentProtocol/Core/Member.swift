import JSONCore

/// One named member of a message's params: the OpenRPC content descriptor, and what decoding accepts.
public struct Member: Sendable {
    public var name: String
    public var required: Bool
    public var schema: Schema
    public var description: String?

    public init(_ name: String, required: Bool, schema: Schema, description: String? = nil) {
        self.name = name
        self.required = required
        self.schema = schema
        self.description = description
    }
}

extension Member {
    /// `runId` of a run notification: the run it is about.
    public static let runId = Member("runId", required: true, schema: .ref("RunId"), description: #"The run."#)
    /// `seq` of a run notification: its place among the run's events.
    public static let seq = Member(
        "seq",
        required: true,
        schema: .ref("Seq"),
        description: #"Sequence number within the run."#
    )

    /// An optional `_meta` member whose `agentwire` object has `properties`, of which `required` are always
    /// present.
    public static func agentwireMeta(
        required: [String],
        properties: JSONObject,
        description: String
    ) -> Member {
        let agentwire: JSONValue = [
            "type": "object",
            "required": .array(required.map { .string($0) }),
            "properties": .object(properties),
        ]
        return Member(
            "_meta",
            required: false,
            schema: Schema(["type": "object", "properties": ["agentwire": agentwire]]),
            description: description
        )
    }

    /// `_meta.agentwire` with a finished run's facts: its `runId`, `usage.outputTokens` and, with
    /// `duration`, `durationMs` (ACP `session/prompt`, MCP `tools/call`).
    public static func runFactsMeta(duration: Bool, description: String) -> Member {
        var properties: JSONObject = [
            "runId": ["type": "string"],
            "usage": [
                "type": "object",
                "required": ["outputTokens"],
                "properties": [
                    "outputTokens": ["type": "integer", "minimum": 0],
                    "inputTokens": ["type": "integer", "minimum": 0],
                    "cachedInputTokens": ["type": "integer", "minimum": 0],
                    "reasoningTokens": ["type": "integer", "minimum": 0],
                    "costUsd": ["type": "number", "minimum": 0],
                    "modelCalls": ["type": "integer", "minimum": 0],
                    "model": ["type": "string"],
                    "source": ["type": "string", "enum": ["server", "counted"]],
                ],
            ],
        ]
        if duration { properties["durationMs"] = ["type": "integer", "minimum": 0] }
        return agentwireMeta(required: ["runId", "usage"], properties: properties, description: description)
    }
}
