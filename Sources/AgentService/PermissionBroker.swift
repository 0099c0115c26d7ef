import AgentCore
import AgentProtocol
import Foundation
import JSONCore
import JSONRPC
import Synchronization

/// Asks the client for consent to run tools: sends `permission/request` as a request of the server's
/// own (ids `permission-1`, `permission-2`, …), keeps the pending answers, and routes the client's
/// responses back.
///
/// Every question ends: with the client's answer, with a rejection when the client answers with an
/// error or anything unreadable, when no answer comes within the tool's `askTimeoutMs`, when the run is
/// cancelled, or when the connection closes. "Allow always" is remembered for the agent and tool for
/// the rest of the connection.
public final class PermissionBroker: Sendable {
    public static let method = RequestPermissionRequest.method

    private let state = Mutex(State())

    private struct State {
        var nextId = 1
        var waiting: [RequestID: CheckedContinuation<PermissionDecision, Never>] = [:]
        var alwaysAllowed: Set<String> = []
        var closed = false
    }

    public init() {}

    /// Asks; `send` queues the request frame.
    func ask(_ request: PermissionRequest, send: @Sendable (JSONValue) -> Void) async -> PermissionDecision {
        let key = "\(request.agent)/\(request.tool)"
        let id: RequestID? = state.withLock { state in
            if state.closed || state.alwaysAllowed.contains(key) { return nil }
            defer { state.nextId += 1 }
            return .string("permission-\(state.nextId)")
        }
        guard let id else {
            return state.withLock { $0.alwaysAllowed.contains(key) } ? .allowAlways : .reject
        }
        let decision = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<PermissionDecision, Never>) in
                let registered = state.withLock { state -> Bool in
                    guard !state.closed else { return false }
                    state.waiting[id] = continuation
                    return true
                }
                guard registered else {
                    continuation.resume(returning: .reject)
                    return
                }
                if Task.isCancelled {
                    resolve(id, .reject)
                    return
                }
                send(Envelope.request(id: id, method: Self.method, params: .object(Self.params(request))))
                let timeout = request.timeoutMs
                Task { [weak self] in
                    try? await Task.sleep(for: .milliseconds(timeout))
                    self?.resolve(id, .reject)
                }
            }
        } onCancel: {
            resolve(id, .reject)
        }
        if decision == .allowAlways { state.withLock { _ = $0.alwaysAllowed.insert(key) } }
        return decision
    }

    /// Routes a client's response. Returns `false` when no question with that id is waiting.
    @discardableResult
    public func handleResponse(id: RequestID, result: Result<JSONValue, ResponseError>) -> Bool {
        switch result {
        case .success(let value): resolve(id, Self.decision(from: value))
        case .failure: resolve(id, .reject)
        }
    }

    /// Rejects every open question and any later one (the connection is closing).
    public func close() {
        let waiting = state.withLock { state in
            state.closed = true
            defer { state.waiting.removeAll() }
            return Array(state.waiting.values)
        }
        for continuation in waiting { continuation.resume(returning: .reject) }
    }

    /// Questions still waiting for an answer.
    public var pendingCount: Int { state.withLock { $0.waiting.count } }

    @discardableResult
    private func resolve(_ id: RequestID, _ decision: PermissionDecision) -> Bool {
        guard let continuation = state.withLock({ $0.waiting.removeValue(forKey: id) }) else { return false }
        continuation.resume(returning: decision)
        return true
    }

    /// Reads `{"optionId": …}` or ACP's `{"outcome": {"outcome": "selected", "optionId": …}}`; anything
    /// else (including `{"outcome": {"outcome": "cancelled"}}`) rejects.
    static func decision(from result: JSONValue) -> PermissionDecision {
        let optionId = result["optionId"]?.stringValue ?? result["outcome"]?["optionId"]?.stringValue
        return optionId.flatMap(PermissionDecision.init(rawValue:)) ?? .reject
    }

    static func params(_ request: PermissionRequest) -> JSONObject {
        [
            "runId": .string(request.runId),
            "stepId": .string(request.stepId),
            "agent": .string(request.agent),
            "toolCallId": .string(request.callId),
            "tool": .string(request.tool),
            "arguments": request.arguments,
            "options": [
                ["optionId": "allow_once", "name": "Allow once", "kind": "allow_once"],
                ["optionId": "allow_always", "name": "Allow always", "kind": "allow_always"],
                ["optionId": "reject", "name": "Reject", "kind": "reject_once"],
            ],
        ]
    }
}
