import JSONCore
import JSONRPC

/// What every run-starting request takes besides its target and input: the run's time limit, which
/// notifications it streams, and the request's metadata (where a W3C trace context joins the client's trace).
public struct RunRequestOptions: Sendable, Equatable {
    public var timeoutMs: Int64?
    public var stream: JSONValue?
    public var meta: JSONObject?
    /// The `budget` object as sent; its members are checked where the run starts.
    public var budget: JSONValue?
    /// The `outputSchema` as sent; checked before anything runs.
    public var outputSchema: JSONValue?
    public var model: String?

    public init(
        timeoutMs: Int64? = nil,
        stream: JSONValue? = nil,
        meta: JSONObject? = nil,
        budget: JSONValue? = nil,
        outputSchema: JSONValue? = nil,
        model: String? = nil
    ) {
        self.timeoutMs = timeoutMs
        self.stream = stream
        self.meta = meta
        self.budget = budget
        self.outputSchema = outputSchema
        self.model = model
    }

    public init(from reader: ParamsReader) throws(ResponseError) {
        timeoutMs = try reader.optionalInteger("timeoutMs")
        stream = reader.optionalValue("stream")
        meta = reader.meta
        budget = reader.optionalValue("budget")
        outputSchema = reader.optionalValue("outputSchema")
        model = try reader.optionalString("model")
    }

    /// The members, after the request's own.
    /// - Parameter workflow: the request runs a workflow, whose own `timeoutMs` also applies.
    public static func members(workflow: Bool = false) -> [Member] {
        [
            Member(
                "timeoutMs",
                required: false,
                schema: .ref("TimeoutMs"),
                description: """
                    Limit for the whole run in milliseconds (1 to 86400000). Past it the run is stopped with -32005 \
                    Timeout and its partial output: in the reply, or for `agent/start` and `workflow/start` in the \
                    stored run.\(workflow ? " For a workflow the smaller of this and the workflow's own `timeoutMs` applies." : "")
                    """
            ),
            Member(
                "stream",
                required: false,
                schema: .ref("StreamOptions"),
                description: """
                    Which notifications this run sends to this connection, over the connection's setting from \
                    `initialize` (members left out keep that setting). `run/started` and the reply are always sent, \
                    and the store keeps every event whatever this says.
                    """
            ),
            Member(
                "budget",
                required: false,
                schema: .ref("Budget"),
                description: """
                    What the run may spend, over the agent's or workflow's `limits.budget`. Reaching a limit stops \
                    the run at once with -32011 Budget exceeded (`data`: `spentUsd`, `outputTokens`, `modelCalls`, \
                    `limit`, `partialOutput`); the run is stored as `failed` with that code.
                    """
            ),
            Member(
                "outputSchema",
                required: false,
                schema: Schema(["type": ["object", "boolean"]]),
                description: """
                    A JSON Schema the final output must match (replacing the agent's or workflow's own \
                    `outputSchema`). An `openai` model is asked for it (`response_format` `json_schema`); other \
                    providers get it in their instructions. The result then carries `structuredOutput`; output \
                    that is not JSON or breaks the schema answers -32012 Output does not match schema. A schema \
                    the server cannot use (a bad `type`, a `pattern` that does not compile, a `$ref` outside it) \
                    is -32602 before anything runs. Keywords: see the config schema's `outputSchema`.
                    """
            ),
            Member(
                "model",
                required: false,
                schema: Schema(["type": "string", "minLength": 1]),
                description: """
                    The model every model call of the run uses instead of its agent's configured one (in a \
                    workflow, every `openai` agent's); pricing follows it. -32602 naming `params.model` when no \
                    agent of the run has a model (`echo`, `command`) or the agent's `provider.models` does not list it.
                    """
            ),
            Member(
                "_meta",
                required: false,
                schema: .ref("RequestMeta"),
                description: "Request metadata; a W3C trace context here makes the run's spans join the client's trace."
            ),
        ]
    }
}
