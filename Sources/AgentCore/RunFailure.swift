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
    /// Extra facts for the error's data (for example `available` names or `retryAfterMs`).
    public var details: [String: DetailValue]

    public enum DetailValue: Sendable, Equatable {
        case string(String)
        case strings([String])
        case int(Int)
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

    public static func unknownAgent(_ name: String, available: [String]) -> RunFailure {
        RunFailure(
            kind: .notFound,
            message: "Unknown agent '\(name)'; available agents: \(available.joined(separator: ", "))",
            suggestions: ["Call agents/list to see the configured agents."],
            details: ["agent": .string(name), "available": .strings(available)]
        )
    }

    static func unknownWorkflow(_ name: String, available: [String]) -> RunFailure {
        RunFailure(
            kind: .notFound,
            message: "Unknown workflow '\(name)'; available workflows: \(available.joined(separator: ", "))",
            suggestions: ["Call workflows/list to see the configured workflows."],
            details: ["workflow": .string(name), "available": .strings(available)]
        )
    }
}
