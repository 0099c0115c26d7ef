import AgentCore
import AgentProtocol
import JSONCore
import JSONRPC
import JSONRPCTransport

/// Sessions. Nothing here waits for the store on the reader thread: `session/new` and `session/close`
/// change memory at once and answer from a task once the store has done its part; `session/prompt` of a
/// session in memory starts its turn at once (so a prompt sent right behind a busy one is refused), and
/// of one an earlier process created, from a task once it is read.
extension AgentServer {
    func newSession(id: RequestID, _ params: SessionNewRequest.Params, responder: Responder) throws(ResponseError) {
        let agent = params.agent
        guard runtime.agent(named: agent) != nil else {
            throw Self.responseError(RunFailure.unknownAgent(agent, available: runtime.agents.map(\.name)))
        }
        let (session, kept) = runtime.sessions.create(agent: agent)
        logger.debug("Session created", metadata: ["sessionId": "\(session.id)", "agent": "\(agent)"])
        runs.answerLater(SessionNewRequest.self, id: id, responder: responder) { () async throws(ResponseError) in
            var result = SessionNewResult(sessionId: session.id, agent: agent)
            if let failure = await kept.value() {
                result.warnings = [Self.sessionNotKept(session.id, failure)]
            }
            return result
        }
    }

    /// What a reply says when the store could not keep a new session.
    static func sessionNotKept(_ sessionId: String, _ failure: StoreError) -> String {
        "The run store could not keep session \(sessionId); it lasts as long as this process: \(failure)"
    }

    /// What a session request answers when the store fails it.
    static func storeFailure(_ error: StoreError, sessionId: String) -> ResponseError {
        .internalError("the run store failed on session \(sessionId): \(error)")
    }

    /// What a prompt of a session read from the store answers when its turn could not begin.
    static func turnRefused(_ refusal: SessionStore.TurnRefusal, sessionId: String) -> ResponseError {
        switch refusal {
        case .store(let error): storeFailure(error, sessionId: sessionId)
        case .refused(let failure): responseError(failure)
        }
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
        let options = try runOptions(params, requestId: id)
        let start: SessionStore.TurnStart
        do { start = try runtime.sessions.beginTurn(sessionId) } catch { throw Self.responseError(error) }
        switch start {
        case .begun(let session):
            try startTurn(id: id, session, params, options: options, responder: responder, connection: connection)
        case .reading(let reading):
            // One an earlier process created is read from the store first.
            runs.continueLater(id: id, responder: responder) { [self] () async throws(ResponseError) in
                let session: SessionStore.Session
                do throws(SessionStore.TurnRefusal) { session = try await reading.value() } catch {
                    throw Self.turnRefused(error, sessionId: sessionId)
                }
                try startTurn(id: id, session, params, options: options, responder: responder, connection: connection)
            }
        }
    }

    /// Runs the turn just begun on `session`.
    private func startTurn(
        id: RequestID,
        _ session: SessionStore.Session,
        _ params: SessionPromptRequest.Params,
        options: RunOptions,
        responder: Responder,
        connection: Connection
    ) throws(ResponseError) {
        let sessionId = session.id
        let input = params.input
        var runOptions = options
        runOptions.history = session.turns
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
                    let kept = sessions.endTurn(
                        sessionId,
                        turn: output.isEmpty ? nil : Turn(input: input, output: output)
                    )
                    return Self.turnWarnings(sessionId, await kept.value())
                }
            ) { [runtime, runOptions] runId, observer async throws(RunFailure) in
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

    /// `session/close`: the session is gone from memory at once; the reply waits for the store.
    func closeSession(id: RequestID, _ params: SessionCloseRequest.Params, responder: Responder) {
        let sessionId = params.sessionId
        let closing = runtime.sessions.close(sessionId)
        runs.answerLater(SessionCloseRequest.self, id: id, responder: responder) { () async throws(ResponseError) in
            let closed: Bool
            do throws(StoreError) { closed = try await closing.value() } catch {
                throw Self.storeFailure(error, sessionId: sessionId)
            }
            guard closed else { throw Self.responseError(SessionStore.unknownSession(sessionId)) }
            return SessionCloseResult()
        }
    }
}
