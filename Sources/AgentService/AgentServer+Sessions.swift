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
                    let usage: Usage?
                    switch outcome {
                    case .success(let result): (output, usage) = (result.output, result.usage)
                    case .failure(let failure): (output, usage) = (failure.partialOutput ?? "", failure.usage)
                    }
                    let kept = sessions.endTurn(
                        sessionId,
                        turn: output.isEmpty ? nil : Turn(input: input, output: output, usage: usage)
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

/// Sessions as stored: `session/fork`, `session/list`, `session/get` and `session/delete`. Each changes
/// memory at once where it can (a fork of a session in memory, a delete) and answers from a task once the
/// session queue has done the store's part, so a request sees every session request sent before it.
extension AgentServer {
    /// `session/fork`: a new session with the first `turn` turns, kept like one from `session/new`.
    func forkSession(id: RequestID, _ params: SessionForkRequest.Params, responder: Responder) throws(ResponseError) {
        let sessionId = params.sessionId
        var turns: Int?
        if let turn = params.turn {
            guard turn >= 0 else { throw Self.turnOutOfRange(nil) }
            turns = Int(clamping: turn)
        }
        let forking = runtime.sessions.fork(sessionId, turns: turns)
        runs.answerLater(SessionForkRequest.self, id: id, responder: responder) { () async throws(ResponseError) in
            let fork: SessionStore.Fork
            do throws(SessionStore.Refusal) { fork = try await forking.value() } catch {
                throw Self.sessionRefused(error, sessionId: sessionId)
            }
            var result = SessionNewResult(sessionId: fork.session.id, agent: fork.session.agent)
            if let failure = fork.notKept { result.warnings = [Self.sessionNotKept(fork.session.id, failure)] }
            return result
        }
    }

    /// `session/list`: a page of the stored sessions, newest first.
    func listSessions(id: RequestID, _ params: SessionListRequest.Params, responder: Responder) throws(ResponseError) {
        var query = SessionQuery()
        (query.cursor, query.limit) = try Self.page(cursor: params.cursor, limit: params.limit, default: query.limit)
        let listing = runtime.sessions.list(query)
        runs.answerLater(SessionListRequest.self, id: id, responder: responder) { () async throws(ResponseError) in
            let page: SessionPage
            do throws(StoreError) { page = try await listing.value() } catch {
                throw .internalError("the run store failed to list sessions: \(error)")
            }
            return SessionListResult(
                sessions: page.sessions.map {
                    SessionInfo(
                        sessionId: $0.id,
                        agent: $0.agent,
                        createdAt: $0.createdAt.formatted(.iso8601),
                        turns: $0.turns
                    )
                },
                nextCursor: page.nextCursor
            )
        }
    }

    /// `session/get`: the session and its turns, from memory or the store (which it is not read into).
    func getSession(id: RequestID, _ params: SessionGetRequest.Params, responder: Responder) {
        let sessionId = params.sessionId
        let finding = runtime.sessions.find(sessionId)
        runs.answerLater(SessionGetRequest.self, id: id, responder: responder) { () async throws(ResponseError) in
            let found: SessionStore.Session?
            do throws(StoreError) { found = try await finding.value() } catch {
                throw Self.storeFailure(error, sessionId: sessionId)
            }
            guard let session = found else { throw Self.responseError(SessionStore.unknownSession(sessionId)) }
            let usages = session.turns.compactMap(\.usage)
            var total = usages.isEmpty ? nil : Usage.sum(usages)
            // A turn kept without its usage cost something unknown: no total cost then.
            if usages.count < session.turns.count { total?.cost = nil }
            return SessionGetResult(
                sessionId: session.id,
                agent: session.agent,
                createdAt: session.createdAt.formatted(.iso8601),
                turns: session.turns.map {
                    SessionTurn(input: $0.input, output: $0.output, usage: $0.usage.map(RunUsage.init))
                },
                usage: total.map(RunUsage.init)
            )
        }
    }

    /// `session/delete`: gone from memory at once (unless a turn is in flight); the reply waits for the
    /// store.
    func deleteSession(id: RequestID, _ params: SessionDeleteRequest.Params, responder: Responder) {
        let sessionId = params.sessionId
        let deleting = runtime.sessions.delete(sessionId)
        runs.answerLater(SessionDeleteRequest.self, id: id, responder: responder) { () async throws(ResponseError) in
            let known: Bool
            do throws(SessionStore.Refusal) { known = try await deleting.value() } catch {
                throw Self.sessionRefused(error, sessionId: sessionId)
            }
            guard known else { throw Self.responseError(SessionStore.unknownSession(sessionId)) }
            return SessionDeleteResult(deleted: true)
        }
    }

    /// What a fork or delete answers when the session store refused it.
    static func sessionRefused(_ refusal: SessionStore.Refusal, sessionId: String) -> ResponseError {
        switch refusal {
        case .store(let error): storeFailure(error, sessionId: sessionId)
        case .refused(let failure): responseError(failure)
        case .turnOutOfRange(let turns): turnOutOfRange(turns)
        }
    }

    /// -32602 naming `params.turn`; `turns` is how many the session has, when known.
    static func turnOutOfRange(_ turns: Int?) -> ResponseError {
        guard let turns else { return .invalidParams(field: "params.turn", "expected a whole number of at least 0") }
        return .invalidParams(
            field: "params.turn",
            "expected a whole number from 0 to \(turns) (the session has \(turns) turn\(turns == 1 ? "" : "s"))"
        )
    }
}
