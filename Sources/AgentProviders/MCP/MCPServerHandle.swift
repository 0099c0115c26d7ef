import AgentCore
import Foundation
import JSONCore
import Logging
import Synchronization

/// One configured MCP server over its life: started when first needed, kept for later calls, started
/// again with backoff after it crashes, stopped at shutdown.
final class MCPServerHandle: Sendable {
    let definition: MCPServerDefinition
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var session: MCPSession?
        var starting: Task<Result<MCPSession, MCPFailure>, Never>?
        /// Starts that failed, or sessions that ended, in a row.
        var failures = 0
        var retryAt: ContinuousClock.Instant?
        var lastError: String?
        var startedAt: ContinuousClock.Instant?
        var stopped = false
        var pid: Int32?
    }

    /// How long the handshake, and listing the tools, may take.
    var startTimeout: Duration { .milliseconds(definition.startTimeoutMs) }
    /// A restart waits this long after the first failure, doubling up to ``maxBackoff``.
    static let firstBackoff: Duration = .milliseconds(250)
    static let maxBackoff: Duration = .seconds(30)
    /// A call waits for a restart that is due within this long; later ones fail the call at once.
    static let longestWaitForRestart: Duration = .seconds(2)
    /// A session that lasted this long resets the backoff.
    static let healthyAfter: Duration = .seconds(30)

    init(definition: MCPServerDefinition, logger: Logger) {
        self.definition = definition
        self.logger = logger
    }

    var name: String { definition.name }
    /// The process id of a running stdio server.
    var pid: Int32? { state.withLock { $0.session == nil ? nil : $0.pid } }
    /// Why the server is not running, when it failed.
    var lastError: String? { state.withLock { $0.lastError } }

    /// The live session, starting the server when it is not running (waiting out a short backoff).
    func session() async throws(MCPFailure) -> MCPSession {
        while true {
            enum Next {
                case ready(MCPSession)
                case wait(Task<Result<MCPSession, MCPFailure>, Never>)
                case sleep(Duration)
                case fail(String)
            }
            let next = state.withLock { state -> Next in
                if state.stopped { return .fail("MCP server '\(name)' is stopped: the service is shutting down") }
                if let session = state.session { return .ready(session) }
                if let starting = state.starting { return .wait(starting) }
                if let retryAt = state.retryAt, retryAt > .now {
                    let remaining = retryAt - .now
                    guard remaining <= Self.longestWaitForRestart else {
                        let seconds = Double(AgentRuntime.milliseconds(remaining)) / 1000
                        return .fail(
                            "\(state.lastError ?? "MCP server '\(name)' failed"); next start in \(String(format: "%.1f", seconds)) s"
                        )
                    }
                    return .sleep(remaining)
                }
                let task = Task { await self.start() }
                state.starting = task
                return .wait(task)
            }
            switch next {
            case .ready(let session): return session
            case .fail(let message): throw MCPFailure(message)
            case .sleep(let duration):
                try? await Task.sleep(for: duration)
                if Task.isCancelled { throw MCPFailure("cancelled") }
            case .wait(let task):
                switch await task.value {
                case .success(let session): return session
                case .failure(let failure): throw failure
                }
            }
        }
    }

    /// Starts the server and shakes hands; records the outcome.
    private func start() async -> Result<MCPSession, MCPFailure> {
        logger.info("Starting MCP server", metadata: ["server": "\(name)", "at": "\(definition.location)"])
        let box = SessionBox()
        let events = MCPTransportEvents(
            notification: { method, params in box.session?.received(method, params) },
            ended: { [weak self] in self?.ended(box) }
        )
        let result: Result<MCPSession, MCPFailure>
        do throws(MCPFailure) {
            let transport: any MCPTransport
            var pid: Int32? = nil
            switch definition.transport {
            case .stdio(let command, let arguments, let environment, let workingDirectory):
                let stdio = try MCPStdioTransport(
                    definition: definition,
                    command: command,
                    arguments: arguments,
                    environment: environment,
                    workingDirectory: workingDirectory,
                    events: events,
                    logger: logger
                )
                pid = stdio.pid
                transport = stdio
            case .http(let url, let headers):
                transport = MCPHTTPTransport(
                    definition: definition,
                    url: url,
                    headers: headers,
                    events: events,
                    logger: logger
                )
            }
            let session = MCPSession(server: name, transport: transport, logger: logger)
            box.session = session
            do {
                try await session.initialize(timeout: startTimeout)
            } catch {
                await transport.close()
                throw error
            }
            logger.info(
                "MCP server ready",
                metadata: [
                    "server": "\(name)", "serverInfo": "\(session.serverName)",
                    "protocol": "\(session.protocolVersion)",
                ]
            )
            let stillWanted = state.withLock { state -> Bool in
                guard !state.stopped else { return false }
                state.pid = pid
                return true
            }
            guard stillWanted else {
                await transport.close()
                throw MCPFailure("MCP server '\(name)' is stopped: the service is shutting down")
            }
            result = .success(session)
        } catch {
            result = .failure(error)
        }
        state.withLock { state in
            state.starting = nil
            switch result {
            case .success(let session):
                state.session = session
                state.startedAt = .now
                state.lastError = nil
                state.retryAt = nil
            case .failure(let failure):
                state.failures += 1
                state.lastError = failure.message
                state.retryAt = .now + Self.backoff(after: state.failures)
            }
        }
        if case .failure(let failure) = result {
            logger.warning("MCP server did not start", metadata: ["server": "\(name)", "error": "\(failure.message)"])
        }
        return result
    }

    /// The connection of `box`'s session ended (the server exited or closed it): the next use starts it
    /// again, after a backoff that grows while it keeps failing.
    private func ended(_ box: SessionBox) {
        let reason = box.session?.transport.endReason ?? "MCP server '\(name)' went away"
        let (wasCurrent, stopped, delay) = state.withLock { state -> (Bool, Bool, Duration) in
            guard let session = state.session, session === box.session else { return (false, state.stopped, .zero) }
            state.session = nil
            state.pid = nil
            if let startedAt = state.startedAt, ContinuousClock.now - startedAt >= Self.healthyAfter {
                state.failures = 0
            }
            state.failures += 1
            state.lastError = reason
            let delay = Self.backoff(after: state.failures)
            state.retryAt = .now + delay
            return (true, state.stopped, delay)
        }
        guard wasCurrent, !stopped else { return }
        logger.warning(
            "MCP server went away; it starts again when next needed",
            metadata: ["server": "\(name)", "reason": "\(reason)", "backoffMs": "\(AgentRuntime.milliseconds(delay))"]
        )
        // Collects the process (and kills what is left of its group).
        if let transport = box.session?.transport { Task { await transport.close() } }
    }

    static func backoff(after failures: Int) -> Duration {
        let factor = 1 << min(max(failures - 1, 0), 16)
        return min(firstBackoff * factor, maxBackoff)
    }

    /// Stops the server (stdin closed, then SIGTERM, then SIGKILL) and refuses later use.
    func stop() async {
        let (session, starting) = state.withLock { state in
            state.stopped = true
            defer { state.session = nil }
            return (state.session, state.starting)
        }
        if let starting, case .success(let started) = await starting.value {
            await started.transport.close()
        }
        await session?.transport.close()
    }

    /// Holds the session a transport reports to, set once the session exists.
    private final class SessionBox: @unchecked Sendable {
        private let lock = NSLock()
        private var value: MCPSession?
        var session: MCPSession? {
            get { lock.withLock { value } }
            set { lock.withLock { value = newValue } }
        }
    }
}
