import AgentCore
import AgentProtocol
import Foundation
import JSONCore
import JSONRPC
import JSONRPCTransport

extension ACPAgent {
    func newSession(_ params: ACPSessionNewRequest.Params) -> ACPSessionNewResult {
        let cwd = params.cwd
        ignoreMCPServers(params.mcpServers)
        let target = RunTarget.defaultTarget(runtime)
        let session = runtime.sessions.create(agent: target.stored).session  // a store failure is logged
        state.withLock { $0.sessions[session.id] = Session(cwd: cwd, target: target, updatedAt: Date()) }
        logger.info("ACP session created", metadata: ["sessionId": "\(session.id)", "target": "\(target.stored)"])
        return ACPSessionNewResult(
            sessionId: session.id,
            modes: modes(current: target),
            configOptions: configOptions(current: target)
        )
    }

    /// Replays the session's turns as `user_message_chunk` and `agent_message_chunk` updates, then answers.
    func loadSession(
        _ params: ACPSessionLoadRequest.Params,
        connection: Connection
    ) throws(ResponseError) -> ACPSessionLoadResult {
        let sessionId = params.sessionId
        let cwd = params.cwd
        ignoreMCPServers(params.mcpServers)
        let found: SessionStore.Session?
        do { found = try runtime.sessions.session(sessionId) } catch { throw AgentServer.storeFailure(error) }
        guard let stored = found else {
            throw ResponseError(
                code: Self.resourceNotFound,
                message: "Resource not found: session '\(sessionId)'",
                data: ["sessionId": .string(sessionId)]
            )
        }
        let target = state.withLock { state -> RunTarget in
            let target = state.sessions[sessionId]?.target ?? RunTarget(stored: stored.agent)
            var session = state.sessions[sessionId] ?? Session(cwd: cwd, target: target, updatedAt: Date())
            session.cwd = cwd
            if session.title == nil { session.title = stored.turns.first.map { Self.title(for: $0.input) } }
            state.sessions[sessionId] = session
            return target
        }
        for turn in stored.turns {
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
        logger.info("ACP session loaded", metadata: ["sessionId": "\(sessionId)", "turns": "\(stored.turns.count)"])
        return ACPSessionLoadResult(modes: modes(current: target), configOptions: configOptions(current: target))
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
        let removed = state.withLock { $0.sessions.removeValue(forKey: sessionId) != nil }
        guard removed else { throw Self.unknownSession(sessionId) }
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

    private func ignoreMCPServers(_ servers: [JSONValue]?) {
        if let servers, !servers.isEmpty {
            logger.notice(
                "Ignoring the MCP servers offered for this session: agents here use their configured tools",
                metadata: ["servers": "\(servers.count)"]
            )
        }
    }
}
