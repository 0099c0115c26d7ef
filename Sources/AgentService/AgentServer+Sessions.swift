import AgentCore
import AgentProtocol
import JSONCore
import JSONRPC
import JSONRPCTransport

extension AgentServer {
    func newSession(_ params: SessionNewRequest.Params) throws(ResponseError) -> SessionNewResult {
        let agent = params.agent
        guard runtime.agent(named: agent) != nil else {
            throw Self.responseError(RunFailure.unknownAgent(agent, available: runtime.agents.map(\.name)))
        }
        let (session, failure) = runtime.sessions.create(agent: agent)
        logger.debug("Session created", metadata: ["sessionId": "\(session.id)", "agent": "\(agent)"])
        var result = SessionNewResult(sessionId: session.id, agent: agent)
        if let failure {
            result.warnings = [
                "The run store could not keep session \(session.id); it lasts as long as this process: \(failure)"
            ]
        }
        return result
    }

    /// What a session request answers when the store fails it.
    static func storeFailure(_ error: StoreError, sessionId: String) -> ResponseError {
        .internalError("the run store failed on session \(sessionId): \(error)")
    }

    /// `error` with `warnings` in its data, when there are any.
    static func addingWarnings(_ warnings: [String], to error: ResponseError) -> ResponseError {
        guard !warnings.isEmpty else { return error }
        var error = error
        var data = error.data?.objectValue ?? [:]
        data["warnings"] = .array(warnings.map { .string($0) })
        error.data = .object(data)
        return error
    }

    /// What a session/prompt reply says when the store could not keep the turn.
    static func turnWarnings(_ sessionId: String, _ failure: StoreError?) -> [String] {
        guard let failure else { return [] }
        return ["The run store could not keep this turn of session \(sessionId); only this process has it: \(failure)"]
    }

    /// One turn: the agent sees the session's earlier turns; the turn (even a partial one) is kept.
    func promptSession(
        id: RequestID,
        _ params: SessionPromptRequest.Params,
        responder: Responder,
        connection: Connection
    ) throws(ResponseError) {
        let sessionId = params.sessionId
        let input = params.input
        var options = try runOptions(params, requestId: id)
        // One an earlier process created is read from the store first.
        do { _ = try runtime.sessions.session(sessionId) } catch {
            throw Self.storeFailure(error, sessionId: sessionId)
        }
        let session: SessionStore.Session
        do { session = try runtime.sessions.beginTurn(sessionId) } catch { throw Self.responseError(error) }
        options.history = session.turns
        let runOptions = options
        let sessions = runtime.sessions
        do {
            try launch(
                id: id,
                stream: params.options.stream,
                responder: responder,
                connection: connection,
                descriptor: RunDescriptor(
                    kind: .session,
                    name: session.agent,
                    agent: session.agent,
                    sessionId: sessionId,
                    input: input
                ),
                reply: .agentResult(SessionPromptRequest.self),
                onFinish: { outcome in
                    let output: String
                    switch outcome {
                    case .success(let result): output = result.output
                    case .failure(let failure): output = failure.partialOutput ?? ""
                    }
                    let failure = sessions.endTurn(
                        sessionId,
                        turn: output.isEmpty ? nil : Turn(input: input, output: output)
                    )
                    return Self.turnWarnings(sessionId, failure)
                }
            ) { [runtime] runId, observer async throws(RunFailure) in
                try await runtime.run(
                    agent: session.agent,
                    input: input,
                    runId: runId,
                    observer: observer,
                    options: runOptions
                )
            }
        } catch {
            sessions.endTurn(sessionId, turn: nil)
            throw error
        }
    }

    func closeSession(_ params: SessionCloseRequest.Params) throws(ResponseError) -> SessionCloseResult {
        let sessionId = params.sessionId
        let closed: Bool
        do { closed = try runtime.sessions.close(sessionId) } catch {
            throw Self.storeFailure(error, sessionId: sessionId)
        }
        guard closed else {
            throw Self.responseError(
                RunFailure(
                    kind: .notFound,
                    message: "Unknown session '\(sessionId)'",
                    suggestions: ["Create one with session/new."],
                    details: ["sessionId": .string(sessionId)]
                )
            )
        }
        return SessionCloseResult()
    }
}
