import JSONCore
import JSONRPC
import Synchronization

/// Requests this side sent to the peer and is waiting on (a server asking its client for permission).
///
/// Every request ends exactly once: with the peer's response, with a timeout, when the waiting task is
/// cancelled, or when the connection closes (then it fails, as do requests sent after). Ids come from a
/// namespace of the caller's choosing so they never collide with the peer's own.
public final class OutstandingRequests: Sendable {
    private let makeId: @Sendable (Int) -> RequestID
    private let state = Mutex(State())

    private struct State {
        var next = 1
        var waiting: [RequestID: CheckedContinuation<Result<JSONValue, ResponseError>, Never>] = [:]
        var closed = false
    }

    /// - Parameter makeId: the id of the n-th request (from 1), e.g. `.string("permission-\(n)")`.
    public init(makeId: @escaping @Sendable (Int) -> RequestID) {
        self.makeId = makeId
    }

    /// Sends a request through `send` and waits for its answer.
    ///
    /// - Parameters:
    ///   - timeout: how long to wait; past it the request fails with -32005.
    ///   - send: queues the request frame; called at most once, after the request is registered, so an
    ///     answer that arrives at once is never missed.
    /// - Returns: the peer's result or error; -32800 when the task was cancelled, -32603 when the
    ///   connection closed first.
    public func send(
        method: String,
        params: JSONValue?,
        timeout: Duration? = nil,
        through send: @Sendable (JSONValue) -> Void
    ) async -> Result<JSONValue, ResponseError> {
        let id: RequestID? = state.withLock { state in
            guard !state.closed else { return nil }
            defer { state.next += 1 }
            return makeId(state.next)
        }
        guard let id else { return .failure(Self.closedError) }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let registered = state.withLock { state -> Bool in
                    guard !state.closed else { return false }
                    state.waiting[id] = continuation
                    return true
                }
                guard registered else {
                    continuation.resume(returning: .failure(Self.closedError))
                    return
                }
                if Task.isCancelled {
                    resolve(id, .failure(Self.cancelledError))
                    return
                }
                send(Envelope.request(id: id, method: method, params: params))
                if let timeout {
                    Task { [weak self] in
                        try? await Task.sleep(for: timeout)
                        self?.resolve(
                            id,
                            .failure(ResponseError(code: .timeout, message: "No answer to \(method) within \(timeout)"))
                        )
                    }
                }
            }
        } onCancel: {
            resolve(id, .failure(Self.cancelledError))
        }
    }

    /// Routes the peer's response. Returns `false` when no request with that id is waiting (never sent,
    /// or already ended).
    @discardableResult
    public func handleResponse(id: RequestID, result: Result<JSONValue, ResponseError>) -> Bool {
        resolve(id, result)
    }

    /// Fails every waiting request and any later one: nobody is left to answer.
    public func close() {
        let waiting = state.withLock { state in
            state.closed = true
            defer { state.waiting.removeAll() }
            return Array(state.waiting.values)
        }
        for continuation in waiting { continuation.resume(returning: .failure(Self.closedError)) }
    }

    /// Ends every waiting request with `error` (later ones are sent as usual): the peer's answers to
    /// them can no longer be told apart.
    public func failAll(_ error: ResponseError) {
        let waiting = state.withLock { state in
            defer { state.waiting.removeAll() }
            return Array(state.waiting.values)
        }
        for continuation in waiting { continuation.resume(returning: .failure(error)) }
    }

    /// Requests still waiting for an answer.
    public var pendingCount: Int { state.withLock { $0.waiting.count } }

    @discardableResult
    private func resolve(_ id: RequestID, _ result: Result<JSONValue, ResponseError>) -> Bool {
        guard let continuation = state.withLock({ $0.waiting.removeValue(forKey: id) }) else { return false }
        continuation.resume(returning: result)
        return true
    }

    static let closedError = ResponseError.internalError("the connection closed before the peer answered")
    static let cancelledError = ResponseError(code: .requestCancelled, message: "Request cancelled")
}
