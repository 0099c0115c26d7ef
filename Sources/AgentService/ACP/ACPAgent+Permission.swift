import AgentCore
import AgentProtocol
import JSONCore
import JSONRPC
import JSONRPCTransport

/// What the user of an ACP client decided when asked for permission.
public enum ACPPermissionAnswer: String, Sendable, Equatable {
    case allowOnce = "allow-once"
    case allowAlways = "allow-always"
    case reject
    /// The prompt was cancelled, or the client could not answer.
    case cancelled
}

extension ACPAgent {
    /// The options offered with every permission request.
    static let permissionOptions: JSONValue = [
        ["optionId": "allow-once", "name": "Allow once", "kind": "allow_once"],
        ["optionId": "allow-always", "name": "Always allow", "kind": "allow_always"],
        ["optionId": "reject", "name": "Reject", "kind": "reject_once"],
    ]

    /// Asks the client whether a tool call may run (`session/request_permission`), for tools whose policy
    /// is `ask`. `toolCall` is the call as ``ACPUpdates/toolCallUpdated(_:)`` builds it (at least
    /// `toolCallId`); show a diff by giving it `content`.
    public func requestPermission(sessionId: String, toolCall: JSONObject) async -> ACPPermissionAnswer {
        var call = toolCall
        call["sessionUpdate"] = nil
        let answer = await request(
            ACPSessionRequestPermissionRequest.method,
            ["sessionId": .string(sessionId), "toolCall": .object(call), "options": Self.permissionOptions]
        )
        guard case .success(let result) = answer else { return .cancelled }
        let decision: ACPSessionRequestPermissionResult
        do {
            decision = try ACPSessionRequestPermissionResult(decoding: result)
        } catch {
            logger.notice(
                "The client's answer to a permission request is unreadable; the tool call is not run",
                metadata: ["error": "\(error.message)"]
            )
            return .cancelled
        }
        guard let option = decision.outcome.optionId else { return .cancelled }
        return ACPPermissionAnswer(rawValue: option) ?? .reject
    }

    /// Sends a request to the client and waits for its answer (an error when the client went away).
    func request(_ method: String, _ params: JSONValue) async -> Result<JSONValue, ResponseError> {
        guard let connection = state.withLock({ $0.closed ? nil : $0.connection }) else {
            return .failure(ResponseError(code: .internalError, message: "The client went away"))
        }
        return await endpoint.outstanding.send(method: method, params: params) { connection.send($0) }
    }
}
