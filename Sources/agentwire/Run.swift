import AgentCore
import AgentProtocol
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

            The run is kept in the run store `agentwire serve` keeps its runs in, so `agentwire runs`, \
            `agentwire show` and `agentwire resume` see it (--store memory keeps nothing). When the default \
            store cannot be opened or written, a warning goes to stderr and the run goes on unkept; a store \
            named with --store that cannot be opened is an error (status 1) and nothing runs.

            Ctrl-C cancels the run and prints the output so far. Exit status: 0 done, 1 the run failed, \
            2 usage error (unknown agent or workflow, no input), 130 interrupted.
            """
    )

    @OptionGroup var options: CommonOptions

    @OptionGroup var printing: RunPrintOptions

    @Option(help: "Run this workflow (see `agentwire workflows`) instead of an agent.")
    var workflow: String?

    @Option(help: "Call this model instead of the agent's configured one (openai agents).")
    var model: String?

    @OptionGroup var budget: BudgetOptions

    @Option(
        help: ArgumentHelp(
            "A JSON Schema file the output must match; the parsed output is printed with --json.",
            valueName: "file"
        )
    )
    var outputSchema: String?

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "The agent to run (see `agentwire agents`); with --workflow, the first word of the input.")
    var agent: String?

    @Argument(parsing: .remaining, help: "The input; words are joined with spaces. '-' reads stdin.")
    var input: [String] = []

    func run() async throws {
        try await TerminalRun.main(json: printing.json) { output, interrupt in
            try await execute(output: output, interrupt: interrupt)
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
        let store = try await storeOptions.openForRecording(output: output, config: runtime.config.store)
        let stored: StoredRun
        let body: TerminalRun.Body
        switch target {
        case .agent(let name):
            stored = StoredRun(id: "", kind: RunInfo.Kind.agent.rawValue, name: name, agent: name, input: text)
            body = { runId, observer async throws(RunFailure) in
                try await runtime.run(agent: name, input: text, runId: runId, observer: observer, options: runOptions)
            }
        case .workflow(let definition):
            stored = StoredRun(
                id: "",
                kind: RunInfo.Kind.workflow.rawValue,
                name: definition.name,
                workflow: definition.name,
                strategy: definition.strategy.name,
                input: text,
                definition: definition.specJSON
            )
            body = { runId, observer async throws(RunFailure) in
                try await runtime.run(
                    workflow: definition,
                    input: text,
                    runId: runId,
                    observer: observer,
                    options: runOptions
                )
            }
        }
        try await TerminalRun(printing: printing, output: output, interrupt: interrupt).execute(
            stored,
            runtime: runtime,
            store: store,
            body: body
        )
    }

    /// The run's options from --model, the budget options and --output-schema, checked as a request's
    /// members are (a bad one is a usage error).
    private func runOptions() throws -> RunOptions {
        var options = RunOptions(model: model)
        do throws(FieldError) {
            options.budget = try budget.budget()
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
            throw BudgetOptions.usageFailure(error)
        }
        return options
    }

    private enum Target {
        case agent(String)
        case workflow(WorkflowDefinition)
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

/// --json, --verbose and --quiet: how `agentwire run` and `agentwire resume` print a run.
struct RunPrintOptions: ParsableArguments {
    @Flag(help: "Print every notification as a JSON line, then the result (errors as one JSON line too).")
    var json = false

    @Flag(name: .shortAndLong, help: "Also print each workflow step's tokens and reasoning on stderr.")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Print no progress on stderr, only errors.")
    var quiet = false

    func validate() throws {
        if verbose && quiet { throw ValidationError("--verbose and --quiet exclude each other") }
    }

    func mode(workflow: Bool) -> TerminalObserver.Mode {
        workflow ? (quiet ? .workflowQuiet : verbose ? .workflowVerbose : .workflow) : (quiet ? .agentQuiet : .agent)
    }
}

/// The --max-* options: what a run may spend, as a request's `budget` says it.
struct BudgetOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Stop the run once its priced model calls cost more than this.", valueName: "usd"))
    var maxCostUsd: Double?

    @Option(help: ArgumentHelp("Stop the run past this many output tokens.", valueName: "n"))
    var maxOutputTokens: Int?

    @Option(help: ArgumentHelp("Stop the run before a model call past this many.", valueName: "n"))
    var maxModelCalls: Int?

    /// The budget, checked as a request's `budget` is (a bad member's path is `budget.NAME`).
    func budget() throws(FieldError) -> Budget {
        var budget: JSONObject = [:]
        if let maxCostUsd { budget["maxCostUsd"] = .double(maxCostUsd) }
        if let maxOutputTokens { budget["maxOutputTokens"] = .int(maxOutputTokens) }
        if let maxModelCalls { budget["maxModelCalls"] = .int(maxModelCalls) }
        return try ConfigParser.parseBudget(.object(budget), path: "budget")
    }

    /// A bad option as a usage error naming it: `budget.maxCostUsd` → `--max-cost-usd`.
    static func usageFailure(_ error: FieldError) -> CLIFailure {
        let option = error.path.hasPrefix("budget.") ? "--" + kebab(String(error.path.dropFirst(7))) : error.path
        return CLIFailure(usage: "\(option): \(error.message)")
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
}

/// A run in this process as `agentwire run` and `agentwire resume` run it: printed as it streams, kept in
/// the run store, cancelled by Ctrl-C (or by `run/cancel` from a process on the same store), and ended
/// with the exit status.
struct TerminalRun {
    /// Runs the run, given its id and observer.
    typealias Body = @Sendable (_ runId: String, _ observer: any RunObserver) async throws(RunFailure) -> RunResult

    let printing: RunPrintOptions
    let output: RunOutput
    let interrupt: Interrupt

    /// A command's frame: SIGPIPE ignored (a closed pipe ends the output, not the process), Ctrl-C
    /// handled, and a ``CLIFailure`` reported with its exit status.
    static func main(json: Bool, _ work: (RunOutput, Interrupt) async throws -> Void) async throws {
        signal(SIGPIPE, SIG_IGN)
        let interrupt = Interrupt()
        defer { interrupt.stop() }
        let output = RunOutput(json: json, style: .standardError)
        do {
            try await work(output, interrupt)
        } catch let failure as CLIFailure {
            output.report(failure)
            throw ExitCode(failure.exitCode)
        }
    }

    /// Runs `body` as a new run that `stored` describes (its id is made here), recording it into `store`
    /// (begun, every event, finished however it ends), prints its output, then writes and closes the
    /// store before returning or throwing the exit status (1 failed, 130 cancelled).
    func execute(
        _ stored: StoredRun,
        runtime: AgentRuntime,
        store: StoreOptions.Opened,
        body: @escaping Body
    ) async throws {
        var stored = stored
        let runId = AgentRuntime.makeRunId()
        stored.id = runId
        let isWorkflow = stored.kind == RunInfo.Kind.workflow.rawValue
        let terminal = TerminalObserver(
            json: printing.json,
            mode: printing.mode(workflow: isWorkflow),
            style: output.style
        )
        let recorder = store.recorder
        recorder.begin(stored)
        let observer = RecordingObserver(recorder: recorder, client: terminal)
        let task = Task { () async -> Result<RunResult, RunFailure> in
            do throws(RunFailure) {
                return .success(try await body(runId, observer))
            } catch {
                return .failure(error)
            }
        }
        interrupt.onInterrupt { task.cancel() }
        recorder.onCancelRequests { runIds in
            if runIds.contains(runId) { task.cancel() }
        }
        let outcome = await task.value
        recorder.finish(runId, outcome: AgentServer.storedOutcome(outcome))
        await runtime.shutdown()  // the MCP servers the run started
        terminal.finishLine()
        let status: Int32
        switch outcome {
        case .failure(let failure):
            // What the run produced before it failed is kept: a workflow's partial output is its output.
            if !printing.json, isWorkflow, let partial = failure.partialOutput, !partial.isEmpty {
                output.writeOutput(partial)
            }
            var reported = CLIFailure(failure, exitCode: 1)
            if isWorkflow, recorder.isPersistent {
                reported.suggestions.append(
                    "`agentwire resume \(runId)` runs it again, reusing the steps that completed."
                )
            }
            output.report(reported)
            status = 1
        case .success(let result):
            if printing.json {
                output.writeJSONLine(AgentServer.runResultJSON(result))
            } else {
                if isWorkflow { output.writeOutput(result.output) }
                if !printing.quiet {
                    let note = result.stopReason == .cancelled ? "cancelled" : "done"
                    let resumed = stored.resumedFrom.map { ", resumed from \($0)" } ?? ""
                    output.note(
                        "\(note): \(Self.summary(result.usage)) in \(result.durationMs) ms (\(result.runId)\(resumed))"
                    )
                }
            }
            status = result.stopReason == .cancelled || interrupt.fired ? 130 : 0
        }
        await store.close()
        if status != 0 { throw ExitCode(status) }
    }

    /// The tokens and, when known, the cost: `12 input + 40 output tokens, $0.000123`.
    static func summary(_ usage: Usage) -> String {
        var text =
            usage.inputTokens.map { "\($0) input + \(usage.outputTokens) output tokens" }
            ?? "\(usage.outputTokens) tokens"
        if let cost = usage.cost { text += ", \(cost)" }
        return text
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
