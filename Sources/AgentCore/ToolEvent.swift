import JSONCore

/// A tool call starting or ending, as `run/tool` reports it.
public struct ToolEvent: Sendable, Equatable {
    public enum Status: String, Sendable {
        /// `progress`: a report from an MCP server while its call runs.
        case started, progress, completed, failed
    }

    public var stepId: String
    public var agent: String
    /// The model's id for the call.
    public var callId: String
    public var tool: String
    public var status: Status
    /// The arguments the model gave (as parsed; the raw text when they are not JSON).
    public var input: JSONValue
    /// What the tool printed (set when it ended).
    public var output: String?
    /// Why the call failed (set when it did): invalid arguments, refused, timed out, non-zero exit.
    public var error: String?
    public var durationMs: Int?
    /// How far the call has got (set with status `progress`).
    public var progress: MCPProgress?

    public init(
        stepId: String,
        agent: String,
        callId: String,
        tool: String,
        status: Status,
        input: JSONValue,
        output: String? = nil,
        error: String? = nil,
        durationMs: Int? = nil
    ) {
        self.stepId = stepId
        self.agent = agent
        self.callId = callId
        self.tool = tool
        self.status = status
        self.input = input
        self.output = output
        self.error = error
        self.durationMs = durationMs
    }
}

/// A tool call waiting for the client's consent.
public struct PermissionRequest: Sendable, Equatable {
    public var runId: String
    public var stepId: String
    public var agent: String
    public var callId: String
    public var tool: String
    public var arguments: JSONValue
    /// How long to wait for an answer before rejecting.
    public var timeoutMs: Int

    public init(
        runId: String,
        stepId: String,
        agent: String,
        callId: String,
        tool: String,
        arguments: JSONValue,
        timeoutMs: Int
    ) {
        self.runId = runId
        self.stepId = stepId
        self.agent = agent
        self.callId = callId
        self.tool = tool
        self.arguments = arguments
        self.timeoutMs = timeoutMs
    }
}

/// The client's answer to a ``PermissionRequest``.
public enum PermissionDecision: String, Sendable, CaseIterable {
    case allowOnce = "allow_once"
    case allowAlways = "allow_always"
    case reject = "reject"

    public var allows: Bool { self != .reject }
}
