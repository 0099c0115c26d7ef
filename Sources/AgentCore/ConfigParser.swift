import JSONCore

/// Reads config documents and workflow specifications, naming the JSON path of every problem.
public enum ConfigParser {
    /// Reads a config document. `baseDirectory` is the config file's directory (absolute): relative `cwd`
    /// members are taken relative to it, and the programs the config runs start in it unless their `cwd`
    /// says otherwise. `nil` (a document not read from a file): programs run in this process's working
    /// directory, and a relative `cwd` is taken relative to that.
    static func parse(_ root: JSONValue, baseDirectory: String? = nil) throws(FieldError) -> AgentConfig {
        guard case .object(let top) = root else { throw .expected("$", "an object", got: root) }
        var config = AgentConfig.builtIn
        let allowed = ConfigSchema.members()
        for (key, _) in top.members where !allowed.contains(key) {
            throw .unknown("$.\(key)", allowed: allowed.filter { $0 != "$schema" })
        }
        let tools =
            try top["tools"].map { value throws(FieldError) in
                try parseTools(value, path: "$.tools", baseDirectory: baseDirectory)
            } ?? [:]
        if let servers = top["mcpServers"] {
            config.mcpServers = try parseMCPServers(servers, path: "$.mcpServers", baseDirectory: baseDirectory)
        }
        let mcpServers = config.mcpServers.map(\.name)
        if let schema = top["$schema"], schema.stringValue == nil {
            throw .expected("$.$schema", "a string", got: schema)
        }
        if let agents = top["agents"] {
            guard case .object(let object) = agents else {
                throw .expected("$.agents", "an object of agents by name", got: agents)
            }
            for (name, value) in object.members {
                let agent = try parseAgent(
                    name: name,
                    value,
                    path: "$.agents.\(name)",
                    tools: tools,
                    mcpServers: mcpServers,
                    baseDirectory: baseDirectory
                )
                if let index = config.agents.firstIndex(where: { $0.name == name }) {
                    config.agents[index] = agent
                } else {
                    config.agents.append(agent)
                }
            }
        }
        if let workflows = top["workflows"] {
            guard case .object(let object) = workflows else {
                throw .expected("$.workflows", "an object of workflows by name", got: workflows)
            }
            for (name, value) in object.members {
                let workflow = try parseWorkflow(name: name, value, path: "$.workflows.\(name)")
                if let index = config.workflows.firstIndex(where: { $0.name == name }) {
                    config.workflows[index] = workflow
                } else {
                    config.workflows.append(workflow)
                }
            }
        }
        if let limits = top["limits"] { config.limits = try parseLimits(limits, path: "$.limits") }
        if let pricing = top["pricing"] { config.pricing = try parsePricing(pricing, path: "$.pricing") }
        if let store = top["store"] { config.store = try parseStore(store, path: "$.store") }
        // Every workflow may only name agents that exist.
        for workflow in config.workflows {
            for agent in workflow.agents where config.agent(named: agent) == nil {
                throw FieldError(
                    path: "$.workflows.\(workflow.name)",
                    message:
                        "names agent '\(agent)', which is not defined (agents: \(config.agents.map(\.name).joined(separator: ", ")))"
                )
            }
        }
        return config
    }

    static func checkName(_ name: String, path: String) throws(FieldError) {
        guard !name.isEmpty,
            name.unicodeScalars.allSatisfy({
                $0.isASCII && ($0.properties.isAlphabetic || "0123456789_.-".unicodeScalars.contains($0))
            })
        else {
            throw FieldError(
                path: path,
                message: "expected a name of letters, digits, '_', '.' or '-', got the string \"\(name)\""
            )
        }
    }

    static func parseProvider(
        _ value: JSONValue,
        path: String,
        tools: [String: ToolDefinition] = [:],
        mcpServers: [String] = [],
        baseDirectory: String? = nil
    ) throws(FieldError) -> ProviderSpec {
        guard case .object(let object) = value else { throw .expected(path, "an object", got: value) }
        guard let type = object["type"] else { throw .expected("\(path).type", "a provider type (\"echo\")", got: nil) }
        switch type {
        case "openai": return .openai(try parseOpenAI(object, path: path, tools: tools, mcpServers: mcpServers))
        case "command": return .command(try parseCommand(object, path: path, baseDirectory: baseDirectory))
        case "echo": break
        default: throw .expected("\(path).type", "one of: \"echo\", \"openai\", \"command\"", got: type)
        }
        try onlyKeys(object, ConfigSchema.members(of: "echoProvider"), path: path)
        let delayMs = try optionalInt(object, "delayMs", path: path, range: 0...3_600_000) ?? 0
        let thinking = try optionalBool(object, "thinking", path: path) ?? false
        let history = try optionalBool(object, "history", path: path) ?? false
        return .echo(delayMs: delayMs, thinking: thinking, history: history)
    }

