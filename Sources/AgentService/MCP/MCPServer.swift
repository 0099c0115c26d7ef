import AgentCore
import Foundation
import JSONCore
import JSONRPC
import JSONRPCTransport
import Logging
import Synchronization

/// The MCP face: AgentWire as a Model Context Protocol server whose tools are its agents and workflows.
///
/// Speaks the handshake era (`initialize`, versions 2025-06-18 and 2025-11-25) and the stateless
/// 2026-07-28 revision (`server/discover`, the version in each request's `_meta`). A `tools/call` streams
/// `notifications/progress` when the caller gave a progress token; `notifications/cancelled` stops the
/// call and it gets no reply.
public final class MCPServer: FaceHandler, Sendable {
    /// Handshake-era versions; the last is answered when the client asks for one not listed.
    public static let handshakeVersions = ["2025-06-18", "2025-11-25"]
    /// The stateless revision served through `server/discover`.
    public static let statelessVersion = "2026-07-28"
    /// Requests answered. IMPORTANT: keep in sync with `handleRequest`.
    public static let requestMethods = [
        "initialize", "server/discover", "ping", "tools/list", "tools/call", "logging/setLevel",
    ]
    /// Syslog levels, least severe first.
    static let logLevels = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"]
    static let unsupportedProtocolVersion = ErrorCode(rawValue: -32022)
    static let metaVersionKey = "io.modelcontextprotocol/protocolVersion"
    static let metaLogLevelKey = "io.modelcontextprotocol/logLevel"
    static let metaServerInfoKey = "io.modelcontextprotocol/serverInfo"
    /// Tool names of workflows start with this; agents keep their names.
    static let workflowToolPrefix = "workflow_"

    let runtime: AgentRuntime
    let logger: Logger
    let runs: FaceRuns
    private let onExit: @Sendable (Int32) -> Void
    let state = Mutex(State())
    /// The JSON-RPC around the methods: envelopes, batches refused, cancellations.
    let endpoint: Endpoint

    struct State: Sendable {
        /// Set by `logging/setLevel`; `nil` sends no `notifications/message`.
        var logLevel: String?
    }

    public init(runtime: AgentRuntime, logger: Logger, onExit: @escaping @Sendable (Int32) -> Void) {
        self.runtime = runtime
        self.logger = logger
        self.onExit = onExit
        self.runs = FaceRuns(runtime: runtime, logger: logger)
        self.endpoint = Endpoint(outstanding: OutstandingRequests { .string("agentwire-\($0)") }, logger: logger)
    }

    public func handle(_ incoming: Incoming, on connection: Connection) {
        endpoint.handle(incoming, on: connection, for: self)
    }

    public let batchPolicy = BatchPolicy.refuse("batches are not part of MCP (removed in 2025-06-18)")

    public func handleRequest(
        id: RequestID,
        method: String,
        params: JSONValue?,
        responder: Responder,
        connection: Connection
    ) {
        logger.trace("MCP request", metadata: ["id": "\(id)", "method": "\(method)"])
        do throws(ResponseError) {
            try handleMCPRequest(id: id, method: method, params: params, responder: responder, connection: connection)
        } catch {
            responder.reply(id: id, .failure(error))
        }
    }

    public func handleNotification(method: String, params: JSONValue?, connection: Connection) {
        logger.debug("Ignored a notification", metadata: ["method": "\(method)"])
    }

    /// `notifications/cancelled` (or another dialect's cancellation): the call stops; as MCP asks, a call
    /// cancelled with `notifications/cancelled` gets no reply.
    public func cancelRequest(_ id: RequestID, mode: CancelMode) {
        let known = runs.supervisor.cancel(request: id, mode: mode)
        logger.debug("MCP cancel", metadata: ["id": "\(id)", "known": "\(known)"])
    }

