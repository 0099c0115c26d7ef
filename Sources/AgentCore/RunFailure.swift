import JSONCore

/// Why a run could not start, or ended without a result. Carries what a user needs to act on it.
public struct RunFailure: Error, Sendable, Equatable {
    public enum Kind: String, Sendable {
        case notFound
        case sessionBusy
        case timeout
        case rateLimited
        case overloaded
        case providerFailure
        case invalidInput
        /// The run reached a limit of its budget (-32011).
        case budgetExceeded
        /// The final output is not JSON or does not match the run's output schema (-32012).
        case outputMismatch
    }

    public var kind: Kind
    public var message: String
    public var runId: String?
    public var stepId: String?
    public var retryable: Bool
    /// Short sentences a UI can show.
    public var suggestions: [String]
    /// Output produced before the failure; never thrown away.
    public var partialOutput: String?
    /// Tokens streamed before the failure (set for failures that end a run).
    public var outputTokens = 0
    /// What the run's model calls used and cost before it failed (set for failures that end a run).
    public var usage: Usage?
    /// Extra facts for the error's data (for example `available` names or `retryAfterMs`).
    public var details: [String: DetailValue]

    public enum DetailValue: Sendable, Equatable {
        case string(String)
        case strings([String])
        case int(Int)
        case json(JSONValue)
    }

    public init(
        kind: Kind,
        message: String,
        runId: String? = nil,
        stepId: String? = nil,
        retryable: Bool = false,
        suggestions: [String] = [],
        partialOutput: String? = nil,
        details: [String: DetailValue] = [:]
    ) {
        self.kind = kind
        self.message = message
        self.runId = runId
        self.stepId = stepId
        self.retryable = retryable
        self.suggestions = suggestions
        self.partialOutput = partialOutput
        self.details = details
    }

    /// An agent name that names none: says so, suggests the closest name, and points a workflow's name
    /// given as an agent's to the workflow requests.
    /// - Parameter workflows: the configured workflows' names.
    public static func unknownAgent(_ name: String, available: [String], workflows: [String] = []) -> RunFailure {
        if workflows.contains(name) {
            return RunFailure(
                kind: .notFound,
                message: "'\(name)' is a workflow, not an agent; run it with workflow/run",
                suggestions: ["Run it as a workflow: workflow/run, or `agentwire run --workflow \(name)`."],
                details: ["agent": .string(name), "available": .strings(available), "workflow": .string(name)]
            )
        }
        return notFound("agent", name, available: available, list: "agents/list")
    }

    /// A request's `model` the run cannot use (-32602 naming `params.model`).
    public static func invalidModel(
        _ message: String,
        suggestions: [String] = [],
        available: [String] = []
    ) -> RunFailure {
        var details: [String: DetailValue] = ["field": .string("params.model")]
        if !available.isEmpty { details["available"] = .strings(available) }
        return RunFailure(kind: .invalidInput, message: message, suggestions: suggestions, details: details)
    }

    /// The run reached `limit` of `budget` having spent `spending`; not retryable (the same request
    /// would spend the same).
    public static func budgetExceeded(
        _ limit: Budget.Limit,
        budget: Budget,
        spending: Spending,
        runId: String,
        partialOutput: String,
        outputTokens: Int
    ) -> RunFailure {
        let spent: String
        switch limit {
        case .maxCostUsd: spent = "spent \(spending.cost) of \(budget.maxCost ?? .zero)"
        case .maxOutputTokens: spent = "reached \(budget.maxOutputTokens ?? 0) output tokens"
        case .maxModelCalls: spent = "made \(spending.modelCalls) of \(budget.maxModelCalls ?? 0) model calls"
        }
        var failure = RunFailure(
            kind: .budgetExceeded,
            message: "Budget exceeded: the run \(spent) (\(limit.rawValue))",
            runId: runId,
            suggestions: ["Raise budget.\(limit.rawValue) in the request, or the agent's limits.budget."],
            partialOutput: partialOutput,
            details: [
                "spentUsd": .json(.double(spending.cost.doubleValue)),
                "outputTokens": .int(spending.outputTokens),
                "modelCalls": .int(spending.modelCalls),
                "limit": .string(limit.rawValue),
                "budget": .json(budget.json),
            ]
        )
        failure.outputTokens = outputTokens
        return failure
    }

    /// A workflow name that names none: says so and suggests the closest name.
    public static func unknownWorkflow(_ name: String, available: [String]) -> RunFailure {
        notFound("workflow", name, available: available, list: "workflows/list")
    }

    private static func notFound(_ noun: String, _ name: String, available: [String], list: String) -> RunFailure {
        let closest = NameSuggestion.closest(to: name, in: available)
        let hint = closest.map { " (did you mean '\($0)'?)" } ?? ""
        var details: [String: DetailValue] = [noun: .string(name), "available": .strings(available)]
        if let closest { details["suggestion"] = .string(closest) }
        return RunFailure(
            kind: .notFound,
            message: "Unknown \(noun) '\(name)'\(hint); available \(noun)s: \(available.joined(separator: ", "))",
            suggestions: ["Call \(list) to see the configured \(noun)s."],
            details: details
        )
    }
}
