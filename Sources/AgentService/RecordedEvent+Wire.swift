import AgentCore
import AgentProtocol
import JSONCore

/// A recorded event in the native face's wire form: the `run/…` notification it was sent as, byte for
/// byte, rebuilt by the same code that sent it live.
extension RecordedEvent {
    /// The notification exactly as it was sent live.
    func appendNotification(runId: String, to buffer: inout [UInt8]) {
        RunNotifications.append(runId: runId, seq: seq, event: event, to: &buffer)
    }

    /// The event as `run/events` pages list it: `{seq, method, params}`.
    func wire(runId: String) -> RecordedRunEvent {
        RecordedRunEvent(
            seq: seq,
            method: RunNotifications.method(of: event),
            params: RunNotifications.params(runId: runId, seq: seq, event: event)
        )
    }
}
