import AgentCore
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
public final class AgentServer: MessageHandler, Sendable {
    public static let protocolVersion = "agentwire/1"
    public static let version = "0.2.0"

    /// Requests the server answers. IMPORTANT: keep in sync with `handleRequest` and schemas/openrpc.json.
    public static let requestMethods = [
        "initialize", "ping", "shutdown", "agents/list", "workflows/list", "agent/run", "coordinator/sequential",
        "coordinator/parallel", "coordinator/hierarchical", "workflow/run", "run/cancel", "session/new",
        "session/prompt", "session/close", "stats/get", "stats/reset", "agent/start", "workflow/start", "run/status",
        "run/get", "run/list", "run/events", "run/delete", "metrics/get",
    ]
    /// Notifications the server acts on. IMPORTANT: keep in sync with `handleNotification`.
    public static let notificationMethods = [
        "initialized", "exit", "$/cancelRequest", "$/cancel_request", "notifications/cancelled",
    ]
    /// Notifications the server sends.
    public static let sentNotificationMethods = RunNotifications.all
    /// Requests the server sends (the client answers them).
    public static let sentRequestMethods = [PermissionBroker.method]

    let runtime: AgentRuntime
    let logger: Logger
    let onExit: @Sendable (Int32) -> Void
    let state = Mutex(State())
    /// Keeps every run's events and serves them back (`run/events`).
    let recorder: EventRecorder
    /// Signalled whenever a run ends, for EOF to wait on.
    let settled = NSCondition()
    /// Tool permission questions sent to the client and waiting for its answer.
    let permissions = PermissionBroker()
    /// Renders `metrics/get`; nil when the process has no metrics backend.
    let exposition: (any MetricsExposition)?

    struct State {
        var shutdownRequested = false
        var runs: [RequestID: InFlightRun] = [:]
        /// Runs accepted whose reply is not yet queued; EOF waits for this to reach zero.
        var unanswered = 0
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
        self.recorder = EventRecorder(store: runtime.store, logger: logger)
        startReaper()
        recorder.startFlushing { [weak self] in self?.pollCancelRequests() }
    }

    public func handle(_ incoming: Incoming, on connection: Connection) {
        switch incoming {
        case .single(let message):
            handle(message, responder: Responder(connection: connection), connection: connection)
        case .batch(let messages):
            let expected = messages.count { message in
                if case .notification = message { return false }
                if case .response = message { return false }
                return true
            }
            let batch = BatchCollector(connection: connection, expected: expected)
            for message in messages {
                handle(message, responder: Responder(batch: batch), connection: connection)
            }
        case .unparseable(let error):
            logger.warning(
                "Received a message that is not JSON",
                metadata: ["error": "\(error.data?["detail"]?.stringValue ?? "")"]
            )
            connection.send(Envelope.error(id: .null, error))
        case .emptyBatch:
            connection.send(Envelope.error(id: .null, .invalidRequest("an empty batch")))
        }
    }

    func handle(_ message: Message, responder: Responder, connection: Connection) {
        switch message {
        case .request(let id, let method, let params):
            logger.trace("Request", metadata: ["id": "\(id)", "method": "\(method)"])
            handleRequest(
                id: id,
                method: method,
                params: params,
                responder: measured(responder, method: method),
                connection: connection
            )
        case .notification(let method, let params):
            logger.trace("Notification", metadata: ["method": "\(method)"])
            handleNotification(method: method, params: params, connection: connection)
        case .response(let id, let result):
            if !permissions.handleResponse(id: id, result: result) {
                logger.debug("Ignored a response to a request the server never sent", metadata: ["id": "\(id)"])
            }
        case .invalid(let id, let error):
            logger.warning(
                "Received an invalid message",
                metadata: ["id": "\(id)", "error": "\(error.data?["detail"]?.stringValue ?? error.message)"]
            )
            responder.reply(id: id, .failure(error))
        }
    }

