import Foundation
import JSONCore

extension ConfigParser {
    static func parseOpenAI(
        _ object: JSONObject,
        path: String,
        tools: [String: ToolDefinition],
        mcpServers: [String] = []
    ) throws(FieldError) -> OpenAISettings {
        try onlyKeys(object, ConfigSchema.members(of: "openaiProvider"), path: path)
        let baseURL = try requiredString(object, "baseURL", path: path)
        guard baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://") else {
            throw .expected("\(path).baseURL", "an http:// or https:// URL", got: .string(baseURL))
        }
        var settings = OpenAISettings(baseURL: baseURL, model: try requiredString(object, "model", path: path))
        settings.apiKeyEnv = try optionalString(object, "apiKeyEnv", path: path)
        if let value = object["models"] {
            settings.models = try strings(value, path: "\(path).models")
            for (index, model) in settings.models.enumerated() where model.isEmpty {
                throw .expected("\(path).models[\(index)]", "a model name", got: .string(model))
            }
        }
        if let value = object["temperature"] {
            guard let number = value.doubleValue, number >= 0, number <= 2 else {
                throw .expected("\(path).temperature", "a number from 0 to 2", got: value)
            }
            settings.temperature = number
        }
        settings.maxTokens = try optionalInt(object, "maxTokens", path: path, range: 1...1_000_000)
        if let value = object["headers"] {
            guard case .object(let headers) = value else {
                throw .expected("\(path).headers", "an object of header values by name", got: value)
            }
            for (name, header) in headers.members {
                guard let text = header.stringValue else {
                    throw .expected("\(path).headers.\(name)", "a string", got: header)
                }
                settings.headers.append(.init(name: name, value: text))
            }
        }
        settings.timeoutSeconds = try optionalSeconds(object, "timeoutSeconds", path: path) ?? settings.timeoutSeconds
        settings.retries = try optionalInt(object, "retries", path: path, range: 0...10) ?? settings.retries
        settings.maxTurns = try optionalInt(object, "maxTurns", path: path, range: 1...100) ?? settings.maxTurns
        if let value = object["tools"] {
            guard let names = value.arrayValue else {
                throw .expected("\(path).tools", "an array of tool names", got: value)
            }
            for (index, name) in names.enumerated() {
                guard let text = name.stringValue, let tool = tools[text] else {
                    throw FieldError(
                        path: "\(path).tools[\(index)]",
                        message:
                            "expected the name of a tool defined under $.tools (tools: \(tools.keys.sorted().joined(separator: ", "))), got \(name.jsonString)"
                    )
                }
                settings.tools.append(tool)
            }
        }
        if let value = object["mcpServers"] {
            for (index, name) in try strings(value, path: "\(path).mcpServers").enumerated() {
                guard mcpServers.contains(name) else {
                    throw FieldError(
                        path: "\(path).mcpServers[\(index)]",
                        message:
                            "expected the name of a server defined under $.mcpServers (servers: \(mcpServers.sorted().joined(separator: ", "))), got \"\(name)\""
                    )
                }
                settings.mcpServers.append(name)
            }
        }
        if let choice = try optionalString(object, "toolChoice", path: path) {
            // An MCP tool cannot be checked before its server runs: its name must only be one of theirs.
            let mcpPrefixes = settings.mcpServers.map { MCPServerTool.exposedName(server: $0, tool: "") }
            guard
                ["auto", "required", "none"].contains(choice) || settings.tools.contains(where: { $0.name == choice })
                    || mcpPrefixes.contains(where: { choice.hasPrefix($0) && choice.count > $0.count })
            else {
                throw .expected(
                    "\(path).toolChoice",
                    "\"auto\", \"required\", \"none\", the name of one of the agent's tools or server__tool for one of its MCP servers",
                    got: .string(choice)
                )
            }
            settings.toolChoice = choice
        }
        return settings
    }

    static func parseCommand(
        _ object: JSONObject,
        path: String,
        baseDirectory: String? = nil
    ) throws(FieldError) -> CommandSettings {
        try onlyKeys(object, ConfigSchema.members(of: "commandProvider"), path: path)
        let argv = try stringArray(object, "argv", path: path)
        var settings = CommandSettings(
            argv: argv,
            workingDirectory: try workingDirectory(object, path: path, baseDirectory: baseDirectory)
        )
        if let value = object["env"] {
            guard case .object(let env) = value else {
                throw .expected("\(path).env", "an object of strings by variable name", got: value)
            }
            for (name, member) in env.members {
                guard let text = member.stringValue else {
                    throw .expected("\(path).env.\(name)", "a string", got: member)
                }
                settings.environment[name] = text
            }
        }
        return settings
    }

    static func parseTools(
        _ value: JSONValue,
        path: String,
        baseDirectory: String? = nil
    ) throws(FieldError) -> [String: ToolDefinition] {
        guard case .object(let object) = value else { throw .expected(path, "an object of tools by name", got: value) }
        var tools: [String: ToolDefinition] = [:]
        for (name, member) in object.members {
            let toolPath = "\(path).\(name)"
            try checkName(name, path: toolPath)
            guard case .object(let spec) = member else { throw .expected(toolPath, "an object", got: member) }
            try onlyKeys(spec, ConfigSchema.members(of: "tool"), path: toolPath)
            var tool = ToolDefinition(name: name, command: try stringArray(spec, "command", path: toolPath))
            tool.description = try optionalString(spec, "description", path: toolPath) ?? ""
            tool.workingDirectory = try workingDirectory(spec, path: toolPath, baseDirectory: baseDirectory)
            if let parameters = spec["parameters"] {
                guard case .object(let schema) = parameters, schema["type"] == nil || schema["type"] == "object" else {
                    throw .expected("\(toolPath).parameters", "a JSON Schema of type \"object\"", got: parameters)
                }
                tool.parameters = parameters
            }
            let declared = tool.parameters["properties"]?.objectValue?.keys ?? []
            for placeholder in tool.placeholders where !declared.contains(placeholder) {
                throw FieldError(
                    path: "\(toolPath).command",
                    message: "uses {{\(placeholder)}}, which is not one of the parameters' properties"
                )
            }
            if let permission = spec["permission"] {
                guard let text = permission.stringValue, let parsed = ToolDefinition.Permission(rawValue: text) else {
                    throw .expected("\(toolPath).permission", "\"allow\", \"ask\" or \"deny\"", got: permission)
                }
                tool.permission = parsed
            }
            tool.timeoutMs = try optionalInt(spec, "timeoutMs", path: toolPath, range: 1...3_600_000) ?? tool.timeoutMs
            tool.maxOutputBytes =
                try optionalInt(spec, "maxOutputBytes", path: toolPath, range: 1...16_777_216) ?? tool.maxOutputBytes
            tool.askTimeoutMs =
                try optionalInt(spec, "askTimeoutMs", path: toolPath, range: 1...3_600_000) ?? tool.askTimeoutMs
            tools[name] = tool
        }
        return tools
    }

    /// The working directory of a program the config runs: its `cwd` when given (relative to
    /// `baseDirectory`, or to this process's working directory when there is none), else `baseDirectory`.
    /// A `cwd` must name an existing directory.
    static func workingDirectory(
        _ object: JSONObject,
        path: String,
        baseDirectory: String?
    ) throws(FieldError) -> String? {
        guard let cwd = try optionalString(object, "cwd", path: path) else { return baseDirectory }
        guard !cwd.isEmpty else { throw .expected("\(path).cwd", "a directory path", got: .string(cwd)) }
        let base = baseDirectory ?? FileManager.default.currentDirectoryPath
        let resolved = cwd.hasPrefix("/") ? cwd : base.hasSuffix("/") ? base + cwd : "\(base)/\(cwd)"
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory)
        guard exists, isDirectory.boolValue else {
            let problem = exists ? "is not a directory" : "does not exist"
            throw FieldError(
                path: "\(path).cwd",
                message: "expected an existing directory, got \"\(cwd)\" (\(resolved) \(problem))"
            )
        }
        return resolved
    }

    static func stringArray(_ object: JSONObject, _ key: String, path: String) throws(FieldError) -> [String] {
        let values = try array(object, key, path: path)
        var strings: [String] = []
        for (index, value) in values.enumerated() {
            guard let text = value.stringValue else {
                throw .expected("\(path).\(key)[\(index)]", "a string", got: value)
            }
            strings.append(text)
        }
        return strings
    }
}
