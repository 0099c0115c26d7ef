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

            The summary line on stderr gives the tokens (input ones when the model server reports them) and, \
            when the config prices the model, the cost. --model, the --max-* budget options and \
            --output-schema work as the members of agent/run do (docs/PROTOCOL.md).

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

    @Option(help: "Call this model instead of the agent's configured one (openai agents).")
    var model: String?

    @Option(help: ArgumentHelp("Stop the run once its priced model calls cost more than this.", valueName: "usd"))
    var maxCostUsd: Double?

    @Option(help: ArgumentHelp("Stop the run past this many output tokens.", valueName: "n"))
    var maxOutputTokens: Int?

    @Option(help: ArgumentHelp("Stop the run before a model call past this many.", valueName: "n"))
    var maxModelCalls: Int?

    @Option(
        help: ArgumentHelp(
            "A JSON Schema file the output must match; the parsed output is printed with --json.",
            valueName: "file"
        )
    )
    var outputSchema: String?

    @Argument(help: "The agent to run (see `agentwire agents`); with --workflow, the first word of the input.")
    var agent: String?

    @Argument(parsing: .remaining, help: "The input; words are joined with spaces. '-' reads stdin.")
    var input: [String] = []

    func validate() throws {
        if verbose && quiet { throw ValidationError("--verbose and --quiet exclude each other") }
    }

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let interrupt = Interrupt()
        defer { interrupt.stop() }
        let style = TerminalStyle.standardError
        let output = RunOutput(json: json, style: style)
        do {
            try await execute(output: output, interrupt: interrupt)
        } catch let failure as CLIFailure {
            output.report(failure)
            throw ExitCode(failure.exitCode)
        }
    }

    private func execute(output: RunOutput, interrupt: Interrupt) async throws {
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
        let runOptions = try self.runOptions()
        let runId = AgentRuntime.makeRunId()
        let observer = TerminalObserver(
            json: json,
            mode: target.isWorkflow
                ? (quiet ? .workflowQuiet : verbose ? .workflowVerbose : .workflow) : (quiet ? .agentQuiet : .agent),
            style: output.style
        )
        let task = Task<RunResult, any Error> {
            switch target {
            case .agent(let name):
                try await runtime.run(agent: name, input: text, runId: runId, observer: observer, options: runOptions)
            case .workflow(let definition):
                try await runtime.run(
                    workflow: definition,
                    input: text,
                    runId: runId,
                    observer: observer,
                    options: runOptions
                )
            }
        }
        interrupt.onInterrupt { task.cancel() }
        let result: RunResult
        let outcome = await task.result
        await runtime.shutdown()  // the MCP servers the run started
        do {
            result = try outcome.get()
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
                output.note("\(note): \(Self.summary(result.usage)) in \(result.durationMs) ms (\(result.runId))")
            }
        }
        if result.stopReason == .cancelled || interrupt.fired { throw ExitCode(130) }
    }

    /// The tokens and, when known, the cost: `12 input + 40 output tokens, $0.000123`.
    static func summary(_ usage: Usage) -> String {
        var text =
            usage.inputTokens.map { "\($0) input + \(usage.outputTokens) output tokens" }
            ?? "\(usage.outputTokens) tokens"
        if let cost = usage.cost { text += ", \(cost)" }
        return text
    }

    /// The run's options from --model, the budget options and --output-schema, checked as a request's
    /// members are (a bad one is a usage error).
    private func runOptions() throws -> RunOptions {
        var options = RunOptions(model: model)
        var budget: JSONObject = [:]
        if let maxCostUsd { budget["maxCostUsd"] = .double(maxCostUsd) }
        if let maxOutputTokens { budget["maxOutputTokens"] = .int(maxOutputTokens) }
        if let maxModelCalls { budget["maxModelCalls"] = .int(maxModelCalls) }
        do throws(FieldError) {
            options.budget = try ConfigParser.parseBudget(.object(budget), path: "budget")
            if let outputSchema {
                guard let data = FileManager.default.contents(atPath: outputSchema) else {
                    throw FieldError(path: "--output-schema", message: "cannot read \(outputSchema)")
                }
                let schema: JSONValue
                do { schema = try JSONValue.parse(Array(data), allowScalars: true) } catch {
                    throw FieldError(path: "--output-schema", message: "\(outputSchema) is not JSON: \(error.message)")
                }
                options.outputSchema = try ConfigParser.parseOutputSchema(schema, path: "--output-schema")
            }
        } catch {
            let option =
                error.path.hasPrefix("budget.") ? "--" + Self.kebab(String(error.path.dropFirst(7))) : error.path
            throw CLIFailure(usage: "\(option): \(error.message)")
        }
        return options
    }

    /// `maxCostUsd` → `max-cost-usd`.
    static func kebab(_ name: String) -> String {
        name.reduce(into: "") { text, character in
            if character.isUppercase {
                text += "-" + character.lowercased()
            } else {
                text.append(character)
            }
        }
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
/// Installed before anything else, so a Ctrl-C during start-up is not lost: it cancels the run as soon as
/// there is one.
///
/// The handler only writes a byte to a pipe (the one thing a signal handler may safely do); a thread of its
/// own reads the pipe and acts. A signal source would depend on which thread the kernel picks to take a
/// process-wide signal, and the Swift runtime's threads do not block SIGINT.
final class Interrupt: Sendable {
    private let state = Mutex<(count: Int, cancel: (@Sendable () -> Void)?)>((0, nil))

    init() {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return }
        interruptPipeWriteEnd.store(fds[1], ordering: .releasing)
        signal(SIGINT) { _ in
            var byte: UInt8 = 1
            _ = write(interruptPipeWriteEnd.load(ordering: .acquiring), &byte, 1)
        }
        let readEnd = fds[0]
        let thread = Thread { [self] in
            var byte: UInt8 = 0
            while true {
                let n = read(readEnd, &byte, 1)
                if n < 0, errno == EINTR { continue }
                if n <= 0 { return }
                let (seen, cancel) = state.withLock { state in
                    state.count += 1
                    return (state.count, state.cancel)
                }
                if seen > 1 { exit(130) }
                cancel?()
            }
        }
        thread.name = "agentwire-interrupt"
        thread.start()
    }

    /// What a Ctrl-C cancels; called at once if one came already.
    func onInterrupt(_ cancel: @escaping @Sendable () -> Void) {
        let fired = state.withLock { state -> Bool in
            state.cancel = cancel
            return state.count > 0
        }
        if fired { cancel() }
    }

    var fired: Bool { state.withLock { $0.count > 0 } }

    /// Back to the default: a Ctrl-C after the run has ended ends the process.
    func stop() { signal(SIGINT, SIG_DFL) }
}

/// The write end of ``Interrupt``'s pipe, for its signal handler (which can capture nothing).
private let interruptPipeWriteEnd = Atomic<Int32>(-1)
