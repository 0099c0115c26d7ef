import AgentCore
import Foundation
import JSONCore
import Logging

/// A set of MCP servers by name (the configured ones, or an editor's for one session): their tools as
/// models see them, and calls to them. Servers start when first asked for and are kept until
/// ``shutdown()``.
public final class MCPHub: MCPToolSource {
    /// Sent as `clientInfo.version`.
    public static let clientVersion = "0.1.0"

    private let handles: [MCPServerHandle]
    private let logger: Logger

    public init(servers: [MCPServerDefinition], logger: Logger) {
        self.handles = servers.map { MCPServerHandle(definition: $0, logger: logger) }
        self.logger = logger
    }

    /// Makes hubs that log to `logger`.
    public static func connector(logger: Logger) -> MCPConnector {
        { servers in MCPHub(servers: servers, logger: logger) }
    }

    public var serverNames: [String] { handles.map(\.name) }

    public func tools(servers: [String]?) async -> MCPToolList {
        let chosen = servers.map { names in handles.filter { names.contains($0.name) } } ?? handles
        let listed = await withTaskGroup(of: (Int, Result<[MCPServerTool], MCPFailure>).self) { group in
            for (index, handle) in chosen.enumerated() {
                group.addTask { (index, await Self.tools(of: handle)) }
            }
            var listed = [Result<[MCPServerTool], MCPFailure>?](repeating: nil, count: chosen.count)
            for await (index, result) in group { listed[index] = result }
            return listed
        }
        var list = MCPToolList()
        var taken = Set<String>()
        for (handle, result) in zip(chosen, listed) {
            switch result {
            case .success(let tools)?:
                for var tool in tools {
                    // Two tools whose names differ only in characters a model may not see get a suffix.
                    var exposed = tool.exposedName
                    var suffix = 2
                    while !taken.insert(exposed).inserted {
                        exposed = String(tool.exposedName.prefix(60)) + "_\(suffix)"
                        suffix += 1
                    }
                    tool.exposedName = exposed
                    list.tools.append(tool)
                }
            case .failure(let failure)?: list.problems[handle.name] = failure.message
            case nil: list.problems[handle.name] = "not asked"
            }
        }
        return list
    }

    /// The tools of one server, as offered (its allow-list applied).
    private static func tools(of handle: MCPServerHandle) async -> Result<[MCPServerTool], MCPFailure> {
        do {
            let session = try await handle.session()
            let definition = handle.definition
            let described = try await session.tools(timeout: handle.startTimeout)
            return .success(
                described.compactMap { tool -> MCPServerTool? in
                    guard let name = tool["name"]?.stringValue, definition.offers(name) else { return nil }
                    var schema = tool["inputSchema"] ?? ["type": "object"]
                    if schema["type"] == nil, case .object(var object) = schema {
                        object["type"] = "object"
                        schema = .object(object)
                    }
                    return MCPServerTool(
                        server: definition.name,
                        name: name,
                        description: tool["description"]?.stringValue ?? tool["title"]?.stringValue ?? "",
                        inputSchema: schema,
                        permission: definition.permission,
                        timeoutMs: definition.timeoutMs,
                        askTimeoutMs: definition.askTimeoutMs,
                        maxOutputBytes: definition.maxOutputBytes
                    )
                }
            )
        } catch {
            return .failure(error)
        }
    }

    public func call(
        _ tool: MCPServerTool,
        arguments: JSONValue,
        onProgress: @escaping @Sendable (MCPProgress) -> Void
    ) async -> MCPToolResult {
        guard let handle = handles.first(where: { $0.name == tool.server }) else {
            return MCPToolResult(text: "no MCP server named '\(tool.server)'", isError: true)
        }
        let session: MCPSession
        do {
            session = try await handle.session()
        } catch {
            return MCPToolResult(text: error.message, isError: true)
        }
        return await session.call(
            tool,
            arguments: arguments,
            timeout: .milliseconds(tool.timeoutMs),
            onProgress: onProgress
        )
    }

    public func shutdown() async {
        await withTaskGroup(of: Void.self) { group in
            for handle in handles { group.addTask { await handle.stop() } }
        }
    }

    /// One server as `agentwire mcp list` shows it.
    public struct ServerStatus: Sendable {
        public var name: String
        public var location: String
        /// The tools it offers (after its allow-list), when it started.
        public var tools: [MCPServerTool]
        /// Why it offers none, when it did not start or did not answer.
        public var error: String?
    }

    /// Starts every server and lists its tools.
    public func status() async -> [ServerStatus] {
        let list = await tools(servers: nil)
        return handles.map { handle in
            ServerStatus(
                name: handle.name,
                location: handle.definition.location,
                tools: list.tools.filter { $0.server == handle.name },
                error: list.problems[handle.name]
            )
        }
    }

    /// The process ids of the stdio servers running now.
    public var runningProcessIds: [Int32] { handles.compactMap(\.pid) }
}
