import AgentCore
import AgentProtocol
import Foundation
import JSONCore
import JSONRPC
import JSONRPCTransport

extension ACPAgent {
    /// Starts a turn. Updates stream while it runs; the reply (`stopReason`) follows the last of them.
    ///
    /// A session in memory starts its turn here, so a prompt sent right behind a busy one is refused; one
    /// an earlier process created is read from the store first, in a task, and adopted with no cwd.
    func prompt(
        id: RequestID,
        params: ACPSessionPromptRequest.Params,
        responder: Responder,
        connection: Connection
    ) throws(ResponseError) {
        let sessionId = params.sessionId
        let input = try Self.promptText(params.prompt)
        // A session this face has is marked first: its prompt in flight refuses this one.
        try state.withLock { state throws(ResponseError) in
            guard let session = state.sessions[sessionId] else { return }
            guard session.prompt == nil else { throw Self.sessionBusy(sessionId) }
            state.sessions[sessionId]!.prompt = (id, false)
        }
        let start: SessionStore.TurnStart
        do { start = try runtime.sessions.beginTurn(sessionId) } catch {
            clearPrompt(sessionId, id)
            throw Self.turnRefused(error, sessionId: sessionId)
        }
        switch start {
        case .begun(let session):
            try startPrompt(id: id, session, input: input, responder: responder, connection: connection)
        case .reading(let reading):
            runs.supervisor.continueLater(id: id, responder: responder) { [self] () async throws(ResponseError) in
                let session: SessionStore.Session
                do throws(SessionStore.TurnRefusal) { session = try await reading.value() } catch {
                    clearPrompt(sessionId, id)
                    switch error {
                    case .store(let failure): throw AgentServer.storeFailure(failure, sessionId: sessionId)
                    case .refused(let failure): throw Self.turnRefused(failure, sessionId: sessionId)
                    }
                }
                try startPrompt(id: id, session, input: input, responder: responder, connection: connection)
            }
        }
    }

    /// Runs the turn just begun on `session`, adopting the session if this face does not have it yet.
    private func startPrompt(
        id: RequestID,
        _ session: SessionStore.Session,
        input: String,
        responder: Responder,
        connection: Connection
    ) throws(ResponseError) {
        let sessionId = session.id
        let (target, sessionTools, model) = state.withLock {
            state -> (RunTarget, (any MCPToolSource)?, String?) in
            if state.sessions[sessionId] == nil {
                state.sessions[sessionId] = Session(
                    cwd: "",
                    target: RunTarget(stored: session.agent),
                    updatedAt: Date()
                )
            }
            // A cancellation that came while the session was read is kept.
            let cancelled = state.sessions[sessionId]!.prompt.map { $0.id == id && $0.cancelled } ?? false
            state.sessions[sessionId]!.prompt = (id, cancelled)
            state.sessions[sessionId]!.updatedAt = Date()
            let session = state.sessions[sessionId]!
            return (session.target, session.mcp, session.model)
        }
        let history = session.turns
        let isFirstTurn = history.isEmpty
        let budget = contextBudget(target: target, history: history)
        let observer = ACPUpdateObserver(sessionId: sessionId, outbound: connection.outbound) {
            [weak self] call in
            await self?.requestPermission(sessionId: sessionId, toolCall: call) ?? .cancelled
        }
        let runId: String
        do {
            runId = try runs.start(
                key: id,
                target: target,
                input: input,
                history: history,
                sessionId: sessionId,
                sessionTools: sessionTools,
                model: model,
                kind: "session",
                observer: observer
            ) { [self] runId, outcome, _ in
                await finishPrompt(
                    id: id,
                    responder: responder,
                    sessionId: sessionId,
                    input: input,
                    runId: runId,
                    outcome: outcome,
                    observer: observer,
                    isFirstTurn: isFirstTurn,
                    budget: budget,
                    connection: connection
                )
            }
        } catch {
            runtime.sessions.endTurn(sessionId, turn: nil)
            clearPrompt(sessionId, id)
            throw error
        }
        // Cancelled before its run was admitted: cancel the run now.
        if state.withLock({ $0.sessions[sessionId]?.prompt.map { $0.id == id && $0.cancelled } ?? false }) {
            runs.supervisor.cancel(request: id, mode: .none)
        }
        logger.debug("ACP prompt started", metadata: ["sessionId": "\(sessionId)", "runId": "\(runId)"])
    }

