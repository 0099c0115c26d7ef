import AgentCore
import Foundation
import JSONRPC
import JSONRPCTransport
import Logging
import Synchronization

/// Chooses a connection's protocol face at its first message (or takes the forced one) and hands every
/// message from then on to that face's handler.
public final class FaceRouter: MessageHandler, Sendable {
    private let runtime: AgentRuntime
    private let logger: Logger
    private let forced: ProtocolFace?
    private let onExit: @Sendable (Int32) -> Void
    private let exposition: (any MetricsExposition)?
    let chosen = Mutex<(face: ProtocolFace, handler: any MessageHandler)?>(nil)

    /// - Parameter forced: the face to speak whatever the client sends first (`--protocol`).
    public init(
        runtime: AgentRuntime,
        logger: Logger,
        forced: ProtocolFace? = nil,
        exposition: (any MetricsExposition)? = nil,
        onExit: @escaping @Sendable (Int32) -> Void
    ) {
        self.runtime = runtime
        self.logger = logger
        self.forced = forced
        self.exposition = exposition
        self.onExit = onExit
    }

    /// Samples the bytes waiting in the connection's outbound queue for the metrics.
    public func watchQueue(of connection: Connection) {
        let telemetry = runtime.telemetry
        telemetry.addSampler { [weak outbound = connection.outbound] in
            telemetry.metrics.outboundQueueBytes.record(outbound?.queuedBytes ?? 0)
        }
    }

    /// The face in use, once the first message has arrived (or when forced).
    public var face: ProtocolFace? { chosen.withLock { $0?.face } ?? forced }

    public func handle(_ incoming: Incoming, on connection: Connection) {
        handler(for: incoming).handle(incoming, on: connection)
    }

    public func inputClosed(on connection: Connection) {
        if let handler = chosen.withLock({ $0?.handler }) {
            handler.inputClosed(on: connection)
        } else {
            connection.close()
            onExit(0)
        }
    }

    private func handler(for incoming: Incoming) -> any MessageHandler {
        if let handler = chosen.withLock({ $0?.handler }) { return handler }
        let face = forced ?? ProtocolFace.detect(incoming)
        let handler: any MessageHandler =
            switch face {
            case .native: AgentServer(runtime: runtime, logger: logger, exposition: exposition, onExit: onExit)
            case .acp: ACPAgent(runtime: runtime, logger: logger, onExit: onExit)
            case .mcp: MCPServer(runtime: runtime, logger: logger, onExit: onExit)
            }
        chosen.withLock { $0 = (face, handler) }
        logger.info(
            "Protocol face chosen",
            metadata: ["face": "\(face.rawValue)", "how": "\(forced == nil ? "first message" : "--protocol")"]
        )
        return handler
    }
}

/// A face that can be stopped from outside: SIGTERM, or a client that closed stdout.
public protocol StoppableHandler: MessageHandler {
    /// Cancels every run, waits (at most `grace`) until each has answered and is recorded, and closes
    /// the connection.
    func stop(connection: Connection, grace: TimeInterval)
}

extension AgentServer: StoppableHandler {}

extension ACPAgent: StoppableHandler {
    public func stop(connection: Connection, grace: TimeInterval) {
        runs.stop(endpoint: endpoint, connection: connection, grace: grace)
    }
}

extension MCPServer: StoppableHandler {
    public func stop(connection: Connection, grace: TimeInterval) {
        runs.stop(endpoint: endpoint, connection: connection, grace: grace)
    }
}

extension FaceRouter {
    /// Stops the chosen face (see ``StoppableHandler``); before any message, only closes the connection.
    public func stop(connection: Connection, grace: TimeInterval = 1.5) {
        if let handler = chosen.withLock({ $0?.handler }) as? any StoppableHandler {
            handler.stop(connection: connection, grace: grace)
        } else {
            connection.close()
        }
    }
}
