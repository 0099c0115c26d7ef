import AgentCore
import JSONCore

/// How a ``RunEvent`` other than a token is kept: its kind and its fields, named after the event's own
/// properties. It owes nothing to any protocol face, so a face may rename its notifications or their
/// members and stored runs still read back.
enum StoredEventForm {
    static func kind(of event: RunEvent) -> String {
        switch event {
        case .started: "started"
        case .step: "step"
        case .token: "token"
        case .thinking: "thinking"
        case .progress: "progress"
        case .heartbeat: "heartbeat"
        case .tool: "tool"
        }
    }

    static func body(of event: RunEvent) -> JSONObject {
        var body: JSONObject = [:]
        switch event {
        case .started(let name, let strategy, let requestId, let resumedFrom):
            body["name"] = .string(name)
            if let strategy { body["strategy"] = .string(strategy) }
            if let requestId { body["requestId"] = requestId }
            if let resumedFrom { body["resumedFrom"] = .string(resumedFrom) }
        case .step(let step):
            body["stepId"] = .string(step.stepId)
            body["status"] = .string(step.status.rawValue)
            body["name"] = .string(step.name)
            body["agent"] = .string(step.agent)
            if let parent = step.parentStepId { body["parentStepId"] = .string(parent) }
            if let strategy = step.strategy { body["strategy"] = .string(strategy) }
            if let ms = step.durationMs { body["durationMs"] = .int(ms) }
            if let error = step.error { body["error"] = .string(error) }
            if let usage = step.usage { body["usage"] = StoredUsage.json(usage) }
            if let input = step.input { body["input"] = .string(input) }
            if let output = step.output { body["output"] = .string(output) }
        case .token(let agent, let stepId, let text), .thinking(let agent, let stepId, let text):
            body["agent"] = .string(agent)
            body["stepId"] = .string(stepId)
            body["text"] = .string(text)
        case .progress(let percent, let message):
            body["percent"] = .int(percent)
            body["message"] = .string(message)
        case .heartbeat:
            break
        case .tool(let tool):
            body["stepId"] = .string(tool.stepId)
            body["agent"] = .string(tool.agent)
            body["callId"] = .string(tool.callId)
            body["tool"] = .string(tool.tool)
            body["status"] = .string(tool.status.rawValue)
            body["input"] = tool.input
            if let output = tool.output { body["output"] = .string(output) }
            if let error = tool.error { body["error"] = .string(error) }
            if let ms = tool.durationMs { body["durationMs"] = .int(ms) }
            if let progress = tool.progress { body["progress"] = progress.json }
        }
        return body
    }

    /// The event ``body(of:)`` wrote for `kind`; `nil` for a kind or body this version cannot read.
    static func event(kind: String, body: JSONObject) -> RunEvent? {
        let fields = Fields(body)
        switch kind {
        case "started":
            guard let name = fields.string("name") else { return nil }
            return .started(
                name: name,
                strategy: fields.string("strategy"),
                requestId: body["requestId"],
                resumedFrom: fields.string("resumedFrom")
            )
        case "step":
            return step(fields, usage: StoredUsage.usage(body["usage"]))
        case "token", "thinking":
            guard let agent = fields.string("agent"), let stepId = fields.string("stepId"),
                let text = fields.string("text")
            else { return nil }
            return kind == "token"
                ? .token(agent: agent, stepId: stepId, text: text) : .thinking(agent: agent, stepId: stepId, text: text)
        case "progress":
            guard let percent = fields.int("percent"), let message = fields.string("message") else { return nil }
            return .progress(percent: percent, message: message)
        case "heartbeat":
            return .heartbeat
        case "tool":
            return tool(fields, callId: "callId")
        default:
            return nil
        }
    }

    /// An event older versions stored as the `run/…` notification it was sent as: the method and its
    /// params (with `runId` and `seq`, which the record repeats). Frozen: it reads what they wrote.
    static func legacyEvent(method: String, params: JSONObject) -> RunEvent? {
        let fields = Fields(params)
        switch method {
        case "run/started":
            // `{agent}` for an agent, `{workflow, strategy}` for a workflow.
            guard let name = fields.string("workflow") ?? fields.string("agent") else { return nil }
            return .started(name: name, strategy: fields.string("strategy"), requestId: params["requestId"])
        case "run/step":
            return step(fields, usage: StoredUsage.usage(params["usage"]))
        case "run/token": return event(kind: "token", body: params)
        case "run/thinking": return event(kind: "thinking", body: params)
        case "run/progress": return event(kind: "progress", body: params)
        case "run/heartbeat": return .heartbeat
        case "run/tool": return tool(fields, callId: "toolCallId")
        default: return nil
        }
    }

    private static func step(_ fields: Fields, usage: Usage?) -> RunEvent? {
        guard let stepId = fields.string("stepId"), let status = fields.string("status").flatMap(StepEvent.Status.init),
            let name = fields.string("name"), let agent = fields.string("agent")
        else { return nil }
        return .step(
            StepEvent(
                stepId: stepId,
                status: status,
                name: name,
                agent: agent,
                parentStepId: fields.string("parentStepId"),
                strategy: fields.string("strategy"),
                durationMs: fields.int("durationMs"),
                error: fields.string("error"),
                usage: usage,
                input: fields.string("input"),
                output: fields.string("output")
            )
        )
    }

    private static func tool(_ fields: Fields, callId key: String) -> RunEvent? {
        guard let stepId = fields.string("stepId"), let agent = fields.string("agent"),
            let callId = fields.string(key), let tool = fields.string("tool"),
            let status = fields.string("status").flatMap(ToolEvent.Status.init)
        else { return nil }
        var event = ToolEvent(
            stepId: stepId,
            agent: agent,
            callId: callId,
            tool: tool,
            status: status,
            input: fields.object["input"] ?? .null,
            output: fields.string("output"),
            error: fields.string("error"),
            durationMs: fields.int("durationMs")
        )
        event.progress = MCPProgress(json: fields.object["progress"])
        return .tool(event)
    }

    /// Typed member lookups.
    private struct Fields {
        let object: JSONObject
        init(_ object: JSONObject) { self.object = object }
        func string(_ key: String) -> String? { object[key]?.stringValue }
        func int(_ key: String) -> Int? { object[key]?.integerValue.map { Int(clamping: $0) } }
        func bool(_ key: String) -> Bool { object[key]?.boolValue ?? false }
    }
}
