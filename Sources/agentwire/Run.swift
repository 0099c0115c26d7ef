import AgentCore
import AgentService
import ArgumentParser
import Foundation
import JSONCore
import Logging
import Synchronization

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run an agent in this process and stream its output to the terminal.",
        discussion: """
            Tokens go to stdout as they stream; step lines go to stderr. With --json, every notification the \
            service would send is printed as one JSON line, followed by the result. Ctrl-C cancels the run \
            and keeps the partial output. Exit status: 0 done, 1 error, 130 cancelled.
            """
    )

    @OptionGroup var options: CommonOptions

    @Flag(help: "Print every notification as a JSON line, then the result, instead of plain text.")
    var json = false

    @Option(help: "Run this named workflow (see `workflows/list`) instead of an agent.")
    var workflow: String?

    @Argument(help: "The agent to run (built in: echo, echo-slow, echo-thinking, echo-history).")
    var agent: String?

    @Argument(parsing: .remaining, help: "The input; several words are joined with spaces. '-' reads stdin.")
    var input: [String] = []

    static func check<T>(_ body: () throws(RunFailure) -> T) throws -> T {
        do { return try body() } catch {
            throw CommandFailure(([error.message] + error.suggestions).joined(separator: "\n  "))
        }
    }

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let runtime = try options.makeRuntime(label: "agentwire.run")
        var text = input.joined(separator: " ")
        if text == "-" {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        }
        let runId = AgentRuntime.makeRunId()
        let observer = TerminalObserver(json: json)
        let task: Task<RunResult, any Error>
        if let workflow {
            // With --workflow, every argument is input.
            if let agent { text = ([agent] + input).joined(separator: " ") }
            let definition = try Self.check { () throws(RunFailure) in try runtime.workflow(named: workflow) }
            task = Task { try await runtime.run(workflow: definition, input: text, runId: runId, observer: observer) }
        } else {
            guard let agent else { throw ValidationError("name an agent, or a workflow with --workflow") }
            guard runtime.agent(named: agent) != nil else {
                throw CommandFailure(
                    "unknown agent '\(agent)'; available agents: \(runtime.agents.map(\.name).joined(separator: ", "))"
                )
            }
            task = Task { try await runtime.run(agent: agent, input: text, runId: runId, observer: observer) }
        }
        signal(SIGINT, SIG_IGN)
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT)
        interrupt.setEventHandler { task.cancel() }
        interrupt.resume()
        let result: RunResult
        do {
            result = try await task.value
        } catch let failure as RunFailure {
            observer.finishLine()
            if let partial = failure.partialOutput, !partial.isEmpty, json {
                observer.writeLine(["error": .string(failure.message), "partialOutput": .string(partial)])
            }
            throw CommandFailure(([failure.message] + failure.suggestions).joined(separator: "\n  "))
        }
        interrupt.cancel()
        if json {
            observer.writeLine(AgentServer.runResultJSON(result))
        } else {
            observer.finishLine()
            let note = result.stopReason == .cancelled ? "cancelled" : "done"
            FileHandle.standardError.write(
                Data("\(note): \(result.outputTokens) tokens in \(result.durationMs) ms (\(result.runId))\n".utf8)
            )
        }
        if result.stopReason == .cancelled { throw ExitCode(130) }
    }
}

/// Prints a run as it streams: tokens to stdout, steps to stderr; or every notification as JSON lines.
final class TerminalObserver: RunObserver {
    let json: Bool
    /// Whether stdout is in the middle of a line, so a step line does not land after a partial one.
    private let midLine = Mutex(false)

    init(json: Bool) { self.json = json }

    /// Ends the current stdout line if tokens left it open.
    func finishLine() {
        if midLine.withLock({ $0 }) { write("\n") }
    }

    func runEvent(runId: String, seq: UInt64, event: RunEvent) {
        if json {
            var line: [UInt8] = []
            RunNotifications.append(runId: runId, seq: seq, event: event, to: &line)
            line.append(UInt8(ascii: "\n"))
            writeBytes(line)
            return
        }
        switch event {
        case .token(_, _, let text):
            write(text)
        case .thinking(let agent, _, let text):
            finishLine()
            FileHandle.standardError.write(Data("[\(agent)] thinking: \(text)\n".utf8))
        case .progress(let percent, let message):
            finishLine()
            FileHandle.standardError.write(Data("[\(percent)%] \(message)\n".utf8))
        case .step(let step):
            if step.status != .started { finishLine() }
            let timing = step.durationMs.map { " in \($0) ms" } ?? ""
            FileHandle.standardError.write(
                Data("[\(step.agent)] \(step.name): \(step.status.rawValue)\(timing)\n".utf8)
            )
        case .tool(let tool):
            finishLine()
            let timing = tool.durationMs.map { " in \($0) ms" } ?? ""
            let detail = tool.error.map { ": \($0)" } ?? ""
            FileHandle.standardError.write(
                Data(
                    "[\(tool.agent)] tool \(tool.tool) \(tool.input.jsonString): \(tool.status.rawValue)\(timing)\(detail)\n"
                        .utf8
                )
            )
        case .started, .heartbeat:
            break
        }
    }

    func write(_ text: String) {
        guard let last = text.utf8.last else { return }
        midLine.withLock { $0 = last != UInt8(ascii: "\n") }
        writeBytes(Array(text.utf8))
    }

    func writeLine(_ value: JSONValue) {
        var bytes = value.encoded()
        bytes.append(UInt8(ascii: "\n"))
        writeBytes(bytes)
    }

    private func writeBytes(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(STDOUT_FILENO, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += n
            }
        }
    }
}
