import JSONCore
import JSONRPC
import Synchronization

/// Where the reply to one request goes: straight to the wire, or into the batch it arrived in.
///
/// A responder answers at most once, by construction: the first ``reply(id:_:handWritten:)`` or
/// ``dropReply()`` wins and every later call is refused (and returns `false`), so a race between a run's
/// end and its cancellation can never put two replies to one request on the wire. A batch is written once
/// every member has answered, as one array (or not at all when nothing answers).
public final class Responder: Sendable {
    private enum Target: Sendable {
        case direct(Connection)
        case batch(BatchCollector)
    }

    private let target: Target
    /// Told how the request ended just before its reply is sent (for request metrics).
    private let onReply: (@Sendable (_ failed: Bool) -> Void)?
    private let answered: Atomic<Bool>

    public convenience init(connection: Connection) {
        self.init(target: .direct(connection), onReply: nil)
    }

    convenience init(batch: BatchCollector) {
        self.init(target: .batch(batch), onReply: nil)
    }

    private init(target: Target, onReply: (@Sendable (_ failed: Bool) -> Void)?) {
        self.target = target
        self.onReply = onReply
        self.answered = Atomic(false)
    }

    /// This responder, also calling `onReply` when it answers.
    ///
    /// - Important: Use the returned responder instead of this one, never both: each answers once.
    public func observed(_ onReply: @escaping @Sendable (_ failed: Bool) -> Void) -> Responder {
        Responder(target: target, onReply: onReply)
    }

    /// Whether this request has been answered (or its reply dropped).
    public var hasAnswered: Bool { answered.load(ordering: .acquiring) }

    /// Sends the reply, unless one was sent already.
    ///
    /// - Parameter handWritten: serialize with the hand-written writer (byte-identical to jansson), for
    ///   results that carry a whole run's output.
    /// - Returns: `false` when the request had been answered before; nothing is sent then.
    @discardableResult
    public func reply(id: RequestID, _ result: Result<JSONValue, ResponseError>, handWritten: Bool = false) -> Bool {
        guard claim() else { return false }
        // Counted before it is sent, so a client that reads the reply finds it counted.
        if case .failure = result { onReply?(true) } else { onReply?(false) }
        let envelope = Envelope.response(id: id, result)
        switch target {
        case .direct(let connection): connection.send(envelope, handWritten: handWritten)
        case .batch(let batch): batch.add(envelope)
        }
        return true
    }

    /// For requests that must get no reply at all (cancelled with MCP's `notifications/cancelled`).
    /// - Returns: `false` when the request had been answered before.
    @discardableResult
    public func dropReply() -> Bool {
        guard claim() else { return false }
        onReply?(true)
        if case .batch(let batch) = target { batch.add(nil) }
        return true
    }

    private func claim() -> Bool {
        answered.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
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
