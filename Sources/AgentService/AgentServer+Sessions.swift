import AgentCore
import AgentProtocol
import JSONCore
import JSONRPC
import JSONRPCTransport

extension AgentServer {
    func newSession(_ params: SessionNewRequest.Params) throws(ResponseError) -> JSONValue {
        let agent = params.agent
        guard runtime.agent(named: agent) != nil else {
            throw Self.responseError(RunFailure.unknownAgent(agent, available: runtime.agents.map(\.name)))
        }
        let session = runtime.sessions.create(agent: agent)
        logger.debug("Session created", metadata: ["sessionId": "\(session.id)", "agent": "\(agent)"])
        return ["sessionId": .string(session.id), "agent": .string(agent)]
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
        let session: SessionStore.Session
        do { session = try runtime.sessions.beginTurn(sessionId) } catch { throw Self.responseError(error) }
        options.history = session.turns
        let runOptions = options
        let sessions = runtime.sessions
        do {
            try launch(
                id: id,
                stream: params.stream,
                responder: responder,
                connection: connection,
                descriptor: RunDescriptor(
                    kind: "session",
                    name: session.agent,
                    agent: session.agent,
                    sessionId: sessionId,
                    input: input
                ),
                onFinish: { outcome in
                    switch outcome {
                    case .success(let result):
                        sessions.endTurn(
                            sessionId,
                            turn: result.output.isEmpty ? nil : Turn(input: input, output: result.output)
                        )
                    case .failure(let failure):
                        let partial = failure.partialOutput ?? ""
                        sessions.endTurn(sessionId, turn: partial.isEmpty ? nil : Turn(input: input, output: partial))
                    }
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

    func closeSession(_ params: SessionCloseRequest.Params) throws(ResponseError) -> JSONValue {
        let sessionId = params.sessionId
        guard runtime.sessions.close(sessionId) else {
            throw Self.responseError(
                RunFailure(
                    kind: .notFound,
                    message: "Unknown session '\(sessionId)'",
                    suggestions: ["Create one with session/new."],
                    details: ["sessionId": .string(sessionId)]
                )
            )
        }
        return ["closed": true]
    }
}
