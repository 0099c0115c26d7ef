import JSONCore
import JSONRPC
import Logging

/// How a cancelled request is answered, which depends on the dialect that cancelled it.
public enum CancelMode: Sendable {
    /// Not cancelled by its request id (or by a face's own method): a normal result says it stopped.
    case none
    /// LSP `$/cancelRequest`, ACP `$/cancel_request`: error -32800 with what was done so far.
    case errorReply
    /// MCP `notifications/cancelled`: no reply at all.
    case noReply
}

/// What a face does with a batch (a JSON array of messages).
public enum BatchPolicy: Sendable {
    /// JSON-RPC 2.0: every member is handled, and the replies go out together as one array.
    case collect
    /// Every member is handled and answered on its own (ACP has no batches, but the messages are fine).
    case eachAlone
    /// Refused as a whole with -32600 and this reason (MCP removed batches in 2025-06-18).
    case refuse(String)
}

/// One protocol face behind an ``Endpoint``: it answers requests and acts on notifications, and knows
/// nothing of envelopes, batches, responses to its own requests or the cancellation dialects.
///
/// A face is the connection's ``MessageHandler``: its `handle(_:on:)` hands the input to its endpoint,
/// which calls back here.
public protocol FaceHandler: MessageHandler {
    var batchPolicy: BatchPolicy { get }
    /// A request, on the reader thread. Answer it exactly once through `responder`, now or later; an error
    /// thrown here is the answer.
    func handleRequest(
        id: RequestID,
        method: String,
        params: JSONValue?,
        responder: Responder,
        connection: Connection
    ) throws(ResponseError)
    /// A notification other than a cancellation, on the reader thread. An error thrown here is logged:
    /// notifications are never answered.
    func handleNotification(method: String, params: JSONValue?, connection: Connection) throws(ResponseError)
    /// The responder a request of `method` is answered through (a face that measures its requests wraps
    /// it); by default the one given.
    func responder(_ responder: Responder, for method: String) -> Responder
    /// Cancel what request `id` started; unknown ids are ignored.
    func cancelRequest(_ id: RequestID, mode: CancelMode)
}

extension FaceHandler {
    public func responder(_ responder: Responder, for method: String) -> Responder { responder }
}

/// The JSON-RPC machinery every face shares: it classifies what the reader parsed (single message,
/// batch, junk), answers what is not valid, routes responses to the requests this side sent, handles
/// the three cancellation dialects ahead of everything queued, and gives the face the rest.
///
/// - Important: Everything here runs on the connection's reader thread, in arrival order.
public struct Endpoint: Sendable {
    /// Cancellation notifications of every dialect, with the member naming the request and how the
    /// cancelled request is then answered.
    public static let cancellations: [String: (member: String, mode: CancelMode)] = [
        "$/cancelRequest": ("id", .errorReply),
        "$/cancel_request": ("requestId", .errorReply),
        "notifications/cancelled": ("requestId", .noReply),
    ]

    /// Requests this side sent, waiting for the peer's responses.
    public let outstanding: OutstandingRequests
    private let logger: Logger

    public init(outstanding: OutstandingRequests, logger: Logger) {
        self.outstanding = outstanding
        self.logger = logger
    }

    /// Handles one frame's worth of input for `face`.
    public func handle(_ incoming: Incoming, on connection: Connection, for face: some FaceHandler) {
        switch incoming {
        case .single(let message):
            handle(message, responder: Responder(connection: connection), connection: connection, face: face)
        case .batch(let messages):
            switch face.batchPolicy {
            case .collect:
                let expected = messages.count { $0.isAnswered }
                let batch = BatchCollector(connection: connection, expected: expected)
                for message in messages {
                    handle(message, responder: Responder(batch: batch), connection: connection, face: face)
                }
            case .eachAlone:
                for message in messages {
                    handle(message, responder: Responder(connection: connection), connection: connection, face: face)
                }
            case .refuse(let reason):
                connection.send(Envelope.error(id: .null, .invalidRequest(reason)))
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

    /// End of input: nobody is left to answer this side's requests.
    public func inputClosed() {
        outstanding.close()
    }

    private func handle(_ message: Message, responder: Responder, connection: Connection, face: some FaceHandler) {
        switch message {
        case .request(let id, let method, let params):
            logger.trace("Request", metadata: ["id": "\(id)", "method": "\(method)"])
            let responder = face.responder(responder, for: method)
            do throws(ResponseError) {
                try face.handleRequest(
                    id: id,
                    method: method,
                    params: params,
                    responder: responder,
                    connection: connection
                )
            } catch {
                responder.reply(id: id, .failure(error))
            }
        case .notification(let method, let params):
            logger.trace("Notification", metadata: ["method": "\(method)"])
            if let cancellation = Self.cancellations[method] {
                guard let value = params?[cancellation.member], let id = RequestID(value), id != .null else {
                    // Notifications get no reply, even when malformed.
                    logger.warning(
                        "Ignored a malformed cancellation",
                        metadata: ["method": "\(method)", "expected": "params.\(cancellation.member)"]
                    )
                    return
                }
                face.cancelRequest(id, mode: cancellation.mode)
            } else {
                do throws(ResponseError) {
                    try face.handleNotification(method: method, params: params, connection: connection)
                } catch {
                    logger.warning(
                        "Ignored a malformed notification",
                        metadata: ["method": "\(method)", "error": "\(error.message)"]
                    )
                }
            }
        case .response(let id, let result):
            if !outstanding.handleResponse(id: id, result: result) {
                logger.debug("Ignored a response to no request in flight", metadata: ["id": "\(id)"])
            }
        case .invalid(let id, let error):
            logger.warning(
                "Received an invalid message",
                metadata: ["id": "\(id)", "error": "\(error.data?["detail"]?.stringValue ?? error.message)"]
            )
            responder.reply(id: id, .failure(error))
        }
    }
}

extension Message {
    /// Whether the message gets a reply: requests and invalid messages do, notifications and responses
    /// do not.
    var isAnswered: Bool {
        switch self {
        case .request, .invalid: true
        case .notification, .response: false
        }
    }
}
