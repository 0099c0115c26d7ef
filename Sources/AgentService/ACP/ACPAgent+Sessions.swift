import AgentCore
import AgentProtocol
import Foundation
import JSONCore
import JSONRPC
import JSONRPCTransport

extension ACPAgent {
    /// `session/new`: the session exists at once; the answer waits for the store to keep it, and says in
    /// `_meta.agentwire.warnings` when it could not.
    func newSession(id: RequestID, _ params: ACPSessionNewRequest.Params, responder: Responder) {
        let cwd = params.cwd
        let servers: [MCPServerDefinition]
        do throws(ResponseError) { servers = try Self.mcpServers(params.mcpServers, cwd: cwd) } catch {
            responder.reply(id: id, .failure(error))
            return
        }
        let target = RunTarget.defaultTarget(runtime)
        let (session, kept) = runtime.sessions.create(agent: target.stored)
        let mcp = connectMCP(servers, sessionId: session.id)
        state.withLock {
            $0.sessions[session.id] = Session(cwd: cwd, target: target, updatedAt: Date(), mcp: mcp, cost: .zero)
        }
        logger.info("ACP session created", metadata: ["sessionId": "\(session.id)", "target": "\(target.stored)"])
        let result = ACPSessionNewResult(
            sessionId: session.id,
            modes: modes(current: target),
            configOptions: configOptions(current: target)
        )
        runs.supervisor.answerLater(ACPSessionNewRequest.self, id: id, responder: responder) {
            [logger, result] () async throws(ResponseError) in
            var answer = result
            if let failure = await kept.value() {
                logger.warning(
                    "The run store could not keep the new ACP session; it lasts as long as this process",
                    metadata: ["sessionId": "\(session.id)", "error": "\(failure)"]
                )
                answer.warnings = [AgentServer.sessionNotKept(session.id, failure)]
            }
            return answer
        }
    }

    /// `session/load`: replays the session's turns as `user_message_chunk` and `agent_message_chunk`
    /// updates, then answers; at once for a session in memory, from a task once the store has read one
    /// an earlier process created.
    func loadSession(
        id: RequestID,
        _ params: ACPSessionLoadRequest.Params,
        responder: Responder,
        connection: Connection
    ) {
        open(
            ACPSessionLoadRequest.self,
            id: id,
            sessionId: params.sessionId,
            cwd: params.cwd,
            mcpServers: params.mcpServers,
            replay: true,
            responder: responder,
            connection: connection
        ) { ACPSessionLoadResult(modes: $0, configOptions: $1) }
    }

    /// `session/resume`: opens the session as `session/load` does, without replaying its turns.
    func resumeSession(
        id: RequestID,
        _ params: ACPSessionResumeRequest.Params,
        responder: Responder,
        connection: Connection
    ) {
        open(
            ACPSessionResumeRequest.self,
            id: id,
            sessionId: params.sessionId,
            cwd: params.cwd,
            mcpServers: params.mcpServers,
            replay: false,
            responder: responder,
            connection: connection
        ) { ACPSessionResumeResult(modes: $0, configOptions: $1) }
    }

    /// Opens a session for `session/load` or `session/resume` and answers with `result` of its modes and
    /// config options: at once for a session in memory, from a task once the store has read one an
    /// earlier process created.
    private func open<R: RequestType>(
        _ type: R.Type,
        id: RequestID,
        sessionId: String,
        cwd: String,
        mcpServers: [JSONValue]?,
        replay: Bool,
        responder: Responder,
        connection: Connection,
        queued: Bool = false,
        result: @escaping @Sendable (ACPSessionModeState, [ACPSessionConfigOption]) -> R.Result
    ) {
        let servers: [MCPServerDefinition]
        do throws(ResponseError) { servers = try Self.mcpServers(mcpServers, cwd: cwd) } catch {
            responder.reply(id: id, .failure(error))
            return
        }
        // Behind a load of the session and the requests queued after it (a `session/delete`, say), it
        // opens the session as they left it, in the order the client sent them.
        if !queued, state.withLock({ $0.loading[sessionId] != nil }) {
            do {
                try afterLoad(of: sessionId, id: id, responder: responder) { [self] () throws(ResponseError) in
                    open(
                        type,
                        id: id,
                        sessionId: sessionId,
                        cwd: cwd,
                        mcpServers: mcpServers,
                        replay: replay,
                        responder: responder,
                        connection: connection,
                        queued: true,
                        result: result
                    )
                }
            } catch {
                responder.reply(id: id, .failure(error))
            }
            return
        }
        if let cached = runtime.sessions.cachedSession(sessionId) {
            let opened = adopt(cached, cwd: cwd, servers: servers, replay: replay, connection: connection)
            responder.reply(R.self, id: id, result(opened.modes, opened.configOptions))
            return
        }
        let reading = runtime.sessions.session(sessionId)
        let loading = Task { [self] () async -> Result<R.Result, ResponseError> in
            let found: SessionStore.Session?
            do throws(StoreError) { found = try await reading.value() } catch {
                return .failure(AgentServer.storeFailure(error, sessionId: sessionId))
            }
            guard let stored = found else { return .failure(Self.unknownSession(sessionId)) }
            let opened = adopt(stored, cwd: cwd, servers: servers, replay: replay, connection: connection)
            return .success(result(opened.modes, opened.configOptions))
        }
        // Requests for this session that arrive meanwhile (set a mode, prompt, close) wait for the load, so
        // a client that sends them right behind it finds the session as if it had waited for the answer.
        let token = state.withLock { state -> UInt64 in
            state.nextLoad += 1
            state.loading[sessionId] = (state.nextLoad, Task { _ = await loading.value })
            return state.nextLoad
        }
        runs.supervisor.answerLater(R.self, id: id, responder: responder) {
            [self] () async throws(ResponseError) in
            let result = await loading.value
            state.withLock { state in
                if state.loading[sessionId]?.token == token { state.loading[sessionId] = nil }
            }
            return try result.get()
        }
    }

