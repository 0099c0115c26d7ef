import AgentCore
import Foundation
import JSONCore
import JSONRPC
import JSONRPCTransport

/// How a run's request was cancelled, which decides how it is answered.
enum CancelMode: Sendable {
    /// Not cancelled by its request id (or by `run/cancel`): a normal result, `stopReason` says cancelled.
    case none
    /// LSP `$/cancelRequest`, ACP `$/cancel_request`: error -32800 with the partial output.
    case errorReply
    /// MCP `notifications/cancelled`: no reply at all.
    case noReply
}

struct InFlightRun: Sendable {
    var runId: String
    var cancelMode: CancelMode = .none
    var task: Task<Void, Never>? = nil
    var cancelRequested = false
}

/// Sends a run's events to one connection; tokens take the hand-written encoder.
struct ConnectionRunObserver: RunObserver {
    let outbound: OutboundQueue

    func runEvent(runId: String, seq: UInt64, event: RunEvent) {
        outbound.enqueue { RunNotifications.append(runId: runId, seq: seq, event: event, to: &$0) }
    }

    func waitForCapacity() async {
        await outbound.waitForCapacity()
    }
}

extension AgentServer {
    func startAgentRun(id: RequestID, params: Params, responder: Responder, connection: Connection) throws(ResponseError) {
        let agentName = try params.string("agent")
        let input = try params.string("input")
        guard runtime.agent(named: agentName) != nil else {
            let names = runtime.agents.map(\.name)
            throw ResponseError(
                code: .notFound,
                message: "Unknown agent '\(agentName)'; available agents: \(names.joined(separator: ", "))",
                data: ["agent": .string(agentName), "available": .array(names.map { .string($0) })])
        }
        let runId = AgentRuntime.makeRunId()
        let registered = state.withLock { state -> Bool in
            guard state.runs[id] == nil else { return false }
            state.runs[id] = InFlightRun(runId: runId)
            return true
        }
        guard registered else {
            throw .invalidRequest("request id \(id) is already in use by a run in flight")
        }
        let observer = ConnectionRunObserver(outbound: connection.outbound)
        let task = Task {
            let outcome: Result<RunResult, AgentError>
            do throws(AgentError) {
                outcome = .success(try await runtime.run(agent: agentName, input: input, runId: runId, observer: observer))
            } catch {
                outcome = .failure(error)
            }
            finishRun(id: id, runId: runId, outcome: outcome, responder: responder)
        }
        let cancelNow = state.withLock { state -> Bool in
            guard state.runs[id] != nil else { return false }
            state.runs[id]!.task = task
            return state.runs[id]!.cancelRequested
        }
        if cancelNow { task.cancel() }
    }

    func finishRun(id: RequestID, runId: String, outcome: Result<RunResult, AgentError>, responder: Responder) {
        let mode = state.withLock { $0.runs[id]?.cancelMode ?? .none }
        switch outcome {
        case .success(let result) where result.stopReason == .cancelled && mode == .errorReply:
            responder.reply(
                id: id,
                .failure(
                    ResponseError(
                        code: .requestCancelled, message: "Request cancelled",
                        data: ["runId": .string(runId), "partialOutput": .string(result.output)])))
        case .success(let result) where result.stopReason == .cancelled && mode == .noReply:
            responder.dropReply()
        case .success(let result):
            responder.reply(id: id, .success(Self.runResultJSON(result)))
        case .failure(let error):
            responder.reply(id: id, .failure(Self.responseError(error)))
        }
        state.withLock { _ = $0.runs.removeValue(forKey: id) }
        settled.withLock { settled.broadcast() }
    }

    static func runResultJSON(_ result: RunResult) -> JSONValue {
        [
            "runId": .string(result.runId),
            "output": .string(result.output),
            "stopReason": .string(result.stopReason.rawValue),
            "usage": ["outputTokens": .int(result.outputTokens)],
            "durationMs": .int(result.durationMs),
        ]
    }

    static func responseError(_ error: AgentError) -> ResponseError {
        switch error {
        case .unknownAgent(let name, let available):
            ResponseError(
                code: .notFound, message: "Unknown agent '\(name)'; available agents: \(available.joined(separator: ", "))",
                data: ["agent": .string(name), "available": .array(available.map { .string($0) })])
        case .providerFailed(let agent, let message):
            ResponseError(
                code: .providerFailure, message: "The provider of agent '\(agent)' failed: \(message)",
                data: ["agent": .string(agent), "retryable": false])
        }
    }

    /// Cancels the run started by request `id`, if it is still in flight. Unknown ids are ignored.
    func cancelRequest(_ id: RequestID, mode: CancelMode) {
        let task = state.withLock { state -> Task<Void, Never>? in
            guard state.runs[id] != nil else { return nil }
            state.runs[id]!.cancelMode = mode
            state.runs[id]!.cancelRequested = true
            return state.runs[id]!.task
        }
        logger.debug("Cancel request", metadata: ["id": "\(id)", "known": "\(task != nil)"])
        task?.cancel()
    }

    /// Cancels a run by its run id; its request is answered normally with `stopReason: "cancelled"`.
    func cancelRun(runId: String) -> Bool {
        let task = state.withLock { state -> Task<Void, Never>?? in
            guard let key = state.runs.first(where: { $0.value.runId == runId })?.key else { return nil }
            state.runs[key]!.cancelRequested = true
            return .some(state.runs[key]!.task)
        }
        guard let task else { return false }
        task?.cancel()
        return true
    }

    func cancelAllRuns() {
        let tasks = state.withLock { state in
            state.runs.keys.forEach { state.runs[$0]!.cancelRequested = true }
            return state.runs.values.compactMap(\.task)
        }
        tasks.forEach { $0.cancel() }
    }
}
