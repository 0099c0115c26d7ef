import JSONCore

/// How a ``Usage`` is kept by the stores (in a step event's body and a run's `usage` column): its own property
/// names, cost in whole nano-dollars. Reads the older step form (`promptTokens`, `completionTokens`) too.
public enum StoredUsage {
    public static func json(_ usage: Usage) -> JSONValue {
        var object: JSONObject = ["outputTokens": .int(usage.outputTokens), "modelCalls": .int(usage.modelCalls)]
        if let input = usage.inputTokens { object["inputTokens"] = .int(input) }
        if let cached = usage.cachedInputTokens { object["cachedInputTokens"] = .int(cached) }
        if let reasoning = usage.reasoningTokens { object["reasoningTokens"] = .int(reasoning) }
        if let cost = usage.cost { object["costNanos"] = .int(cost.nanos) }
        if let model = usage.model { object["model"] = .string(model) }
        object["reported"] = .bool(usage.reported)
        return .object(object)
    }

    /// The usage `value` holds; `nil` when it holds none this version can read.
    public static func usage(_ value: JSONValue?) -> Usage? {
        guard case .object(let object)? = value else { return nil }
        func int(_ key: String) -> Int? { object[key]?.integerValue.map { Int($0) } }
        if let output = int("outputTokens") {
            return Usage(
                inputTokens: int("inputTokens"),
                outputTokens: output,
                cachedInputTokens: int("cachedInputTokens"),
                reasoningTokens: int("reasoningTokens"),
                cost: object["costNanos"]?.integerValue.map { USD(nanos: $0) },
                modelCalls: int("modelCalls") ?? 1,
                reported: object["reported"]?.boolValue ?? false,
                model: object["model"]?.stringValue
            )
        }
        // Older step events: `reported` (a stored event) or `source` (a legacy notification).
        guard let prompt = int("promptTokens"), let completion = int("completionTokens") else { return nil }
        let reported = object["reported"]?.boolValue ?? (object["source"]?.stringValue == "server")
        return Usage(inputTokens: reported ? prompt : nil, outputTokens: completion, reported: reported)
    }
}