    /// Runs `body` (which answers request `id`) at once, or, while a `session/load` of `sessionId` is
    /// reading the store, from a task once that load and the requests queued behind it have finished, in
    /// the order they came.
    func afterLoad(
        of sessionId: String,
        id: RequestID,
        responder: Responder,
        _ body: @escaping @Sendable () throws(ResponseError) -> Void
    ) throws(ResponseError) {
        let step = state.withLock { state -> Task<Void, Never>? in
            guard let previous = state.loading[sessionId]?.done else { return nil }
            state.nextLoad += 1
            let token = state.nextLoad
            let step = Task { [self] in
                await previous.value
                do throws(ResponseError) { try body() } catch { responder.reply(id: id, .failure(error)) }
                self.state.withLock { state in
                    if state.loading[sessionId]?.token == token { state.loading[sessionId] = nil }
                }
            }
            state.loading[sessionId] = (token, step)
            return step
        }
        guard let step else { return try body() }
        runs.supervisor.continueLater(id: id, responder: responder) { () async throws(ResponseError) in
            await step.value
        }
    }

    /// Adopts `stored` with `cwd` and the MCP servers offered now (replacing any it had), and replays its
    /// turns when `replay` says so.
    /// - Returns: its modes and config options.
    private func adopt(
        _ stored: SessionStore.Session,
        cwd: String,
        servers: [MCPServerDefinition],
        replay: Bool,
        connection: Connection
    ) -> (modes: ACPSessionModeState, configOptions: [ACPSessionConfigOption]) {
        let sessionId = stored.id
        let mcp = connectMCP(servers, sessionId: sessionId)
        let (target, replaced) = state.withLock { state -> (RunTarget, (any MCPToolSource)?) in
            let target = state.sessions[sessionId]?.target ?? RunTarget(stored: stored.agent)
            var session = state.sessions[sessionId] ?? Session(cwd: cwd, target: target, updatedAt: Date())
            session.cwd = cwd
            let replaced = session.mcp
            session.mcp = mcp
            if session.title == nil { session.title = stored.turns.first.map { Self.title(for: $0.input) } }
            state.sessions[sessionId] = session
            return (target, replaced)
        }
        disconnectMCP(replaced)
        for turn in replay ? stored.turns : [] {
            connection.send(
                ACPUpdates.notification(sessionId: sessionId, ACPUpdates.chunk("user_message_chunk", text: turn.input))
            )
            connection.send(
                ACPUpdates.notification(
                    sessionId: sessionId,
                    ACPUpdates.chunk("agent_message_chunk", text: turn.output)
                )
            )
        }
        logger.info(
            replay ? "ACP session loaded" : "ACP session resumed",
            metadata: ["sessionId": "\(sessionId)", "turns": "\(stored.turns.count)"]
        )
        return (modes(current: target), configOptions(current: target))
    }

    /// Sessions this process has created or loaded, most recently active first.
    func listSessions(_ params: ACPSessionListRequest.Params) -> ACPSessionListResult {
        let cwd = params.cwd
        let sessions = state.withLock { $0.sessions }
            .filter { cwd == nil || $0.value.cwd == cwd }
            .sorted { $0.value.updatedAt > $1.value.updatedAt }
        return ACPSessionListResult(
            sessions: sessions.map { id, session in
                ACPSessionInfo(
                    sessionId: id,
                    cwd: session.cwd,
                    updatedAt: Self.timestamp(session.updatedAt),
                    title: session.title
                )
            }
        )
    }

    /// Cancels the session's prompt, if any, and forgets the session here; its history stays stored.
    func closeSession(_ params: ACPSessionCloseRequest.Params) throws(ResponseError) {
        let sessionId = params.sessionId
        cancelPrompt(sessionId: sessionId)
        guard let removed = state.withLock({ $0.sessions.removeValue(forKey: sessionId) }) else {
            throw Self.unknownSession(sessionId)
        }
        disconnectMCP(removed.mcp)
    }