    // IMPORTANT: When adding a method here, also add it to `requestMethods` and schemas/openrpc.json.
    func handleRequest(id: RequestID, method: String, params: JSONValue?, responder: Responder, connection: Connection)
    {
        if state.withLock({ $0.shutdownRequested }), method != "shutdown", method != "ping" {
            responder.reply(
                id: id,
                .failure(ResponseError(code: .shuttingDown, message: "The server is shutting down"))
            )
            return
        }
        do throws(ResponseError) {
            switch method {
            case "initialize":
                responder.reply(id: id, .success(try initialize(params, framing: connection.outbound.framing)))
            case "ping":
                responder.reply(id: id, .success(.object([:])))
            case "shutdown":
                state.withLock { $0.shutdownRequested = true }
                logger.info("Shutdown requested")
                responder.reply(id: id, .success(.null))
            case "agents/list":
                _ = try Params(params)
                responder.reply(id: id, .success(agentsList()))
            case "workflows/list":
                _ = try Params(params)
                responder.reply(id: id, .success(workflowsList()))
            case "agent/run", "agent/start":
                // `agent/start` is `agent/run` answered with `{runId}` at once.
                try startAgentRun(
                    id: id,
                    params: Params(params, positional: ["agent", "input"]),
                    responder: responder,
                    connection: connection,
                    detached: method == "agent/start"
                )
            case "coordinator/sequential", "coordinator/parallel", "coordinator/hierarchical":
                let strategy = String(method.dropFirst("coordinator/".count))
                try startCoordinatorRun(
                    id: id,
                    strategy: strategy,
                    params: Params(params),
                    responder: responder,
                    connection: connection
                )
            case "workflow/run", "workflow/start":
                try startWorkflowRun(
                    id: id,
                    params: Params(params, positional: ["workflow", "input"]),
                    responder: responder,
                    connection: connection,
                    detached: method == "workflow/start"
                )
            case "run/cancel":
                let runId = try Params(params, positional: ["runId"]).string("runId")
                let result: JSONValue = cancelRun(runId: runId) ? ["cancelled": true] : try cancelStoredRun(runId)
                responder.reply(id: id, .success(result))
            case "session/new":
                responder.reply(id: id, .success(try newSession(Params(params, positional: ["agent"]))))
            case "session/prompt":
                try promptSession(
                    id: id,
                    params: Params(params, positional: ["sessionId", "input"]),
                    responder: responder,
                    connection: connection
                )
            case "session/close":
                responder.reply(id: id, .success(try closeSession(Params(params, positional: ["sessionId"]))))
            case "stats/get":
                responder.reply(id: id, .success(try stats(Params(params, positional: ["agent"]))))
            case "run/status":
                responder.reply(id: id, .success(try runStatus(Params(params, positional: ["runId"]))))
            case "run/get":
                responder.reply(id: id, .success(try runGet(Params(params, positional: ["runId"]))), handWritten: true)
            case "run/list":
                responder.reply(id: id, .success(try runList(Params(params))))
            case "run/events":
                try runEvents(
                    id: id,
                    params: Params(params, positional: ["runId", "afterSeq"]),
                    responder: responder,
                    connection: connection
                )
            case "run/delete":
                responder.reply(id: id, .success(try runDelete(Params(params, positional: ["runId"]))))
            case "metrics/get":
                responder.reply(id: id, .success(try metricsGet(Params(params))))
            case "stats/reset":
                runtime.monitor.reset()
                responder.reply(id: id, .success(["reset": true]))
            default:
                throw ResponseError.methodNotFound(method)
            }
        } catch {
            responder.reply(id: id, .failure(error))
        }
    }

