import AgentCore
import JSONCore
import JSONRPCTransport
import Synchronization

/// Streams one prompt's run to an ACP client as `session/update`s.
///
/// A single agent's tokens become `agent_message_chunk`s, coalesced (up to ``maxChunkBytes``, or what
/// arrived within ``coalesceMs``) and strictly in order; reasoning becomes `agent_thought_chunk`. In a
/// workflow every agent step is a `plan` entry (the full plan is sent on each change) and a `tool_call`
/// of kind `think`, updated when it ends with the step's output; the workflow's output is the message.
///
/// - Important: Every frame is queued under this observer's lock, so a chunk flushed by the timer never
///   overtakes or trails another update.
final class ACPUpdateObserver: RunObserver {
    static let maxChunkBytes = 4096
    static let coalesceMs = 16

    let sessionId: String
    private let outbound: OutboundQueue
    /// Asks the client (`session/request_permission`) about a tool call.
    private let ask: @Sendable (JSONObject) async -> ACPPermissionAnswer
    private let state = Mutex(State())

    private struct State {
        var runId = ""
        var isWorkflow = false
        var pending = TokenCoalescer(maxBytes: ACPUpdateObserver.maxChunkBytes)
        var plan: [ACPUpdates.PlanEntry] = []
        var planIndex: [String: Int] = [:]
        /// Each workflow step's output so far.
        var stepOutputs: [String: String] = [:]
        /// Text sent as `agent_message_chunk`s.
        var sentMessage = false
    }

    init(
        sessionId: String,
        outbound: OutboundQueue,
        ask: @escaping @Sendable (JSONObject) async -> ACPPermissionAnswer = { _ in .cancelled }
    ) {
        self.sessionId = sessionId
        self.outbound = outbound
        self.ask = ask
    }

