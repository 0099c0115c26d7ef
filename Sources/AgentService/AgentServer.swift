import AgentCore
import AgentProtocol
import Foundation
import JSONCore
import JSONRPC
import JSONRPCTransport
import Logging
import Synchronization

/// The native AgentWire face: binds JSON-RPC methods to the agent core.
///
/// Messages arrive on the connection's reader thread in order. Quick requests are answered right
/// there; runs go to tasks, so many stream at once. Cancellation notifications are handled on arrival and
/// so overtake everything queued behind them.
public final class AgentServer: FaceHandler, Sendable {
    public static let protocolVersion = NativeProtocol.version
    public static let version = NativeProtocol.release

    /// Requests the server answers (the registry's; `handleRequest` has a case for each).
    public static let requestMethods = NativeProtocol.requests.map { $0.method }
    /// Notifications the server acts on (the registry's; `handleNotification` has a case for each).
    public static let notificationMethods = NativeProtocol.notifications.map { $0.method }

    let runtime: AgentRuntime
    let logger: Logger
    let onExit: @Sendable (Int32) -> Void
    let state = Mutex(State())
    /// The JSON-RPC around the methods: envelopes, batches, responses to our requests, cancellations.
    let endpoint: Endpoint
    /// Every run this connection's requests started.
    let runs: RunSupervisor
    /// Keeps every run's events and serves them back (`run/events`).
    let recorder: any RunRecorder
    /// Tool permission questions sent to the client and waiting for its answer.
    let permissions: PermissionBroker
    /// Renders `metrics/get`; nil when the process has no metrics backend.
    let exposition: (any MetricsExposition)?

    struct State {
        var shutdownRequested = false
        /// What the client asked to receive at `initialize`.
        var stream = StreamOptions()
        /// `run/events {follow: true}` requests still open, by request id: each ends its follow when
        /// called with how it was cancelled.
        var follows: [RequestID: @Sendable (CancelMode) -> Void] = [:]
    }

    /// - Parameters:
    ///   - runtime: the agents and workflows.
    ///   - onExit: called once the connection is closed, with the process exit status.
    ///   - exposition: renders metrics for `metrics/get`.
    public init(
        runtime: AgentRuntime,
        logger: Logger,
        exposition: (any MetricsExposition)? = nil,
        onExit: @escaping @Sendable (Int32) -> Void
    ) {
        self.runtime = runtime
        self.exposition = exposition
        self.logger = logger
        self.onExit = onExit
        self.runs = .reapingStaleRuns(of: runtime, logger: logger)
        let outstanding = OutstandingRequests { .string("permission-\($0)") }
        self.endpoint = Endpoint(outstanding: outstanding, logger: logger)
        self.permissions = PermissionBroker(outstanding: outstanding)
        self.recorder = Self.recorder(for: runtime, logger: logger)
        recorder.onCancelRequests { [weak self] runIds in self?.cancelRequested(runIds) }
    }

    public func handle(_ incoming: Incoming, on connection: Connection) {
        endpoint.handle(incoming, on: connection, for: self)
    }

    public let batchPolicy = BatchPolicy.collect

