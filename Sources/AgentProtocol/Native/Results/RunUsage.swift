import JSONCore

/// Tokens and cost of a run's model calls (in its result and stored record), or of one step's (in
/// `run/step` and `run/get`'s steps).
public struct RunUsage: ResultType, Equatable {
    public static let name = "Usage"
    public static let summary =
        #"Tokens and cost of model calls: of a whole run (summed over its steps) in results, `run/get` and errors that end a run; of one agent call in `run/step`, `run/get`'s steps and a workflow's branches. Input figures are the model server's (`stream_options.include_usage`); a provider that reports nothing (`echo`, `command`) has its output tokens counted from the stream and no input figure."#
    public static let members: [Member] = [
        Member(
            "outputTokens",
            required: true,
            schema: Schema(["type": "integer", "minimum": 0]),
            description:
                #"Output tokens: as the model server reported them, else counted from the stream (before any coalescing)."#
        ),
        Member(
            "inputTokens",
            required: false,
            schema: Schema(["type": "integer", "minimum": 0]),
            description:
                #"Input tokens as the model server reported them, cached ones included; over the calls that reported them. Absent when no call did."#
        ),
        Member(
            "cachedInputTokens",
            required: false,
            schema: Schema(["type": "integer", "minimum": 0]),
            description: #"Input tokens served from the server's prompt cache, when reported."#
        ),
        Member(
            "reasoningTokens",
            required: false,
            schema: Schema(["type": "integer", "minimum": 0]),
            description: #"Output tokens spent on reasoning, when reported (part of `outputTokens`)."#
        ),
        Member(
            "costUsd",
            required: false,
            schema: Schema(["type": "number", "minimum": 0]),
            description:
                #"What the calls cost in US dollars, from the config's `pricing`: each call rounded to the nearest nano-dollar, sums exact. Present only when every call summed had a price (and reported its input tokens): a partial sum would be wrong, so a workflow with an unpriced call has none, though its priced steps do."#
        ),
        Member(
            "modelCalls",
            required: false,
            schema: Schema(["type": "integer", "minimum": 0]),
            description: #"Model requests made: one per agent call, plus one per tool round trip."#
        ),
        Member(
            "model",
            required: false,
            schema: .string,
            description: #"The model the calls used, when they all used one (`openai` agents)."#
        ),
        Member(
            "source",
            required: false,
            schema: Schema(["type": "string", "enum": ["server", "counted"]]),
            description:
                #"`server` when every figure came from the model server, `counted` when output tokens were counted from the stream."#
        ),
    ]

    public var outputTokens: Int
    public var inputTokens: Int?
    public var cachedInputTokens: Int?
    public var reasoningTokens: Int?
    /// US dollars; the exact amount is a whole number of nano-dollars.
    public var costUsd: Double?
    public var modelCalls: Int?
    public var model: String?
    /// `true`: `source: "server"`; `false`: `"counted"`; `nil`: left out.
    public var reported: Bool?

    public init(
        outputTokens: Int,
        inputTokens: Int? = nil,
        cachedInputTokens: Int? = nil,
        reasoningTokens: Int? = nil,
        costUsd: Double? = nil,
        modelCalls: Int? = nil,
        model: String? = nil,
        reported: Bool? = nil
    ) {
        self.outputTokens = outputTokens
        self.inputTokens = inputTokens
        self.cachedInputTokens = cachedInputTokens
        self.reasoningTokens = reasoningTokens
        self.costUsd = costUsd
        self.modelCalls = modelCalls
        self.model = model
        self.reported = reported
    }

    public func encode(to object: inout ResultObject) {
        object["outputTokens"] = .int(outputTokens)
        if let inputTokens { object["inputTokens"] = .int(inputTokens) }
        if let cachedInputTokens { object["cachedInputTokens"] = .int(cachedInputTokens) }
        if let reasoningTokens { object["reasoningTokens"] = .int(reasoningTokens) }
        if let costUsd { object["costUsd"] = .double(costUsd) }
        if let modelCalls { object["modelCalls"] = .int(modelCalls) }
        if let model { object["model"] = .string(model) }
        if let reported { object["source"] = reported ? "server" : "counted" }
    }
}
