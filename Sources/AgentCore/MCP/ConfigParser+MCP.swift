import JSONCore

extension ConfigParser {
    /// Reads the top-level `mcpServers`: an object of servers by name, each a stdio server (`command`,
    /// `args`, `env`, `cwd`) or a Streamable HTTP one (`url`, `headers`), with AgentWire's own members.
    static func parseMCPServers(
        _ value: JSONValue,
        path: String,
        baseDirectory: String?
    ) throws(FieldError) -> [MCPServerDefinition] {
        guard case .object(let object) = value else {
            throw .expected(path, "an object of MCP servers by name", got: value)
        }
        var servers: [MCPServerDefinition] = []
        for (name, member) in object.members {
            let serverPath = "\(path).\(name)"
            try checkName(name, path: serverPath)
            servers.append(
                try parseMCPServer(name: name, member, path: serverPath, baseDirectory: baseDirectory)
            )
        }
        return servers
    }

    /// Reads one server.
    static func parseMCPServer(
        name: String,
        _ value: JSONValue,
        path: String,
        baseDirectory: String?
    ) throws(FieldError) -> MCPServerDefinition {
        guard case .object(let spec) = value else { throw .expected(path, "an object", got: value) }
        try onlyKeys(spec, ConfigSchema.members(of: "mcpServer"), path: path)
        let type = try optionalString(spec, "type", path: path)
        let transport: MCPServerDefinition.Transport
        switch (type, spec["command"], spec["url"]) {
        case ("stdio", _, nil), (nil, _?, nil):
            let command = try requiredString(spec, "command", path: path)
            guard !command.isEmpty else { throw .expected("\(path).command", "a program", got: .string(command)) }
            let arguments = spec["args"] == nil ? [] : try strings(spec["args"]!, path: "\(path).args")
            transport = .stdio(
                command: command,
                arguments: arguments,
                environment: try stringMap(spec, "env", path: path),
                workingDirectory: try workingDirectory(spec, path: path, baseDirectory: baseDirectory)
            )
        case ("http", nil, _), ("streamable-http", nil, _), (nil, nil, _?):
            let url = try requiredString(spec, "url", path: path)
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw .expected("\(path).url", "an http:// or https:// URL", got: .string(url))
            }
            for key in ["args", "env", "cwd"] where spec[key] != nil {
                throw FieldError(
                    path: "\(path).\(key)",
                    message: "belongs to stdio servers (with `command`), not to `url`"
                )
            }
            transport = .http(url: url, headers: try stringMap(spec, "headers", path: path))
        case ("sse", _, _):
            throw FieldError(
                path: "\(path).type",
                message: "the SSE transport of MCP 2024-11-05 is not supported: use \"http\" (Streamable HTTP)"
            )
        case (_, _?, _?), ("stdio", _, _?):
            throw FieldError(path: path, message: "expected either `command` (a stdio server) or `url`, not both")
        case ("http", _?, _), ("streamable-http", _?, _):
            throw FieldError(path: "\(path).command", message: "belongs to stdio servers, not to \"type\": \"http\"")
        case (nil, nil, nil):
            throw FieldError(
                path: path,
                message: "expected `command` (a stdio server) or `url` (a Streamable HTTP server)"
            )
        case (let other?, _, _):
            throw .expected("\(path).type", "\"stdio\" or \"http\"", got: .string(other))
        }
        var server = MCPServerDefinition(name: name, transport: transport)
        if let permission = spec["permission"] {
            guard let text = permission.stringValue, let parsed = ToolDefinition.Permission(rawValue: text) else {
                throw .expected("\(path).permission", "\"allow\", \"ask\" or \"deny\"", got: permission)
            }
            server.permission = parsed
        }
        if let tools = spec["tools"] { server.allowedTools = try strings(tools, path: "\(path).tools") }
        server.timeoutMs = try optionalInt(spec, "timeoutMs", path: path, range: 1...3_600_000) ?? server.timeoutMs
        server.startTimeoutMs =
            try optionalInt(spec, "startTimeoutMs", path: path, range: 1...3_600_000) ?? server.startTimeoutMs
        server.askTimeoutMs =
            try optionalInt(spec, "askTimeoutMs", path: path, range: 1...3_600_000) ?? server.askTimeoutMs
        server.maxOutputBytes =
            try optionalInt(spec, "maxOutputBytes", path: path, range: 1...16_777_216) ?? server.maxOutputBytes
        return server
    }

    /// An array of strings at `path`.
    static func strings(_ value: JSONValue, path: String) throws(FieldError) -> [String] {
        guard let items = value.arrayValue else { throw .expected(path, "an array of strings", got: value) }
        var strings: [String] = []
        for (index, item) in items.enumerated() {
            guard let text = item.stringValue else { throw .expected("\(path)[\(index)]", "a string", got: item) }
            strings.append(text)
        }
        return strings
    }

    /// An object of strings by name at `object[key]`; empty when absent.
    static func stringMap(_ object: JSONObject, _ key: String, path: String) throws(FieldError) -> [String: String] {
        guard let value = object[key] else { return [:] }
        guard case .object(let members) = value else {
            throw .expected("\(path).\(key)", "an object of strings by name", got: value)
        }
        var map: [String: String] = [:]
        for (name, member) in members.members {
            guard let text = member.stringValue else {
                throw .expected("\(path).\(key).\(name)", "a string", got: member)
            }
            map[name] = text
        }
        return map
    }
}
