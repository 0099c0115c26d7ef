import AgentCore
import AgentService
import Foundation
import JSONCore
import JSONRPC
import Synchronization

/// Colour for a stream that is a terminal, and never when `NO_COLOR` is set (no-color.org) or the
/// terminal is `dumb`.
struct TerminalStyle: Sendable {
    let colour: Bool

    static let standardError = TerminalStyle(descriptor: STDERR_FILENO)
    static let standardOutput = TerminalStyle(descriptor: STDOUT_FILENO)

    init(descriptor: Int32, environment: [String: String] = ProcessInfo.processInfo.environment) {
        colour =
            isatty(descriptor) == 1 && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
    }

    func dim(_ text: String) -> String { paint(text, "2") }
    func bold(_ text: String) -> String { paint(text, "1") }
    func red(_ text: String) -> String { paint(text, "31") }
    func green(_ text: String) -> String { paint(text, "32") }
    func yellow(_ text: String) -> String { paint(text, "33") }

    private func paint(_ text: String, _ code: String) -> String {
        colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}

/// A failure `agentwire run` (or a listing) reports: the JSON-RPC error the service would answer with,
/// the suggestions to print under it, and the exit status.
struct CLIFailure: Error {
    var error: ResponseError
    /// What people read instead of the error's message (which --json prints as it is).
    var message: String?
    var suggestions: [String]
    var exitCode: Int32

    init(_ failure: RunFailure, exitCode: Int32) {
        error = AgentServer.responseError(failure)
        suggestions = failure.suggestions
        self.exitCode = exitCode
    }

    /// A usage error (exit status 2): what was asked cannot be run as given.
    init(usage message: String) {
        error = ResponseError(code: .invalidParams, message: message)
        suggestions = []
        exitCode = 2
    }
}

/// Where `agentwire run` writes: the output on stdout, notes and errors on stderr, or JSON lines.
struct RunOutput: Sendable {
    let json: Bool
    let style: TerminalStyle

    /// The run's output, ending with a newline.
    func writeOutput(_ text: String) {
        guard !text.isEmpty else { return }
        StandardStreams.write(text.hasSuffix("\n") ? text : text + "\n", to: STDOUT_FILENO)
    }

    func writeJSONLine(_ value: JSONValue) {
        StandardStreams.write(value.encoded() + [UInt8(ascii: "\n")], to: STDOUT_FILENO)
    }

    /// A line about the run on stderr.
    func note(_ text: String) {
        StandardStreams.write(style.dim(text) + "\n", to: STDERR_FILENO)
    }

    /// A problem beside the run (it goes on) on stderr, whatever --json and --quiet say.
    func warn(_ text: String) {
        StandardStreams.write("\(style.yellow(style.bold("Warning:"))) \(text)\n", to: STDERR_FILENO)
    }

    /// The failure as one JSON line on stdout with --json, else `error: …` and its suggestions on stderr.
    func report(_ failure: CLIFailure) {
        if json {
            writeJSONLine(["error": failure.error.json])
            return
        }
        var text = "\(style.red(style.bold("Error:"))) \(failure.message ?? failure.error.message)\n"
        for suggestion in failure.suggestions { text += "  \(style.dim(suggestion))\n" }
        StandardStreams.write(text, to: STDERR_FILENO)
    }
}

enum StandardStreams {
    static func write(_ text: String, to descriptor: Int32) {
        write(Array(text.utf8), to: descriptor)
    }

    /// Writes all of `bytes`, retrying on EINTR; a closed pipe drops the rest (SIGPIPE is ignored).
    static func write(_ bytes: [UInt8], to descriptor: Int32) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += n
            }
        }
    }
}

/// Prints a run as it streams.
///
/// - `agent`: tokens to stdout as they come; reasoning, tool calls and progress on stderr.
/// - `workflow`: one stderr line per step start and end, labelled with the step and its agent.
/// - `workflowVerbose`: the same, plus each step's tokens and reasoning on stderr, a line at a time.
/// - `agentQuiet`: an agent's tokens to stdout, nothing on stderr; `workflowQuiet`: nothing at all.
/// - `json`: every notification the service would send, one JSON line each on stdout.
final class TerminalObserver: RunObserver {
    enum Mode: Sendable {
        case agent, agentQuiet, workflow, workflowVerbose, workflowQuiet
    }

    let json: Bool
    let mode: Mode
    let style: TerminalStyle
    private let state = Mutex(State())

    private struct State {
        /// Whether stdout is in the middle of a line, so a stderr line does not land after a partial one
        /// on a terminal that shows both.
        var midLine = false
        /// Per step, text not yet ending in a newline (`workflowVerbose`).
        var pending: [String: (label: String, text: String)] = [:]
    }

