import AgentCore
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
public final class ACPAgent: MessageHandler, Sendable {
    /// The one ACP version spoken.
    public static let protocolVersion = 1
    /// Requests answered. IMPORTANT: keep in sync with `handleRequest`.
    public static let requestMethods = [
        "initialize", "authenticate", "session/new", "session/load", "session/list", "session/prompt",
        "session/set_config_option", "session/set_mode", "session/close",
    ]
    /// ACP's code for an unknown resource (a session `session/load` cannot find).
    static let resourceNotFound = ErrorCode(rawValue: -32002)

    let runtime: AgentRuntime
    let logger: Logger
    let runs: FaceRuns
    private let onExit: @Sendable (Int32) -> Void
    let state = Mutex(State())

    struct Session: Sendable {
        var cwd: String
        var target: RunTarget
        var title: String?
        var updatedAt: Date
        /// The prompt in flight: its request id, its task once started, and whether it was cancelled.
        var prompt: (id: RequestID, task: Task<Void, Never>?, cancelled: Bool)?
    }

    struct State: Sendable {
        var sessions: [String: Session] = [:]
        /// Requests sent to the client, waiting for its answer.
        var outgoing: [RequestID: CheckedContinuation<Result<JSONValue, ResponseError>, Never>] = [:]
        var nextOutgoingId: Int64 = 0
        var connection: Connection?
        var closed = false
    }

    public init(runtime: AgentRuntime, logger: Logger, onExit: @escaping @Sendable (Int32) -> Void) {
        self.runtime = runtime
        self.logger = logger
        self.onExit = onExit
        self.runs = FaceRuns(runtime: runtime, logger: logger)
    }

    public func handle(_ incoming: Incoming, on connection: Connection) {
        state.withLock { if $0.connection == nil { $0.connection = connection } }
        switch incoming {
        case .single(let message):
            handle(message, connection: connection)
        case .batch(let messages):
            // ACP has no batches; answer each member on its own.
            for message in messages { handle(message, connection: connection) }
        case .unparseable(let error):
            logger.warning("Received a message that is not JSON")
            connection.send(Envelope.error(id: .null, error))
        case .emptyBatch:
            connection.send(Envelope.error(id: .null, .invalidRequest("an empty batch")))
        }
    }

    private func handle(_ message: Message, connection: Connection) {
        switch message {
        case .request(let id, let method, let params):
            logger.trace("ACP request", metadata: ["id": "\(id)", "method": "\(method)"])
            do throws(ResponseError) {
                try handleRequest(id: id, method: method, params: params, connection: connection)
            } catch {
                connection.send(Envelope.error(id: id, error))
            }
        case .notification(let method, let params):
            handleNotification(method: method, params: params)
        case .response(let id, let result):
            let waiter = state.withLock { $0.outgoing.removeValue(forKey: id) }
            if let waiter {
                waiter.resume(returning: result)
            } else {
                logger.debug("Ignored a response to no request in flight", metadata: ["id": "\(id)"])
            }
        case .invalid(let id, let error):
            connection.send(Envelope.error(id: id, error))
        }
    }

    // IMPORTANT: When adding a method here, also add it to `requestMethods`.
    private func handleRequest(
        id: RequestID,
        method: String,
        params: JSONValue?,
        connection: Connection
    )
        throws(ResponseError)
    {
        switch method {
        case "initialize":
            connection.send(Envelope.response(id: id, result: try initialize(Params(params))))
        case "authenticate":
            // No authentication is needed (`authMethods` is empty); accept the call anyway.
            connection.send(Envelope.response(id: id, result: .object([:])))
        case "session/new":
            connection.send(Envelope.response(id: id, result: try newSession(Params(params))))
        case "session/load":
            try loadSession(id: id, params: Params(params), connection: connection)
        case "session/list":
            connection.send(Envelope.response(id: id, result: try listSessions(Params(params))))
        case "session/set_config_option":
            let result = try setConfigOption(Params(params), connection: connection)
            connection.send(Envelope.response(id: id, result: result))
        case "session/set_mode":
            connection.send(Envelope.response(id: id, result: try setMode(Params(params))))
        case "session/close":
            connection.send(Envelope.response(id: id, result: try closeSession(Params(params))))
        case "session/prompt":
            try prompt(id: id, params: Params(params), connection: connection)
        default:
            throw ResponseError.methodNotFound(method)
        }
    }

    /// Unknown notifications (including `_`-prefixed extensions) are ignored, as ACP asks.
    private func handleNotification(method: String, params: JSONValue?) {
        do throws(ResponseError) {
            switch method {
            case "session/cancel":
                cancelPrompt(sessionId: try Params(params).string("sessionId"))
            case "$/cancel_request":
                cancelPrompt(requestId: try Params(params).requestID("requestId"))
            default:
                logger.debug("Ignored a notification", metadata: ["method": "\(method)"])
            }
        } catch {
            logger.warning("Ignored a malformed notification", metadata: ["method": "\(method)"])
        }
    }

    private func initialize(_ params: Params) throws(ResponseError) -> JSONValue {
        guard let requested = params.object["protocolVersion"]?.integerValue else {
            throw .invalidParams(field: "params.protocolVersion", "is required (an integer)")
        }
        if requested != Int64(Self.protocolVersion) {
            logger.notice(
                "The client asked for another ACP version; answering with ours",
                metadata: ["requested": "\(requested)", "answered": "\(Self.protocolVersion)"]
            )
        }
        return [
            "protocolVersion": .int(Self.protocolVersion),
            "agentCapabilities": [
                "loadSession": true,
                "promptCapabilities": ["image": false, "audio": false, "embeddedContext": true],
                "mcpCapabilities": ["http": false, "sse": false],
                "sessionCapabilities": ["list": [:], "close": [:]],
            ],
            "authMethods": [],
            "agentInfo": ["name": "agentwire", "title": "AgentWire", "version": .string(AgentServer.version)],
            "_meta": ["agentwire": ["face": "acp"]],
        ]
    }

    /// EOF: the client is gone. Cancel prompts, let them settle (their turns are kept), then exit.
    public func inputClosed(on connection: Connection) {
        let waiters = state.withLock { state in
            state.closed = true
            defer { state.outgoing.removeAll() }
            return Array(state.outgoing.values)
        }
        for waiter in waiters {
            waiter.resume(returning: .failure(ResponseError(code: .internalError, message: "The client went away")))
        }
        runs.cancelAll()
        runs.waitUntilSettled(deadline: Date().addingTimeInterval(5))
        connection.close()
        onExit(0)
    }
}
