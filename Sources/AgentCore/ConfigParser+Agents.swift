import JSONCore

extension ConfigParser {
    /// The largest `limits.contextWindow` accepted, in tokens: far above any model today, low enough that
    /// a typo (a byte count, a stray digit) is caught.
    static let maxContextWindow: Int64 = 100_000_000

    static func parseAgent(
        name: String,
        _ value: JSONValue,
        path: String,
        tools: [String: ToolDefinition] = [:],
        mcpServers: [String] = [],
        baseDirectory: String? = nil
    ) throws(FieldError) -> AgentDefinition {
        try checkName(name, path: path)
        guard case .object(let object) = value else { throw .expected(path, "an object", got: value) }
        try onlyKeys(object, ConfigSchema.members(of: "agent"), path: path)
        var agent = AgentDefinition(name: name, description: "", provider: .echo(delayMs: 0))
        agent.description = try optionalString(object, "description", path: path) ?? ""
        agent.systemPrompt = try optionalString(object, "systemPrompt", path: path) ?? ""
        guard let provider = object["provider"] else {
            throw .expected("\(path).provider", "a provider object such as {\"type\": \"echo\"}", got: nil)
        }
        agent.provider = try parseProvider(
            provider,
            path: "\(path).provider",
            tools: tools,
            mcpServers: mcpServers,
            baseDirectory: baseDirectory
        )
        if let limits = object["limits"] {
            guard case .object(let limitsObject) = limits else {
                throw .expected("\(path).limits", "an object", got: limits)
            }
            let limitsPath = "\(path).limits"
            try onlyKeys(limitsObject, ConfigSchema.members(of: "agentLimits"), path: limitsPath)
            agent.timeoutMs = try optionalInt(limitsObject, "timeoutMs", path: limitsPath, range: 1...86_400_000)
            agent.contextWindow = try optionalInt(
                limitsObject,
                "contextWindow",
                path: limitsPath,
                range: 1...maxContextWindow
            )
            agent.budget = try limitsObject["budget"].map { value throws(FieldError) in
                try parseBudget(value, path: "\(limitsPath).budget")
            }
        }
        agent.outputSchema = try object["outputSchema"].map { value throws(FieldError) in
            try parseOutputSchema(value, path: "\(path).outputSchema")
        }
        return agent
    }
}
