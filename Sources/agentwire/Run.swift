import AgentCore
import AgentService
import ArgumentParser
import Foundation
import JSONCore
import JSONRPC
import Synchronization

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run an agent or a workflow in this process and print its output.",
        discussion: """
            The input is the arguments after the agent's name (or all of them with --workflow), else stdin \
            when it is not a terminal, or stdin when the input is '-'. `--` ends the options.

            An agent's tokens go to stdout as they stream. A workflow's result goes to stdout when it ends \
            (what workflow/run answers); meanwhile each step's start and end go to stderr, one line each \
            (its tokens too with --verbose). --quiet leaves stderr to errors. With --json, stdout gets \
            every notification the service would send as one JSON line, then the result, or on failure one \
            line {"error": {"code", "message", "data"}}.

            Ctrl-C cancels the run and prints the output so far. Exit status: 0 done, 1 the run failed, \
            2 usage error (unknown agent or workflow, no input), 130 interrupted.
            """
    )

    @OptionGroup var options: CommonOptions

    @Flag(help: "Print every notification as a JSON line, then the result (errors as one JSON line too).")
    var json = false

    @Option(help: "Run this workflow (see `agentwire workflows`) instead of an agent.")
    var workflow: String?

    @Flag(name: .shortAndLong, help: "Also print each workflow step's tokens and reasoning on stderr.")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Print no progress on stderr, only errors.")
    var quiet = false

    @Argument(help: "The agent to run (see `agentwire agents`); with --workflow, the first word of the input.")
    var agent: String?

    @Argument(parsing: .remaining, help: "The input; words are joined with spaces. '-' reads stdin.")
    var input: [String] = []

    func validate() throws {
        if verbose && quiet { throw ValidationError("--verbose and --quiet exclude each other") }
    }

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let style = TerminalStyle.standardError
        let output = RunOutput(json: json, style: style)
        do {
            try await execute(output: output)
        } catch let failure as CLIFailure {
            output.report(failure)
            throw ExitCode(failure.exitCode)
        }
    }

    private func execute(output: RunOutput) async throws {
        let runtime = try options.makeRuntime(label: "agentwire.run", defaultLevel: .warning)
        var words = input.first == "--" ? Array(input.dropFirst()) : input
        let target: Target
        if let workflow {
            // With --workflow, every argument is input.
            if let agent { words.insert(agent, at: 0) }
            do { target = .workflow(try runtime.workflow(named: workflow)) } catch {
                throw CLIFailure(error, exitCode: 2)
            }
        } else {
            guard let agent else {
                throw CLIFailure(usage: "Name an agent (see `agentwire agents`), or a workflow with --workflow")
            }
            guard runtime.agent(named: agent) != nil else {
                throw CLIFailure(runtime.unknownAgent(agent), exitCode: 2)
            }
            target = .agent(agent)
        }
        let text = try Self.input(words)
        let runId = AgentRuntime.makeRunId()
        let observer = TerminalObserver(
            json: json,
            mode: target.isWorkflow
                ? (quiet ? .workflowQuiet : verbose ? .workflowVerbose : .workflow) : (quiet ? .agentQuiet : .agent),
            style: output.style
        )
        let task = Task<RunResult, any Error> {
            switch target {
            case .agent(let name): try await runtime.run(agent: name, input: text, runId: runId, observer: observer)
            case .workflow(let definition):
                try await runtime.run(workflow: definition, input: text, runId: runId, observer: observer)
            }
        }
        let interrupt = Interrupt { task.cancel() }
        defer { interrupt.stop() }
        let result: RunResult
        do {
            result = try await task.value
        } catch let failure as RunFailure {
            observer.finishLine()
            // What the run produced before it failed is kept: a workflow's partial output is its output.
            if !json, target.isWorkflow, let partial = failure.partialOutput, !partial.isEmpty {
                output.writeOutput(partial)
            }
            throw CLIFailure(failure, exitCode: 1)
        }
        observer.finishLine()
        if json {
            output.writeJSONLine(AgentServer.runResultJSON(result))
        } else {
            if target.isWorkflow { output.writeOutput(result.output) }
            if !quiet {
                let note = result.stopReason == .cancelled ? "cancelled" : "done"
                output.note("\(note): \(result.outputTokens) tokens in \(result.durationMs) ms (\(result.runId))")
            }
        }
        if result.stopReason == .cancelled || interrupt.fired { throw ExitCode(130) }
    }

    private enum Target {
        case agent(String)
        case workflow(WorkflowDefinition)

        var isWorkflow: Bool { if case .workflow = self { true } else { false } }
    }

    /// The run's input: the words, or stdin when they are `-` or absent and stdin is not a terminal.
    static func input(_ words: [String]) throws -> String {
        if words == ["-"] || (words.isEmpty && isatty(STDIN_FILENO) == 0) {
            var text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            // A trailing newline is how a pipe ends a line, not part of what was asked.
            if text.hasSuffix("\n") { text.removeLast() }
            return text
        }
        guard !words.isEmpty else {
            throw CLIFailure(usage: "Give the input as arguments, on stdin (`echo hi | agentwire run echo`) or as '-'")
        }
        return words.joined(separator: " ")
    }
}

/// Ctrl-C: the first cancels the run (which then answers with what it has), a second one exits at once.
final class Interrupt: @unchecked Sendable {
    // `source` is set once here and only cancelled after.
    private let source: any DispatchSourceSignal
    private let count = Mutex(0)

    init(_ cancel: @escaping @Sendable () -> Void) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT)
        source.setEventHandler { [self] in
            let seen = count.withLock { count -> Int in
                count += 1
                return count
            }
            if seen > 1 { exit(130) }
            cancel()
        }
        source.resume()
    }

    var fired: Bool { count.withLock { $0 > 0 } }

    func stop() { source.cancel() }
}
