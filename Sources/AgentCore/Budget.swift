import JSONCore

/// Limits on what one run may spend. Reaching one stops the run at once: its token stream is cut and
/// no further agent or model call starts (-32011 Budget exceeded).
public struct Budget: Sendable, Equatable {
    /// The most the run's priced model calls may cost together.
    public var maxCost: USD?
    /// The most output tokens the run may produce (over all its steps).
    public var maxOutputTokens: Int?
    /// The most model requests the run may make (each tool round trip is one more).
    public var maxModelCalls: Int?

    public init(maxCost: USD? = nil, maxOutputTokens: Int? = nil, maxModelCalls: Int? = nil) {
        self.maxCost = maxCost
        self.maxOutputTokens = maxOutputTokens
        self.maxModelCalls = maxModelCalls
    }

    public var isEmpty: Bool { maxCost == nil && maxOutputTokens == nil && maxModelCalls == nil }

    /// This budget, its members left out taken from `defaults` (an agent's or workflow's `limits.budget`).
    public func over(_ defaults: Budget?) -> Budget {
        guard let defaults else { return self }
        return Budget(
            maxCost: maxCost ?? defaults.maxCost,
            maxOutputTokens: maxOutputTokens ?? defaults.maxOutputTokens,
            maxModelCalls: maxModelCalls ?? defaults.maxModelCalls
        )
    }

    /// The limit a run reached.
    public enum Limit: String, Sendable, Equatable {
        case maxCostUsd, maxOutputTokens, maxModelCalls
    }

    /// The value of `limit` as JSON (`maxCostUsd` as a number of dollars).
    public func value(of limit: Limit) -> JSONValue {
        switch limit {
        case .maxCostUsd: maxCost.map { .double($0.doubleValue) } ?? .null
        case .maxOutputTokens: maxOutputTokens.map { .int($0) } ?? .null
        case .maxModelCalls: maxModelCalls.map { .int($0) } ?? .null
        }
    }

    /// The budget as its JSON object (the members that are set).
    public var json: JSONValue {
        var object = JSONObject()
        if let maxCost { object["maxCostUsd"] = .double(maxCost.doubleValue) }
        if let maxOutputTokens { object["maxOutputTokens"] = .int(maxOutputTokens) }
        if let maxModelCalls { object["maxModelCalls"] = .int(maxModelCalls) }
        return .object(object)
    }
}

/// A run reached a limit of its ``Budget``.
public struct BudgetExceeded: Error, Sendable, Equatable {
    public var limit: Budget.Limit
}

/// What a run has spent, as its budget counts it.
public struct Spending: Sendable, Equatable {
    /// The cost of the calls that had a price.
    public var cost: USD
    /// Output tokens: streamed, plus what ended calls reported beyond that.
    public var outputTokens: Int
    public var modelCalls: Int
    /// The limit the run reached, if it did.
    public var exceeded: Budget.Limit?
}
