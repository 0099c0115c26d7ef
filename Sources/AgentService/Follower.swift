import AgentCore
import JSONRPCTransport
import Synchronization

/// A `run/events {follow: true}` request: queues live events while the stored ones are replayed, then
/// passes them straight to the connection, each once, in `seq` order.
///
/// - Important: The recorder calls ``receive(seq:event:)`` and ``receiveTokens(firstSeq:agent:stepId:texts:)``
///   under the run's lock and its own; frames are queued under ``state``, which keeps `seq` order on the
///   wire. Nothing here calls back into the recorder.
final class Follower: RunEventSubscriber {
    let runId: String
    private let outbound: OutboundQueue
    private let state:
        Mutex<(live: Bool, queued: [(frame: [UInt8], seq: UInt64)], ended: Bool, lastSeq: UInt64, cancelled: Bool)>
    private let onEnd: @Sendable (_ lastSeq: UInt64) -> Void

    /// - Parameter onEnd: called once, after the run's last event was sent, with that event's `seq`.
    init(runId: String, outbound: OutboundQueue, afterSeq: UInt64, onEnd: @escaping @Sendable (UInt64) -> Void) {
        self.runId = runId
        self.outbound = outbound
        self.onEnd = onEnd
        self.state = Mutex((false, [], false, afterSeq, false))
    }

    func receive(seq: UInt64, event: RunEvent) {
        var frame: [UInt8] = []
        RunNotifications.append(runId: runId, seq: seq, event: event, to: &frame)
        deliver(frame, seq: seq)
    }

    func receiveTokens(firstSeq: UInt64, agent: String, stepId: String, texts: [String]) {
        let frame = TokenFrame(runId: runId, agent: agent, stepId: stepId)
        for (offset, text) in texts.enumerated() {
            var bytes: [UInt8] = []
            frame.append(seq: firstSeq + UInt64(offset), text: text, to: &bytes)
            deliver(bytes, seq: firstSeq + UInt64(offset))
        }
    }

    private func deliver(_ frame: [UInt8], seq: UInt64) {
        state.withLock { state in
            guard !state.cancelled else { return }
            if state.live {
                guard seq > state.lastSeq else { return }  // at or before afterSeq, or replayed already
                outbound.enqueue { $0.append(contentsOf: frame) }
                state.lastSeq = seq
            } else {
                state.queued.append((frame, seq))
            }
        }
    }

    /// Sends replayed events (before going live), skipping any sent already.
    func replay(_ events: [RecordedEvent]) {
        state.withLock { state in
            guard !state.cancelled else { return }
            let fresh = events.drop { $0.seq <= state.lastSeq }
            guard let last = fresh.last else { return }
            outbound.enqueue(count: fresh.count) { index, buffer in
                fresh[fresh.startIndex + index].appendNotification(runId: runId, to: &buffer)
            }
            state.lastSeq = last.seq
        }
    }

    /// The replay is written: send what queued meanwhile and go live (and answer, if the run already ended).
    func goLive() {
        let (ended, lastSeq) = state.withLock { state -> (Bool, UInt64) in
            if state.cancelled { return (false, state.lastSeq) }
            for item in state.queued where item.seq > state.lastSeq {
                outbound.enqueue { $0.append(contentsOf: item.frame) }
                state.lastSeq = item.seq
            }
            state.queued = []
            state.live = true
            return (state.ended, state.lastSeq)
        }
        if ended { onEnd(lastSeq) }
    }

    /// The `seq` of the last event sent.
    var lastSeq: UInt64 { state.withLock { $0.lastSeq } }

    /// Whether the follow is over (the run ended, or the request was cancelled).
    var isEnded: Bool { state.withLock { $0.ended } }

    /// The request was cancelled (or failed): nothing more is sent, and `onEnd` is not called. `false`
    /// when the follow had ended already (its reply is sent or on its way).
    func cancel() -> Bool {
        state.withLock { state in
            guard !state.ended else { return false }
            state.ended = true
            state.cancelled = true
            state.queued = []
            return true
        }
    }

    /// The run ended. Idempotent: the reply is sent once, however many paths report the end.
    func runEnded() {
        let (answer, lastSeq) = state.withLock { state -> (Bool, UInt64) in
            guard !state.ended else { return (false, state.lastSeq) }
            state.ended = true
            return (state.live, state.lastSeq)
        }
        if answer { onEnd(lastSeq) }
    }
}