    // IMPORTANT: When adding a method here, also add it to `requestMethods`.
    private func handleMCPRequest(
        id: RequestID,
        method: String,
        params: JSONValue?,
        responder: Responder,
        connection: Connection
    )
        throws(ResponseError)
    {
        let params = try Params(params)
        let modern =
            (params.object["_meta"]?[Self.metaVersionKey]?.stringValue).map { $0 >= Self.statelessVersion }
            ?? false
        func reply(_ result: JSONObject) {
            var result = result
            if modern { result["resultType"] = "complete" }
            responder.reply(id: id, .success(.object(result)))
        }
        switch method {
        case "initialize":
            reply(try initialize(params))
        case "server/discover":
            var result = try discover(params)
            Self.addCacheDirectives(&result)
            reply(result)
        case "ping":
            reply([:])
        case "logging/setLevel":
            let level = try Self.level(params.object["level"], field: "params.level")
            state.withLock { $0.logLevel = level }
            reply([:])
        case "tools/list":
            var result = toolsList()
            if modern { Self.addCacheDirectives(&result) }
            reply(result)
        case "tools/call":
            try callTool(id: id, params: params, modern: modern, responder: responder, connection: connection)
        default:
            throw ResponseError.methodNotFound(method)
        }
    }

    private func initialize(_ params: Params) throws(ResponseError) -> JSONObject {
        let requested = try params.string("protocolVersion")
        let version = Self.handshakeVersions.contains(requested) ? requested : Self.handshakeVersions.last!
        if version != requested {
            logger.notice(
                "The client asked for an MCP version not served; answering with ours",
                metadata: ["requested": "\(requested)", "answered": "\(version)"]
            )
        }
        return [
            "protocolVersion": .string(version),
            "capabilities": capabilities,
            "serverInfo": serverInfo,
            "instructions": .string(Self.instructions),
            "_meta": ["agentwire": ["face": "mcp"]],
        ]
    }

    private func discover(_ params: Params) throws(ResponseError) -> JSONObject {
        if let requested = params.object["_meta"]?[Self.metaVersionKey]?.stringValue,
            requested != Self.statelessVersion
        {
            throw ResponseError(
                code: Self.unsupportedProtocolVersion,
                message: "Unsupported protocol version",
                data: ["supported": [.string(Self.statelessVersion)], "requested": .string(requested)]
            )
        }
        return [
            "supportedVersions": [.string(Self.statelessVersion)],
            "capabilities": capabilities,
            "instructions": .string(Self.instructions),
            "_meta": [Self.metaServerInfoKey: serverInfo, "agentwire": ["face": "mcp"]],
        ]
    }

    /// 2026-07-28 cacheable results must say how long they may be cached: the list can change with the
    /// config, so not at all, and only for this client.
    static func addCacheDirectives(_ result: inout JSONObject) {
        result["ttlMs"] = 0
        result["cacheScope"] = "private"
    }

    private var capabilities: JSONValue { ["tools": ["listChanged": false], "logging": [:]] }
    private var serverInfo: JSONValue {
        ["name": "agentwire", "title": "AgentWire", "version": .string(AgentServer.version)]
    }
    static let instructions =
        "Each tool runs an AgentWire agent or workflow on `input` and returns its output; tokens and steps "
        + "stream as progress notifications when a progress token is given."

    /// A `notifications/message` at `level`, when the client asked for that level or a lower one.
    func log(_ level: String, _ data: JSONValue, requestLevel: String?, connection: Connection) {
        guard let threshold = requestLevel ?? state.withLock({ $0.logLevel }),
            let wanted = Self.logLevels.firstIndex(of: threshold), let index = Self.logLevels.firstIndex(of: level),
            index >= wanted
        else { return }
        connection.send(
            Envelope.notification(
                method: "notifications/message",
                params: ["level": .string(level), "logger": "agentwire", "data": data]
            )
        )
    }

    static func level(_ value: JSONValue?, field: String) throws(ResponseError) -> String {
        guard let level = value?.stringValue, logLevels.contains(level) else {
            throw .invalidParams(field: field, "expected one of: \(logLevels.joined(separator: ", "))")
        }
        return level
    }

    /// EOF: calls in flight finish and are answered, then the process exits.
    public func inputClosed(on connection: Connection) {
        endpoint.inputClosed()
        runs.supervisor.waitUntilSettled(deadline: Date().addingTimeInterval(30))
        runs.supervisor.cancelAll()
        runs.supervisor.waitUntilSettled(deadline: Date().addingTimeInterval(2))
        connection.close()
        onExit(0)
    }
}