    // IMPORTANT: When adding a case here, also add its type to AgentProtocol's `NativeProtocol` registry;
    // the OpenRPC tests check that the two agree.
    public func handleRequest(
        id: RequestID,
        method: String,
        params: JSONValue?,
        responder: Responder,
        connection: Connection
    ) throws(ResponseError) {
        if state.withLock({ $0.shutdownRequested }), method != ShutdownRequest.method, method != PingRequest.method {
            throw ResponseError(code: .shuttingDown, message: "The server is shutting down")
        }
        switch method {
        case InitializeRequest.method:
            let params = try InitializeRequest.Params(decoding: params)
            responder.reply(
                InitializeRequest.self,
                id: id,
                try initialize(params, framing: connection.outbound.framing)
            )
        case PingRequest.method:
            _ = try PingRequest.Params(decoding: params)
            responder.reply(PingRequest.self, id: id, EmptyObject())
        case ShutdownRequest.method:
            _ = try ShutdownRequest.Params(decoding: params)
            state.withLock { $0.shutdownRequested = true }
            logger.info("Shutdown requested")
            responder.reply(ShutdownRequest.self, id: id, NullResult())
        case AgentsListRequest.method:
            _ = try AgentsListRequest.Params(decoding: params)
            responder.reply(AgentsListRequest.self, id: id, agentsList())
        case WorkflowsListRequest.method:
            _ = try WorkflowsListRequest.Params(decoding: params)
            responder.reply(WorkflowsListRequest.self, id: id, workflowsList())
        case AgentRunRequest.method:
            let request = try AgentRunRequest.Params(decoding: params)
            try startAgentRun(id: id, request, responder: responder, connection: connection)
        case AgentStartRequest.method:
            // `agent/start` is `agent/run` answered with `{runId}` at once.
            let request = try AgentStartRequest.Params(decoding: params)
            try startAgentRun(id: id, request, responder: responder, connection: connection, detached: true)
        case CoordinatorSequentialRequest.method:
            try startCoordinatorRun(CoordinatorSequentialRequest.self, id: id, params, responder, connection)
        case CoordinatorParallelRequest.method:
            try startCoordinatorRun(CoordinatorParallelRequest.self, id: id, params, responder, connection)
        case CoordinatorHierarchicalRequest.method:
            try startCoordinatorRun(CoordinatorHierarchicalRequest.self, id: id, params, responder, connection)
        case WorkflowRunRequest.method:
            let request = try WorkflowRunRequest.Params(decoding: params)
            try startWorkflowRun(id: id, request, responder: responder, connection: connection)
        case WorkflowStartRequest.method:
            let request = try WorkflowStartRequest.Params(decoding: params)
            try startWorkflowRun(id: id, request, responder: responder, connection: connection, detached: true)
        case RunCancelRequest.method:
            let runId = try RunCancelRequest.Params(decoding: params).runId
            if runs.cancel(runId: runId) {
                responder.reply(RunCancelRequest.self, id: id, RunCancelResult(cancelled: true))
            } else {
                runs.answerLater(RunCancelRequest.self, id: id, responder: responder) {
                    [self] () async throws(ResponseError) in
                    try await cancelStoredRun(runId)
                }
            }
        case SessionNewRequest.method:
            try newSession(id: id, SessionNewRequest.Params(decoding: params), responder: responder)
        case SessionPromptRequest.method:
            let request = try SessionPromptRequest.Params(decoding: params)
            try promptSession(id: id, request, responder: responder, connection: connection)
        case SessionCloseRequest.method:
            closeSession(id: id, try SessionCloseRequest.Params(decoding: params), responder: responder)
        case SessionForkRequest.method:
            try forkSession(id: id, SessionForkRequest.Params(decoding: params), responder: responder)
        case SessionListRequest.method:
            try listSessions(id: id, SessionListRequest.Params(decoding: params), responder: responder)
        case SessionGetRequest.method:
            getSession(id: id, try SessionGetRequest.Params(decoding: params), responder: responder)
        case SessionDeleteRequest.method:
            deleteSession(id: id, try SessionDeleteRequest.Params(decoding: params), responder: responder)
        case StatsGetRequest.method:
            responder.reply(StatsGetRequest.self, id: id, try stats(StatsGetRequest.Params(decoding: params)))
        case StatsResetRequest.method:
            _ = try StatsResetRequest.Params(decoding: params)
            runtime.monitor.reset()
            responder.reply(StatsResetRequest.self, id: id, StatsResetResult())
        case RunStatusRequest.method:
            let request = try RunStatusRequest.Params(decoding: params)
            runs.answerLater(RunStatusRequest.self, id: id, responder: responder) {
                [self] () async throws(ResponseError) in try await runStatus(request)
            }
        case RunGetRequest.method:
            let request = try RunGetRequest.Params(decoding: params)
            runs.answerLater(RunGetRequest.self, id: id, responder: responder, handWritten: true) {
                [self] () async throws(ResponseError) in try await runGet(request)
            }
        case RunListRequest.method:
            let request = try RunListRequest.Params(decoding: params)
            runs.answerLater(RunListRequest.self, id: id, responder: responder) {
                [self] () async throws(ResponseError) in try await runList(request)
            }
        case RunEventsRequest.method:
            let request = try RunEventsRequest.Params(decoding: params)
            try runEvents(id: id, request, responder: responder, connection: connection)
        case RunResumeRequest.method:
            try resumeRun(
                id: id,
                try RunResumeRequest.Params(decoding: params),
                responder: responder,
                connection: connection
            )
        case RunDeleteRequest.method:
            let request = try RunDeleteRequest.Params(decoding: params)
            runs.answerLater(RunDeleteRequest.self, id: id, responder: responder) {
                [self] () async throws(ResponseError) in try await runDelete(request)
            }
        case MetricsGetRequest.method:
            _ = try MetricsGetRequest.Params(decoding: params)
            responder.reply(MetricsGetRequest.self, id: id, metricsGet())
        default:
            throw ResponseError.methodNotFound(method)
        }
    }