    // IMPORTANT: When adding a notification here, also add it to `notificationMethods`.
    func handleNotification(method: String, params: JSONValue?, connection: Connection) {
        do throws(ResponseError) {
            switch method {
            case "initialized":
                break
            case "exit":
                let code: Int32 = state.withLock { $0.shutdownRequested } ? 0 : 1
                logger.info("Exit requested", metadata: ["status": "\(code)"])
                stop(connection: connection)
                onExit(code)
            case "$/cancelRequest":
                cancelRequest(try Params(params).requestID("id"), mode: .errorReply)
            case "$/cancel_request":
                cancelRequest(try Params(params).requestID("requestId"), mode: .errorReply)
            case "notifications/cancelled":
                cancelRequest(try Params(params).requestID("requestId"), mode: .noReply)
            default:
                logger.debug("Ignored an unknown notification", metadata: ["method": "\(method)"])
            }
        } catch {
            // Notifications get no reply, even when malformed.
            logger.warning(
                "Ignored a malformed notification",
                metadata: ["method": "\(method)", "error": "\(error.message)"]
            )
        }
    }

    /// Cancels every run, waits (at most `grace`) until each has answered and is recorded, writes the
    /// store and closes the connection. `exit`, SIGTERM and a client that closed stdout end this way.
    public func stop(connection: Connection, grace: TimeInterval = 1.5) {
        permissions.close()  // nobody will answer a permission request now
        cancelAllRuns()
        // Cancelled runs are answered and stored within a checkpoint; give them a moment.
        waitUntilSettled(deadline: Date().addingTimeInterval(grace))
        recorder.flush()
        connection.close()
    }

    /// EOF on stdin: let every run finish and answer, write everything, then exit 0.
    public func inputClosed(on connection: Connection) {
        permissions.close()  // nobody is left to answer
        let count = state.withLock { $0.unanswered }
        if count > 0 { logger.info("Input closed; settling runs in flight", metadata: ["runs": "\(count)"]) }
        waitUntilSettled(deadline: nil)
        recorder.flush()
        connection.close()
        onExit(0)
    }

    /// Blocks the calling (reader) thread until every accepted run has been answered and stored, or
    /// until `deadline` when one is given.
    func waitUntilSettled(deadline: Date?) {
        settled.lock()
        defer { settled.unlock() }
        while state.withLock({ $0.unanswered > 0 }) {
            guard let deadline else {
                settled.wait()
                continue
            }
            if !settled.wait(until: deadline) { return }
        }
    }

    func initialize(_ params: JSONValue?, framing: Framing) throws(ResponseError) -> JSONValue {
        let params = try Params(params)
        let stream = try StreamOptions().merging(params.object["stream"], field: "params.stream")
        state.withLock { $0.stream = stream }
        return [
            "protocolVersion": .string(Self.protocolVersion),
            "serverInfo": ["name": "agentwire", "version": .string(Self.version)],
            "capabilities": [
                "agents": true,
                "workflows": ["strategies": ["sequential", "parallel", "hierarchical"]],
                "sessions": true,
                "runs": ["cancel": ["$/cancelRequest", "$/cancel_request", "notifications/cancelled", "run/cancel"]],
                "stream": .array(StreamOptions.kinds.map { .string($0) }),
                // Runs kept beyond the process (`run/status`, `run/events`, …); a memory store keeps them
                // only while this process lives. Other processes see writes within `flushIntervalMs`.
                "store": [
                    "persistent": .bool(!(runtime.store is MemoryRunStore)),
                    "flushIntervalMs": .int(Int64(EventRecorder.flushInterval / .milliseconds(1))),
                ],
                "framing": .string(framing.rawValue),
            ],
        ]
    }

    /// Cancels runs that have gone quiet for `limits.staleAfterSeconds`, checking a few times per period.
    private func startReaper() {
        let staleAfter = runtime.config.limits.staleAfterSeconds
        let interval = min(max(staleAfter / 4, 0.01), 5)
        Task { [weak self] in
            while true {
                try? await Task.sleep(for: .seconds(interval))
                guard let self else { return }
                let reaped = self.runtime.monitor.reapStale(olderThan: .seconds(staleAfter))
                if !reaped.isEmpty { self.logger.warning("Reaping stale runs", metadata: ["runs": "\(reaped)"]) }
            }
        }
    }
}
