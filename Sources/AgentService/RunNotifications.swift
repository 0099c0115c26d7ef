import AgentCore
import AgentProtocol
import JSONCore
import JSONRPC

/// How run events look on the wire.
public enum RunNotifications {
    public static let started = RunStartedNotification.method
    public static let step = RunStepNotification.method
    public static let token = RunTokenNotification.method
    public static let thinking = RunThinkingNotification.method
    public static let progress = RunProgressNotification.method
    public static let heartbeat = RunHeartbeatNotification.method
    public static let tool = RunToolNotification.method

    /// Every notification a run sends, for the tests that hold it to the registry.
    public static let all = [started, step, token, thinking, progress, heartbeat, tool, trace]

    /// The notification for one event as a JSON value (every kind; used for all but the token path).
    public static func message(runId: String, seq: UInt64, event: RunEvent) -> JSONValue {
        Envelope.notification(method: method(of: event), params: .object(params(runId: runId, seq: seq, event: event)))
    }

    public static func method(of event: RunEvent) -> String {
        switch event {
        case .started: started
        case .step: step
        case .token: token
        case .thinking: thinking
        case .progress: progress
        case .heartbeat: heartbeat
        case .tool: tool
        }
    }

    static func params(runId: String, seq: UInt64, event: RunEvent) -> JSONObject {
        var params: JSONObject = ["runId": .string(runId), "seq": .int(seq)]
        switch event {
        case .started(let name, let strategy, let requestId, let resumedFrom):
            if let strategy {
                params["workflow"] = .string(name)
                params["strategy"] = .string(strategy)
            } else {
                params["agent"] = .string(name)
            }
            if let requestId { params["requestId"] = requestId }
            if let resumedFrom { params["resumedFrom"] = .string(resumedFrom) }
        case .step(let step):
            params["stepId"] = .string(step.stepId)
            params["status"] = .string(step.status.rawValue)
            params["name"] = .string(step.name)
            params["agent"] = .string(step.agent)
            if let parent = step.parentStepId { params["parentStepId"] = .string(parent) }
            if let strategy = step.strategy { params["strategy"] = .string(strategy) }
            if let ms = step.durationMs { params["durationMs"] = .int(ms) }
            if let error = step.error { params["error"] = .string(error) }
            if let usage = step.usage { params["usage"] = RunUsage(usage).json }
        case .token(let agent, let stepId, let text), .thinking(let agent, let stepId, let text):
            params["agent"] = .string(agent)
            params["stepId"] = .string(stepId)
            params["text"] = .string(text)
        case .progress(let percent, let message):
            params["percent"] = .int(percent)
            params["message"] = .string(message)
        case .heartbeat:
            break
        case .tool(let tool):
            params["agent"] = .string(tool.agent)
            params["stepId"] = .string(tool.stepId)
            params["toolCallId"] = .string(tool.callId)
            params["tool"] = .string(tool.tool)
            params["status"] = .string(tool.status.rawValue)
            params["input"] = tool.input
            if let output = tool.output { params["output"] = .string(output) }
            if let error = tool.error { params["error"] = .string(error) }
            if let ms = tool.durationMs { params["durationMs"] = .int(ms) }
            if let progress = tool.progress { params["progress"] = progress.json }
        }
        return params
    }

    /// Appends a `run/token` notification, written by hand: the same bytes jansson writes for
    /// ``message(runId:seq:event:)`` (a test compares them), several times faster.
    public static func appendToken(
        runId: String,
        seq: UInt64,
        agent: String,
        stepId: String,
        text: String,
        to buffer: inout [UInt8]
    ) {
        // Written straight into the buffer: no per-token allocation (bursts use ``TokenFrame``).
        ByteWriter.appendRaw(#"{"jsonrpc":"2.0","method":"run/token","params":{"runId":"#, to: &buffer)
        ByteWriter.appendString(runId, to: &buffer)
        ByteWriter.appendRaw(#","seq":"#, to: &buffer)
        ByteWriter.appendInteger(seq, to: &buffer)
        ByteWriter.appendRaw(#","agent":"#, to: &buffer)
        ByteWriter.appendString(agent, to: &buffer)
        ByteWriter.appendRaw(#","stepId":"#, to: &buffer)
        ByteWriter.appendString(stepId, to: &buffer)
        ByteWriter.appendRaw(#","text":"#, to: &buffer)
        ByteWriter.appendString(text, to: &buffer)
        ByteWriter.appendRaw("}}", to: &buffer)
    }

    /// Appends any run event's notification, taking the hand-written path for tokens.
    public static func append(runId: String, seq: UInt64, event: RunEvent, to buffer: inout [UInt8]) {
        if case .token(let agent, let stepId, let text) = event {
            appendToken(runId: runId, seq: seq, agent: agent, stepId: stepId, text: text, to: &buffer)
        } else {
            message(runId: runId, seq: seq, event: event).encode(into: &buffer)
        }
    }
}

/// The constant parts of a step's `run/token` notifications, encoded once: per token only `seq` and the
/// text are written.
public struct TokenFrame: Sendable {
    private let head: [UInt8]
    private let middle: [UInt8]

    public init(runId: String, agent: String, stepId: String) {
        var head: [UInt8] = []
        ByteWriter.appendRaw(#"{"jsonrpc":"2.0","method":"run/token","params":{"runId":"#, to: &head)
        ByteWriter.appendString(runId, to: &head)
        ByteWriter.appendRaw(#","seq":"#, to: &head)
        var middle: [UInt8] = []
        ByteWriter.appendRaw(#","agent":"#, to: &middle)
        ByteWriter.appendString(agent, to: &middle)
        ByteWriter.appendRaw(#","stepId":"#, to: &middle)
        ByteWriter.appendString(stepId, to: &middle)
        ByteWriter.appendRaw(#","text":"#, to: &middle)
        self.head = head
        self.middle = middle
    }

    @inlinable
    public func append(seq: UInt64, text: String, to buffer: inout [UInt8]) {
        appendHead(to: &buffer)
        ByteWriter.appendInteger(seq, to: &buffer)
        appendMiddle(to: &buffer)
        ByteWriter.appendString(text, to: &buffer)
        buffer.append(UInt8(ascii: "}"))
        buffer.append(UInt8(ascii: "}"))
    }

    /// Appends a burst of token notifications, one frame each, with the constant parts borrowed once.
    public func appendBurst(firstSeq: UInt64, texts: [String], to outbound: (Int, (Int, inout [UInt8]) -> Void) -> Void)
    {
        head.withUnsafeBufferPointer { head in
            middle.withUnsafeBufferPointer { middle in
                texts.withUnsafeBufferPointer { texts in
                    outbound(texts.count) { index, buffer in
                        buffer.append(contentsOf: head)
                        ByteWriter.appendInteger(firstSeq + UInt64(index), to: &buffer)
                        buffer.append(contentsOf: middle)
                        ByteWriter.appendString(texts[index], to: &buffer)
                        buffer.append(UInt8(ascii: "}"))
                        buffer.append(UInt8(ascii: "}"))
                    }
                }
            }
        }
    }

    @usableFromInline
    func appendHead(to buffer: inout [UInt8]) { buffer.append(contentsOf: head) }

    @usableFromInline
    func appendMiddle(to buffer: inout [UInt8]) { buffer.append(contentsOf: middle) }
}
