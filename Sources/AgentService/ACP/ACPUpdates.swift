import AgentCore
import AgentProtocol
import JSONCore
import JSONRPC

/// Builders for ACP `session/update` notifications. Only the stable v1 `sessionUpdate` kinds are used:
/// clients drop kinds they do not know.
enum ACPUpdates {
    static let method = ACPSessionUpdateNotification.method

    /// The notification carrying `update` for `sessionId`.
    static func notification(sessionId: String, _ update: JSONObject) -> JSONValue {
        Envelope.notification(
            method: method,
            params: ["sessionId": .string(sessionId), "update": .object(update)]
        )
    }

    /// `agent_message_chunk`, `agent_thought_chunk` or `user_message_chunk` with a text block.
    static func chunk(_ kind: String, text: String) -> JSONObject {
        ["sessionUpdate": .string(kind), "content": ["type": "text", "text": .string(text)]]
    }

    /// A plan entry: what a step does and where it stands.
    struct PlanEntry: Sendable, Equatable {
        enum Status: String, Sendable { case pending, inProgress = "in_progress", completed }
        var content: String
        var status: Status
    }

    /// `plan`, always with every entry: the client replaces its plan with this one.
    static func plan(_ entries: [PlanEntry]) -> JSONObject {
        [
            "sessionUpdate": "plan",
            "entries": .array(
                entries.map {
                    ["content": .string($0.content), "priority": "medium", "status": .string($0.status.rawValue)]
                }
            ),
        ]
    }

    /// A session's cumulative cost, as ACP's `Cost` carries it.
    struct Cost: Sendable, Equatable {
        var amount: Double
        /// ISO 4217, such as "USD".
        var currency: String
    }

    /// `usage_update`: `used` tokens of a context window of `size` tokens (both required by the schema,
    /// never null), and the session's cost when it is known. `size` is the model's window, not a copy of
    /// `used`: editors draw `used / size` as how full the context is.
    static func usage(used: Int, size: Int, cost: Cost? = nil) -> JSONObject {
        var update: JSONObject = ["sessionUpdate": "usage_update", "used": .int(used), "size": .int(size)]
        if let cost { update["cost"] = ["amount": .double(cost.amount), "currency": .string(cost.currency)] }
        return update
    }

    /// `current_mode_update`: the session's mode changed other than by `session/set_mode` (through the
    /// `agent` config option), so a client that only knows modes stays in step.
    static func currentMode(_ modeId: String) -> JSONObject {
        ["sessionUpdate": "current_mode_update", "currentModeId": .string(modeId)]
    }

    /// `session_info_update` with the session's title.
    static func sessionInfo(title: String, updatedAt: String) -> JSONObject {
        ["sessionUpdate": "session_info_update", "title": .string(title), "updatedAt": .string(updatedAt)]
    }

    // MARK: Steps and tools as tool calls

    /// A workflow step starting: `tool_call` of kind `think`, in progress, with what it was asked.
    static func stepStarted(toolCallId: String, step: StepEvent, runId: String) -> JSONObject {
        var rawInput: JSONObject = ["agent": .string(step.agent), "stepId": .string(step.stepId)]
        if let parent = step.parentStepId { rawInput["parentStepId"] = .string(parent) }
        if let strategy = step.strategy { rawInput["strategy"] = .string(strategy) }
        return toolCallStarted(
            ToolCallReport(
                toolCallId: toolCallId,
                title: "\(step.agent) (step \(step.stepId))",
                kind: .think,
                status: .inProgress,
                rawInput: .object(rawInput),
                meta: ["agentwire": ["runId": .string(runId), "stepId": .string(step.stepId)]]
            )
        )
    }

    /// A workflow step ending: `tool_call_update` with its status, its output as content and raw output.
    static func stepEnded(toolCallId: String, step: StepEvent, output: String, runId: String) -> JSONObject {
        var rawOutput: JSONObject = ["status": .string(step.status.rawValue), "output": .string(output)]
        if let duration = step.durationMs { rawOutput["durationMs"] = .int(duration) }
        if let error = step.error { rawOutput["error"] = .string(error) }
        return toolCallUpdated(
            ToolCallReport(
                toolCallId: toolCallId,
                status: step.status == .completed ? .completed : .failed,
                content: output.isEmpty ? nil : output,
                rawOutput: .object(rawOutput),
                meta: ["agentwire": ["runId": .string(runId), "stepId": .string(step.stepId)]]
            )
        )
    }

    /// A tool call as ACP shows it. Workflow steps use it today; tool runs (`run/tool` events) map onto it
    /// the same way: `toolCallStarted` when a tool starts, `toolCallUpdated` as it progresses and ends.
    struct ToolCallReport: Sendable, Equatable {
        /// ACP `ToolKind`.
        enum Kind: String, Sendable {
            case read, edit, delete, move, search, execute, think, fetch, other
            case switchMode = "switch_mode"
        }
        /// ACP `ToolCallStatus`.
        enum Status: String, Sendable { case pending, inProgress = "in_progress", completed, failed }

        var toolCallId: String
        var title: String? = nil
        var kind: Kind? = nil
        var status: Status? = nil
        /// Text shown as the call's content (replaces earlier content).
        var content: String? = nil
        var rawInput: JSONValue? = nil
        var rawOutput: JSONValue? = nil
        var meta: JSONObject? = nil
    }

    /// `tool_call`: a new call (title required).
    static func toolCallStarted(_ report: ToolCallReport) -> JSONObject {
        var update: JSONObject = ["sessionUpdate": "tool_call"]
        fill(&update, report, title: report.title ?? report.toolCallId)
        return update
    }

    /// `tool_call_update`: only the fields that changed.
    static func toolCallUpdated(_ report: ToolCallReport) -> JSONObject {
        var update: JSONObject = ["sessionUpdate": "tool_call_update"]
        fill(&update, report, title: report.title)
        return update
    }

    private static func fill(_ update: inout JSONObject, _ report: ToolCallReport, title: String?) {
        update["toolCallId"] = .string(report.toolCallId)
        if let title { update["title"] = .string(title) }
        if let kind = report.kind { update["kind"] = .string(kind.rawValue) }
        if let status = report.status { update["status"] = .string(status.rawValue) }
        if let content = report.content {
            update["content"] = [["type": "content", "content": ["type": "text", "text": .string(content)]]]
        }
        if let rawInput = report.rawInput { update["rawInput"] = rawInput }
        if let rawOutput = report.rawOutput { update["rawOutput"] = rawOutput }
        if let meta = report.meta { update["_meta"] = .object(meta) }
    }
}
