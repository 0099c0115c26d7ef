import JSONCore

/// Token usage of a run, in its result and in the run store's record of it.
public struct RunUsage: ResultType, Equatable {
    public static let name = "Usage"
    public static let summary = #"Token usage of a run."#
    public static let members: [Member] = [
        Member(
            "outputTokens",
            required: true,
            schema: Schema(["type": "integer", "minimum": 0]),
            description:
                #"Number of output tokens the run produced, over all its steps (counted before any coalescing)."#
        )
    ]

    /// Output tokens over all the run's steps.
    public var outputTokens: Int

    public init(outputTokens: Int) {
        self.outputTokens = outputTokens
    }

    public func encode(to object: inout ResultObject) {
        object["outputTokens"] = .int(outputTokens)
    }
}