    static func parseWorkflow(name: String, _ value: JSONValue, path: String) throws(FieldError) -> WorkflowDefinition {
        try checkName(name, path: path)
        guard case .object(let object) = value else { throw .expected(path, "an object", got: value) }
        guard let strategyName = object["strategy"]?.stringValue, !strategyKeys(strategyName).isEmpty else {
            throw .expected(
                "\(path).strategy",
                "one of: \"sequential\", \"parallel\", \"hierarchical\"",
                got: object["strategy"]
            )
        }
        // The schema's workflow members, less the parts of the other strategies.
        let otherParts = ["sequential", "parallel", "hierarchical"].filter { $0 != strategyName }.flatMap(strategyKeys)
        let allowed = ConfigSchema.members(of: "workflow").filter { !otherParts.contains($0) }
        try onlyKeys(object, allowed, path: path)
        var workflow = try workflowSpec(strategy: strategyName, object, path: path)
        workflow.name = name
        workflow.description = try optionalString(object, "description", path: path) ?? ""
        if let limits = object["limits"] {
            guard case .object(let limitsObject) = limits else {
                throw .expected("\(path).limits", "an object", got: limits)
            }
            try onlyKeys(limitsObject, ["budget"], path: "\(path).limits")
            workflow.budget = try limitsObject["budget"].map { value throws(FieldError) in
                try parseBudget(value, path: "\(path).limits.budget")
            }
        }
        workflow.outputSchema = try object["outputSchema"].map { value throws(FieldError) in
            try parseOutputSchema(value, path: "\(path).outputSchema")
        }
        return workflow
    }

    public static func strategyKeys(_ strategy: String) -> [String] {
        switch strategy {
        case "sequential": ["steps"]
        case "parallel": ["tasks", "aggregate"]
        case "hierarchical": ["master", "subAgents", "aggregator"]
        default: []
        }
    }

    /// Reads a strategy's parts and the error policy and timeouts from `object` (a config workflow or
    /// the params of a `coordinator/*` request). Unknown members are left to the caller.
    public static func workflowSpec(
        strategy: String,
        _ object: JSONObject,
        path: String
    ) throws(FieldError)
        -> WorkflowDefinition
    {
        let parsed: Strategy
        switch strategy {
        case "sequential":
            let steps = try array(object, "steps", path: path)
            parsed = .sequential(
                try steps.enumerated().map { (index, step) throws(FieldError) -> SequentialStep in
                    let stepPath = "\(path).steps[\(index)]"
                    guard case .object(let stepObject) = step else { throw .expected(stepPath, "an object", got: step) }
                    try onlyKeys(stepObject, ConfigSchema.members(of: "sequentialStep"), path: stepPath)
                    return SequentialStep(
                        agent: try requiredString(stepObject, "agent", path: stepPath),
                        transform: try template(stepObject, "transform", path: stepPath)
                    )
                }
            )
        case "parallel":
            let tasks = try array(object, "tasks", path: path)
            parsed = .parallel(
                try tasks.enumerated().map { (index, task) throws(FieldError) -> ParallelTask in
                    let taskPath = "\(path).tasks[\(index)]"
                    guard case .object(let taskObject) = task else { throw .expected(taskPath, "an object", got: task) }
                    try onlyKeys(taskObject, ConfigSchema.members(of: "parallelTask"), path: taskPath)
                    return ParallelTask(
                        agent: try requiredString(taskObject, "agent", path: taskPath),
                        input: try template(taskObject, "input", path: taskPath)
                    )
                },
                aggregate: try aggregate(object["aggregate"], path: "\(path).aggregate")
            )
        case "hierarchical":
            guard case .object(let master)? = object["master"] else {
                throw .expected("\(path).master", "an object {\"agent\": NAME}", got: object["master"])
            }
            let subAgents = try array(object, "subAgents", path: path)
            parsed = .hierarchical(
                master: try requiredString(master, "agent", path: "\(path).master"),
                subAgents: try subAgents.enumerated().map { (index, sub) throws(FieldError) -> String in
                    let subPath = "\(path).subAgents[\(index)]"
                    guard case .object(let subObject) = sub else {
                        throw .expected(subPath, "an object {\"agent\": NAME}", got: sub)
                    }
                    return try requiredString(subObject, "agent", path: subPath)
                },
                aggregate: try aggregate(object["aggregator"], path: "\(path).aggregator")
            )
        default:
            throw .expected(
                "\(path).strategy",
                "one of: \"sequential\", \"parallel\", \"hierarchical\"",
                got: .string(strategy)
            )
        }
        var onError = OnError.fail
        if let value = object["onError"] {
            guard let text = value.stringValue, let policy = OnError(rawValue: text) else {
                throw .expected("\(path).onError", "\"fail\" or \"continue\"", got: value)
            }
            onError = policy
        }
        return WorkflowDefinition(
            name: strategy,
            strategy: parsed,
            onError: onError,
            timeoutMs: try optionalInt(object, "timeoutMs", path: path, range: 1...86_400_000),
            stepTimeoutMs: try optionalInt(object, "stepTimeoutMs", path: path, range: 1...86_400_000)
        )
    }

