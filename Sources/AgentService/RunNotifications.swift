import AgentCore
import JSONCore
import JSONRPC

/// How run events look on the wire: `run/started`, `run/step` and `run/token` notifications.
public enum RunNotifications {
    public static let started = "run/started"
    public static let step = "run/step"
    public static let token = "run/token"

    /// The notification for one event as a JSON value (every kind; used for all but the token path).
    public static func message(runId: String, seq: UInt64, event: RunEvent) -> JSONValue {
        Envelope.notification(method: method(of: event), params: .object(params(runId: runId, seq: seq, event: event)))
    }

    public static func method(of event: RunEvent) -> String {
        switch event {
        case .started: started
        case .step: step
        case .token: token
        }
    }

    static func params(runId: String, seq: UInt64, event: RunEvent) -> JSONObject {
        var params: JSONObject = ["runId": .string(runId), "seq": .int(seq)]
        switch event {
        case .started(let agent):
            params["agent"] = .string(agent)
        case .step(let step):
            params["stepId"] = .string(step.stepId)
            params["status"] = .string(step.status.rawValue)
            params["name"] = .string(step.name)
            params["agent"] = .string(step.agent)
            if let parent = step.parentStepId { params["parentStepId"] = .string(parent) }
            if let ms = step.durationMs { params["durationMs"] = .int(ms) }
        case .token(let agent, let text):
            params["agent"] = .string(agent)
            params["text"] = .string(text)
        }
        return params
    }

    /// Appends a `run/token` notification, written by hand: the same bytes jansson writes for
    /// ``message(runId:seq:event:)`` (a test compares them), several times faster.
    @inlinable
    public static func appendToken(runId: String, seq: UInt64, agent: String, text: String, to buffer: inout [UInt8]) {
        ByteWriter.appendRaw(#"{"jsonrpc":"2.0","method":"run/token","params":{"runId":"#, to: &buffer)
        ByteWriter.appendString(runId, to: &buffer)
        ByteWriter.appendRaw(#","seq":"#, to: &buffer)
        ByteWriter.appendInteger(seq, to: &buffer)
        ByteWriter.appendRaw(#","agent":"#, to: &buffer)
        ByteWriter.appendString(agent, to: &buffer)
        ByteWriter.appendRaw(#","text":"#, to: &buffer)
        ByteWriter.appendString(text, to: &buffer)
        ByteWriter.appendRaw("}}", to: &buffer)
    }

    /// Appends any run event's notification, taking the hand-written path for tokens.
    public static func append(runId: String, seq: UInt64, event: RunEvent, to buffer: inout [UInt8]) {
        if case .token(let agent, let text) = event {
            appendToken(runId: runId, seq: seq, agent: agent, text: text, to: &buffer)
        } else {
            message(runId: runId, seq: seq, event: event).encode(into: &buffer)
        }
    }
}
