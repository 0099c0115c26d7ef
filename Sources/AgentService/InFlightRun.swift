import AgentCore

/// How a run's request was cancelled, which decides how it is answered.
enum CancelMode: Sendable {
    /// Not cancelled by its request id (or by `run/cancel`): a normal result, `stopReason` says cancelled.
    case none
    /// LSP `$/cancelRequest`, ACP `$/cancel_request`: error -32800 with the partial output.
    case errorReply
    /// MCP `notifications/cancelled`: no reply at all.
    case noReply
}

struct InFlightRun: Sendable {
    var runId: String
    var cancelMode: CancelMode = .none
    var task: Task<Void, Never>? = nil
    var cancelRequested = false
}