    /// Requests are counted and timed to their reply (`agentwire_requests_total`,
    /// `agentwire_request_duration_seconds`).
    public func responder(_ responder: Responder, for method: String) -> Responder {
        measured(responder, method: method)
    }

    // IMPORTANT: When adding a case here, also add its type to `NativeProtocol.notifications`. The three
    // cancellation notifications of the registry are handled by the endpoint (``cancelRequest(_:mode:)``).
    public func handleNotification(
        method: String,
        params: JSONValue?,
        connection: Connection
    ) throws(ResponseError) {
        switch method {
        case InitializedNotification.method:
            _ = try InitializedNotification.Params(decoding: params)
        case ExitNotification.method:
            let code: Int32 = state.withLock { $0.shutdownRequested } ? 0 : 1
            logger.info("Exit requested", metadata: ["status": "\(code)"])
            stop(connection: connection)
            onExit(code)
        default:
            logger.debug("Ignored an unknown notification", metadata: ["method": "\(method)"])
        }
    }

    /// Cancels every run, waits (at most `grace`) until each has answered and is recorded, writes the
    /// store and closes the connection. `exit`, SIGTERM and a client that closed stdout end this way.
    public func stop(connection: Connection, grace: TimeInterval = 1.5) {
        endpoint.inputClosed()  // nobody will answer a permission request now
        runs.close()
        // Cancelled runs are answered and stored within a checkpoint; give them a moment.
        runs.waitUntilSettled(deadline: Date().addingTimeInterval(grace))
        recorder.flush()
        connection.close()
    }

    /// EOF on stdin: let every run finish and answer, write everything, then exit 0.
    public func inputClosed(on connection: Connection) {
        endpoint.inputClosed()  // nobody is left to answer
        let count = runs.unsettled
        if count > 0 { logger.info("Input closed; settling runs in flight", metadata: ["runs": "\(count)"]) }
        runs.waitUntilSettled(deadline: nil)
        recorder.flush()
        connection.close()
        onExit(0)
    }

    func initialize(_ params: InitializeRequest.Params, framing: Framing) throws(ResponseError) -> InitializeResult {
        let stream = try StreamOptions().merging(params.stream, field: "params.stream")
        state.withLock { $0.stream = stream }
        return InitializeResult(
            serverInfo: ServerInfo(version: Self.version),
            capabilities: ServerCapabilities(
                stream: StreamOptions.kinds,
                framing: framing.rawValue,
                // Runs kept beyond the process (`run/status`, `run/events`, …); a memory store keeps them
                // only while this process lives. Other processes see writes within `flushIntervalMs`.
                store: ServerCapabilities.Store(
                    persistent: recorder.isPersistent,
                    flushIntervalMs: Int(max(recorder.flushInterval / .milliseconds(1), 1))
                )
            )
        )
    }
}
