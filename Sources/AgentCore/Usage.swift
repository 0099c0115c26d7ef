/// Tokens and cost of model calls: of one call, of a step (its calls), or of a run (its steps), summed.
///
/// Input figures are the model server's; a provider that reports nothing (`echo`, `command`, a server
/// that ignores `stream_options.include_usage`) has its output tokens counted from the stream and no
/// input figure. `cost` is known only when every call summed had a price (see ``Pricing``): a partial sum
/// would be a wrong figure.
public struct Usage: Sendable, Equatable {
    /// Tokens the model read, as the server reported them (including cached ones); over the calls that
    /// reported it.
    public var inputTokens: Int?
    /// Tokens the model wrote: the server's figure, or counted from the stream.
    public var outputTokens: Int
    /// Input tokens served from the server's prompt cache, when reported.
    public var cachedInputTokens: Int?
    /// Output tokens spent on reasoning, when reported (part of ``outputTokens``).
    public var reasoningTokens: Int?
    /// What the calls cost; `nil` unless every one of them had a price.
    public var cost: USD?
    /// Model requests made (a tool round trip makes one more).
    public var modelCalls: Int
    /// Whether every call's figures came from the server rather than the stream.
    public var reported: Bool
    /// The model the calls used, when they all used one.
    public var model: String?

    public init(
        inputTokens: Int? = nil,
        outputTokens: Int,
        cachedInputTokens: Int? = nil,
        reasoningTokens: Int? = nil,
        cost: USD? = nil,
        modelCalls: Int = 1,
        reported: Bool = false,
        model: String? = nil
    ) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cachedInputTokens = cachedInputTokens
        self.reasoningTokens = reasoningTokens
        self.cost = cost
        self.modelCalls = modelCalls
        self.reported = reported
        self.model = model
    }

    /// Nothing used yet: no call, no tokens, no cost.
    public static let none = Usage(outputTokens: 0, modelCalls: 0, reported: true)

    public static func + (lhs: Usage, rhs: Usage) -> Usage {
        if lhs.modelCalls == 0 && lhs.outputTokens == 0 && lhs.inputTokens == nil { return rhs }
        if rhs.modelCalls == 0 && rhs.outputTokens == 0 && rhs.inputTokens == nil { return lhs }
        func add(_ a: Int?, _ b: Int?) -> Int? { a == nil && b == nil ? nil : (a ?? 0) + (b ?? 0) }
        return Usage(
            inputTokens: add(lhs.inputTokens, rhs.inputTokens),
            outputTokens: lhs.outputTokens + rhs.outputTokens,
            cachedInputTokens: add(lhs.cachedInputTokens, rhs.cachedInputTokens),
            reasoningTokens: add(lhs.reasoningTokens, rhs.reasoningTokens),
            cost: lhs.cost.flatMap { left in rhs.cost.map { left + $0 } },
            modelCalls: lhs.modelCalls + rhs.modelCalls,
            reported: lhs.reported && rhs.reported,
            model: lhs.model == rhs.model ? lhs.model : nil
        )
    }

    public static func += (lhs: inout Usage, rhs: Usage) { lhs = lhs + rhs }

    /// The sum of `parts`; ``none`` when there are none.
    public static func sum(_ parts: some Sequence<Usage>) -> Usage {
        parts.reduce(Usage.none, +)
    }
}
