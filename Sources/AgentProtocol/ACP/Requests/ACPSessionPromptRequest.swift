import JSONCore
import JSONRPC

/// One turn: runs the session's agent or workflow on the prompt.
public enum ACPSessionPromptRequest: RequestType {
    public static let method = "session/prompt"
    public static let direction = Direction.clientRequest
    public static let summary = #"One turn: runs the session's agent or workflow on the prompt."#
    public static let description = #"""
        Runs the session's agent or workflow on the prompt, with the session's earlier turns as history. The content blocks become the input: text as is, resource links as Markdown links, embedded text resources as fenced blocks headed by their uri, embedded binary resources as a line naming their uri, MIME type and size. A session an earlier process created can be prompted without loading it.

        While the turn runs, `session/update`s stream its tokens, reasoning, tool calls and, for a workflow, its plan; a `usage_update` follows when the context window is known, and a `session_info_update` with the title after the first turn. Every update is sent before the answer: `stopReason` `end_turn`, or `cancelled` after `session/cancel` or `$/cancel_request`, with the run id and output tokens in `_meta.agentwire`. A turn that produced output is kept in the session's history.

        Errors: -32602 when `sessionId` is missing or a content block is malformed or of an unsupported type (`data.field`, e.g. `params.prompt[0].type`); -32002 when the session is unknown; -32004 when the session already has a prompt in flight; the run's own errors (-32005 timeout, -32010 agent failure, -32007 and -32006 limits).
        """#
    public static let result = ResultSpec(
        name: "promptResult",
        description: #"Why the turn stopped."#,
        of: ACPSessionPromptResult.self,
        inline: true
    )

    public struct Params: ParamsType {
        public static let members: [Member] = [
            Member("sessionId", required: true, schema: .string, description: #"The session."#),
            Member(
                "prompt",
                required: true,
                schema: Schema(json: #"{"type": "array", "items": {"type": "object", "required": ["type"]}}"#),
                description: #"""
                    Content blocks: `text`, `resource_link` and `resource` (embedded text or blob); `image` and `audio` are refused, as the capabilities say.
                    """#
            ),
        ]
        public static var unknownMembers: UnknownMembers { .ignore }

        public var sessionId: String
        /// The content blocks, unchecked: the face reads each block and names the first bad one.
        public var prompt: [JSONValue]

        public init(sessionId: String, prompt: [JSONValue]) {
            self.sessionId = sessionId
            self.prompt = prompt
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            sessionId = try reader.string("sessionId")
            guard let blocks = reader.optionalValue("prompt")?.arrayValue else {
                throw .invalidParams(field: reader.field("prompt"), "is required (an array of content blocks)")
            }
            prompt = blocks
        }
    }

    public typealias Result = ACPSessionPromptResult
}

/// Answer to `session/prompt` (ACP `PromptResponse`), sent after the turn's last update.
public struct ACPSessionPromptResult: ResultType, Equatable {
    /// Why a turn stopped.
    public enum StopReason: String, Sendable, CaseIterable {
        /// The run finished.
        case endTurn = "end_turn"
        /// `session/cancel` or `$/cancel_request` stopped it.
        case cancelled
        /// The run's `maxOutputTokens` budget cut it.
        case maxTokens = "max_tokens"
        /// The run's `maxModelCalls` budget stopped it.
        case maxTurnRequests = "max_turn_requests"
    }

    public static let name = "ACPSessionPromptResult"
    public static let summary =
        #"Answer to `session/prompt`: why the turn stopped, with the run id and output tokens in `_meta.agentwire`."#
    public static let members: [Member] = [
        Member(
            "stopReason",
            required: true,
            schema: Schema(["enum": .array(StopReason.allCases.map { .string($0.rawValue) })]),
            description:
                #"`end_turn`; `cancelled` after `session/cancel` or `$/cancel_request`; `max_tokens` when the agent's `limits.budget.maxOutputTokens` cut the turn, `max_turn_requests` when its `maxModelCalls` stopped it (the turn's output is kept either way; `maxCostUsd` answers error -32011)."#
        ),
        .runFactsMeta(
            duration: false,
            description:
                #"`agentwire`: the turn's run id and its usage (output tokens; input tokens and `costUsd` where known, as in the native protocol's `Usage`)."#
        ),
    ]

    public var stopReason: StopReason
    /// The turn's run.
    public var runId: String
    /// Output tokens the turn produced.
    public var outputTokens: Int
    /// The turn's usage and cost, when known; else only ``outputTokens`` is sent.
    public var usage: RunUsage?

    public init(stopReason: StopReason, runId: String, outputTokens: Int, usage: RunUsage? = nil) {
        self.stopReason = stopReason
        self.runId = runId
        self.outputTokens = outputTokens
        self.usage = usage
    }

    public func encode(to object: inout ResultObject) {
        object["stopReason"] = .string(stopReason.rawValue)
        object["_meta"] = [
            "agentwire": ["runId": .string(runId), "usage": usage?.json ?? ["outputTokens": .int(outputTokens)]]
        ]
    }
}