    /// `session/fork`: a new session with every turn of `sessionId` and what it runs, open here from the
    /// answer on; the answer waits for the store to keep it (and says in `_meta.agentwire.warnings` when
    /// it could not).
    func forkSession(id: RequestID, _ params: ACPSessionForkRequest.Params, responder: Responder) {
        let sessionId = params.sessionId
        let cwd = params.cwd
        let servers: [MCPServerDefinition]
        do throws(ResponseError) { servers = try Self.mcpServers(params.mcpServers, cwd: cwd) } catch {
            responder.reply(id: id, .failure(error))
            return
        }
        // What the session runs here, when it is open here (the store knows only its first target).
        let source = state.withLock { $0.sessions[sessionId] }
        let forking = runtime.sessions.fork(sessionId, agent: source?.target.stored)
        runs.supervisor.answerLater(ACPSessionForkRequest.self, id: id, responder: responder) {
            [self] () async throws(ResponseError) in
            let fork: SessionStore.Fork
            do throws(SessionStore.Refusal) { fork = try await forking.value() } catch {
                throw Self.sessionRefused(error, sessionId: sessionId)
            }
            let forkId = fork.session.id
            let target = source?.target ?? RunTarget(stored: fork.session.agent)
            let mcp = connectMCP(servers, sessionId: forkId)
            state.withLock {
                $0.sessions[forkId] = Session(
                    cwd: cwd,
                    target: target,
                    title: fork.session.turns.first.map { Self.title(for: $0.input) },
                    updatedAt: Date(),
                    mcp: mcp,
                    model: source?.model,
                    // Its turns are the forked session's, and so is what they cost.
                    cost: source?.cost
                )
            }
            logger.info(
                "ACP session forked",
                metadata: ["sessionId": "\(forkId)", "from": "\(sessionId)", "turns": "\(fork.session.turns.count)"]
            )
            var result = ACPSessionNewResult(
                sessionId: forkId,
                modes: modes(current: target),
                configOptions: configOptions(current: target, model: source?.model)
            )
            if let failure = fork.notKept {
                logger.warning(
                    "The run store could not keep the forked ACP session; it lasts as long as this process",
                    metadata: ["sessionId": "\(forkId)", "error": "\(failure)"]
                )
                result.warnings = [AgentServer.sessionNotKept(forkId, failure)]
            }
            return result
        }
    }

    /// `session/delete`: the session is forgotten here at once (unless its prompt is in flight) and
    /// removed from the store; the answer waits for the store.
    func deleteSession(
        id: RequestID,
        _ params: ACPSessionDeleteRequest.Params,
        responder: Responder
    ) throws(ResponseError) {
        let sessionId = params.sessionId
        // A prompt of this face is in flight from before its turn begins until after it ends, so the
        // session store refuses no delete this check lets through for it.
        let removed = try state.withLock { state throws(ResponseError) -> Session? in
            guard let session = state.sessions[sessionId] else { return nil }
            guard session.prompt == nil else { throw Self.sessionBusy(sessionId) }
            return state.sessions.removeValue(forKey: sessionId)
        }
        let deleting = runtime.sessions.delete(sessionId)
        disconnectMCP(removed?.mcp)
        runs.supervisor.answerLater(ACPSessionDeleteRequest.self, id: id, responder: responder) {
            () async throws(ResponseError) in
            let known: Bool
            do throws(SessionStore.Refusal) { known = try await deleting.value() } catch {
                throw Self.sessionRefused(error, sessionId: sessionId)
            }
            guard known || removed != nil else { throw Self.unknownSession(sessionId) }
            return ACPEmptyResult()
        }
    }

    /// What a fork or delete answers when the session store refused it.
    static func sessionRefused(_ refusal: SessionStore.Refusal, sessionId: String) -> ResponseError {
        switch refusal {
        case .store(let error): AgentServer.storeFailure(error, sessionId: sessionId)
        case .refused(let failure): turnRefused(failure, sessionId: sessionId)
        case .turnOutOfRange(let turns):
            .invalidParams(field: "params.turn", "expected a whole number from 0 to \(turns)")
        }
    }

    static func unknownSession(_ sessionId: String) -> ResponseError {
        ResponseError(
            code: resourceNotFound,
            message: "Resource not found: session '\(sessionId)'",
            data: ["sessionId": .string(sessionId)]
        )
    }

    /// The first line of the first prompt, at most 60 characters. Looks at the first few hundred bytes only.
    static func title(for input: String) -> String {
        let head = String(decoding: input.utf8.prefix(512), as: UTF8.self)
        let line = head.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return line.count > 60 ? String(line.prefix(59)) + "…" : line
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
