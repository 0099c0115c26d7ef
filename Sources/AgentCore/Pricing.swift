/// USD prices of one model, per million tokens (the config's `pricing` section).
public struct ModelPrice: Sendable, Equatable {
    public var inputPerMillion: USD
    public var outputPerMillion: USD
    /// The price of input tokens served from the prompt cache; without it they cost as other input.
    public var cachedInputPerMillion: USD?

    public init(inputPerMillion: USD, outputPerMillion: USD, cachedInputPerMillion: USD? = nil) {
        self.inputPerMillion = inputPerMillion
        self.outputPerMillion = outputPerMillion
        self.cachedInputPerMillion = cachedInputPerMillion
    }

    /// What one call with `usage` costs, rounded to the nearest nano-dollar (halves away from zero):
    /// uncached input × input price + cached input × cached price + output × output price, per million,
    /// computed in whole nano-dollars × tokens (no floating point). `nil` when the server reported no
    /// input tokens: output alone would understate the cost.
    public func cost(of usage: Usage) -> USD? {
        guard let input = usage.inputTokens else { return nil }
        let cached = min(max(usage.cachedInputTokens ?? 0, 0), max(input, 0))
        let uncached = max(input, 0) - cached
        let cachedPrice = cachedInputPerMillion ?? inputPerMillion
        let scaled =
            Int128(uncached) * Int128(inputPerMillion.nanos)
            + Int128(cached) * Int128(cachedPrice.nanos)
            + Int128(max(usage.outputTokens, 0)) * Int128(outputPerMillion.nanos)
        let nanos = (scaled + 500_000) / 1_000_000
        return USD(nanos: nanos > Int128(Int64.max) ? .max : Int64(nanos))
    }
}

/// Prices by model name. A model that is not listed has no price, and its calls get no cost.
public struct Pricing: Sendable, Equatable {
    public var models: [String: ModelPrice]

    public init(_ models: [String: ModelPrice] = [:]) {
        self.models = models
    }

    public var isEmpty: Bool { models.isEmpty }

    public subscript(model: String) -> ModelPrice? { models[model] }

    /// `usage` with its cost filled in from the price of its model (when known and priced).
    public func pricing(_ usage: Usage) -> Usage {
        var usage = usage
        usage.cost = usage.model.flatMap { models[$0] }?.cost(of: usage)
        return usage
    }
}