    /// A tool with permission `ask`: `session/request_permission` with the call, allow-once /
    /// allow-always / reject; no answer within the tool's ask timeout, or a cancelled prompt, rejects it.
    func requestPermission(_ request: PermissionRequest) async -> PermissionDecision {
        let call: JSONObject = [
            "toolCallId": .string(Self.toolCallId(request.callId)), "title": .string(request.tool),
            "kind": "execute", "status": "pending", "rawInput": request.arguments,
        ]
        let ask = self.ask
        return await withTaskGroup(of: PermissionDecision.self) { group in
            group.addTask {
                switch await ask(call) {
                case .allowOnce: .allowOnce
                case .allowAlways: .allowAlways
                case .reject, .cancelled: .reject
                }
            }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(request.timeoutMs))
                return .reject
            }
            let first = await group.next() ?? .reject
            group.cancelAll()
            return first
        }
    }

    static func toolCallId(_ callId: String) -> String { "tool-\(callId)" }

    /// A tool run as ACP shows it: `tool_call` (kind `execute`) when it starts, `tool_call_update` when it ends.
    private func toolLocked(_ event: ToolEvent, _ state: inout State) {
        flushLocked(&state)
        let meta: JSONObject = [
            "agentwire": ["runId": .string(state.runId), "stepId": .string(event.stepId), "tool": .string(event.tool)]
        ]
        switch event.status {
        case .started:
            send(
                ACPUpdates.toolCallStarted(
                    ACPUpdates.ToolCallReport(
                        toolCallId: Self.toolCallId(event.callId),
                        title: event.tool,
                        kind: .execute,
                        status: .inProgress,
                        rawInput: event.input,
                        meta: meta
                    )
                )
            )
        case .progress:
            guard let progress = event.progress else { return }
            var rawOutput: JSONObject = ["progress": .double(progress.progress)]
            if let total = progress.total { rawOutput["total"] = .double(total) }
            send(
                ACPUpdates.toolCallUpdated(
                    ACPUpdates.ToolCallReport(
                        toolCallId: Self.toolCallId(event.callId),
                        status: .inProgress,
                        content: progress.message,
                        rawOutput: .object(rawOutput),
                        meta: meta
                    )
                )
            )
        case .completed, .failed:
            var rawOutput: JSONObject = ["status": .string(event.status.rawValue)]
            if let output = event.output { rawOutput["output"] = .string(output) }
            if let error = event.error { rawOutput["error"] = .string(error) }
            if let ms = event.durationMs { rawOutput["durationMs"] = .int(ms) }
            send(
                ACPUpdates.toolCallUpdated(
                    ACPUpdates.ToolCallReport(
                        toolCallId: Self.toolCallId(event.callId),
                        status: event.status == .completed ? .completed : .failed,
                        content: event.output ?? event.error,
                        rawOutput: .object(rawOutput),
                        meta: meta
                    )
                )
            )
        }
    }

    func runEvent(runId: String, seq: UInt64, event: RunEvent) {
        switch event {
        case .started(_, let strategy, _, _):
            state.withLock {
                $0.runId = runId
                $0.isWorkflow = strategy != nil
            }
        case .token(_, let stepId, let text):
            append(stepId: stepId, texts: CollectionOfOne(text))
        case .thinking(_, _, let text):
            state.withLock { state in
                flushLocked(&state)
                send(ACPUpdates.chunk("agent_thought_chunk", text: text))
            }
        case .step(let step):
            state.withLock { stepLocked(step, &$0) }
        case .tool(let tool):
            state.withLock { toolLocked(tool, &$0) }
        case .progress, .heartbeat:
            break
        }
    }

    func runTokens(runId: String, firstSeq: UInt64, agent: String, stepId: String, texts: [String]) {
        append(stepId: stepId, texts: texts)
    }

    func waitForCapacity() async {
        await outbound.waitForCapacity()
    }

    var hasCapacity: Bool { outbound.hasCapacity }

    /// Sends what is still held, and for a workflow its output as the message. Called before the reply.
    func finish(output: String) {
        state.withLock { state in
            flushLocked(&state)
            guard state.isWorkflow, !output.isEmpty else { return }
            var rest = Substring(output)
            while !rest.isEmpty {
                let piece = Self.prefix(of: rest, maxBytes: Self.maxChunkBytes)
                send(ACPUpdates.chunk("agent_message_chunk", text: String(piece)))
                rest = rest[piece.endIndex...]
            }
        }
    }

    private func append(stepId: String, texts: some Collection<String>) {
        let armTimer = state.withLock { state -> Bool in
            if state.isWorkflow {
                for text in texts { state.stepOutputs[stepId, default: ""] += text }
                return false
            }
            for text in texts {
                if let full = state.pending.add(text: text) {
                    send(ACPUpdates.chunk("agent_message_chunk", text: full.text))
                }
            }
            return state.pending.armTimer()
        }
        guard armTimer else { return }
        Pacer.shared.schedule(after: .milliseconds(Self.coalesceMs)) { [weak self] in
            self?.state.withLock { self?.flushLocked(&$0) }
        }
    }

    private func stepLocked(_ step: StepEvent, _ state: inout State) {
        // Steps of a single agent run are the agent itself; a workflow's root step is the whole workflow.
        guard state.isWorkflow, step.parentStepId != nil else { return }
        flushLocked(&state)
        let toolCallId = "\(state.runId)/\(step.stepId)"
        if step.status == .started {
            state.planIndex[step.stepId] = state.plan.count
            state.plan.append(.init(content: "\(step.agent) (step \(step.stepId))", status: .inProgress))
            send(ACPUpdates.plan(state.plan))
            send(ACPUpdates.stepStarted(toolCallId: toolCallId, step: step, runId: state.runId))
        } else {
            if let index = state.planIndex[step.stepId] {
                state.plan[index].status = .completed
                send(ACPUpdates.plan(state.plan))
            }
            let output = state.stepOutputs.removeValue(forKey: step.stepId) ?? ""
            send(ACPUpdates.stepEnded(toolCallId: toolCallId, step: step, output: output, runId: state.runId))
        }
    }

    /// - Important: Must be called with `state` locked.
    private func flushLocked(_ state: inout State) {
        for chunk in state.pending.drain() {
            send(ACPUpdates.chunk("agent_message_chunk", text: chunk.text))
        }
    }

    private func send(_ update: JSONObject) {
        outbound.send(ACPUpdates.notification(sessionId: sessionId, update))
    }

    /// The longest prefix of `text` of at most `maxBytes` UTF-8 bytes (at least one character).
    static func prefix(of text: Substring, maxBytes: Int) -> Substring {
        var bytes = 0
        var end = text.startIndex
        while end < text.endIndex {
            let size = text[end].utf8.count
            if bytes + size > maxBytes, end > text.startIndex { break }
            bytes += size
            end = text.index(after: end)
        }
        return text[..<end]
    }
}
