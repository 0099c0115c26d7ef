import JSONCore
import JSONRPC
import JSONRPCTransport
import Synchronization

/// Where the reply to one request goes: straight to the wire, or into the batch it arrived in.
///
/// - Important: Every request gets exactly one call to ``reply(id:_:)`` or ``dropReply()``; a batch is
///   written once every member has answered, as one array (or not at all when nothing answers).
public final class Responder: Sendable {
    private enum Target: Sendable {
        case direct(Connection)
        case batch(BatchCollector)
    }

    private let target: Target
    /// Told how the request ended just before its reply is sent (for request metrics).
    private let onReply: (@Sendable (_ failed: Bool) -> Void)?

    public init(connection: Connection) {
        target = .direct(connection)
        onReply = nil
    }

    init(batch: BatchCollector) {
        target = .batch(batch)
        onReply = nil
    }

    private init(target: Target, onReply: (@Sendable (_ failed: Bool) -> Void)?) {
        self.target = target
        self.onReply = onReply
    }

    /// This responder, also calling `onReply` when it answers.
    func observed(_ onReply: @escaping @Sendable (_ failed: Bool) -> Void) -> Responder {
        Responder(target: target, onReply: onReply)
    }

    /// - Parameter handWritten: serialize with the hand-written writer (byte-identical to jansson), for
    ///   results that carry a whole run's output.
    public func reply(id: RequestID, _ result: Result<JSONValue, ResponseError>, handWritten: Bool = false) {
        // Counted before it is sent, so a client that reads the reply finds it counted.
        if case .failure = result { onReply?(true) } else { onReply?(false) }
        let envelope = Envelope.response(id: id, result)
        switch target {
        case .direct(let connection): connection.send(envelope, handWritten: handWritten)
        case .batch(let batch): batch.add(envelope)
        }
    }

    /// For requests that must get no reply at all (cancelled with MCP's `notifications/cancelled`).
    public func dropReply() {
        onReply?(true)
        if case .batch(let batch) = target { batch.add(nil) }
    }
}

/// Collects the replies to a batch's members and writes them as one array once all are in.
final class BatchCollector: Sendable {
    private let connection: Connection
    private let state: Mutex<(expected: Int, replies: [JSONValue])>

    init(connection: Connection, expected: Int) {
        self.connection = connection
        self.state = Mutex((expected, []))
    }

    /// Adds one member's reply (`nil`: that member will not reply after all).
    func add(_ reply: JSONValue?) {
        let complete: [JSONValue]? = state.withLock { state in
            if let reply { state.replies.append(reply) }
            state.expected -= 1
            return state.expected == 0 ? state.replies : nil
        }
        if let complete, !complete.isEmpty { connection.send(.array(complete)) }
    }
}
