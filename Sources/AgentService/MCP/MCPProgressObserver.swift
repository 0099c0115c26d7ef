import AgentCore
import AgentProtocol
import JSONCore
import JSONRPC
import JSONRPCTransport
import Synchronization

/// Streams one `tools/call` run as MCP `notifications/progress` against the caller's progress token:
/// tokens (coalesced, as ``ACPUpdateObserver`` does) with the text in `message`, and step changes with
/// a short line. `progress` counts notifications, so it strictly increases.
final class MCPProgressObserver: RunObserver {
    static let maxChunkBytes = 4096
    static let coalesceMs = 16

    private let token: JSONValue
    private let outbound: OutboundQueue
    private let state = Mutex(State())

    private struct State {
        var progress: Int64 = 0
        var pending = TokenCoalescer(maxBytes: MCPProgressObserver.maxChunkBytes)
        var finished = false
    }

    init(token: JSONValue, outbound: OutboundQueue) {
        self.token = token
        self.outbound = outbound
    }

    func runEvent(runId: String, seq: UInt64, event: RunEvent) {
        switch event {
        case .token(_, _, let text):
            append(CollectionOfOne(text))
        case .thinking(let agent, _, let text):
            state.withLock { state in
                flushLocked(&state)
                sendLocked("[\(agent) thinking] \(text)", &state)
            }
        case .step(let step):
            state.withLock { state in
                flushLocked(&state)
                var line = "[step \(step.stepId) \(step.agent) \(step.status.rawValue)"
                if let duration = step.durationMs { line += " in \(duration) ms" }
                line += "]"
                sendLocked(line, &state)
            }
        case .tool(let tool) where tool.status != .progress:
            state.withLock { state in
                flushLocked(&state)
                var line = "[tool \(tool.tool) \(tool.status.rawValue)"
                if let duration = tool.durationMs { line += " in \(duration) ms" }
                if let error = tool.error { line += ": \(error)" }
                line += "]"
                sendLocked(line, &state)
            }
        case .started, .progress, .heartbeat, .tool:
            break
        }
    }

    func runTokens(runId: String, firstSeq: UInt64, agent: String, stepId: String, texts: [String]) {
        append(texts)
    }

    func waitForCapacity() async {
        await outbound.waitForCapacity()
    }

    var hasCapacity: Bool { outbound.hasCapacity }

    /// Sends what is held; nothing is sent after this (the request is about to be answered).
    func finish() {
        state.withLock { state in
            flushLocked(&state)
            state.finished = true
        }
    }

    private func append(_ texts: some Collection<String>) {
        let armTimer = state.withLock { state -> Bool in
            guard !state.finished else { return false }
            for text in texts {
                if let full = state.pending.add(text: text) { sendLocked(full.text, &state) }
            }
            return state.pending.armTimer()
        }
        guard armTimer else { return }
        Pacer.shared.schedule(after: .milliseconds(Self.coalesceMs)) { [weak self] in
            self?.state.withLock { self?.flushLocked(&$0) }
        }
    }

    /// - Important: Must be called with `state` locked.
    private func flushLocked(_ state: inout State) {
        for chunk in state.pending.drain() { sendLocked(chunk.text, &state) }
    }

    private func sendLocked(_ message: String, _ state: inout State) {
        guard !state.finished else { return }
        state.progress += 1
        outbound.send(
            Envelope.notification(
                method: MCPProgressNotification.method,
                params: ["progressToken": token, "progress": .integer(state.progress), "message": .string(message)]
            )
        )
    }
}
