import JSONCore
import JSONRPC

/// Runs an agent or a workflow on `arguments.input`.
public enum MCPToolsCallRequest: RequestType {
    public static let method = "tools/call"
    public static let direction = Direction.clientRequest
    public static let summary = #"Runs an agent or a workflow on `arguments.input`."#
    public static let description = #"""
        Runs the agent or workflow the tool stands for. With `_meta.progressToken`, `notifications/progress` streams the output (tokens coalesced up to 4 KiB or 16 ms) and a line per step, tool run and reasoning. With a log level set (`logging/setLevel`, or `_meta["io.modelcontextprotocol/logLevel"]` for this call), `notifications/message` reports the call starting and ending.

        The result holds the output as a text block, then `structuredContent` (output, stop reason, the agent, or the workflow, its strategy and steps) and the same JSON serialized in a second text block; the run id, usage and duration go in `_meta.agentwire`. A run that fails is a tool error (`isError: true`) with the error's code and message and the partial output. After `notifications/cancelled` the call stops and gets no reply; after `$/cancelRequest` it is answered with -32800.

        Errors: -32602 when `name` is missing or names no tool (`params.name`), `arguments.input` is missing or not a string (`params.arguments.input`), or the log level in `_meta` is not one of the syslog levels; -32007 and -32006 when a limit is reached.
        """#
    public static let result = ResultSpec(
        name: "callToolResult",
        description: #"The run's output, as text and as structured content."#,
        of: MCPToolsCallResult.self,
        inline: true
    )

    public struct Params: ParamsType {
        public static let members: [Member] = [
            Member(
                "name",
                required: true,
                schema: .string,
                description: #"The tool: an agent's name, or `workflow_NAME`."#
            ),
            Member(
                "arguments",
                required: false,
                schema: Schema(
                    json: #"{"type": "object", "required": ["input"], "properties": {"input": {"type": "string"}}}"#
                ),
                description: #"The tool's arguments: `input`, what the agent or workflow works on."#
            ),
            MCPProtocol.metaMember(
                #"""
                Request metadata: `progressToken` (a string or an integer) asks for progress notifications, `io.modelcontextprotocol/logLevel` for log messages about this call, and `io.modelcontextprotocol/protocolVersion` at 2026-07-28 or later adds `resultType: "complete"` to the result.
                """#
            ),
        ]
        public static var unknownMembers: UnknownMembers { .ignore }

        public var name: String
        /// The arguments, unchecked: the face reads `input` and names it when it is bad.
        public var arguments: JSONObject?
        public var meta: JSONObject?

        public init(name: String, arguments: JSONObject? = nil, meta: JSONObject? = nil) {
            self.name = name
            self.arguments = arguments
            self.meta = meta
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            name = try reader.string("name")
            arguments = try reader.nullableObject("arguments")
            meta = reader.meta
        }

        /// The progress token in `_meta`, when it is a string or an integer.
        public var progressToken: JSONValue? {
            guard let token = meta?["progressToken"], token.stringValue != nil || token.integerValue != nil else {
                return nil
            }
            return token
        }
    }

    public typealias Result = MCPToolsCallResult
}

/// Answer to `tools/call` (MCP `CallToolResult`): the run's output, or its failure as a tool error.
public struct MCPToolsCallResult: MCPResult, Equatable {
    public static let name = "MCPToolsCallResult"
    public static let summary =
        #"Answer to `tools/call`: the output as text, the structured content and the same JSON as text; run facts in `_meta.agentwire`. A failed run is `isError: true`."#
    public static let members: [Member] = [
        Member(
            "content",
            required: true,
            schema: Schema(["type": "array", "items": MCPTextContent.schema.json]),
            description: #"The output (or the error's message), then `structuredContent` serialized."#
        ),
        Member(
            "structuredContent",
            required: false,
            schema: Schema(["type": "object"]),
            description: #"""
                What the run produced: `output`, `stopReason` and `agent`, or `workflow`, `strategy` and `steps`; for a failed run, `error` (`code`, `message`) and `partialOutput` when there is some.
                """#
        ),
        Member(
            "isError",
            required: false,
            schema: Schema(["type": "boolean"]),
            description: #"`true` when the run failed."#
        ),
        .runFactsMeta(
            duration: true,
            description:
                #"`agentwire`: the run id, its usage (output tokens; input tokens and `costUsd` where known, as in the native protocol's `Usage`) and, for a run that finished, `durationMs`."#
        ),
        MCPProtocol.resultTypeMember,
    ]

    public var content: [MCPTextContent]
    /// What the run produced, as JSON.
    public var structuredContent: JSONValue?
    public var isError: Bool
    /// The call's run.
    public var runId: String
    /// Output tokens the run produced.
    public var outputTokens: Int
    /// How long the run took; `nil` for a failed run.
    public var durationMs: Int?
    /// The run's usage and cost, when known; else only ``outputTokens`` is sent.
    public var usage: RunUsage?
    public var resultType: MCPResultKind?

    public init(
        content: [MCPTextContent],
        structuredContent: JSONValue? = nil,
        isError: Bool,
        runId: String,
        outputTokens: Int,
        durationMs: Int? = nil,
        usage: RunUsage? = nil,
        resultType: MCPResultKind? = nil
    ) {
        self.usage = usage
        self.content = content
        self.structuredContent = structuredContent
        self.isError = isError
        self.runId = runId
        self.outputTokens = outputTokens
        self.durationMs = durationMs
        self.resultType = resultType
    }

    public func encode(to object: inout ResultObject) {
        object.set("content", content)
        object["structuredContent"] = structuredContent
        object["isError"] = .bool(isError)
        var meta: JSONObject = [
            "runId": .string(runId), "usage": usage?.json ?? ["outputTokens": .int(outputTokens)],
        ]
        meta["durationMs"] = durationMs.map { .int($0) }
        object["_meta"] = ["agentwire": .object(meta)]
        object.setResultType(resultType)
    }
}