    static func aggregate(_ value: JSONValue?, path: String) throws(FieldError) -> Aggregate {
        switch value {
        case nil: return .concat
        case .string(let text)?:
            guard let aggregate = Aggregate.parse(text) else {
                throw .expected(path, "\"concat\", \"list\" or {\"agent\": NAME}", got: value)
            }
            return aggregate
        case .object(let object)?:
            return .agent(try requiredString(object, "agent", path: path))
        default:
            throw .expected(path, "\"concat\", \"list\" or {\"agent\": NAME}", got: value)
        }
    }

    static func parseLimits(_ value: JSONValue, path: String) throws(FieldError) -> ServiceLimits {
        guard case .object(let object) = value else { throw .expected(path, "an object", got: value) }
        try onlyKeys(object, ConfigSchema.members(of: "limits"), path: path)
        var limits = ServiceLimits()
        limits.maxConcurrentRuns =
            try optionalInt(object, "maxConcurrentRuns", path: path, range: 1...100_000) ?? limits.maxConcurrentRuns
        limits.requestsPerMinute = try optionalInt(object, "requestsPerMinute", path: path, range: 1...1_000_000)
        limits.heartbeatSeconds = try optionalSeconds(object, "heartbeatSeconds", path: path) ?? limits.heartbeatSeconds
        limits.staleAfterSeconds =
            try optionalSeconds(object, "staleAfterSeconds", path: path) ?? limits.staleAfterSeconds
        limits.statsWindow =
            try optionalInt(object, "statsWindow", path: path, range: 1...1_000_000) ?? limits.statsWindow
        return limits
    }

    static func parseStore(_ value: JSONValue, path: String) throws(FieldError) -> StoreSettings {
        if let url = value.stringValue, !url.isEmpty { return StoreSettings(url: url) }
        guard case .object(let object) = value else {
            throw .expected(path, "a store URL or path (a non-empty string), or an object with `url`", got: value)
        }
        try onlyKeys(object, ConfigSchema.members(of: "store"), path: path)
        let url = try requiredString(object, "url", path: path)
        guard !url.isEmpty else { throw .expected("\(path).url", "a non-empty string", got: object["url"]) }
        let lease = try optionalInt(object, "leaseTimeoutMs", path: path, range: 1000...3_600_000)
        return StoreSettings(url: url, leaseTimeoutMs: lease)
    }

    // MARK: Member readers

    static func onlyKeys(_ object: JSONObject, _ allowed: [String], path: String) throws(FieldError) {
        for key in object.keys where !allowed.contains(key) { throw .unknown("\(path).\(key)", allowed: allowed) }
    }

    static func requiredString(_ object: JSONObject, _ key: String, path: String) throws(FieldError) -> String {
        guard let value = object[key]?.stringValue else {
            throw .expected("\(path).\(key)", "a string", got: object[key])
        }
        return value
    }

    static func optionalString(_ object: JSONObject, _ key: String, path: String) throws(FieldError) -> String? {
        guard let value = object[key] else { return nil }
        guard let text = value.stringValue else { throw .expected("\(path).\(key)", "a string", got: value) }
        return text
    }

    static func optionalBool(_ object: JSONObject, _ key: String, path: String) throws(FieldError) -> Bool? {
        guard let value = object[key] else { return nil }
        guard let flag = value.boolValue else { throw .expected("\(path).\(key)", "true or false", got: value) }
        return flag
    }

    static func optionalInt(
        _ object: JSONObject,
        _ key: String,
        path: String,
        range: ClosedRange<Int64>
    ) throws(FieldError)
        -> Int?
    {
        guard let value = object[key] else { return nil }
        guard let number = value.integerValue, range.contains(number) else {
            throw .expected(
                "\(path).\(key)",
                "a whole number from \(range.lowerBound) to \(range.upperBound)",
                got: value
            )
        }
        return Int(number)
    }

    static func optionalSeconds(_ object: JSONObject, _ key: String, path: String) throws(FieldError) -> Double? {
        guard let value = object[key] else { return nil }
        guard let seconds = value.doubleValue, seconds > 0, seconds <= 86_400 else {
            throw .expected("\(path).\(key)", "a number of seconds above 0 (at most 86400)", got: value)
        }
        return seconds
    }

    static func array(_ object: JSONObject, _ key: String, path: String) throws(FieldError) -> [JSONValue] {
        guard let value = object[key]?.arrayValue, !value.isEmpty else {
            throw .expected("\(path).\(key)", "a non-empty array", got: object[key])
        }
        return value
    }

    static func template(_ object: JSONObject, _ key: String, path: String) throws(FieldError) -> Template? {
        guard let source = try optionalString(object, key, path: path) else { return nil }
        do {
            return try Template(source)
        } catch {
            throw FieldError(path: "\(path).\(key)", message: error.message)
        }
    }
}
