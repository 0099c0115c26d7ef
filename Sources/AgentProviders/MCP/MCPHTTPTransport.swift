import AgentCore
import AsyncHTTPClient
import Foundation
import JSONCore
import JSONRPC
import Logging
import NIOCore
import Synchronization

/// An MCP server reached with the Streamable HTTP transport: each message is POSTed to the server's
/// endpoint; a request's answer comes back as the POST's JSON body or in its event stream, together with
/// the server's notifications and requests for that call. The session id the server gives at
/// `initialize` (`Mcp-Session-Id`) goes with every later message, with `MCP-Protocol-Version`.
final class MCPHTTPTransport: MCPTransport {
    private let server: String
    private let url: String
    private let headers: [String: String]
    private let events: MCPTransportEvents
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var nextId: Int64 = 1
        var sessionId: String?
        var protocolVersion: String?
        var ended: String?
        /// The last notification's POST: later messages wait for it, so the server sees them in order
        /// (`notifications/initialized` before the first `tools/list`).
        var lastNotification: Task<Void, Never>?
    }

    /// Largest answer read from a server.
    static let maxBodyBytes = 8 * 1024 * 1024

    init(
        definition: MCPServerDefinition,
        url: String,
        headers: [String: String],
        events: MCPTransportEvents,
        logger: Logger
    ) {
        server = definition.name
        self.url = url
        self.headers = headers
        self.events = events
        self.logger = logger
    }

    var endReason: String? { state.withLock { $0.ended } }

    func request(
        _ method: String,
        params: JSONValue?,
        timeout: Duration?
    ) async -> (
        id: RequestID?, result: Result<JSONValue, ResponseError>
    ) {
        let id = RequestID.integer(
            state.withLock { state in
                defer { state.nextId += 1 }
                return state.nextId
            }
        )
        let envelope = Envelope.request(id: id, method: method, params: params)
        await state.withLock({ $0.lastNotification })?.value
        let result: Result<JSONValue, ResponseError>
        do {
            result = try await withThrowingTaskGroup(of: Result<JSONValue, ResponseError>.self) { group in
                group.addTask { await self.post(envelope, awaiting: id, initialize: method == "initialize") }
                if let timeout {
                    group.addTask {
                        try await Task.sleep(for: timeout)
                        return .failure(
                            ResponseError(code: .timeout, message: "No answer to \(method) within \(timeout)")
                        )
                    }
                }
                defer { group.cancelAll() }
                return try await group.next() ?? .failure(.internalError("no answer"))
            }
        } catch {
            result = .failure(ResponseError(code: .requestCancelled, message: "Request cancelled"))
        }
        if Task.isCancelled, case .failure = result {
            return (id, .failure(ResponseError(code: .requestCancelled, message: "Request cancelled")))
        }
        return (id, result)
    }

    func notify(_ method: String, params: JSONValue?) {
        let envelope = Envelope.notification(method: method, params: params)
        state.withLock { state in
            let previous = state.lastNotification
            state.lastNotification = Task {
                await previous?.value
                _ = await self.post(envelope, awaiting: nil, initialize: false)
            }
        }
    }

    /// Ends the session on the server (`DELETE`), as the specification asks of a client that leaves.
    func close() async {
        guard let sessionId = state.withLock({ $0.sessionId }) else { return }
        var request = HTTPClientRequest(url: url)
        request.method = .DELETE
        addHeaders(&request, sessionId: sessionId)
        _ = try? await HTTPClients.client(timeoutSeconds: 5).execute(request, timeout: .seconds(5))
    }

    private func addHeaders(_ request: inout HTTPClientRequest, sessionId: String?) {
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        if let sessionId { request.headers.replaceOrAdd(name: "Mcp-Session-Id", value: sessionId) }
        if let version = state.withLock({ $0.protocolVersion }) {
            request.headers.replaceOrAdd(name: "MCP-Protocol-Version", value: version)
        }
    }

    /// POSTs one message; when it is a request (`awaiting` its id), reads the answer from the JSON body
    /// or the event stream, handing the server's other messages on as they come.
    private func post(
        _ message: JSONValue,
        awaiting id: RequestID?,
        initialize: Bool
    ) async -> Result<
        JSONValue, ResponseError
    > {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json, text/event-stream")
        addHeaders(&request, sessionId: state.withLock { $0.sessionId })
        request.body = .bytes(ByteBuffer(bytes: message.encoded()))
        let response: HTTPClientResponse
        do {
            response = try await HTTPClients.client(timeoutSeconds: 3600).execute(request, deadline: .distantFuture)
        } catch {
            return .failure(.internalError("cannot reach MCP server '\(server)' at \(url): \(error)"))
        }
        if initialize, let sessionId = response.headers.first(name: "Mcp-Session-Id") {
            state.withLock { $0.sessionId = sessionId }
        }
        guard (200..<300).contains(response.status.code) else {
            let body = (try? await response.body.collect(upTo: 4096)).map { String(buffer: $0) } ?? ""
            if response.status == .notFound, state.withLock({ $0.sessionId }) != nil, !initialize {
                // The server forgot the session (it restarted): this connection is over.
                state.withLock { $0.ended = "MCP server '\(server)' at \(url) ended the session (HTTP 404)" }
                events.ended()
            }
            let detail = body.trimmingCharacters(in: .whitespacesAndNewlines).prefix(300)
            return .failure(
                .internalError(
                    "HTTP \(response.status.code) from MCP server '\(server)'\(detail.isEmpty ? "" : ": \(detail)")"
                )
            )
        }
        guard let id else { return .success(.null) }
        let type = response.headers.first(name: "Content-Type")?.lowercased() ?? ""
        do {
            if type.hasPrefix("text/event-stream") {
                var parser = SSEParser()
                var received = 0
                for try await buffer in response.body {
                    received += buffer.readableBytes
                    guard received <= Self.maxBodyBytes else { return .failure(Self.tooLarge(server)) }
                    for data in parser.feed(buffer.readableBytesView) {
                        if let answer = route(data, awaiting: id) { return answer }
                    }
                }
                for data in parser.finish() {
                    if let answer = route(data, awaiting: id) { return answer }
                }
                return .failure(.internalError("MCP server '\(server)' ended its event stream without answering"))
            }
            let body = try await response.body.collect(upTo: Self.maxBodyBytes)
            if let answer = route(String(buffer: body), awaiting: id) { return answer }
            return .failure(.internalError("MCP server '\(server)' answered without a response to the request"))
        } catch let error as NIOTooManyBytesError {
            _ = error
            return .failure(Self.tooLarge(server))
        } catch {
            if Task.isCancelled {
                return .failure(ResponseError(code: .requestCancelled, message: "Request cancelled"))
            }
            return .failure(.internalError("the answer of MCP server '\(server)' broke off: \(error)"))
        }
    }

    private static func tooLarge(_ server: String) -> ResponseError {
        ResponseError(
            code: .messageTooLarge,
            message: "MCP server '\(server)' sent an answer over \(maxBodyBytes) bytes"
        )
    }

    /// Handles one message (or batch) of the server's; returns the answer to `id` when this is it.
    private func route(_ text: String, awaiting id: RequestID) -> Result<JSONValue, ResponseError>? {
        let messages: [Message]
        switch Incoming(frame: Array(text.utf8)) {
        case .single(let message): messages = [message]
        case .batch(let batch): messages = batch
        case .unparseable, .emptyBatch:
            logger.debug(
                "An MCP server sent something that is not JSON-RPC; skipped",
                metadata: ["server": "\(server)"]
            )
            return nil
        }
        var answer: Result<JSONValue, ResponseError>?
        for message in messages {
            switch message {
            case .response(let responseId, let result) where responseId == id: answer = result
            case .response: break
            case .notification(let method, let params): events.notification(method, params)
            case .request(let requestId, let method, _):
                let reply = Envelope.response(id: requestId, MCPClientRequests.answer(method: method))
                Task { _ = await self.post(reply, awaiting: nil, initialize: false) }
            case .invalid: break
            }
        }
        return answer
    }
}
