import AgentCore
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
    private let chosen = Mutex<(face: ProtocolFace, handler: any MessageHandler)?>(nil)

    /// - Parameter forced: the face to speak whatever the client sends first (`--protocol`).
    public init(
        runtime: AgentRuntime,
        logger: Logger,
        forced: ProtocolFace? = nil,
        onExit: @escaping @Sendable (Int32) -> Void
    ) {
        self.runtime = runtime
        self.logger = logger
        self.forced = forced
        self.onExit = onExit
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
            case .native: AgentServer(runtime: runtime, logger: logger, onExit: onExit)
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