    /// Forgets prompt `id` of the session, if it is still the session's prompt.
    private func clearPrompt(_ sessionId: String, _ id: RequestID) {
        state.withLock { state in
            if state.sessions[sessionId]?.prompt?.id == id { state.sessions[sessionId]!.prompt = nil }
        }
    }

    static func sessionBusy(_ sessionId: String) -> ResponseError {
        ResponseError(
            code: .sessionBusy,
            message: "Session '\(sessionId)' is busy: a prompt is already in flight",
            data: ["sessionId": .string(sessionId)]
        )
    }

    /// Why a turn could not begin, as ACP answers it.
    static func turnRefused(_ failure: RunFailure, sessionId: String) -> ResponseError {
        switch failure.kind {
        case .notFound: unknownSession(sessionId)
        case .sessionBusy: sessionBusy(sessionId)
        default: AgentServer.responseError(failure)
        }
    }

    /// Keeps the turn, sends the last updates, then answers the prompt.
    private func finishPrompt(
        id: RequestID,
        responder: Responder,
        sessionId: String,
        input: String,
        runId: String,
        outcome: Result<RunResult, RunFailure>,
        observer: ACPUpdateObserver,
        isFirstTurn: Bool,
        budget: ContextBudget?,
        connection: Connection
    ) async {
        let cancelled = state.withLock { $0.sessions[sessionId]?.prompt?.cancelled ?? false }
        let output: String
        let tokens: Int
        let usage: Usage?
        switch outcome {
        case .success(let result):
            output = result.output
            tokens = result.outputTokens
            usage = result.usage
        case .failure(let failure):
            output = failure.partialOutput ?? ""
            tokens = failure.outputTokens
            usage = failure.usage
        }
        addTurnCost(usage, sessionId: sessionId)
        // The store keeps the turn (or logs why not) before the answer, so a client that goes on elsewhere
        // finds it there.
        _ = await runtime.sessions.endTurn(
            sessionId,
            turn: output.isEmpty ? nil : Turn(input: input, output: output, usage: usage)
        )
        .value()
        observer.finish(output: output)
        if let budget {
            let usage = usageUpdate(sessionId: sessionId, budget: budget, input: input, outputTokens: tokens)
            connection.send(ACPUpdates.notification(sessionId: sessionId, usage))
        }
        let now = Date()
        if isFirstTurn {
            let title = Self.title(for: input)
            state.withLock { $0.sessions[sessionId]?.title = title }
            connection.send(
                ACPUpdates.notification(
                    sessionId: sessionId,
                    ACPUpdates.sessionInfo(title: title, updatedAt: Self.timestamp(now))
                )
            )
        }
        state.withLock { state in
            state.sessions[sessionId]?.prompt = nil
            state.sessions[sessionId]?.updatedAt = now
        }
        func answer(_ reason: ACPSessionPromptResult.StopReason) {
            let result = ACPSessionPromptResult(
                stopReason: reason,
                runId: runId,
                outputTokens: tokens,
                usage: usage.map(RunUsage.init)
            )
            responder.reply(ACPSessionPromptRequest.self, id: id, result)
        }
        switch outcome {
        case .success(let result):
            answer(cancelled || result.stopReason == .cancelled ? .cancelled : .endTurn)
        case .failure where cancelled:
            answer(.cancelled)
        case .failure(let failure)
        where failure.kind == .budgetExceeded
            && failure.details["limit"] == .string(Budget.Limit.maxOutputTokens.rawValue):
            answer(.maxTokens)
        case .failure(let failure)
        where failure.kind == .budgetExceeded
            && failure.details["limit"] == .string(Budget.Limit.maxModelCalls.rawValue):
            answer(.maxTurnRequests)
        case .failure(let failure):
            responder.reply(id: id, .failure(AgentServer.responseError(failure)))
        }
    }