    init(json: Bool, mode: Mode, style: TerminalStyle) {
        self.json = json
        self.mode = mode
        self.style = style
    }

    /// Ends the current stdout line if tokens left it open.
    func finishLine() {
        let open = state.withLock { state -> Bool in
            defer { state.midLine = false }
            return state.midLine
        }
        if open { StandardStreams.write("\n", to: STDOUT_FILENO) }
    }

    func runEvent(runId: String, seq: UInt64, event: RunEvent) {
        if json {
            var line: [UInt8] = []
            RunNotifications.append(runId: runId, seq: seq, event: event, to: &line)
            line.append(UInt8(ascii: "\n"))
            StandardStreams.write(line, to: STDOUT_FILENO)
            return
        }
        switch (mode, event) {
        case (.agent, .token(_, _, let text)), (.agentQuiet, .token(_, _, let text)):
            guard let last = text.utf8.last else { return }
            state.withLock { $0.midLine = last != UInt8(ascii: "\n") }
            StandardStreams.write(text, to: STDOUT_FILENO)
        case (.agent, .thinking(let agent, _, let text)):
            progressLine("[\(agent)]", "thinking: \(text)")
        case (.workflowVerbose, .token(let agent, let stepId, let text)):
            stepText(label: "\(stepId) \(agent)", stepId: stepId, text: text)
        case (.workflowVerbose, .thinking(let agent, let stepId, let text)):
            progressLine(label(stepId: stepId, agent: agent), "thinking: \(text)")
        case (.workflow, .step(let step)), (.workflowVerbose, .step(let step)):
            stepLine(step)
        case (.agentQuiet, _), (.workflowQuiet, _), (_, .started), (_, .heartbeat), (_, .token), (_, .thinking),
            (_, .step):
            break
        case (_, .progress(let percent, let message)):
            progressLine("[\(percent)%]", message)
        case (_, .tool(let tool)):
            let timing = tool.durationMs.map { " in \($0) ms" } ?? ""
            var detail = tool.error.map { ": \($0)" } ?? ""
            if let progress = tool.progress {
                let total = progress.total.map { " of \(Self.number($0))" } ?? ""
                detail = " \(Self.number(progress.progress))\(total)\(progress.message.map { ": \($0)" } ?? "")"
            }
            progressLine(
                label(stepId: tool.stepId, agent: tool.agent),
                "tool \(tool.tool) \(tool.input.jsonString): \(tool.status.rawValue)\(timing)\(detail)"
            )
        }
    }

    private func label(stepId: String, agent: String) -> String {
        mode == .agent ? "[\(agent)]" : "[\(stepId) \(agent)]"
    }

    /// `[1.2 echo] completed in 3 ms`; the workflow's own step is labelled with the workflow's name.
    private func stepLine(_ step: StepEvent) {
        let label = step.parentStepId == nil ? "[\(step.name)]" : "[\(step.stepId) \(step.agent)]"
        if step.status != .started { flushStepText(step.stepId) }
        let timing = step.durationMs.map { " in \($0) ms" } ?? ""
        let status =
            switch step.status {
            case .started: step.status.rawValue
            case .completed, .reused: style.green(step.status.rawValue)
            case .failed: style.red(step.status.rawValue)
            case .cancelled: style.yellow(step.status.rawValue)
            }
        let detail = step.error.map { ": \($0)" } ?? ""
        progressLine(label, "\(status)\(timing)\(detail)")
    }

    /// Tokens of one step, written a whole line at a time so parallel steps never interleave mid-line.
    private func stepText(label: String, stepId: String, text: String) {
        let lines = state.withLock { state -> [String] in
            var pending = state.pending[stepId] ?? (label, "")
            pending.text += text
            var complete: [String] = []
            while let newline = pending.text.firstIndex(of: "\n") {
                complete.append(String(pending.text[..<newline]))
                pending.text = String(pending.text[pending.text.index(after: newline)...])
            }
            state.pending[stepId] = pending
            return complete
        }
        for line in lines { progressLine("[\(label)]", "| \(line)") }
    }

    private func flushStepText(_ stepId: String) {
        guard let pending = state.withLock({ $0.pending.removeValue(forKey: stepId) }), !pending.text.isEmpty
        else { return }
        progressLine("[\(pending.label)]", "| \(pending.text)")
    }

    /// A progress figure without a needless `.0`.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    private func progressLine(_ label: String, _ text: String) {
        finishLine()
        StandardStreams.write("\(style.dim(label)) \(text)\n", to: STDERR_FILENO)
    }
}
