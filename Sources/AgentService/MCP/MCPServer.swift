import AgentCore
import AgentProtocol
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
    public static let handshakeVersions = MCPProtocol.handshakeVersions
    /// The stateless revision served through `server/discover`.
    public static let statelessVersion = MCPProtocol.statelessVersion
    /// Requests answered (the registry's; `handleMCPRequest` has a case for each).
    public static let requestMethods = MCPProtocol.requests.map { $0.method }
    /// Syslog levels, least severe first.
    static let logLevels = MCPLoggingSetLevelRequest.levels
    static let unsupportedProtocolVersion = ErrorCode(rawValue: -32022)
    static let metaVersionKey = MCPProtocol.metaVersionKey
    static let metaLogLevelKey = MCPProtocol.metaLogLevelKey
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

    /// `notifications/initialized` is accepted and changes nothing (every request is answered whether or
    /// not the handshake is complete); other notifications are ignored. Cancellations never get here: the
    /// endpoint handles them ahead of the queue (``cancelRequest(_:mode:)``).
    public func handleNotification(
        method: String,
        params: JSONValue?,
        connection: Connection
    ) throws(ResponseError) {
        switch method {
        case MCPInitializedNotification.method:
            _ = try MCPInitializedNotification.Params(decoding: params)
            logger.debug("The client finished the handshake")
        default:
            logger.debug("Ignored a notification", metadata: ["method": "\(method)"])
        }
    }

    /// `notifications/cancelled` (or another dialect's cancellation): the call stops; as MCP asks, a call
    /// cancelled with `notifications/cancelled` gets no reply.
    public func cancelRequest(_ id: RequestID, mode: CancelMode) {
        let known = runs.supervisor.cancel(request: id, mode: mode)
        logger.debug("MCP cancel", metadata: ["id": "\(id)", "known": "\(known)"])
    }

    /// Decodes each request with its type's params and answers it; a method `MCPProtocol` does not list
    /// gets -32601.
    public func handleRequest(
        id: RequestID,
        method: String,
        params: JSONValue?,
        responder: Responder,
        connection: Connection
    )
        throws(ResponseError)
    {
        let modern = (params?["_meta"]?[Self.metaVersionKey]?.stringValue).map { $0 >= Self.statelessVersion } ?? false
        // Answers with `result`, marked complete on a stateless request.
        func reply<R: RequestType>(_ type: R.Type, _ result: R.Result) where R.Result: MCPResult {
            var result = result
            if modern { result.resultType = .complete }
            responder.reply(type, id: id, result)
        }
        switch method {
        case MCPInitializeRequest.method:
            reply(MCPInitializeRequest.self, initialize(try MCPInitializeRequest.Params(decoding: params)))
        case MCPServerDiscoverRequest.method:
            var result = try discover(MCPServerDiscoverRequest.Params(decoding: params))
            Self.addCacheDirectives(&result)
            reply(MCPServerDiscoverRequest.self, result)
        case MCPPingRequest.method:
            _ = try MCPPingRequest.Params(decoding: params)
            reply(MCPPingRequest.self, MCPEmptyResult())
        case MCPLoggingSetLevelRequest.method:
            let level = try MCPLoggingSetLevelRequest.Params(decoding: params).level
            state.withLock { $0.logLevel = level }
            reply(MCPLoggingSetLevelRequest.self, MCPEmptyResult())
        case MCPToolsListRequest.method:
            _ = try MCPToolsListRequest.Params(decoding: params)
            var result = toolsList()
            if modern { Self.addCacheDirectives(&result) }
            reply(MCPToolsListRequest.self, result)
        case MCPToolsCallRequest.method:
            let request = try MCPToolsCallRequest.Params(decoding: params)
            try callTool(id: id, params: request, modern: modern, responder: responder, connection: connection)
        default:
            throw ResponseError.methodNotFound(method)
        }
    }

    private func initialize(_ params: MCPInitializeRequest.Params) -> MCPInitializeResult {
        let requested = params.protocolVersion
        let version = Self.handshakeVersions.contains(requested) ? requested : Self.handshakeVersions.last!
        if version != requested {
            logger.notice(
                "The client asked for an MCP version not served; answering with ours",
                metadata: ["requested": "\(requested)", "answered": "\(version)"]
            )
        }
        return MCPInitializeResult(
            protocolVersion: version,
            capabilities: capabilities,
            serverInfo: serverInfo,
            instructions: Self.instructions
        )
    }

    private func discover(_ params: MCPServerDiscoverRequest.Params) throws(ResponseError) -> MCPServerDiscoverResult {
        if let requested = params.requestedVersion, requested != Self.statelessVersion {
            throw ResponseError(
                code: Self.unsupportedProtocolVersion,
                message: "Unsupported protocol version",
                data: ["supported": [.string(Self.statelessVersion)], "requested": .string(requested)]
            )
        }
        return MCPServerDiscoverResult(
            supportedVersions: [Self.statelessVersion],
            capabilities: capabilities,
            instructions: Self.instructions,
            serverInfo: serverInfo
        )
    }

    /// 2026-07-28 cacheable results must say how long they may be cached: the list can change with the
    /// config, so not at all, and only for this client.
    static func addCacheDirectives(_ result: inout some MCPCacheableResult) {
        result.ttlMs = 0
        result.cacheScope = .private
    }

    private var capabilities: MCPServerCapabilities {
        MCPServerCapabilities(tools: MCPToolsCapability(listChanged: false), logging: true)
    }
    private var serverInfo: Implementation {
        Implementation(name: "agentwire", title: "AgentWire", version: AgentServer.version)
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
                method: MCPMessageNotification.method,
                params: ["level": .string(level), "logger": "agentwire", "data": data]
            )
        )
    }

    static func level(_ value: JSONValue?, field: String) throws(ResponseError) -> String {
        try MCPLoggingSetLevelRequest.level(value, field: field)
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