    /// `session/cancel`: the prompt stops within one checkpoint and answers `stopReason: "cancelled"`.
    func cancelPrompt(sessionId: String) {
        let id = state.withLock { state -> RequestID? in
            guard state.sessions[sessionId]?.prompt != nil else { return nil }
            state.sessions[sessionId]!.prompt!.cancelled = true
            return state.sessions[sessionId]!.prompt!.id
        }
        logger.debug("ACP cancel", metadata: ["sessionId": "\(sessionId)"])
        if let id { runs.supervisor.cancel(request: id, mode: .none) }
    }

    /// `$/cancel_request` naming a prompt: the same as cancelling its session.
    func cancelPrompt(requestId: RequestID) {
        let sessionId = state.withLock { state in
            state.sessions.first(where: { $0.value.prompt?.id == requestId })?.key
        }
        if let sessionId { cancelPrompt(sessionId: sessionId) }
    }

    /// The prompt's content blocks as the agent's input: text as is, resource links as Markdown links,
    /// embedded text resources as fenced blocks, embedded binary resources as a line naming them (the
    /// agents here take text, and `embeddedContext` promises both kinds of resource). Images and audio
    /// are refused (the capabilities say so).
    static func promptText(_ blocks: [JSONValue]) throws(ResponseError) -> String {
        var parts: [String] = []
        for (index, block) in blocks.enumerated() {
            let field = "params.prompt[\(index)]"
            guard let type = block["type"]?.stringValue else {
                throw .invalidParams(field: "\(field).type", "is required (a string)")
            }
            switch type {
            case "text":
                guard let text = block["text"]?.stringValue else {
                    throw .invalidParams(field: "\(field).text", "is required (a string)")
                }
                parts.append(text)
            case "resource_link":
                guard let uri = block["uri"]?.stringValue else {
                    throw .invalidParams(field: "\(field).uri", "is required (a string)")
                }
                let name = block["title"]?.stringValue ?? block["name"]?.stringValue ?? uri
                parts.append("[\(name)](\(uri))")
            case "resource":
                parts.append(try embeddedResource(block["resource"], field: "\(field).resource"))
            default:
                throw .invalidParams(
                    field: "\(field).type",
                    "content of type '\(type)' is not supported (text, resource_link and resource are)"
                )
            }
        }
        return parts.joined(separator: "\n")
    }

    /// An embedded resource as input: text contents in a fenced block headed by the uri; blob contents
    /// (base64) as a reference naming the uri, the MIME type and the decoded size in bytes, since the
    /// agents take text and raw bytes in a prompt would only be noise to a model.
    static func embeddedResource(_ resource: JSONValue?, field: String) throws(ResponseError) -> String {
        guard let resource, resource.objectValue != nil else {
            throw .invalidParams(field: field, "is required (an object with uri, and text or blob)")
        }
        guard let uri = resource["uri"]?.stringValue else {
            throw .invalidParams(field: "\(field).uri", "is required (a string)")
        }
        if let text = resource["text"]?.stringValue {
            return "```\(uri)\n\(text)\n```"
        }
        guard let blob = resource["blob"]?.stringValue else {
            throw .invalidParams(field: field, "needs text (a string) or blob (base64 in a string)")
        }
        guard let size = base64DecodedSize(blob) else {
            throw .invalidParams(field: "\(field).blob", "is not base64 (RFC 4648 §4)")
        }
        var details = [String]()
        if let mimeType = resource["mimeType"]?.stringValue { details.append(mimeType) }
        details.append(size == 1 ? "1 byte" : "\(size) bytes")
        return "[binary resource \(uri) (\(details.joined(separator: ", "))), contents not shown]"
    }

    /// How many bytes a base64 text (RFC 4648 §4; the padding may be left out) decodes to, or `nil` when
    /// it is not base64. Counted in one pass without decoding: a blob can be megabytes, and only its size
    /// is used.
    static func base64DecodedSize(_ text: String) -> Int? {
        var symbols = 0
        var padding = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"):
                guard padding == 0 else { return nil }
                symbols += 1
            case UInt8(ascii: "="):
                padding += 1
            default:
                return nil
            }
        }
        // A lone symbol in the last group carries fewer than 8 bits; padding, when present, fills the group.
        guard symbols % 4 != 1, padding <= 2, padding == 0 || (symbols + padding) % 4 == 0 else { return nil }
        return symbols * 3 / 4
    }
}
