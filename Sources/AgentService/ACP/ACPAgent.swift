import AgentCore
import AgentProtocol
import Foundation
import JSONCore
import JSONRPC
import JSONRPCTransport
import Logging
import Synchronization

/// The ACP face: AgentWire as an Agent Client Protocol agent (protocol version 1), for editors that
/// launch agents over stdio (Zed, JetBrains, CodeCompanion, agent-shell).
///
/// Messages arrive on the reader thread in order; prompts run as tasks, so `session/cancel` and the
/// client's answers to our own requests (`session/request_permission`) are seen while a prompt streams.
public final class ACPAgent: FaceHandler, Sendable {
    /// The one ACP version spoken.
    public static let protocolVersion = ACPProtocol.version
    /// Requests answered (the registry's; `handleACPRequest` has a case for each).
    public static let requestMethods = ACPProtocol.requests.map { $0.method }
    /// ACP's code for an unknown resource (a session `session/load` cannot find).
    static let resourceNotFound = ErrorCode(rawValue: -32002)

    let runtime: AgentRuntime
    let logger: Logger
    let runs: FaceRuns
    private let onExit: @Sendable (Int32) -> Void
    let state = Mutex(State())
    /// The JSON-RPC around the methods: envelopes, responses to our requests, cancellations.
    let endpoint: Endpoint

    struct Session: Sendable {
        var cwd: String
        var target: RunTarget
        var title: String?
        var updatedAt: Date
        /// The prompt in flight: its request id (its run is the supervisor's, under that id) and whether it
        /// was cancelled.
        var prompt: (id: RequestID, cancelled: Bool)?
        /// The session's MCP servers (from `session/new` or `session/load`), whose tools its agents get.
        var mcp: (any MCPToolSource)?
        /// The model chosen with the `model` config option; `nil`: the agent's own.
        var model: String? = nil
        /// What the session's turns cost so far: zero for a new session, unknown (`nil`) for one whose
        /// earlier turns ran elsewhere, and unknown from the first turn without a cost on.
        var cost: USD? = nil
    }

    struct State: Sendable {
        var sessions: [String: Session] = [:]
        var connection: Connection?
        var closed = false
        /// Sessions being read from the store by a `session/load`; requests for them wait for it.
        var loading: [String: (token: UInt64, done: Task<Void, Never>)] = [:]
        var nextLoad: UInt64 = 0
    }

    public init(runtime: AgentRuntime, logger: Logger, onExit: @escaping @Sendable (Int32) -> Void) {
        self.runtime = runtime
        self.logger = logger
        self.onExit = onExit
        self.runs = FaceRuns(runtime: runtime, logger: logger)
        self.endpoint = Endpoint(outstanding: OutstandingRequests { .integer(Int64($0)) }, logger: logger)
    }

    public func handle(_ incoming: Incoming, on connection: Connection) {
        state.withLock { if $0.connection == nil { $0.connection = connection } }
        endpoint.handle(incoming, on: connection, for: self)
    }

    /// ACP has no batches; each member is answered on its own.
    public let batchPolicy = BatchPolicy.eachAlone

    /// A `$/cancel_request` naming a prompt cancels it as `session/cancel` would: ACP answers a cancelled
    /// prompt with `stopReason: "cancelled"`, whatever cancelled it.
    public func cancelRequest(_ id: RequestID, mode: CancelMode) {
        cancelPrompt(requestId: id)
    }

