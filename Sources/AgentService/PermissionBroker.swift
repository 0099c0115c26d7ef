import AgentCore
import AgentProtocol
import Foundation
import JSONCore
import JSONRPC
import JSONRPCTransport
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

    /// The connection's table of requests sent to the client (shared with the face's endpoint, which
    /// routes the client's responses there and fails every open question when the input closes).
    private let outstanding: OutstandingRequests
    private let alwaysAllowed = Mutex<Set<String>>([])

    public init(outstanding: OutstandingRequests) {
        self.outstanding = outstanding
    }

    /// Asks; `send` queues the request frame (after every event of the run before it).
    func ask(_ request: PermissionRequest, send: @Sendable (JSONValue) -> Void) async -> PermissionDecision {
        let key = "\(request.agent)/\(request.tool)"
        if alwaysAllowed.withLock({ $0.contains(key) }) { return .allowAlways }
        let answer = await outstanding.send(
            method: Self.method,
            params: .object(Self.params(request)),
            timeout: .milliseconds(request.timeoutMs),
            through: send
        )
        let decision: PermissionDecision
        switch answer {
        case .success(let value): decision = Self.decision(from: value)
        case .failure: decision = .reject
        }
        if decision == .allowAlways { alwaysAllowed.withLock { _ = $0.insert(key) } }
        return decision
    }

    /// Questions still waiting for an answer.
    public var pendingCount: Int { outstanding.pendingCount }

    /// Reads `{"optionId": …}` or ACP's `{"outcome": {"outcome": "selected", "optionId": …}}`; anything
    /// else (including `{"outcome": {"outcome": "cancelled"}}`) rejects.
    static func decision(from result: JSONValue) -> PermissionDecision {
        switch PermissionResult(decoding: result).choice {
        case .allowOnce: .allowOnce
        case .allowAlways: .allowAlways
        case .reject, nil: .reject
        }
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
