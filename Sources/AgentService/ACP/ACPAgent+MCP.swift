import AgentCore
import AgentProtocol
import Foundation
import JSONCore
import JSONRPC

extension ACPAgent {
    /// The MCP servers an editor offers in `session/new` or `session/load`, in ACP's shapes: stdio
    /// `{name, command, args, env: [{name, value}]}` and `{type: "http", name, url, headers: [{name, value}]}`.
    /// Their tools go to every agent the session runs, each call asking the editor
    /// (`session/request_permission`). -32602 names the first member that cannot be used.
    static func mcpServers(_ values: [JSONValue]?, cwd: String) throws(ResponseError) -> [MCPServerDefinition] {
        var servers: [MCPServerDefinition] = []
        for (index, value) in (values ?? []).enumerated() {
            let path = "params.mcpServers[\(index)]"
            guard case .object(let object) = value else { throw .invalidParams(field: path, "expected an object") }
            guard let name = object["name"]?.stringValue, !name.isEmpty else {
                throw .invalidParams(field: "\(path).name", "expected a non-empty string")
            }
            guard !servers.contains(where: { $0.name == name }) else {
                throw .invalidParams(field: "\(path).name", "names a server offered twice: \(name)")
            }
            let transport: MCPServerDefinition.Transport
            switch object["type"]?.stringValue {
            case nil, "stdio":
                guard let command = object["command"]?.stringValue, !command.isEmpty else {
                    throw .invalidParams(field: "\(path).command", "expected a non-empty string")
                }
                var arguments: [String] = []
                for (position, argument) in (object["args"]?.arrayValue ?? []).enumerated() {
                    guard let text = argument.stringValue else {
                        throw .invalidParams(field: "\(path).args[\(position)]", "expected a string")
                    }
                    arguments.append(text)
                }
                transport = .stdio(
                    command: command,
                    arguments: arguments,
                    environment: try pairs(object["env"], path: "\(path).env"),
                    workingDirectory: cwd.hasPrefix("/") ? cwd : nil
                )
            case "http":
                guard let url = object["url"]?.stringValue, url.hasPrefix("http://") || url.hasPrefix("https://") else {
                    throw .invalidParams(field: "\(path).url", "expected an http:// or https:// URL")
                }
                transport = .http(url: url, headers: try pairs(object["headers"], path: "\(path).headers"))
            case let other?:
                throw .invalidParams(
                    field: "\(path).type",
                    "the \(other) transport is not supported (mcpCapabilities: stdio and http)"
                )
            }
            servers.append(MCPServerDefinition(name: name, transport: transport, permission: .ask))
        }
        return servers
    }

    /// ACP's `[{name, value}]` lists (environment variables, headers) as a dictionary.
    private static func pairs(_ value: JSONValue?, path: String) throws(ResponseError) -> [String: String] {
        var result: [String: String] = [:]
        for (index, pair) in (value?.arrayValue ?? []).enumerated() {
            guard let name = pair["name"]?.stringValue, let text = pair["value"]?.stringValue else {
                throw .invalidParams(field: "\(path)[\(index)]", "expected {\"name\": string, \"value\": string}")
            }
            result[name] = text
        }
        return result
    }

    /// The tool source of a session's servers (started when a prompt first needs them); nil when there
    /// are none, or when this service has no MCP client.
    func connectMCP(_ servers: [MCPServerDefinition], sessionId: String) -> (any MCPToolSource)? {
        guard !servers.isEmpty else { return nil }
        guard let connector = runtime.mcpConnector else {
            logger.notice(
                "Ignoring the MCP servers offered for this session: no MCP client",
                metadata: ["sessionId": "\(sessionId)"]
            )
            return nil
        }
        logger.info(
            "MCP servers for the session",
            metadata: ["sessionId": "\(sessionId)", "servers": "\(servers.map(\.name).joined(separator: ","))"]
        )
        return connector(servers)
    }

    /// Stops a session's MCP servers, off the reader thread.
    func disconnectMCP(_ source: (any MCPToolSource)?) {
        guard let source else { return }
        Task { await source.shutdown() }
    }
}
