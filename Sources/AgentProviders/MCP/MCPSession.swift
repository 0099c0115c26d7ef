import AgentCore
import Foundation
import JSONCore
import JSONRPC
import Logging
import Synchronization

/// Why an MCP server could not be used: it did not start, did not answer, or answered nonsense.
struct MCPFailure: Error, Sendable, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// One live connection to an MCP server, after the `initialize` handshake: lists its tools (again after
/// `notifications/tools/list_changed`) and calls them, with progress and cancellation.
final class MCPSession: Sendable {
    /// The protocol version asked for; servers may answer with another they support.
    static let protocolVersion = "2025-06-18"
    /// The oldest version accepted: the first with Streamable HTTP and tool annotations.
    static let oldestVersion = "2025-03-26"

    let server: String
    let transport: any MCPTransport
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var tools: [JSONObject]?
        var progress: [String: @Sendable (MCPProgress) -> Void] = [:]
        var nextToken = 1
        var version = MCPSession.protocolVersion
        var serverName = ""
    }

    init(server: String, transport: any MCPTransport, logger: Logger) {
        self.server = server
        self.transport = transport
        self.logger = logger
    }

    /// The server's own name and version, from its `initialize` answer.
    var serverName: String { state.withLock { $0.serverName } }
    /// The protocol version the server chose.
    var protocolVersion: String { state.withLock { $0.version } }

    /// Routes a notification from the server.
    func received(_ method: String, _ params: JSONValue?) {
        switch method {
        case "notifications/progress":
            guard let token = params?["progressToken"].flatMap(Self.tokenKey),
                let progress = params?["progress"]?.doubleValue
            else { return }
            let update = MCPProgress(
                progress: progress,
                total: params?["total"]?.doubleValue,
                message: params?["message"]?.stringValue
            )
            state.withLock { $0.progress[token] }?(update)
        case "notifications/tools/list_changed":
            logger.debug("MCP server's tools changed", metadata: ["server": "\(server)"])
            state.withLock { $0.tools = nil }
        case "notifications/message":
            logger.debug(
                "MCP server log",
                metadata: ["server": "\(server)", "data": "\(params?["data"]?.jsonString ?? "")"]
            )
        default:
            break
        }
    }

    /// The `initialize` handshake, then `notifications/initialized`.
    func initialize(timeout: Duration) async throws(MCPFailure) {
        let params: JSONValue = [
            "protocolVersion": .string(Self.protocolVersion),
            "capabilities": .object([:]),
            "clientInfo": ["name": "agentwire", "version": .string(MCPHub.clientVersion)],
        ]
        let result = try await request("initialize", params, timeout: timeout)
        guard let version = result["protocolVersion"]?.stringValue else {
            throw MCPFailure("MCP server '\(server)' answered initialize without a protocolVersion")
        }
        guard version >= Self.oldestVersion else {
            throw MCPFailure(
                "MCP server '\(server)' speaks protocol \(version); AgentWire needs \(Self.oldestVersion) or later"
            )
        }
        let info = result["serverInfo"]
        state.withLock {
            $0.version = version
            $0.serverName = [info?["name"]?.stringValue, info?["version"]?.stringValue].compactMap { $0 }
                .joined(separator: " ")
        }
        transport.notify("notifications/initialized", params: nil)
    }

    /// The server's tools (`tools/list`, every page), as it describes them; kept until it says they
    /// changed.
    func tools(timeout: Duration) async throws(MCPFailure) -> [JSONObject] {
        if let tools = state.withLock({ $0.tools }) { return tools }
        var tools: [JSONObject] = []
        var cursor: String? = nil
        repeat {
            let result = try await request(
                "tools/list",
                cursor.map { ["cursor": .string($0)] },
                timeout: timeout
            )
            guard let page = result["tools"]?.arrayValue else {
                throw MCPFailure("MCP server '\(server)' answered tools/list without a tools array")
            }
            tools += page.compactMap(\.objectValue).filter { $0["name"]?.stringValue != nil }
            cursor = result["nextCursor"]?.stringValue
        } while cursor != nil && tools.count < 10_000
        state.withLock { $0.tools = tools }
        return tools
    }

    /// Calls a tool; every failure comes back as an error result that says what happened. Cancelling
    /// the calling task, or the call outlasting `timeout`, cancels it on the server too.
    func call(
        _ tool: MCPServerTool,
        arguments: JSONValue,
        timeout: Duration,
        onProgress: @escaping @Sendable (MCPProgress) -> Void
    ) async -> MCPToolResult {
        let token = state.withLock { state -> String in
            defer { state.nextToken += 1 }
            let token = "agentwire-\(state.nextToken)"
            state.progress[token] = onProgress
            return token
        }
        defer { _ = state.withLock { $0.progress.removeValue(forKey: token) } }
        let params: JSONValue = [
            "name": .string(tool.name),
            "arguments": arguments,
            "_meta": ["progressToken": .string(token)],
        ]
        let (id, result) = await transport.request("tools/call", params: params, timeout: timeout)
        switch result {
        case .success(let value):
            return Self.toolResult(value, maxBytes: tool.maxOutputBytes)
        case .failure(let error):
            if let id, error.code == .requestCancelled || error.code == .timeout {
                let reason = error.code == .timeout ? "timed out" : "the run was cancelled"
                transport.notify("notifications/cancelled", params: ["requestId": id.json, "reason": .string(reason)])
            }
            switch error.code {
            case .timeout:
                return MCPToolResult(
                    text: "no answer from MCP server '\(server)' within \(tool.timeoutMs) ms",
                    isError: true
                )
            case .requestCancelled:
                return MCPToolResult(text: "cancelled", isError: true)
            case .internalError where transport.endReason != nil:
                return MCPToolResult(text: "\(transport.endReason!) during the call", isError: true)
            default:
                return MCPToolResult(text: "MCP server '\(server)' refused the call: \(error.message)", isError: true)
            }
        }
    }

    /// A request whose failure is described for the user.
    private func request(
        _ method: String,
        _ params: JSONValue?,
        timeout: Duration
    ) async throws(MCPFailure) -> JSONValue {
        let (_, result) = await transport.request(method, params: params, timeout: timeout)
        switch result {
        case .success(let value):
            return value
        case .failure(let error):
            if let reason = transport.endReason { throw MCPFailure(reason) }
            if error.code == .timeout {
                throw MCPFailure("MCP server '\(server)' did not answer \(method) within \(timeout)")
            }
            throw MCPFailure("MCP server '\(server)' answered \(method) with an error: \(error.message)")
        }
    }

    /// A `tools/call` result as the model gets it: the text of its content blocks (other blocks
    /// described in a line), or the structured content as JSON when there is no content; cut at
    /// `maxBytes`.
    static func toolResult(_ value: JSONValue, maxBytes: Int) -> MCPToolResult {
        let structured = value["structuredContent"]
        var parts: [String] = []
        for block in value["content"]?.arrayValue ?? [] {
            switch block["type"]?.stringValue {
            case "text": parts.append(block["text"]?.stringValue ?? "")
            case "image", "audio":
                parts.append("[\(block["type"]!.stringValue!): \(block["mimeType"]?.stringValue ?? "unknown type")]")
            case "resource":
                let resource = block["resource"]
                parts.append(
                    resource?["text"]?.stringValue ?? "[resource: \(resource?["uri"]?.stringValue ?? "")]"
                )
            case "resource_link":
                parts.append("[resource link: \(block["uri"]?.stringValue ?? "")]")
            default:
                parts.append("[content of type \(block["type"]?.jsonString ?? "none")]")
            }
        }
        var text = parts.joined(separator: "\n")
        if parts.isEmpty, let structured { text = structured.jsonString }
        if text.utf8.count > maxBytes {
            var whole = UTF8Chunker()  // no character is split
            text = whole.text(Array(text.utf8.prefix(maxBytes))) + "\n[output cut at \(maxBytes) bytes]"
        }
        return MCPToolResult(text: text, isError: value["isError"]?.boolValue ?? false, structured: structured)
    }

    /// A progress token as a dictionary key (tokens may be strings or numbers).
    private static func tokenKey(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .integer: value.jsonString
        default: nil
        }
    }
}
