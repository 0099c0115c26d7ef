import AgentCore
import AgentProtocol
import Foundation
import JSONCore
import JSONRPC
import JSONRPCTransport

extension ACPAgent {
    /// Starts a turn. Updates stream while it runs; the reply (`stopReason`) follows the last of them.
    func prompt(
        id: RequestID,
        params: ACPSessionPromptRequest.Params,
        responder: Responder,
        connection: Connection
    ) throws(ResponseError) {
        let sessionId = params.sessionId
        let input = try Self.promptText(params.prompt)
        // A session an earlier process created can be prompted directly; it is adopted with no cwd.
        if state.withLock({ $0.sessions[sessionId] == nil }) {
            let found: SessionStore.Session?
            do { found = try runtime.sessions.session(sessionId) } catch { throw AgentServer.storeFailure(error) }
            guard let stored = found else { throw Self.unknownSession(sessionId) }
            state.withLock { state in
                if state.sessions[sessionId] == nil {
                    state.sessions[sessionId] = Session(
                        cwd: "",
                        target: RunTarget(stored: stored.agent),
                        updatedAt: Date()
                    )
                }
            }
        }
        let target = try state.withLock { state throws(ResponseError) -> RunTarget in
            guard state.sessions[sessionId]?.prompt == nil else {
                throw ResponseError(
                    code: .sessionBusy,
                    message: "Session '\(sessionId)' is busy: a prompt is already in flight",
                    data: ["sessionId": .string(sessionId)]
                )
            }
            state.sessions[sessionId]!.prompt = (id, false)
            state.sessions[sessionId]!.updatedAt = Date()
            return state.sessions[sessionId]!.target
        }
        let history: [Turn]
        do {
            history = try runtime.sessions.beginTurn(sessionId).turns
        } catch {
            state.withLock { $0.sessions[sessionId]?.prompt = nil }
            throw AgentServer.responseError(error)
        }
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
                kind: "session",
                observer: observer
            ) { [self] runId, outcome, _ in
                finishPrompt(
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
            state.withLock { $0.sessions[sessionId]?.prompt = nil }
            throw error
        }
        logger.debug("ACP prompt started", metadata: ["sessionId": "\(sessionId)", "runId": "\(runId)"])
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
    ) {
        let cancelled = state.withLock { $0.sessions[sessionId]?.prompt?.cancelled ?? false }
        let output: String
        let tokens: Int
        switch outcome {
        case .success(let result):
            output = result.output
            tokens = result.outputTokens
        case .failure(let failure):
            output = failure.partialOutput ?? ""
            tokens = failure.outputTokens
        }
        runtime.sessions.endTurn(sessionId, turn: output.isEmpty ? nil : Turn(input: input, output: output))
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
            let result = ACPSessionPromptResult(stopReason: reason, runId: runId, outputTokens: tokens)
            responder.reply(ACPSessionPromptRequest.self, id: id, result)
        }
        switch outcome {
        case .success(let result):
            answer(cancelled || result.stopReason == .cancelled ? .cancelled : .endTurn)
        case .failure where cancelled:
            answer(.cancelled)
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
