import AgentCore
import JSONCore

/// A recorded event in the native face's wire form: the `run/…` notification it was sent as, byte for
/// byte, rebuilt by the same code that sent it live.
extension RecordedEvent {
    /// The notification exactly as it was sent live.
    func appendNotification(runId: String, to buffer: inout [UInt8]) {
        RunNotifications.append(runId: runId, seq: seq, event: event, to: &buffer)
    }

    /// `{seq, method, params}` for `run/events` replies.
    func json(runId: String) -> JSONValue {
        [
            "seq": .int(seq), "method": .string(RunNotifications.method(of: event)),
            "params": .object(RunNotifications.params(runId: runId, seq: seq, event: event)),
        ]
    }
}
