import AgentCore
import Foundation
import JSONCore
import JSONRPCTransport
import Synchronization

/// Sends one run's events to a connection: filtered by the client's ``StreamOptions``, tokens through
/// the hand-written encoder, bursts under one queue lock, and tokens merged per step when the client
/// asked for coalescing.
///
/// - Important: Every frame is queued under this observer's lock, so a coalesced token flushed by its
///   timer can never overtake or trail an event with a different `seq` order.
final class ConnectionRunObserver: RunObserver {
    let outbound: OutboundQueue
    let options: StreamOptions
    /// Where tool permission questions go; `nil` rejects them.
    let permissions: PermissionBroker?
    private let pending = Mutex(Pending())

    /// Tokens held for coalescing, per step, each with the `seq` of its last token.
    private struct Pending {
        var runId = ""
        /// Tokens held per step (keyed by step id).
        var coalescer = TokenCoalescer()
        /// The frame of the last step that sent tokens: a paced stream sends one token at a time, and
        /// building the constant parts again for each would cost more than the token itself.
        var frame: TokenFrame? = nil
        var frameRunId = ""
        var frameAgent = ""
        var frameStepId = ""
    }

    init(outbound: OutboundQueue, options: StreamOptions, permissions: PermissionBroker? = nil) {
        self.outbound = outbound
        self.options = options
        self.permissions = permissions
    }

    func runEvent(runId: String, seq: UInt64, event: RunEvent) {
        switch event {
        case .token(let agent, let stepId, let text):
            guard options.tokens else { return }
            if options.tokenCoalesceMs > 0 {
                coalesce(runId: runId, seq: seq, agent: agent, stepId: stepId, texts: [text])
                return
            }
        case .thinking: guard options.thinking else { return }
        case .step: guard options.steps else { return }
        case .progress: guard options.progress else { return }
        case .heartbeat: guard options.heartbeat else { return }
        case .started, .tool: break
        }
        pending.withLock { pending in
            flushLocked(&pending)
            outbound.enqueue { RunNotifications.append(runId: runId, seq: seq, event: event, to: &$0) }
        }
    }

    func runTokens(runId: String, firstSeq: UInt64, agent: String, stepId: String, texts: [String]) {
        guard options.tokens else { return }
        if options.tokenCoalesceMs > 0 {
            coalesce(runId: runId, seq: firstSeq + UInt64(texts.count - 1), agent: agent, stepId: stepId, texts: texts)
            return
        }
        pending.withLock { pending in
            flushLocked(&pending)
            // Compared in place: copying the cached frame would cost more retains than the token.
            if pending.frame == nil || pending.frameStepId != stepId || pending.frameAgent != agent
                || pending.frameRunId != runId
            {
                pending.frame = TokenFrame(runId: runId, agent: agent, stepId: stepId)
                pending.frameRunId = runId
                pending.frameAgent = agent
                pending.frameStepId = stepId
            }
            // A paced step's tokens wait for the end of the pacer's pass to wake the writer, so the
            // tokens of a pass go out in one write.
            let pacing = Pacer.shared.isPacing
            var needsWake = false
            pending.frame!.appendBurst(firstSeq: firstSeq, texts: texts) { count, write in
                needsWake = outbound.enqueue(count: count, wakingWriter: !pacing, write)
            }
            if needsWake {
                let outbound = outbound
                Pacer.shared.afterThisPass { outbound.wakeWriter() }
            }
        }
    }

    func waitForCapacity() async {
        await outbound.waitForCapacity()
    }

    var hasCapacity: Bool { outbound.hasCapacity }

    /// Sends `permission/request` after every event before it, and waits for the answer.
    func requestPermission(_ request: PermissionRequest) async -> PermissionDecision {
        guard let permissions else { return .reject }
        return await permissions.ask(request) { message in
            self.pending.withLock { pending in
                self.flushLocked(&pending)
                self.outbound.send(message)
            }
        }
    }

    var receivesSpans: Bool { options.traces }

    func runSpan(runId: String, seq: UInt64, span: SpanRecord) {
        pending.withLock { pending in
            flushLocked(&pending)
            outbound.enqueue { RunNotifications.traceMessage(runId: runId, seq: seq, span: span).encode(into: &$0) }
        }
    }

    /// Sends any merged tokens still held. Called before the run's response.
    func flush() {
        pending.withLock { flushLocked(&$0) }
    }

    private func coalesce(runId: String, seq: UInt64, agent: String, stepId: String, texts: [String]) {
        let armTimer = pending.withLock { pending -> Bool in
            pending.runId = runId
            _ = pending.coalescer.add(key: stepId, agent: agent, text: texts.joined(), seq: seq)
            return pending.coalescer.armTimer()
        }
        guard armTimer else { return }
        Pacer.shared.schedule(after: .milliseconds(options.tokenCoalesceMs)) { [weak self] in self?.flush() }
    }

    /// Sends each step's merged tokens as one `run/token` carrying the `seq` of its last token, in `seq`
    /// order, so `seq` still strictly increases on the wire.
    /// - Important: Must be called with `pending` locked.
    private func flushLocked(_ pending: inout Pending) {
        guard !pending.coalescer.isEmpty else { return }
        let runId = pending.runId
        for chunk in pending.coalescer.drain() {
            outbound.enqueue {
                RunNotifications.appendToken(
                    runId: runId,
                    seq: chunk.lastSeq,
                    agent: chunk.agent,
                    stepId: chunk.key,
                    text: chunk.text,
                    to: &$0
                )
            }
        }
    }
}