    /// Decodes each request with its type's params and answers it; a method `ACPProtocol` does not list
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
        switch method {
        case ACPInitializeRequest.method:
            let result = initialize(try ACPInitializeRequest.Params(decoding: params))
            responder.reply(ACPInitializeRequest.self, id: id, result)
        case ACPAuthenticateRequest.method:
            // No authentication is needed (`authMethods` is empty); accept the call anyway.
            _ = try ACPAuthenticateRequest.Params(decoding: params)
            responder.reply(ACPAuthenticateRequest.self, id: id, ACPEmptyResult())
        case ACPSessionNewRequest.method:
            newSession(id: id, try ACPSessionNewRequest.Params(decoding: params), responder: responder)
        case ACPSessionLoadRequest.method:
            let request = try ACPSessionLoadRequest.Params(decoding: params)
            loadSession(id: id, request, responder: responder, connection: connection)
        case ACPSessionListRequest.method:
            let result = listSessions(try ACPSessionListRequest.Params(decoding: params))
            responder.reply(ACPSessionListRequest.self, id: id, result)
        case ACPSessionSetConfigOptionRequest.method:
            let request = try ACPSessionSetConfigOptionRequest.Params(decoding: params)
            try afterLoad(of: request.sessionId, id: id, responder: responder) { [self] () throws(ResponseError) in
                let result = try setConfigOption(request, connection: connection)
                responder.reply(ACPSessionSetConfigOptionRequest.self, id: id, result)
            }
        case ACPSessionSetModeRequest.method:
            let request = try ACPSessionSetModeRequest.Params(decoding: params)
            try afterLoad(of: request.sessionId, id: id, responder: responder) { [self] () throws(ResponseError) in
                try setMode(request)
                responder.reply(ACPSessionSetModeRequest.self, id: id, ACPEmptyResult())
            }
        case ACPSessionCloseRequest.method:
            let request = try ACPSessionCloseRequest.Params(decoding: params)
            try afterLoad(of: request.sessionId, id: id, responder: responder) { [self] () throws(ResponseError) in
                try closeSession(request)
                responder.reply(ACPSessionCloseRequest.self, id: id, ACPEmptyResult())
            }
        case ACPSessionResumeRequest.method:
            let request = try ACPSessionResumeRequest.Params(decoding: params)
            resumeSession(id: id, request, responder: responder, connection: connection)
        case ACPSessionForkRequest.method:
            let request = try ACPSessionForkRequest.Params(decoding: params)
            try afterLoad(of: request.sessionId, id: id, responder: responder) { [self] in
                forkSession(id: id, request, responder: responder)
            }
        case ACPSessionDeleteRequest.method:
            let request = try ACPSessionDeleteRequest.Params(decoding: params)
            try afterLoad(of: request.sessionId, id: id, responder: responder) { [self] () throws(ResponseError) in
                try deleteSession(id: id, request, responder: responder)
            }
        case ACPSessionPromptRequest.method:
            let request = try ACPSessionPromptRequest.Params(decoding: params)
            try afterLoad(of: request.sessionId, id: id, responder: responder) { [self] () throws(ResponseError) in
                try prompt(id: id, params: request, responder: responder, connection: connection)
            }
        default:
            throw ResponseError.methodNotFound(method)
        }
    }

    /// Unknown notifications (including `_`-prefixed extensions) are ignored, as ACP asks.
    public func handleNotification(
        method: String,
        params: JSONValue?,
        connection: Connection
    ) throws(ResponseError) {
        switch method {
        case ACPSessionCancelNotification.method:
            cancelPrompt(sessionId: try ACPSessionCancelNotification.Params(decoding: params).sessionId)
        default:
            logger.debug("Ignored a notification", metadata: ["method": "\(method)"])
        }
    }

    /// Stops the MCP servers of every session (the connection is over), waiting a few seconds at most.
    func stopSessionServers() {
        let sources = state.withLock { state in
            state.sessions.values.compactMap(\.mcp).map { $0 }
        }
        guard !sources.isEmpty else { return }
        let done = DispatchSemaphore(value: 0)
        Task {
            await withTaskGroup(of: Void.self) { group in
                for source in sources { group.addTask { await source.shutdown() } }
            }
            done.signal()
        }
        _ = done.wait(timeout: .now() + 5)
    }

    private func initialize(_ params: ACPInitializeRequest.Params) -> ACPInitializeResult {
        let requested = params.protocolVersion
        if requested != Int64(Self.protocolVersion) {
            logger.notice(
                "The client asked for another ACP version; answering with ours",
                metadata: ["requested": "\(requested)", "answered": "\(Self.protocolVersion)"]
            )
        }
        return ACPInitializeResult(
            protocolVersion: Self.protocolVersion,
            agentCapabilities: ACPAgentCapabilities(
                loadSession: true,
                promptCapabilities: ACPPromptCapabilities(image: false, audio: false, embeddedContext: true),
                mcpCapabilities: ACPMCPCapabilities(http: runtime.mcpConnector != nil, sse: false),
                sessionCapabilities: ACPSessionCapabilities(
                    list: true,
                    close: true,
                    resume: true,
                    fork: true,
                    delete: true
                )
            ),
            agentInfo: Implementation(name: "agentwire", title: "AgentWire", version: AgentServer.version)
        )
    }

    /// EOF: the client is gone. Cancel prompts, let them settle (their turns are kept), then exit.
    public func inputClosed(on connection: Connection) {
        state.withLock { $0.closed = true }
        endpoint.inputClosed()
        runs.supervisor.cancelAll()
        runs.supervisor.waitUntilSettled(deadline: Date().addingTimeInterval(5))
        stopSessionServers()
        connection.close()
        onExit(0)
    }
}
